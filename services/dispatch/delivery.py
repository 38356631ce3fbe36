"""Signed webhook delivery to partners: signing, verification, retry backoff, one-attempt sender.

The contract (docs/partners-api.md): POST a JSON body with `X-Callroute-Timestamp`,
`X-Callroute-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`,
`Idempotency-Key` and `X-Callroute-Event`. A 2xx answer means delivered; 5xx, 429, timeouts and
connection errors are worth retrying; any other answer is final. Retrying, timers and state live
with the caller: the sender makes exactly one attempt and never raises on network trouble.
"""

import hashlib
import hmac
import json
import random
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

import httpx

SIGNATURE_PREFIX = "sha256="
EVENTS = frozenset({"handoff.requested", "handoff.reminder", "incident.caller_added"})
_TIMESTAMP = re.compile(r"\d{1,12}", re.ASCII)
# Some answers are worth another try; any other 4xx means the partner will not change its mind.
_RETRYABLE_STATUS = frozenset({429})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of `timestamp.body` under the partner's webhook secret."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance_s: float = 300) -> bool:
    """True when the signature is ours and the timestamp is within `tolerance_s` of `now` (either way).

    The timestamp is inside the signed text, so a replayed old delivery fails here even with a
    valid signature. The comparison is constant-time.
    """
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        return False
    if abs(now - int(timestamp)) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).encode("ascii")
    return hmac.compare_digest(expected, str(signature).encode("utf-8", "replace"))


def backoff_s(attempt: int, *, base_s: float, cap_s: float, rng: random.Random) -> float:
    """Seconds to wait before retry number `attempt` (1-based): uniform in [0, min(cap, base * 2^(attempt-1))].

    Full jitter spreads retries from many handoffs so a partner coming back is not hit all at once.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    ceiling = min(cap_s, base_s * 2 ** min(attempt - 1, 64))
    return rng.uniform(0.0, ceiling)


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery attempt came to. `status` is None when no HTTP answer arrived."""

    ok: bool
    status: int | None
    retryable: bool
    error: str | None


def classify(status: int) -> DeliveryResult:
    """A partner's HTTP answer as a delivery result."""
    if 200 <= status < 300:
        return DeliveryResult(ok=True, status=status, retryable=False, error=None)
    retryable = status >= 500 or status in _RETRYABLE_STATUS
    return DeliveryResult(ok=False, status=status, retryable=retryable, error=f"HTTP {status}")


def encode_body(payload: dict, event: str) -> bytes:
    """The exact bytes that are signed and sent: compact UTF-8 JSON carrying the event name."""
    return json.dumps({**payload, "event": event}, ensure_ascii=False, separators=(",", ":"),
                      default=_jsonable).encode("utf-8")


def signed_headers(secret: str, body: bytes, *, idempotency_key: str, event: str, now: float) -> dict[str, str]:
    timestamp = str(int(now))
    return {
        "Content-Type": "application/json",
        "X-Callroute-Timestamp": timestamp,
        "X-Callroute-Signature": sign(secret, timestamp, body),
        "Idempotency-Key": idempotency_key,
        "X-Callroute-Event": event,
    }


class WebhookSender:
    """Makes one signed POST to a partner's webhook and classifies the outcome."""

    def __init__(self, client: httpx.AsyncClient, timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout = httpx.Timeout(timeout_s)

    async def send(self, url: str, secret: str, payload: dict, *, idempotency_key: str, event: str,
                   now: float | None = None) -> DeliveryResult:
        if event not in EVENTS:
            raise ValueError(f"unknown webhook event {event!r}")
        body = encode_body(payload, event)
        headers = signed_headers(secret, body, idempotency_key=idempotency_key, event=event,
                                 now=time.time() if now is None else now)
        try:
            response = await self._client.post(url, content=body, headers=headers, timeout=self._timeout,
                                                follow_redirects=False)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            # A wrong webhook URL is configuration, not weather: retrying will not fix it.
            return DeliveryResult(ok=False, status=None, retryable=False, error=f"bad webhook url: {exc}")
        except httpx.TimeoutException as exc:
            return DeliveryResult(ok=False, status=None, retryable=True, error=f"timeout: {type(exc).__name__}")
        except httpx.HTTPError as exc:
            return DeliveryResult(ok=False, status=None, retryable=True,
                                  error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        return classify(response.status_code)


def _jsonable(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
