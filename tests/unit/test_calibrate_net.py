"""Readings of new writers: calibrating the safety net's bars on their calls (calibrate_net.py), and
out-of-fold readings with whole writers left out (train.py `--oof-by-source`)."""

import json
import math
import random
from pathlib import Path

import numpy as np

from schemas.policy import load_policy
from services.classifier import calibrate_net
from services.classifier.engine import load_engine
from services.classifier.engine.model import MODEL_FILE, _read_json


def scored(n: int, true_rate) -> list[tuple[float, bool]]:
    """n (score, needed) pairs whose true chance of being needed is true_rate(score)."""
    rng = random.Random(3)
    out = []
    for _ in range(n):
        s = rng.random() ** 3  # most scores small, as the net's are
        out.append((s, rng.random() < true_rate(s)))
    return out


def test_an_overconfident_net_gets_a_higher_bar():
    # Calls the net scores s are needed only a third as often as s says: for a miss costing 15
    # needless dispatches, dispatch pays from a true 1/16, i.e. from a score near 3/16.
    fitted = calibrate_net.platt_bar(scored(20000, lambda s: s / 3), 15.0)
    assert fitted is not None
    bar = fitted[0]
    assert 0.12 < bar < 0.3
    assert bar > 1 / 16


def test_an_underconfident_net_gets_a_lower_bar():
    # A net whose scores are half the true chance should dispatch from a lower score.
    fitted = calibrate_net.platt_bar(scored(20000, lambda s: min(1.0, 2 * s)), 15.0)
    assert fitted is not None and fitted[0] < 1 / 16


def test_too_few_needed_calls_keep_the_bar():
    few = [(0.01 * i, i < calibrate_net.MIN_NEEDED - 1) for i in range(100)]
    assert calibrate_net.platt_bar(few, 15.0) is None


def test_the_tool_writes_a_loadable_model_with_new_bars_and_a_new_version(tmp_path: Path):
    calls = tmp_path / "calls.jsonl"
    rows = []
    texts = [("老人摔倒了 起不来 头上流血", "medical", {"injured": True}),
             ("楼上漏水 天花板滴水 敲门没人", "water_leak", {}),
             ("厨房着火了 火很大", "fire", {"damage": True}),
             ("有人持刀抢劫", "police_matter", {"violence": True}),
             ("楼下烧烤店太吵了", "noise", {})]
    for i in range(300):
        text, call_type, flags = texts[i % len(texts)]
        full = {f: flags.get(f, False) for f in ("injured", "violence", "deliberate", "damage", "trapped")}
        rows.append({"id": f"t-{i}", "text": f"{text}（{i}号）", "call_type": call_type, "flags": full})
    calls.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "model-clf.json.gz"
    assert calibrate_net.main([str(calls), "--model", str(MODEL_FILE), "--out", str(out)]) == 0
    data = _read_json(out)
    assert data["net"]["calibrated_on"]["calls"] == 300
    for agency, report in data["net"]["calibrated_on"]["agencies"].items():
        assert data["net"]["agencies"][agency]["bar"] == report["bar"]
        assert not math.isnan(report["bar"])
    calibrated = load_engine(out)  # the hidden layer's rows were copied next to it
    assert calibrated.version != load_engine().version
    assert calibrated.classify("老人摔倒了 起不来", load_policy()).call_type.value == "medical"


def test_out_of_fold_readings_by_source_keep_each_writer_in_one_fold():
    from services.classifier.train import fold_splits, source_of
    ids = [f"gen{w}-{i:04d}" for w in ("70a", "70b", "72c", "73d", "73e", "74a", "75b") for i in range(30)]
    y = np.array(["fire", "medical", "noise"] * (len(ids) // 3))
    groups = [source_of({"id": i}) for i in ids]
    seen: dict[str, int] = {}
    for k, (_, te) in enumerate(fold_splits(y, 5, groups)):
        for i in te:
            assert seen.setdefault(groups[i], k) == k  # a writer is never split across folds
    assert set(seen) == set(groups)
    shuffled = [set(groups[i] for i in te) for _, te in fold_splits(y, 5)]
    assert all(len(g) > 1 for g in shuffled)  # without groups, folds mix writers
