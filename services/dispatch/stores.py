"""Dispatch's state in Redis: handoff records and the per-call timeline projection."""

import json
from typing import Any

from redis.asyncio import Redis

from schemas.events import HandoffRequested


class HandoffStore:
    """One record per handoff. `claim` is atomic, so one call never gets two handoffs to one agency."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @staticmethod
    def _key(handoff_id: str) -> str:
        return f"handoff:{handoff_id}"

    async def claim(self, handoff: HandoffRequested) -> bool:
        """True if this handoff is new, or was claimed before but never confirmed published."""
        key = self._key(handoff.handoff_id)
        created = await self._redis.hsetnx(key, "handoff_id", handoff.handoff_id)
        if created:
            await self._redis.hset(key, mapping={
                "call_id": handoff.call_id,
                "agency": handoff.agency.value,
                "partner_id": handoff.partner_id,
                "status": "routed",
                "published": "0",
                "request": handoff.model_dump_json(),
            })
            await self._redis.sadd(f"call:{handoff.call_id}:handoffs", handoff.handoff_id)
            return True
        return await self._redis.hget(key, "published") != "1"

    async def confirm_published(self, handoff_id: str) -> None:
        await self._redis.hset(self._key(handoff_id), "published", "1")

    async def get(self, handoff_id: str) -> dict[str, Any] | None:
        record = await self._redis.hgetall(self._key(handoff_id))
        return record or None

    async def for_call(self, call_id: str) -> list[dict[str, Any]]:
        ids = sorted(await self._redis.smembers(f"call:{call_id}:handoffs"))
        return [r for r in [await self.get(i) for i in ids] if r]


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


_ORDER = ["call.received", "call.classified", "handoff.requested", "handoff.status_changed", "call.closed"]


def _kind_order(kind: str) -> int:
    return _ORDER.index(kind) if kind in _ORDER else len(_ORDER)
