"""Sound-alike repair of speech-to-text slips (services/classifier/engine/sounds.py)."""

import pytest

from schemas.codes import Agency
from schemas.policy import load_policy
from services.classifier.engine.sounds import SoundRepair, load_common, load_table


@pytest.fixture(scope="module")
def repair():
    return SoundRepair(["液化气", "高空抛物", "救护车", "打老婆", "伤了"], load_table(), load_common())


@pytest.mark.parametrize("heard, meant", [
    ("饭馆门口叶化气罐嘶嘶响", "饭馆门口液化气罐嘶嘶响"),
    ("有人高空跑物", "有人高空抛物"),
    ("快叫旧户车", "快叫救护车"),
])
def test_a_slip_that_sounds_like_a_cue_is_read_as_the_cue(repair, heard, meant):
    text, fixes = repair.repair(heard)
    assert text == meant
    assert fixes and len(text) == len(heard)


@pytest.mark.parametrize("text", [
    "他大老婆来了",        # a real word that sounds like a cue (打老婆) stays
    "手机落车上了",        # two-character cues are never repaired (上了 / 伤了)
    "液化气罐没事",        # the cue itself: nothing to repair
    "楼道里很安静",
])
def test_real_words_and_short_spans_are_left_alone(repair, text):
    assert repair.repair(text) == (text, [])


@pytest.mark.parametrize("cue, text", [
    ("叫不醒", "老人腿脚不行，爬不了楼"),      # 腿脚 is a word: not 腿叫不醒
    ("偷东西", "信箱里头东西被抽走了"),        # 里头: not 里偷东西
    ("滑下来", "保姆打电话下来说的"),          # 电话: not 电滑下来
])
def test_a_repair_never_splits_a_word_the_caller_said(cue, text):
    assert SoundRepair([cue], load_table(), load_common()).repair(text) == (text, [])


def test_a_slip_next_to_a_word_it_does_not_split_is_still_repaired():
    assert SoundRepair(["叫不醒"], load_table(), load_common()).repair("我爸脚不醒了")[0] == "我爸叫不醒了"


def test_a_differing_grammar_word_is_not_a_slip():
    repair = SoundRepair(["没打人"], load_table(), load_common())
    assert repair.repair("周围没大人") == ("周围没大人", [])


def test_a_slip_the_rewrite_table_does_not_know_still_reaches_119_with_a_reason(engine):
    c = engine.classify("楼道里一股业化气味儿 好冲 六楼", load_policy())
    assert Agency.FIRE_119 in c.agencies
    assert any("'业化气味' as '液化气味'" in r for r in c.reasons)


@pytest.mark.parametrize("text, agency", [
    ("写字楼电梯急停，内有五人被困约二十分钟", Agency.FIRE_119),   # 五人被困 sounds like 无人被困
    ("路口两车相撞，五人受伤", Agency.EMS_120),                    # 五人受伤 sounds like 无人受伤
])
def test_a_repair_never_writes_a_denial_in(engine, text, agency):
    c = engine.classify(text, load_policy())
    assert agency in c.agencies, c.reasons
    assert not any("as '无人" in r for r in c.reasons)


@pytest.mark.parametrize("text, meant", [
    ("楼上漏水 冇人受伤", "楼上漏水 没人受伤"),
    ("佢喺入面", "他在里面"),
    ("晕咗，叫唔醒", "晕了,叫不醒"),
    ("唔该晒", "谢谢晒"),
    ("两班人打交，有个人个头爆咗", "两班人打架,有个人个头破了"),
    ("跟物业打交道真累", "跟物业打交道真累"),          # 打交道 is no fight
    ("成晚嗡嗡声，瞓唔着", "整晚嗡嗡声,睡不着"),
    ("我个女困咗喺𨋢入面", "我女儿困了在电梯里面"),
])
def test_cantonese_words_read_as_their_mandarin(engine, text, meant):
    assert engine.lexicon.normalize(text)[0] == meant


def test_a_cantonese_denial_is_a_denial(engine):
    c = engine.classify("楼上漏水 冇人受伤 就是地板全湿了", load_policy())
    assert not c.flags.injured and Agency.EMS_120 not in c.agencies, c.reasons


@pytest.mark.parametrize("text, agency", [
    ("樓上著火了 好大的煙", Agency.FIRE_119),             # traditional characters, as written in Hong Kong and Taiwan
    ("我爸爸暈倒了 叫不醒 快叫救護車", Agency.EMS_120),
    ("電梯壞了 有人被困在裡面", Agency.FIRE_119),
])
def test_traditional_characters_are_read_as_simplified(engine, text, agency):
    c = engine.classify(text, load_policy())
    assert agency in c.agencies, c.reasons
    assert not set(engine.features(text).text) & set("樓著煙暈護電壞裡")


@pytest.mark.parametrize("text", [
    "有人偷手机 我看到了 他还在车上",        # 'saw it', not 砍倒了 (chopped down)
    "居民楼起火 住户正在撤离",              # 'evacuating', not 在车里 (in the car)
])
def test_a_phrase_the_lexicon_keeps_is_never_rewritten(engine, text):
    c = engine.classify(text, load_policy())
    assert not any("read as sounding alike" in r for r in c.reasons), c.reasons


def test_a_rewrite_table_takes_the_longest_phrase_at_each_position():
    """The rewrite tables are tries: at each position the longest phrase wins, as the flat
    alternation (longest first) it replaced, and a shorter phrase still matches alone."""
    from services.classifier.engine.text import Normalizer
    n = Normalizer({"好似": "好像", "好似系": "好像是", "好": "很", "唔": "不", "唔该": "谢谢"})
    assert n.normalize("好似系佢，好似唔系，好嘈，唔该") == "好像是佢,好像不系,很嘈,谢谢"
