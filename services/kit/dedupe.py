"""Processed-event ids, so that a redelivered event changes nothing.

The mark is written after the work is done: a crash in between means the work is redone, and
the work itself emits events with deterministic ids, so downstream consumers drop the repeat.
"""

from typing import Protocol

from redis.asyncio import Redis


class SeenEvents(Protocol):
    async def seen(self, event_id: str) -> bool: ...
    async def mark(self, event_id: str) -> None: ...


class RedisSeenEvents:
    def __init__(self, redis: Redis, consumer: str, ttl_s: int) -> None:
        self._redis = redis
        self._prefix = f"seen:{consumer}:"
        self._ttl_s = ttl_s

    async def seen(self, event_id: str) -> bool:
        return bool(await self._redis.exists(self._prefix + event_id))

    async def mark(self, event_id: str) -> None:
        await self._redis.set(self._prefix + event_id, 1, ex=self._ttl_s)


class InMemorySeenEvents:
    """Twin for unit tests."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    async def seen(self, event_id: str) -> bool:
        return event_id in self.ids

    async def mark(self, event_id: str) -> None:
        self.ids.add(event_id)
