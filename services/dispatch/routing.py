"""Dispatch's pure routing decision: a classified call -> one handoff per agency."""

from collections.abc import Callable

from schemas.codes import Agency
from schemas.events import CallClassified, HandoffRequested, HandoffStatusChanged, derive_id
from schemas.codes import HandoffStatus
from schemas.policy import RoutingPolicy

# (agency, caller's address) -> (partner id, whether the partner choice needs a dispatcher's review)
ChoosePartner = Callable[[Agency, str | None], tuple[str, bool]]


def agencies_for(event: CallClassified, policy: RoutingPolicy) -> dict[Agency, str]:
    """The policy's agencies, plus any emergency agency the classifier added to be safe."""
    c = event.classification
    routed = policy.route(c.call_type, c.flags)
    for agency in c.agencies:
        routed.setdefault(agency, "classifier:safety")
    return routed


def handoff_id(call_id: str, agency: Agency) -> str:
    return derive_id("handoff", call_id, agency.value)


def plan_handoffs(event: CallClassified, policy: RoutingPolicy, choose: ChoosePartner) -> list[HandoffRequested]:
    c = event.classification
    plans = []
    for agency, rule in agencies_for(event, policy).items():
        partner_id, unsure_place = choose(agency, event.call.address)
        hid = handoff_id(event.call_id, agency)
        plans.append(
            HandoffRequested(
                event_id=derive_id("handoff.requested", hid),
                call_id=event.call_id,
                handoff_id=hid,
                agency=agency,
                partner_id=partner_id,
                rule=rule,
                call_type=c.call_type,
                flags=c.flags,
                review=c.review or unsure_place,
                call=event.call,
            )
        )
    return plans


def routed_event(handoff: HandoffRequested) -> HandoffStatusChanged:
    return HandoffStatusChanged(
        event_id=derive_id("handoff.status", handoff.handoff_id, "routed"),
        call_id=handoff.call_id,
        handoff_id=handoff.handoff_id,
        agency=handoff.agency,
        partner_id=handoff.partner_id,
        from_status=None,
        status=HandoffStatus.ROUTED,
        actor="dispatch",
        note=handoff.rule,
    )
