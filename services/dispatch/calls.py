"""Taking a classified call: resolve its place, join an open incident or open new handoffs."""

from dataclasses import dataclass

import structlog

from schemas.events import CallClassified, CallMerged, Place, derive_id, utcnow
from schemas.topics import DISPATCH_AUDIT
from services.dispatch.address import resolve_address
from services.dispatch.desk import Desk
from services.dispatch.directory import UNKNOWN
from services.dispatch.incidents import IncidentBook
from services.dispatch.routing import RoutingContext, agencies_for, plan_handoffs

log = structlog.get_logger()


def place_of(event: CallClassified, ctx: RoutingContext) -> Place:
    """The address field first; when it says nothing usable, the place named in the text."""
    found = resolve_address(event.call.address, ctx.directory)
    if found.community == UNKNOWN:
        from_text = resolve_address(event.call.text, ctx.directory)
        if from_text.community != UNKNOWN:
            found = from_text
    return Place(community=found.community, compound=found.compound, building=found.building,
                 confidence=found.confidence)


@dataclass
class Routed:
    place: Place
    opened: list[str]
    merged_into: str | None


async def take_call(event: CallClassified, ctx: RoutingContext, desk: Desk, incidents: IncidentBook) -> Routed:
    now = utcnow()
    place = place_of(event, ctx)
    taken = await incidents.take(event.call_id, event.classification.call_type, place)
    agencies = agencies_for(event, ctx.policy)
    for agency, rule in taken.extra_agencies.items():
        agencies.setdefault(agency, rule)
    wanted = set(agencies)  # before an incident's own handoffs are taken out below
    merged_into = None
    if taken.incident_call_id:
        open_handoffs = await desk.store.open_for_call(taken.incident_call_id)
        covered = {r["agency"] for r in open_handoffs}
        if open_handoffs:
            merged_into = taken.incident_call_id
            await desk.store.join_incident(merged_into, event.call_id)
            await desk.announce(CallMerged(
                event_id=derive_id("call.merged", event.call_id), call_id=event.call_id,
                incident_call_id=merged_into,
                reason=f"same building and call type as call {merged_into} within the merge window"), DISPATCH_AUDIT)
            for record in open_handoffs:
                callers = int(record.get("callers", "1")) + 1
                await desk.store.update(record["handoff_id"], callers=str(callers))
                await desk.notice(record, "caller_added", f"another caller rang about this incident "
                                                          f"(call {event.call_id}; {callers} callers)",
                                  suffix=event.call_id)
                await desk.timers.schedule(f"{record['handoff_id']}:deliver:caller:{event.call_id}", 0,
                                           {"kind": "deliver", "handoff_id": record["handoff_id"],
                                            "event": "incident.caller_added"})
            # Only agencies the incident does not already have get new handoffs (safety: never fewer).
            agencies = {a: r for a, r in agencies.items() if a.value not in covered}
    opened = []
    for req in plan_handoffs(event, ctx, place, now, agencies=agencies):
        if await desk.open(req):
            opened.append(req.handoff_id)
    await _alert_possible(event, wanted, opened, merged_into, desk)
    return Routed(place, opened, merged_into)


async def _alert_possible(event: CallClassified, routed: set, opened: list[str], merged_into: str | None,
                          desk: Desk) -> None:
    """The classifier's `check` agencies (possibly needed, not sent) become a dispatcher alert on
    the call's first handoff, so they stand out from the rest of the review queue."""
    possible = [a.value for a in event.classification.check if a not in routed]
    if not possible:
        return
    records = [await desk.store.get(opened[0])] if opened else \
        (await desk.store.open_for_call(merged_into) if merged_into else [])
    if records and records[0] is not None:
        await desk.notice(records[0], "dispatcher_alert",
                          f"call {event.call_id}: {', '.join(possible)} possibly needed and not sent "
                          "(classifier): check the call and send if so", suffix=f"check:{event.call_id}")
