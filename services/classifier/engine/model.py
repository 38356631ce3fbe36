"""The linear model, stored as compact JSON (no pickle) and scored in pure Python.

One weight row per feature holds the call-type logits (softmax) followed by one logit per flag
(sigmoid). At load time each row is folded into ONE integer: every weight in fixed point (2^-16)
plus an offset that keeps it positive, in its own 64-bit field, and a last field counting the rows.
Scoring a call is then a C-level `sum(map(weights.get, grams))` of those integers (one dictionary
look-up and one big-integer addition per feature, all heads at once) and one `struct.unpack` of
the fields at the end; the offsets come off as (row count x offset).
"""

import gzip
import hashlib
import json
import math
import struct
from pathlib import Path

from services.classifier.engine import kernel
from services.classifier.engine.features import DEFAULT_ZH_NGRAM, CallFeatures
from services.classifier.engine.net import SafetyNet

# Gzip-compressed JSON (about a third of the plain text's size); a plain .json file loads too.
MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "model-clf.json.gz"

_SCALE = 1 << 16          # fixed point of one weight (engine/_grams.c uses the same)
_OFFSET = 1 << 36         # added to every weight so that fields never go negative
_FIELD = 64               # bits per packed field
_Q = 1024                 # fixed point of sqrt(number of n-grams)


def pack(row) -> int:
    """One weight row as one integer: field k holds round(row[k] * 2^16) + 2^36; the last field 1."""
    total = 1 << (_FIELD * len(row))
    for k, v in enumerate(row):
        total += (round(float(v) * _SCALE) + _OFFSET) << (_FIELD * k)
    return total


def unpack(total: int, width: int) -> list[int]:
    """The `width` weight sums of a sum of packed rows (fixed point)."""
    fields = struct.unpack(f"<{width + 1}Q", total.to_bytes(8 * (width + 1), "little"))
    off = fields[width] * _OFFSET
    return [v - off for v in fields[:width]]


class LinearModel:
    def __init__(self, data: dict) -> None:
        self.types: list[str] = data["types"]
        self.flags: list[str] = data["flags"]
        self.bias: list[float] = data["bias"]
        self.weights: dict[str, tuple[float, ...]] = {k: tuple(v) for k, v in data["weights"].items()}
        self._packed: dict[str, int] | None = None
        # The same rows in the compiled kernel, scored by 64-bit keys (None without the kernel).
        self.table = kernel.table(self.weights, self.bias)
        self.thresholds: dict = data["thresholds"]
        self.trained_on: dict = data.get("trained_on", {})
        self.zh_ngram: int = data.get("features", {}).get("zh_ngram", DEFAULT_ZH_NGRAM)
        self.neg_grams: bool = data.get("features", {}).get("neg_grams", False)
        self.net: SafetyNet | None = SafetyNet(data["net"]) if "net" in data else None
        self._width = len(self.types) + len(self.flags)
        self._nt = len(self.types)
        self._fmt = struct.Struct(f"<{self._width + 1}Q")
        self._nbytes = 8 * (self._width + 1)

    @property
    def packed(self) -> dict[str, int]:
        """The weight rows packed into integers, for the pure-Python path (made on first use)."""
        if self._packed is None:
            self._packed = {k: pack(v) for k, v in self.weights.items()}
        return self._packed

    def logits(self, feats: CallFeatures) -> list[float]:
        if feats.keys is not None and self.table is not None:
            return self.table.logits(feats.keys, feats.cues)  # the same arithmetic, in C
        get = self.packed.get
        n = len(feats.grams)
        cues = sum(filter(None, map(get, feats.cues)))  # filter: adding 0 still copies a big integer
        if n:
            q = round(_Q * math.sqrt(n))
            total = sum(filter(None, map(get, feats.grams))) * _Q + cues * q
            div = 1.0 / (_SCALE * q)
        else:
            total, div = cues, 1.0 / _SCALE
        fields = self._fmt.unpack(total.to_bytes(self._nbytes, "little"))
        off = fields[-1] * _OFFSET
        return [b + (v - off) * div for b, v in zip(self.bias, fields)]

    def predict(self, feats: CallFeatures) -> tuple[dict[str, float], dict[str, float]]:
        """(call type -> probability, flag -> probability)."""
        z = self.logits(feats)
        nt = self._nt
        zt = z[:nt]
        top = max(zt)
        exps = list(map(math.exp, [v - top for v in zt]))
        inv = 1.0 / sum(exps)
        type_p = dict(zip(self.types, [e * inv for e in exps]))
        flag_p = dict(zip(self.flags, [1.0 / (1.0 + math.exp(-v if v > -30.0 else 30.0)) for v in z[nt:]]))
        return type_p, flag_p


def file_digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def load_model(path: Path = MODEL_FILE) -> LinearModel:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return LinearModel(json.load(fh))


def write_model(model: dict, path: Path) -> None:
    """Write a model file: gzip-compressed when the name ends in .gz, with no timestamp in the
    gzip header, so that the same model always gives the same bytes (and the same version)."""
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if path.suffix == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            fh.write(text)
    else:
        path.write_bytes(text)
