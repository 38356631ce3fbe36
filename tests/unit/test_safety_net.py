"""The learned safety net: what it adds, why it says it did, and how it is trained."""

import copy
import math

import numpy as np
import pytest

from schemas.codes import Agency
from services.classifier.engine import Engine
from services.classifier.engine.features import extract
from services.classifier.engine.net import SafetyNet, dense_names, signals
from services.classifier.train_net import MISS_COST, decided_rows, fit_net


def with_net(engine: Engine, change) -> Engine:
    """The same engine with an edited copy of its net section."""
    model = copy.copy(engine.model)
    data = {"dense": engine.model.net.dense_names,
            "agencies": {a: {"dense": list(h[0]), "sparse": dict(h[1]), "bias": h[2], "bar": h[3]}
                         for a, h in engine.model.net.heads.items()}}
    change(data)
    model.net = SafetyNet(data)
    return Engine(engine.lexicon, model, engine.version)


def test_shipped_model_has_a_net_with_cost_bars(engine):
    net = engine.model.net
    assert net is not None
    for agency in ("police", "ems_120", "fire_119"):
        assert net.bar(agency) == pytest.approx(1 / (1 + MISS_COST[agency]), abs=1e-4)
    assert net.bar("ems_120") < net.bar("police")  # safety first: a missed ambulance costs more


def test_score_is_the_logistic_of_the_weighted_signals():
    names = dense_names(["a", "b"], ["f"])
    dense = [0.2, 0.7, 0.1] * 4 + [3.0]
    w = [0.5 - 0.1 * i for i in range(len(names))]
    net = SafetyNet({"dense": names, "agencies": {"police": {"dense": w, "sparse": {"T:x": 1.5}, "bias": -0.3,
                                                             "bar": 0.4}}})
    z = -0.3 + sum(a * b for a, b in zip(dense, w)) + 1.5
    assert net.score("police", dense, ["T:x", "unknown"]) == pytest.approx(1 / (1 + math.exp(-z)))


def test_an_agency_the_net_finds_likely_is_added_with_its_reason_and_review(engine, policy):
    text = "楼上漏水 天花板滴水"
    plain = engine.classify(text, policy)
    assert Agency.FIRE_119 not in plain.agencies

    def sure_of_119(data):
        data["agencies"]["fire_119"]["bias"] = 30.0
    c = with_net(engine, sure_of_119).classify(text, policy)
    assert c.agencies[:len(plain.agencies)] == plain.agencies  # the policy's route stays first
    assert Agency.FIRE_119 in c.agencies and c.review
    assert any(r.startswith("safety: fire_119 added, likely needed (1.00 by the learned net") for r in c.reasons)


def test_a_net_below_its_bar_adds_nothing(engine, policy):
    def never(data):
        for h in data["agencies"].values():
            h["bias"] = -30.0
    quiet = with_net(engine, never)
    c = quiet.classify("楼上漏水 天花板滴水 没人受伤", policy)
    assert c.agencies == [Agency.PROPERTY_MANAGEMENT]
    # the caller's own doubt sends the call to review, not 120: only the net adds an agency
    c = quiet.classify("楼上掉下来一块瓷砖砸在人行道上，不知道有没有人受伤", policy)
    assert Agency.EMS_120 not in c.agencies and c.review
    assert any("injured possible" in r for r in c.reasons)


def test_the_net_still_adds_120_when_the_rest_of_a_doubtful_call_says_hurt(engine, policy):
    def always(data):
        data["agencies"]["ems_120"]["bias"] = 30.0
    loud = with_net(engine, always)
    c = loud.classify("楼上掉下来一块瓷砖砸在人行道上，不知道有没有人受伤", policy)
    assert Agency.EMS_120 in c.agencies
    assert not any(r.startswith("unsure:") for r in c.reasons)  # sent: no doubt left to flag


