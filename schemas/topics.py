"""Topic names, partition counts and partition keys: the whole stream topology in one place.

Every event is keyed by its call_id, so all events of one call land on one partition, in order.
Tansu cannot add partitions later: topics are created up front with their final counts.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    description: str


CALLS_INCOMING = Topic("calls.incoming", 6, "Raw calls from upstream call-taking software (untrusted).")
CALLS_RECEIVED = Topic("calls.received", 6, "Validated calls accepted by intake.")
CALLS_CLASSIFIED = Topic("calls.classified", 6, "Calls with call type, flags and suggested agencies.")
HANDOFFS_REQUESTED = Topic("handoffs.requested", 6, "One event per agency a call is handed to.")
HANDOFFS_STATUS = Topic("handoffs.status", 6, "Every handoff state transition: the audit trail.")
DISPATCH_AUDIT = Topic("dispatch.audit", 6, "Reminders, alerts, merges, mediation and callback records.")
CALLS_CLOSED = Topic("calls.closed", 6, "A call whose every handoff reached an end state.")
DEAD_LETTER = Topic("calls.deadletter", 1, "Messages that could not be processed, with the reason.")

# Partners with `delivery: topic` read their agency's own topic.
AGENCY_TOPICS: dict[str, Topic] = {
    agency: Topic(f"handoffs.to.{agency}", 3, f"Handoffs for {agency} partners that consume from Kafka.")
    for agency in ("police", "ems_120", "fire_119", "property_management", "community_committee", "hotline_12345")
}

ALL_TOPICS: tuple[Topic, ...] = (
    CALLS_INCOMING,
    CALLS_RECEIVED,
    CALLS_CLASSIFIED,
    HANDOFFS_REQUESTED,
    HANDOFFS_STATUS,
    DISPATCH_AUDIT,
    CALLS_CLOSED,
    DEAD_LETTER,
    *AGENCY_TOPICS.values(),
)


def partition_key(call_id: str) -> bytes:
    """The partition key of every event about one call."""
    return call_id.encode()
