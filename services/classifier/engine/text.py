"""Text normalisation: width, case, and rewrites of speech-to-text homophones and spelling variants.

Each rewrite table is one compiled regex (a trie of its phrases, the longest phrase at each position
first), so a call is scanned once per table, not once per phrase. Misleading phrases are set aside later, by the lexicon scan.
"""

import re
import unicodedata
from pathlib import Path
from collections.abc import Iterable

from services.classifier.engine import kernel

_EN_TOKEN = re.compile(r"[a-z]+|\d+|[.,;:!?]")
_EN_WORD = re.compile(r"[a-z]+|\d+")
_LATIN = re.compile(r"[a-z]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def _alternation(phrases: Iterable[str]) -> re.Pattern | None:
    """One regex for all the phrases that matches, at each position, the longest phrase there.

    Written as a trie ('好似' and '好嘈' share '好(?:似|嘈)'): a flat alternation tries every
    phrase at every position of the call, so its cost grew with the table; the trie tries one
    branch per first character, then only the phrases that start there."""
    root: dict = {}
    for phrase in set(phrases):
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    return re.compile(_trie(root)) if root else None


def _trie(node: dict) -> str:
    branches = [re.escape(ch) + _trie(sub) for ch, sub in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body  # longer phrases first, then the one ending here


class Normalizer:
    def __init__(self, rewrites: dict[str, str], simplified: dict[int, str] | None = None) -> None:
        self._rewrites = {str(k).lower(): str(v).lower() for k, v in rewrites.items()}
        # Traditional characters as their simplified form (樓 楼, 傷 伤, 護 护), before the rewrites:
        # callers from Hong Kong, Macao and Taiwan write them (data/simplified.txt).
        self._simplified = simplified or {}
        self._traditional = frozenset(map(chr, self._simplified))
        # Three tables: a regex alternation costs a test per phrase at every position, so English
        # text never runs the Chinese phrases, Chinese text runs the English ones only when it has
        # Latin letters, and contractions ("can't") run only on text with an apostrophe.
        en = [k for k in self._rewrites if k.isascii()]
        self._rewrite_zh = _alternation(k for k in self._rewrites if not k.isascii())
        self._rewrite_apos = _alternation(k for k in en if "'" in k)
        self._en_keys = tuple(k for k in en if "'" not in k)
        self._rewrite_en = _alternation(self._en_keys)

    def _rewrite(self, m: re.Match) -> str:
        return self._rewrites[m.group()]

    def normalize(self, text: str) -> str:
        if not text.isascii():
            # The full-width comma and colon are nearly all that NFKC changes in Chinese calls:
            # replacing them first lets most calls skip the (slower) full normalisation.
            if "\uff0c" in text:
                text = text.replace("\uff0c", ",")
            if "\uff1a" in text:
                text = text.replace("\uff1a", ":")
            if not unicodedata.is_normalized("NFKC", text):
                text = unicodedata.normalize("NFKC", text)
            if not self._traditional.isdisjoint(text):
                text = text.translate(self._simplified)
        t = text.lower()
        if "\u2019" in t or "\u2018" in t:
            t = t.translate(_QUOTES)
        if t.isascii():
            latin = True
        else:
            latin = _LATIN.search(t) is not None
            if self._rewrite_zh is not None and self._rewrite_zh.search(t):
                t = self._rewrite_zh.sub(self._rewrite, t)
        if latin:
            if "'" in t and self._rewrite_apos is not None and self._rewrite_apos.search(t):
                t = self._rewrite_apos.sub(self._rewrite, t)
            if self._rewrite_en is not None and any(map(t.__contains__, self._en_keys)):
                t = self._rewrite_en.sub(self._rewrite, t)
        return t


def en_tokens(t: str) -> list[str]:
    """Lower-case English words, numbers and clause punctuation, apostrophes dropped."""
    return _EN_TOKEN.findall(t.replace("'", ""))


py_en_tokens = en_tokens
if kernel.AVAILABLE:  # the same tokens, from the compiled kernel (engine/kernel.py)
    en_tokens = kernel.en_tokens  # noqa: F811


def en_words(t: str) -> list[str]:
    """Lower-case English words and numbers (no punctuation), apostrophes dropped."""
    return _EN_WORD.findall(t.replace("'", ""))


SIMPLIFIED_FILE = Path(__file__).resolve().parents[1] / "data" / "simplified.txt"


def load_simplified(path: Path = SIMPLIFIED_FILE) -> dict[int, str]:
    """str.translate table: traditional character -> simplified (one pair per line)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return {ord(a): b for a, b in (line.split() for line in fh if line.strip())}
