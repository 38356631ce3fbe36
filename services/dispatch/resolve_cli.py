"""`callroute resolve [FILE]`: resolve a JSONL file of addresses, one answer line per input line.

Input lines: {"id": ..., "address": ...}. Output lines: id, community, compound, building,
confidence. A malformed line gives {"line": N, "error": "..."} and the rest still run.
"""

import json
from collections.abc import Iterable
from typing import TextIO

from services.dispatch.address import resolve_address
from services.dispatch.directory import Directory


def _answer(raw: str, directory: Directory) -> dict:
    record = json.loads(raw)
    if not isinstance(record, dict):
        raise ValueError("line is not a JSON object")
    if "id" not in record:
        raise ValueError("missing 'id'")
    address = record.get("address")
    if address is not None and not isinstance(address, str):
        raise ValueError("'address' must be a string or null")
    found = resolve_address(address, directory)
    return {"id": record["id"], "community": found.community, "compound": found.compound,
            "building": found.building, "confidence": found.confidence}


def run(lines: Iterable[str], out: TextIO, directory: Directory) -> int:
    """Resolve every JSONL line of `lines` into `out`; blank lines are skipped. Returns the error count."""
    errors = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            answer = _answer(raw, directory)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            errors += 1
            answer = {"line": number, "error": str(exc)}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return errors