def test_training_learns_which_signal_means_an_agency_is_needed(engine, policy):
    # Out-of-fold readings where the decision routed no ambulance: the calls naming an injury as
    # uncertain truly needed one, the others did not. The net must learn that.
    rng = np.random.default_rng(0)
    texts = {True: "楼上掉下来一块瓷砖，不知道有没有人受伤", False: "楼上掉下来一块瓷砖，砸在草地上"}
    rows, feats, tp, fp = [], [], [], []
    types = engine.model.types
    for i in range(120):
        hurt = bool(i % 2)
        rows.append({"call_type": "falling_object", "text": texts[hurt],
                     "flags": {"injured": hurt, "violence": False, "deliberate": False, "damage": False,
                               "trapped": False}})
        feats.append(extract(engine.lexicon, texts[hurt], engine.model.zh_ngram, engine.model.neg_grams))
        t = np.full(len(types), 0.01)
        t[types.index("falling_object")] = 0.92
        tp.append(t)
        fp.append(np.array([0.1 + 0.05 * rng.random(), 0.01, 0.05, 0.1, 0.01]))
    decided = decided_rows(rows, feats, np.array(tp), np.array(fp), types,
                           {"flag": {f: 0.5 for f in engine.model.flags}, "safety": {"police_type": 0.3}}, policy)
    net = SafetyNet(fit_net(decided, types))
    p_hurt = net.score("ems_120", *decided[1][0])
    p_safe = net.score("ems_120", *decided[0][0])
    assert p_hurt > 0.7 > 0.3 > p_safe


def test_training_and_run_time_read_the_same_signals(engine, policy):
    text = "电梯卡在五楼，里面好像有人"
    feats = engine.features(text)
    type_p, flag_p = engine.model.predict(feats)
    flags = {f: False for f in flag_p}
    dense, sparse = signals(feats, type_p, flag_p, "facility_fault", flags)
    assert len(dense) == len(engine.model.net.dense_names)
    assert "is:facility_fault" in sparse and set(feats.cues) <= set(sparse)


def _net_at(agency: str, p: float):
    """A net change: `agency` scores exactly p on every call, the other agencies never."""
    def change(data):
        for name, h in data["agencies"].items():
            h["dense"] = [0.0] * len(h["dense"])
            h["sparse"] = {}
            h["bias"] = math.log(p / (1 - p)) if name == agency else -30.0
    return change


def test_check_bar_is_where_a_dispatchers_look_pays():
    net = SafetyNet({"dense": [], "agencies": {"police": {"dense": [], "sparse": {}, "bias": 0.0, "bar": 0.25}}})
    # the bar 1 / (1 + 3) says a missed police dispatch costs 3 needless ones; a look costing 0.3
    # of one pays from p = 0.3 / (0.3 + 3)
    assert net.check_bar("police", 0.3) == pytest.approx(0.3 / 3.3)
    assert net.check_bar("police", 1.0) == pytest.approx(0.25)  # a look as dear as a dispatch: the bar
    assert net.check_bar("police", 0.0) > 1.0  # looks not paid for: never


def test_an_agency_possibly_needed_sends_the_call_to_review_not_the_agency(engine, policy):
    text = "楼上漏水 天花板滴水"
    bar = engine.model.net.bar("fire_119")
    check = engine.model.net.check_bar("fire_119", policy.review_cost)
    assert check < bar
    doubtful = with_net(engine, _net_at("fire_119", (check + bar) / 2))
    c = doubtful.classify(text, policy)
    assert c.agencies == [Agency.PROPERTY_MANAGEMENT]  # not sent
    assert c.check == [Agency.FIRE_119]  # named for the dispatcher (and dispatch alerts on it)
    assert c.review
    assert any(r.startswith("check: fire_119 not sent, possibly needed (0.04 by the learned net") for r in c.reasons)
    assert any("an emergency agency not sent may be needed" in r for r in c.reasons if r.startswith("review:"))
    # a district that does not pay for such looks: the same call passes without review
    c = doubtful.classify(text, policy.model_copy(update={"review_cost": 0.0}))
    assert not c.review and not any(r.startswith("check:") for r in c.reasons) and c.check == []
    # below the check bar: nothing to look at
    c = with_net(engine, _net_at("fire_119", check / 2)).classify(text, policy)
    assert not c.review and c.agencies == [Agency.PROPERTY_MANAGEMENT]
