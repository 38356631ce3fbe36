"""The call type's hidden layer: a small neural network on the same features as the linear model.

    type logits = out_bias + out . relu(bias + sum of the call's feature rows)

The feature rows are summed exactly as the linear heads' (engine/rows.py: n-grams weigh
1/sqrt(n), cue features 1, in the kernel's fixed point), so one call costs one more table look-up
per feature and a (width x 9) product. Trained by train_hidden.py (scikit-learn's
MLPClassifier); stored in the model file as `hidden`:

    {"width": H, "shift": s, "rows": base64 of int16 little-endian, H per feature in the order of
     the file's `weights`, each weight times 2^s; "bias": [H], "out": [[9] x H], "out_bias": [9]}

Why it is there: the linear model adds up evidence word by word and cannot say "this word, but
only without that one". One hidden layer can, and on calls from writers it had never seen it
made about a third fewer call-type mistakes (docs/classifier.md). The reasons a dispatcher reads
still come from the lexicon's cues and rules; the hidden layer only weighs them.
"""

import base64
import sys
from array import array
from itertools import repeat
from operator import mul

from services.classifier.engine.features import CallFeatures
from services.classifier.engine.rows import Rows


def decode_rows(text: str, shift: int) -> array:
    """The int16 rows of the model file as float64 weights (exact: w = q / 2^shift)."""
    q = array("h")
    q.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        q.byteswap()  # the file is little-endian
    return array("d", map(mul, q, repeat(1.0 / (1 << shift))))


def encode_rows(values, shift: int) -> str:
    """Inverse of decode_rows, for training: weights rounded to int16 at 2^shift."""
    q = array("h", (round(v * (1 << shift)) for v in values))
    if sys.byteorder == "big":
        q.byteswap()
    return base64.b64encode(q.tobytes()).decode("ascii")


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
        flat = decode_rows(data["rows"], data["shift"])
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
