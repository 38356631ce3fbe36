"""Intake's edges with FastStream's in-memory broker: HTTP validation and the upstream consumer."""

import asyncio
import json

import httpx
import pytest
from faststream.kafka import TestKafkaBroker

from schemas.requests import MAX_TEXT_CHARS
from schemas.topics import CALLS_INCOMING, CALLS_RECEIVED, DEAD_LETTER
from services.intake.app import create_service
from services.intake.settings import IntakeSettings


@pytest.fixture
def intake():
    service = create_service(IntakeSettings())
    received, letters = [], []

    @service.broker.subscriber(CALLS_RECEIVED.name)
    async def _received(body: dict) -> None:
        received.append(body)

    @service.broker.subscriber(DEAD_LETTER.name)
    async def _letters(body: dict) -> None:
        letters.append(body)

    return service, received, letters


async def post(service, body: bytes | dict, **kw) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    transport = httpx.ASGITransport(app=service.http)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post("/api/v1/calls", content=content, headers={"content-type": "application/json"}, **kw)


async def test_valid_call_is_accepted_and_published(intake):
    service, received, _ = intake
    async with TestKafkaBroker(service.broker):
        resp = await post(service, {"text": " 楼上漏水 ", "caller_phone": "13812345678", "address": "西罗园二区"})
    assert resp.status_code == 202
    call_id = resp.json()["call_id"]
    assert received[0]["call_id"] == call_id
    assert received[0]["call"]["text"] == "楼上漏水" and received[0]["channel"] == "http"
    assert received[0]["call"]["received_at"]


async def test_same_source_id_is_the_same_call(intake):
    service, received, _ = intake
    async with TestKafkaBroker(service.broker):
        a = await post(service, {"text": "路灯坏了", "source_id": "cad-77"})
        b = await post(service, {"text": "路灯坏了", "source_id": "cad-77"})
    assert a.json()["call_id"] == b.json()["call_id"]
    assert received[0]["event_id"] == received[1]["event_id"]


@pytest.mark.parametrize(
    ("body", "reason_part"),
    [
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "at most"),
        ({"text": 12345}, "text"),
        ({"text": ["楼上漏水"]}, "text"),
        ({"text": "楼上漏水", "caller_phone": 13812345678}, "caller_phone"),
        ({"text": "楼上漏水", "received_at": "yesterday"}, "received_at"),
        ({"text": "楼上漏水", "priority": "high"}, "priority"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"address": "西罗园"}, "text"),
        ({"text": "楼上漏水", "caller_phone": "call me"}, "caller_phone"),
        ([1, 2], "JSON object"),
        (b"\xe6\xa5\xbc\xff\xfe", "UTF-8"),
        (b'{"text": "unterminated', "JSON"),
    ],
)
async def test_bad_input_gets_422_with_a_reason(intake, body, reason_part):
    service, received, _ = intake
    async with TestKafkaBroker(service.broker):
        resp = await post(service, body if isinstance(body, (bytes, dict)) else json.dumps(body).encode())
    assert resp.status_code == 422
    assert reason_part in resp.json()["reason"]
    assert received == []


async def test_oversized_body_gets_413(intake):
    service, _, _ = intake
    async with TestKafkaBroker(service.broker):
        resp = await post(service, b'{"text": "' + b"a" * 70_000 + b'"}')
    assert resp.status_code == 413


async def test_upstream_bad_message_goes_to_dead_letter_and_consumer_continues(intake):
    service, received, letters = intake
    async with TestKafkaBroker(service.broker) as broker:
        await broker.publish(b'{"text": "", "source_id": "a"}', CALLS_INCOMING.name)
        await broker.publish(b"\xff\xfe\xfd", CALLS_INCOMING.name)
        await broker.publish({"text": "电梯困人", "extra": 1}, CALLS_INCOMING.name)
        await broker.publish({"text": "电梯困人了", "source_id": "cad-1"}, CALLS_INCOMING.name)
    assert len(letters) == 3
    assert letters[1]["payload_encoding"] == "base64" and "UTF-8" in letters[1]["reason"]
    assert "extra" in letters[2]["reason"]
    assert [r["call"]["text"] for r in received] == ["电梯困人了"]
    assert received[0]["channel"] == "stream"


async def test_when_the_stream_is_down_the_sender_is_told_to_retry(intake, monkeypatch):
    service, received, _ = intake

    async def down(*a, **k):
        raise ConnectionError("kafka away")

    async with TestKafkaBroker(service.broker):
        monkeypatch.setattr(service.broker, "publish", down)
        resp = await post(service, {"text": "楼上漏水", "source_id": "cad-9"})
    assert resp.status_code == 503 and "retry" in resp.json()["reason"] and resp.headers["retry-after"]


async def test_a_publish_the_broker_never_confirms_is_a_503_not_a_hang(monkeypatch):
    service = create_service(IntakeSettings(publish_timeout_s=0.2))

    async def wedged(*a, **k):  # aiokafka can wait for ever on a wedged connection (aiokafka#1101)
        await asyncio.sleep(3600)

    async with TestKafkaBroker(service.broker):
        monkeypatch.setattr(service.broker, "publish", wedged)
        resp = await asyncio.wait_for(post(service, {"text": "楼上漏水", "source_id": "cad-10"}), 10)
    assert resp.status_code == 503 and resp.json()["error"] == "stream_unavailable"
