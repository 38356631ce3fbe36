"""Throughput of the classifier's text part on one core: python -m tests.bench_classifier

Classifies the corpus texts (and the shared sample when present) repeatedly in one process and
prints calls per second. A benchmark, not a test: nothing here asserts on time.
"""

import json
import time
from pathlib import Path

from schemas.policy import load_policy
from services.classifier.data.splits import load_corpus
from services.classifier.engine import load_engine

MIN_SECONDS = 2.0


def main() -> None:
    engine = load_engine()
    policy = load_policy()
    texts = [r["text"] for r in load_corpus()]
    sample = Path(__file__).resolve().parents[2] / "shared/samples/calls_sample.jsonl"
    if sample.exists():
        texts += [json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not texts:
        texts = ["楼上漏水 天花板滴水 敲门没人", "My father collapsed and is not breathing."]
    for t in texts[:200]:  # warm-up
        engine.classify(t, policy)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < MIN_SECONDS:
        for t in texts:
            engine.classify(t, policy)
        done += len(texts)
    elapsed = time.perf_counter() - start
    feats_start = time.perf_counter()
    for t in texts:
        engine.model.predict(engine.features(t))
    feats_rate = len(texts) / (time.perf_counter() - feats_start)
    mean_len = sum(map(len, texts)) / len(texts)
    print(f"classifier {engine.version}: {done / elapsed:,.0f} calls/s on one core "
          f"(full classify incl. routing and reasons; {len(texts)} texts, mean {mean_len:.0f} chars); "
          f"features + model only: {feats_rate:,.0f} calls/s")


if __name__ == "__main__":
    main()
