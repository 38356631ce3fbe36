"""Write data/english_words.txt, the English words that the spelling repair (engine/spelling.py)
never rewrites. A build step, not run time: it needs pyspellchecker (`pip install
pyspellchecker`: only this step needs it).

    python -m services.classifier.spelling_build

The words of pyspellchecker's English list used at least MIN_FREQ times in its corpus, and every
word of the English training calls used at least MIN_USED times (place names, 'wechat', 'xiaoqu').
"""

import re
import sys
from collections import Counter

from services.classifier.data.splits import load_corpus, split
from services.classifier.engine.spelling import ENGLISH_FILE

MIN_FREQ = 10
MIN_USED = 3


def main() -> int:
    from spellchecker import SpellChecker

    words = {w for w, f in SpellChecker().word_frequency.dictionary.items() if f >= MIN_FREQ and w.isalpha()}
    train, _ = split(load_corpus())
    used = Counter(w for r in train if r.get("lang") == "en" for w in re.findall(r"[a-z]+", r["text"].lower()))
    words |= {w for w, k in used.items() if k >= MIN_USED}
    with open(ENGLISH_FILE, "w", encoding="utf-8") as fh:
        fh.write("\n".join(sorted(w for w in words if w.isascii())) + "\n")
    print(f"{len(words)} English words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
