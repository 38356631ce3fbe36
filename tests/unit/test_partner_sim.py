"""The partner simulator against a small fake partner API (FastAPI, in memory, on a free loopback port)."""

import asyncio
import json
import random
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse

from schemas.codes import HANDOFF_TRANSITIONS, HandoffStatus
from services.cli.partner_sim import simulate
from services.cli.partner_sim_play import plan, short_id
from services.dispatch.delivery import encode_body, signed_headers

SPEED = 0.02  # every delay x0.02: a full play takes well under a second
CREDENTIALS = {
    "api_url": "set by the fixture",
    "partners": {
        "police-xly2": {"api_key": "key-police", "webhook_secret": "unused", "agency": "police",
                        "delivery": "topic", "webhook_path": None},
        "pm-xly2-wanjia": {"api_key": "key-wanjia", "webhook_secret": "whsec-wanjia", "agency": "property_management",
                           "delivery": "webhook", "webhook_path": "/hooks/pm-xly2-wanjia"},
        "cc-xly2": {"api_key": "key-cc", "webhook_secret": "whsec-cc", "agency": "community_committee",
                    "delivery": "webhook", "webhook_path": "/hooks/cc-xly2"},
    },
}


class Steady(random.Random):
    """Every draw in the middle: no handoff is ignored or rejected, every delay is mid-range."""

    def random(self) -> float:
        return 0.5


class FakePartnerApi:
    """The two partner endpoints (plus mediation) over an in-memory handoff table."""

    def __init__(self) -> None:
        self.keys = {c["api_key"]: pid for pid, c in CREDENTIALS["partners"].items()}
        self.handoffs: dict[str, dict] = {}
        self.history: dict[str, list[str]] = {}
        self.unlisted: set[str] = set()  # as if the listing lagged: only a webhook can bring these
        self.app = FastAPI()
        self.app.get("/partner/v1/handoffs")(self.list_handoffs)
        self.app.post("/partner/v1/handoffs/{hid}/status")(self.post_status)
        self.app.post("/partner/v1/handoffs/{hid}/mediation")(self.post_mediation)

    def add(self, hid: str, partner: str, service_code: str = "water_leak", listed: bool = True) -> dict:
        body = {"service_request_id": hid, "call_id": f"c-{hid}", "service_code": service_code,
                "description": "楼上漏水", "address": "西罗园二区7号楼", "agency_responsible": partner,
                "agency": CREDENTIALS["partners"][partner]["agency"], "status": "routed",
                "requested_datetime": datetime.now(UTC).isoformat(), "caller_phone": "138****5678", "flags": {}}
        self.handoffs[hid], self.history[hid] = body, []
        if not listed:
            self.unlisted.add(hid)
        return body

    def _partner(self, authorization: str | None) -> str | None:
        return self.keys.get((authorization or "").removeprefix("Bearer "))

    async def list_handoffs(self, status: str | None = None, authorization: str | None = Header(None)):
        partner = self._partner(authorization)
        if partner is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        wanted = set(status.split(",")) if status else None
        return {"handoffs": [h for hid, h in self.handoffs.items() if h["agency_responsible"] == partner
                             and hid not in self.unlisted and (wanted is None or h["status"] in wanted)]}

    def _own(self, hid: str, authorization: str | None) -> tuple[dict | None, JSONResponse | None]:
        partner = self._partner(authorization)
        if partner is None:
            return None, JSONResponse({"error": "unauthorized"}, status_code=401)
        handoff = self.handoffs.get(hid)
        if handoff is None or handoff["agency_responsible"] != partner:
            return None, JSONResponse({"error": "not_found"}, status_code=404)
        return handoff, None

    async def post_status(self, hid: str, request: Request, authorization: str | None = Header(None)):
        handoff, refusal = self._own(hid, authorization)
        if refusal:
            return refusal
        new = HandoffStatus((await request.json())["status"])
        if new not in HANDOFF_TRANSITIONS[HandoffStatus(handoff["status"])]:
            return JSONResponse({"error": "invalid_transition", "reason": f"{handoff['status']} -> {new}"},
                                status_code=409)
        handoff["status"] = new.value
        self.history[hid].append(new.value)
        return handoff

    async def post_mediation(self, hid: str, request: Request, authorization: str | None = Header(None)):
        handoff, refusal = self._own(hid, authorization)
        if refusal:
            return refusal
        self.history[hid].append("mediation:" + (await request.json())["outcome"])
        return handoff


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fake_api() -> Iterator[tuple[str, FakePartnerApi]]:
    api, port = FakePartnerApi(), _free_port()
    server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=port, log_config=None,
                                           log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "fake partner API did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", api
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def sim(fake_api: tuple[str, FakePartnerApi]) -> AsyncIterator[tuple[str, FakePartnerApi]]:
    """The simulator running in this test's loop; yields its webhook base URL and the fake API."""
    url, api = fake_api
    stopping, port = asyncio.Event(), _free_port()
    task = asyncio.create_task(simulate(url, {**CREDENTIALS, "api_url": url}, port, stopping, Steady(), speed=SPEED))
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:  # wait until the receivers answer
        for _ in range(300):
            try:
                await client.post(f"{base}/hooks/none")
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
    yield base, api
    stopping.set()
    await asyncio.wait_for(task, 15)  # stops cleanly, and promptly, on the event


