"""Text normalisation: width, case, speech-to-text homophones, and masking of misleading phrases.

Masking keeps positions (a masked phrase becomes '#' of the same length), so that cue offsets
in the masked text line up with the normalised text shown in reasons.
"""

import re
import unicodedata
from collections.abc import Iterable

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_EN_TOKEN = re.compile(r"[a-z]+|\d+|[.,;:!?]")


class Normalizer:
    def __init__(self, rewrites: dict[str, str], masks: Iterable[str]) -> None:
        self._rewrites = [(str(k).lower(), str(v).lower()) for k, v in rewrites.items()]
        # Longest first, so that a long misleading phrase wins over a short one inside it.
        self._masks = sorted({m.lower() for m in masks}, key=len, reverse=True)

    def normalize(self, text: str) -> str:
        t = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
        for old, new in self._rewrites:
            if old in t:
                t = t.replace(old, new)
        return t

    def mask(self, t: str) -> tuple[str, list[str]]:
        """The text with misleading phrases blanked out, and the phrases found."""
        found = []
        for m in self._masks:
            if m in t:
                found.append(m)
                t = t.replace(m, "#" * len(m))
        return t, found


def cjk_runs(t: str) -> list[str]:
    return _CJK_RUN.findall(t)


def en_tokens(t: str) -> list[str]:
    """Lower-case English words, numbers and clause punctuation, apostrophes dropped."""
    return _EN_TOKEN.findall(t.replace("'", ""))
