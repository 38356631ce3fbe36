"""The cue lexicon (data/lexicon.yaml) compiled into fast matchers.

Chinese cues are matched as substrings through an index on their first two characters (one
dictionary look-up per character pair of the call; single-character cues through a set); English
cues as word sequences through an index on their first word. Every match gets a status from the
negation scope: asserted ("pos"), denied ("neg") or only possible ("unc").
"""

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


def _is_ascii(s: str) -> bool:
    return s.isascii()


class Lexicon:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.normalizer = Normalizer(spec["normalize"], spec["mask"])
        self.scope = NegationScope(spec)
        zh: dict[str, set[Tag]] = {}
        en: dict[tuple[str, ...], set[Tag]] = {}

        def add_cues(words: list, tag: Tag) -> None:
            for w in words:
                w = self.normalizer.normalize(str(w))
                if tag[0] == "W" and len(w) == 1 and not _is_ascii(w):
                    continue  # single characters are already features of the n-gram model
                if _is_ascii(w):
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

    def scan(self, masked: str) -> list[Hit]:
        """All cue matches in a normalised, masked text, each with its negation status."""
        hits: list[Hit] = []
        scope = self.scope
        marks = None
        get = self._zh2.get
        for i, cands in enumerate(map(get, map(add, masked, masked[1:]))):
            if cands is None:
                continue
            for cue, n, tags in cands:
                if n == 2 or masked.startswith(cue, i):
                    if marks is None:
                        marks = scope.zh_marks(masked)
                    status = scope.zh_status(marks, i)
                    hits.extend([(kind, label, cue, status) for kind, label in tags])
        if not self._zh1_chars.isdisjoint(masked):
            for i, ch in enumerate(masked):
                tags = self._zh1.get(ch)
                if tags is not None:
                    if marks is None:
                        marks = scope.zh_marks(masked)
                    status = scope.zh_status(marks, i)
                    hits.extend([(kind, label, ch, status) for kind, label in tags])
        tokens = en_tokens(masked)
        if tokens and not self._en_keys.isdisjoint(tokens):
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
                        hits.extend([(kind, label, cue, status) for kind, label in tags])
        return hits


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    with open(path, encoding="utf-8") as fh:
        return Lexicon(yaml.safe_load(fh))
