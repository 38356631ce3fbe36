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
