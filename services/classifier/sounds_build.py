"""Write the sound tables that the classifier's sound-alike repair reads (data/sounds.txt,
data/common_words.txt, data/simplified.txt). A build step, not run time: it needs pypinyin, jieba
(dev extras) and hanziconv (`pip install hanziconv`: only this step needs it).

    python -m services.classifier.sounds_build

sounds.txt      one line per pinyin syllable with its tone (bing4): the syllable, a space, every
                CJK character whose most common reading it is (pypinyin's default reading)
simplified.txt  one line per traditional character whose simplified form differs: the two
                characters (hanziconv, character by character; characters of the simplified
                standard set GB 2312 are never rewritten)
common_words.txt  the 2-, 3- and 4-character words of jieba's dictionary used at least MIN_FREQ
                times: real words that the repair must never rewrite into a cue (一滴水 is not
                一地水) nor split (腿脚不行 is not 腿叫不醒)
"""

import os
import sys
from collections import defaultdict

from services.classifier.engine.sounds import COMMON_FILE, SOUNDS_FILE
from services.classifier.engine.text import SIMPLIFIED_FILE

MIN_FREQ = 30
CJK = range(0x4E00, 0x9FA6)


def _in_gb2312(ch: str) -> bool:
    """Whether a character belongs to the simplified standard set: hanziconv also maps common
    simplified characters to rare variants (糊 煳, 呼 唿, 溜 熘), which must stay as they are."""
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def main() -> int:
    import jieba
    from pypinyin import Style, pinyin

    by_sound: dict[str, list[str]] = defaultdict(list)
    for cp in CJK:
        ch = chr(cp)
        reading = pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
        if reading and reading[0] and reading[0][0][:1].isalpha():
            by_sound[reading[0][0]].append(ch)
    with open(SOUNDS_FILE, "w", encoding="utf-8") as fh:
        for syllable in sorted(by_sound):
            fh.write(f"{syllable} {''.join(by_sound[syllable])}\n")
    words = set()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) in (2, 3, 4) and int(parts[1]) >= MIN_FREQ:
                words.add(parts[0])
    with open(COMMON_FILE, "w", encoding="utf-8") as fh:
        fh.write("\n".join(sorted(words)) + "\n")
    from hanziconv import HanziConv
    pairs = [(chr(cp), HanziConv.toSimplified(chr(cp))) for cp in CJK]
    pairs = [(t, s) for t, s in pairs if len(s) == 1 and s != t and not _in_gb2312(t)]
    with open(SIMPLIFIED_FILE, "w", encoding="utf-8") as fh:
        fh.writelines(f"{t} {s}\n" for t, s in pairs)
    print(f"{len(by_sound)} syllables; {len(words)} common words; {len(pairs)} traditional characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
