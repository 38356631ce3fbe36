"""Behaviour of the call classifier: negations, misleading words, homophones, safety first,
English, the JSONL CLI contract, the model version, and floors on held-out quality."""

import io
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.codes import Agency, CallType
from schemas.events import Flags
from services.classifier.cli import run_classify
from services.classifier.data.splits import is_heldout, load_corpus, read_complete, split
from services.classifier.engine.routing import FastPolicy
from services.classifier.evaluate import metrics, score

ROOT = Path(__file__).resolve().parents[2]
# Measured on the held-out split when this test was written, minus a margin (docs/classifier.md).
FLOOR_MACRO_F1 = 0.85
FLOOR_RECALL = {"police": 0.87, "120": 0.93, "119": 0.88}


def classify(engine, policy, text):
    return engine.classify(text, policy)


@pytest.mark.parametrize("text", [
    "报警人称：楼上漏水 天花板滴水 敲门没人，没人受伤",
    "楼上漏水了，天花板一直往下滴，人没事，就是屋里全是水",
    "Water is dripping through our kitchen ceiling from the flat upstairs, no one is hurt.",
])
def test_negated_injury_gives_no_ambulance(engine, policy, text):
    c = classify(engine, policy, text)
    assert not c.flags.injured
    assert Agency.EMS_120 not in c.agencies


def test_quarrel_without_violence_stays_off_police(engine, policy):
    c = classify(engine, policy, "跟对门为楼道堆东西的事吵了一架，没动手，想请社区来给调解一下")
    assert c.call_type is CallType.NEIGHBOR_DISPUTE
    assert not c.flags.violence
    assert Agency.POLICE not in c.agencies


@pytest.mark.parametrize("text", [
    "我被公司fired了，气得要炸了，想问问劳动仲裁去哪儿办",
    "I got fired from my job today and I want to know where to ask about unpaid wages.",
])
def test_misleading_fire_words_are_not_fire(engine, policy, text):
    c = classify(engine, policy, text)
    assert c.call_type is not CallType.FIRE
    assert Agency.FIRE_119 not in c.agencies
    assert Agency.POLICE not in c.agencies


@pytest.mark.parametrize("text", [
    "My mum got a call from 'the gas company' saying she has to transfer 2,000 yuan today or they'll cut her off.",
    "Someone upstairs is flicking lit cigarette butts onto the parked cars. One's left a burn mark on my bonnet.",
    "楼上那两口子又吵起来了，摔东西的声音，吵得我们睡不着",    # 两口子 is a couple, not a cut (口子)
])
def test_injury_words_about_a_supply_or_a_car_are_not_an_injury(engine, policy, text):
    c = classify(engine, policy, text)
    assert not c.flags.injured and Agency.EMS_120 not in c.agencies, c.reasons


def test_kitchen_knife_while_cooking_is_medical_not_police(engine, policy):
    c = classify(engine, policy, "切菜的时候菜刀把手指头切了个大口子，流了好多血，止不住")
    assert c.flags.injured and Agency.EMS_120 in c.agencies
    assert not c.flags.violence


@pytest.mark.parametrize("text", ["我爸心脏饼犯了，快叫就护车", "我妈晕到了，叫不醒，快来救户车"])
def test_homophones_reach_120(engine, policy, text):
    c = classify(engine, policy, text)
    assert c.call_type is CallType.MEDICAL
    assert Agency.EMS_120 in c.agencies
    assert c.flags.injured


@pytest.mark.parametrize("text,agency", [
    ("烧烤摊那儿打起来了，有人拿刀捅人，满地是血", Agency.POLICE),
    ("There is a fight outside the bar, a man was stabbed and he is bleeding.", Agency.POLICE),
    ("My grandfather collapsed in the kitchen and is not breathing.", Agency.EMS_120),
    ("楼道里一股煤气味，挺冲的", Agency.FIRE_119),
    ("Smoke is coming out of the flat next door and the alarm is going off.", Agency.FIRE_119),
    ("电梯卡在五楼和六楼中间，里面有个老人出不来", Agency.FIRE_119),
])
def test_emergencies_reach_their_agency(engine, policy, text, agency):
    assert agency in classify(engine, policy, text).agencies


def test_petrol_poured_on_a_door_and_lit_is_arson(engine, policy):
    for text in ["俺们屯有人拿汽油浇老李家大门点着了，火还着着呢", "someone poured petrol on our door and lit it"]:
        c = engine.classify(text, policy)
        assert c.flags.deliberate and {Agency.FIRE_119, Agency.POLICE} <= set(c.agencies), c.reasons


def test_fight_with_injury_is_police_matter_with_120(engine, policy):
    c = classify(engine, policy, "饭馆门口俩人打架，一个被酒瓶子开瓢了，满脸是血")
    assert c.call_type is CallType.POLICE_MATTER
    assert c.flags.violence and c.flags.injured
    assert {Agency.POLICE, Agency.EMS_120} <= set(c.agencies)


def test_uncertain_injury_goes_to_review_without_an_ambulance(engine, policy):
    # Unsure facts stay false (labelling guide): the caller's doubt alone sends no 120, but a
    # dispatcher sees the call, and the reason says what the doubt was.
    c = classify(engine, policy, "楼上掉下来一块瓷砖砸在人行道上，不知道有没有人受伤")
    assert c.agencies == [Agency.PROPERTY_MANAGEMENT]
    assert c.review
    assert any(r.startswith("unsure: injured possible") and "ems_120 not sent" in r for r in c.reasons)
    assert any("unsure of a fact" in r for r in c.reasons if r.startswith("review:"))


def test_english_noise_goes_to_committee(engine, policy):
    c = classify(engine, policy, "The people upstairs are playing loud music at 2 a.m. again, we can't sleep.")
    assert c.call_type is CallType.NOISE
    assert c.agencies == [Agency.COMMUNITY_COMMITTEE]


def test_reasons_name_the_deciding_words(engine, policy):
    c = classify(engine, policy, "我爸晕倒了，叫不醒")
    assert any("晕倒" in r for r in c.reasons)
    assert any(r.startswith("routing:") for r in c.reasons)


def test_agencies_are_the_policy_route_plus_safety_additions(engine, policy):
    for text in ["楼上漏水", "有人偷井盖 三轮车拉走了", "一把椅子从楼上飞下来", "隔壁装修电钻声太吵了"]:
        c = classify(engine, policy, text)
        routed = list(policy.route(c.call_type, c.flags))
        assert c.agencies[:len(routed)] == routed


def test_fast_policy_matches_policy_route(policy):
    fast = FastPolicy.of(policy)
    names = list(Flags.model_fields)
    for call_type in CallType:
        for values in itertools.product([False, True], repeat=len(names)):
            flags = dict(zip(names, values))
            assert fast.route(call_type.value, flags) == policy.route(call_type, Flags(**flags))


def test_version_goes_into_every_classification(engine, policy):
    assert engine.version.startswith("clf-")
    assert classify(engine, policy, "楼上漏水").model_version == engine.version


