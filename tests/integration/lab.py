"""A dispatch 'lab': dispatch's real core (Redis state, Kafka publishing, webhooks, timers, HTTP API)
without its consumer, so a test can hand it classified calls directly and play partners."""

import asyncio
import itertools
import json
import uuid
from pathlib import Path

import httpx
import yaml
from redis.asyncio import Redis

from schemas.codes import Agency, CallType
from schemas.events import CallClassified, CallDetails, Classification, Flags, derive_id, utcnow
from services.dispatch.app import DispatchCore, build_core, run_timers
from services.dispatch.calls import take_call
from services.dispatch.credentials import issue_demo_credentials
from services.dispatch.directory import load_directory
from services.dispatch.rules import DEFAULT_DISPATCH_FILE
from services.dispatch.settings import DispatchSettings
from services.kit.settings import DEFAULT_PUBLISH_TIMEOUT_S
from services.kit.stream import STREAM_ERRORS, StreamUnavailable, make_broker

_DBS = itertools.cycle(range(2, 16))


def fast_rules(tmp: Path, **overrides) -> Path:
    rules = yaml.safe_load(DEFAULT_DISPATCH_FILE.read_text(encoding="utf-8"))
    rules["delivery"] |= {"backoff_base_s": 0.05, "backoff_cap_s": 0.2} | overrides.pop("delivery", {})
    rules |= overrides
    path = tmp / "dispatch.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


class Lab:
    def __init__(self, engines: dict, receiver_url: str, tmp: Path, deadline_scale: float = 1.0,
                 publish_timeout_s: float = DEFAULT_PUBLISH_TIMEOUT_S, **rules) -> None:
        redis_base = engines["REDIS_URL"].rsplit("/", 1)[0]
        self.redis_url = f"{redis_base}/{next(_DBS)}"
        self.kafka = engines["KAFKA_BOOTSTRAP_SERVERS"]
        creds = issue_demo_credentials(load_directory().partners, tmp, "http://test", None)
        self.keys = json.loads((tmp / "partner-keys.json").read_text(encoding="utf-8"))["partners"]
        self.settings = DispatchSettings(
            kafka_bootstrap_servers=self.kafka, redis_url=self.redis_url, credentials_file=str(creds),
            webhook_base_url=receiver_url, deadline_scale=deadline_scale, publish_timeout_s=publish_timeout_s,
            rules_file=str(fast_rules(tmp, **rules)),
        )
        self.cores: list[DispatchCore] = []
        self._tasks: list[asyncio.Task] = []
        self._closers: list = []
        self.stream_errors: list[str] = []

    async def __aenter__(self) -> "Lab":
        redis = Redis.from_url(self.redis_url, decode_responses=True)
        await redis.flushdb()
        await redis.aclose()
        self.core = await self.new_core()
        return self

    async def new_core(self) -> DispatchCore:
        """One more dispatch instance on the same Redis (a restart, or a second replica)."""
        redis = Redis.from_url(self.redis_url, decode_responses=True)
        broker = make_broker(self.settings, "dispatch-lab")
        await broker.start()
        client = httpx.AsyncClient()
        core = build_core(self.settings, redis, broker, client)
        core.desk.publish = self._noting_stream_errors(core.desk.publish)
        self.cores.append(core)
        self._closers += [broker.stop, client.aclose, redis.aclose]
        return core

    def start_timers(self, core: DispatchCore | None = None) -> asyncio.Task:
        core = core or self.core
        task = asyncio.create_task(run_timers(core.desk, core.timers, 0.05))
        self._tasks.append(task)
        return task

    def _noting_stream_errors(self, publish):
        async def noted(event, topic):
            try:
                await publish(event, topic)
            except STREAM_ERRORS as exc:
                self.stream_errors.append(f"{topic.name}: {exc!r}")
                raise

        return noted

    async def __aexit__(self, exc_type, exc, tb) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for close in reversed(self._closers):
            await close()
        if exc is not None and self.stream_errors:  # the engines failed, not (necessarily) dispatch
            raise StreamUnavailable(f"the stream failed during this test: {self.stream_errors[:3]}") from exc

    async def call(self, text: str, address: str | None, call_type: CallType, core: DispatchCore | None = None,
                   check: tuple[Agency, ...] = (), **flags: bool):
        core = core or self.core
        call_id = str(uuid.uuid4())
        event = CallClassified(
            event_id=derive_id("test.classified", call_id), call_id=call_id,
            call=CallDetails(text=text, address=address, caller_phone="13812345678", received_at=utcnow()),
            classification=Classification(call_type=call_type, flags=Flags(**flags), confidence=0.95,
                                          review=bool(check), check=list(check), model_version="test"),
        )
        return call_id, await take_call(event, core.ctx, core.desk, core.incidents)

    def api(self, core: DispatchCore | None = None) -> httpx.AsyncClient:
        app = (core or self.core).http()
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    def auth(self, partner_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[partner_id]['api_key']}"}

    async def handoffs(self, call_id: str) -> list[dict]:
        return await self.core.desk.store.for_call(call_id)


async def eventually(check, timeout_s: float = 10.0, every_s: float = 0.05):
    """Poll an async check until it returns something truthy; return it (or the last falsy value)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        result = await check()
        if result or loop.time() >= deadline:
            return result
        await asyncio.sleep(every_s)
