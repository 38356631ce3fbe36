"""Prints each call's route as dispatch decides it (for `callroute up`)."""

import asyncio
import json

from aiokafka import AIOKafkaConsumer

from schemas.topics import HANDOFFS_REQUESTED


def describe(handoffs: list[dict]) -> str:
    first = handoffs[0]
    flags = [k for k, v in first["flags"].items() if v]
    text = first["call"]["text"].replace("\n", " ")
    text = text if len(text) <= 38 else text[:37] + "…"
    route = ", ".join(f"{h['agency']}→{h['partner_id']}" for h in handoffs)
    review = " REVIEW" if any(h.get("review") for h in handoffs) else ""
    return (f"route {first['call_id'][:8]} {first['call_type']}"
            f"{'[' + ','.join(flags) + ']' if flags else ''}{review}: {route}  «{text}»")


async def print_routes(bootstrap: str, stopping: asyncio.Event, quiet_s: float = 0.5) -> None:
    consumer = AIOKafkaConsumer(HANDOFFS_REQUESTED.name, bootstrap_servers=bootstrap,
                                auto_offset_reset="latest", fetch_max_wait_ms=50, enable_auto_commit=False)
    await consumer.start()
    pending: dict[str, list[dict]] = {}
    try:
        while not stopping.is_set():
            batch = await consumer.getmany(timeout_ms=int(quiet_s * 1000))
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    pending.setdefault(event["call_id"], []).append(event)
            if not batch:
                for call_id in list(pending):
                    print(describe(pending.pop(call_id)), flush=True)
    finally:
        await consumer.stop()
