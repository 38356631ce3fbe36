"""Durable timers in Redis: deadlines and delivery retries that survive a dispatch restart.

A due timer is claimed atomically (a Lua script pushes its due time forward by a lease), so with
several dispatch instances exactly one fires it; one that dies mid-fire leaves it to be claimed
again after the lease. Firing is idempotent on the handoff's state (a compare-and-set), so a timer
fired twice still changes the handoff once.
"""

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
end
return due
"""


@dataclass(frozen=True)
class Timer:
    timer_id: str
    due_ms: int
    payload: dict[str, Any]


class TimerStore:
    def __init__(self, redis: Redis, name: str = "dispatch") -> None:
        self._redis = redis
        self._due = f"timers:{name}:due"
        self._payload = f"timers:{name}:payload"
        self._claim = redis.register_script(_CLAIM)

    async def schedule(self, timer_id: str, due_ms: int, payload: dict[str, Any]) -> None:
        """Set (or move) a timer. The same id names the same timer."""
        await self.schedule_many([(timer_id, due_ms, payload)])

    async def schedule_many(self, timers: list[tuple[str, int, dict[str, Any]]]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for timer_id, due_ms, payload in timers:
                pipe.hset(self._payload, timer_id, json.dumps(payload, ensure_ascii=False))
                pipe.zadd(self._due, {timer_id: due_ms})
            await pipe.execute()

    async def claim_due(self, now_ms: int, lease_ms: int = 30_000, limit: int = 100) -> list[Timer]:
        ids = await self._claim(keys=[self._due], args=[now_ms, lease_ms, limit])
        if not ids:
            return []
        payloads = await self._redis.hmget(self._payload, ids)
        return [Timer(i, now_ms, json.loads(p)) for i, p in zip(ids, payloads, strict=True) if p is not None]

    async def done(self, timer_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._due, timer_id)
            pipe.hdel(self._payload, timer_id)
            await pipe.execute()
