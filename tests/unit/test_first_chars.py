"""The first-character sets that let the lexicon skip a Chinese pattern's regex (engine/first_chars.py)."""

import re

import pytest

from services.classifier.engine import load_engine
from services.classifier.engine.first_chars import first_chars


@pytest.mark.parametrize("regex,chars", [
    ("(?:掉|落)(?:进|入)?了?水里", "掉落"),
    ("(?:被|遭)?烟?给?(?:呛|熏)到", "被遭烟给呛熏"),  # optional parts let the next one start
    ("炸弹|爆炸物", "炸爆"),
    ("[a-c]x|y", "abcy"),
    (r"\b(?:甲|乙)", "甲乙"),  # a zero-width assertion lets the next element start
])
def test_first_chars_lists_every_possible_start(regex, chars):
    assert first_chars(regex) == frozenset(chars)


@pytest.mark.parametrize("regex", [
    "[^，。]{0,3}?车",  # a negated class can start with anything
    "(?:车)?",  # can match the empty string
    ".车",
    r"\w+车",
])
def test_first_chars_gives_up_when_the_start_is_open(regex):
    assert first_chars(regex) is None


def test_every_lexicon_pattern_match_starts_with_one_of_its_first_chars():
    engine = load_engine()
    texts = ["有个孩子掉进河里了", "楼上掉下来个螺丝刀 插我车引擎盖上了", "两辆电动车撞了", "我被烟呛到了",
             "有人把井盖偷走了", "单元门口有个炸弹", "大货车把摩托车压底下了", "他堵着门不准我走"]
    checked = 0
    for first, verb, _, _ in engine.lexicon._zh_patterns:
        assert first is not None, verb.pattern  # every Chinese pattern of the shipped lexicon has one
        for t in texts:
            for m in re.finditer(verb, t):
                assert t[m.start()] in first, (verb.pattern, t)
                checked += 1
    assert checked >= len(texts)
