"""Handoffs on the real engines: webhooks to a real HTTP receiver, the partner API, deadlines, escalation."""

import asyncio
import json
import random
import time

import pytest
from faststream.kafka import KafkaBroker
from redis.asyncio import Redis

from schemas.codes import Agency, CallType
from schemas.topics import DISPATCH_AUDIT, HANDOFFS_STATUS
from services.dispatch.app import run_timers
from services.dispatch.delivery import verify
from services.dispatch.timers import TimerStore
from tests.integration.conftest import collect
from tests.integration.lab import Lab, eventually
from tests.integration.receiver import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture(scope="module")
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


async def status_of(lab: Lab, call_id: str, partner_id: str) -> str | None:
    for h in await lab.handoffs(call_id):
        if h["partner_id"] == partner_id:
            return h["status"]
    return None


async def test_webhook_is_signed_and_retried_after_500(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path) as lab:
        receiver.script["/hooks/pm-xly2-wanjia"] = [500, 500]
        lab.start_timers()
        call_id, routed = await lab.call("楼上漏水，天花板一直滴水", "西罗园二区5号楼3单元402", CallType.WATER_LEAK)
        assert await eventually(lambda: _is(lab, call_id, "pm-xly2-wanjia", "delivered"))
        hid = routed.opened[0]
        got = [r for r in receiver.to("/hooks/pm-xly2-wanjia") if json.loads(r["body"])["service_request_id"] == hid]
        assert [r["status"] for r in got] == [500, 500, 200]
        secret = lab.keys["pm-xly2-wanjia"]["webhook_secret"]
        for r in got:
            h = r["headers"]
            assert verify(secret, h["x-callroute-timestamp"], r["body"], h["x-callroute-signature"], now=time.time())
            assert h["idempotency-key"] == got[0]["headers"]["idempotency-key"]
        body = json.loads(got[-1]["body"])
        assert body["caller_phone"] == "138****5678"  # property management does not call back
        assert body["service_code"] == "water_leak" and body["place"]["community"] == "西罗园第二社区"


async def _is(lab, call_id, partner_id, status):
    return await status_of(lab, call_id, partner_id) == status


async def test_missed_deadline_reminds_then_escalates_to_the_last_resort(engines, receiver, tmp_path):
    # P3 deadlines (30 min) scaled to ~1.8 s: reminder at the deadline, escalation half a deadline later.
    async with Lab(engines, receiver.url, tmp_path, deadline_scale=0.001) as lab:
        lab.start_timers()
        call_id, _ = await lab.call("楼下广场舞音响太吵了", "西罗园二区5号楼", CallType.NOISE)

        async def chain():
            hs = await lab.handoffs(call_id)
            return hs if any(h["partner_id"] == "police-xly-desk" for h in hs) else None

        hs = await eventually(chain, timeout_s=20)
        assert [h["partner_id"] for h in hs] == ["cc-xly2", "police-xly2", "police-xly-desk"]
        assert [h["status"] for h in hs[:2]] == ["escalated", "escalated"]
        notices = await collect(lab.kafka, DISPATCH_AUDIT.name, lambda e: e["call_id"] == call_id, until=99,
                                timeout_s=5)
        kinds = [n["notice"] for n in notices if n["kind"] == "handoff.notice"]
        assert "reminder_sent" in kinds and "dispatcher_alert" in kinds
        async with lab.api() as api:
            alerts = (await api.get("/api/v1/alerts")).json()["alerts"]
        assert any(a["notice"] == "dispatcher_alert" and a["call_id"] == call_id for a in alerts)
        # The station duty desk is the last resort: it is reminded and a dispatcher alerted, never escalated.
        await asyncio.sleep(3)
        desk = [h for h in await lab.handoffs(call_id) if h["partner_id"] == "police-xly-desk"]
        assert len(desk) == 1 and desk[0]["status"] in ("routed", "delivered")
        assert len(await lab.handoffs(call_id)) == 3


async def test_timer_survives_a_dispatch_restart(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path, deadline_scale=0.002) as lab:
        first = lab.start_timers()
        call_id, routed = await lab.call("暖气不热，家里才十二度", "西罗园三区4号楼", CallType.FACILITY_FAULT)
        first.cancel()  # dispatch stops before any deadline (P2: 600 s x 0.002 = 1.2 s)
        await asyncio.sleep(2.5)
        assert await status_of(lab, call_id, "pm-xly3-jinan") in ("routed", "delivered")
        restarted = await lab.new_core()
        lab.start_timers(restarted)
        assert await eventually(lambda: _is(lab, call_id, "pm-xly3-jinan", "escalated"), timeout_s=10)


