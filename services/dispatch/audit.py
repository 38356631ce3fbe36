"""Response-time audit for supervisors: how fast each agency and partner acknowledged and resolved."""

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from services.dispatch.partner_view import request_of


def _seconds(later: str | None, earlier: datetime) -> float | None:
    return (datetime.fromisoformat(later) - earlier).total_seconds() if later else None


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def response_times(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per agency and per partner: counts, time to acknowledge / resolve (p50, p90, seconds),
    share acknowledged within the deadline, escalations and rejections, and the handoffs a
    dispatcher sent that routing had not (what the classifier missed and a person caught)."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for record in records:
        req = request_of(record)
        row = {
            "ack_s": _seconds(record.get("acknowledged_at"), req.occurred_at),
            "resolve_s": _seconds(record.get("resolved_at"), req.occurred_at),
            "ack_deadline_s": (req.ack_by - req.occurred_at).total_seconds() if req.ack_by else None,
            "status": record["status"],
            "by_dispatcher": req.rule.startswith("dispatcher:"),
        }
        groups[("agency", req.agency.value)].append(row)
        groups[("partner", req.partner_id)].append(row)
    report: dict[str, dict[str, Any]] = {"agency": {}, "partner": {}}
    for (level, name), rows in sorted(groups.items()):
        acks = [r["ack_s"] for r in rows if r["ack_s"] is not None]
        on_time = [r for r in rows if r["ack_s"] is not None and r["ack_deadline_s"] is not None
                   and r["ack_s"] <= r["ack_deadline_s"]]
        resolves = [r["resolve_s"] for r in rows if r["resolve_s"] is not None]
        report[level][name] = {
            "handoffs": len(rows),
            "acknowledged": len(acks),
            "ack_p50_s": _pct(acks, 0.5), "ack_p90_s": _pct(acks, 0.9),
            "acknowledged_in_time": round(len(on_time) / len(rows), 3),
            "resolved": len(resolves),
            "resolve_p50_s": _pct(resolves, 0.5), "resolve_p90_s": _pct(resolves, 0.9),
            "escalated": sum(r["status"] == "escalated" for r in rows),
            "rejected": sum(r["status"] == "rejected" for r in rows),
            "open": sum(r["status"] not in ("resolved", "rejected", "escalated") for r in rows),
            "sent_by_dispatcher": sum(r["by_dispatcher"] for r in rows),
            "mean_ack_s": round(statistics.fmean(acks), 1) if acks else None,
        }
    return report
