"""Text normalisation for caller addresses: one canonical spelling for the resolver to match.

Pure string processing, applied alike to what callers say and to the directory's aliases, so an
alias written once covers its variants: full-width forms, case, spaces and punctuation, Chinese
numerals (二/两/贰 -> 2, 十二 -> 12, 四零二 -> 402), English words (Area Two -> 2区, Building 5 ->
5号楼, north gate -> 北门) and speech-to-text slips (元 -> 园). Slips are one character for one and
come last, so a slipped and an unslipped normalisation line up character by character: the
resolver compares them to see whether a match needed a slip.
"""

import re
import unicodedata
from collections.abc import Mapping

_DIGIT = {"零": 0, "〇": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
          "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
          "九": 9, "玖": 9}
_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100}
_NUMERAL_RUN = re.compile(f"[{''.join(_DIGIT)}{''.join(_UNIT)}]+")

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4}
_PINYIN_QU = {"yi": 1, "er": 2, "san": 3, "si": 4, "wu": 5}

# English (and pinyin) address words, rewritten in this order: building before area, so that
# "No.2 Area Building 5" and "Building 5, Area 2" both come out as 2区 and 5号楼.
_ENGLISH = [
    (re.compile(r"\b(?:no|number)\s*\.?\s*(?=\d)"), ""),
    (re.compile(r"\b(?:building|bldg|bld|block|tower|lou)\s*\.?\s*#?\s*(\d+)"), r" \1号楼 "),
    (re.compile(r"(\d+)\s*(?:hao\s*lou|building|bldg)\b"), r" \1号楼 "),
    (re.compile(r"\bunit\s*(\d+)"), r" \1单元 "),
    (re.compile(r"(\d+)\s*dan\s*yuan\b"), r" \1单元 "),
    (re.compile(r"\b(?:room|rm|flat|apt)\s*\.?\s*(\d+)"), r" \1室 "),
    (re.compile(r"(\d+)\s*(?:area|district|zone|sector|qu)\b"), r" \1区 "),
    (re.compile(r"\b(?:area|district|zone|sector|qu)\s*(\d+)"), r" \1区 "),
    (re.compile(r"\b(north|south|east|west)\s*gate\b"), lambda m: _GATES[m.group(1)]),
    (re.compile(r"\b(?:community|neighbou?rhood|shequ)\b"), "社区"),
    (re.compile(r"\b(?:compound|xiaoqu|residential\s+area|estate)\b"), "小区"),
]
_GATES = {"north": "北门", "south": "南门", "east": "东门", "west": "西门"}

# Building markers: 5#, 5#楼, 5栋, 5幢, 5座 -> 5号楼; "5楼3单元" means building 5, not floor 5.
_BUILDING = [
    (re.compile(r"(\d+)#楼?"), r"\1号楼"),
    (re.compile(r"(\d+)(?:栋|幢|座|号院楼)"), r"\1号楼"),
    (re.compile(r"(\d+)号?楼(?=\d+单元)"), r"\1号楼"),
]
_DROP = re.compile(r"[^0-9a-z#\-\u4e00-\u9fff]")


def chinese_number(run: str) -> str:
    """A run of Chinese numerals as digits: 十二 -> 12, 一百零二 -> 102, 四零二 -> 402."""
    if not any(ch in _UNIT for ch in run):
        return "".join(str(_DIGIT[ch]) for ch in run)
    total, digit = 0, None
    for ch in run:
        if ch in _UNIT:
            total += (1 if digit is None else digit) * _UNIT[ch]
            digit = None
        else:
            digit = _DIGIT[ch]
    return str(total + (digit or 0))


def _english(text: str) -> str:
    text = re.sub(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", lambda m: str(_WORD_NUMBERS[m.group(1)]), text)
    text = re.sub(r"\b(yi|er|san|si|wu)\s*qu\b", lambda m: f"{_PINYIN_QU[m.group(1)]}区", text)
    for pattern, repl in _ENGLISH:
        text = pattern.sub(repl, text)
    return text


def normalise(text: str, slips: Mapping[str, str] | None = None) -> str:
    """The canonical form of an address or alias; `slips` maps misheard characters to intended ones."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("－", "-").replace("—", "-")
    text = _english(text)
    text = _NUMERAL_RUN.sub(lambda m: chinese_number(m.group(0)), text)
    text = _DROP.sub("", text)
    for pattern, repl in _BUILDING:
        text = pattern.sub(repl, text)
    if slips:
        text = "".join(slips.get(ch, ch) for ch in text)
    return text
