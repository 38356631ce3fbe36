"""Throughput of the classifier's text part on one core: python -m tests.bench_classifier

Classifies the corpus texts (and the shared sample when present) repeatedly in one process, in
rounds of at least ROUND_SECONDS, and prints calls per second for the best and the median round:
on a shared machine other processes steal time from some rounds, and the best round is the
closest to what the code costs (as `timeit` reports its best). A benchmark, not a test: nothing
here asserts on time. The engine is built once; nothing is cached between calls, so every round
does the full work (normalise, lexicon, features, model, decision, reasons, routing).
"""

import json
import statistics
import sys
import time
from pathlib import Path

from schemas.policy import load_policy
from services.classifier.data.splits import load_corpus
from services.classifier.engine import load_engine

ROUND_SECONDS = 0.5
ROUNDS = 7


def _rate(fn, texts: list[str]) -> float:
    done, start = 0, time.perf_counter()
    while True:
        for t in texts:
            fn(t)
        done += len(texts)
        elapsed = time.perf_counter() - start
        if elapsed >= ROUND_SECONDS:
            return done / elapsed


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    rounds = int(argv[0]) if argv else ROUNDS
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

    def full(t: str) -> None:
        engine.classify(t, policy)

    def text_only(t: str) -> None:
        engine.model.predict(engine.features(t))

    rates = [_rate(full, texts) for _ in range(rounds)]
    feat_rates = [_rate(text_only, texts) for _ in range(max(2, rounds // 2))]
    mean_len = sum(map(len, texts)) / len(texts)
    print(f"classifier {engine.version}: {max(rates):,.0f} calls/s on one core, best of {rounds} rounds "
          f"(median {statistics.median(rates):,.0f}, worst {min(rates):,.0f}); full classify incl. routing and "
          f"reasons; {len(texts)} texts, mean {mean_len:.0f} chars. Features + model only: best "
          f"{max(feat_rates):,.0f} calls/s.")


if __name__ == "__main__":
    main()
