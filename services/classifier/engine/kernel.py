"""The compiled kernel (engine/_grams.c), when it was built: the hot loop of the text part in C.

`pip install` builds it (setup.py, an optional extension: without a C compiler the install still
succeeds). Without it, or with CALLROUTE_PURE_PYTHON=1, the engine runs the pure-Python path of
features.ngrams and LinearModel; both give the same features and bit-identical logits, which
tests/unit/test_kernel.py checks on the corpus. `python -m tests.bench_classifier` says which
path it measured.
"""

import os
from array import array
from collections.abc import Callable, Iterable
from itertools import compress
from operator import add

try:
    if os.environ.get("CALLROUTE_PURE_PYTHON"):
        raise ImportError("CALLROUTE_PURE_PYTHON is set")
    from services.classifier.engine import _grams
except ImportError:
    _grams = None

AVAILABLE = _grams is not None
if _grams is not None:
    en_tokens = _grams.en_tokens  # text.en_tokens, compiled


def grams(zh_n: int, neg: bool, en_negators: Iterable[str]):
    """The n-gram enumeration of features.ngrams for these model settings (None without the kernel)."""
    return _grams.Grams(zh_n, neg, sorted(en_negators)) if _grams is not None else None


def table(names: list[str], rows: array, bias: list[float]):
    """Weight rows (`rows`: len(bias) float64 values per name, in the order of `names`) by the
    64-bit key of their feature, in the fixed point of engine/rows.py (2^-16; None without the
    kernel)."""
    if _grams is None:
        return None
    keys = array("Q", map(_grams.key, names))
    return _grams.Table(keys, rows, len(bias), bias)  # read in place (no copy); the kernel rounds to fixed point


def pair_starts(pairs: Iterable[str]) -> Callable[[str], list[int]]:
    """A function giving the offsets in a text where one of `pairs` (two-character strings) starts."""
    if _grams is not None:
        return _grams.Pairs(sorted(set(pairs))).starts
    has = frozenset(pairs).__contains__
    return lambda t: list(compress(range(len(t) - 1), map(has, map(add, t, t[1:]))))


def word_finder(words: list[str]) -> Callable[..., list[tuple[int, int]]]:
    """A function `find(text, first=False)` giving the (offset, index) of every word of `words`
    (strings of two characters or more) found in a text, by offset, then in the list's order; with
    `first`, only the first word of the list at each offset."""
    if _grams is not None:
        return _grams.Words(words).find
    by_pair: dict[str, list[int]] = {}
    for j, w in enumerate(words):
        if len(w) < 2:
            raise ValueError("words must be str of two characters or more")
        by_pair.setdefault(w[:2], []).append(j)
    starts = pair_starts(by_pair)

    def find(t: str, first: bool = False) -> list[tuple[int, int]]:
        out = []
        for i in starts(t):
            for j in by_pair[t[i:i + 2]]:
                if t.startswith(words[j], i):
                    out.append((i, j))
                    if first:
                        break
        return out
    return find
