"""Replays the built-in demo calls against the API at a gentle rate (for `callroute up`)."""

import asyncio
import itertools
import json
import random
from pathlib import Path

import httpx

DEMO_CALLS = Path(__file__).with_name("demo_calls.jsonl")


def load_demo_calls(path: Path = DEMO_CALLS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def replay_calls(url: str, rate: float, stopping: asyncio.Event) -> None:
    calls = load_demo_calls()
    random.Random(110).shuffle(calls)
    async with httpx.AsyncClient(timeout=10) as client:
        for n, call in enumerate(itertools.cycle(calls)):
            if stopping.is_set() or rate <= 0:
                return
            body = {"text": call["text"], "address": call.get("address"),
                    "caller_phone": f"139{random.randint(10000000, 99999999)}"}
            try:
                await client.post(f"{url}/api/v1/calls", json=body)
            except httpx.HTTPError:
                pass  # the supervisor reports dead services; the replay just keeps going
            await asyncio.sleep(1.0 / rate)
