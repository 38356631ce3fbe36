"""Dispatch's stream handlers: take classified calls; project every event into call timelines."""

import json

import structlog
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaBroker, KafkaMessage

from schemas.events import CallClassified
from schemas.topics import (CALLS_CLASSIFIED, CALLS_CLOSED, CALLS_RECEIVED, DEAD_LETTER, DISPATCH_AUDIT,
                            HANDOFFS_REQUESTED, HANDOFFS_STATUS)
from services.dispatch.calls import take_call
from services.dispatch.desk import Desk
from services.dispatch.incidents import IncidentBook
from services.dispatch.routing import RoutingContext
from services.dispatch.settings import DispatchSettings
from services.dispatch.stores import TimelineStore
from services.kit.dedupe import SeenEvents
from schemas.events import (CallbackRecorded, CallClosed, CallMerged, DeadLetter, HandoffNotice, HandoffRequested,
                            HandoffStatusChanged, MediationReported)
from services.kit.stream import consumer_options, document_publishers, fresh_event

log = structlog.get_logger()
TIMELINE_TOPICS = (CALLS_RECEIVED, CALLS_CLASSIFIED, HANDOFFS_REQUESTED, HANDOFFS_STATUS, DISPATCH_AUDIT,
                   CALLS_CLOSED, DEAD_LETTER)


def build_router(settings: DispatchSettings, ctx: RoutingContext, desk: Desk, incidents: IncidentBook,
                 timeline: TimelineStore, seen: SeenEvents) -> KafkaRouter:
    router = KafkaRouter()
    document_publishers(router, [
        (HANDOFFS_REQUESTED, HandoffRequested), (HANDOFFS_STATUS, HandoffStatusChanged),
        (DISPATCH_AUDIT, HandoffNotice), (DISPATCH_AUDIT, CallMerged), (DISPATCH_AUDIT, MediationReported),
        (DISPATCH_AUDIT, CallbackRecorded), (CALLS_CLOSED, CallClosed), (DEAD_LETTER, DeadLetter),
    ])

    @router.subscriber(CALLS_CLASSIFIED.name, **consumer_options(settings, settings.group_id))
    async def on_classified(msg: KafkaMessage, broker: KafkaBroker) -> None:
        event = await fresh_event(msg, broker, CallClassified, seen, service="dispatch")
        if event is None:
            return
        with structlog.contextvars.bound_contextvars(call_id=event.call_id):
            routed = await take_call(event, ctx, desk, incidents)
            await seen.mark(event.event_id)
            c = event.classification
            log.info("call.routed", call_type=c.call_type.value, flags=c.flags.raised(),
                     community=routed.place.community, merged_into=routed.merged_into, handoffs=routed.opened)

    @router.subscriber(*(t.name for t in TIMELINE_TOPICS), **consumer_options(settings, settings.timeline_group_id))
    async def on_any_event(msg: KafkaMessage) -> None:
        try:
            data = json.loads(msg.body)
            call_id, event_id = data["call_id"], data["event_id"]
        except (ValueError, KeyError, TypeError):
            log.warning("timeline.unreadable_event", topic=msg.raw_message.topic, offset=msg.raw_message.offset)
            return
        await timeline.add(call_id, event_id, json.dumps(data, ensure_ascii=False))

    return router
