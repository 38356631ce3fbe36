"""What a partner sees of a handoff: what it needs and no more (Open311 GeoReport v2 names where they fit).

The caller's phone goes in full only to agencies that must call back (police, 120, 119).
"""

from typing import Any

from schemas.codes import EMERGENCY_AGENCIES, Agency
from schemas.events import HandoffRequested
from services.kit.logging import mask_phone


def request_of(record: dict[str, Any]) -> HandoffRequested:
    return HandoffRequested.model_validate_json(record["request"])


def partner_view(record: dict[str, Any], event: str | None = None) -> dict[str, Any]:
    req = request_of(record)
    phone = req.call.caller_phone
    if phone and req.agency not in EMERGENCY_AGENCIES:
        phone = mask_phone(phone)
    view: dict[str, Any] = {
        "service_request_id": req.handoff_id,
        "call_id": req.call_id,
        "service_code": req.call_type.value,
        "description": req.call.text,
        "address": req.call.address,
        "place": req.place.model_dump() if req.place else None,
        "agency": req.agency.value,
        "agency_responsible": req.partner_id,
        "status": record["status"],
        "status_notes": record.get("note"),
        "priority": req.priority,
        "flags": req.flags.model_dump(),
        "requested_datetime": req.occurred_at.isoformat(),
        "expected_datetime": record.get("eta") or (req.ack_by.isoformat() if req.ack_by else None),
        "ack_by": req.ack_by.isoformat() if req.ack_by else None,
        "resolve_by": req.resolve_by.isoformat() if req.resolve_by else None,
        "updated_datetime": record.get("updated_at"),
        "caller_phone": phone,
        "escalated_from": req.escalated_from,
        "callers": int(record.get("callers", "1")),
    }
    if req.mediation:
        view["mediation"] = req.mediation.model_dump() | {
            "session_at": record.get("mediation_session_at"), "outcome": record.get("mediation_outcome"),
        }
    if event:
        view["event"] = event
    return view


def dispatcher_view(record: dict[str, Any]) -> dict[str, Any]:
    """Dispatchers see the handoff whole, with its delivery state."""
    req = request_of(record)
    return {
        "handoff_id": req.handoff_id, "agency": req.agency.value, "partner_id": req.partner_id,
        "status": record["status"], "rule": req.rule, "priority": req.priority, "review": req.review,
        "ack_by": req.ack_by.isoformat() if req.ack_by else None,
        "resolve_by": req.resolve_by.isoformat() if req.resolve_by else None,
        "escalated_from": req.escalated_from, "attempts": int(record.get("attempts", "0")),
        "note": record.get("note"), "updated_at": record.get("updated_at"),
        "emergency": Agency(req.agency) in EMERGENCY_AGENCIES,
    }
