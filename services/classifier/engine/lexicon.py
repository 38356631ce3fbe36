"""The cue lexicon (data/lexicon.yaml) compiled into fast matchers.

One pass over a call's character pairs (its bigrams, which the n-gram model needs anyway) finds
every candidate position: misleading phrases to mask and Chinese cues are indexed by their first
two characters, so a position costs one C-level set test (`itertools.compress`), and only the few
candidate positions run Python code. Single-character cues go through a set; English cues and
English misleading phrases work on words. Every match gets a status from the negation scope:
asserted ("pos"), denied ("neg") or only possible ("unc").
"""

import re
from itertools import compress
from operator import add
from pathlib import Path

import yaml

from services.classifier.engine.negation import NegationScope, Status
from services.classifier.engine.text import Normalizer, en_tokens

LEXICON_FILE = Path(__file__).resolve().parents[1] / "data" / "lexicon.yaml"

# Tag kinds: T strong type cue, W weak type cue, F flag cue, D flag denial ("人没事"),
# S decisive flag cue (label "flag" anywhere, or "flag@call_type" on calls of that type only).
Tag = tuple[str, str]


# One cue match: (kind, label, cue, status). A plain tuple, because scanning is the hot path.
Hit = tuple[str, str, str, Status]

_LATIN = re.compile(r"[a-z]")


class Scan:
    """What one pass over a call found: cue hits, masked phrases, and the bigrams it used."""

    __slots__ = ("hits", "masked", "bigrams")

    def __init__(self, hits: list[Hit], masked: list[str], bigrams: list[str]) -> None:
        self.hits = hits
        self.masked = masked
        self.bigrams = bigrams


class Lexicon:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.normalizer = Normalizer(spec["normalize"], [])
        self.scope = NegationScope(spec)
        zh: dict[str, set[Tag]] = {}
        en: dict[tuple[str, ...], set[Tag]] = {}

        def add_cues(words: list, tag: Tag) -> None:
            for w in words:
                w = self.normalizer.normalize(str(w))
                if tag[0] == "W" and len(w) == 1 and not w.isascii():
                    continue  # single characters are already features of the n-gram model
                if w.isascii():
                    key = tuple(en_tokens(w))
                    if key:
                        en.setdefault(key, set()).add(tag)
                else:
                    zh.setdefault(w, set()).add(tag)

        for label, lists in spec["types"].items():
            add_cues(lists.get("strong", []) + lists.get("en_strong", []), ("T", label))
            add_cues(lists.get("weak", []) + lists.get("en_weak", []), ("W", label))
        for label, lists in spec["flags"].items():
            strong = lists.get("strong", []) + lists.get("en_strong", [])
            add_cues(lists.get("cues", []) + lists.get("en", []) + strong, ("F", label))
            add_cues(strong, ("S", label))
            for call_type, words in (lists.get("strong_for") or {}).items():
                add_cues(words, ("F", label))
                add_cues(words, ("S", f"{label}@{call_type}"))
            add_cues(lists.get("deny", []) + lists.get("en_deny", []), ("D", label))
        self.labels = sorted(spec["types"]), sorted(spec["flags"])
        self.cue_count = len(zh) + len(en)
        # Chinese cues of 2+ characters indexed by their first two characters, longest first.
        self._zh2: dict[str, list[tuple[str, int, tuple[Tag, ...]]]] = {}
        self._zh1: dict[str, tuple[Tag, ...]] = {}
        for cue, tags in sorted(zh.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            if len(cue) == 1:
                self._zh1[cue] = tuple(sorted(tags))
            else:
                self._zh2.setdefault(cue[:2], []).append((cue, len(cue), tuple(sorted(tags))))
        self._zh1_chars = frozenset(self._zh1)
        self._en: dict[str, list[tuple[tuple[str, ...], tuple[Tag, ...]]]] = {}
        for words, tags in en.items():
            self._en.setdefault(words[0], []).append((words, tuple(sorted(tags))))
        self._en_keys = frozenset(self._en)
        # Misleading phrases: Chinese ones by their first two characters, English ones as one regex.
        masks = {self.normalizer.normalize(str(m)) for m in spec["mask"]}
        self._mask2: dict[str, list[str]] = {}
        for m in sorted((m for m in masks if not m.isascii() and len(m) > 1), key=lambda m: (-len(m), m)):
            self._mask2.setdefault(m[:2], []).append(m)
        en_masks = sorted((m for m in masks if m.isascii()), key=lambda m: (-len(m), m))
        self._en_mask = re.compile(r"\b(?:" + "|".join(map(re.escape, en_masks)) + r")\b") if en_masks else None
        self._cue_has = self._zh2.__contains__
        self._mask_has = self._mask2.__contains__

    def analyse(self, t: str) -> Scan:
        """Cue matches of a normalised text (misleading phrases set aside), with negation status."""
        bigrams = list(map(add, t, t[1:]))
        positions = range(len(bigrams))
        hits: list[Hit] = []
        masked: list[str] = []
        spans: list[tuple[int, int]] = []
        for i in compress(positions, map(self._mask_has, bigrams)):
            if spans and i < spans[-1][1]:
                continue
            for m in self._mask2[bigrams[i]]:
                if t.startswith(m, i):
                    spans.append((i, i + len(m)))
                    masked.append(m)
                    break
        scope = self.scope
        marks = None
        for i in compress(positions, map(self._cue_has, bigrams)):
            for cue, n, tags in self._zh2[bigrams[i]]:
                if n == 2 or t.startswith(cue, i):
                    if spans and any(s < i + n and i < e for s, e in spans):
                        continue
                    if marks is None:
                        marks = scope.zh_marks(t)
                    status = scope.zh_status(marks, i)
                    hits += [(kind, label, cue, status) for kind, label in tags]
        if not self._zh1_chars.isdisjoint(t):
            for ch in self._zh1_chars.intersection(t):
                tags = self._zh1[ch]
                i = t.find(ch)
                while i >= 0:
                    if not (spans and any(s <= i < e for s, e in spans)):
                        if marks is None:
                            marks = scope.zh_marks(t)
                        status = scope.zh_status(marks, i)
                        hits += [(kind, label, ch, status) for kind, label in tags]
                    i = t.find(ch, i + 1)
        if _LATIN.search(t):
            self._scan_en(t, hits, masked)
        return Scan(hits, masked, bigrams)

    def _scan_en(self, t: str, hits: list[Hit], masked: list[str]) -> None:
        if self._en_mask is not None:
            found = self._en_mask.findall(t)
            if found:
                masked += dict.fromkeys(found)
                t = self._en_mask.sub(lambda m: "#" * len(m.group()), t)
        tokens = en_tokens(t)
        if not tokens or self._en_keys.isdisjoint(tokens):
            return
        scope = self.scope
        n = len(tokens)
        for k, tok in enumerate(tokens):
            cands = self._en.get(tok)
            if cands is None:
                continue
            status = None
            for words, tags in cands:
                m = len(words)
                if k + m <= n and (m == 1 or tuple(tokens[k:k + m]) == words):
                    if status is None:
                        status = scope.en_status(tokens, k)
                    cue = " ".join(words)
                    hits += [(kind, label, cue, status) for kind, label in tags]

    def scan(self, text: str) -> list[Hit]:
        """All cue matches in a normalised text, each with its negation status."""
        return self.analyse(text).hits


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    with open(path, encoding="utf-8") as fh:
        return Lexicon(yaml.safe_load(fh))
