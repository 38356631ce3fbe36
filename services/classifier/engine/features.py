"""Features of one call: character n-grams (Chinese), word n-grams (English), and lexicon cues.

The same function feeds training (services/classifier/train.py) and run-time inference, so the
model file always sees the features it was trained on. The longest Chinese n-gram is a setting of
the model file (`features.zh_ngram`), so training and inference cannot disagree on it.
"""

import re
from dataclasses import dataclass
from operator import add

from services.classifier.engine.lexicon import Hit, Lexicon
from services.classifier.engine.text import en_words

DEFAULT_ZH_NGRAM = 2
_LATIN = re.compile(r"[a-z0-9]")  # English words or numbers (120, 119, 110 are cues)
# Negated n-grams: the character pairs in the few characters after a negator (up to a clause
# boundary), and the three words after an English negator, also count as "~" + n-gram, so that
# the model can weigh "没人受伤" / "no one is hurt" against "受伤" / "hurt" (5-fold CV: routing
# exact +0.3 points, macro-F1 equal).
_ZH_NEG = re.compile(r"(?:没有|没|未|无|不|别|并未|差点|差一点|险些)([^,.;:!?，。；！？、\s]{1,4})")
EN_NEGATORS = frozenset("no not never nobody none without nothing noone nor neither didnt dont doesnt isnt wasnt "
                    "arent werent cant wont couldnt hasnt havent hadnt".split())


@dataclass(slots=True)
class CallFeatures:
    text: str                # normalised text
    cues: set[str]           # lexicon features ("T:medical", "FN:injured", ...), each valued 1
    hits: list[Hit]          # the cue matches behind `cues`, for reasons
    masked: list[str]        # misleading phrases that were set aside
    heard: list[tuple[str, str]]  # sound-alike spans read as the cue meant: (heard, meant)
    latin: bool              # the text has English words or numbers
    zh_n: int                # n-gram settings of the model file
    neg: bool
    # The n-grams, each valued 1/sqrt(their number): with the compiled kernel as 64-bit keys
    # (`keys`, no strings made), without it as strings (`grams`, made on first use).
    keys: bytes | None = None
    _grams: set[str] | None = None
    animal: frozenset[str] = frozenset()  # flags whose cues were set aside as about an animal

    @property
    def grams(self) -> set[str]:
        if self._grams is None:
            self._grams = ngrams(self.text, self.zh_n, self.latin, self.neg)
        return self._grams

    @property
    def n_grams(self) -> int:
        return len(self.keys) >> 3 if self.keys is not None else len(self.grams)


def ngrams(t: str, zh_n: int = DEFAULT_ZH_NGRAM, latin: bool | None = None, neg: bool = False) -> set[str]:
    """Character 1..zh_n-grams of a text that is not pure ASCII, English words and word pairs.

    Character n-grams (up to three characters) run over the whole text, punctuation included:
    rare ones fall below the training vocabulary's document-frequency floor. With `neg` (a setting of the model file, `features.neg_grams`),
    the n-grams just after a negator are added once more, marked "~".
    """
    if t.isascii():
        grams: set[str] = set()
    else:
        grams = set(t)
        if zh_n >= 2:
            bigrams = list(map(add, t, t[1:]))
            grams.update(bigrams)
            if zh_n >= 3:
                grams.update(map(add, bigrams, t[2:]))
    if latin if latin is not None else _LATIN.search(t):
        words = en_words(t)
        ws = ["w:" + w for w in words]
        grams.update(ws)
        grams.update(map(add, ws, map("_".__add__, words[1:])))
        if neg and not EN_NEGATORS.isdisjoint(words):
            for i, w in enumerate(words):
                if w in EN_NEGATORS:
                    grams.update("~" + x for x in ws[i + 1:i + 4])
    if neg and not t.isascii():
        grams.update(zh_neg_grams(t))
    return grams


def zh_neg_grams(t: str) -> list[str]:
    """The character pairs (or the one character) after each Chinese negator, marked "~"."""
    out: list[str] = []
    for m in _ZH_NEG.finditer(t):
        s = m.group(1)
        out += ["~" + s[i:i + 2] for i in range(max(1, len(s) - 1))]
    return out


def cue_grams(text: str, cue: str, zh_n: int = DEFAULT_ZH_NGRAM) -> set[str]:
    """The n-grams of `text` that touch the cue word where it stands ('车祸 两人受伤', cue '受伤':
    受, 伤, 受伤, 人受; an English cue: its words and the word pairs touching them)."""
    if cue.isascii():
        words, cw = en_words(text), en_words(cue)
        out: set[str] = set()
        for i in range(len(words) - len(cw) + 1):
            if words[i:i + len(cw)] == cw:
                out.update("w:" + w for w in cw)
                out.update(f"w:{a}_{b}" for a, b in zip(words[max(0, i - 1):i + len(cw)], words[i:i + len(cw) + 1]))
        return out
    out = set()
    start = text.find(cue)
    while start >= 0:
        for n in range(1, zh_n + 1):
            out.update(text[j:j + n] for j in range(max(0, start - n + 1), start + len(cue)) if j + n <= len(text))
        start = text.find(cue, start + 1)
    return out


def cue_features(hits: list[Hit], masked: list[str]) -> set[str]:
    cues = {h[5] for h in hits}
    cues.discard(None)
    if masked:
        cues.add("MASK")
    return cues


def extract(lexicon: Lexicon, text: str, zh_n: int = DEFAULT_ZH_NGRAM, neg: bool = False,
            kernel=None) -> CallFeatures:
    """Features of one call. With `kernel` (the compiled `_grams.Grams` for these settings, see
    engine/kernel.py) the n-grams come as keys; without it, as the strings of `ngrams`."""
    norm, heard = lexicon.normalize(text)
    scan = lexicon.analyse(norm)
    feats = CallFeatures(norm, cue_features(scan.hits, scan.masked), scan.hits, scan.masked, heard, scan.latin,
                         zh_n, neg, animal=scan.animal)
    if kernel is not None:
        feats.keys = kernel.keys(norm, scan.latin, zh_neg_grams(norm) if neg and not norm.isascii() else ())
    else:
        feats._grams = ngrams(norm, zh_n, scan.latin, neg)
    return feats
