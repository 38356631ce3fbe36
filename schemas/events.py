"""Every event on the wire: frozen pydantic models with an event_id, a call_id and a schema_version.

Event ids are derived deterministically from what caused the event (`derive_id`), so that a
consumer that handles the same input twice emits the same event twice, and everyone downstream
drops the repeat by its event_id.
"""

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import Agency, CallType, HandoffStatus

SCHEMA_VERSION = 1
_NAMESPACE = uuid.UUID("6f1c3c1e-2b7e-4d8a-9a51-0c0a110f0110")


def derive_id(*parts: str) -> str:
    """A stable id for the thing named by `parts`: the same parts give the same id."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = Field(SCHEMA_VERSION, description="Version of this event's schema.")
    event_id: str = Field(description="Unique id of this event; repeats of one event share it.")
    call_id: str = Field(description="The call this event belongs to; also the partition key.")
    occurred_at: datetime = Field(default_factory=utcnow, description="When the event happened (UTC).")


class CallDetails(BaseModel):
    """What the caller said and where: the part of a call that travels with it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(description="The call's free text as taken by the call-taker (zh or en).")
    address: str | None = Field(None, description="The caller's location as given, free form.")
    caller_phone: str | None = Field(None, description="Caller's phone number. Personal data: never log it.")
    received_at: datetime = Field(description="When the call reached the 110 line.")
    source_id: str | None = Field(None, description="The call-taking system's own id for the call.")


class Flags(BaseModel):
    """The five safety flags of DOMAIN.md."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    injured: bool = Field(False, description="Someone is physically hurt or ill right now.")
    violence: bool = Field(False, description="Assault, a fight, a weapon, or a threat of harm.")
    deliberate: bool = Field(False, description="Someone did the harm on purpose.")
    damage: bool = Field(False, description="Property has been damaged.")
    trapped: bool = Field(False, description="A person is trapped.")

    def raised(self) -> list[str]:
        return [name for name, value in self.model_dump().items() if value]


class Classification(BaseModel):
    """The classifier's decision about one call."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    call_type: CallType = Field(description="The main thing the caller needs resolved now.")
    flags: Flags = Field(default_factory=Flags, description="Safety flags read from the text.")
    confidence: float = Field(ge=0.0, le=1.0, description="Confidence in call_type, 0..1.")
    review: bool = Field(False, description="True when a dispatcher should check this decision.")
    reasons: list[str] = Field(default_factory=list, description="Words and rules that decided it.")
    agencies: list[Agency] = Field(default_factory=list, description="Agencies the routing policy gives.")
    check: list[Agency] = Field(default_factory=list,
                                description="Emergency agencies not sent that may be needed: a dispatcher should "
                                            "check the call (it is in review) and send them if so.")
    model_version: str = Field(description="Version of the rules and model that decided it.")


class CallReceived(Event):
    """A call accepted by intake after validation."""

    kind: Literal["call.received"] = "call.received"
    channel: Literal["http", "stream"] = Field(description="How the call reached intake.")
    call: CallDetails


class CallClassified(Event):
    """A call with its call type and flags decided."""

    kind: Literal["call.classified"] = "call.classified"
    call: CallDetails
    classification: Classification


class Place(BaseModel):
    """Where the caller's address resolved to in the partner directory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    community: str = Field(description="Community's full name, 'outside' or 'unknown'.")
    compound: str | None = None
    building: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)


class Mediation(BaseModel):
    """A round-table mediation request (圆桌调解) for a neighbour dispute."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parties: list[str] = Field(description="Who is in the dispute, as far as the call says.")
    forces: list[str] = Field(description="The six forces the committee convenes.")