async def test_two_dispatch_instances_fire_each_timer_once(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path, deadline_scale=0.002) as lab:
        second = await lab.new_core()
        calls = []
        for n in range(12):
            calls.append((await lab.call(f"楼道灯坏了{n}", f"西罗园四区{n + 1}号楼", CallType.FACILITY_FAULT))[0])
        lab.start_timers()
        lab.start_timers(second)

        async def all_escalated():
            counts = [len(await lab.handoffs(c)) for c in calls]
            return min(counts) >= 2

        assert await eventually(all_escalated, timeout_s=20)
        await asyncio.sleep(0.5)
        for call_id in calls:
            hs = await lab.handoffs(call_id)
            first = hs[0]
            assert first["status"] == "escalated" and first.get("reminders_ack") == "1"
            assert len([h for h in hs if h.get("escalated_from") or h["handoff_id"] != first["handoff_id"]]) == 1
        changes = await collect(lab.kafka, HANDOFFS_STATUS.name,
                                lambda e: e["call_id"] in calls and e["status"] == "escalated", until=999, timeout_s=3)
        escalated = [e["handoff_id"] for e in changes]
        assert len(escalated) == len(set(escalated))  # each handoff escalated once, not once per instance
        assert {h["handoff_id"] for c in calls for h in (await lab.handoffs(c))[:1]} <= set(escalated)


async def test_partner_api_isolation_lifecycle_close_and_callback(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path) as lab:
        lab.start_timers()
        call_id, routed = await lab.call("楼上漏水，天花板一直滴水", "西罗园一区3号楼", CallType.WATER_LEAK)
        hid = routed.opened[0]
        owner = (await lab.handoffs(call_id))[0]["partner_id"]
        async with lab.api() as api:
            assert (await api.get("/partner/v1/handoffs")).status_code == 401
            assert (await api.get("/partner/v1/handoffs", headers={"Authorization": "Bearer nope"})).status_code == 401
            mine = (await api.get("/partner/v1/handoffs", headers=lab.auth(owner))).json()["handoffs"]
            assert hid in [h["service_request_id"] for h in mine]
            other = lab.auth("pm-xly4-anju")
            theirs = (await api.get("/partner/v1/handoffs", headers=other)).json()["handoffs"]
            assert hid not in [h["service_request_id"] for h in theirs]
            assert (await api.get(f"/partner/v1/handoffs/{hid}", headers=other)).status_code == 404
            r = await api.post(f"/partner/v1/handoffs/{hid}/status", json={"status": "resolved"}, headers=other)
            assert r.status_code == 404

            post = lambda body: api.post(f"/partner/v1/handoffs/{hid}/status", json=body, headers=lab.auth(owner))
            assert (await post({"status": "escalated"})).status_code == 422
            assert (await post({"status": "acknowledged", "note": "收到，马上派人"})).status_code == 200
            eta = {"status": "en_route", "expected_datetime": "2026-11-29T15:30:00+08:00"}
            assert (await post(eta)).json()["expected_datetime"].startswith("2026-11-29T15:30")
            assert (await post({"status": "resolved", "note": "阀门已关，已修好"})).status_code == 200
            again = await post({"status": "acknowledged"})
            assert again.status_code == 409 and "final" in again.json()["detail"]["reason"]

            due = (await api.get("/api/v1/callbacks")).json()["callbacks"]
            assert call_id in [c["call_id"] for c in due]
            r = await api.post(f"/api/v1/callbacks/{call_id}", json={"outcome": "not_satisfied", "note": "还在漏"})
            assert r.status_code == 200 and len(r.json()["reopened_handoffs"]) == 1
            assert call_id not in [c["call_id"] for c in (await api.get("/api/v1/callbacks")).json()["callbacks"]]
            report = (await api.get("/api/v1/reports/response-times")).json()
            row = report["partner"][owner]
            assert row["acknowledged"] == 1 and row["resolved"] == 1 and row["ack_p50_s"] is not None
            assert report["agency"]["property_management"]["handoffs"] >= 1
            board = (await api.get("/api/v1/handoffs", params={"status": "resolved"})).json()["handoffs"]
            assert [h["handoff_id"] for h in board] == [hid]
            assert (await api.get("/api/v1/handoffs", params={"review": "true"})).json()["handoffs"] == []
            console = await api.get("/console")
            assert console.status_code == 200 and "/api/v1/handoffs" in console.text
        hs = await lab.handoffs(call_id)
        assert [h["status"] for h in hs][0] == "resolved"
        assert len(hs) == 2 and hs[1]["partner_id"] == owner and hs[1]["status"] in ("routed", "delivered")
        closed = await collect(lab.kafka, "calls.closed", lambda e: e["call_id"] == call_id)
        assert closed and closed[0]["outcome"] == "resolved"


