"""Dispatch service factory."""

from redis.asyncio import Redis

from schemas.codes import Agency
from schemas.policy import load_policy
from services.dispatch.http import build_http
from services.dispatch.router import build_router
from services.dispatch.settings import DispatchSettings
from services.dispatch.stores import HandoffStore, TimelineStore
from services.kit.dedupe import RedisSeenEvents
from services.kit.service import Service
from services.kit.stream import make_broker


def _agency_desk(agency: Agency, _address: str | None) -> tuple[str, bool]:
    return f"{agency.value}-desk", False


def create_service(settings: DispatchSettings) -> Service:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    broker = make_broker(settings, "dispatch")
    handoffs, timeline = HandoffStore(redis), TimelineStore(redis)
    seen = RedisSeenEvents(redis, "dispatch", settings.dedupe_ttl_s)
    broker.include_router(
        build_router(settings, load_policy(settings.routing_file), _agency_desk, handoffs, timeline, seen)
    )
    return Service(name="dispatch", broker=broker, http=build_http(handoffs, timeline), on_stop=[redis.aclose])
