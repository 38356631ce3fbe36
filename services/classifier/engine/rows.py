"""Weight rows by feature name, summed over one call's features in fixed point.

Used for the linear heads (engine/model.py) and the hidden layer (engine/hidden.py). With the
compiled kernel the sum runs in C over the call's 64-bit n-gram keys. Without it, each row is
folded into ONE integer: every weight in fixed point (2^-16) plus an offset that keeps it
positive, in its own 64-bit field, and a last field counting the rows. Scoring a call is then a
C-level `sum(map(packed.get, grams))` of those integers (one dictionary look-up and one
big-integer addition per feature, all outputs at once) and one `struct.unpack` of the fields at
the end; the offsets come off as (row count x offset). Both paths give bit-identical sums
(tests/unit/test_kernel.py).
"""

import math
import struct
from array import array

from services.classifier.engine import kernel
from services.classifier.engine.features import CallFeatures

_SCALE = 1 << 16          # fixed point of one weight (engine/_grams.c uses the same)
_OFFSET = 1 << 36         # added to every weight so that fields never go negative
_Q = 1024                 # fixed point of sqrt(number of n-grams)


class Rows:
    """Weight rows by feature name, summed over one call's features in fixed point (2^-16):
    n-grams weigh 1/sqrt(n), cue features 1, plus a bias. In the compiled kernel when it is built,
    else as packed integers (made on first use); both give bit-identical sums."""

    __slots__ = ("names", "flat", "width", "bias", "table", "_packed", "_fmt", "_nbytes")

    def __init__(self, names: list[str], flat: array, width: int, bias: list[float]) -> None:
        self.names, self.flat, self.width, self.bias = names, flat, width, bias
        self.table = kernel.table(names, flat, bias)
        self._packed: dict[str, int] | None = None
        self._fmt = struct.Struct(f"<{width + 1}Q")
        self._nbytes = 8 * (width + 1)

    @property
    def packed(self) -> dict[str, int]:
        """The rows packed into integers, for the pure-Python path (made on first use)."""
        if self._packed is None:
            w, flat, tail = self.width, self.flat, array("Q", [1])
            self._packed = {
                name: int.from_bytes((array("Q", [round(v * _SCALE) + _OFFSET for v in flat[i * w:(i + 1) * w]])
                                      + tail).tobytes(), "little")
                for i, name in enumerate(self.names)}
        return self._packed

    def sums(self, feats: CallFeatures) -> list[float]:
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
