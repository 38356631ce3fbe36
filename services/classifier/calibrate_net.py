"""Set the learned safety net's bars from calls of writers the model has never read.

The net (engine/net.py) adds police, 120 or 119 when its probability reaches the agency's bar,
1 / (1 + miss cost) for a calibrated probability. train_net.py fits the net on the training calls'
out-of-fold readings, so its probabilities are only as calibrated as those readings are like the
calls it will meet. This tool measures that on labelled calls from new writers:
  1. each call is decided as at run time, without the net's additions;
  2. per agency the decision did not route, the net's score and whether the labels need it;
  3. a one-variable logistic regression of 'needed' on the score's log-odds (Platt scaling);
  4. the bar is the raw score at which the calibrated probability reaches 1 / (1 + MISS_COST).
The bars (and what they were calibrated on) are written into the model file; a bar update is a
data change, so the engine version changes with it.

    python -m services.classifier.calibrate_net FILE... [--model PATH] [--out PATH]
"""

import argparse
import json
import math
import shutil
import sys
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from schemas.policy import RoutingPolicy, load_policy
from services.classifier.data.splits import FLAG_NAMES, read_jsonl
from services.classifier.engine import Engine, load_engine
from services.classifier.engine.decide import NET_AGENCIES, decide
from services.classifier.engine.model import MODEL_FILE, _read_json, _write
from services.classifier.engine.net import signals
from services.classifier.train_net import MISS_COST, gold_route

MIN_NEEDED = 10  # an agency needed in fewer unrouted calls than this keeps its bar


def net_scores(engine: Engine, policy: RoutingPolicy, rows: list[dict]) -> dict[str, list[tuple[float, bool]]]:
    """Per emergency agency: (net score, truly needed) for each call the decision did not route there."""
    model = engine.model
    out: dict[str, list[tuple[float, bool]]] = {a.value: [] for a in NET_AGENCIES}
    for r in rows:
        feats = engine.features(r["text"])
        type_p, flag_p = model.predict(feats)
        # as Engine.classify does, but without the net's additions
        decided = decide(feats, type_p, flag_p, model.thresholds, policy, engine.version, None,
                         partial(engine._without_cues, feats))
        flags = {f: getattr(decided.flags, f) for f in FLAG_NAMES}
        inputs = signals(feats, type_p, flag_p, decided.call_type.value, flags)
        needed = gold_route(r, policy)
        for agency in NET_AGENCIES:
            if agency not in decided.agencies:
                out[agency.value].append((model.net.score(agency.value, *inputs), agency in needed))
    return out


def platt_bar(scored: list[tuple[float, bool]], miss_cost: float) -> tuple[float, float, float] | None:
    """(bar, slope, intercept): the raw score where the Platt-calibrated probability reaches
    1 / (1 + miss_cost); None when too few calls need the agency to fit it."""
    y = np.array([n for _, n in scored])
    if y.sum() < MIN_NEEDED or y.all():
        return None
    p = np.clip([s for s, _ in scored], 1e-6, 1 - 1e-6)
    z = np.log(p / (1 - p))[:, None]
    fit = LogisticRegression(C=1e6).fit(z, y)
    slope, intercept = float(fit.coef_[0][0]), float(fit.intercept_[0])
    if slope <= 0:
        return None
    logit_bar = (math.log(1.0 / miss_cost) - intercept) / slope
    return 1.0 / (1.0 + math.exp(-logit_bar)), slope, intercept


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="labelled JSONL calls from writers the model never trained on")
    ap.add_argument("--model", default=str(MODEL_FILE))
    ap.add_argument("--out", default=None, help="model file to write (default: --model, in place)")
    args = ap.parse_args(argv)
    rows = [r for f in args.files for r in read_jsonl(Path(f))]
    engine = load_engine(Path(args.model))
    if engine.model.net is None:
        print("the model has no learned net", file=sys.stderr)
        return 2
    scores = net_scores(engine, load_policy(), rows)
    data = _read_json(Path(args.model))
    heads = data["net"]["agencies"]
    report = {}
    for agency, scored in scores.items():
        fitted = platt_bar(scored, MISS_COST[agency])
        old = heads[agency]["bar"]
        if fitted is not None:
            heads[agency]["bar"] = round(fitted[0], 4)
        report[agency] = {"bar": heads[agency]["bar"], "was": old, "rows": len(scored),
                          "needed": sum(n for _, n in scored),
                          "platt": None if fitted is None else [round(fitted[1], 4), round(fitted[2], 4)]}
        print(f"{agency}: bar {old} -> {heads[agency]['bar']} ({report[agency]['needed']} needed "
              f"of {len(scored)} unrouted calls)")
    data["net"]["calibrated_on"] = {"calls": len(rows), "files": [Path(f).name for f in args.files],
                                    "agencies": report}
    out = Path(args.out or args.model)
    rows_file = data.get("hidden", {}).get("rows_file")
    if rows_file and out.parent.resolve() != Path(args.model).parent.resolve():
        shutil.copyfile(Path(args.model).with_name(rows_file), out.with_name(rows_file))
    _write(out, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
