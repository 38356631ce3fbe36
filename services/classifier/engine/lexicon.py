"""The cue lexicon (data/lexicon.yaml) compiled into fast matchers.

Chinese cues are matched as substrings through an index on their first character; English cues
as word sequences through an index on their first word. Every match gets a status from the
negation scope: asserted ("pos"), denied ("neg") or only possible ("unc").
"""

from pathlib import Path

import yaml

from services.classifier.engine.negation import NegationScope, Status
from services.classifier.engine.text import Normalizer, en_tokens

LEXICON_FILE = Path(__file__).resolve().parents[1] / "data" / "lexicon.yaml"

# Tag kinds: T strong type cue, W weak type cue, F flag cue, D flag denial ("人没事").
Tag = tuple[str, str]


# One cue match: (kind, label, cue, status). A plain tuple, because scanning is the hot path.
Hit = tuple[str, str, str, Status]


def _is_ascii(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


class Lexicon:
    def __init__(self, spec: dict) -> None:
        self.normalizer = Normalizer(spec["normalize"], spec["mask"])
        self.scope = NegationScope(spec)
        zh: dict[str, set[Tag]] = {}
        en: dict[tuple[str, ...], set[Tag]] = {}

        def add(words: list, tag: Tag) -> None:
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
            add(lists.get("strong", []) + lists.get("en_strong", []), ("T", label))
            add(lists.get("weak", []) + lists.get("en_weak", []), ("W", label))
        for label, lists in spec["flags"].items():
            add(lists.get("cues", []) + lists.get("en", []), ("F", label))
            add(lists.get("deny", []) + lists.get("en_deny", []), ("D", label))
        self.labels = sorted(spec["types"]), sorted(spec["flags"])
        # Chinese cues indexed by their first character; English cues by their first word.
        self._zh: dict[str, list[tuple[str, tuple[Tag, ...]]]] = {}
        for cue, tags in sorted(zh.items(), key=lambda kv: -len(kv[0])):
            self._zh.setdefault(cue[0], []).append((cue, tuple(sorted(tags))))
        self._en: dict[str, list[tuple[tuple[str, ...], tuple[Tag, ...]]]] = {}
        for words, tags in en.items():
            self._en.setdefault(words[0], []).append((words, tuple(sorted(tags))))
        self._en_keys = frozenset(self._en)

    def scan(self, masked: str) -> list[Hit]:
        """All cue matches in a normalised, masked text, each with its negation status."""
        hits: list[Hit] = []
        index = self._zh
        scope = self.scope
        for i, ch in enumerate(masked):
            cands = index.get(ch)
            if cands is None:
                continue
            status = None
            for cue, tags in cands:
                if masked.startswith(cue, i):
                    if status is None:
                        status = scope.zh_status(masked, i)
                    hits.extend([(kind, label, cue, status) for kind, label in tags])
        tokens = en_tokens(masked)
        if tokens:
            n = len(tokens)
            for k, tok in enumerate(tokens):
                if tok not in self._en_keys:
                    continue
                status = None
                for words, tags in self._en[tok]:
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
