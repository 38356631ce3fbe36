"""When a consumer's work fails for a reason outside the message (Redis or Kafka away), the message
is not committed and comes again; this middleware waits a little longer each time first, so a
broken dependency gives one log line per attempt, not a hot loop."""

import asyncio
from typing import Any, ClassVar

import structlog
from faststream import BaseMiddleware

log = structlog.get_logger()


def retry_delay_s(attempt: int, base_s: float = 0.5, cap_s: float = 30.0) -> float:
    return min(cap_s, base_s * 2 ** (attempt - 1))


class BackoffOnError(BaseMiddleware):
    failures: ClassVar[dict[tuple, int]] = {}

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        raw = msg.raw_message
        where = (getattr(raw, "topic", None), getattr(raw, "partition", None), getattr(raw, "offset", None))
        try:
            result = await call_next(msg)
        except Exception:
            attempt = self.failures.get(where, 0) + 1
            if len(self.failures) > 10_000:
                self.failures.clear()
            self.failures[where] = attempt
            delay = retry_delay_s(attempt)
            log.exception("message.failed_will_retry", topic=where[0], partition=where[1], offset=where[2],
                          attempt=attempt, retry_in_s=delay)
            await asyncio.sleep(delay)
            raise
        self.failures.pop(where, None)
        return result
