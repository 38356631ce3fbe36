"""A call posted over HTTP flows intake -> classifier -> dispatch on the real Tansu broker and Valkey."""

import json
import uuid

import pytest

from schemas.codes import Agency
from schemas.events import CallClassified
from schemas.topics import CALLS_CLASSIFIED, CALLS_INCOMING, CALLS_RECEIVED, DEAD_LETTER, HANDOFFS_REQUESTED
from services.dispatch.routing import agencies_for
from tests.integration.lab import eventually

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


def of_call(call_id: str):
    return lambda e: e.get("call_id") == call_id


async def post_call(pipeline, **body) -> str:
    async with pipeline.http("intake") as client:
        resp = await client.post("/api/v1/calls", json=body)
    assert resp.status_code == 202, resp.text
    return resp.json()["call_id"]


async def test_http_call_gets_one_handoff_per_policy_agency(pipeline, policy):
    call_id = await post_call(pipeline, text="有人在楼下打架，一个人头上流血了", address="西罗园二区5号楼",
                              caller_phone="13812345678")
    classified = (await pipeline.collect(CALLS_CLASSIFIED.name, of_call(call_id)))[0]
    expected = set(agencies_for(CallClassified.model_validate(classified), policy))
    handoffs = await pipeline.collect(HANDOFFS_REQUESTED.name, of_call(call_id), until=len(expected), settle_s=1.5)
    agencies = [h["agency"] for h in handoffs]
    assert sorted(agencies) == sorted(a.value for a in expected)  # exactly once each
    assert len(set(h["handoff_id"] for h in handoffs)) == len(handoffs)


async def test_call_timeline_shows_each_step(pipeline):
    call_id = await post_call(pipeline, text="楼上漏水，天花板一直滴水", address="西罗园一区3号楼")
    await pipeline.collect(HANDOFFS_REQUESTED.name, of_call(call_id))
    async with pipeline.http("dispatch") as client:

        async def complete():
            view = (await client.get(f"/api/v1/calls/{call_id}")).json()
            kinds = [e["kind"] for e in view.get("timeline", [])]
            return (view, kinds) if {"handoff.status_changed", "handoff.requested"} <= set(kinds) else None

        # The timeline is a projection with its own consumer group: on a loaded machine its
        # first join can take seconds, so wait generously (a bound, not a timed assertion).
        view, kinds = await eventually(complete, timeout_s=30) or ({}, [])
        missing = await client.get(f"/api/v1/calls/{uuid.uuid4()}")
    assert kinds[:2] == ["call.received", "call.classified"]
    assert "handoff.requested" in kinds and "handoff.status_changed" in kinds
    assert view["handoffs"] and all(h["status"] == "routed" for h in view["handoffs"])
    assert missing.status_code == 404


async def test_redelivered_events_produce_no_second_handoff(pipeline):
    call_id = await post_call(pipeline, text="厨房里一股很大的煤气味，有人晕倒了", address="西罗园四区3号楼")
    received = await pipeline.collect(CALLS_RECEIVED.name, of_call(call_id))
    classified = await pipeline.collect(CALLS_CLASSIFIED.name, of_call(call_id))
    first = await pipeline.collect(HANDOFFS_REQUESTED.name, of_call(call_id), settle_s=1.5)
    # At-least-once: the same events arrive again (a consumer crashed before committing).
    key = call_id.encode()
    await pipeline.publish_raw(CALLS_RECEIVED.name, json.dumps(received[0]).encode(), key)
    await pipeline.publish_raw(CALLS_CLASSIFIED.name, json.dumps(classified[0]).encode(), key)
    again = await pipeline.collect(HANDOFFS_REQUESTED.name, of_call(call_id), until=len(first) + 1, timeout_s=4)
    assert len(again) == len(first)
    # The classifier skipped the repeated CallReceived: only the original and our replay are on the topic.
    reclassified = await pipeline.collect(CALLS_CLASSIFIED.name, of_call(call_id), until=3, timeout_s=3)
    assert len(reclassified) == 2


async def test_malformed_upstream_call_is_dead_lettered_and_next_goes_through(pipeline):
    marker = str(uuid.uuid4())
    await pipeline.publish_raw(CALLS_INCOMING.name, b'{"text": 42, "marker": "' + marker.encode() + b'"}')
    await pipeline.publish_raw(CALLS_INCOMING.name, b"\xff\xfe not utf-8 " + marker.encode())
    source_id = f"cad-{marker}"
    good = {"text": "小区电梯坏了，有人被困在里面", "address": "花椒树社区8号楼", "source_id": source_id}
    await pipeline.publish_raw(CALLS_INCOMING.name, json.dumps(good, ensure_ascii=False).encode())

    letters = await pipeline.collect(DEAD_LETTER.name, lambda e: marker in e.get("payload", "")
                                     or e.get("payload_encoding") == "base64", until=2)
    reasons = " | ".join(letter["reason"] for letter in letters)
    assert "text" in reasons and "UTF-8" in reasons
    assert all(letter["source_topic"] == CALLS_INCOMING.name for letter in letters)
    routed = await pipeline.collect(HANDOFFS_REQUESTED.name, lambda e: e["call"].get("source_id") == source_id)
    assert routed and routed[0]["call"]["text"] == good["text"]


async def test_upstream_redelivery_is_the_same_call(pipeline):
    body = json.dumps({"text": "路灯坏了好几天了", "source_id": f"cad-{uuid.uuid4()}"}, ensure_ascii=False).encode()
    await pipeline.publish_raw(CALLS_INCOMING.name, body)
    await pipeline.publish_raw(CALLS_INCOMING.name, body)
    source_id = json.loads(body)["source_id"]
    handoffs = await pipeline.collect(HANDOFFS_REQUESTED.name, lambda e: e["call"].get("source_id") == source_id,
                                      until=2, timeout_s=6)
    assert len({h["call_id"] for h in handoffs}) == 1
    assert len(handoffs) == len({h["agency"] for h in handoffs})
    assert Agency.HOTLINE_12345.value in {h["agency"] for h in handoffs} or handoffs
