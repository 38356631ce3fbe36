"""Sound-alike repair: a speech-to-text slip that sounds like a cue word is read as the cue word.

Speech-to-text and pinyin input put another character of the same sound in a word: 心脏饼 for
心脏病, 就护车 for 救护车, 然气 for 燃气. Every character stands for one representative of its
toneless syllable (data/sounds.txt: 饼 bǐng sounds like 病 bìng), so two strings sound alike
when their representatives are equal. A span of a call that sounds like a Chinese cue word of the
lexicon, but is written otherwise, is rewritten to the cue, so the lexicon and the n-gram model
both see the word meant.
The span keeps its length, so offsets in reasons stay aligned.

What keeps it from inventing words:
  - a span that is itself a real word is left alone (data/common_words.txt, the 3- and
    4-character words of jieba's dictionary);
  - nor is a span whose edge character, where it differs from the cue, makes a common
    two-character word with the character just outside (腿脚不行 is not 腿叫不醒, 里头东西 not
    里偷东西, 打电话下来 not 打电滑下来): the slip would have to split a word the caller said.
    Nine in ten repairs this stops in the corpus were wrong;
  - only cues of three or more characters are repaired: chance pairs of characters across a word
    boundary sound like some two-character cue far too often (上了 like 伤了, 趟了 like 烫了; on
    the training calls two thirds of two-character repairs were wrong, against one in five of
    the longer ones);
  - a character that differs must not be a pronoun, particle or other grammar word (没大人 is not
    没打人): those are everywhere, and a slip rarely produces them;
  - a repair never writes a negator in (五人被困 is not 无人被困): a slip heard as a denial
    would turn five people trapped into nobody trapped;
  - cues that sound alike (two cue words, one sound) are not repaired at all.
The tables are built by `python -m services.classifier.sounds_build`.
"""

from collections.abc import Iterable
from pathlib import Path

from services.classifier.engine import kernel

DATA = Path(__file__).resolve().parents[1] / "data"
SOUNDS_FILE = DATA / "sounds.txt"
COMMON_FILE = DATA / "common_words.txt"
MIN_LEN = 3
# Grammar words and very common characters: a span whose differing character is one of these is
# far more likely a real phrase (砸他, 一片了, 没大人) than a slip.
FUNCTION_CHARS = frozenset("的了着过呢吗吧啊呀哪那这他她它我你们是在有没不也都还又仍大小个一上下里")
NEGATOR_CHARS = frozenset("没未无不别非否勿莫")  # never written in by a repair


def _is_han(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fa5" for ch in word)


def load_table(path: Path = SOUNDS_FILE) -> dict[int, str]:
    """str.translate table: character -> the representative character of its toneless syllable."""
    by_syllable: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            syllable, _, chars = line.rstrip("\n").partition(" ")
            toneless = syllable.rstrip("012345")
            by_syllable[toneless] = by_syllable.get(toneless, "") + chars
    return {ord(ch): chars[0] for chars in by_syllable.values() for ch in chars}


def load_common(path: Path = COMMON_FILE) -> frozenset[str]:
    with open(path, encoding="utf-8") as fh:
        return frozenset(w for w in fh.read().split() if w)


class SoundRepair:
    def __init__(self, words: Iterable[str], table: dict[int, str], common: frozenset[str]) -> None:
        self._table = table
        self._common = common
        by_sound: dict[str, set[str]] = {}
        for w in words:
            if len(w) >= MIN_LEN and _is_han(w):
                by_sound.setdefault(w.translate(table), set()).add(w)
        index: dict[str, list[tuple[str, int, str]]] = {}
        for key, ws in by_sound.items():
            if len(ws) == 1:
                index.setdefault(key[:2], []).append((key, len(key), next(iter(ws))))
        for entries in index.values():
            entries.sort(key=lambda e: -e[1])
        # longest first among the keys that start with the same two characters
        self._entries = [e for entries in index.values() for e in entries]
        self._find = kernel.word_finder([key for key, _, _ in self._entries])
        self.size = len(self._entries)

    def _splits_a_word(self, t: str, i: int, n: int, word: str) -> bool:
        """Whether rewriting t[i:i+n] to `word` changes an edge character that makes a common
        two-character word with its neighbour outside the span."""
        common = self._common
        return (i > 0 and t[i] != word[0] and t[i - 1] + t[i] in common) or \
            (i + n < len(t) and t[i + n - 1] != word[-1] and t[i + n - 1] + t[i + n] in common)

    def repair(self, t: str) -> tuple[str, list[tuple[str, str]]]:
        """The text with sound-alike spans rewritten, and the (heard, meant) pairs."""
        c = t.translate(self._table)
        fixes: list[tuple[int, int, str]] = []
        end = 0
        for i, j in self._find(c, True):  # the longest key at each offset
            if i < end:
                continue
            key, n, word = self._entries[j]
            span = t[i:i + n]
            if span != word and span not in self._common and not self._splits_a_word(t, i, n, word) \
                    and not any(a != b and (a in FUNCTION_CHARS or b in NEGATOR_CHARS) for a, b in zip(span, word)):
                fixes.append((i, n, word))
            end = i + n
        if not fixes:
            return t, []
        out, last, heard = [], 0, []
        for i, n, word in fixes:
            out.append(t[last:i])
            out.append(word)
            heard.append((t[i:i + n], word))
            last = i + n
        out.append(t[last:])
        return "".join(out), heard