async def _until(predicate, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_listed_handoff_is_acknowledged_en_route_resolved(sim, capsys) -> None:
    _, api = sim
    api.add("h-police0001", "police-xly2", service_code="police_matter")
    await _until(lambda: "resolved" in api.history["h-police0001"])
    assert api.history["h-police0001"] == ["acknowledged", "en_route", "resolved"]
    out = capsys.readouterr().out
    assert "sim police-xly2 ack police00" in out and "138" not in out


async def test_webhook_with_bad_signature_gets_401(sim) -> None:
    base, api = sim
    api.add("h-wanjia0bad", "pm-xly2-wanjia", listed=False)
    body = encode_body(api.handoffs["h-wanjia0bad"], "handoff.requested")
    headers = signed_headers("wrong-secret", body, idempotency_key="k1", event="handoff.requested", now=time.time())
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{base}/hooks/pm-xly2-wanjia", content=body, headers=headers)
    assert response.status_code == 401
    await asyncio.sleep(0.5)
    assert api.history["h-wanjia0bad"] == []  # never played


async def test_signed_webhook_gets_200_and_is_played_once(sim) -> None:
    base, api = sim
    api.add("h-wanjia0001", "pm-xly2-wanjia", listed=False)
    body = encode_body(api.handoffs["h-wanjia0001"], "handoff.requested")
    headers = signed_headers("whsec-wanjia", body, idempotency_key="k2", event="handoff.requested", now=time.time())
    async with httpx.AsyncClient() as client:
        first = await client.post(f"{base}/hooks/pm-xly2-wanjia", content=body, headers=headers)
        again = await client.post(f"{base}/hooks/pm-xly2-wanjia", content=body, headers=headers)  # a retry
    assert (first.status_code, again.status_code) == (200, 200)
    await _until(lambda: "resolved" in api.history["h-wanjia0001"])
    await asyncio.sleep(0.3)
    assert api.history["h-wanjia0001"] == ["acknowledged", "en_route", "resolved"]


async def test_committee_mediates_a_neighbour_dispute_before_resolving(sim) -> None:
    _, api = sim
    api.add("h-dispute01", "cc-xly2", service_code="neighbor_dispute")
    await _until(lambda: "resolved" in api.history["h-dispute01"])
    history = api.history["h-dispute01"]
    assert history[:2] == ["acknowledged", "mediation:scheduled"]
    assert history[2] in ("mediation:agreed", "mediation:partial") and history[3:] == ["resolved"]


async def test_simulator_survives_an_unavailable_api(capsys) -> None:
    stopping = asyncio.Event()
    dead = f"http://127.0.0.1:{_free_port()}"
    task = asyncio.create_task(simulate(dead, CREDENTIALS, 0, stopping, Steady(), speed=SPEED))
    await asyncio.sleep(0.5)
    assert not task.done()
    stopping.set()
    await asyncio.wait_for(task, 15)
    assert capsys.readouterr().out.count("unavailable") == 1  # said once, then quiet


# --- the pure plan ------------------------------------------------------------------------------
class Fixed(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__(1)
        self.value = value

    def random(self) -> float:
        return self.value


NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def test_plan_ignores_about_one_in_ten_and_rejects_some() -> None:
    handoff = {"service_request_id": "h1", "service_code": "water_leak"}
    assert plan(handoff, "property_management", Fixed(0.05), now=NOW) == []
    [reject] = plan(handoff, "property_management", Fixed(0.12), now=NOW)
    assert reject.body == {"status": "rejected", "note": "不归我们管，请转社区"}
    rng = random.Random(42)
    plans = [plan(handoff, "property_management", rng, now=NOW) for _ in range(4000)]
    assert 0.07 < sum(not p for p in plans) / 4000 < 0.13
    assert 0.045 < sum(len(p) == 1 for p in plans) / 4000 < 0.095


def test_plan_timing_emergency_fast_civic_slow_and_speed_scales() -> None:
    handoff = {"service_request_id": "h1", "service_code": "medical"}
    fast = plan(handoff, "ems_120", Fixed(0.99), now=NOW)
    assert [s.action for s in fast] == ["ack", "en_route", "resolve"]
    assert 1 <= fast[0].delay_s <= 3 and 1 <= fast[1].delay_s <= 4 and 5 <= fast[2].delay_s <= 20
    slow = plan({"service_request_id": "h2", "service_code": "other"}, "hotline_12345", Fixed(0.99), now=NOW)
    assert [s.action for s in slow] == ["ack", "resolve"] and 3 <= slow[0].delay_s <= 10
    quick = plan(handoff, "ems_120", Fixed(0.99), now=NOW, speed=0.1)
    assert [round(s.delay_s, 6) for s in quick] == [round(s.delay_s * 0.1, 6) for s in fast]


def test_console_lines_use_short_ids_and_bodies_carry_no_phone() -> None:
    assert short_id("h-3f2c9d1e-aaaa") == "3f2c9d1e" and short_id("3f2c9d1e5b") == "3f2c9d1e"
    steps = plan({"service_request_id": "h1", "service_code": "noise", "caller_phone": "13812345678"},
                 "community_committee", random.Random(3), now=NOW)
    assert "138" not in json.dumps([s.body for s in steps])


def test_plan_mediates_when_dispatch_says_so() -> None:
    def actions(handoff: dict) -> list[str]:
        return [s.action for s in plan({"service_request_id": "h", **handoff}, "community_committee", Fixed(0.99),
                                       now=NOW)]

    assert actions({"service_code": "neighbor_dispute"})[:2] == ["ack", "mediation-scheduled"]
    assert actions({"service_code": "noise", "mediation": {"kind": "round_table"}})[1] == "mediation-scheduled"
    assert actions({"service_code": "neighbor_dispute", "mediation": None}) == ["ack", "en_route", "resolve"]
    assert "mediation-scheduled" not in [s.action for s in plan({"service_code": "neighbor_dispute"},
                                                                "property_management", Fixed(0.99), now=NOW)]
