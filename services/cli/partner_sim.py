"""`callroute partners simulate`: the demo partners, answering handoffs like real agencies would.

One process plays every partner in `partner-keys.json`: it serves a webhook receiver at each
webhook partner's path (signature checked, 401 when wrong, 200 at once), polls the partner API
every second for every partner with a key (topic and pull partners, and webhooks it missed), and
plays each new handoff once (partner_sim_play.py decides how). One console line per action,
never a caller's phone number. `callroute up` runs it as a supervised process.
"""

import asyncio
import contextlib
import json
import random
import signal
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from schemas.codes import Agency
from services.cli.partner_sim_play import pause, plan, play, short_id
from services.dispatch.delivery import verify

KEYS_FILE = "partner-keys.json"
OPEN_STATUSES = "routed,delivered"
PLAYING_EVENTS = frozenset({"handoff.requested", "handoff.reminder"})
SEEN_LIMIT = 50_000


def say(line: str) -> None:
    print(line, flush=True)


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the simulator owns SIGINT/SIGTERM and tells it to stop."""

    @contextlib.contextmanager
    def capture_signals(self):  # uvicorn >= 0.29
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn
        pass


class Simulator:
    """The partners' shared state: who they are, which handoffs they already took, what is playing."""

    def __init__(self, api_url: str, partners: dict[str, dict], client: httpx.AsyncClient,
                 stopping: asyncio.Event, rng: random.Random, speed: float) -> None:
        self.api_url, self.partners, self.client = api_url.rstrip("/"), partners, client
        self.stopping, self.rng, self.speed = stopping, rng, speed
        self.seen: dict[tuple[str, str], None] = {}  # insertion-ordered, so the oldest go first
        self.playing: set[asyncio.Task] = set()
        self._api_down = False
        self._refused: set[str] = set()

    # --- taking a handoff ---------------------------------------------------------------------
    def take(self, partner_id: str, handoff: dict) -> None:
        """Play this handoff for this partner, once. A handoff re-routed to another partner is new to it."""
        handoff_id = str(handoff.get("service_request_id") or "")
        key = (partner_id, handoff_id)
        if not handoff_id or key in self.seen:
            return
        self.seen[key] = None
        if len(self.seen) > SEEN_LIMIT:
            del self.seen[next(iter(self.seen))]
        creds = self.partners[partner_id]
        agency = creds.get("agency") or handoff.get("agency")
        if not creds.get("api_key") or agency not in set(Agency):
            say(f"sim {partner_id} skip {short_id(handoff_id)} (no API key or unknown agency)")
            return
        steps = plan(handoff, agency, self.rng, now=datetime.now(UTC), speed=self.speed)
        if not steps:
            say(f"sim {partner_id} ignore {short_id(handoff_id)}")
            return
        task = asyncio.create_task(play(self.client, self.api_url, partner_id, creds["api_key"], handoff_id,
                                        steps, self.stopping, self.rng, say))
        self.playing.add(task)
        task.add_done_callback(self.playing.discard)

    # --- polling the partner API --------------------------------------------------------------
    async def poll_forever(self) -> None:
        interval = max(0.05, 1.0 * self.speed)
        keyed = [pid for pid, creds in self.partners.items() if creds.get("api_key")]
        while not self.stopping.is_set():
            results = await asyncio.gather(*(self.poll_once(pid) for pid in keyed))
            reachable = all(results)
            if not reachable and not self._api_down:
                say(f"sim partner API at {self.api_url} unavailable; retrying")
            elif reachable and self._api_down:
                say("sim partner API reachable again")
            self._api_down = not reachable
            if await pause(self.stopping, interval):
                return

    async def poll_once(self, partner_id: str) -> bool:
        """Take this partner's open handoffs; False when the API could not be reached."""
        headers = {"Authorization": f"Bearer {self.partners[partner_id]['api_key']}"}
        try:
            response = await self.client.get(f"{self.api_url}/partner/v1/handoffs",
                                              params={"status": OPEN_STATUSES}, headers=headers)
            if response.status_code >= 500:
                return False
            if response.status_code in (401, 403):
                if partner_id not in self._refused:
                    self._refused.add(partner_id)
                    say(f"sim {partner_id} key refused (HTTP {response.status_code})")
                return True
            handoffs = response.json().get("handoffs", []) if response.status_code == 200 else []
        except (httpx.HTTPError, ValueError, AttributeError):
            return False
        for handoff in handoffs:
            if isinstance(handoff, dict):
                self.take(partner_id, handoff)
        return True

    # --- webhook receivers --------------------------------------------------------------------
    def app(self) -> Starlette:
        routes = [Route(creds["webhook_path"], self._receiver(pid), methods=["POST"])
                  for pid, creds in self.partners.items()
                  if creds.get("delivery") == "webhook" and creds.get("webhook_path") and creds.get("webhook_secret")]
        return Starlette(routes=routes)

    def _receiver(self, partner_id: str):
        secret = self.partners[partner_id]["webhook_secret"]

        async def receive(request: Request) -> JSONResponse:
            body = await request.body()
            if not verify(secret, request.headers.get("x-callroute-timestamp", ""), body,
                          request.headers.get("x-callroute-signature", ""), now=time.time()):
                say(f"sim {partner_id} bad-signature (401)")
                return JSONResponse({"error": "bad_signature"}, status_code=401)
            try:
                payload = json.loads(body)
            except ValueError:
                return JSONResponse({"error": "bad_json"}, status_code=400)
            if not isinstance(payload, dict) or not payload.get("service_request_id"):
                return JSONResponse({"error": "no service_request_id"}, status_code=400)
            event = request.headers.get("x-callroute-event") or payload.get("event")
            if event in PLAYING_EVENTS:
                self.take(partner_id, payload)
            else:
                say(f"sim {partner_id} {event or 'event'} {short_id(payload['service_request_id'])}")
            return JSONResponse({"received": True})

        return receive

    async def close(self) -> None:
        for task in list(self.playing):
            task.cancel()
        await asyncio.gather(*self.playing, return_exceptions=True)


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


