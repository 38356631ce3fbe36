"""Webhook delivery: signatures, backoff, and the sender against a real HTTP receiver on loopback."""

import asyncio
import json
import random
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.dispatch.delivery import DeliveryResult, WebhookSender, backoff_s, classify, sign, verify

SECRET = "whsec-test-7f3a"
NOW = 1_790_000_000.0


# --- signatures ---------------------------------------------------------------------------------
def test_signature_round_trip() -> None:
    body = '{"service_request_id":"h1","description":"楼上漏水"}'.encode()
    sig = sign(SECRET, "1790000000", body)
    assert sig.startswith("sha256=") and len(sig) == len("sha256=") + 64
    assert verify(SECRET, "1790000000", body, sig, now=NOW)


@pytest.mark.parametrize("change", ["body", "timestamp", "secret", "signature", "prefix"])
def test_tampering_is_rejected(change: str) -> None:
    body, ts = b'{"a":1}', "1790000000"
    sig = sign(SECRET, ts, body)
    args = {"secret": SECRET, "timestamp": ts, "body": body, "signature": sig}
    args |= {"body": {"body": b'{"a":2}'}, "timestamp": {"timestamp": "1790000001"},
             "secret": {"secret": "other"}, "signature": {"signature": sig[:-1] + ("0" if sig[-1] != "0" else "1")},
             "prefix": {"signature": sig.removeprefix("sha256=")}}[change]
    assert not verify(args["secret"], args["timestamp"], args["body"], args["signature"], now=NOW)


@pytest.mark.parametrize("skew", [301, -301, 86_400])
def test_stale_or_future_timestamp_is_rejected(skew: int) -> None:
    ts = str(int(NOW) - skew)
    assert not verify(SECRET, ts, b"{}", sign(SECRET, ts, b"{}"), now=NOW)


def test_timestamp_within_tolerance_is_accepted() -> None:
    ts = str(int(NOW) - 299)
    assert verify(SECRET, ts, b"{}", sign(SECRET, ts, b"{}"), now=NOW)
    assert not verify(SECRET, ts, b"{}", sign(SECRET, ts, b"{}"), now=NOW, tolerance_s=10)


@pytest.mark.parametrize("ts", ["", "abc", "1.5e9", "-1790000000", "１７９０００００００", "179 0000000"])
def test_malformed_timestamp_is_rejected(ts: str) -> None:
    assert not verify(SECRET, ts, b"{}", "sha256=" + "0" * 64, now=NOW)


def test_non_ascii_signature_does_not_raise() -> None:
    assert not verify(SECRET, "1790000000", b"{}", "sha256=签名", now=NOW)


# --- backoff ------------------------------------------------------------------------------------
def test_backoff_stays_within_the_doubling_ceiling_and_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        ceiling = min(60.0, 0.5 * 2 ** (attempt - 1))
        samples = [backoff_s(attempt, base_s=0.5, cap_s=60.0, rng=rng) for _ in range(300)]
        assert all(0.0 <= s <= ceiling for s in samples)
        assert max(samples) > 0.8 * ceiling  # full jitter reaches near the ceiling ...
        assert min(samples) < 0.2 * ceiling  # ... and near zero


def test_backoff_grows_then_caps() -> None:
    def mean(attempt: int) -> float:
        rng = random.Random(attempt)
        return sum(backoff_s(attempt, base_s=1.0, cap_s=30.0, rng=rng) for _ in range(2000)) / 2000

    assert mean(1) < mean(2) < mean(3) < mean(4)
    assert mean(10) == pytest.approx(15.0, rel=0.1)  # uniform over [0, cap]
    assert backoff_s(10_000, base_s=1.0, cap_s=30.0, rng=random.Random(1)) <= 30.0


def test_backoff_rejects_attempt_zero() -> None:
    with pytest.raises(ValueError):
        backoff_s(0, base_s=1.0, cap_s=10.0, rng=random.Random(1))


@pytest.mark.parametrize(("status", "ok", "retryable"), [
    (200, True, False), (202, True, False), (204, True, False), (301, False, False), (400, False, False),
    (401, False, False), (404, False, False), (409, False, False), (429, False, True), (500, False, True),
    (502, False, True), (503, False, True)])
def test_classify(status: int, ok: bool, retryable: bool) -> None:
    result = classify(status)
    assert (result.ok, result.status, result.retryable) == (ok, status, retryable)


