"""The address resolver over a table of caller addresses, the partner directory and its checks."""

import copy
import io
import json
from pathlib import Path

import pytest
import yaml

from schemas.codes import Agency
from services.dispatch.address import Resolution, resolve_address
from services.dispatch.address_normalise import chinese_number, normalise
from services.dispatch.directory import DEFAULT_PARTNERS_FILE, DirectoryError, load_directory
from services.dispatch.resolve_cli import run

CASES = [json.loads(line) for line in (Path(__file__).parent / "address_cases.jsonl").read_text("utf-8").splitlines()
         if line.strip()]


@pytest.fixture(scope="module")
def directory():
    return load_directory()


# --- the table -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_address_case(case, directory):
    found = resolve_address(case["address"], directory)
    assert (found.community, found.compound, found.building) == (
        case["community"], case["compound"], case["building"]), found.reason
    if case["community"] == "unknown":
        assert found.confidence <= 0.2
    elif case["community"] == "outside":
        assert found.confidence >= 0.7
    else:
        assert found.confidence >= 0.5


def test_table_covers_every_community_and_compound(directory):
    assert len(CASES) >= 120
    assert len({c["id"] for c in CASES}) == len(CASES)
    named = {c["community"] for c in CASES}
    assert {c.name for c in directory.communities} | {"outside", "unknown"} <= named
    compounds = {c["compound"] for c in CASES}
    assert {k.name for c in directory.communities for k in c.compounds} <= compounds


# --- resolver details ----------------------------------------------------------------------------
def test_unit_and_room_are_read(directory):
    found = resolve_address("西罗园二区5号楼3单元402", directory)
    assert (found.building, found.unit, found.room) == ("5", "3", "402")
    assert "5号楼" in found.matched
    dashed = resolve_address("西罗园一区5-3-402", directory)
    assert (dashed.building, dashed.unit, dashed.room) == ("5", "3", "402")


def test_doubts_lower_the_confidence(directory):
    sure = resolve_address("西罗园二区", directory).confidence
    assert resolve_address("西罗元二区", directory).confidence < sure          # speech slip
    assert resolve_address("西罗园二区附近", directory).confidence < sure       # hedged
    assert resolve_address("西罗园二区和西罗园四区中间", directory).confidence < sure  # two communities
    assert resolve_address("西罗园二区25号楼", directory).confidence < sure    # no such building
    assert resolve_address("西罗园二区5号楼", directory).confidence > sure     # building fits


def test_most_specific_match_wins(directory):
    assert resolve_address("洋桥东里", directory).community == "洋桥东里社区"   # over the boundary name 洋桥
    assert resolve_address("马家堡西路", directory).community == "unknown"      # boundary street over 马家堡
    both = resolve_address("我在西罗园二区，不是木樨园", directory)
    assert both.community == "西罗园第二社区" and both.confidence < 0.85


def test_resolution_is_frozen_and_explains_itself(directory):
    found = resolve_address("花椒树北门外", directory)
    assert isinstance(found, Resolution) and found.reason and "北门" in found.matched
    with pytest.raises(Exception):
        found.community = "x"


def test_normalise():
    assert normalise("Xiluoyuan No.2 Area Building 5") == "xiluoyuan2区5号楼"
    assert normalise("西罗园２区5#楼") == "西罗园2区5号楼"
    assert normalise("西罗元一区", {"元": "园"}) == "西罗园1区"
    assert [chinese_number(x) for x in ("十二", "二十", "一百零二", "四零二", "两")] == ["12", "20", "102", "402", "2"]


# --- the directory -------------------------------------------------------------------------------
def test_default_directory_loads(directory):
    assert DEFAULT_PARTNERS_FILE.name == "partners.yaml"
    assert len(directory.communities) == 6
    assert directory.partner("pm-xly2-wanjia").webhook_path == "/hooks/pm-xly2-wanjia"


@pytest.mark.parametrize(("agency", "community", "compound", "expected"), [
    ("property_management", "西罗园第二社区", "西罗园二区", "pm-xly2-wanjia"),
    ("property_management", "西罗园第二社区", "福园公寓", "pm-xly2-fuyuan"),
    ("property_management", "西罗园第二社区", None, "cc-xly2"),        # two compounds: the committee forwards
    ("property_management", "花椒树社区", None, "pm-hjs-huatai"),     # its only compound
    ("community_committee", "洋桥东里社区", "洋桥嘉园", "cc-yqdl"),
    ("police", "西罗园第三社区", None, "police-xly3"),
    ("police", "outside", None, "police-xly-desk"),
    ("police", "unknown", None, "police-xly-desk"),
    ("property_management", "outside", None, "hotline-fengtai-12345"),
    ("community_committee", "unknown", None, "hotline-fengtai-12345"),
    ("ems_120", "西罗园第一社区", "西罗园一区", "ems-beijing-120"),
    ("fire_119", "outside", None, "fire-fengtai-119"),
    ("hotline_12345", "花椒树社区", None, "hotline-fengtai-12345"),
    (Agency.PROPERTY_MANAGEMENT, "xly4", "xly4-kangtai", "pm-xly4-kangtai"),  # ids work too
])
def test_partner_for(directory, agency, community, compound, expected):
    assert directory.partner_for(agency, community, compound).id == expected


