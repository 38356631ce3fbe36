"""The learned safety net: would this call need police, 120 or 119 that the decision did not send?

After the decision has chosen a call type and flags, a small logistic regression per emergency
agency reads the engine's own signals of the call:
  - the nine call-type and five flag probabilities of the model (each as p, sqrt p, p^2, log p),
  - the lexicon's evidence (`T:fire`, `FN:injured` negated, `FU:trapped` uncertain, `D:` denied,
    `S:` decisive, ...: the model's cue features),
  - the decided call type and flags, whether the text is English, and its length,
and gives the probability that the call needs that agency although the decision did not route it.
The agency is added when the probability reaches the agency's bar. A bar is a cost ratio: with
a missed dispatch costing k times a needless one, dispatching pays from p = 1 / (1 + k); the bars
are in the model file (`net.<agency>.bar`), set by train_net.py from its miss costs (MISS_COST).
Below that bar a dispatcher's look can still pay: with a look costing r needless dispatches (the
routing policy's `review_cost`), from p = r / (r + k) the call goes to review, the agency named
but not sent (`check_bar`).

The regressions are trained by train_net.py (called from train.py) on out-of-fold signals of the training calls (k models,
each scoring the calls it did not see), so they learn how far the engine's readings can be
trusted on wording it has not seen: that is what a safety net is for. Pure Python at run time:
one short dot product per agency over the dense signals, one look-up per evidence feature.
"""

import math
from collections.abc import Iterable
from itertools import repeat
from math import log, log1p, sqrt
from operator import add, mul

from services.classifier.engine.features import CallFeatures

DENSE_FORMS = ("p", "sqrt", "sq", "log")
_TINY = tuple(repeat(1e-4, 64))  # log(p + 1e-4): a probability of 0 stays finite


def dense_names(types: Iterable[str], flags: Iterable[str]) -> list[str]:
    """Names of the dense signals: each head's probability in four shapes, then the length."""
    heads = [f"type {t}" for t in types] + [f"flag {f}" for f in flags]
    return [h for _ in DENSE_FORMS for h in heads] + ["length"]


def dense_signals(probs: list[float], n_grams: int) -> list[float]:
    """The dense signals, in the order of `dense_names`: probabilities and their shapes."""
    out = probs + list(map(sqrt, probs))
    out += map(mul, probs, probs)
    out += map(log, map(add, probs, _TINY))
    out.append(log1p(n_grams))
    return out


def sparse_signals(cues: Iterable[str], top: str, flags: dict[str, bool], english: bool) -> list[str]:
    """The binary signals that are on: evidence features, decided type and flags, language."""
    out = list(cues)
    out.append("is:" + top)
    out.extend("set:" + f for f, on in flags.items() if on)
    if english:
        out.append("lang:en")
    return out


def signals(feats: CallFeatures, type_p: dict[str, float], flag_p: dict[str, float], top: str,
            flags: dict[str, bool]) -> tuple[list[float], list[str]]:
    """(dense, sparse) signals of one decided call: the same function for training and run time."""
    return (dense_signals(list(type_p.values()) + list(flag_p.values()), feats.n_grams),
            sparse_signals(feats.cues, top, flags, feats.text.isascii()))


class SafetyNet:
    """Per agency: weights of the dense signals, weights of the binary signals, bias and bar."""

    __slots__ = ("heads", "dense_names")

    def __init__(self, data: dict) -> None:
        self.dense_names: list[str] = data["dense"]
        self.heads: dict[str, tuple[list[float], dict[str, float], float, float]] = {
            agency: (h["dense"], h["sparse"], h["bias"], h["bar"]) for agency, h in data["agencies"].items()}

    def score(self, agency: str, dense: list[float], sparse: list[str]) -> float:
        w, ws, b, _ = self.heads[agency]
        z = b + sum(map(mul, dense, w))
        get = ws.get
        for s in sparse:
            z += get(s, 0.0)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30.0 else 0.0

    def bar(self, agency: str) -> float:
        return self.heads[agency][3]

    def check_bar(self, agency: str, review_cost: float) -> float:
        """The probability from which a dispatcher's look pays, a look costing `review_cost`
        needless dispatches; above 1 (never) when looks are not paid for."""
        if review_cost <= 0.0:
            return 2.0
        miss_cost = 1.0 / self.heads[agency][3] - 1.0  # the bar is 1 / (1 + miss cost)
        return review_cost / (review_cost + miss_cost)
