"""The linear model, stored as compact JSON (no pickle) and scored in pure Python.

One weight row per feature holds the call-type logits (softmax) followed by one logit per flag
(sigmoid). Scoring a call sums the rows of its features: a few hundred dictionary look-ups.
"""

import hashlib
import json
import math
from pathlib import Path

from services.classifier.engine.features import CallFeatures

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "model-clf.json"


class LinearModel:
    def __init__(self, data: dict) -> None:
        self.types: list[str] = data["types"]
        self.flags: list[str] = data["flags"]
        self.bias: list[float] = data["bias"]
        self.weights: dict[str, tuple[float, ...]] = {k: tuple(v) for k, v in data["weights"].items()}
        self.thresholds: dict = data["thresholds"]
        self.trained_on: dict = data.get("trained_on", {})

    def logits(self, feats: CallFeatures) -> list[float]:
        w = self.weights
        out = list(self.bias)
        rows = list(filter(None, map(w.get, feats.grams)))
        if rows:
            scale = 1.0 / math.sqrt(len(feats.grams))
            out = [b + scale * s for b, s in zip(out, map(sum, zip(*rows)))]
        rows = list(filter(None, map(w.get, feats.cues)))
        if rows:
            out = [b + s for b, s in zip(out, map(sum, zip(*rows)))]
        return out

    def predict(self, feats: CallFeatures) -> tuple[dict[str, float], dict[str, float]]:
        """(call type -> probability, flag -> probability)."""
        z = self.logits(feats)
        nt = len(self.types)
        top = max(z[:nt])
        exps = [math.exp(v - top) for v in z[:nt]]
        total = sum(exps)
        type_p = {t: e / total for t, e in zip(self.types, exps)}
        flag_p = {f: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, v)))) for f, v in zip(self.flags, z[nt:])}
        return type_p, flag_p


def file_digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def load_model(path: Path = MODEL_FILE) -> LinearModel:
    with open(path, encoding="utf-8") as fh:
        return LinearModel(json.load(fh))
