"""Prints, for `callroute up`, each call's route as dispatch decides it and each step of its handoffs."""

import asyncio
import json

from aiokafka import AIOKafkaConsumer

from services.kit.logging import mask_text
from schemas.topics import CALLS_CLOSED, DISPATCH_AUDIT, HANDOFFS_REQUESTED, HANDOFFS_STATUS


def describe_route(handoffs: list[dict]) -> str:
    first = handoffs[0]
    flags = [k for k, v in first["flags"].items() if v]
    text = mask_text(first["call"]["text"].replace("\n", " "))  # callers say their numbers in the text too
    text = text if len(text) <= 38 else text[:37] + "…"
    route = ", ".join(f"{h['agency']}→{h['partner_id']}" for h in handoffs)
    review = " REVIEW" if any(h.get("review") for h in handoffs) else ""
    place = (first.get("place") or {}).get("community", "?")
    return (f"route  {first['call_id'][:8]} {first['call_type']}"
            f"{'[' + ','.join(flags) + ']' if flags else ''}{review} @{place}: {route}  «{text}»")


def describe_step(event: dict) -> str | None:
    cid = event["call_id"][:8]
    kind = event.get("kind")
    if kind == "handoff.status_changed" and event["status"] != "routed":
        mark = {"escalated": "!", "rejected": "x", "resolved": "✓"}.get(event["status"], "·")
        note = f"  ({event['note']})" if event.get("note") and event["status"] in ("escalated", "rejected") else ""
        return f"  {mark} {cid} {event['partner_id']}: {event['status']}{note}"
    if kind == "handoff.notice" and event["notice"] in ("reminder_sent", "caller_added", "dispatcher_alert"):
        return f"  ! {cid} {event['notice']}: {event['detail']}"
    if kind == "call.merged":
        return f"  + {cid} joins incident {event['incident_call_id'][:8]} ({event['reason']})"
    if kind == "call.closed":
        return f"  ✓ {cid} call closed: {event['outcome']}; callback due"
    return None


async def print_routes(bootstrap: str, stopping: asyncio.Event, quiet_s: float = 0.4) -> None:
    topics = (HANDOFFS_REQUESTED.name, HANDOFFS_STATUS.name, DISPATCH_AUDIT.name, CALLS_CLOSED.name)
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                fetch_max_wait_ms=50, enable_auto_commit=False)
    await consumer.start()
    pending: dict[str, list[dict]] = {}
    try:
        while not stopping.is_set():
            batch = await consumer.getmany(timeout_ms=int(quiet_s * 1000))
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    if record.topic == HANDOFFS_REQUESTED.name and not event.get("escalated_from"):
                        pending.setdefault(event["call_id"], []).append(event)
                    elif record.topic == HANDOFFS_REQUESTED.name:
                        print(f"  → {event['call_id'][:8]} handed on to {event['partner_id']}: {event['rule']}",
                              flush=True)
                    elif (line := describe_step(event)) is not None:
                        if event["call_id"] in pending:  # its route first, then what happened to it
                            print(describe_route(pending.pop(event["call_id"])), flush=True)
                        print(line, flush=True)
            if not batch:
                for call_id in list(pending):
                    print(describe_route(pending.pop(call_id)), flush=True)
    finally:
        await consumer.stop()
