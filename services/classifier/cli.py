"""`callroute classify [FILE]`: JSONL in, JSONL out.

Each input line is a JSON object with at least `id` and `text` (optionally `received_at`,
`address`). Each output line has `id`, `call_type`, `flags`, `agencies`, `confidence`, `review`,
`reasons`, `check` (emergency agencies not sent that a dispatcher should consider: the call is
in review) and `model_version`. A malformed line gives an error line naming its line number, and
the remaining lines still run.
"""

import json
from collections.abc import Iterable
from typing import TextIO

from schemas.policy import RoutingPolicy


def _error(lineno: int, call_id, message: str) -> dict:
    return {"line": lineno, "id": call_id, "error": message}


def classify_line(lineno: int, line: str, engine, policy: RoutingPolicy) -> tuple[dict, bool]:
    """(output object, is_error) for one input line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error(lineno, None, f"line {lineno}: invalid JSON: {exc.msg}"), True
    if not isinstance(obj, dict):
        return _error(lineno, None, f"line {lineno}: expected a JSON object"), True
    call_id = obj.get("id")
    text = obj.get("text")
    if call_id is None or not isinstance(call_id, (str, int)):
        return _error(lineno, call_id, f"line {lineno}: missing or invalid 'id'"), True
    if text is not None and not isinstance(text, str):
        return _error(lineno, call_id, f"line {lineno}: 'text' must be a string, got {type(text).__name__}"), True
    if not isinstance(text, str) or not text.strip():
        return _error(lineno, call_id, f"line {lineno}: missing or empty 'text'"), True
    c = engine.classify(text, policy)
    return {
        "id": call_id,
        "call_type": c.call_type.value,
        "flags": c.flags.model_dump(),
        "agencies": [a.value for a in c.agencies],
        "confidence": c.confidence,
        "review": c.review,
        "reasons": c.reasons,
        "check": [a.value for a in c.check],
        "model_version": c.model_version,
    }, False


def run_classify(lines: Iterable[str], out: TextIO, engine, policy: RoutingPolicy) -> int:
    """Classify every JSONL line; returns the number of error lines written."""
    errors = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result, failed = classify_line(lineno, line, engine, policy)
        errors += failed
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return errors
