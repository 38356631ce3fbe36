"""Negation and uncertainty scope: is a cue asserted, denied ("没人受伤", "no one is hurt"), or only
possible ("不知道有没有人受伤", "not sure if anyone is hurt")?

A negator or uncertainty marker counts when it stands before the cue in the same clause, within a
short window: 6 characters in Chinese, 4 words in English. Phrases that contain a negator without
negating ("不小心", "没多久") are removed from the window first.
"""

from typing import Literal

Status = Literal["pos", "neg", "unc"]
ZH_WINDOW = 6
EN_WINDOW = 4


class NegationScope:
    def __init__(self, spec: dict) -> None:
        self.zh_neg = tuple(spec["negators"]["zh"])
        self.en_neg = frozenset(spec["negators"]["en"])
        self.zh_exc = tuple(sorted(spec["negation_exceptions"]["zh"], key=len, reverse=True))
        self.en_exc = tuple(spec["negation_exceptions"]["en"])
        self.zh_unc = tuple(spec["uncertain"]["zh"])
        en_unc = spec["uncertain"]["en"]
        self.en_unc_words = frozenset(w for w in en_unc if " " not in w)
        self.en_unc_phrases = tuple(w for w in en_unc if " " in w)
        self.zh_bound = frozenset(spec["boundaries"]["zh"])
        self.zh_bound_words = tuple(spec["boundaries"]["zh_words"])
        self.en_bound = frozenset(spec["boundaries"]["en"])

    def zh_status(self, t: str, start: int) -> Status:
        lo = max(0, start - ZH_WINDOW)
        i = start - 1
        while i >= lo and t[i] not in self.zh_bound:
            i -= 1
        window = t[i + 1:start]
        if not window:
            return "pos"
        for word in self.zh_bound_words:
            cut = window.rfind(word)
            if cut >= 0:
                window = window[cut + len(word):]
        for exc in self.zh_exc:
            if exc in window:
                window = window.replace(exc, "|")
        for marker in self.zh_unc:
            if marker in window:
                return "unc"
        for neg in self.zh_neg:
            if neg in window:
                return "neg"
        return "pos"

    def en_status(self, tokens: list[str], k: int) -> Status:
        lo = max(0, k - EN_WINDOW)
        i = k - 1
        while i >= lo and tokens[i] not in self.en_bound:
            i -= 1
        window = tokens[i + 1:k]
        if not window:
            return "pos"
        joined = " ".join(window)
        for exc in self.en_exc:
            if exc in joined:
                return "pos"
        for phrase in self.en_unc_phrases:
            if phrase in joined:
                return "unc"
        if any(w in self.en_unc_words for w in window):
            return "unc"
        if any(w in self.en_neg for w in window):
            return "neg"
        return "pos"
