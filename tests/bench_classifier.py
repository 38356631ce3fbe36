"""Throughput of the classifier's text part on one core: python -m tests.bench_classifier

Classifies the corpus texts (and the shared sample when present) repeatedly in one process, in
rounds of at least ROUND_SECONDS, and prints calls per second for the best and the median round,
both per second of CPU time of this process (`time.process_time`: what one core does, even when
the machine is shared and the process waits for a core) and per second of wall-clock time. On a
shared machine other processes steal time from some rounds; the best round is the closest to what
the code costs (as `timeit` reports its best). A benchmark, not a test: nothing
here asserts on time. The engine is built once; nothing is cached between calls, so every round
does the full work (normalise, lexicon, features, model, decision, reasons, routing). It says
whether the compiled kernel (services/classifier/engine/kernel.py) ran; CALLROUTE_PURE_PYTHON=1
measures the pure-Python path.
"""

import json
import statistics
import sys
import time
from pathlib import Path

from schemas.policy import load_policy
from services.classifier.data.splits import load_corpus
from services.classifier.engine import kernel, load_engine

ROUND_SECONDS = 0.5
ROUNDS = 7


def _rate(fn, texts: list[str]) -> tuple[float, float]:
    """(calls per CPU second, calls per wall-clock second) of one round."""
    done, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    while True:
        for t in texts:
            fn(t)
        done += len(texts)
        wall = time.perf_counter() - wall0
        if wall >= ROUND_SECONDS:
            return done / max(1e-9, time.process_time() - cpu0), done / wall


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    rounds = int(argv[0]) if argv and argv[0].isdigit() else ROUNDS
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

    rounds_full = [_rate(full, texts) for _ in range(rounds)]
    rounds_text = [_rate(text_only, texts) for _ in range(rounds)]
    cpu = [r[0] for r in rounds_full]
    wall = [r[1] for r in rounds_full]
    mean_len = sum(map(len, texts)) / len(texts)
    path = "compiled kernel" if kernel.AVAILABLE else "pure Python (no compiled kernel)"
    print(f"classifier {engine.version} ({path}): {max(cpu):,.0f} calls per CPU-second on one core, best of {rounds} "
          f"rounds (median {statistics.median(cpu):,.0f}); wall clock best {max(wall):,.0f} calls/s "
          f"(median {statistics.median(wall):,.0f}). Full classify incl. routing and reasons; {len(texts)} texts, "
          f"mean {mean_len:.0f} chars. Features + model only (the text part): best {max(r[0] for r in rounds_text):,.0f} "
          f"calls per CPU-second (median {statistics.median(r[0] for r in rounds_text):,.0f}).")


if __name__ == "__main__":
    main()