async def test_rejected_handoff_is_rerouted_along_the_chain(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path) as lab:
        call_id, routed = await lab.call("楼上漏水", "西罗园二区5号楼", CallType.WATER_LEAK)
        async with lab.api() as api:
            r = await api.post(f"/partner/v1/handoffs/{routed.opened[0]}/status",
                               json={"status": "rejected", "note": "不是我们管的楼"}, headers=lab.auth("pm-xly2-wanjia"))
        assert r.status_code == 200
        hs = await lab.handoffs(call_id)
        assert [(h["partner_id"], h["status"]) for h in hs] == [("pm-xly2-wanjia", "rejected"), ("cc-xly2", "routed")]


async def test_second_call_about_the_same_incident_joins_it(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path) as lab:
        lab.start_timers()
        first, r1 = await lab.call("楼道水管爆了，水往下流", "西罗园四区7号楼2单元", CallType.WATER_LEAK)
        second, r2 = await lab.call("7号楼楼道里全是水", "西罗园四区7号楼", CallType.WATER_LEAK)
        elsewhere, r3 = await lab.call("楼道水管爆了", "西罗园四区9号楼", CallType.WATER_LEAK)
        unknown, _ = await lab.call("水管爆了", "不知道什么地方", CallType.WATER_LEAK)
        async with lab.api() as api:
            queue = (await api.get("/api/v1/handoffs", params={"review": "true"})).json()["handoffs"]
        assert [h["call_id"] for h in queue] == [unknown] and queue[0]["partner_id"] == "hotline-fengtai-12345"
        assert r1.opened and r2.merged_into == first and r2.opened == [] and r3.merged_into is None
        record = (await lab.handoffs(first))[0]
        assert record["callers"] == "2"
        path = f"/hooks/{record['partner_id']}"

        async def told():
            return [r for r in receiver.to(path) if r["headers"]["x-callroute-event"] == "incident.caller_added"
                    and json.loads(r["body"])["service_request_id"] == record["handoff_id"]]

        assert await eventually(told)
        # When the incident is resolved, the caller who joined it is done too and gets a callback.
        async with lab.api() as api:
            partner = lab.auth(record["partner_id"])
            for status in ("acknowledged", "resolved"):
                r = await api.post(f"/partner/v1/handoffs/{record['handoff_id']}/status", json={"status": status},
                                   headers=partner)
                assert r.status_code == 200
            due = {c["call_id"] for c in (await api.get("/api/v1/callbacks")).json()["callbacks"]}
        assert {first, second} <= due


async def test_third_noise_complaint_about_a_building_adds_police(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path, merge_window_s=0) as lab:
        routes = [await lab.call("楼上装修电钻太吵了", "花椒树社区8号楼", CallType.NOISE) for _ in range(3)]
        agencies = [sorted({h["agency"] for h in await lab.handoffs(cid)}) for cid, _ in routes]
        assert agencies[0] == agencies[1] == ["community_committee"]
        assert agencies[2] == ["community_committee", "police"]
        other_building = await lab.call("楼上装修电钻太吵了", "花椒树社区9号楼", CallType.NOISE)
        assert sorted({h["agency"] for h in await lab.handoffs(other_building[0])}) == ["community_committee"]


async def test_neighbour_dispute_is_a_round_table_mediation_request(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path) as lab:
        call_id, routed = await lab.call("跟楼上邻居因为暖气管维修的事吵起来了，他不让进屋修，想找社区调解",
                                         "西罗园二区9号楼", CallType.NEIGHBOR_DISPUTE)
        async with lab.api() as api:
            view = (await api.get(f"/partner/v1/handoffs/{routed.opened[0]}", headers=lab.auth("cc-xly2"))).json()
            assert len(view["mediation"]["forces"]) == 6 and any("楼上" in p for p in view["mediation"]["parties"])
            r = await api.post(f"/partner/v1/handoffs/{routed.opened[0]}/mediation", headers=lab.auth("cc-xly2"),
                               json={"session_at": "2026-12-01T19:00:00+08:00", "outcome": "scheduled"})
            assert r.status_code == 200 and r.json()["mediation"]["outcome"] == "scheduled"
        reported = await collect(lab.kafka, DISPATCH_AUDIT.name,
                                 lambda e: e["call_id"] == call_id and e["kind"] == "mediation.reported")
        assert reported[0]["outcome"] == "scheduled"


