"""Dispatch service factory: routing consumer, timeline projection, timer loop, partner and dispatcher API."""

import asyncio
import time
from dataclasses import dataclass

import httpx
import structlog
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from pydantic import BaseModel
from redis.asyncio import Redis

from schemas.policy import load_policy
from schemas.topics import Topic, partition_key
from services.dispatch.callbacks import CallbackBook
from services.dispatch.credentials import Credentials, load_credentials
from services.dispatch.delivery import WebhookSender
from services.dispatch.desk import Desk
from services.dispatch.directory import load_directory
from services.dispatch.http import build_http
from services.dispatch.incidents import IncidentBook
from services.dispatch.partner_api import build_partner_api
from services.dispatch.router import build_router
from services.dispatch.routing import RoutingContext
from services.dispatch.rules import load_rules
from services.dispatch.settings import DispatchSettings
from services.dispatch.stores import HandoffStore, TimelineStore
from services.dispatch.timers import TimerStore
from services.kit.dedupe import RedisSeenEvents
from services.kit.retry import retry_delay_s
from services.kit.service import Service
from services.kit.stream import make_broker, publish

log = structlog.get_logger()


@dataclass
class DispatchCore:
    """Everything dispatch decides with, wired to its stores; no consumer attached."""

    desk: Desk
    ctx: RoutingContext
    timers: TimerStore
    callbacks: CallbackBook
    timeline: TimelineStore
    incidents: IncidentBook
    credentials: Credentials

    def http(self) -> FastAPI:
        return build_http(self.desk, self.timeline, self.callbacks, build_partner_api(self.desk, self.credentials))


def build_core(settings: DispatchSettings, redis: Redis, broker: KafkaBroker, client: httpx.AsyncClient) -> DispatchCore:
    rules = load_rules(settings.rules_file)
    ctx = RoutingContext(load_policy(settings.routing_file), rules, load_directory(settings.partners_file),
                         settings.deadline_scale)
    credentials = load_credentials(settings.credentials_file)
    timers, callbacks = TimerStore(redis), CallbackBook(redis)
    desk = Desk(publish=_publisher(broker, settings.publish_timeout_s), store=HandoffStore(redis), timers=timers, ctx=ctx,
                sender=WebhookSender(client, rules.delivery.timeout_s), credentials=credentials,
                webhook_base_url=settings.webhook_base_url)

    async def open_callback(call_id: str, handoffs: list[dict]) -> None:
        await callbacks.open(call_id, time.time() + rules.callback.delay_s, {
            "partners": sorted({h["partner_id"] for h in handoffs if h["status"] == "resolved"}),
            "closed_at": time.time(),
        })

    desk.on_call_closed = open_callback
    return DispatchCore(desk, ctx, timers, callbacks, TimelineStore(redis), IncidentBook(redis, rules), credentials)


def create_service(settings: DispatchSettings) -> Service:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    broker = make_broker(settings, "dispatch")
    client = httpx.AsyncClient()
    core = build_core(settings, redis, broker, client)
    seen = RedisSeenEvents(redis, "dispatch", settings.dedupe_ttl_s)
    broker.include_router(build_router(settings, core.ctx, core.desk, core.incidents, core.timeline, seen))

    async def close() -> None:
        await client.aclose()
        await redis.aclose()

    return Service(name="dispatch", broker=broker, http=core.http(), on_stop=[close],
                   background=[lambda: run_timers(core.desk, core.timers, settings.timer_poll_ms / 1000)])


def _publisher(broker: KafkaBroker, timeout_s: float):
    async def publish_event(event: BaseModel, topic: Topic) -> None:
        await publish(broker, event, topic.name, key=partition_key(getattr(event, "call_id")), timeout_s=timeout_s)

    return publish_event


async def run_timers(desk: Desk, timers: TimerStore, poll_s: float, concurrency: int = 32) -> None:
    """Claim due timers and fire them, many at once: one partner's slow webhook must not hold up
    another call's deadline. A timer that fails stays claimed until its lease runs out, then retries.
    Stops when cancelled, even when a library swallowed the cancellation (see the loop)."""
    slots = asyncio.Semaphore(concurrency)

    async def fire(timer) -> None:
        async with slots:
            try:
                await desk.fire(timer)
                await timers.done(timer.timer_id)
            except Exception:  # noqa: BLE001 - one bad timer must not stop the others
                log.exception("timer.failed", timer_id=timer.timer_id)

    running: set[asyncio.Task] = set()
    failures = 0
    me = asyncio.current_task()
    try:
        while True:
            if me is not None and me.cancelling():
                # redis-py 8.1 sometimes swallows the CancelledError of a command it was running
                # (measured: about one cancel in four); the request is still on the task, so stop.
                raise asyncio.CancelledError
            try:
                for timer in await timers.claim_due(int(time.time() * 1000), limit=concurrency):
                    task = asyncio.create_task(fire(timer))
                    running.add(task)
                    task.add_done_callback(running.discard)
                failures = 0
            except Exception:  # noqa: BLE001 - Redis away: try again, less often while it stays away
                failures += 1
                log.exception("timer.poll_failed", attempt=failures)
            await asyncio.sleep(poll_s if not failures else retry_delay_s(failures))
    finally:
        for task in running:
            task.cancel()
