"""Calls typed in toneless pinyin, read as Chinese characters.

Some callers text 110 without a Chinese input method: 'laoren shuaidao le tou po le', 'zhao huo
le! chufang zhao huo le'. Read as English, such a call has no cue and no known n-gram, and a
collapse or a fire goes nowhere. A text that is pinyin (nearly every word splits into pinyin
syllables) is rewritten in characters before anything else reads it:

  1. each word is split into syllables ('shuaidao' -> shuai dao; the fewest syllables win);
  2. the syllables of a run of words (up to punctuation) are matched longest first against the
     table data/pinyin_words.txt (four syllables down to one), which gives each reading one word:
     a lexicon cue word first (liu xue is 流血, not 留学), else the word the corpus calls use most.

The lexicon, the sound repair and the n-gram model then read the characters, and the reasons say
what was read. The table is built by `python -m services.classifier.pinyin_build`.
"""

import re
from pathlib import Path

PINYIN_FILE = Path(__file__).resolve().parents[1] / "data" / "pinyin_words.txt"
MAX_WORD = 4        # syllables in the longest table word
MAX_LETTERS = 40    # a longer "word" is no pinyin word
MIN_SHARE = 0.85    # of a text's words that must be pinyin for the whole text to be read so
MIN_RUN = 3         # else, pinyin words in a row (no English among them) that are read
_WORD = re.compile(r"[a-z]+")
_RUN = re.compile(r"[a-z]+(?:[ ']+[a-z]+)*")  # words separated by spaces or apostrophes only
_NOT_SYLLABLES = frozenset(("m", "n", "hm"))  # interjections, in every English word's letters
# Common English words that are also pinyin syllables do not make a text pinyin by themselves.
_ENGLISH = frozenset("a an he she me men man can ban fan pan ran tan hang bang long die lie tie pin bin hen pen "
                     "den ken run sun gun bus wan yang you".split())


def load_table(path: Path = PINYIN_FILE) -> tuple[dict[str, str], frozenset[str]]:
    """The readings (syllables joined by "'" -> word) and the English words that split into
    syllables too (lines "en: word")."""
    table: dict[str, str] = {}
    english: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            key, _, word = line.rstrip("\n").partition(" ")
            if key == "en:":
                english.add(word)
            elif word:
                table[key] = word
    return table, frozenset(english)


class PinyinReader:
    __slots__ = ("_table", "_syllables", "_longest", "_english", "_seen", "_plain", "_pinyin")

    def __init__(self, table: dict[str, str], english: frozenset[str] = frozenset()) -> None:
        self._table = table
        self._syllables = frozenset(k for k in table if "'" not in k and k not in _NOT_SYLLABLES)
        self._longest = max(map(len, self._syllables), default=0)
        self._english = _ENGLISH | english
        self._seen: dict[str, list[str] | None] = {}  # words already split (English calls repeat them)
        # Words already seen: 0 no pinyin, 1 pinyin but also English, 2 pinyin and no English.
        self._plain: dict[str, int] = {}
        self._pinyin: set[str] = set()  # the words marked 2

    def syllables(self, word: str) -> list[str] | None:
        """`word` split into the fewest pinyin syllables, or None when it is no pinyin. A vowel
        alone (a, e, o) is a syllable only as a whole word: inside one it would let English
        words through (he-a-ting)."""
        if word in self._seen:
            return self._seen[word]
        if len(self._seen) > 100_000:
            self._seen.clear()
        self._seen[word] = parts = self._split(word)
        return parts

    def _split(self, word: str) -> list[str] | None:
        n = len(word)
        if n > MAX_LETTERS:
            return None
        best: list[list[str] | None] = [[]] + [None] * n
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + 1 if n == 1 else i + 2, min(n, i + self._longest) + 1):
                if word[i:j] in self._syllables and (best[j] is None or len(best[j]) > len(best[i]) + 1):
                    best[j] = best[i] + [word[i:j]]
        return best[n]

    def _may_hold_pinyin(self, words: list[str]) -> bool:
        """A quick test that English calls fail: some word splits into syllables and is no English
        word, and either half the words are pinyin or MIN_RUN such words stand in a row."""
        if len(words) < 2:
            return False
        new = set(words).difference(self._plain)  # set operations in C: English calls end here
        if new:
            if len(self._plain) > 200_000:
                self._plain.clear()
                self._pinyin.clear()
            for w in new:
                mark = self._plain[w] = 0 if self.syllables(w) is None else 1 if w in self._english else 2
                if mark == 2:
                    self._pinyin.add(w)
        if self._pinyin.isdisjoint(words):
            return False
        plain = self._plain
        marks = [plain[w] for w in words]
        if 2 * marks.count(2) + marks.count(1) >= len(words):
            return True  # maybe pinyin as a whole (is_pinyin decides)
        run = 0
        for m in marks:
            run = run + 1 if m == 2 else 0
            if run >= MIN_RUN:
                return True
        return False

    def is_pinyin(self, t: str, words: list[str] | None = None) -> bool:
        """Whether a text (already lower-cased ASCII) is written in pinyin: at least two words, and
        nearly all of them split into syllables, not counting English words that also do."""
        words = _WORD.findall(t) if words is None else words
        if len(words) < 2:
            return False
        pinyin = sum(1 for w in words if self.syllables(w) is not None)
        english = sum(1 for w in words if w in self._english)
        return pinyin - english >= MIN_SHARE * (len(words) - english) and pinyin > english

    def read(self, t: str, words: list[str] | None = None) -> str:
        """The text (lower-cased ASCII) with its pinyin written in characters: every run of pinyin
        words when the text is pinyin, else only runs of at least MIN_RUN words that are no
        English ('lou shang lou shui, bathroom ceiling is raining'). `words`: the text's words
        ([a-z]+), when the caller has them already."""
        words = _WORD.findall(t) if words is None else words
        if not self._may_hold_pinyin(words):
            return t
        whole = self.is_pinyin(t, words)
        out, last = [], 0
        for m in _RUN.finditer(t):
            spans = [(m.start() + a, m.start() + b) for a, b in (w.span() for w in _WORD.finditer(m.group()))]
            parts = [self.syllables(t[a:b]) for a, b in spans]
            start = 0
            for i in range(len(spans) + 1):  # runs of words that split into syllables
                if i < len(spans) and parts[i] is not None:
                    continue
                if i > start and (whole or sum(t[a:b] not in self._english for a, b in spans[start:i]) >= MIN_RUN):
                    out += [t[last:spans[start][0]], self._chars([s for p in parts[start:i] for s in p])]
                    last = spans[i - 1][1]
                start = i + 1
        return "".join(out) + t[last:] if out else t

    def _chars(self, syl: list[str]) -> str:
        """Syllables as characters: the table's longest words first."""
        out, i = [], 0
        while i < len(syl):
            for n in range(min(MAX_WORD, len(syl) - i), 0, -1):
                word = self._table.get("'".join(syl[i:i + n]))
                if word:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(syl[i])
                i += 1
        return "".join(out)

