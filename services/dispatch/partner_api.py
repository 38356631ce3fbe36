"""The partner API: each partner sees and updates only its own handoffs (Bearer API key)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import HandoffStatus
from schemas.events import MediationReported, derive_id, utcnow
from schemas.topics import DISPATCH_AUDIT
from services.dispatch.credentials import Credentials
from services.dispatch.desk import Desk, NotFound
from services.dispatch.lifecycle import Refused
from services.dispatch.partner_view import partner_view, request_of


@contextmanager
def as_http(not_found: str) -> Iterator[None]:
    """The desk's refusals as HTTP answers: unknown handoff 404, forbidden transition 409 with the reason."""
    try:
        yield
    except NotFound:
        raise HTTPException(404, detail=not_found) from None
    except Refused as exc:
        raise HTTPException(409, detail={"error": "invalid_transition", "reason": exc.reason}) from None


class StatusReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["acknowledged", "en_route", "resolved", "rejected"]
    note: str | None = Field(None, max_length=1000, description="status_notes: what the partner says.")
    expected_datetime: datetime | None = Field(None, description="ETA of arrival or completion.")


class MediationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_at: datetime = Field(description="When the round-table session is or was held.")
    outcome: Literal["scheduled", "agreed", "partial", "failed"]
    note: str | None = Field(None, max_length=2000)


def build_partner_api(desk: Desk, credentials: Credentials) -> APIRouter:
    api = APIRouter(prefix="/partner/v1", tags=["partners"])

    async def partner(authorization: Annotated[str | None, Header()] = None) -> str:
        scheme, _, key = (authorization or "").partition(" ")
        partner_id = credentials.partner_for_key(key.strip()) if scheme.lower() == "bearer" and key else None
        if partner_id is None:
            raise HTTPException(401, detail="a valid partner API key is required (Authorization: Bearer <key>)",
                                headers={"WWW-Authenticate": "Bearer"})
        return partner_id

    async def own(handoff_id: str, partner_id: str) -> dict:
        record = await desk.store.get(handoff_id)
        if record is None or record["partner_id"] != partner_id:
            raise HTTPException(404, detail=f"no handoff {handoff_id} for this partner")
        return record

    @api.get("/handoffs")
    async def list_handoffs(partner_id: Annotated[str, Depends(partner)],
                            status: Annotated[str | None, Query(description="comma-separated statuses")] = None):
        wanted = {s.strip() for s in status.split(",") if s.strip()} if status else None
        unknown = (wanted or set()) - {s.value for s in HandoffStatus}
        if unknown:
            raise HTTPException(422, detail=f"unknown status: {', '.join(sorted(unknown))}")
        records = await desk.store.for_partner(partner_id, wanted)
        for record in records:  # a pull partner has its handoff once it has fetched it
            if record["status"] == HandoffStatus.ROUTED.value:
                await desk.mark_delivered(record, "fetched through the partner API")
        return {"handoffs": [partner_view(r) for r in records]}

    @api.get("/handoffs/{handoff_id}")
    async def get_handoff(handoff_id: str, partner_id: Annotated[str, Depends(partner)]):
        return partner_view(await own(handoff_id, partner_id))

    @api.post("/handoffs/{handoff_id}/status")
    async def report_status(handoff_id: str, report: StatusReport, partner_id: Annotated[str, Depends(partner)]):
        await own(handoff_id, partner_id)
        with as_http(f"no handoff {handoff_id} for this partner"):
            record = await desk.report(handoff_id, partner_id, HandoffStatus(report.status), report.note,
                                       report.expected_datetime)
        return partner_view(record)

    @api.post("/handoffs/{handoff_id}/mediation")
    async def report_mediation(handoff_id: str, report: MediationReport,
                               partner_id: Annotated[str, Depends(partner)]):
        record = await own(handoff_id, partner_id)
        if request_of(record).mediation is None:
            raise HTTPException(409, detail={"error": "not_a_mediation", "reason": "this handoff is no mediation"})
        await desk.store.update(handoff_id, mediation_session_at=report.session_at.isoformat(),
                                mediation_outcome=report.outcome, updated_at=utcnow().isoformat())
        await desk.announce(MediationReported(
            event_id=derive_id("mediation", handoff_id, report.outcome, report.session_at.isoformat()),
            call_id=record["call_id"], handoff_id=handoff_id, partner_id=partner_id,
            session_at=report.session_at, outcome=report.outcome, note=report.note), DISPATCH_AUDIT)
        return partner_view(await desk.store.get(handoff_id))

    return api