class HandoffRequested(Event):
    """One partner is to take (part of) a call. One per (call, agency) and per escalation step."""

    kind: Literal["handoff.requested"] = "handoff.requested"
    handoff_id: str = Field(description="Stable id of the handoff.")
    agency: Agency = Field(description="The agency that is to take the call.")
    partner_id: str = Field(description="The specific partner (unit, company, committee) chosen.")
    rule: str = Field(description="Why this agency: the routing rule that fired, or the escalation.")
    call_type: CallType
    flags: Flags
    review: bool = Field(False, description="A dispatcher should check this routing.")
    priority: str = Field("P3", description="P1 (life, fire) .. P3 (quality of life).")
    ack_by: datetime | None = Field(None, description="Acknowledgement deadline.")
    resolve_by: datetime | None = Field(None, description="Resolution deadline.")
    place: Place | None = Field(None, description="Where the address resolved to.")
    escalated_from: str | None = Field(None, description="The handoff this one takes over from.")
    mediation: Mediation | None = Field(None, description="Set for neighbour-dispute handoffs to a committee.")
    call: CallDetails


class HandoffStatusChanged(Event):
    """A handoff moved from one state to another: one line of the audit trail."""

    kind: Literal["handoff.status_changed"] = "handoff.status_changed"
    handoff_id: str
    agency: Agency
    partner_id: str
    from_status: HandoffStatus | None = Field(description="The state before; None for the first.")
    status: HandoffStatus = Field(description="The state after.")
    actor: str = Field(description="Who made the change: a partner id, 'dispatch', or a dispatcher.")
    note: str | None = Field(None, description="Why, in the actor's words.")
    eta: datetime | None = Field(None, description="Expected arrival or completion, when given.")


class HandoffNotice(Event):
    """Something dispatch did or noticed about a handoff that is not a state change."""

    kind: Literal["handoff.notice"] = "handoff.notice"
    handoff_id: str
    partner_id: str
    notice: Literal[
        "delivery_failed", "reminder_sent", "caller_added", "dispatcher_alert", "police_added_repeat",
        "dispatcher_added",
    ] = Field(description="What happened (dispatcher_added: a dispatcher sent the call to one more agency).")
    detail: str = Field(description="For a person: what and why.")


class MediationReported(Event):
    """A community committee reports on a round-table mediation (圆桌调解)."""

    kind: Literal["mediation.reported"] = "mediation.reported"
    handoff_id: str
    partner_id: str
    session_at: datetime = Field(description="When the round-table session is or was held.")
    outcome: Literal["scheduled", "agreed", "partial", "failed"]
    note: str | None = None


class CallMerged(Event):
    """A further call about an incident already being handled: it joins that incident."""

    kind: Literal["call.merged"] = "call.merged"
    incident_call_id: str = Field(description="The first call of the incident, whose handoffs carry on.")
    reason: str


class CallbackRecorded(Event):
    """The station desk's callback (回访) to the citizen after the call was resolved."""

    kind: Literal["callback.recorded"] = "callback.recorded"
    outcome: Literal["satisfied", "not_satisfied", "unreachable"]
    actor: str
    note: str | None = None


class CallClosed(Event):
    """Every active handoff of the call is resolved; the call waits for its callback."""

    kind: Literal["call.closed"] = "call.closed"
    outcome: str = Field(description="How the call ended, e.g. 'resolved'.")
    reopened_count: int = Field(0, description="How often a citizen's callback reopened the call before.")


class DeadLetter(Event):
    """A message that could not be processed, kept with its reason so nothing is lost."""

    kind: Literal["dead_letter"] = "dead_letter"
    source_topic: str = Field(description="Topic the message came from.")
    service: str = Field(description="Service that gave up on it.")
    reason: str = Field(description="Why it could not be processed.")
    payload: str = Field(description="The message body: text if UTF-8, else base64.")
    payload_encoding: Literal["utf-8", "base64"] = "utf-8"


EVENT_TYPES: tuple[type[Event], ...] = (
    CallReceived,
    CallClassified,
    HandoffRequested,
    HandoffStatusChanged,
    HandoffNotice,
    MediationReported,
    CallMerged,
    CallbackRecorded,
    CallClosed,
    DeadLetter,
)