def test_cli_writes_one_line_per_input_and_error_lines(engine, policy):
    lines = [
        json.dumps({"id": "a1", "text": "楼上漏水 天花板滴水", "received_at": "2024-12-01T10:00:00+08:00"}),
        "{not json",
        json.dumps({"id": "a3"}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": "a6", "text": "My father collapsed", "address": "Kandan"}, ensure_ascii=False),
    ]
    out = io.StringIO()
    errors = run_classify(lines, out, engine, policy)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert errors == 3
    assert [r.get("id") for r in rows] == ["a1", None, "a3", None, "a6"]
    assert rows[1]["line"] == 2 and "line 2" in rows[1]["error"]
    assert rows[2]["line"] == 3 and "text" in rows[2]["error"]
    ok = rows[0]
    assert set(ok) >= {"id", "call_type", "flags", "agencies", "confidence", "review", "reasons", "check",
                       "model_version"}
    assert ok["call_type"] == "water_leak" and ok["agencies"] == ["property_management"]
    assert rows[4]["call_type"] == "medical" and "ems_120" in rows[4]["agencies"]


def test_heldout_split_is_deterministic_and_disjoint():
    rows = load_corpus()
    train, held = split(rows)
    assert {r["id"] for r in train}.isdisjoint({r["id"] for r in held})
    assert all(is_heldout(r["id"]) for r in held)
    if rows:
        assert 0.15 < len(held) / len(rows) < 0.35


def test_heldout_quality_stays_above_floors(engine, policy):
    _, held = split(load_corpus())
    if len(held) < 100:
        pytest.skip("corpus not present")
    m = metrics(score(held, engine, policy))
    assert m["macro_f1"] >= FLOOR_MACRO_F1
    for name, floor in FLOOR_RECALL.items():
        assert m[f"recall_{name}"] >= floor, name


def test_thrown_object_is_deliberate_and_brings_police(engine, policy):
    c = classify(engine, policy, "一把椅子从楼上飞下来")
    assert c.call_type is CallType.FALLING_OBJECT
    assert c.flags.deliberate and Agency.POLICE in c.agencies
    assert any("decisive" in r for r in c.reasons)


def test_person_shut_in_a_lift_is_trapped(engine, policy):
    c = classify(engine, policy, "电梯停在十二楼不动了，我闺女关里头了")
    assert c.call_type is CallType.FACILITY_FAULT
    assert c.flags.trapped and Agency.FIRE_119 in c.agencies


def test_lookalike_negator_does_not_negate(engine, policy):
    c = classify(engine, policy, "楼上掉下来一个不明硬物，把我的车玻璃砸碎了")
    assert c.flags.damage and Agency.POLICE in c.agencies


def test_a_growing_corpus_file_is_used_only_when_complete(tmp_path):
    path = tmp_path / "corpus_more.jsonl"
    path.write_text(json.dumps({"id": "more-1", "text": "x"}) + "\n" + '{"id": "more-2", "te', encoding="utf-8")
    assert read_complete(path, 2) == []
    path.write_text("".join(json.dumps({"id": f"more-{i}", "text": "x"}) + "\n" for i in range(2)), encoding="utf-8")
    assert [r["id"] for r in read_complete(path, 2)] == ["more-0", "more-1"]


def test_packed_integer_scores_equal_the_float_weights(engine):
    model = engine.model
    for text in ["楼上漏水 天花板滴水 敲门没人", "My father collapsed and is not breathing.", "有人偷井盖"]:
        feats = engine.features(text)
        expect = list(model.bias)
        n = len(feats.grams)
        for g in feats.grams:
            expect = [a + b / math.sqrt(n) for a, b in zip(expect, model.weights.get(g, [0.0] * len(expect)))]
        for c in feats.cues:
            expect = [a + b for a, b in zip(expect, model.weights.get(c, [0.0] * len(expect)))]
        assert all(abs(a - b) < 1e-3 for a, b in zip(model.logits(feats), expect))


@pytest.mark.parametrize("text, cancels", [
    ("刚才报的仓库漏水，已经关上阀门了，不用派人来了", True),
    ("Sorry, please cancel my call, the smoke was from a barbecue", True),
    ("楼上漏水 天花板滴水 敲门没人", False),
    ("不是看错了，真的有人倒在地上", False),
])
def test_a_cancellation_is_a_model_feature(engine, text, cancels):
    assert ("V:type" in engine.features(text).cues) is cancels


def test_numbers_in_chinese_text_are_cues(engine):
    feats = engine.features("老人摔了起不来，快打120")
    assert any(h[2] == "120" for h in feats.hits)


@pytest.mark.parametrize("text, words", [
    ("电梯里的按钮让人拿打火机燎了，好几个都化了", "让人拿打火机燎"),
    ("Someone sawed through the outdoor water pipe by the bike shed", "someone saw"),
])
def test_someone_doing_harm_is_a_deliberate_cue(engine, text, words):
    feats = engine.features(text)
    hits = [h for h in feats.hits if h[1] == "deliberate" and h[0] == "F"]
    assert any(h[2] == words and h[3] == "pos" for h in hits), hits


@pytest.mark.parametrize("text", ["有人受伤了，在楼道里", "I cut my hand chopping onions"])
def test_no_deliberate_cue_without_someone_doing_harm(engine, text):
    assert not [h for h in engine.features(text).hits if h[1] == "deliberate" and h[2] != "偷"]


def test_vandalised_lift_brings_police(engine, policy):
    c = classify(engine, policy, "电梯按钮叫人拿烟头烫化了，按不了，里面没人")
    assert c.flags.deliberate and Agency.POLICE in c.agencies
    assert not c.flags.trapped


def test_negated_ngrams_follow_the_model_file(engine):
    from services.classifier.engine.features import ngrams
    assert engine.model.neg_grams  # the shipped model was trained with them
    assert {"~人受", "~受伤"} <= ngrams("没人受伤，就是车砸坏了", neg=True)
    assert not any(g.startswith("~") for g in ngrams("有人受伤了", neg=True))
    assert not any(g.startswith("~") for g in ngrams("没人受伤", neg=False))
    assert "~w:hurt" in ngrams("no one is hurt", neg=True)


@pytest.mark.parametrize("text", [
    "My neighbour's threatening to sue me over a leak that's coming from my flat into hers.",
    "She's threatening to call the police on us because our dog barks, can someone mediate?",
    "楼下有人打架子鼓 十一点了",                       # 打架子鼓 is drumming, not 打架
    "对面楼有人大半夜拿锤子砸墙 咣咣的",               # hammering a wall is noise
])
def test_a_threat_to_sue_or_complain_is_no_violence(engine, policy, text):
    c = classify(engine, policy, text)
    assert not c.flags.violence and Agency.POLICE not in c.agencies, c.reasons


def test_a_threat_of_harm_is_still_violence(engine, policy):
    c = classify(engine, policy, "He threatened to kill me, he's outside my door")
    assert c.flags.violence and Agency.POLICE in c.agencies, c.reasons


def test_the_longest_english_cue_at_a_position_wins(engine, policy):
    """'hit her head' (an injury) is not 'hit her' (violence): a grandmother who fainted and hit
    her head needs 120, not the police."""
    c = classify(engine, policy, "My grandma just fainted in the kitchen and she hit her head on the counter")
    assert Agency.EMS_120 in c.agencies and Agency.POLICE not in c.agencies, c.reasons


@pytest.mark.parametrize("text", [
    "塔吊上掉下来一根钢管 把围挡的铁栏杆砸断了",   # 砸断: broke it off
    "a tile fell off the roof and broke my bike basket",  # second-language English: 'broke my'
])
def test_a_falling_object_that_broke_something_brings_police(engine, policy, text):
    c = classify(engine, policy, text)
    assert c.call_type is CallType.FALLING_OBJECT and c.flags.damage, c.reasons
    assert Agency.POLICE in c.agencies


@pytest.mark.parametrize("text", [
    "楼下那人跟我吵，拿着扳手冲我比划",              # 比划: waving a tool at someone
    "the security guard push my mother and she fall down",  # 'push my' without the past tense
])
def test_waving_a_tool_or_a_push_is_violence(engine, policy, text):
    c = classify(engine, policy, text)
    assert c.flags.violence and Agency.POLICE in c.agencies, c.reasons


@pytest.mark.parametrize("text", [
    "公交站 有人羊癫疯",                 # another word for epilepsy
    "车里有个人趴方向盘上，敲窗不动",     # slumped at the wheel, no answer to knocking
])
def test_more_words_for_a_collapse_reach_120(engine, policy, text):
    c = classify(engine, policy, text)
    assert c.call_type is CallType.MEDICAL and Agency.EMS_120 in c.agencies, c.reasons


def test_cli_says_when_text_is_not_a_string(engine, policy):
    out = io.StringIO()
    errors = run_classify([json.dumps({"id": "n1", "text": 110})], out, engine, policy)
    row = json.loads(out.getvalue())
    assert errors == 1 and row["id"] == "n1" and "'text' must be a string, got int" in row["error"]


def test_cli_reads_a_file_saved_with_a_byte_order_mark(tmp_path):
    # Windows tools save UTF-8 with a BOM and CRLF line ends: line 1 is still a call.
    f = tmp_path / "calls.jsonl"
    f.write_bytes('\ufeff{"id": "w1", "text": "楼上漏水"}\r\n{"id": "w2", "text": "smoke in the stairwell"}\r\n'.encode())
    for args, stdin in (([str(f)], None), ([], f.read_bytes())):
        done = subprocess.run([sys.executable, "-m", "services.cli.main", "classify", *args], input=stdin,
                              capture_output=True, check=True, cwd=ROOT)
        rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
        assert [r.get("id") for r in rows] == ["w1", "w2"], rows
        assert rows[0]["call_type"] == "water_leak" and "error" not in rows[0]


def test_cli_names_a_file_it_cannot_read(tmp_path):
    done = subprocess.run([sys.executable, "-m", "services.cli.main", "classify", str(tmp_path / "none.jsonl")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode != 0 and "cannot read" in done.stderr and "Traceback" not in done.stderr


def test_i_will_is_not_ill(engine, policy):
    # "I'll" lost its apostrophe and became the word 'ill' (an injury cue): contractions are spelt out.
    c = classify(engine, policy, "I'll call back later, the leak in the kitchen has slowed down.")
    assert not c.flags.injured and Agency.EMS_120 not in c.agencies, c.reasons
    assert Agency.PROPERTY_MANAGEMENT in c.agencies


def test_an_open_door_means_nobody_is_shut_in(engine, policy):
    c = classify(engine, policy, "电梯里有个人突然倒了 门开着")
    assert Agency.EMS_120 in c.agencies and not c.flags.trapped, c.reasons
    assert Agency.FIRE_119 not in c.agencies


def test_a_spiked_drink_told_plainly_brings_police_and_120(engine, policy):
    c = classify(engine, policy, "someone at the club put something in my drink, now I'm dizzy and can't walk straight")
    assert {Agency.POLICE, Agency.EMS_120} <= set(c.agencies), c.reasons


def test_a_door_that_will_not_close_shuts_nobody_in(engine, policy):
    # 389 corpus calls say a door will not close (关不上, 无法关闭, "won't close"); none is trapped.
    c = classify(engine, policy, "报警人称：地下车库防火门的闭门器损坏，门无法自动关闭。")
    assert not c.flags.trapped and Agency.FIRE_119 not in c.agencies, c.reasons


def test_a_lift_checked_empty_or_left_sends_no_119(engine, policy):
    # "nobody's" is spelt out as "nobody is"; 144 corpus calls say "nobody's in", none is trapped.
    for text in ("The lift alarm is going off but nobody's in it, it's stuck at B2 with the doors shut.",
                 "电梯停在9层，门打不开，已调监控确认轿厢内无人。",
                 "The lift was stuck for twenty minutes with me inside, but it started working again and I'm out.",
                 "我们楼的电梯又坏了，我没被关在里面哈，我在18楼下不去",
                 "电梯坏了 我住18楼下不去"):  # a high floor with the lift out (65 of 69 corpus calls: not trapped)
        c = classify(engine, policy, text)
        assert not c.flags.trapped and Agency.FIRE_119 not in c.agencies, (text, c.reasons)


def test_a_high_floor_with_the_lift_out_is_not_trapped_and_any_119_is_the_nets_for_review(engine, policy):
    # R28 reads trapped 0.52 from this sentence's n-grams alone ('楼下不去' is set aside as a cue):
    # the flag stays off, but the learned net adds 119 and asks a dispatcher to look (a needless
    # 119 that R26 did not send; docs/classifier.md, twenty-sixth session).
    c = classify(engine, policy, "电梯坏了，我在18楼下不去")
    assert not c.flags.trapped, c.reasons
    assert Agency.FIRE_119 not in c.agencies or (c.review and any("learned net" in r for r in c.reasons)), c.reasons


def test_signing_is_not_a_threat(engine, policy):
    # 比划 with a tool is a threat; a deaf father signing over video is not.
    c = classify(engine, policy, "我替我爸打的，他是聋哑人，刚给我发视频比划的，我妈在家摔了，头磕茶几角上了，出了好多血")
    assert not c.flags.violence and Agency.EMS_120 in c.agencies, c.reasons


def test_a_falling_tile_that_overturned_a_stall_brings_police(engine, policy):
    c = classify(engine, policy, "楼上掉下来一块瓷砖，砸我们摊上了，锅都砸翻了，还好没人")
    assert c.flags.damage and Agency.POLICE in c.agencies, c.reasons


def test_held_against_ones_will_sends_119(engine, policy):
    c = classify(engine, policy, "跟老板吵起来了，没动手，现在他叫了几个人把门堵了不让我走")
    assert c.flags.trapped and Agency.POLICE in c.agencies, c.reasons


def test_the_ground_floor_is_not_someone_on_the_ground(engine, policy):
    c = classify(engine, policy, "The noise from the mahjong parlour on the ground floor, tiles clattering every night till 2.")
    assert not c.flags.injured and Agency.EMS_120 not in c.agencies, c.reasons


def test_a_car_set_alight_by_its_driver_brings_police(engine, policy):
    c = classify(engine, policy, "There's a burning car on the hard shoulder, the driver set it alight himself, he's filming it.")
    assert c.flags.deliberate and {Agency.FIRE_119, Agency.POLICE} <= set(c.agencies), c.reasons


def test_a_person_in_the_water_gets_an_ambulance(engine, policy):
    # Found by probing: these were read as a water leak (property management) or a 12345 question.
    for text in ("someone's in the water by the pier, he's going under",
                 "湖边有个老人滑进水里了",
                 "kid fell through the ice on the park lake"):
        c = classify(engine, policy, text)
        assert c.flags.injured and Agency.EMS_120 in c.agencies, (text, c.reasons)
    c = classify(engine, policy, "河上冰面有个孩子掉冰窟窿里了 扒着冰沿")
    assert {Agency.EMS_120, Agency.FIRE_119} <= set(c.agencies), c.reasons
    c = classify(engine, policy, "俺家狗掉冰窟窿里了，人没下去，就在边上呢")
    assert Agency.EMS_120 not in c.agencies and Agency.FIRE_119 not in c.agencies, c.reasons


def test_a_pot_that_broke_itself_on_the_pavement_is_no_damage(engine, policy):
    # The thing that fell broke, nothing else did: property management, no police.
    c = classify(engine, policy, "A plant pot came down from a window and smashed on the pavement, nobody hurt.")
    assert not c.flags.damage and Agency.POLICE not in c.agencies, c.reasons
    c = classify(engine, policy, "A plant pot came down from a window and smashed on the bonnet of my car, big dent.")
    assert c.flags.damage and Agency.POLICE in c.agencies, c.reasons


def test_found_by_probing_a_hanging_fainting_children_and_people_down_get_an_ambulance(engine, policy):
    # No corpus call had a hanging; 'kids are fainting' and 'people on the ground' lacked an injury cue.
    for text in ("他在屋里上吊了 我们把门撞开了",
                 "my brother hanged himself in the garage, we cut him down, he's not breathing",
                 "there's a strong chemical smell in the school lab and kids are fainting",
                 "a car just ploughed into the bus stop, people on the ground"):
        c = classify(engine, policy, text)
        assert c.flags.injured and Agency.EMS_120 in c.agencies, (text, c.reasons)
    c = classify(engine, policy, "公园滑梯上掉了颗螺丝，翘起一块铁皮，就是想让人赶紧把它修了")
    assert Agency.EMS_120 not in c.agencies, c.reasons  # 上掉了 sounds like 上吊了


def test_a_cry_for_help_then_silence_brings_police(engine, policy):
    for text in ("楼下有人喊救命 然后没声了", "I heard a woman scream once, really loud, then nothing"):
        c = classify(engine, policy, text)
        assert Agency.POLICE in c.agencies, (text, c.reasons)


def test_a_person_down_a_manhole_gets_an_ambulance(engine, policy):
    c = classify(engine, policy, "小区门口井盖没了 有个人掉进去了")
    assert Agency.EMS_120 in c.agencies, c.reasons
    c = classify(engine, policy, "井盖没了 晚上有人掉进去就麻烦了")  # a worry, not a fall
    assert Agency.EMS_120 not in c.agencies, c.reasons


def test_a_heart_attack_or_a_shock_in_passing_brings_120(engine, policy):
    for text in ("暖气漏水 淹了楼下 楼下老人气得心脏病犯了", "漏水 漏电 孩子被电了一下 哭"):
        c = classify(engine, policy, text)
        assert Agency.EMS_120 in c.agencies and Agency.PROPERTY_MANAGEMENT in c.agencies, (text, c.reasons)


def test_a_swimmer_who_has_not_come_up_or_a_child_down_a_well_gets_an_ambulance(engine, policy):
    for text in ("水库边上有个孩子下水游泳 半天没上来", "a boy went swimming in the reservoir and hasn't come up",
                 "man overboard from the ferry", "小孩掉进机井里了 能听见哭声"):
        c = classify(engine, policy, text)
        assert Agency.EMS_120 in c.agencies, (text, c.reasons)
    c = classify(engine, policy, "小孩掉进机井里了 能听见哭声")
    assert Agency.FIRE_119 in c.agencies, c.reasons
    c = classify(engine, policy, "邻居家的羊掉进废弃机井了 在井底叫")  # an animal: 12345
    assert Agency.EMS_120 not in c.agencies and Agency.FIRE_119 not in c.agencies, c.reasons


def test_held_as_a_hostage_or_in_the_water_sends_119_as_well(engine, policy):
    # Guide 2b: held against one's will is trapped; round 54's writers also mark a person in the
    # water now as trapped (119 does water rescue).
    for text in ("Hostage situation at the bank on Zhongshan Road, a man with a gun has the staff inside",
                 "河边 俩人打起来了 一个被推水里了 在扑腾",
                 "Little girl fell down an uncovered drain at the night market, we can hear her crying"):
        c = classify(engine, policy, text)
        assert c.flags.trapped and Agency.FIRE_119 in c.agencies, (text, c.reasons)
    c = classify(engine, policy, "有人跳何了 南门桥 红衣服 往下游漂")  # 跳何: a slip for 跳河
    assert Agency.EMS_120 in c.agencies, c.reasons


def test_a_body_an_old_shell_and_someone_sinking(engine, policy):
    c = classify(engine, policy, "Hiking, found a skeleton, human I think, under a pile of leaves just off the trail.")
    assert Agency.POLICE in c.agencies, c.reasons
    c = classify(engine, policy, "我们工地挖地基挖出来个锈了吧唧的铁疙瘩，一头尖尖的，像老炮弹，工人都不敢动了，先停工了，没人受伤")
    assert Agency.POLICE in c.agencies, c.reasons
    c = classify(engine, policy, "河里有人 在扑腾 快沉下去了 南湖桥东边")
    assert {Agency.EMS_120, Agency.FIRE_119} <= set(c.agencies), c.reasons


P, A, F = Agency.POLICE, Agency.EMS_120, Agency.FIRE_119
H, PM = Agency.HOTLINE_12345, Agency.PROPERTY_MANAGEMENT

# Twelfth session: what reading rounds 53, 56, 57 and 58 and probing with new calls fixed.
# (text, agencies that must come, agencies that must not come)
TWELFTH_SESSION = [
    # someone set a bin alight and ran: a crime as well as a fire
    ("Two teenagers set a wheelie bin on fire outside the chip shop and legged it", {F, P}, set()),
    ("There's a wheelie bin on fire, I saw some boys light it with a lighter and run away", {F, P}, set()),
    # beating flames out, kicking a football, a quarrel 'with the mouth' (嘴上掐), a shock: no assault
    ("A scooter's battery caught fire by the gate, the owner's trying to beat it out with his coat", set(), {P}),
    ("The boys next door keep kicking their football against my garage door, no damage, I just want it sorted",
     set(), {P}),
    ("俩老太太为晾衣服掐起来了，嘴上掐，没动手，您给调解调解", set(), {P}),
    ("工厂里有人被电打了 倒地上了", {A}, {P}),
    # 仍 (still) sounds like 扔 (throw): '楼上仍有' is not '楼上扔'
    ("报告：3号楼外墙保温板被风吹掉一块，楼上仍有一部分挂着，无人受伤", set(), {P}),
    # caught, held, tied, carried off, under a wheel, down a well, through the ice
    ("工厂车间 工人手让机器卷进去了 拽不出来 在喊", {A, F}, set()),
    ("He locked the minibus doors and says nobody leaves till we pay", {P, F}, set()),
    ("有个男的把一个小孩抱上面包车了 孩子一直哭 车往北开了", {P, F}, set()),
    ("公交车冲上人行道 撞了好几个人 有人压车底下了", {A, F}, set()),
    ("A pedestrian's been run over by a bus turning right, he's under the front wheel, conscious and screaming",
     {A, F}, set()),
    ("有人掉窨井里了 井盖没了 在下边喊", {A, F}, set()),
    ("路边 井盖没了 有个人掉下去了 在下面喊", {A, F}, set()),
    ("A kid's fallen through the ice on the pond, hanging on to the edge", {A, F}, set()),
    # a crush: 120 and 119 come (police too since the thirteenth session's decisive type cues)
    ("商场促销哄抢 有人被挤倒了 压在人群下面起不来", {A, F}, set()),
    ("元宵灯会 人太多 后面往前涌 前面有人被挤倒了 喊别挤", {P}, set()),
    ("一辆车冲进早市人群 撞倒好几个人", {A, P}, set()),
    # hurt: a knife attack with a victim, a fever, a tooth knocked out
    ("楼下有人拿刀砍人 已经砍了一个了", {P, A}, set()),
    ("My son's come down with a fever since the heating went off three days ago", {A}, set()),
    ("我儿子跟同学打闹 把人家门牙磕掉了", {A}, set()),
    ("The main water pipe in the bike store has been sawn halfway through, water everywhere", {P}, set()),
    # nobody shut in, nobody hurt now
    ("The main gate's locked but nobody's stuck, we can walk round by the side door", set(), {F}),
    ("货梯停在两层中间 没人在里头 就是一车货", set(), {F}),
    ("我儿子跟我吵完架把自己锁屋里了 不吃饭 也不说话 就是生闷气", set(), {F}),
    ("My teenage son locked himself in the bathroom after an argument, he's just sulking, he answers me",
     set(), {F}),
    ("孩子把自己反锁卫生间了 三岁 在里头玩水 门打不开", {F}, set()),  # a small child who cannot open: 119
    ("昨天吃坏了肚子 拉了一宿 现在好了 想投诉那家饭馆", set(), {A}),
    # chased with a weapon is an assault in progress; a dog that chases is not
    ("楼上邻居装修太吵 我去说了两句 他拿锤子追我", {P}, set()),
    ("the guy from upstairs is chasing me with a hammer because I complained about the noise", {P}, set()),
    ("楼下狗一直追我叫 吓死我了", set(), {P}),
]


# Thirteenth session: decisive type cues (a crowd crush is police work, a smoking fuse box is a
# fire, whatever the model's type) and round 55's reading fixes, each in words of our own.
THIRTEENTH_SESSION = [
    # a crowd crush brings the police (crowd control) as well as 120 and 119
    ("庙会门口踩踏了，前面的人摔倒了，后面的人压上去，有个老太太压在底下喘不上气", {P, A, F}, set()),
    ("stampede at the station gate, a boy went down and people are on top of him, he's crying", {P, A, F}, set()),
    ("人太多了 挤倒了好几个 压在下边起不来", {P, A, F}, set()),
    # ... but a queue that is only long is not a crush
    ("不是踩踏啊，就是超市门口排队的人多，排到马路上了", set(), {P, A, F}),
    # water in the wiring: smoking now is a fire; near a socket with nothing burning is a leak
    ("楼上漏水 漏到我家电闸上了 电闸冒烟了", {F}, set()),
    ("the leak from upstairs reached our fuse box and now the fuse box is smoking", {F}, set()),
    ("楼上漏水 顺着墙流到插座旁边了 插座没事 没冒烟", set(), {F}),
    # knifed ('让人捅了') needs an ambulance; a teacher who hits a child is an assault
    ("我让人捅了 后背 在烧烤摊后面 那人跑了", {P, A}, set()),
    ("闺女在托管班让老师打了，手心肿了", {P}, set()),
    # gone under in open water, a knife at a throat, children who cannot get out of a building
    ("鱼塘边上 一个小孩沉下去了 没看见上来", {A, F}, set()),
    ("a man has a knife at her throat behind the counter and won't let her go", {P, F}, set()),
    ("宿舍楼大门坏了锁死了，学生都出不了楼，几十个人在里面", {F}, set()),
    # found by probing: a smoking lamp holder in a leak call, people buried by grain, a pile-up
    ("楼上漏水 顺着电线流到我家灯里 灯座冒烟了", {F}, set()),
    ("村里粮仓塌了 有人在里面干活 被粮食埋住了", {A, F}, set()),
    ("escalator at the mall suddenly reversed, lots of people fell at the bottom, some are stuck under others",
     {A, F}, set()),
    # ... and their harmless twins: objects on the tracks or in a pit, a child playing in water
    ("there's a shopping trolley on the tracks at the level crossing", set(), {F, A}),
    ("I dropped my phone into the pit at the construction site, can someone get it", set(), {F, A}),
    ("孩子在扑腾着玩水，我们就在旁边看着", set(), {A, F}),
    ("快递叠压在门口，箱子都压扁了，快递员也不管", set(), {A, F}),
    ("他让人捅了马蜂窝，马蜂到处飞", set(), {A}),
    # a found body is police work
    ("We found a dead body in the reeds by the canal, it has been there a long time", {P}, set()),
    # a colleague who did not come to work and does not answer: a welfare check for the police
    ("My colleague did not come to work for three days and does not answer his phone", {P}, set()),
]


FOURTEENTH_SESSION = [
    # a person struggling or sinking in the water needs water rescue (119) as well as 120
    ("河边有个小孩在水里挣扎，快不行了", {A, F}, set()),
    ("有人游泳 在往下沉 喊救命呢", {A, F}, set()),
    ("my friend jumped in the river and he can barely swim, he's shouting", {A, F}, set()),
    # someone down behind a door locked from inside: 119 opens it; once opened, 120 alone
    ("我爸在卫生间摔倒了 门从里面反锁了 叫他只哼哼", {A, F}, set()),
    ("我妈在卫生间摔了 门反锁着 不过我有钥匙已经打开了 人扶出来了", {A}, {F}),
    # a power cable sparking on the road, sparks from a wet lamp: fire; a welder's sparks are not
    ("a truck knocked down the power cable, it is lying on the road sparking, nobody is hurt", {F}, set()),
    ("天花板灯里进水了 刚冒了几下火花 有股焦味", {F}, set()),
    ("楼下电焊一直冒火花 吵死了 半夜还干", set(), {F, P}),
    # stuck at an airport is not trapped
    ("We're stuck at the airport, the flight was cancelled, where can we sleep tonight", set(), {F}),
    # an illness or injury the call says is over needs no ambulance; one still going on does
    ("我爸上个月在小区里摔了一跤，现已痊愈，想问问小区路面坏了找哪个部门", set(), {A}),
    ("他晕过去一会儿，已经醒了，但是一直吐，头疼得厉害", {A}, set()),
    ("老人拒绝就医，但是头上一直在流血，说话也含糊", {A}, set()),
    # people let out of a stuck lift are not trapped; one still inside is
    ("the lift got stuck with us inside but the guard got us out, we are all fine, the lift still needs fixing", set(), {F}),
    ("我们家那个电梯困人，物业已经放出来了一个，里面还有一个老太太出不来", {F}, set()),
    # a body in the water is police
    ("I think there is a body in the canal, it has been there a while", {P}, set()),
    # harmless twins of this session's cues (a flapping duck, a hangover) and the call they were narrowed for
    ("我家鸭子在河里扑腾，邻居说要抓去吃，吵起来了", set(), {A, F}),
    ("Guy upstairs is groggy from his night out and blasting music at 3am", set(), {A}),
    ("A bloke's been hit by a cricket ball in the nets, right on the temple. He's down and very groggy.", {A}, set()),
    # an animal giving birth is no labour: the decisive '要生了' / 'in labour' are for people
    ("我们家母狗要生了 第一次生 不知道咋办", set(), {A}),
    ("My dog is in labour and struggling, which vet is open tonight", set(), {A}),
    ("我老婆要生了 羊水破了 快来", {A}, set()),
]


FIFTEENTH_SESSION = [
    # a swimmer or diver who went under and has not come back up: 120 and water rescue
    ("水库边有人游泳 扎下去半天没上来了", {A, F}, set()),
    ("the lad dived off the pier and hasn't come back up, his mates are shouting", {A, F}, set()),
    # arson in progress told in English is a fire as well as police work
    ("Someone is setting fire to the rubbish bins in our lobby right now, there's smoke", {F, P}, set()),
    # shut out, not shut in: a gate that will not open, a goods lift with only goods, a child dug out
    ("小区卷帘门坏了打不开 车出不去 人能走", set(), {F}),
    ("货梯卡在两层中间 里面是货 没人", set(), {F}),
    ("我家孩子被雪埋了一下 已经拽出来了 哭呢 没受伤", set(), {F, A}),
    # 'fell or was it thrown?' is not a deliberate act
    ("楼上掉下来个衣架 落在我脚边 不知道是掉下来的还是有人扔的 没砸着人", set(), {P}),
    # someone in a car with the engine running who does not answer a knock: 120
    ("路边一辆车没熄火 车里有人 敲车窗没反应", {A}, set()),
    ("he got cement dust in both eyes and can't open his eyes", {A}, set()),
    # a person knocked down by a vehicle: police as well as 120, even when the injury words dominate
    ("A cyclist got knocked down by a taxi at the junction, she can't get up", {A, P}, set()),
    # people at risk: hanging up the phone ('挂断电话') is not a power cut; silence after a threat to hang
    ("我儿子在电话里说不想活了 要从楼顶跳下去 说完就挂断电话了", {P}, set()),
    ("我老公说要上吊 把自己反锁屋里 现在一点声儿都没了", {A, F}, set()),
    # a cancellation of an earlier report goes to 12345 alone; what is still wrong keeps its agency
    ("刚才报的漏水不用派人了 物业已经关阀门了 不漏了", {H}, {PM, P}),
    ("我之前报的车被偷了，是我老婆开走了，撤销报警", {H}, {P}),
    ("Sorry, I called about a man lying in the road, he just got up and walked off, he's fine, you can cancel it",
     {H}, {A, P}),
    ("刚才报的打架，人已经散了，但是有一个人头上流血了，需要救护车", {A, P}, set()),
    ("Cancel the noise complaint, but the guy next door just threatened me with a knife when I knocked", {P}, set()),
    # round 71, broken English: traffic with a person hurt brings police; a crash alone needs none
    ("my uncle is on the ground, scooter hit him on the zebra crossing, he cannot walk, scooter man still here",
     {A, P}, set()),
    ("Road accident near the bridge, a van and a car, the car driver has blood on his face", {A, P}, set()),
    ("I had a car crash into a tree on my own, I'm okay just the bumper is broken, what do I do", set(), {P, A}),
    ("Help my son fall down the open manhole near school, he is crying at the bottom", {A, F}, set()),
    ("I don't see him five days, my neighbour old man, his door have many newspapers", {P}, set()),
    ("有个男的蹲在一楼窗台外面 往屋里看 看半天了", {P}, set()),
    # own probing: a child in the lake who is 'not coming up' needs water rescue too; a boat is not a person
    ("A kid fell into the lake at the park, he's not coming up", {A, F}, set()),
    ("the boat is not coming up the river today, can we get a refund", set(), {A, F}),
]

SIXTEENTH_SESSION = [
    # rounds 67 and 68 read: held by people who will not let them go is trapped (119 opens, police come)
    ("饭馆老板带几个人把门堵了 说不交钱不让离开 我们一家四口都在里面", {P, F}, set()),
    ("我被前夫关家里三天了 不让出门 手机也拿走了 偷偷用邻居电话打的", {P, F}, set()),
    # a person swept off by the waves or going under in a river: 120 and water rescue
    ("游泳的那个小伙子被浪卷走了 在海里挣扎", {A, F}, set()),
    ("A man in the river is waving and going under, he can't swim!", {A, F}, set()),
    # a light fitting sparking with water in it is a fire; the same leak without sparks is not
    ("the ceiling light fitting is sparking and water is dripping out of it", {F}, set()),
    ("Water is dripping out of the ceiling light, no sparks, the power is off", set(), {F}),
    # fraud, a passport kept by an employer, a lost child, a night intruder: police
    ("我在网上买的名牌包是假货 卖家不退钱", {P}, set()),
    ("My employer has my passport and will not give it back", {P}, set()),
    ("My child lost in the shopping mall, five years old, red coat", {P}, set()),
    ("有人半夜翻墙进院子 偷了两只鸡", {P}, set()),
    ("隔壁那家又在打娃娃 哭得好惨", {P}, set()),
    # children playing in the water are not trapped
    ("小区水池里孩子们打水仗 叫得太吵了", set(), {F, A}),
    # shut out, or already out: cars that cannot leave a car park, a child already freed from a lift
    ("The car park barrier is stuck down and a row of cars can't get out, nobody is hurt", set(), {F}),
    ("刚才电梯困人，现在人已救出，请物业来修电梯", set(), {F}),
    # rounds 70 and 72 read: dialect negators (Sichuan 莫得, Cantonese and Hunan 冇) deny a fight
    ("莫得人打他哈，他自己从楼梯上滚下去的，头上在流血", {A}, {P}),
    ("冇人打架，是我阿公自己跌倒，手肿了", {A}, {P}),
    # a vehicle that knocked a person down, a spiked drink, a car driven off, a body days old: police
    ("A taxi just knocked down a woman at the crossing, she's conscious but bleeding", {A, P}, set()),
    ("我朋友在KTV被人在酒里下了药 现在迷迷糊糊的", {A, P}, set()),
    ("I left the engine running to buy water and my car was driven off, 车被人开走了", {P}, set()),
    ("河滩上有个人趴着 全身泡得发白 估计死了好多天了", {P}, set()),
    # someone dragged into a car, or who has not come up from the water: 119 as well
    ("A man dragged a girl into a grey car and sped off", {P, F}, set()),
    ("My brother dived off the rocks and he has not come up", {A, F}, set()),
    # a swarm of wasps is no assault
    ("Our guide was attacked by a swarm of wasps, his face is swelling", {A}, {P}),
]


EIGHTEENTH_SESSION = [
    # round 76 read: sparks are a fire even though 冒火 alone is anger (lexicon mask_keep)
    ("卧室插座滋滋冒火花 闸还没拉", {F}, set()),
    # an unattended case nobody claims, and gambling, are police work
    ("地铁口有个黑色行李箱放了两个多小时了 无人看管 也没人来拿", {P}, set()),
    ("隔壁出租屋天天聚众赌博 进进出出的", {P}, set()),
    # someone dragged towards a car is held against their will: 119 as well
    ("一个男的硬把小姑娘往车上拖 小姑娘在哭", {P, F}, set()),
    # cut off on the water, unhurt: 119
    ("我们划船出去 桨掉了 划不回去了 离岸越来越远", {F}, {A}),
    # a threat to 'finish' someone is a threat
    ("对门那个男的说要整死我 天天堵我门口", {P}, set()),
    # round 79 read (harmless twins and their real counterparts): a body already stiff is police work
    ("河边长椅上那个人我摸了一下，身子都硬了，一动不动", {P}, set()),
    # a grandmother shut in a lift with a cat is still a person trapped (婆 keeps the clause a person's)
    ("电梯困着一个婆婆和一只猫，婆婆说她还好", {F}, set()),
    # a film set's make-up blood and a mannequin send no one
    ("拍戏呢，地上躺着那个是演员，血是化妆的，不用管", set(), {A, P}),
    ("It is a mannequin in the canal, not a real person. Sorry for the call.", set(), {A, P, F}),
    # a child shut in a wardrobe that will not open, a man pinned under a barbell: 119
    ("孩子躲进衣柜里 柜门打不开了 在里面哭", {F}, set()),
    ("健身房有人被杠铃压在胸口上 起不来了", {A, F}, set()),
    # round 80 read: a hole in an awning is damage, so police come for a falling object
    ("雨棚破个洞 不知道楼上掉了啥", {P}, set()),
    # tossing things down (撇) is throwing; something the wind took (让风) was not thrown
    ("楼上那家天天往楼下撇瓜子皮 我家院里全是", {P}, set()),
    ("以为是楼上扔的，结果是晾的床单让风刮下来了，啥也没砸着", set(), {P}),
    # someone not seen for a week, an identity used, workers kept from going home: police
    ("俺村有个老头儿，一个礼拜没见着人影了，院门从里头插着", {P}, set()),
    ("有人冒我名字去银行办了张卡", {P}, set()),
    ("老板不发工资 还不让我们回家 身份证都收走了", {P, F}, set()),
    # hit with something by the other side of a quarrel, punches thrown, a dangerous driver: police
    ("报警人称：其与同事在食堂发生争执，被对方用餐盘砸中面部，鼻子流血", {P, A}, set()),
    ("The guy upstairs was throwing punches at his brother on the balcony", {P}, set()),
    ("前面那车一直别我车，差点撞上，我想举报他危险驾驶", {P}, set()),
    # round 77 read after the choice: a threat with a condition ('不给钱就…') is a threat (就 ends
    # the negation's reach); a knife held to someone is a hostage; an air gun; someone about to jump
    ("他说不给钱就炸了这个店", {P}, set()),
    ("A man is holding a knife to the shop assistant behind the counter", {P, F}, set()),
    ("有人拿气枪在小区里打鸟", {P}, set()),
    ("一个女的在天桥上情绪激动，要翻越栏杆", {P}, set()),
    ("A dog bit my son on the leg, it broke the skin", {A}, set()),
    ("There is an old man at the bus stop who does not know his name", {P}, set()),
    # round 78 read after the second choice: held until a debt is paid (不放人), a fall down a well,
    # leftovers tipped out of a window
    ("讨债的把我表哥扣在宾馆里，说不还钱就不放人", {P, F}, set()),
    ("我爸浇地的时候掉井里了，在下面喊", {A, F}, set()),
    ("楼上老太太天天把剩饭从窗户往外倒，倒我家雨棚上", {P}, set()),
    # round 82 read: someone in a fast ditch, a swimmer going under in broken English: 120 and 119
    ("有人掉进水沟里了，水挺急的，人在里面扑腾", {A, F}, set()),
    ("Man swim in river and he going down, I see his hand only! Come fast!", {A, F}, set()),
    # people already out, a gas smell already cleared: no 119
    ("The lady who was stuck in the lift is out now, she is fine, the lift is still broken", set(), {F, A}),
    ("刚才厨房煤气味挺大，开窗通风以后味儿散了，阀门也关了，明天想找人来查查管子", set(), {F}),
    # an owner (我家, 我们家的) names no person: the pet stuck is no one trapped
    ("俺家的猫爬到树上下不来了，叫了一上午", set(), {F, A}),
    # 'nothing's' negates what follows
    ("Nobody's hurt and nothing's damaged, a bag of laundry just dropped off the 10th floor", set(), {P, A}),
]

NINETEENTH_SESSION = [
    # round 83 read: a thing that fell and tore a pram's hood did damage (police for the thrower)
    ("楼上掉下来个花盆 砸到婴儿车 车篷破了 孩子没事", {P}, set()),
    ("a flower pot came down on the pushchair, the hood's torn, baby is fine", {P}, set()),
    # a call taken back as a misunderstanding sends no one (decisive_void + violence denied)
    ("the caller says it was all a misunderstanding about the knife, there's no emergency", set(), {P}),
    # a loan in one's name one never took out is identity fraud
    ("刚才一个朋友打电话说我名下突然多了一笔贷款，我身份证从未外借过", {P}, set()),
    # a person hit by a car is a traffic accident (decisive), an animal hit by a car is not: a
    # decisive police cue in a clause about an animal is set aside
    ("My wife was hit by a car while jogging, her knee is swollen and she can't stand on it", {P, A}, set()),
    ("一只猫被汽车撞倒了 腿断了", set(), {P}),
]

TWENTIETH_SESSION = [
    # a vehicle and the person it struck (lexicon police_matter `patterns`): police as well as 120,
    # however the caller words it; denied ('没车碰他') it is a fall, 120 only
    ("超市门口 一辆三轮车倒车把个大妈碰倒了 她说胯骨疼", {P, A}, set()),
    ("我闺女让电动车给刮了一下，膝盖全破了，骑车的还在这儿", {P, A}, set()),
    ("路口那辆面包车撞倒了一个学生，孩子坐地上哭，腿上有血", {P, A}, set()),
    ("a delivery scooter knocked into my grandma outside the market, her wrist is swollen", {P, A}, set()),
    ("骑车下坡自己摔的，没车碰我，胳膊肘流血了", {A}, {P}),
    ("刚才那车撞了我家的狗，狗腿瘸了", set(), {A}),
    # a rear-end collision is a traffic accident even when the caller speaks only of the injury
    ("somebody rear-ended me at the lights and my neck really hurts now", {P, A}, set()),
    # a scam that took money is police even when the victim is now unwell
    ("我妈被人用电话骗走了十万块钱，现在心口疼喘不上气", {P, A}, set()),
    # gas still in the room where someone was overcome: fire as well as the ambulance
    ("我爸在厨房晕过去了，已经拖到客厅，厨房还有煤气味", {F, A}, set()),
    # a fall into a cellar one cannot climb out of is trapped
    ("我婆婆掉进地窖里了，脚崴了，自己上不来", {F, A}, set()),
    # a building that collapsed is no person collapsing
    ("the shed roof has collapsed in the snow, nobody was inside it", set(), {A}),
    # round 85 read: a drink from a stranger and now unwell is a spiked drink, police and 120
    ("我同事喝了一个不认识的人给的饮料，现在腿软站不起来，说话也含糊", {P, A}, set()),
    ("a stranger bought him a beer at the club and now he can barely stand", {P, A}, set()),
    # a person under a bus after a collision is trapped (119) as well as hurt
    ("电动车让公交车给撞了，人卡在车底下，还在喊", {P, A, F}, set()),
    # a missing-person report taken back sends no one
    ("I reported my dad missing this morning, please disregard, he was at the allotment all along", set(), {P}),
    # a neighbour's dog that bit the caller: a person hurt (120)
    ("去楼上说噪音的事，他家狗把我咬了，手上破了皮", {A}, set()),
    # a grab or a shove in a quarrel is violence (police)
    ("we were arguing about the bins and he grabbed my arm and twisted it", {P}, set()),
    ("两家为晾衣服吵起来，对门老太太说被推了一把，坐地上了", {P}, set()),
    # round 87 read: a finger stuck fast is trapped (119) as well as hurt
    ("my son's finger is stuck in the bathtub drain and it's turning blue", {F, A}, set()),
    # an old person who cannot find the way home is a lost person (police)
    ("我奶奶老年痴呆，又找不着家了，一个人在外头转悠", {P}, set()),
    # a threat to set the building on fire is violence, even before anything burns
    ("the drunk guy upstairs is yelling he will set the building on fire, nothing burning yet", {P}, set()),
    # a fall down the cellar steps one cannot climb back up is trapped as well as hurt
    ("my uncle fell down the cellar steps and can't climb back up, his ankle is killing him", {F, A}, set()),
    # round 89 read: a person in the water after a boat capsized or a car went in (120 and 119)
    ("水库那边游船翻了，好几个人在水里扑腾", {A, F}, set()),
    ("our neighbour's toddler is face down in the pond, I'm going in", {A, F}, set()),
    # '别拿刀' names a knife in the quarrel (violence), though it starts with a negator
    ("隔壁两口子打起来了，女的一直喊你别拿刀", {P}, set()),
    # a light fitting sparking from a leak is a fire
    ("楼上漏水漏进灯座了，灯泡噼啪冒火花", {F}, set()),
    # asthma heard as a capsized boat (喘犯了 / 船翻了) is still asthma: no 119
    ("我妈哮喘犯了 喷雾用完了 喘不上气", {A}, {F}),
    # round 86 read: a reversing car that hit 'my leg' is a traffic accident ('我的车' stays a car)
    ("停车场里一辆倒车的面包车撞到我的脚了，肿了，走不了", {P, A}, set()),
    # a child being beaten, in Sichuan speech (遭打 = 被打), is violence
    ("楼上那家娃儿又遭打了，哭得好惨", {P}, set()),
    # cut off by the tide on the rocks is trapped (119)
    ("在礁石上钓鱼，涨潮了，四周都是水，回不去了，人没事", {F}, set()),
]

TWENTY_FIRST_SESSION = [
    # a person in the water or down a pit now (lexicon `rule_patterns`): 120 and 119 both come;
    # out again ('已经捞上来了', 'they pulled him out'), or only feared ('怕有人掉河里'), it is no rescue
    ("一名六岁男童掉入井内 能听到哭声", {A, F}, set()),
    ("我妈掉我们家后院菜窖里了，说腰动不了", {A, F}, set()),
    ("there's a man in the water under the bridge and he's stopped moving his arms", {A, F}, set()),
    ("孩子掉河里了 已经捞上来了 呛了几口水", {A}, {F}),
    ("my son went under in the river, they pulled him out, he's coughing", {A}, {F}),
    # round 90 read: carried off by the water, not surfacing, hanging at height, cut off by the tide
    ("报警人称：一男子在排洪渠内被水冲走，目击者称其抓住了一根树枝", {A, F}, set()),
    ("村后头鱼塘，俺家小子下去摸鱼，半天没露头", {A, F}, set()),
    ("哥们喝多了非要下河游泳，刚下去，现在在河中间扑腾，喊他也不回", {A, F}, set()),
    ("报警人称：一头黄牛掉入废弃水井，牛仍在井中挣扎，无人员落井", set(), {A, F}),
    ("外墙蜘蛛人的吊板断了一根绳，人斜着挂在十二楼，两手死死抓着绳子", {F}, set()),
    ("有个小孩在桥墩台子上坐着，水一涨回不了岸了，他自己没事", {F}, set()),
    ("the technician is hanging on his safety rope against the wall outside the seventh floor", {F}, set()),
    ("there's a man hanging on a rope outside the 20th floor... oh wait, he's got a squeegee, never mind", set(), {F}),
    # crashes told another way round: struck while riding, two vehicles met, a vehicle on a person
    ("就护车快来 我老公骑摩托被车撞了 在国道边上 人叫不醒", {P, A}, set()),
    ("两个点动车撞了 一个大爷摔得嘴里都是血", {P, A}, set()),
    ("一名儿童从车辆之间跑出，与一辆出租车发生碰撞，右腿疼痛", {P, A}, set()),
    ("一个大挂车把一辆摩托车卷底下了，人还没弄出来", {P, A, F}, set()),
    # an object struck by a vehicle stays the object's own call: no police
    ("路边消火栓让车撞了 水呲老高 没着火", set(), {P}),
    # round 92 read: pushed down the stairs is an assault; an e-bike ridden off by someone is theft;
    # a wrench that went right through a sunroof did damage (police on a falling-object call)
    ("有人把我爷爷从楼梯推下去了，爷爷现在腰不能动，赶紧叫个救护车", {P, A}, set()),
    ("电动车让人骑走了，我钥匙忘拔了，就在菜场门口", {P}, set()),
    ("A pipe wrench fell from the gondola on the 22nd floor and went right through the sunroof of a car.", {P}, set()),
    # round 88 read: fell through the ice and struggling, half in the water: a person in the water
    ("报警人称：一男子在公园冰面上钓鱼时冰面破裂落水，正在挣扎", {A, F}, set()),
    ("这边有人 卡在冰窟窿边上 半截身子在水里 抓着冰", {A, F}, set()),
    # a theft told as done, however casually: police
    ("Not urgent really. My bike got stolen last week outside the gym and I reported it then. Now I "
     "can see it for sale in a shop near the station. Can the police go get it?", {P}, set()),
    # a rider who fell into a dry ditch is hurt, not held: no 119
    ("骑车让一条狗追，吓得我摔沟里了，手肘擦破了一大片", {A}, {F}),
    # '不认识的男的' is 'a stranger', not a negation of what he did
    ("我侄女在学校门口被一个不认识的男的抱上车了，车往北开了", {P, F}, set()),
]

TWENTY_SECOND_SESSION = [
    # rounds 90-92 read (lexicon `rule_patterns`), calls the engine had wrong before them:
    # held by people now ('不准我走') is trapped, so 119 comes with police
    ("打麻将输了钱，对面那个人掀了桌子还扇了我一耳光，脸上现在还火辣辣的痛，他还堵到门口不准我走", {P, A, F}, set()),
    # someone overcome by the smoke of a fire sends 120; a neighbour's cooking fumes do not
    ("快点！楼下餐馆着火了，烟子往楼上灌，我们屋头有人呛到了在咳，楼道全是烟下不去", {A, F}, set()),
    ("楼上老说我家油烟熏着他们了，天天来吵，没动手", set(), {A, P}),
    # a theft told as done, a bomb however doubtful, money sent then doubted, a fake and the seller gone
    ("有人把我家楼下的井盖偷了，我刚才差点掉下去，没掉下去啊，人没事", {P}, set()),
    ("有人在群里说我们小区有个炸弹，我下去一看是个快递箱子搁单元门口，没人认领，我也不敢动", {P}, set()),
    ("楼上装修的动静跟炸弹似的，天天早上七点就开始", set(), {P}),
    ("我妈接个电话说是供暖公司的，说她家欠暖气费要停暖，让她往一个卡上转了三千八，转完了才觉得不对", {P}, set()),
    ("我在二手市场买了个手机，回去一看是模型机，里面是空的，那个卖家也找不到了", {P}, set()),
    # an ankle that cannot bear weight is hurt; a car over a foot, a lorry over a motorbike is traffic
    ("报警人称：前夫上门要钱未果，将其从楼梯上推下，现右脚踝不能着地，前夫已离开。", {P, A}, set()),
    ("刚才一辆车从我脚面上轧过去了，就在停车场，那司机说他没感觉到，现在我脚肿得跟馒头似的", {P, A}, set()),
    ("拉煤的大货车把一辆摩托车压底下了，骑车的人已经让大伙儿拖出来了，腿断了，骨头都露出来了", {P, A}, set()),
    # a neighbour not seen for days is a welfare check; a child dragged into a car is held
    ("楼下独居的大爷三天没开门了，敲门不应", {P}, set()),
    ("A man dragged a little boy into a grey car outside the school gate and drove off", {P, F}, set()),
]

TWENTY_THIRD_SESSION = [
    # round 95 read: a person pulled into a vehicle by others is held (trapped: 119 with police),
    # in Chinese as in English; a ride to hospital is not
    ("我看见一个男的把个小姑娘往一辆黑色轿车里拽，小姑娘一直哭着喊不认识他", {P, F}, set()),
    ("我表弟刚在网吧门口让两个人架着塞进一辆小车拉走了，电话也打不通", {P, F}, set()),
    ("我爸晕倒了，邻居把他抱上车送医院了，我现在往医院赶", {A}, {F}),
    # 翘 typed for 撬 (pry): a car being broken into is police work
    ("半夜三点 停车场有人翘车门", {P}, set()),
    # round 96 read: Cantonese words with no other reading in a Mandarin call
    ("河边 有条尸 浮喺度", {P}, set()),
    ("商场门口有个细路 搵唔到屋企人 喊紧", {P}, set()),
    ("厨房个插苏着火，我老豆去扑火烫亲只手", {F, A}, set()),
    # Wu 拨 before a doer is the passive: '拨骗了' is a fraud, '拨打' still dials
    ("侬好，我想问问，我好像拨骗了，转了伊三千块，现在寻勿到人了", {P}, set()),
    # a car that hit the person behind it is traffic, not only an injury
    ("我倒车的时候撞到后面一个外卖小哥，他摔下来了，手肘流血", {P, A}, set()),
    # a crush told in plain English: police for the crowd, 120 for the people down
    ("Metro exit is packed, everyone pushing, a few people fell on the stairs and others step on them", {P, A}, set()),
]

TWENTY_FOURTH_SESSION = [
    # round 97 read: Cantonese 瘀 (a bruise) is a hurt person; beaten by several is an assault
    ("佢哋几个围住我个女打，佢手臂瘀晒", {P, A}, set()),
    ("我弟弟放学让几个人打了一顿，现在鼻子流血", {P, A}, set()),
    # bitten by a dog (the passive 叫狗咬了) is a medical call, not police work
    ("我儿子叫狗咬了，腿上流血", {A}, {P}),
    # a person pushed into a van, told with a pronoun
    ("Two men pushed her into a white van and drove off", {P, F}, set()),
    # a vehicle gone is a theft, unless the call finds it; a threat to jump; a rope across a road
    ("我电动车停楼下一晚上就不见了", {P}, set()),
    ("电动车不见了，原来是我老公骑去上班了，不好意思", set(), {P}),
    ("有个人站在天桥上说不给钱否则跳下去", {P}, set()),
    ("村口路上横着一根铁丝，刚才有人骑摩托差点被绊倒", {P}, set()),
    # damage done by people (人为) is police work beside the repair
    ("小区门禁被人为砸坏了", {P}, set()),
    # Cantonese 仲着紧: still burning
    ("后巷啲纸皮仲着紧", {F}, set()),
    # Cantonese 𨋢 (a lift), 入面 (inside), 出唔到嚟 (cannot get out), 揸住 (holding), 嗌 (shout)
    ("我个女困咗喺𨋢入面，喊紧", {F}, set()),
    ("B座部𨋢门开开埋埋，入面冇人", set(), {F}),
    ("水浸到腰，我阿妈喺铺头入面出唔到嚟", {F}, set()),
    ("我老公饮醉酒揸住把刀喺度嗌", {P}, set()),
    # a man climbing a drainpipe to a window
    ("半夜有个男的顺着排水管往上爬，爬到四楼窗户了", {P}, set()),
    # English: a worker fallen from height is a medical call; a passport locked in a drawer holds no one
    ("A builder fell off the scaffolding next door, fell three floors, he is barely moving", {A}, set()),
    ("My landlord has my passport locked in his drawer and won't give it back until I pay", {P}, {F}),
    # a person fallen into a sewer or an open manhole: 120 and 119
    ("有个人掉进下水道了，井盖没了", {A, F}, set()),
    ("路口积水，一个大姐踩空了一脚掉进窨井里，就露个头", {A, F}, set()),
    # nobody inside, said in Hubei speech or as a call-taker's note; things locked in are no person
    ("电梯门开开关关的，我看了里面冇得人", set(), {F}),
    ("来电：小区电梯下滑后停在二楼，人员均已走出，无人受伤。", set(), {F, A}),
    ("房东把锁换了，我的东西全锁在里面，他讲不交钱不给拿", {P}, {F}),
    # round 99 read: held behind a shut door or shutter (119 with police), not a neighbour's words
    ("保安拉埋闸唔畀我哋走，话我哋偷嘢", {P, F}, set()),
    ("一伙人堵着公司大门不让我们员工离开，已经两个小时了", {P, F}, set()),
    ("the shop owner locked the door on us and says we can't go until we pay", {P, F}, set()),
    ("邻居堵着门口不让我们走，没动手，就想找人评评理", set(), {P, F}),
    # a car taken with a child inside; a man shoved into a car; a bag left in a mall
    ("有人抢了我的车开走了，我女儿还在后座", {P, F}, set()),
    ("Two guys shoved a man into a black car and drove off", {P, F}, set()),
    ("商场门口有个行李箱放了两个钟头没人认", {P}, set()),
    # a delivery rider hit; anglers cut off by the tide; 後 read as 后
    ("A van just hit a delivery rider, he's on the ground holding his leg", {P, A}, set()),
    ("两个钓鱼的在礁石上，涨潮了回不到岸", {F}, set()),
    ("樓下著火，我哋喺後樓梯出唔到去", {F}, set()),
    # a caller's cancellation in Wu and Cantonese; Sichuan 打锤 is a fight
    ("刚刚报个警勿用来了，阿拉爷爷自家寻回来了", set(), {P}),
    ("头先我报咗警话个女唔见咗，佢而家返咗嚟喇，唔使嚟喇", set(), {P}),
    ("火锅店门口几个人在打锤，板凳都甩起来了", {P}, set()),
    # round 100 read: held by people, told without the word trapped (police and 119) ...
    ("我表姐被她男朋友锁在出租屋里两天了，刚偷偷发消息给我", {P, F}, set()),
    ("老板说我偷东西，工钱不给还把我反锁在仓库里了", {P, F}, set()),
    ("我妹在一个公司上班，现在他们不让她出宿舍，说要交违约金", {P, F}, set()),
    ("吃了顿饭要八千，不给钱几个男的把门一关不让走", {P, F}, set()),
    # ... but cornered by bullies, or a suspect held by passengers, is not
    ("我儿子放学让几个孩子堵在厕所里打了，后背青了", {P, A}, {F}),
    ("来电：地铁车厢内一男子偷拍，已被乘客控制在站台。", {P}, {F}),
    # pinned by a car off its jack; a worker in a gondola stopped at height
    ("我叔在院里修车，千斤顶滑了，车压着他的腿", {A, F}, set()),
    ("来电：外墙吊篮卡在二十层，吊篮内两名工人，其中一人头晕", {A, F}, set()),
    # Cantonese: hacked with a blade; someone struggling in the sea
    ("我老公畀人斬咗兩刀，流緊血", {P, A}, set()),
    ("碼頭 有人浸緊 唔識游水", {A, F}, set()),
    # a 'white car' in Mandarin is a car
    ("前面那辆白车一直别我，差点撞上", set(), {A}),
    # kidnapped and tied up; held in a room; pay or you cannot leave, unless the caller has left
    ("有人绑了我哥，发照片说捆椅子上了，要钱", {P, F}, set()),
    ("来电：一男子持刀将其妻子控制在屋内", {P, F}, set()),
    ("KTV结账要一万二，不给钱不让出门，门口站着几个人", {P, F}, set()),
]


def test_a_pay_or_stay_threat_is_no_detention_once_the_caller_has_left(engine, policy):
    """'不给钱不让走' while the way out is held is trapped; the same words from a caller who has
    already walked away are not (the rule's `unless`)."""
    held = classify(engine, policy, "KTV结账要一万二，不给钱不让出门，门口站着几个人")
    left = classify(engine, policy, "拍照的说不给三百就不让走，我已经走开了，想举报他们")
    assert held.flags.trapped, held.reasons
    assert not left.flags.trapped, left.reasons

@pytest.mark.parametrize("text,must,must_not", TWELFTH_SESSION + THIRTEENTH_SESSION + FOURTEENTH_SESSION
                         + FIFTEENTH_SESSION + SIXTEENTH_SESSION + EIGHTEENTH_SESSION
                         + NINETEENTH_SESSION + TWENTIETH_SESSION + TWENTY_FIRST_SESSION
                         + TWENTY_SECOND_SESSION + TWENTY_THIRD_SESSION
                         + TWENTY_FOURTH_SESSION)
def test_later_session_readings(engine, policy, text, must, must_not):
    c = classify(engine, policy, text)
    assert must <= set(c.agencies) and not must_not & set(c.agencies), c.reasons


def test_decisive_type_cue_is_named_in_the_reasons(engine, policy):
    c = classify(engine, policy, "楼上漏水漏到我家电闸了，现在电闸冒烟了")
    assert c.call_type.value == "fire"
    assert any("decisive cues '电闸冒烟'" in r for r in c.reasons), c.reasons


def test_a_traffic_pattern_is_quoted_in_the_reasons_and_not_read_when_denied(engine, policy):
    """A decisive type pattern (lexicon police_matter `patterns`) names the words it matched; the same
    words denied ('没车碰他') or about an animal are no traffic accident."""
    c = classify(engine, policy, "超市门口 一辆三轮车倒车把个大妈碰倒了 她说胯骨疼")
    assert c.call_type.value == "police_matter"
    assert any("decisive cues '把个大妈碰'" in r for r in c.reasons), c.reasons
    hits = {h[0] for h in engine.features("骑车下坡自己摔的，没车碰他，胳膊肘流血了").hits if h[3] == "pos"}
    assert "K" not in hits
    assert not any(h[0] == "K" for h in engine.features("那辆车撞了我家的狗，狗腿瘸了").hits)


def test_a_person_pattern_is_quoted_and_undone_when_the_person_is_out(engine, policy):
    """A person pattern (lexicon `rule_patterns`) raises injured and trapped as decisive cues that
    name a person, and a person in the water is a medical call (its `type`), quoting the words it
    matched; '捞上来了' later in the call undoes it."""
    c = classify(engine, policy, "报警人称 一名男童掉入井内")
    assert c.flags.injured and c.flags.trapped and c.call_type.value == "medical"
    assert any("decisive cues '男童掉入井内'" in r for r in c.reasons), c.reasons
    assert not any("掉入井内" in h[2] for h in engine.features("男童掉入井内 已经捞上来了").hits)
    assert not any("掉水里" in h[2] for h in engine.features("我手机掉水里了").hits)  # a phone is no person


def test_a_plain_rule_pattern_needs_the_model_to_agree(engine, policy):
    """A rule pattern with `decisive: false` is a plain cue: '有人…点着了' makes an arson call
    deliberate (police as well as 119), but an accident worded alike ('蚊香把窗帘点着了') is not."""
    c = classify(engine, policy, "有人拿汽油把村委会大门点着了，还在烧呢，人跑了")
    assert c.flags.deliberate and {P, F} <= set(c.agencies), c.reasons
    c = classify(engine, policy, "哎呀窗帘着了！蚊香把窗帘点着了，我拿水泼了一盆，还有火")
    assert not c.flags.deliberate and P not in c.agencies, c.reasons


def test_a_plain_rule_pattern_cannot_be_limited_to_a_call_type():
    """`on` works through decisive cues only; on a plain cue it would silently do nothing, so the
    lexicon refuses to load."""
    from services.classifier.engine.lexicon import _rule_pattern
    with pytest.raises(ValueError, match="decisive: false"):
        _rule_pattern({"flags": ["damage"], "on": "falling_object", "decisive": False, "verb": "碎"}, en=False)


def test_a_kept_phrase_is_not_set_aside_as_misleading(engine):
    """冒火 'fuming' is set aside as misleading, but 冒火花 'sparking' (lexicon mask_keep) is read."""
    sparks = engine.features("配电箱一直冒火花")
    assert not sparks.masked and any(h[2] == "冒火花" for h in sparks.hits)
    assert "冒火" in engine.features("他一听就冒火了").masked


def test_a_bleeding_wing_is_an_animal_hurt_not_a_person(engine, policy):
    """翅膀 (a wing) makes its clause about an animal (lexicon animal_clauses): no injured flag."""
    c = classify(engine, policy, "鸽子撞窗户上了 翅膀流血 飞不起来")
    assert not c.flags.injured, c.reasons
    assert any("翅膀流血 (about an animal)" in r for r in c.reasons), c.reasons


def test_an_owner_of_an_animal_names_no_person_in_its_clause(engine):
    """'我家狗' is the dog's clause (lexicon animal_clauses `possessive`); '我家狗把我儿子咬了' still
    names the son, and '我家老人' is a person."""
    assert any("(about an animal)" in m for m in engine.features("我们家的狗卡在栏杆缝里了").masked)
    assert not any("(about an animal)" in m for m in engine.features("我家狗把我儿子咬了").masked)
    assert not any("(about an animal)" in m for m in engine.features("我家老人卡在电梯里了").masked)


def test_a_rule_pattern_limited_to_a_call_type_is_not_decisive_on_another(engine, policy):
    """`on: falling_object` (which YAML 1.1 reads as the key True) limits a damage rule to
    falling-object calls: 'through my' ceiling on a leak is no damage, through a windscreen from
    above is (police on a falling-object call)."""
    leak = classify(engine, policy, "The washing machine upstairs leaked and now water is coming through my bathroom "
                                    "ceiling light. I've switched the power off.")
    assert leak.call_type.value == "water_leak" and not leak.flags.damage, leak.reasons
    brick = classify(engine, policy, "A brick fell off the roof and went straight through my windscreen")
    assert brick.flags.damage and Agency.POLICE in brick.agencies, brick.reasons


def test_a_rule_pattern_with_an_unknown_key_is_refused():
    """A misspelt limit ('on_type') would be dropped without a word and the rule fire everywhere."""
    from services.classifier.engine.lexicon import _rule_pattern
    import yaml
    spec = yaml.safe_load("flags: [damage]\non: falling_object\nverb: 凹陷")
    assert True in spec  # the YAML 1.1 reading that the loader undoes
    words, verb, whole, tags = _rule_pattern(spec, en=False)
    assert "damage@falling_object" in {h[1] for h in tags["pos"]}
    with pytest.raises(ValueError, match="unknown keys"):
        _rule_pattern({"flags": ["damage"], "on_type": "falling_object", "verb": "凹陷"}, en=False)


def test_a_rule_pattern_floor_false_is_for_a_type_or_decisive_flags():
    """`floor: false` lets a rule's call type count however unlikely the model finds it, or on a
    rule with no type its decisive flags (the Q cue); on a rule with neither, or with plain flag
    cues, it would mean nothing, so the lexicon is refused rather than read."""
    from services.classifier.engine.lexicon import _rule_pattern
    *_, tags = _rule_pattern({"flags": [], "type": "police_matter", "floor": False, "verb": "撞倒"}, en=False)
    assert {(h[0], h[1]) for h in tags["pos"]} == {("K", "police_matter"), ("N", "police_matter")}
    *_, tags = _rule_pattern({"flags": [], "type": "police_matter", "verb": "撞倒"}, en=False)
    assert {(h[0], h[1]) for h in tags["pos"]} == {("K", "police_matter")}
    *_, tags = _rule_pattern({"flags": ["damage"], "floor": False, "verb": "凹陷"}, en=False)
    assert {(h[0], h[1]) for h in tags["pos"]} == {("F", "damage"), ("S", "damage"), ("Q", "damage")}
    with pytest.raises(ValueError, match="floor: false needs decisive flags"):
        _rule_pattern({"flags": [], "floor": False, "verb": "凹陷"}, en=False)
    with pytest.raises(ValueError, match="floor: false needs decisive flags"):
        _rule_pattern({"flags": ["damage"], "decisive": False, "floor": False, "verb": "凹陷"}, en=False)
    with pytest.raises(ValueError, match="floor is false or absent"):
        _rule_pattern({"flags": ["damage"], "floor": True, "verb": "凹陷"}, en=False)
