"""Dispatch's state in Redis: handoff records, per-call and per-partner indexes, the timeline projection."""

import json
from typing import Any

from redis.asyncio import Redis

from schemas.events import HandoffRequested, utcnow

# Compare-and-set of a handoff's status: only one writer wins a transition, however many instances race.
_CAS = """
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {0, ''} end
for i = 2, #ARGV do
  if ARGV[i] == cur then
    redis.call('HSET', KEYS[1], 'status', ARGV[1])
    return {1, cur}
  end
end
return {0, cur}
"""


class HandoffStore:
    """One record per handoff. `claim` is atomic, so one call never gets two handoffs to one partner."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._cas = redis.register_script(_CAS)

    @staticmethod
    def _key(handoff_id: str) -> str:
        return f"handoff:{handoff_id}"

    async def claim(self, handoff: HandoffRequested) -> bool:
        """True if this handoff is new, or was claimed before but never confirmed published."""
        key = self._key(handoff.handoff_id)
        if await self._redis.hsetnx(key, "handoff_id", handoff.handoff_id):
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, mapping={
                    "call_id": handoff.call_id, "agency": handoff.agency.value, "partner_id": handoff.partner_id,
                    "status": "routed", "published": "0", "attempts": "0",
                    "created_at": handoff.occurred_at.isoformat(), "updated_at": handoff.occurred_at.isoformat(),
                    "request": handoff.model_dump_json(),
                })
                pipe.sadd(f"call:{handoff.call_id}:handoffs", handoff.handoff_id)
                pipe.sadd(f"call:{handoff.call_id}:open", handoff.handoff_id)
                pipe.sadd(f"partner:{handoff.partner_id}:handoffs", handoff.handoff_id)
                pipe.zadd("handoffs:all", {handoff.handoff_id: handoff.occurred_at.timestamp()})
                await pipe.execute()
            return True
        return await self._redis.hget(key, "published") != "1"

    async def confirm_published(self, handoff_id: str) -> None:
        await self._redis.hset(self._key(handoff_id), "published", "1")

    async def move(self, handoff_id: str, new: str, allowed_from: set[str], **fields: str) -> tuple[bool, str]:
        """Set status to `new` if it is one of `allowed_from` now. Returns (moved, status before)."""
        moved, before = await self._cas(keys=[self._key(handoff_id)], args=[new, *sorted(allowed_from)])
        if moved:  # when each state was reached: what supervisors audit response times from
            await self._redis.hset(self._key(handoff_id), mapping={f"{new}_at": utcnow().isoformat(), **fields})
        return bool(moved), before

    async def update(self, handoff_id: str, **fields: str) -> None:
        await self._redis.hset(self._key(handoff_id), mapping=fields)

    async def bump_attempts(self, handoff_id: str) -> int:
        return await self._redis.hincrby(self._key(handoff_id), "attempts", 1)

    async def close(self, call_id: str, handoff_id: str) -> int:
        """Take a handoff out of the call's open set; returns how many stay open."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.srem(f"call:{call_id}:open", handoff_id)
            pipe.scard(f"call:{call_id}:open")
            _, remaining = await pipe.execute()
        return remaining

    async def get(self, handoff_id: str) -> dict[str, Any] | None:
        return await self._redis.hgetall(self._key(handoff_id)) or None

    async def many(self, ids: list[str]) -> list[dict[str, Any]]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for handoff_id in ids:
                pipe.hgetall(self._key(handoff_id))
            return [r for r in await pipe.execute() if r]

    async def for_call(self, call_id: str) -> list[dict[str, Any]]:
        records = await self.many(list(await self._redis.smembers(f"call:{call_id}:handoffs")))
        return sorted(records, key=lambda r: r.get("created_at", ""))

    async def open_for_call(self, call_id: str) -> list[dict[str, Any]]:
        return await self.many(list(await self._redis.smembers(f"call:{call_id}:open")))

    async def join_incident(self, incident_call_id: str, call_id: str) -> None:
        await self._redis.sadd(f"incident:{incident_call_id}:joined", call_id)

    async def joined_calls(self, incident_call_id: str) -> list[str]:
        return sorted(await self._redis.smembers(f"incident:{incident_call_id}:joined"))

    async def recent(self, since_s: float, limit: int = 1000) -> list[dict[str, Any]]:
        """Handoffs opened since `since_s` (epoch seconds), newest first."""
        ids = await self._redis.zrevrangebyscore("handoffs:all", "+inf", since_s, start=0, num=limit)
        return await self.many(list(ids))

    async def add_alert(self, alert: dict[str, Any], keep: int = 500) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush("alerts", json.dumps(alert, ensure_ascii=False))
            pipe.ltrim("alerts", 0, keep - 1)
            await pipe.execute()

    async def alerts(self, limit: int = 100) -> list[dict[str, Any]]:
        return [json.loads(a) for a in await self._redis.lrange("alerts", 0, limit - 1)]

    async def for_partner(self, partner_id: str, statuses: set[str] | None = None) -> list[dict[str, Any]]:
        records = await self.many(list(await self._redis.smembers(f"partner:{partner_id}:handoffs")))
        chosen = [r for r in records if not statuses or r["status"] in statuses]
        return sorted(chosen, key=lambda r: r.get("created_at", ""))


class TimelineStore:
    """Every event of a call, keyed by event_id: a repeated event overwrites itself."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def add(self, call_id: str, event_id: str, event_json: str) -> None:
        await self._redis.hset(f"timeline:{call_id}", event_id, event_json)

    async def get(self, call_id: str) -> list[dict[str, Any]]:
        raw = await self._redis.hgetall(f"timeline:{call_id}")
        events = [json.loads(v) for v in raw.values()]
        return sorted(events, key=lambda e: (e.get("occurred_at", ""), _kind_order(e.get("kind", ""))))


_ORDER = ["call.received", "call.classified", "call.merged", "handoff.requested", "handoff.status_changed",
          "handoff.notice", "mediation.reported", "call.closed", "callback.recorded"]


def _kind_order(kind: str) -> int:
    return _ORDER.index(kind) if kind in _ORDER else len(_ORDER)
