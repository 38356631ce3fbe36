"""Classifier service factory."""

from redis.asyncio import Redis

from schemas.policy import load_policy
from services.classifier.engine import load_engine
from services.classifier.router import build_router
from services.classifier.settings import ClassifierSettings
from services.kit.dedupe import RedisSeenEvents
from services.kit.service import Service
from services.kit.stream import make_broker


def create_service(settings: ClassifierSettings) -> Service:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    broker = make_broker(settings, "classifier")
    seen = RedisSeenEvents(redis, "classifier", settings.dedupe_ttl_s)
    broker.include_router(build_router(settings, load_engine(), load_policy(settings.routing_file), seen))
    return Service(name="classifier", broker=broker, on_stop=[redis.aclose])
