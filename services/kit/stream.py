"""The Kafka edge: broker factory, consumer options, topic creation, dead letters.

Every consumer commits its offset only after its work is done (AckPolicy.NACK_ON_ERROR: an
unexpected error seeks back so the message is seen again) and is idempotent.
"""

import asyncio
import base64
from typing import Any, TypeVar

import structlog

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, ValidationError

from schemas.events import DeadLetter, derive_id
from schemas.topics import ALL_TOPICS, DEAD_LETTER, Topic, partition_key
from services.kit.retry import BackoffOnError
from services.kit.settings import DEFAULT_PUBLISH_TIMEOUT_S, EngineSettings

E = TypeVar("E", bound=BaseModel)


class StreamUnavailable(RuntimeError):
    """The broker did not confirm a publish in time: the work is not done and must be retried."""


# What a publish can raise when the stream is away (dispatch defers the event on these).
STREAM_ERRORS = (StreamUnavailable, KafkaError)


async def publish(broker: KafkaBroker, event: BaseModel, topic: str, *, key: bytes | None,
                  timeout_s: float) -> None:
    """Publish and wait for the broker's confirmation, at most `timeout_s`.

    aiokafka can wait for ever on a wedged connection or metadata refresh (aiokafka#1101);
    a bounded wait turns that into an error the caller retries (at-least-once: a late
    duplicate is dropped by the consumer's event-id check)."""
    try:
        async with asyncio.timeout(timeout_s):
            await broker.publish(event, topic, key=key)
    except TimeoutError as exc:
        raise StreamUnavailable(f"no confirmation from the broker within {timeout_s:g} s ({topic})") from exc


def make_broker(settings: EngineSettings, client_id: str) -> KafkaBroker:
    # FastStream's own per-message logger is off: each handler writes one canonical line itself.
    return KafkaBroker(settings.kafka_bootstrap_servers, client_id=client_id, logger=None, acks="all",
                       middlewares=[BackoffOnError])


def consumer_options(settings: EngineSettings, group_id: str) -> dict[str, Any]:
    """Options for one durable, at-least-once subscriber in a consumer group."""
    return {
        "group_id": group_id,
        "auto_offset_reset": "earliest",
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "fetch_max_wait_ms": settings.fetch_max_wait_ms,
        "session_timeout_ms": settings.session_timeout_ms,
        "heartbeat_interval_ms": settings.heartbeat_interval_ms,
    }


async def ensure_topics(bootstrap_servers: str, topics: tuple[Topic, ...] = ALL_TOPICS) -> list[str]:
    """Create the topics with their final partition counts; existing ones are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t.name, num_partitions=t.partitions, replication_factor=1) for t in missing]
                )
            except TopicAlreadyExistsError:
                pass
        return [t.name for t in missing]
    finally:
        await admin.close()


def dead_letter(body: bytes, *, source_topic: str, service: str, reason: str, key: bytes | None) -> DeadLetter:
    """A dead-letter event for a message that cannot be processed; its id is stable per body."""
    try:
        payload, encoding = body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        payload, encoding = base64.b64encode(body).decode(), "base64"
    raw_id = base64.b64encode(body[:2048]).decode()
    call_id = key.decode("utf-8", "replace") if key else derive_id("dead-letter", source_topic, raw_id)
    return DeadLetter(
        event_id=derive_id("dead-letter", source_topic, service, raw_id),
        call_id=call_id,
        source_topic=source_topic,
        service=service,
        reason=reason[:2000],
        payload=payload,
        payload_encoding=encoding,
    )


async def publish_dead_letter(broker: KafkaBroker, letter: DeadLetter,
                              timeout_s: float = DEFAULT_PUBLISH_TIMEOUT_S) -> None:
    await publish(broker, letter, DEAD_LETTER.name, key=partition_key(letter.call_id), timeout_s=timeout_s)


def document_publishers(router, outputs: list[tuple[Topic, type]]) -> None:
    """Declare what a service publishes, with its event schema, so the AsyncAPI document shows it."""
    for topic, model in outputs:
        router.publisher(topic.name, schema=model, title=f"{topic.name}:{model.__name__}",
                         description=topic.description)


async def decode_or_dead_letter(msg, broker: KafkaBroker, model: type[E], *, service: str) -> E | None:
    """The message as `model`, or None after sending it to the dead-letter topic with the reason."""
    try:
        return model.model_validate_json(msg.body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        letter = dead_letter(msg.body, source_topic=msg.raw_message.topic, service=service, key=msg.raw_message.key,
                             reason=f"not a {model.__name__}: {exc.error_count()} error(s), first: {where}: {first['msg']}")
        await publish_dead_letter(broker, letter)
        structlog.get_logger().warning("event.dead_lettered", reason=letter.reason, topic=msg.raw_message.topic)
        return None


async def fresh_event(msg, broker: KafkaBroker, model: type[E], seen, *, service: str) -> E | None:
    """The message as `model` if it is new; None if it was dead-lettered or was handled before."""
    event = await decode_or_dead_letter(msg, broker, model, service=service)
    if event is None:
        return None
    if await seen.seen(event.event_id):
        structlog.get_logger().info("event.repeat_skipped", event_id=event.event_id, call_id=event.call_id)
        return None
    return event
