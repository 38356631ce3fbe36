"""The call type's hidden layer: a small neural network on the same features as the linear model.

    type logits = out_bias + out . relu(bias + sum of the call's feature rows)

The feature rows are summed exactly as the linear heads' (engine/rows.py: n-grams weigh
1/sqrt(n), cue features 1, in the kernel's fixed point), so one call costs one more table look-up
per feature and a (width x 9) product. Trained by train_hidden.py (scikit-learn's
MLPClassifier); stored in the model file as `hidden`:

    {"width": H, "rows_file": "<model>-hidden.i8.gz", "scales": base64 of float32 little-endian,
     one per feature in the order of the file's `weights`; "bias": [H], "out": [[9] x H],
     "out_bias": [9]}

and the first layer's rows in the gzip file next to it: int8, H per feature, in the same order;
a weight is its int8 value times its feature's scale. The values run from -LEVELS to LEVELS (a
weight at most 1/(2 LEVELS), 10 %, of its row's largest away from the trained one): 8 bits of
that byte would be noise to gzip, 11 levels compress to under half, and the routing does not
move (docs/classifier.md, method item 9).
engine/model.py reads that file into `rows_bytes`.

Why it is there: the linear model adds up evidence word by word and cannot say "this word, but
only without that one". One hidden layer can, and on calls from writers it had never seen it
made about a third fewer call-type mistakes (docs/classifier.md). The reasons a dispatcher reads
still come from the lexicon's cues and rules; the hidden layer only weighs them.
"""

import base64
import sys
from array import array
from itertools import chain, repeat
from operator import mul

from services.classifier.engine.features import CallFeatures
from services.classifier.engine.rows import Rows


def decode_rows(rows: bytes, scales: str, width: int) -> array:
    """The first layer as float64 weights: int8 values (`rows`, `width` per feature) times their
    feature's float32 scale (`scales`, base64, little-endian)."""
    q = array("b", rows)
    sc = array("f")
    sc.frombytes(base64.b64decode(scales))
    if sys.byteorder == "big":
        sc.byteswap()  # the file is little-endian
    if len(q) != width * len(sc):
        raise ValueError(f"hidden rows: {len(q)} values for {len(sc)} features x {width}")
    return array("d", map(mul, q, chain.from_iterable(map(repeat, sc, repeat(width, len(sc))))))


LEVELS = 5  # int8 values from -5 to 5: 11 levels, about 3.5 bits


def encode_rows(rows, levels: int = LEVELS) -> tuple[bytes, str]:
    """Inverse of decode_rows, for training: each feature's row as int8 (-levels..levels) times a
    float32 scale (the row's largest weight / levels): a weight moves by at most half a step."""
    q, sc = array("b"), array("f")
    for row in rows:
        top = max(abs(float(v)) for v in row)
        scale = array("f", [top / levels])[0]  # as float32, the value the engine will use
        sc.append(scale)
        q.extend(max(-levels, min(levels, round(float(v) / scale))) if scale else 0 for v in row)
    if sys.byteorder == "big":
        sc.byteswap()
    return q.tobytes(), base64.b64encode(sc.tobytes()).decode("ascii")


RELU_MAX = 32767.0  # a hidden unit's value is clamped here (never reached in practice)
_ONE = 1 << 16      # fixed point of a hidden unit's value and of an output weight
_OUT_DIV = 2.0 ** -32


class HiddenLayer:
    """The hidden units' sums come from engine/rows.py. The output layer runs in integers: each
    unit's value (after the ReLU) and each output weight in fixed point 2^-16, an exact integer
    product, so the compiled kernel (Table.outputs) and this file give bit-identical logits."""

    __slots__ = ("rows", "out_bias", "width", "_cols")

    def __init__(self, data: dict, names: list[str]) -> None:
        self.width: int = data["width"]
        flat = decode_rows(data["rows_bytes"], data["scales"], self.width)
        if len(flat) != self.width * len(names):
            raise ValueError(f"hidden rows: {len(flat)} values for {len(names)} features x {self.width}")
        self.rows = Rows(names, flat, self.width, list(data["bias"]))
        out = [[round(v * _ONE) for v in unit] for unit in data["out"]]  # unit by unit
        if len(out) != self.width or max(abs(v) for unit in out for v in unit) >= 1024 * _ONE:
            raise ValueError("hidden output layer: one row per unit, weights below 1024")
        self.out_bias: list[float] = list(data["out_bias"])
        self._cols: list[list[int]] = [list(col) for col in zip(*out)]  # call type by call type
        if self.rows.table is not None:
            self.rows.table.set_output(array("q", (v for unit in out for v in unit)).tobytes(), self.out_bias)

    def logits(self, feats: CallFeatures) -> list[float]:
        """The call-type logits (before the softmax), in the model's type order."""
        if feats.keys is not None and self.rows.table is not None:
            return self.rows.table.outputs(feats.keys, feats.cues)  # the same arithmetic, in C
        h = [round((v if v < RELU_MAX else RELU_MAX) * _ONE) if v > 0.0 else 0 for v in self.rows.sums(feats)]
        return [b + sum(map(mul, h, col)) * _OUT_DIV for b, col in zip(self.out_bias, self._cols)]
