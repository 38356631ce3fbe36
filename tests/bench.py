"""`make bench`: measured figures, never asserted. Prints the classifier's text throughput and the
pipeline's end-to-end latency (HTTP accept -> handoff event) and throughput on the embedded engines."""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer

from schemas.topics import HANDOFFS_REQUESTED
from services.cli.engines import free_port, start_tansu, start_valkey, wait_for_port
from services.cli.simulate_calls import load_demo_calls
from services.kit.stream import ensure_topics


async def pipeline_bench(calls: int = 300, concurrency: int = 8) -> None:
    """Each service as its own process (as `callroute up` runs them), calls posted over real HTTP."""
    tmp = Path(tempfile.mkdtemp(prefix="callroute-bench-"))
    tansu, valkey = start_tansu(log_file=tmp / "tansu.log"), start_valkey(tmp / "valkey")
    intake_port, dispatch_port = free_port(), free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": tansu.url, "REDIS_URL": valkey.url, "LOG_LEVEL": "WARNING",
           "INTAKE_HTTP_PORT": str(intake_port), "DISPATCH_HTTP_PORT": str(dispatch_port)}
    procs = []
    try:
        await ensure_topics(tansu.url)
        for name in ("intake", "classifier", "dispatch"):
            procs.append(subprocess.Popen([sys.executable, "-m", "services.cli.main", "run", name], env=env,
                                          stdout=subprocess.DEVNULL, stderr=open(tmp / f"{name}.log", "wb")))
        for port in (intake_port, dispatch_port):
            wait_for_port(port, 60)
        consumer = AIOKafkaConsumer(HANDOFFS_REQUESTED.name, bootstrap_servers=tansu.url,
                                    auto_offset_reset="latest", fetch_max_wait_ms=10)
        await consumer.start()
        sent: dict[str, float] = {}
        routed: dict[str, float] = {}
        texts = load_demo_calls()

        async def collect(target: int) -> None:
            while len(routed) < target:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    for r in records:
                        routed.setdefault(json.loads(r.value)["call_id"], time.perf_counter())

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{intake_port}", timeout=30) as client:
            # Warm-up: the first consumer-group joins take a few seconds on Tansu.
            await client.post("/api/v1/calls", json={"text": "楼上漏水"})
            await asyncio.wait_for(collect(1), 60)
            routed.clear()
            queue: asyncio.Queue = asyncio.Queue()
            for n in range(calls):
                queue.put_nowait(texts[n % len(texts)])

            async def worker() -> None:
                while not queue.empty():
                    call = queue.get_nowait()
                    t0 = time.perf_counter()
                    # No address: calls about one building would merge into one incident (no new handoff).
                    resp = await client.post("/api/v1/calls", json={"text": call["text"]})
                    sent[resp.json()["call_id"]] = t0

            collector = asyncio.create_task(collect(calls))
            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            accepted = time.perf_counter() - start
            try:
                await asyncio.wait_for(collector, 120)
            except TimeoutError:
                print(f"  (only {len(routed)} of {calls} calls routed within 120 s)")
            elapsed = max(routed.values()) - start
        await consumer.stop()
        lat = sorted((routed[c] - sent[c]) * 1000 for c in sent if c in routed)
        print(f"pipeline: {calls} calls over HTTP ({concurrency} concurrent), intake, classifier and dispatch as "
              f"separate processes on embedded Tansu + Valkey, {os.cpu_count()} cores")
        print(f"  intake accepted {calls / accepted:,.0f} calls/s; end to end {len(lat) / elapsed:,.0f} calls/s")
        print(f"  accept -> first handoff event, ms: p50 {statistics.median(lat):.0f}, "
              f"p95 {lat[int(0.95 * len(lat)) - 1]:.0f}, max {lat[-1]:.0f}")
        await _gentle(client_url=f"http://127.0.0.1:{intake_port}", consumer_bootstrap=tansu.url)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(15)
        tansu.stop()
        valkey.stop()


async def _gentle(client_url: str, consumer_bootstrap: str, calls: int = 40, rate: float = 5.0) -> None:
    """Latency at a realistic rate (a busy 110 centre takes a few calls per second at peak)."""
    consumer = AIOKafkaConsumer(HANDOFFS_REQUESTED.name, bootstrap_servers=consumer_bootstrap,
                                auto_offset_reset="latest", fetch_max_wait_ms=10)
    await consumer.start()
    await asyncio.sleep(0.5)
    sent, routed = {}, {}

    async def collect() -> None:
        while len(routed) < calls:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for r in records:
                    routed.setdefault(json.loads(r.value)["call_id"], time.perf_counter())

    collector = asyncio.create_task(collect())
    async with httpx.AsyncClient(base_url=client_url, timeout=30) as client:
        for n in range(calls):
            t0 = time.perf_counter()
            resp = await client.post("/api/v1/calls", json={"text": f"楼上漏水，天花板滴水 {n}"})
            sent[resp.json()["call_id"]] = t0
            await asyncio.sleep(1 / rate)
    try:
        await asyncio.wait_for(collector, 30)
    except TimeoutError:
        pass
    await consumer.stop()
    lat = sorted((routed[c] - sent[c]) * 1000 for c in sent if c in routed)
    print(f"  at {rate:g} calls/s: accept -> first handoff event, ms: p50 {statistics.median(lat):.0f}, "
          f"p95 {lat[int(0.95 * len(lat)) - 1]:.0f}, max {lat[-1]:.0f}")


def main() -> int:
    from tests import bench_classifier

    bench_classifier.main()
    asyncio.run(pipeline_bench())
    return 0


if __name__ == "__main__":
    sys.exit(main())
