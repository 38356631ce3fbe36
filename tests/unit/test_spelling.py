"""Misspelt English cue words (services/classifier/engine/spelling.py): read as the cue, while
real words and their endings stay as they are."""

import pytest

from schemas.codes import Agency
from schemas.policy import load_policy
from services.classifier.engine.lexicon import load_lexicon
from services.classifier.engine.spelling import one_edit


@pytest.fixture(scope="module")
def spelling():
    return load_lexicon().spelling


@pytest.mark.parametrize("text, agency", [
    ("theres a fier in the kichen", Agency.FIRE_119),
    ("my wife is bleding alot", Agency.EMS_120),
    ("man with knif outside", Agency.POLICE),
    ("lift stuk with ppl inside", Agency.FIRE_119),
])
def test_a_misspelt_cue_word_still_reaches_its_agency(engine, text, agency):
    c = engine.classify(text, load_policy())
    assert agency in c.agencies, c.reasons
    assert any(r.startswith("read as misspelt: ") for r in c.reasons), c.reasons


@pytest.mark.parametrize("word", ["hire", "tire", "crackled", "woks", "sills", "slat", "chem", "beiling"])
def test_real_words_and_first_letters_are_never_changed(spelling, word):
    assert spelling.meant(word) is None


def test_one_edit():
    assert one_edit("fier", "fire") and one_edit("knif", "knife") and one_edit("bleding", "bleeding")
    assert one_edit("ambulanse", "ambulance")
    assert not one_edit("fire", "fire") and not one_edit("fier", "free") and not one_edit("ab", "abcd")


@pytest.mark.parametrize("text", ["a" * 20000, "zhao" * 5000, "fier " * 3000, "x" * 50000 + " fire"])
def test_a_huge_word_or_text_is_read_without_blowing_up(engine, text):
    """Spelling and pinyin look-ups are bounded by word length: a 20,000-letter 'word' costs no
    more than a short call would (a slip's candidates would otherwise cost its length squared)."""
    assert engine.classify(text, load_policy()).call_type is not None
