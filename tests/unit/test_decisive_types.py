"""Decisive type cues (engine/decide.py, lexicon `decisive` under a call type): a crowd crush is
police work and a smoking fuse box a fire whatever type the model reads, unless the model all but
rules that type out, and only when the cue is asserted (not denied)."""

from services.classifier.engine.decide import DECISIVE_TYPE_FLOOR, Evidence, choose_type
from services.classifier.train import TYPES

FUSE_BOX = "楼上漏水 漏到我家电闸上了 电闸冒烟了"
NO_SMOKE = "楼上漏水 漏到我家电闸上了 电闸没冒烟"


def type_probs(top: str, fire: float) -> dict[str, float]:
    rest = (1.0 - 0.9 - fire) / (len(TYPES) - 2)
    return {t: 0.9 if t == top else fire if t == "fire" else rest for t in TYPES}


def test_a_decisive_cue_overrides_the_model_type(engine):
    ev = Evidence(engine.features(FUSE_BOX))
    top = choose_type(ev, type_probs("water_leak", 0.05), 0.3, reasons := [])
    assert top == "fire"
    assert any("decisive cues '电闸冒烟' (model's type was water_leak)" in r for r in reasons), reasons


def test_not_when_the_model_all_but_rules_the_type_out(engine):
    ev = Evidence(engine.features(FUSE_BOX))
    assert choose_type(ev, type_probs("water_leak", DECISIVE_TYPE_FLOOR / 2), 0.3, []) == "water_leak"


def test_a_rule_without_a_floor_decides_even_what_the_model_rules_out(engine):
    """lexicon rule patterns with `floor: false` (thirty-first session): a vehicle that knocked a
    person down is a traffic accident even when the model reads the call medical at 0.99."""
    ev = Evidence(engine.features("A taxi just knocked down an old man on the crossing, he can't stand up"))
    probs = {t: 0.99 if t == "medical" else DECISIVE_TYPE_FLOOR / 2 for t in TYPES}
    assert choose_type(ev, probs, 0.3, reasons := []) == "police_matter", reasons
    ev = Evidence(engine.features(FUSE_BOX))  # an ordinary decisive cue keeps its floor
    assert choose_type(ev, type_probs("water_leak", DECISIVE_TYPE_FLOOR / 2), 0.3, []) == "water_leak"


def test_a_denied_cue_decides_nothing(engine):
    ev = Evidence(engine.features(NO_SMOKE))
    assert choose_type(ev, type_probs("water_leak", 0.05), 0.3, []) == "water_leak"


def test_a_crush_in_english_is_police_work(engine):
    ev = Evidence(engine.features("stampede at the station gate, a boy went down and people are on top of him"))
    probs = {t: 0.9 if t == "medical" else 0.0125 for t in TYPES}
    assert choose_type(ev, probs, 0.3, []) == "police_matter"


def test_a_correction_voids_them(engine, policy):
    # the caller takes back the crush: the model reads the call, no police for dancers
    for text in ("我刚才说广场上踩踏了，是我看错了，是跳广场舞的人在做游戏，不用来了",
                 "false alarm, the crowd crush at the gate was just people hugging, all fine"):
        c = engine.classify(text, policy)
        assert c.call_type.value != "police_matter", c.reasons
        assert not any("decisive cues" in r and r.startswith("type") for r in c.reasons), c.reasons
