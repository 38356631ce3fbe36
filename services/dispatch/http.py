"""Dispatch's HTTP edge: call timelines and handoffs for dispatchers, callbacks for the station desk."""

import time
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import Agency, HandoffStatus
from schemas.events import CallbackRecorded, derive_id
from schemas.topics import DISPATCH_AUDIT
from services.dispatch.audit import response_times
from services.dispatch.callbacks import CallbackBook
from services.dispatch.desk import Desk
from services.dispatch.partner_api import as_http
from services.dispatch.partner_view import dispatcher_view
from services.dispatch.stores import TimelineStore


CONSOLE = Path(__file__).with_name("static") / "console.html"


class DispatcherCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: HandoffStatus
    dispatcher: str = Field(min_length=1, max_length=64, description="Who makes the correction.")
    note: str | None = Field(None, max_length=1000)


class DispatcherHandoff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: Agency = Field(description="The agency to send the call to as well.")
    dispatcher: str = Field(min_length=1, max_length=64, description="Who sends it (audit trail).")
    note: str | None = Field(None, max_length=1000, description="Why, e.g. what the review found.")


class CallbackOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["satisfied", "not_satisfied", "unreachable"]
    actor: str = Field("station-desk", min_length=1, max_length=64)
    note: str | None = Field(None, max_length=1000)


def build_http(desk: Desk, timeline: TimelineStore, callbacks: CallbackBook, partner_api: APIRouter) -> FastAPI:
    app = FastAPI(title="callroute dispatch", version="1")
    app.include_router(partner_api)

    @app.get("/api/v1/calls/{call_id}")
    async def call_timeline(call_id: str) -> dict:
        events = await timeline.get(call_id)
        if not events:
            raise HTTPException(404, detail=f"no call {call_id} is known (yet)")
        first = {e["kind"]: e for e in reversed(events)}
        merged = first.get("call.merged")
        return {
            "call_id": call_id,
            "call": (first.get("call.received") or first.get("call.classified") or {}).get("call"),
            "classification": first["call.classified"]["classification"] if "call.classified" in first else None,
            "merged_into": merged["incident_call_id"] if merged else None,
            "handoffs": [dispatcher_view(r) for r in await desk.store.for_call(call_id)],
            "callback": await callbacks.get(call_id),
            "timeline": events,
        }

    @app.post("/api/v1/calls/{call_id}/handoffs", status_code=201)
    async def send_also(call_id: str, body: DispatcherHandoff, response: Response) -> dict:
        """A dispatcher sends the call to one more agency (201); one it already has answers 200, unchanged."""
        with as_http(f"call {call_id} has no handoffs: unknown, or it joined an incident (send from that call)"):
            record, opened = await desk.send_also(call_id, body.agency, body.dispatcher, body.note)
        if not opened:
            response.status_code = 200
        return dispatcher_view(record) | {"call_id": call_id, "opened": opened}

    @app.post("/api/v1/handoffs/{handoff_id}/status")
    async def correct(handoff_id: str, body: DispatcherCorrection) -> dict:
        with as_http(f"no handoff {handoff_id}"):
            record = await desk.report(handoff_id, f"dispatcher:{body.dispatcher}", body.status, body.note,
                                       by_partner=False)
        return dispatcher_view(record)

    @app.get("/api/v1/handoffs")
    async def handoffs(status: str | None = None, agency: str | None = None, partner_id: str | None = None,
                       review: bool | None = Query(None, description="true: the review queue (unsure calls)"),
                       hours: float = Query(24, gt=0, le=24 * 90), limit: int = Query(200, ge=1, le=2000)) -> dict:
        """Handoffs opened in the last `hours`, newest first, filtered as asked: the dispatcher's board."""
        wanted = set(status.split(",")) if status else None
        views = [dispatcher_view(r) | {"call_id": r["call_id"]}
                 for r in await desk.store.recent(time.time() - hours * 3600, 100_000)]
        chosen = [v for v in views if (not wanted or v["status"] in wanted) and (not agency or v["agency"] == agency)
                  and (not partner_id or v["partner_id"] == partner_id) and (review is None or v["review"] == review)]
        return {"handoffs": chosen[:limit]}

    @app.get("/api/v1/alerts")
    async def alerts(limit: int = Query(100, ge=1, le=500)) -> dict:
        """Reminders, failed deliveries and escalations, newest first: what a dispatcher must look at."""
        return {"alerts": await desk.store.alerts(limit)}

    @app.get("/api/v1/reports/response-times")
    async def report(hours: float = Query(24, gt=0, le=24 * 90)) -> dict:
        """Supervisors' audit: time to acknowledge and resolve per agency and partner."""
        records = await desk.store.recent(time.time() - hours * 3600, 100_000)
        return {"hours": hours, **response_times(records)}

    @app.get("/api/v1/callbacks")
    async def due_callbacks() -> dict:
        return {"callbacks": await callbacks.pending()}

    @app.post("/api/v1/callbacks/{call_id}")
    async def record_callback(call_id: str, body: CallbackOutcome) -> dict:
        if not await callbacks.record(call_id, body.outcome):
            raise HTTPException(404, detail=f"no pending callback for call {call_id}")
        await desk.announce(CallbackRecorded(
            event_id=derive_id("callback", call_id, str(time.time_ns())), call_id=call_id,
            outcome=body.outcome, actor=body.actor, note=body.note), DISPATCH_AUDIT)
        reopened = await desk.reopen(call_id, body.note or "citizen not satisfied") \
            if body.outcome == "not_satisfied" else []
        return {"call_id": call_id, "outcome": body.outcome, "reopened_handoffs": reopened}

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/console")

    @app.get("/console", response_class=HTMLResponse, include_in_schema=False)
    async def console() -> HTMLResponse:
        """The dispatcher console: the board, alerts, the review queue, a call's timeline, corrections."""
        return HTMLResponse(CONSOLE.read_text(encoding="utf-8"))

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "dispatch"}

    return app
