"""Merging and repeats: a further call about the same incident joins it; repeated noise adds the police."""

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from schemas.codes import Agency, CallType
from schemas.events import Place
from services.dispatch.directory import OUTSIDE, UNKNOWN
from services.dispatch.rules import DispatchRules


def building_key(place: Place) -> str | None:
    """Calls are 'about the same place' only when the address resolves to one building."""
    if place.community in (OUTSIDE, UNKNOWN) or not place.building:
        return None
    return f"{place.community}|{place.compound or '-'}|{place.building}"


@dataclass(frozen=True)
class Intake:
    incident_call_id: str | None  # the earlier call this one joins, if any
    repeat_count: int             # noise complaints about this building within the window (this one included)
    extra_agencies: dict[Agency, str]


class IncidentBook:
    def __init__(self, redis: Redis, rules: DispatchRules) -> None:
        self._redis, self._rules = redis, rules

    async def take(self, call_id: str, call_type: CallType, place: Place, now_s: float | None = None) -> Intake:
        key = building_key(place)
        if key is None:
            return Intake(None, 0, {})
        now_s = time.time() if now_s is None else now_s
        incident = None
        if self._rules.merge_window_s > 0:
            slot = f"incident:{key}|{call_type.value}"
            window_ms = int(self._rules.merge_window_s * 1000)
            # The first call of an incident claims the slot; later ones within the window join it.
            if not await self._redis.set(slot, call_id, nx=True, px=window_ms):
                first = await self._redis.get(slot)
                incident = first if first and first != call_id else None
        count, extra = 0, {}
        rule = self._rules.repeat_noise
        if call_type == CallType.NOISE:
            log = f"noise:{key}"
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zadd(log, {call_id: now_s})
                pipe.zremrangebyscore(log, "-inf", now_s - rule.window_s)
                pipe.zcard(log)
                pipe.expire(log, int(rule.window_s) + 60)
                _, _, count, _ = await pipe.execute()
            if count >= rule.count:
                extra[rule.add] = f"rule:repeat_noise ({count} complaints about this building within " \
                                  f"{rule.window_s / 3600:g} h)"
        return Intake(incident, count, extra)
