"""Classifier's handler with FastStream's in-memory broker: a received call in, a classified call out."""

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from schemas.events import utcnow
from schemas.policy import load_policy
from schemas.requests import CallSubmission
from schemas.topics import CALLS_CLASSIFIED, CALLS_RECEIVED, DEAD_LETTER
from services.classifier.engine import load_engine
from services.classifier.router import build_router
from services.classifier.settings import ClassifierSettings
from services.intake.core import accept
from services.kit.dedupe import InMemorySeenEvents


@pytest.fixture
def wired():
    broker = KafkaBroker()
    broker.include_router(build_router(ClassifierSettings(), load_engine(), load_policy(), InMemorySeenEvents()))
    out, letters = [], []

    @broker.subscriber(CALLS_CLASSIFIED.name)
    async def _out(body: dict) -> None:
        out.append(body)

    @broker.subscriber(DEAD_LETTER.name)
    async def _dlq(body: dict) -> None:
        letters.append(body)

    return broker, out, letters


async def test_a_received_call_is_classified_once_with_its_model_version(wired):
    broker, out, _ = wired
    event = accept(CallSubmission(text="有个老人晕倒了，叫不醒"), call_id="c-1", channel="http", now=utcnow())
    async with TestKafkaBroker(broker) as br:
        await br.publish(event, CALLS_RECEIVED.name)
        await br.publish(event, CALLS_RECEIVED.name)  # redelivered
    assert len(out) == 1
    c = out[0]["classification"]
    assert c["call_type"] == "medical" and c["flags"]["injured"] and "ems_120" in c["agencies"]
    assert c["model_version"] == load_engine().version and c["reasons"]


async def test_an_unreadable_event_goes_to_the_dead_letter_topic(wired):
    broker, out, letters = wired
    async with TestKafkaBroker(broker) as br:
        await br.publish({"call_id": "x", "nonsense": True}, CALLS_RECEIVED.name)
    assert out == [] and letters and "CallReceived" in letters[0]["reason"]
