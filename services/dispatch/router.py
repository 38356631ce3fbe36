"""Dispatch's stream handlers: route classified calls; project every event into call timelines."""

import json

import structlog
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaBroker, KafkaMessage
from pydantic import ValidationError

from schemas.events import CallClassified
from schemas.policy import RoutingPolicy
from schemas.topics import (CALLS_CLASSIFIED, CALLS_CLOSED, CALLS_RECEIVED, DEAD_LETTER, HANDOFFS_REQUESTED,
                            HANDOFFS_STATUS, partition_key)
from services.dispatch.routing import ChoosePartner, plan_handoffs, routed_event
from services.dispatch.settings import DispatchSettings
from services.dispatch.stores import HandoffStore, TimelineStore
from services.kit.dedupe import SeenEvents
from services.kit.stream import consumer_options, dead_letter, publish_dead_letter

log = structlog.get_logger()
TIMELINE_TOPICS = (CALLS_RECEIVED, CALLS_CLASSIFIED, HANDOFFS_REQUESTED, HANDOFFS_STATUS, CALLS_CLOSED, DEAD_LETTER)


def build_router(
    settings: DispatchSettings,
    policy: RoutingPolicy,
    choose: ChoosePartner,
    handoffs: HandoffStore,
    timeline: TimelineStore,
    seen: SeenEvents,
) -> KafkaRouter:
    router = KafkaRouter()

    @router.subscriber(CALLS_CLASSIFIED.name, **consumer_options(settings, settings.group_id))
    async def on_classified(msg: KafkaMessage, broker: KafkaBroker) -> None:
        try:
            event = CallClassified.model_validate_json(msg.body)
        except ValidationError as exc:
            letter = dead_letter(msg.body, source_topic=CALLS_CLASSIFIED.name, service="dispatch",
                                 reason=f"not a CallClassified: {exc.errors()[0]['msg']}", key=msg.raw_message.key)
            await publish_dead_letter(broker, letter)
            log.warning("event.dead_lettered", reason=letter.reason)
            return
        with structlog.contextvars.bound_contextvars(call_id=event.call_id):
            if await seen.seen(event.event_id):
                log.info("event.repeat_skipped", event_id=event.event_id)
                return
            plans = plan_handoffs(event, policy, choose)
            for handoff in plans:
                if not await handoffs.claim(handoff):
                    continue
                key = partition_key(handoff.call_id)
                await broker.publish(handoff, HANDOFFS_REQUESTED.name, key=key)
                await broker.publish(routed_event(handoff), HANDOFFS_STATUS.name, key=key)
                await handoffs.confirm_published(handoff.handoff_id)
            await seen.mark(event.event_id)
            c = event.classification
            log.info("call.routed", call_type=c.call_type.value, flags=c.flags.raised(),
                     route=[f"{h.agency.value}:{h.partner_id}" for h in plans], review=any(h.review for h in plans))

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
