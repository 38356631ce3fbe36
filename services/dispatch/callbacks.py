"""Citizen callbacks (回访): after a call is resolved, the station desk rings the caller back."""

import json
import time
from typing import Any

from redis.asyncio import Redis


class CallbackBook:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def open(self, call_id: str, due_s: float, details: dict[str, Any]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"callback:{call_id}", mapping={"call_id": call_id, "status": "pending",
                                                      "details": json.dumps(details, ensure_ascii=False)})
            pipe.zadd("callbacks:pending", {call_id: due_s})
            await pipe.execute()

    async def pending(self, now_s: float | None = None) -> list[dict[str, Any]]:
        now_s = time.time() if now_s is None else now_s
        ids = await self._redis.zrangebyscore("callbacks:pending", "-inf", now_s)
        out = []
        for call_id in ids:
            record = await self._redis.hgetall(f"callback:{call_id}")
            if record:
                out.append({"call_id": call_id, "status": record["status"], **json.loads(record["details"])})
        return out

    async def get(self, call_id: str) -> dict[str, Any] | None:
        return await self._redis.hgetall(f"callback:{call_id}") or None

    async def record(self, call_id: str, outcome: str) -> bool:
        """Mark the callback done; False if there was no pending callback for the call."""
        removed = await self._redis.zrem("callbacks:pending", call_id)
        if removed:
            await self._redis.hset(f"callback:{call_id}", mapping={"status": outcome})
        return bool(removed)