async def test_webhook_that_keeps_failing_escalates_after_the_retry_cap(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path, delivery={"max_attempts": 3, "backoff_base_s": 0.05,
                                                              "backoff_cap_s": 0.1}) as lab:
        receiver.script["/hooks/pm-xly4-anju"] = [503] * 10
        lab.start_timers()
        call_id, _ = await lab.call("楼上漏水", "西罗园四区1号楼", CallType.WATER_LEAK)

        async def handed_on():
            hs = await lab.handoffs(call_id)
            return hs if len(hs) == 2 else None

        hs = await eventually(handed_on)
        assert hs[0]["partner_id"] == "pm-xly4-anju" and hs[0]["status"] == "escalated"
        assert "webhook delivery failed 3 times" in hs[0]["note"]
        assert hs[1]["partner_id"] == "cc-xly4"


async def test_a_report_made_while_the_stream_is_away_stands_and_its_event_follows(engines, receiver, tmp_path,
                                                                                    monkeypatch):
    async with Lab(engines, receiver.url, tmp_path, publish_timeout_s=0.3) as lab:
        lab.start_timers()
        call_id, routed = await lab.call("楼道水管爆了，水往下流", "西罗园四区7号楼2单元", CallType.WATER_LEAK)
        record = (await lab.handoffs(call_id))[0]
        partner = lab.auth(record["partner_id"])

        async def wedged(*a, **k):  # aiokafka can wait for ever on a wedged connection (aiokafka#1101)
            await asyncio.sleep(3600)

        async with lab.api() as api:
            with monkeypatch.context() as m:
                m.setattr(KafkaBroker, "publish", wedged)
                r = await asyncio.wait_for(api.post(f"/partner/v1/handoffs/{record['handoff_id']}/status",
                                                    json={"status": "acknowledged"}, headers=partner), 10)
            assert r.status_code == 200 and r.json()["status"] == "acknowledged"  # the change stands
            # a rejection hands the call on even so: the next partner's handoff opens, with its deadlines
            second, routed2 = await lab.call("楼上漏水", "西罗园二区5号楼", CallType.WATER_LEAK)
            with monkeypatch.context() as m:
                m.setattr(KafkaBroker, "publish", wedged)
                r = await asyncio.wait_for(api.post(f"/partner/v1/handoffs/{routed2.opened[0]}/status",
                                                    json={"status": "rejected", "note": "不是我们管的楼"},
                                                    headers=lab.auth("pm-xly2-wanjia")), 10)
            assert r.status_code == 200
        handed_on = (await lab.handoffs(second))[1]
        assert handed_on["partner_id"] == "cc-xly2"

        async def delivered():
            return await status_of(lab, second, "cc-xly2") == "delivered"

        assert await eventually(delivered, timeout_s=15)
        # the stream is back: the deferred event reaches the audit trail, once
        events = await collect(lab.kafka, HANDOFFS_STATUS.name, settle_s=1.0,
                               predicate=lambda e: e["handoff_id"] == record["handoff_id"]
                               and e["status"] == "acknowledged")
        assert len({e["event_id"] for e in events}) == 1


async def test_the_timer_loop_stops_when_cancelled_even_mid_command(engines):
    """redis-py swallows some cancellations of a running command; a dispatch being stopped (or a
    test's Lab closing) must still see its timer loop end, not fire deadlines on for ever."""
    redis = Redis.from_url(engines["REDIS_URL"], decode_responses=True)
    timers, rng, stuck = TimerStore(redis), random.Random(7), 0

    class Idle:
        async def fire(self, timer) -> None:
            pass

    try:
        for _ in range(200):
            task = asyncio.create_task(run_timers(Idle(), timers, 0.0005))
            await asyncio.sleep(rng.random() * 0.01)
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=2)
            if not done:
                stuck += 1
                task.cancel()
                await asyncio.wait([task], timeout=2)
                break
    finally:
        await redis.aclose()
    assert stuck == 0


