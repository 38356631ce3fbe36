"""Write data/pinyin_words.txt, the table that reads calls typed in toneless pinyin
(engine/pinyin.py). A build step, not run time: it needs pypinyin and jieba (dev extras).

    python -m services.classifier.pinyin_build

Candidates: the lexicon's Chinese cue words, jieba's words of two to four characters used at least
MIN_FREQ times, the runs of two to four characters that the training split's calls use at least
MIN_USED times, and every CJK character. Each gets all its toneless readings (the word's reading in
context and its characters' usual readings: 流血 is liu'xie and liu'xue; ü typed as v or u). For each reading the table
keeps one word: the candidate that the training split's calls use most (liu'xue is 流血 there,
not 留学; lou'dao 楼道, not 漏到), then a lexicon cue word, then the one jieba's dictionary uses
most.
One line per reading: the syllables joined by "'", a space, the word. Then one line "en: word"
per English word that splits into syllables too (po-li-ce, wo-man), from the English training calls.
"""

import os
import re
import sys
from collections import Counter

from services.classifier.data.splits import load_corpus, split
from services.classifier.engine.lexicon import load_lexicon
from services.classifier.engine.pinyin import PINYIN_FILE, PinyinReader

MIN_FREQ = 30
MIN_ENGLISH = 3  # uses in the English training calls that make a word that splits into syllables English
MIN_USED = 5  # a run of characters the training calls use this often is a candidate too (没人, 快来)


def _is_han(w: str) -> bool:
    return all("\u4e00" <= c <= "\u9fa5" for c in w)


def readings(word: str, pinyin, style) -> list[str]:
    """The word's reading in context (流血 liu'xie), and its characters' usual readings (liu'xue).
    Rare readings of a character are left out: they would let odd words take common sounds."""
    phrase = pinyin(word, style=style, errors="ignore")
    chars = [pinyin(c, style=style, errors="ignore") for c in word]
    if len(phrase) != len(word) or not all(chars):
        return []
    keys = []
    for combo in ([p[0] for p in phrase], [c[0][0] for c in chars]):
        key = "'".join(combo)
        keys.append(key)
        if "v" in key:
            keys.append(key.replace("v", "u"))  # ü typed as u: nv'er, nu'er
    return keys


def main() -> int:
    import jieba
    from pypinyin import Style, pinyin

    cues = {w for w in load_lexicon().zh_cues if 1 < len(w) <= 4 and _is_han(w)}
    dict_freq: dict[str, int] = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) <= 4:
                dict_freq[parts[0]] = int(parts[1])
    train, _ = split(load_corpus())
    used: Counter[str] = Counter()
    for r in train:
        t = r["text"]
        for n in range(1, 5):
            used.update(t[i:i + n] for i in range(len(t) - n + 1))
    words = {w for w, f in dict_freq.items() if len(w) >= 2 and f >= MIN_FREQ} | cues
    words |= {chr(cp) for cp in range(0x4E00, 0x9FA6)}
    words |= {w for w, k in used.items() if k >= MIN_USED and len(w) >= 2 and _is_han(w)}
    best: dict[str, tuple[tuple[int, int, int], str]] = {}
    for w in words:
        rank = (used.get(w, 0), w in cues, dict_freq.get(w, 0))
        for key in readings(w, pinyin, Style.NORMAL):
            if key not in best or rank > best[key][0]:
                best[key] = (rank, w)
    table = {key: w for key, (_, w) in best.items()}
    # English words of the English training calls that split into two or more syllables
    # (po-li-ce, wo-man, sa-ying): they break a run of pinyin in an English call.
    reader = PinyinReader(table)
    en_used = Counter(w for r in train if r.get("lang") == "en" for w in re.findall(r"[a-z]+", r["text"].lower()))
    english = sorted(w for w, k in en_used.items() if k >= MIN_ENGLISH and len(reader.syllables(w) or ()) >= 2)
    with open(PINYIN_FILE, "w", encoding="utf-8") as fh:
        for key in sorted(table):
            fh.write(f"{key} {table[key]}\n")
        fh.writelines(f"en: {w}\n" for w in english)
    print(f"{len(table)} readings from {len(words)} words ({len(cues)} cue words); {len(english)} English words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
