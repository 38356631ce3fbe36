"""structlog, configured once per process: JSON off a terminal, readable on one; personal data masked.

Every line of a message's work carries `call_id` and `service` (bound with contextvars).
"""

import logging
import re
import sys
from typing import Any

import structlog

# Chinese mobiles (optionally +86) and landlines (010-12345678) standing alone in text, not inside ids.
_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z\-])", r"(?![0-9A-Za-z\-])"
_MOBILE = re.compile(_EDGE_L + r"(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})" + _EDGE_R)
_LANDLINE = re.compile(_EDGE_L + r"(0\d{2,3})[- ]?\d{3,4}(\d{4})" + _EDGE_R)
PERSONAL_KEYS = frozenset({"caller_phone", "phone", "caller_name", "name", "callback_phone"})


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; other numbers keep only their edges."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****"


def mask_text(text: str) -> str:
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def _mask(value: Any, key: str | None = None) -> Any:
    if key in PERSONAL_KEYS and value is not None:
        return mask_phone(str(value)) if "phone" in key else "***"
    if isinstance(value, str):
        return value if key and key.endswith("_id") else mask_text(value)
    if isinstance(value, dict):
        return {k: _mask(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(v) for v in value]
    return value


def mask_personal_data(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: no phone number or name leaves the process in a log line."""
    return {key: _mask(value, key) for key, value in event_dict.items()}


def configure_logging(service: str, level: str = "INFO", json: bool | None = None) -> None:
    if json is None:
        json = not sys.stderr.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            mask_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    # Library loggers (aiokafka, uvicorn) go through stdlib logging at WARNING and above.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
