"""The first-character sets that let the lexicon skip a Chinese pattern's regex (engine/first_chars.py)."""

import re

import pytest

from services.classifier.engine import load_engine
from services.classifier.engine.first_chars import anchor_chars, first_chars


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


def test_every_lexicon_pattern_match_holds_one_of_its_anchor_chars():
    """The lexicon runs a Chinese pattern only on calls holding one of its anchor characters: sound
    only if every match of the whole pattern holds one."""
    engine = load_engine()
    texts = ["有个孩子掉进河里了", "楼上掉下来个螺丝刀 插我车引擎盖上了", "两辆电动车撞了", "我被烟呛到了",
             "有人把井盖偷走了", "单元门口有个炸弹", "大货车把摩托车压底下了", "他堵着门不准我走",
             "电梯关人了 里面两个老人", "我老公把我反锁在屋里了", "我爸三天没见着人了"]
    checked = 0
    for anchor, _, rx, _ in engine.lexicon._zh_patterns:
        assert anchor is not None, rx.pattern  # every Chinese pattern of the shipped lexicon has one
        for t in texts:
            for m in rx.finditer(t):
                assert anchor & set(m.group()), (rx.pattern[:60], t)
                checked += 1
    assert checked >= len(texts)


@pytest.mark.parametrize("regex,chars", [
    ("(?:人|我|他)(?:被)?车撞", "撞"),  # a rare part every match passes through, not the first
    ("(?:人|我)[^。]{0,3}?(?:掉|落)(?:进|入)?水里", "水"),  # after an open gap
    ("(?:x车从|.把)", "x把"),  # alternatives: one set from each
    ("(?:甲|乙)|(?:丙)丁", "甲乙丁"),
    ("[^，。]{0,8}?(?:爬|攀)", "爬攀"),  # no first character, but a verb
    ("(?<!交)关人", "关"),  # a look-behind is no part of the match
])
def test_anchor_chars_finds_a_rare_part_every_match_holds(regex, chars):
    weight = {"人": 100, "我": 100, "他": 100, "车": 50, "从": 2, "丙": 50}.get
    assert anchor_chars(regex, lambda ch: weight(ch, 1)) == frozenset(chars)


@pytest.mark.parametrize("regex", ["(?:车)?", "[^，。]+", ".{2}", "x*"])
def test_anchor_chars_gives_up_when_a_match_need_hold_nothing_listed(regex):
    assert anchor_chars(regex, lambda ch: 1) is None


def test_every_english_pattern_match_has_a_word_with_the_first_letters_of_a_leading_word():
    """The English pre-test (lexicon `_en_pre3`) skips a pattern when no word of the call starts
    with the first three letters of one of its leading words (or of its `needs` words, which may
    stand anywhere in the match): sound only if every match has such a word."""
    from services.classifier.engine.text import en_tokens
    engine = load_engine()
    lexicon = engine.lexicon
    texts = ["A man dragged a little boy into a grey car outside the school gate",
             "someone's smashed my car window", "a taxi knocked her down at the crossing",
             "there's a man in the water under the bridge", "my bike got stolen last week",
             "the worker is hanging on his safety rope", "kids have sprayed paint on the wall"]
    checked = 0
    for (_, _, rx, _), pre3 in zip(lexicon._en_patterns, lexicon._en_pre3):
        for text in texts:
            t = lexicon.normalize(text)[0]
            for m in rx.finditer(t):
                if pre3 is not None:
                    words = en_tokens(t[m.start():m.end()])
                    assert any(w[:3] in pre3 for w in words), (rx.pattern[:60], text)
                checked += 1
    assert checked >= 5


@pytest.mark.parametrize("regex,words", [
    ("(?:pulled|dragged) (?:a|the) girl", ("pulled", "dragged")),  # a leading group, then more
    ("(?:man|woman)(?!'s)", ("man", "woman")),
    ("(?:pulled|dragged) x|y", None),  # an alternative outside the group
    ("(?:pulled|dragged)? x", None),  # an optional group
    ("(?:cars?|vans?) hit", ("car", "van")),
])
def test_leading_words_of_an_english_pattern(regex, words):
    from services.classifier.engine.lexicon import _leading_words
    assert _leading_words(regex) == words