# --- the sender against a real receiver ----------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    def __init__(self) -> None:
        self.seen: list[dict] = []
        routes = [Route("/status/{code:int}", self.status, methods=["POST"]),
                  Route("/verify", self.verify, methods=["POST"]),
                  Route("/slow", self.slow, methods=["POST"])]
        self.app = Starlette(routes=routes)

    async def _record(self, request: Request) -> bytes:
        body = await request.body()
        self.seen.append({"path": request.url.path, "headers": dict(request.headers), "body": body})
        return body

    async def status(self, request: Request) -> Response:
        await self._record(request)
        return Response(status_code=request.path_params["code"])

    async def verify(self, request: Request) -> Response:
        body = await self._record(request)
        ok = verify(SECRET, request.headers.get("x-callroute-timestamp", ""), body,
                    request.headers.get("x-callroute-signature", ""), now=time.time())
        return JSONResponse({"ok": ok}, status_code=200 if ok else 401)

    async def slow(self, request: Request) -> Response:
        await self._record(request)
        await asyncio.sleep(1.0)
        return Response(status_code=200)


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[str, Receiver]]:
    rec, port = Receiver(), _free_port()
    server = uvicorn.Server(uvicorn.Config(rec.app, host="127.0.0.1", port=port, log_config=None,
                                           log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)  # not the main thread: no signal handlers
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "receiver did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", rec
    server.should_exit = True
    thread.join(timeout=10)


PAYLOAD = {"service_request_id": "h-3f2c9d1e", "call_id": "c-1", "service_code": "water_leak",
           "description": "楼上漏水，天花板在滴水", "caller_phone": "138****5678", "flags": {"damage": False}}


async def _send(url: str, secret: str = SECRET, timeout_s: float = 5.0, key: str = "h-3f2c9d1e:1") -> DeliveryResult:
    async with httpx.AsyncClient() as client:
        return await WebhookSender(client, timeout_s=timeout_s).send(
            url, secret, PAYLOAD, idempotency_key=key, event="handoff.requested")


async def test_2xx_is_delivered_with_the_contract_headers(receiver: tuple[str, Receiver]) -> None:
    base, rec = receiver
    result = await _send(f"{base}/status/200", key="h-3f2c9d1e:requested")
    assert result == DeliveryResult(ok=True, status=200, retryable=False, error=None)
    got = rec.seen[-1]
    assert got["headers"]["content-type"] == "application/json"
    assert got["headers"]["idempotency-key"] == "h-3f2c9d1e:requested"
    assert got["headers"]["x-callroute-event"] == "handoff.requested"
    assert got["headers"]["x-callroute-timestamp"].isdigit()
    body = json.loads(got["body"].decode("utf-8"))
    assert body == {**PAYLOAD, "event": "handoff.requested"}


async def test_receiver_verifies_the_signature_it_got(receiver: tuple[str, Receiver]) -> None:
    base, _ = receiver
    assert (await _send(f"{base}/verify")).ok
    wrong = await _send(f"{base}/verify", secret="not-the-partner-secret")
    assert (wrong.ok, wrong.status, wrong.retryable) == (False, 401, False)


async def test_same_delivery_retried_carries_the_same_key(receiver: tuple[str, Receiver]) -> None:
    base, rec = receiver
    for _ in range(2):
        await _send(f"{base}/status/503", key="h-9:requested")
    assert [s["headers"]["idempotency-key"] for s in rec.seen[-2:]] == ["h-9:requested", "h-9:requested"]


async def test_500_and_429_are_retryable(receiver: tuple[str, Receiver]) -> None:
    base, _ = receiver
    for code in (500, 429):
        result = await _send(f"{base}/status/{code}")
        assert (result.ok, result.status, result.retryable) == (False, code, True)
        assert result.error


async def test_400_is_not_retryable(receiver: tuple[str, Receiver]) -> None:
    base, _ = receiver
    result = await _send(f"{base}/status/400")
    assert (result.ok, result.status, result.retryable) == (False, 400, False)


async def test_closed_port_is_retryable_with_an_error() -> None:
    result = await _send(f"http://127.0.0.1:{_free_port()}/hooks/x")
    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert result.error


async def test_timeout_is_retryable(receiver: tuple[str, Receiver]) -> None:
    base, _ = receiver
    result = await _send(f"{base}/slow", timeout_s=0.2)
    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert result.error and "timeout" in result.error


async def test_bad_url_is_not_retryable() -> None:
    result = await _send("ftp://127.0.0.1/hooks/x")
    assert (result.ok, result.retryable) == (False, False)


async def test_unknown_event_is_a_programming_error() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(ValueError):
            await WebhookSender(client).send("http://127.0.0.1:1/x", SECRET, {}, idempotency_key="k", event="nope")
