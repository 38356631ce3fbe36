"""Intake's pure core: turn untrusted bytes into a validated CallReceived, or a readable reason."""

import json
import uuid
from datetime import datetime

from pydantic import ValidationError

from schemas.events import CallDetails, CallReceived, derive_id
from schemas.requests import CallSubmission


class Rejected(ValueError):
    """The input is not a call we can accept; `reason` says why, for the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def parse_submission(body: bytes) -> CallSubmission:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(f"body is not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected(f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    return validate_submission(data)


def validate_submission(data: object) -> CallSubmission:
    if not isinstance(data, dict):
        raise Rejected("body must be a JSON object")
    try:
        return CallSubmission.model_validate(data)
    except ValidationError as exc:
        raise Rejected(describe(exc)) from None


def call_id_for(submission: CallSubmission, fallback: str | None = None) -> str:
    """The same source_id always names the same call, so a resubmission is not a second call."""
    if submission.source_id:
        return derive_id("call", submission.source_id)
    return fallback or str(uuid.uuid4())


def accept(submission: CallSubmission, *, call_id: str, channel: str, now: datetime) -> CallReceived:
    return CallReceived(
        event_id=derive_id("call.received", call_id),
        call_id=call_id,
        occurred_at=now,
        channel=channel,
        call=CallDetails(
            text=submission.text,
            address=submission.address,
            caller_phone=submission.caller_phone,
            received_at=submission.received_at or now,
            source_id=submission.source_id,
        ),
    )
