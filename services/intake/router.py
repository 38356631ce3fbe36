"""Intake's stream handler: calls.incoming -> calls.received, bad input -> dead letter."""

import structlog
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaBroker, KafkaMessage

from schemas.events import derive_id, utcnow
from schemas.topics import CALLS_INCOMING, CALLS_RECEIVED, partition_key
from services.intake.core import Rejected, accept, call_id_for, parse_submission
from services.intake.settings import IntakeSettings
from schemas.events import CallReceived, DeadLetter
from schemas.topics import DEAD_LETTER
from services.kit.stream import (consumer_options, dead_letter, document_publishers, publish,
                                 publish_dead_letter)

log = structlog.get_logger()


def build_router(settings: IntakeSettings) -> KafkaRouter:
    router = KafkaRouter()
    document_publishers(router, [(CALLS_RECEIVED, CallReceived), (DEAD_LETTER, DeadLetter)])

    @router.subscriber(CALLS_INCOMING.name, **consumer_options(settings, settings.group_id))
    async def on_incoming(msg: KafkaMessage, broker: KafkaBroker) -> None:
        raw = msg.raw_message
        try:
            submission = parse_submission(msg.body)
        except Rejected as exc:
            letter = dead_letter(
                msg.body, source_topic=CALLS_INCOMING.name, service="intake", reason=exc.reason, key=raw.key
            )
            await publish_dead_letter(broker, letter, settings.publish_timeout_s)
            log.warning("call.rejected", channel="stream", reason=exc.reason, offset=raw.offset)
            return
        # Without a source_id the message's position names the call: a redelivery is the same call.
        fallback = derive_id("incoming", raw.topic, str(raw.partition), str(raw.offset))
        call_id = call_id_for(submission, fallback)
        event = accept(submission, call_id=call_id, channel="stream", now=utcnow())
        with structlog.contextvars.bound_contextvars(call_id=call_id):
            await publish(broker, event, CALLS_RECEIVED.name, key=partition_key(call_id),
                          timeout_s=settings.publish_timeout_s)
            log.info("call.accepted", channel="stream", caller_phone=submission.caller_phone)

    return router
