"""Intake's HTTP edge: POST /api/v1/calls from call-taking software."""

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker

from schemas.events import utcnow
from schemas.requests import CallSubmission
from schemas.topics import CALLS_RECEIVED, partition_key
from services.intake.core import Rejected, accept, call_id_for, parse_submission
from services.intake.settings import IntakeSettings
from services.kit.stream import publish

log = structlog.get_logger()


def build_http(settings: IntakeSettings, broker: KafkaBroker) -> FastAPI:
    app = FastAPI(title="callroute intake", version="1")

    @app.post(
        "/api/v1/calls",
        status_code=202,
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": CallSubmission.model_json_schema()}}}},
    )
    async def submit_call(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > settings.max_body_bytes:
            return _refuse(413, f"body larger than {settings.max_body_bytes} bytes")
        try:
            submission = parse_submission(body)
        except Rejected as exc:
            log.info("call.rejected", channel="http", reason=exc.reason)
            return _refuse(422, exc.reason)
        call_id = call_id_for(submission)
        event = accept(submission, call_id=call_id, channel="http", now=utcnow())
        with structlog.contextvars.bound_contextvars(call_id=call_id):
            try:
                await publish(broker, event, CALLS_RECEIVED.name, key=partition_key(call_id),
                              timeout_s=settings.publish_timeout_s)
            except Exception as exc:  # noqa: BLE001 - the call is not taken: say so, the sender retries
                log.error("call.not_published", error=type(exc).__name__)
                return JSONResponse(status_code=503, headers={"Retry-After": "2"}, content={
                    "error": "stream_unavailable",
                    "reason": "the call could not be stored; retry (with the same source_id it stays one call)"})
            log.info("call.accepted", channel="http", caller_phone=submission.caller_phone)
        return JSONResponse(
            status_code=202,
            content={"call_id": call_id, "status": "accepted", "timeline": f"/api/v1/calls/{call_id}"},
        )

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "intake"}

    return app


def _refuse(status: int, reason: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": "invalid_call", "reason": reason})
