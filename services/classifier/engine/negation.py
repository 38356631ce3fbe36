"""Negation and uncertainty scope: is a cue asserted, denied ("没人受伤", "no one is hurt"), or only
possible ("不知道有没有人受伤", "not sure if anyone is hurt")?

A negator or uncertainty marker counts when it stands before the cue in the same clause, within a
short window: 6 characters in Chinese, 4 words in English. Phrases that contain a negator without
negating ("不小心", "没多久") are look-alikes and do not count.

Chinese: the markers of a call (negators, uncertainty markers, look-alikes, clause boundaries) are
found once per call by one compiled alternation, longest first, so a look-alike swallows the
negator inside it; each cue then only looks back over the few markers before it.
"""

import re
from typing import Literal

Status = Literal["pos", "neg", "unc"]
ZH_WINDOW = 6
EN_WINDOW = 4

# Marker kinds, by priority when one phrase is in several lists.
_LOOKALIKE, _BOUNDARY, _UNCERTAIN, _NEGATOR = "x", "b", "u", "n"

Marks = list[tuple[int, int, str]]  # (start, end, kind), in text order


class NegationScope:
    def __init__(self, spec: dict) -> None:
        kinds: dict[str, str] = {}
        for kind, words in ((_NEGATOR, spec["negators"]["zh"]), (_UNCERTAIN, spec["uncertain"]["zh"]),
                            (_BOUNDARY, spec["boundaries"]["zh_words"]),
                            (_BOUNDARY, list(spec["boundaries"]["zh"])),
                            (_LOOKALIKE, spec["negation_exceptions"]["zh"])):
            for w in words:
                kinds[str(w)] = kind  # later lists win: look-alikes over everything
        self._zh_kind = kinds
        phrases = sorted(kinds, key=lambda p: (-len(p), p))
        self._zh_re = re.compile("|".join(map(re.escape, phrases)))
        self._zh_bound_chars = frozenset(spec["boundaries"]["zh"])
        # First characters of the markers that are not single boundary characters.
        self._zh_first = frozenset(p[0] for p in phrases if p not in self._zh_bound_chars)
        self.en_neg = frozenset(spec["negators"]["en"])
        self.en_exc = tuple(spec["negation_exceptions"]["en"])
        en_unc = spec["uncertain"]["en"]
        self.en_unc_words = frozenset(w for w in en_unc if " " not in w)
        self.en_unc_phrases = tuple(w for w in en_unc if " " in w)
        self.en_bound = frozenset(spec["boundaries"]["en"])
        self._en_markers = self.en_neg | self.en_unc_words | self.en_bound | {
            p.split()[0] for p in self.en_exc + self.en_unc_phrases}

    def zh_marks(self, t: str) -> Marks:
        kind = self._zh_kind
        return [(m.start(), m.end(), kind[m.group()]) for m in self._zh_re.finditer(t)]

    def zh_status_at(self, t: str, start: int) -> Status:
        """Status of a cue starting at `start`: only its window back to the clause boundary is
        read, and only when it holds the first character of some marker (most windows hold none)."""
        lo = start - ZH_WINDOW if start > ZH_WINDOW else 0
        window = t[lo:start]
        if not window or self._zh_first.isdisjoint(window):
            return "pos"  # no marker can start in the window, whatever its clause boundary
        bound = self._zh_bound_chars
        for j in range(len(window) - 1, -1, -1):
            if window[j] in bound:
                window = window[j + 1:]
                break
        if not window or self._zh_first.isdisjoint(window):
            return "pos"
        return self.zh_status(self.zh_marks(window), len(window))

    @staticmethod
    def zh_status(marks: Marks, start: int) -> Status:
        """Status of a cue starting at `start`, from the markers before it in its clause."""
        lo = start - ZH_WINDOW
        status: Status = "pos"
        for s, e, kind in reversed(marks):
            if e > start:
                continue
            if s < lo or kind == _BOUNDARY:
                break
            if kind == _UNCERTAIN:
                return "unc"
            if kind == _NEGATOR:
                status = "neg"
        return status

    def en_status(self, tokens: list[str], k: int) -> Status:
        window = tokens[max(0, k - EN_WINDOW):k]
        if not window or self._en_markers.isdisjoint(window):
            return "pos"
        for i in range(len(window) - 1, -1, -1):
            if window[i] in self.en_bound:
                window = window[i + 1:]
                break
        if not window:
            return "pos"
        joined = " ".join(window)
        for exc in self.en_exc:
            if exc in joined:
                return "pos"
        for phrase in self.en_unc_phrases:
            if phrase in joined:
                return "unc"
        if not self.en_unc_words.isdisjoint(window):
            return "unc"
        if not self.en_neg.isdisjoint(window):
            return "neg"
        return "pos"
