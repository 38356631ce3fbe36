"""Dispatch's pure routing decisions: which partners take a classified call, and who takes over."""

from dataclasses import dataclass
from datetime import datetime

from schemas.codes import Agency, CallType, HandoffStatus
from schemas.events import (CallClassified, HandoffRequested, HandoffStatusChanged, Mediation, Place, derive_id)
from schemas.policy import RoutingPolicy
from services.dispatch.directory import OUTSIDE, UNKNOWN, Directory, Partner
from services.dispatch.mediation import parties_in
from services.dispatch.rules import DispatchRules

REVIEW_BELOW_PLACE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class RoutingContext:
    policy: RoutingPolicy
    rules: DispatchRules
    directory: Directory
    deadline_scale: float = 1.0


def agencies_for(event: CallClassified, policy: RoutingPolicy) -> dict[Agency, str]:
    """The policy's agencies, plus any emergency agency the classifier added to be safe."""
    c = event.classification
    routed = policy.route(c.call_type, c.flags)
    for agency in c.agencies:
        routed.setdefault(agency, "classifier:safety")
    return routed


def place_is_unsure(place: Place) -> bool:
    return place.community in (OUTSIDE, UNKNOWN) or place.confidence < REVIEW_BELOW_PLACE_CONFIDENCE


def handoff_id(call_id: str, agency: Agency, round_: int = 0) -> str:
    return derive_id("handoff", call_id, agency.value, *([f"round{round_}"] if round_ else []))


def plan_handoffs(event: CallClassified, ctx: RoutingContext, place: Place, now: datetime, *,
                  agencies: dict[Agency, str], round_: int = 0) -> list[HandoffRequested]:
    c = event.classification
    return [
        _request(
            handoff_id(event.call_id, agency, round_), event.call_id, ctx,
            ctx.directory.partner_for(agency, place.community, place.compound), rule,
            c.call_type, c.flags, c.review or place_is_unsure(place), place, event.call, now,
        )
        for agency, rule in agencies.items()
    ]


def successor(previous: HandoffRequested, partner: Partner, reason: str, ctx: RoutingContext,
              now: datetime) -> HandoffRequested:
    """The handoff that takes over when `previous` was rejected or escalated."""
    return _request(
        derive_id("handoff", previous.handoff_id, "next", partner.id), previous.call_id, ctx, partner,
        f"{reason} (from {previous.partner_id})", previous.call_type, previous.flags, previous.review,
        previous.place, previous.call, now, escalated_from=previous.handoff_id,
    )


def reopened(previous: HandoffRequested, round_: int, note: str, ctx: RoutingContext,
             now: datetime) -> HandoffRequested:
    """The same partner takes the call again after the citizen's callback said it is not fixed."""
    partner = ctx.directory.partner(previous.partner_id)
    return _request(
        handoff_id(previous.call_id, previous.agency, round_), previous.call_id, ctx, partner,
        f"reopened after callback: {note}", previous.call_type, previous.flags, previous.review,
        previous.place, previous.call, now, escalated_from=previous.handoff_id,
    )


def sent_by_dispatcher(previous: HandoffRequested, agency: Agency, dispatcher: str, note: str | None,
                       ctx: RoutingContext, now: datetime) -> HandoffRequested:
    """One more agency for a call, chosen by a dispatcher (a review found it needed): the partner of
    that agency for the call's place, under the id the classifier's handoff to it would have had,
    so a call never gets two handoffs to one agency."""
    partner = ctx.directory.partner_for(agency, previous.place.community, previous.place.compound)
    return _request(
        handoff_id(previous.call_id, agency), previous.call_id, ctx, partner,
        f"dispatcher:{dispatcher}" + (f": {note}" if note else ""), previous.call_type, previous.flags,
        previous.review, previous.place, previous.call, now,
    )


def _request(hid, call_id, ctx, partner, rule, call_type, flags, review, place, call, now,
             escalated_from=None) -> HandoffRequested:
    priority = ctx.rules.priority(call_type, flags)
    ack, resolve = ctx.rules.deadline(priority, partner.agency, ctx.deadline_scale)
    mediation = None
    if call_type == CallType.NEIGHBOR_DISPUTE and partner.agency == Agency.COMMUNITY_COMMITTEE:
        mediation = Mediation(parties=parties_in(call.text), forces=list(ctx.rules.mediation_forces))
    return HandoffRequested(
        event_id=derive_id("handoff.requested", hid), call_id=call_id, occurred_at=now, handoff_id=hid,
        agency=partner.agency, partner_id=partner.id, rule=rule, call_type=call_type, flags=flags, review=review,
        priority=priority, ack_by=now + ack, resolve_by=now + resolve, place=place,
        escalated_from=escalated_from, mediation=mediation, call=call,
    )


def status_event(request: HandoffRequested, before: HandoffStatus | None, after: HandoffStatus, actor: str,
                 note: str | None, now: datetime, eta: datetime | None = None) -> HandoffStatusChanged:
    return HandoffStatusChanged(
        event_id=derive_id("handoff.status", request.handoff_id, after.value), call_id=request.call_id,
        occurred_at=now, handoff_id=request.handoff_id, agency=request.agency, partner_id=request.partner_id,
        from_status=before, status=after, actor=actor, note=note, eta=eta,
    )
