"""Text normalisation: width, case, speech-to-text homophones, and masking of misleading phrases.

Masking keeps positions (a masked phrase becomes '#' of the same length), so that cue offsets
in the masked text line up with the normalised text shown in reasons. Rewrites and masks are each
one compiled alternation (longest phrase first), so a call is scanned once per table, not once
per phrase.
"""

import re
import unicodedata
from collections.abc import Iterable

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_EN_TOKEN = re.compile(r"[a-z]+|\d+|[.,;:!?]")
_EN_WORD = re.compile(r"[a-z]+|\d+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def _alternation(phrases: Iterable[str]) -> re.Pattern | None:
    phrases = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None


class Normalizer:
    def __init__(self, rewrites: dict[str, str], masks: Iterable[str]) -> None:
        self._rewrites = {str(k).lower(): str(v).lower() for k, v in rewrites.items()}
        self._rewrite_re = _alternation(self._rewrites)
        self._mask_re = _alternation(m.lower() for m in masks)

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
        t = text.lower()
        if "\u2019" in t or "\u2018" in t:
            t = t.translate(_QUOTES)
        if self._rewrite_re is not None and self._rewrite_re.search(t):
            t = self._rewrite_re.sub(self._rewrite, t)
        return t

    def mask(self, t: str) -> tuple[str, list[str]]:
        """The text with misleading phrases blanked out, and the phrases found."""
        if self._mask_re is None:
            return t, []
        found = self._mask_re.findall(t)
        if not found:
            return t, found
        return self._mask_re.sub(lambda m: "#" * len(m.group()), t), list(dict.fromkeys(found))


def cjk_runs(t: str) -> list[str]:
    return _CJK_RUN.findall(t)


def en_tokens(t: str) -> list[str]:
    """Lower-case English words, numbers and clause punctuation, apostrophes dropped."""
    return _EN_TOKEN.findall(t.replace("'", ""))


def en_words(t: str) -> list[str]:
    """Lower-case English words and numbers (no punctuation), apostrophes dropped."""
    return _EN_WORD.findall(t.replace("'", ""))
