"""Calls typed in toneless pinyin (services/classifier/engine/pinyin.py): read as characters, so
a collapse or a fire typed without a Chinese input method still reaches 120 or 119."""

import pytest

from schemas.codes import Agency, CallType
from schemas.policy import load_policy
from services.classifier.engine.lexicon import load_lexicon


@pytest.fixture(scope="module")
def reader():
    return load_lexicon().pinyin


@pytest.mark.parametrize("text, agency", [
    ("laoren shuaidao le tou po le liu hen duo xue zai xiaoqu menkou", Agency.EMS_120),
    ("wo ma yun dao le, jiao bu xing, kuai lai jiu hu che", Agency.EMS_120),
    ("zhao huo le! chufang zhao huo le, kuai lai a", Agency.FIRE_119),
    ("dian ti guan ren le, li mian you ge lao ren, men da bu kai", Agency.FIRE_119),
    ("lou xia you ren da jia, you ren tou liu xue le", Agency.POLICE),
])
def test_an_emergency_typed_in_pinyin_reaches_its_agency(engine, text, agency):
    c = engine.classify(text, load_policy())
    assert agency in c.agencies, c.reasons
    assert any(r.startswith("read from pinyin: ") for r in c.reasons), c.reasons
    assert c.review and any("typed in pinyin, check the reading" in r for r in c.reasons)


def test_pinyin_words_inside_an_english_call_are_read_too(engine):
    c = engine.classify("lou shang lou shui, bathroom ceiling raining, upstairs no open door", load_policy())
    assert "楼上漏水" in engine.features("lou shang lou shui, bathroom ceiling raining").text
    assert c.call_type == CallType.WATER_LEAK, c.reasons


@pytest.mark.parametrize("text", [
    "a woman rang saying she is from my bank and my card was frozen",
    "fake police rang me, said my card was linked to money laundering",
    "the factory behind my house machine running all night, very noisy",
    "no heating since monday",
    "a man ran off with my bag",
])
def test_english_is_left_as_it_is(reader, text):
    assert reader.read(text) == text


def test_a_word_splits_into_the_fewest_syllables(reader):
    assert reader.syllables("shuaidao") == ["shuai", "dao"]
    assert reader.syllables("jiuhuche") == ["jiu", "hu", "che"]
    assert reader.syllables("heating") is None  # a vowel alone is a syllable only as a whole word
