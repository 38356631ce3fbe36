"""The three services running in-process against the real embedded engines."""

import asyncio
import inspect
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.classifier.app import create_service as create_classifier
from services.classifier.settings import ClassifierSettings
from services.dispatch.app import create_service as create_dispatch
from services.dispatch.settings import DispatchSettings
from services.intake.app import create_service as create_intake
from services.intake.settings import IntakeSettings
from tests.integration.watchdog import HUNG, on_hang

pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items) -> None:
    """An integration test that hangs runs once more, and the summary says so ("1 rerun").

    A hang is a bug (the first one caught was dispatch's timer loop ignoring a cancellation that
    redis-py swallowed); the watchdog prints where every task waits, to the terminal, so the
    rerun never hides it. A failure while the broker did not confirm a publish
    (StreamUnavailable) reruns too. Assertion failures are never rerun."""
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=[r"Timeout \(>", HUNG, "StreamUnavailable"]))


@pytest.fixture(autouse=True)
def _watchdog(request) -> None:
    """An async test about to time out says where every task waits, then is cancelled."""
    if inspect.iscoroutinefunction(request.function):
        request.getfixturevalue("_cancel_before_timeout")


@pytest_asyncio.fixture(loop_scope="session")
async def _cancel_before_timeout(request) -> AsyncIterator[None]:
    marker = request.node.get_closest_marker("timeout")
    timeout = float(marker.args[0]) if marker and marker.args else float(request.config.getini("timeout") or 0)
    plugins = request.config.pluginmanager
    terminal, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")

    def say(line: str) -> None:  # straight to the terminal: a passing rerun drops the captured output
        with capture.global_and_fixture_disabled():
            terminal.write_line(line)

    handle = (asyncio.get_running_loop().call_later(max(timeout - 10, 1), on_hang, request.function.__name__, say)
              if timeout else None)
    yield
    if handle:
        handle.cancel()


class Pipeline:
    def __init__(self, kafka: str, redis: str, services: dict) -> None:
        self.kafka, self.redis, self.services = kafka, redis, services

    def http(self, name: str) -> httpx.AsyncClient:
        app = self.services[name].http
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async def publish_raw(self, topic: str, value: bytes, key: bytes | None = None) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.kafka, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(topic, value, key=key)
        finally:
            await producer.stop()

    async def collect(self, topic: str, predicate, **kw) -> list[dict]:
        return await collect(self.kafka, topic, predicate, **kw)


async def collect(kafka: str, topic: str, predicate, *, until: int = 1, timeout_s: float = 15.0,
                  settle_s: float = 0.0) -> list[dict]:
    """Events on `topic` (from the start) matching `predicate`, once `until` arrived (+settle_s more).

    The consumer's start and stop are bounded: an unbounded start once hung a test until
    pytest-timeout, with the service under test working all along."""
    consumer = await _started_consumer(kafka, topic, timeout_s)
    found: list[dict] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    settle_until = None
    try:
        while loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=100)
            for records in batch.values():
                for record in records:
                    try:
                        event = json.loads(record.value)
                    except ValueError:
                        continue
                    if predicate(event):
                        found.append(event)
            if len(found) >= until:
                settle_until = settle_until or loop.time() + settle_s
                if loop.time() >= settle_until:
                    break
        return found
    finally:
        try:
            await asyncio.wait_for(consumer.stop(), 10)
        except asyncio.TimeoutError:
            pass


async def _started_consumer(kafka: str, topic: str, timeout_s: float) -> AIOKafkaConsumer:
    """A started consumer of `topic` from its start; a start that hangs is dropped and tried once more."""
    for attempt in (1, 2):
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka, auto_offset_reset="earliest",
                                    enable_auto_commit=False, fetch_max_wait_ms=20)
        try:
            await asyncio.wait_for(consumer.start(), timeout_s)
            return consumer
        except asyncio.TimeoutError:
            if attempt == 2:
                raise


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pipeline(engines: dict[str, str]) -> AsyncIterator[Pipeline]:
    """The three services, stopped at the end of the module: the session's event loop does not
    run during the synchronous tests that follow, and services left frozen that long (consumers
    missing heartbeats, timers falling due) once took minutes to stop at the session's end."""
    env = {"kafka_bootstrap_servers": engines["KAFKA_BOOTSTRAP_SERVERS"], "redis_url": engines["REDIS_URL"]}
    services = {
        "intake": create_intake(IntakeSettings(**env)),
        "classifier": create_classifier(ClassifierSettings(**env)),
        "dispatch": create_dispatch(DispatchSettings(**env)),
    }
    async with services["intake"].running(), services["classifier"].running(), services["dispatch"].running():
        yield Pipeline(engines["KAFKA_BOOTSTRAP_SERVERS"], engines["REDIS_URL"], services)
