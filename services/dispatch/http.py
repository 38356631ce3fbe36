"""Dispatch's HTTP edge: call timelines for dispatchers (the partner API joins it later)."""

from fastapi import FastAPI, HTTPException

from services.dispatch.stores import HandoffStore, TimelineStore


def build_http(handoffs: HandoffStore, timeline: TimelineStore) -> FastAPI:
    app = FastAPI(title="callroute dispatch", version="1")

    @app.get("/api/v1/calls/{call_id}")
    async def call_timeline(call_id: str) -> dict:
        events = await timeline.get(call_id)
        if not events:
            raise HTTPException(404, detail=f"no call {call_id} is known (yet)")
        classified = next((e for e in events if e["kind"] == "call.classified"), None)
        received = next((e for e in events if e["kind"] == "call.received"), None)
        records = await handoffs.for_call(call_id)
        return {
            "call_id": call_id,
            "call": (received or classified or {}).get("call"),
            "classification": classified["classification"] if classified else None,
            "handoffs": [
                {k: r[k] for k in ("handoff_id", "agency", "partner_id", "status")} for r in records
            ],
            "timeline": events,
        }

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "dispatch"}

    return app