def test_every_agency_has_a_partner_everywhere(directory):
    places = [(c.name, k.name) for c in directory.communities for k in c.compounds] + [("outside", None), ("unknown", None)]
    for agency in Agency:
        for community, compound in places:
            assert directory.partner_for(agency, community, compound)


def test_escalation_chain(directory):
    chain = [p.id for p in directory.escalation_chain("pm-xly2-wanjia")]
    assert chain == ["pm-xly2-wanjia", "cc-xly2", "police-xly2", "police-xly-desk"]
    assert [p.id for p in directory.escalation_chain("police-xly-desk")] == ["police-xly-desk"]
    assert [p.id for p in directory.escalation_chain("ems-beijing-120")] == ["ems-beijing-120", "police-xly-desk"]
    for partner in directory.partners:
        assert directory.escalation_chain(partner.id)[-1].id == directory.duty_desk
    with pytest.raises(KeyError, match="nope"):
        directory.escalation_chain("nope")


# --- directory validation: small bad files --------------------------------------------------------
def _p(pid, agency, escalation=None, delivery="topic"):
    return {"id": pid, "name": pid, "agency": agency, "delivery": delivery, "escalation": escalation}


GOOD = {
    "version": "t1", "station": "西罗园派出所", "duty_desk": "desk",
    "citywide": {"ems_120": "ems", "fire_119": "fire", "hotline_12345": "hotline"},
    "fallbacks": {"police": "desk", "ems_120": "ems", "fire_119": "fire", "property_management": "hotline",
                  "community_committee": "hotline", "hotline_12345": "hotline"},
    "partners": [_p("desk", "police"), _p("ems", "ems_120", "desk"), _p("fire", "fire_119", "desk"),
                 _p("hotline", "hotline_12345", "desk"), _p("pol-a", "police", "desk"),
                 _p("cc-a", "community_committee", "pol-a"), _p("pm-a", "property_management", "cc-a"),
                 _p("pm-b", "property_management", "cc-a")],
    "communities": [{"id": "a", "name": "甲社区", "aliases": ["甲区"], "committee": "cc-a", "police": "pol-a",
                     "compounds": [{"id": "a-1", "name": "甲一小区", "buildings": ["1-5"], "property": "pm-a"},
                                   {"id": "a-2", "name": "甲二小区", "buildings": ["6", "7"], "property": "pm-b"}]}],
}


def _load(tmp_path, data):
    path = tmp_path / "partners.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return load_directory(path)


def test_small_good_directory(tmp_path):
    small = _load(tmp_path, GOOD)
    assert resolve_address("甲区6号楼", small).compound == "甲二小区"


def _bad(mutate):
    data = copy.deepcopy(GOOD)
    mutate(data)
    return data


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["partners"][4].update(agency="sheriff"), "agency"),
    (lambda d: d["partners"][6].update(escalation="ghost"), "unknown partner 'ghost'"),
    (lambda d: d["partners"][4].update(escalation="cc-a"), "escalation cycle"),
    (lambda d: d["partners"].append(_p("pm-a", "property_management", "cc-a")), "duplicate partner id 'pm-a'"),
    (lambda d: d["communities"][0].pop("committee"), "committee"),
    (lambda d: d["communities"][0].pop("police"), "police"),
    (lambda d: d["communities"][0].update(police="cc-a"), "expected police"),
    (lambda d: d["partners"][4].update(escalation=None), "not at the duty desk"),
    (lambda d: d["partners"][0].update(escalation="pol-a"), "must not escalate"),
    (lambda d: d["partners"][6].update(delivery="webhook"), "webhook_path"),
    (lambda d: d["communities"][0]["compounds"][1].update(buildings=["5-7"]), "building 5 is in both"),
    (lambda d: d["communities"][0]["compounds"][1].update(aliases=["甲一小区"]), "names both"),
    (lambda d: d["fallbacks"].pop("police"), "fallbacks has no partner for police"),
    (lambda d: d["citywide"].pop("fire_119"), "citywide has no partner for fire_119"),
    (lambda d: d["partners"][6].update(escalation="pol-a"), "should escalate to its committee"),
    (lambda d: d.update(extra_field=1), "extra"),
])
def test_directory_rejects(tmp_path, mutate, message):
    with pytest.raises(DirectoryError, match=message):
        _load(tmp_path, _bad(mutate))


def test_directory_file_errors(tmp_path):
    with pytest.raises(DirectoryError, match="cannot read"):
        load_directory(tmp_path / "missing.yaml")
    (tmp_path / "broken.yaml").write_text("partners: [", "utf-8")
    with pytest.raises(DirectoryError, match="cannot read"):
        load_directory(tmp_path / "broken.yaml")


# --- callroute resolve ---------------------------------------------------------------------------
def test_resolve_cli(directory):
    lines = ['{"id": "c1", "address": "西罗园二区5号楼"}', "not json", "", '{"address": "x"}', "[1]",
             '{"id": "c2", "address": null}', '{"id": "c3", "address": "Chaoyang"}']
    out = io.StringIO()
    assert run(lines, out, directory) == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0] == {"id": "c1", "community": "西罗园第二社区", "compound": "西罗园二区", "building": "5",
                       "confidence": 0.9}
    assert [r.get("line") for r in rows[1:4]] == [2, 4, 5] and all("error" in r for r in rows[1:4])
    assert rows[4]["community"] == "unknown" and rows[5]["community"] == "outside"
