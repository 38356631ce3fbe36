"""Features of one call: character n-grams (Chinese), word n-grams (English), and lexicon cues.

The same function feeds training (services/classifier/train.py) and run-time inference, so the
model file always sees the features it was trained on. The longest Chinese n-gram is a setting of
the model file (`features.zh_ngram`), so training and inference cannot disagree on it.
"""

from dataclasses import dataclass
from operator import add

from services.classifier.engine.lexicon import Hit, Lexicon
from services.classifier.engine.text import cjk_runs, en_words

_LEX_PREFIX = {("T", "pos"): "T:", ("T", "unc"): "T:", ("T", "neg"): "TN:",
               ("W", "pos"): "W:", ("W", "unc"): "W:",
               ("F", "pos"): "F:", ("F", "neg"): "FN:", ("F", "unc"): "FU:",
               ("D", "pos"): "D:"}
DEFAULT_ZH_NGRAM = 2


@dataclass(slots=True)
class CallFeatures:
    text: str                # normalised text
    grams: set[str]          # n-gram features, each valued 1/sqrt(len(grams))
    cues: set[str]           # lexicon features ("T:medical", "FN:injured", ...), each valued 1
    hits: list[Hit]          # the cue matches behind `cues`, for reasons
    masked: list[str]        # misleading phrases that were set aside


def ngrams(t: str, zh_n: int = DEFAULT_ZH_NGRAM) -> set[str]:
    grams: set[str] = set()
    for run in cjk_runs(t):
        grams.update(run)
        if zh_n >= 2 and len(run) > 1:
            bigrams = list(map(add, run, run[1:]))
            grams.update(bigrams)
            if zh_n >= 3 and len(run) > 2:
                grams.update(map(add, bigrams, run[2:]))
    words = en_words(t)
    if words:
        ws = ["w:" + w for w in words]
        grams.update(ws)
        grams.update(map(add, ws, map("_".__add__, words[1:])))
    return grams


def cue_features(hits: list[Hit], masked: list[str]) -> set[str]:
    cues = {_LEX_PREFIX[kind, status] + label for kind, label, _cue, status in hits
            if (kind, status) in _LEX_PREFIX}
    if masked:
        cues.add("MASK")
    return cues


def extract(lexicon: Lexicon, text: str, zh_n: int = DEFAULT_ZH_NGRAM) -> CallFeatures:
    norm = lexicon.normalizer.normalize(text)
    masked_text, found = lexicon.normalizer.mask(norm)
    hits = lexicon.scan(masked_text)
    return CallFeatures(norm, ngrams(norm, zh_n), cue_features(hits, found), hits, found)
