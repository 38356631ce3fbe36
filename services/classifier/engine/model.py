"""The model file: linear heads (call type and flags) and the call type's hidden layer, stored as
compact JSON (no pickle) and scored by engine/rows.py (compiled kernel or pure Python).

One weight row per feature holds the call-type logits (softmax) followed by one logit per flag
(sigmoid). When the file has a `hidden` section (engine/hidden.py), the call type's probabilities
come from that one-hidden-layer network on the same features instead; the flags always come
from the linear heads, whose thresholds are tuned on them.
"""

import gzip
import hashlib
import json
import math
from array import array
from itertools import chain
from pathlib import Path

from services.classifier.engine.features import DEFAULT_ZH_NGRAM, CallFeatures
from services.classifier.engine.hidden import HiddenLayer
from services.classifier.engine.rows import Rows
from services.classifier.engine.net import SafetyNet

# Gzip-compressed JSON (about a third of the plain text's size); a plain .json file loads too.
MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "model-clf.json.gz"

class LinearModel:
    def __init__(self, data: dict) -> None:
        self.types: list[str] = data["types"]
        self.flags: list[str] = data["flags"]
        self.bias: list[float] = data["bias"]
        self.weights: dict[str, tuple[float, ...]] = {k: tuple(v) for k, v in data["weights"].items()}
        names = list(self.weights)
        self.rows = Rows(names, array("d", chain.from_iterable(self.weights.values())), len(self.bias), self.bias)
        self.table = self.rows.table  # None without the kernel
        # The call type's hidden layer (engine/hidden.py), when the model file has one.
        self.hidden: HiddenLayer | None = HiddenLayer(data["hidden"], names) if "hidden" in data else None
        self.rows_file: str | None = data.get("hidden", {}).get("rows_file")  # its file, next to this one
        self.thresholds: dict = data["thresholds"]
        self.trained_on: dict = data.get("trained_on", {})
        self.zh_ngram: int = data.get("features", {}).get("zh_ngram", DEFAULT_ZH_NGRAM)
        self.neg_grams: bool = data.get("features", {}).get("neg_grams", False)
        self.net: SafetyNet | None = SafetyNet(data["net"]) if "net" in data else None
        self._nt = len(self.types)

    def logits(self, feats: CallFeatures) -> list[float]:
        """The linear heads: call-type logits, then one logit per flag."""
        return self.rows.sums(feats)

    def flag_p_without(self, feats: CallFeatures, flag: str, grams: set[str]) -> float:
        """The flag's probability with `grams` taking no part: what the rest of the call says."""
        j = self._nt + self.flags.index(flag)
        z = self.logits(feats)[j]
        present = grams & feats.grams
        if present:
            z -= sum(self.weights[g][j] for g in present if g in self.weights) / math.sqrt(len(feats.grams))
        return 1.0 / (1.0 + math.exp(-z if z > -30.0 else 30.0))

    def predict(self, feats: CallFeatures) -> tuple[dict[str, float], dict[str, float]]:
        """(call type -> probability, flag -> probability). The call type comes from the hidden
        layer when the model has one, else from the linear type head."""
        z = self.logits(feats)
        nt = self._nt
        zt = self.hidden.logits(feats) if self.hidden is not None else z[:nt]
        top = max(zt)
        exps = list(map(math.exp, [v - top for v in zt]))
        inv = 1.0 / sum(exps)
        type_p = dict(zip(self.types, [e * inv for e in exps]))
        flag_p = dict(zip(self.flags, [1.0 / (1.0 + math.exp(-v if v > -30.0 else 30.0)) for v in z[nt:]]))
        return type_p, flag_p


def model_files(path: Path, model: "LinearModel") -> list[Path]:
    """The model file and, when it has a hidden layer, the file of its rows next to it."""
    return [path] + ([path.with_name(model.rows_file)] if model.rows_file else [])


def file_digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def _read_json(path: Path) -> dict:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def load_model(path: Path = MODEL_FILE) -> LinearModel:
    data = _read_json(path)
    hidden = data.get("hidden")
    if hidden is not None:
        hidden["rows_bytes"] = gzip.decompress(path.with_name(hidden["rows_file"]).read_bytes())
    return LinearModel(data)


def _write(path: Path, content: bytes) -> None:
    """Gzip-compressed when the name ends in .gz, with no timestamp in the gzip header, so that
    the same model always gives the same bytes (and the same version)."""
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            fh.write(content)
    else:
        path.write_bytes(content)


def write_model(model: dict, path: Path) -> None:
    """Write a model file; a hidden layer's rows (`rows_bytes`) go to `<name>-hidden.i8.gz` next
    to it, which the JSON names (`rows_file`)."""
    model = dict(model)
    if "hidden" in model:
        hidden = model["hidden"] = dict(model["hidden"])
        rows_path = path.with_name(path.name.split(".", 1)[0] + "-hidden.i8.gz")
        _write(rows_path, hidden.pop("rows_bytes"))
        hidden["rows_file"] = rows_path.name
    _write(path, json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
