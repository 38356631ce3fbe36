"""Features of one call: character n-grams (Chinese), word n-grams (English), and lexicon cues.

The same function feeds training (services/classifier/train.py) and run-time inference, so the
model file always sees the features it was trained on.
"""

from dataclasses import dataclass

from services.classifier.engine.lexicon import Hit, Lexicon
from services.classifier.engine.text import cjk_runs, en_tokens

_LEX_PREFIX = {("T", "pos"): "T:", ("T", "unc"): "T:", ("T", "neg"): "TN:",
               ("W", "pos"): "W:", ("W", "unc"): "W:",
               ("F", "pos"): "F:", ("F", "neg"): "FN:", ("F", "unc"): "FU:",
               ("D", "pos"): "D:"}


@dataclass(frozen=True, slots=True)
class CallFeatures:
    text: str                # normalised text
    grams: frozenset[str]    # n-gram features, each valued 1/sqrt(len(grams))
    cues: frozenset[str]     # lexicon features ("T:medical", "FN:injured", ...), each valued 1
    hits: tuple[Hit, ...]    # the cue matches behind `cues`, for reasons
    masked: tuple[str, ...]  # misleading phrases that were set aside


def ngrams(t: str) -> set[str]:
    grams: set[str] = set()
    add = str.__add__
    for run in cjk_runs(t):
        grams.update(run)
        bigrams = list(map(add, run, run[1:]))
        grams.update(bigrams)
        grams.update(map(add, bigrams, run[2:]))
    words = [w for w in en_tokens(t) if w.isalnum()]
    if words:
        grams.update("w:" + w for w in words)
        grams.update("w:" + a + "_" + b for a, b in zip(words, words[1:]))
    return grams


def extract(lexicon: Lexicon, text: str) -> CallFeatures:
    norm = lexicon.normalizer.normalize(text)
    masked, found = lexicon.normalizer.mask(norm)
    hits = lexicon.scan(masked)
    cues = set()
    for kind, label, _cue, status in hits:
        prefix = _LEX_PREFIX.get((kind, status))
        if prefix:
            cues.add(prefix + label)
    if found:
        cues.add("MASK")
    return CallFeatures(norm, frozenset(ngrams(norm)), frozenset(cues), tuple(hits), tuple(found))