async def simulate(api_url: str, credentials: dict, port: int, stopping: asyncio.Event, rng: random.Random,
                   speed: float = 1.0) -> None:
    """Play every partner of `credentials` (partner-keys.json, or its "partners" mapping) until `stopping` is set.

    Webhook receivers listen on 127.0.0.1:`port` (0: any free port). `speed` multiplies every delay.
    """
    partners = credentials.get("partners", credentials)
    sock = _listen(port)
    async with httpx.AsyncClient(timeout=5.0) as client:
        sim = Simulator(api_url, partners, client, stopping, rng, speed)
        config = uvicorn.Config(sim.app(), log_config=None, log_level="warning", access_log=False,
                                lifespan="off")
        server = _QuietServer(config)
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        polling = asyncio.create_task(sim.poll_forever())
        stop = asyncio.create_task(stopping.wait())
        receivers = sum(1 for p in partners.values() if p.get("delivery") == "webhook" and p.get("webhook_path"))
        say(f"sim {receivers} webhook receivers on http://127.0.0.1:{sock.getsockname()[1]}; "
            f"polling {sum(1 for p in partners.values() if p.get('api_key'))} partners at {api_url}")
        try:
            await asyncio.wait({stop, serving}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.set()  # the receivers died or we were told to stop: either way, everyone stops
            server.should_exit = True
            polling.cancel()
            await asyncio.gather(polling, stop, return_exceptions=True)
            await sim.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(serving), 10)
            sock.close()
        if serving.done() and not serving.cancelled() and serving.exception() is not None:
            raise serving.exception()


async def _read_keys(path: Path, timeout_s: float, stopping: asyncio.Event) -> dict | None:
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("partners"), dict):
                return data
        if time.monotonic() >= deadline or await pause(stopping, 0.5):
            return None


async def _main(api_url: str, home: Path, port: int, speed: float = 1.0) -> int:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping.set)
    keys = await _read_keys(home / KEYS_FILE, 30.0, stopping)
    if keys is None:
        if not stopping.is_set():
            print(f"sim: no usable {home / KEYS_FILE} after 30 s; is `callroute up` running?", file=sys.stderr)
        return 0 if stopping.is_set() else 1
    port = port or int(keys.get("simulator_port") or 0)
    try:
        await simulate(api_url or keys["api_url"], keys, port, stopping, random.Random(), speed)
    except OSError as exc:
        print(f"sim: cannot listen on 127.0.0.1:{port}: {exc}", file=sys.stderr)
        return 1
    say("sim stopped")
    return 0


def run_simulator(api_url: str, home: Path, port: int, speed: float = 1.0) -> int:
    """Run the partner simulator until SIGINT/SIGTERM; the exit code for the command line."""
    try:
        return asyncio.run(_main(api_url, Path(home), port, speed))
    except KeyboardInterrupt:
        return 130
