"""`make bench`: measured figures, never asserted. Prints the classifier's text throughput and the
pipeline's end-to-end latency (HTTP accept -> handoff event) and throughput on the embedded engines."""

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer

from schemas.topics import HANDOFFS_REQUESTED
from services.classifier.app import create_service as create_classifier
from services.classifier.settings import ClassifierSettings
from services.cli.engines import start_tansu, start_valkey
from services.cli.simulate_calls import load_demo_calls
from services.dispatch.app import create_service as create_dispatch
from services.dispatch.settings import DispatchSettings
from services.intake.app import create_service as create_intake
from services.intake.settings import IntakeSettings
from services.kit.stream import ensure_topics


async def pipeline_bench(calls: int = 300, concurrency: int = 8) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="callroute-bench-"))
    tansu, valkey = start_tansu(log_file=tmp / "tansu.log"), start_valkey(tmp / "valkey")
    try:
        await ensure_topics(tansu.url)
        env = {"kafka_bootstrap_servers": tansu.url, "redis_url": valkey.url}
        services = [create_intake(IntakeSettings(**env)), create_classifier(ClassifierSettings(**env)),
                    create_dispatch(DispatchSettings(**env))]
        consumer = AIOKafkaConsumer(HANDOFFS_REQUESTED.name, bootstrap_servers=tansu.url,
                                    auto_offset_reset="latest", fetch_max_wait_ms=10)
        async with services[0].running(), services[1].running(), services[2].running():
            await consumer.start()
            await asyncio.sleep(1.0)
            sent: dict[str, float] = {}
            routed: dict[str, float] = {}
            texts = load_demo_calls()

            async def collect() -> None:
                while len(routed) < calls:
                    for records in (await consumer.getmany(timeout_ms=200)).values():
                        for r in records:
                            call_id = json.loads(r.value)["call_id"]
                            routed.setdefault(call_id, time.perf_counter())

            transport = httpx.ASGITransport(app=services[0].http)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                collector = asyncio.create_task(collect())
                # Warm-up: the first consumer-group joins take a few seconds on Tansu.
                await client.post("/api/v1/calls", json={"text": "楼上漏水", "address": "西罗园二区5号楼"})
                while not routed:
                    await asyncio.sleep(0.1)
                routed.clear()
                queue = asyncio.Queue()
                for n in range(calls):
                    queue.put_nowait(texts[n % len(texts)])

                async def worker() -> None:
                    while not queue.empty():
                        call = queue.get_nowait()
                        t0 = time.perf_counter()
                        # No address: calls about one building would merge into one incident (no new handoff).
                        resp = await client.post("/api/v1/calls", json={"text": call["text"]})
                        sent[resp.json()["call_id"]] = t0

                start = time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(concurrency)))
                try:
                    await asyncio.wait_for(collector, 60)
                except TimeoutError:
                    print(f"  (only {len(routed)} of {calls} calls routed within 60 s)")
                elapsed = max(routed.values()) - start
            await consumer.stop()
        lat = sorted((routed[c] - sent[c]) * 1000 for c in sent if c in routed)
        print(f"pipeline: {calls} calls over HTTP, {concurrency} concurrent, intake+classifier+dispatch in one "
              f"process on embedded Tansu+Valkey")
        print(f"  throughput {calls / elapsed:,.0f} calls/s; accept->first handoff latency ms: "
              f"p50 {statistics.median(lat):.0f}, p95 {lat[int(0.95 * len(lat)) - 1]:.0f}, max {lat[-1]:.0f}")
    finally:
        tansu.stop()
        valkey.stop()


def main() -> int:
    from tests import bench_classifier

    bench_classifier.main()
    asyncio.run(pipeline_bench())
    return 0


if __name__ == "__main__":
    sys.exit(main())
