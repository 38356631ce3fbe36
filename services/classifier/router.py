"""Classifier's stream handler: calls.received -> calls.classified."""

import structlog
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaBroker, KafkaMessage

from schemas.events import CallReceived
from schemas.policy import RoutingPolicy
from schemas.topics import CALLS_CLASSIFIED, CALLS_RECEIVED, partition_key
from services.classifier.core import TextEngine, classify_call
from services.classifier.settings import ClassifierSettings
from services.kit.dedupe import SeenEvents
from schemas.events import CallClassified, DeadLetter
from schemas.topics import DEAD_LETTER
from services.kit.stream import consumer_options, document_publishers, fresh_event, publish

log = structlog.get_logger()


def build_router(settings: ClassifierSettings, engine: TextEngine, policy: RoutingPolicy, seen: SeenEvents) -> KafkaRouter:
    router = KafkaRouter()
    document_publishers(router, [(CALLS_CLASSIFIED, CallClassified), (DEAD_LETTER, DeadLetter)])

    @router.subscriber(CALLS_RECEIVED.name, **consumer_options(settings, settings.group_id))
    async def on_received(msg: KafkaMessage, broker: KafkaBroker) -> None:
        event = await fresh_event(msg, broker, CallReceived, seen, service="classifier")
        if event is None:
            return
        with structlog.contextvars.bound_contextvars(call_id=event.call_id):
            classified = classify_call(event, engine, policy)
            await publish(broker, classified, CALLS_CLASSIFIED.name, key=partition_key(event.call_id),
                          timeout_s=settings.publish_timeout_s)
            await seen.mark(event.event_id)
            c = classified.classification
            log.info("call.classified", call_type=c.call_type.value, flags=c.flags.raised(),
                     agencies=[a.value for a in c.agencies], confidence=round(c.confidence, 3), review=c.review,
                     model_version=c.model_version)

    return router
