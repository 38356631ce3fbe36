"""Misspelt English cue words, read as the cue: 'fier in the kichen' is a fire in the kitchen.

Calls typed in a hurry drop, double, swap or mistype a letter ('bleding', 'knif', 'stuk',
'collasped'). A word of at least MIN_LEN letters that is no English word (data/english_words.txt:
the common words of pyspellchecker's English list and the English training calls' words) and is
one edit (a letter dropped, added, changed, or two neighbours swapped; never the first letter)
from exactly one word of the lexicon's English cues is read as that word. A word one edit from
two cue words is left alone, and so is every real word, with its endings: 'hire' is never 'fire',
nor 'crackled' 'cracked'. The reasons name each repair.
The word list is built by `python -m services.classifier.spelling_build`.
"""

import re
from collections.abc import Iterable
from pathlib import Path

ENGLISH_FILE = Path(__file__).resolve().parents[1] / "data" / "english_words.txt"
MIN_LEN = 4
MAX_LEN = 24  # longer "words" are no slips of a cue word (and would cost len² to look up)
_WORD = re.compile(r"[a-z]+")
_LONG = re.compile(r"[a-z]{%d,}" % MIN_LEN)  # the words long enough to repair


def load_words(path: Path = ENGLISH_FILE) -> frozenset[str]:
    with open(path, encoding="utf-8") as fh:
        return frozenset(w for w in fh.read().split() if w)


def _deletes(w: str) -> set[str]:
    return {w[:i] + w[i + 1:] for i in range(len(w))}


_ENDINGS = ("s", "es", "ed", "d", "y", "ly")


def _inflected(word: str, known: frozenset[str]) -> bool:
    """Whether the word is a known word of at least three letters with an ending: 'crackled',
    'eggy'. ('-ing' is not one: 'bleding' would be 'bled' with it.)"""
    return any(word.endswith(e) and len(word) - len(e) >= 3 and word[:-len(e)] in known for e in _ENDINGS)


def one_edit(a: str, b: str) -> bool:
    """Whether b is a from one letter dropped, added or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class SpellRepair:
    __slots__ = ("_known", "_index", "_meant")

    def __init__(self, targets: Iterable[str], known: frozenset[str]) -> None:
        words = {w for w in targets if len(w) >= MIN_LEN and w.isalpha() and w.isascii()}
        self._known = known | words
        index: dict[str, set[str]] = {}
        for w in words:
            for key in _deletes(w) | {w}:
                index.setdefault(key, set()).add(w)
        self._index = index
        self._meant: dict[str, str | None] = {}  # unknown words already looked up (place names recur)

    def meant(self, word: str) -> str | None:
        """The one cue word that `word` (no English word) is a slip of, if there is one."""
        if not MIN_LEN <= len(word) <= MAX_LEN or word in self._known or (word.endswith("ing") and len(word) < 6):
            return None  # short -ing words are mostly names and chat ('bing', 'dming')
        found: set[str] = set()
        for key in _deletes(word) | {word}:
            found |= self._index.get(key, set())
        found = {w for w in found if w[0] == word[0] and one_edit(word, w)}
        if len(found) != 1 or _inflected(word, self._known):
            return None
        return found.pop()

    def repair(self, t: str, words: list[str] | None = None) -> tuple[str, list[tuple[str, str]]]:
        """The text with misspelt cue words rewritten, and the (written, meant) pairs. `words`:
        the text's words ([a-z]+), when the caller has them already."""
        unknown = set(_LONG.findall(t) if words is None else words).difference(self._known)
        if not unknown:
            return t, []  # most calls
        cache = self._meant
        if len(cache) > 100_000:
            cache.clear()
        meant = {}
        for w in unknown:
            m = cache[w] if w in cache else cache.setdefault(w, self.meant(w))
            if m:
                meant[w] = m
        if not meant:
            return t, []
        fixes: list[tuple[str, str]] = []

        def fix(m: re.Match) -> str:
            w = m.group()
            if w in meant:
                fixes.append((w, meant[w]))
                return meant[w]
            return w

        return _WORD.sub(fix, t), fixes
