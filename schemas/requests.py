"""What call-taking software sends to intake, over HTTP or on the calls.incoming topic."""

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from typing import Annotated

MAX_TEXT_CHARS = 2000
BEIJING = ZoneInfo("Asia/Shanghai")

Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 \-]{2,19}$")]


class CallSubmission(BaseModel):
    """One call as call-taking software submits it. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS)] = Field(
        description=f"What the caller said, as taken by the call-taker; 1..{MAX_TEXT_CHARS} characters."
    )
    caller_phone: Phone | None = Field(None, description="Caller's phone number (digits, optional +, spaces, dashes).")
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = Field(
        None, description="Where the caller is, free form."
    )
    received_at: datetime | None = Field(
        None, description="When the call reached 110 (ISO 8601). Without an offset, Beijing time. Default: now."
    )
    source_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)] | None = Field(
        None, description="The call-taking system's id; resubmitting the same source_id yields the same call."
    )

    @field_validator("text", "address", "source_id", mode="before")
    @classmethod
    def _must_be_text(cls, value: object) -> object:
        # Refuse numbers and lists instead of letting them pass as text.
        if value is not None and not isinstance(value, str):
            raise ValueError("must be a string")
        return value

    @field_validator("text")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
            raise ValueError("contains control characters")
        return value

    @field_validator("received_at")
    @classmethod
    def _beijing_when_naive(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=BEIJING)
        return value
