"""How one simulated partner answers one handoff.

`plan` is pure: from the handoff, the partner's agency and a random source it decides the timed
steps (acknowledge, en route, mediation, resolve; or reject; or nothing at all, so that dispatch's
deadlines escalate). `play` walks the steps against the partner API, retrying quietly while the
API is briefly down and stopping when the handoff has moved on (409/404).
"""

import asyncio
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from schemas.codes import EMERGENCY_AGENCIES, Agency, CallType
from services.dispatch.delivery import backoff_s

IGNORE_SHARE, REJECT_SHARE = 0.10, 0.07
# Seconds, before `speed`: emergency services answer fast, civic partners take their time.
FAST = {"ack": (1, 3), "en_route": (1, 4), "resolve": (5, 20)}
SLOW = {"ack": (3, 10), "en_route": (2, 6), "resolve": (10, 40), "mediation": (2, 6), "agreement": (5, 15)}
REJECT_NOTES = {
    Agency.PROPERTY_MANAGEMENT: "不归我们管，请转社区",
    Agency.COMMUNITY_COMMITTEE: "不属于居委会职责，请转物业或12345",
    Agency.HOTLINE_12345: "不属于本区受理范围，请转属地街道",
    Agency.POLICE: "非警情，请转社区或12345",
    Agency.EMS_120: "现场无人需要急救，请转派出所",
    Agency.FIRE_119: "无火情无被困，请转物业",
}
RESOLVE_NOTES = {
    Agency.PROPERTY_MANAGEMENT: "维修人员已到场处理完毕",
    Agency.COMMUNITY_COMMITTEE: "网格员已上门协调，问题已解决",
    Agency.HOTLINE_12345: "已派单属地部门，办结",
    Agency.POLICE: "民警已到场处置完毕",
    Agency.EMS_120: "患者已送医",
    Agency.FIRE_119: "险情已排除",
}
# Hotline work is forwarded, nobody drives anywhere.
NO_EN_ROUTE = frozenset({Agency.HOTLINE_12345})
GIVE_UP_AFTER = 8  # attempts per step while the API is unavailable


@dataclass(frozen=True)
class Step:
    """One answer to send `delay_s` after the previous one. `action` is what the console line says."""

    delay_s: float
    action: str
    endpoint: str  # "status" | "mediation"
    body: dict


def plan(handoff: dict, agency: str, rng: random.Random, *, now: datetime, speed: float = 1.0) -> list[Step]:
    """The steps this partner will take for this handoff; empty when it ignores the handoff."""
    agency = Agency(agency)
    roll = rng.random()
    if roll < IGNORE_SHARE:
        return []
    times = FAST if agency in EMERGENCY_AGENCIES else SLOW

    def wait(kind: str) -> float:
        low, high = times[kind]
        return rng.uniform(low, high) * speed

    if roll < IGNORE_SHARE + REJECT_SHARE:
        return [Step(wait("ack"), "reject", "status", {"status": "rejected", "note": REJECT_NOTES[agency]})]
    steps = [Step(wait("ack"), "ack", "status", {"status": "acknowledged", "note": "已接单"})]
    if agency is Agency.COMMUNITY_COMMITTEE and _is_mediation(handoff):
        session_at = (now + timedelta(hours=rng.uniform(2, 48))).replace(microsecond=0).isoformat()
        outcome = rng.choice(["agreed", "partial"])
        steps += [
            Step(wait("mediation"), "mediation-scheduled", "mediation",
                 {"session_at": session_at, "outcome": "scheduled", "note": "已约双方到居委会圆桌调解"}),
            Step(wait("agreement"), f"mediation-{outcome}", "mediation",
                 {"session_at": session_at, "outcome": outcome,
                  "note": "双方达成调解协议" if outcome == "agreed" else "部分事项达成一致，后续跟进"}),
            Step(wait("ack"), "resolve", "status", {"status": "resolved", "note": "圆桌调解已完成"}),
        ]
        return steps
    if agency not in NO_EN_ROUTE:
        eta = (now + timedelta(minutes=rng.uniform(5, 20))).replace(microsecond=0).isoformat()
        steps.append(Step(wait("en_route"), "en_route", "status",
                          {"status": "en_route", "note": "人员已出发", "expected_datetime": eta}))
    steps.append(Step(wait("resolve"), "resolve", "status", {"status": "resolved", "note": RESOLVE_NOTES[agency]}))
    return steps


def _is_mediation(handoff: dict) -> bool:
    """A neighbour dispute goes to round-table mediation; dispatch says so with a `mediation` object."""
    if "mediation" in handoff:
        return handoff["mediation"] is not None
    return handoff.get("service_code") == CallType.NEIGHBOR_DISPUTE


def short_id(handoff_id: str) -> str:
    """A handoff id short enough for a console line: `h-3f2c9d1e-...` -> `3f2c9d1e`."""
    return re.sub(r"^[A-Za-z]+[-_]", "", str(handoff_id))[:8] or str(handoff_id)


async def pause(stopping: asyncio.Event, seconds: float) -> bool:
    """Sleep, waking early when stopping; True when it is time to stop."""
    try:
        await asyncio.wait_for(stopping.wait(), max(seconds, 0.0))
        return True
    except TimeoutError:
        return stopping.is_set()


async def play(client: httpx.AsyncClient, api_url: str, partner_id: str, api_key: str, handoff_id: str,
               steps: list[Step], stopping: asyncio.Event, rng: random.Random, say: Callable[[str], None]) -> None:
    """Send each step in turn. A refused status report (409/404/401) ends the play: the handoff has moved on
    (escalated, re-routed) and is no longer this partner's to answer."""
    url = f"{api_url}/partner/v1/handoffs/{handoff_id}"
    headers = {"Authorization": f"Bearer {api_key}"}
    for step in steps:
        if await pause(stopping, step.delay_s):
            return
        status = await _post(client, f"{url}/{step.endpoint}", headers, step.body, stopping, rng)
        if status is None:
            if not stopping.is_set():
                say(f"sim {partner_id} gave-up {short_id(handoff_id)} (API unavailable)")
            return
        if not 200 <= status < 300 and step.endpoint == "mediation":
            say(f"sim {partner_id} {step.action} {short_id(handoff_id)} refused (HTTP {status})")
            continue  # the mediation record is a side note; the handoff itself can still be answered
        if not 200 <= status < 300:
            say(f"sim {partner_id} stop {short_id(handoff_id)} ({step.action}: HTTP {status})")
            return
        say(f"sim {partner_id} {step.action} {short_id(handoff_id)}")


async def _post(client: httpx.AsyncClient, url: str, headers: dict, body: dict, stopping: asyncio.Event,
                rng: random.Random) -> int | None:
    """The answer's status code; retries connection errors and 5xx quietly; None when it never got through."""
    for attempt in range(1, GIVE_UP_AFTER + 1):
        try:
            response = await client.post(url, json=body, headers=headers)
            if response.status_code < 500:
                return response.status_code
        except httpx.HTTPError:
            pass
        if await pause(stopping, backoff_s(attempt, base_s=0.5, cap_s=5.0, rng=rng)):
            return None
    return None