async def test_a_dispatcher_sends_a_reviewed_call_to_one_more_agency(engines, receiver, tmp_path):
    async with Lab(engines, receiver.url, tmp_path) as lab:
        lab.start_timers()  # they deliver the handoffs
        # the classifier sent property management and named police as possibly needed (review)
        call_id, routed = await lab.call("楼上漏水，天花板一直滴水，楼上独居老人好几天没见着了", "西罗园一区3号楼",
                                         CallType.WATER_LEAK, check=(Agency.POLICE,))
        closed_id, closed = await lab.call("楼道灯不亮了", "西罗园一区5号楼", CallType.FACILITY_FAULT)
        url = f"/api/v1/calls/{call_id}/handoffs"
        body = {"agency": "police", "dispatcher": "王调度", "note": "楼上老人多日未见，请民警上门查看"}
        async with lab.api() as api:
            alerts = (await api.get("/api/v1/alerts")).json()["alerts"]
            mine = [a for a in alerts if a["call_id"] == call_id]
            assert len(mine) == 1 and "police possibly needed and not sent" in mine[0]["detail"]
            assert not [a for a in alerts if a["call_id"] == closed_id]  # nothing to check there
            queue = (await api.get("/api/v1/handoffs", params={"review": "true"})).json()["handoffs"]
            assert [h["call_id"] for h in queue] == [call_id]
            r = await api.post(url, json=body)
            assert r.status_code == 201, r.text
            sent = r.json()
            assert sent["opened"] and sent["agency"] == "police" and sent["partner_id"] == "police-xly1"
            assert sent["rule"] == "dispatcher:王调度: 楼上老人多日未见，请民警上门查看" and sent["emergency"]
            # the same request again (a double click, a retry): the same handoff, nothing new
            again = await api.post(url, json=body)
            assert again.status_code == 200 and not again.json()["opened"]
            assert again.json()["handoff_id"] == sent["handoff_id"]
            # an agency the call already has
            pm = await api.post(url, json={"agency": "property_management", "dispatcher": "王调度"})
            assert pm.status_code == 200 and not pm.json()["opened"] and pm.json()["handoff_id"] == routed.opened[0]
            assert (await api.post(url, json={"agency": "army", "dispatcher": "王调度"})).status_code == 422
            assert (await api.post(url, json={"agency": "police"})).status_code == 422  # who sends it
            missing = await api.post("/api/v1/calls/no-such-call/handoffs", json=body)
            assert missing.status_code == 404 and "no handoffs" in missing.json()["detail"]
            # a call whose handoffs all ended is closed: a callback reopens it, not this
            owner = (await lab.handoffs(closed_id))[0]["partner_id"]
            for status in ("acknowledged", "resolved"):
                r = await api.post(f"/partner/v1/handoffs/{closed.opened[0]}/status", json={"status": status},
                                   headers=lab.auth(owner))
                assert r.status_code == 200
            late = await api.post(f"/api/v1/calls/{closed_id}/handoffs", json=body)
            assert late.status_code == 409 and "closed" in late.json()["detail"]["reason"]
            board = (await api.get("/api/v1/handoffs", params={"agency": "police"})).json()["handoffs"]
            report = (await api.get("/api/v1/reports/response-times")).json()
        assert [h["handoff_id"] for h in board] == [sent["handoff_id"]]
        # supervisors see what dispatchers had to send that routing had not
        assert report["agency"]["police"]["sent_by_dispatcher"] == 1
        assert report["agency"]["property_management"]["sent_by_dispatcher"] == 0
        hs = await lab.handoffs(call_id)
        assert sorted(h["agency"] for h in hs) == ["police", "property_management"]
        assert len(await lab.handoffs(closed_id)) == 1
        requested = await collect(lab.kafka, "handoffs.requested",
                                  lambda e: e["call_id"] == call_id and e["agency"] == "police", settle_s=0.5)
        assert len(requested) == 1 and requested[0]["rule"].startswith("dispatcher:王调度")
        # the police partner reads its topic: the handoff reaches it like any other
        on_topic = await collect(lab.kafka, "handoffs.to.police",
                                 lambda e: e["service_request_id"] == sent["handoff_id"])
        assert on_topic and on_topic[0]["call_id"] == call_id
        notices = await collect(lab.kafka, "dispatch.audit",
                                lambda e: e.get("notice") == "dispatcher_added" and e["call_id"] == call_id)
        assert "王调度 sent the call to police" in notices[0]["detail"]
