"""The classifier's pure core: a received call in, a classified call out."""

from typing import Protocol

from schemas.events import CallClassified, CallReceived, Classification, derive_id
from schemas.policy import RoutingPolicy


class TextEngine(Protocol):
    version: str

    def classify(self, text: str, policy: RoutingPolicy) -> Classification: ...


def classify_call(event: CallReceived, engine: TextEngine, policy: RoutingPolicy) -> CallClassified:
    classification = engine.classify(event.call.text, policy)
    return CallClassified(
        event_id=derive_id("call.classified", event.call_id, classification.model_version),
        call_id=event.call_id,
        call=event.call,
        classification=classification,
    )
