"""Dispatch policy as data: priorities, deadlines, routing to partners, mediation parties, audit (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from schemas.codes import Agency, CallType
from schemas.events import CallClassified, CallDetails, Classification, Flags, Place
from schemas.policy import load_policy
from services.dispatch.audit import response_times
from services.dispatch.directory import load_directory
from services.dispatch.mediation import parties_in
from services.dispatch.routing import RoutingContext, agencies_for, plan_handoffs, successor
from services.dispatch.rules import load_rules

NOW = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ctx():
    return RoutingContext(load_policy(), load_rules(), load_directory())


def classified(call_type, address="西罗园二区5号楼", confidence=0.9, agencies=(), text="x", **flags):
    return CallClassified(
        event_id="e", call_id="c1",
        call=CallDetails(text=text, address=address, caller_phone="13812345678", received_at=NOW),
        classification=Classification(call_type=call_type, flags=Flags(**flags), confidence=confidence,
                                      agencies=list(agencies), model_version="t"),
    )


@pytest.mark.parametrize(("call_type", "flags", "priority"), [
    (CallType.MEDICAL, {"injured": True}, "P1"), (CallType.FIRE, {}, "P1"),
    (CallType.FACILITY_FAULT, {"trapped": True}, "P1"), (CallType.WATER_LEAK, {}, "P2"),
    (CallType.NOISE, {}, "P3"), (CallType.NEIGHBOR_DISPUTE, {"violence": True}, "P1"),
])
def test_priorities_come_from_the_rules_file(call_type, flags, priority):
    assert load_rules().priority(call_type, Flags(**flags)) == priority


def test_a_collapse_gets_seconds_a_noise_complaint_minutes():
    rules = load_rules()
    assert rules.deadline("P1", Agency.EMS_120)[0] == timedelta(seconds=30)
    assert rules.deadline("P3", Agency.COMMUNITY_COMMITTEE)[0] == timedelta(minutes=30)
    assert rules.deadline("P3", Agency.COMMUNITY_COMMITTEE, scale=0.1)[0] == timedelta(minutes=3)


def test_a_bad_rules_file_fails_with_the_reason(tmp_path):
    bad = tmp_path / "dispatch.yaml"
    bad.write_text("version: x\npriorities: []\ndefault_priority: P9\ndeadlines: {P1: {'*': {ack: 1, resolve: 2}}}\n"
                   "mediation_forces: []\n")
    with pytest.raises(ValueError, match="P9 has no deadlines"):
        load_rules(bad)


def test_handoffs_go_to_the_partners_of_the_callers_compound(ctx):
    event = classified(CallType.FALLING_OBJECT, damage=True)
    place = Place(community="西罗园第二社区", compound="西罗园二区", building="5", confidence=0.9)
    plans = plan_handoffs(event, ctx, place, NOW, agencies=agencies_for(event, ctx.policy))
    assert {(p.agency.value, p.partner_id) for p in plans} == {
        ("property_management", "pm-xly2-wanjia"), ("police", "police-xly2")}
    assert all(not p.review and p.ack_by > NOW for p in plans)


def test_unknown_place_goes_to_the_fallback_with_review(ctx):
    event = classified(CallType.NOISE, address=None)
    place = Place(community="unknown", confidence=0.0)
    plans = plan_handoffs(event, ctx, place, NOW, agencies=agencies_for(event, ctx.policy))
    assert [(p.partner_id, p.review) for p in plans] == [("hotline-fengtai-12345", True)]


def test_classifier_safety_additions_are_kept(ctx):
    event = classified(CallType.OTHER, confidence=0.4, agencies=[Agency.HOTLINE_12345, Agency.EMS_120])
    assert agencies_for(event, ctx.policy) == {Agency.HOTLINE_12345: "base:other", Agency.EMS_120: "classifier:safety"}


def test_escalation_walks_the_chain_to_the_station(ctx):
    event = classified(CallType.WATER_LEAK)
    place = Place(community="西罗园第二社区", compound="西罗园二区", building="5", confidence=0.9)
    first = plan_handoffs(event, ctx, place, NOW, agencies=agencies_for(event, ctx.policy))[0]
    chain = [p.id for p in ctx.directory.escalation_chain(first.partner_id)]
    assert chain == ["pm-xly2-wanjia", "cc-xly2", "police-xly2", "police-xly-desk"]
    nxt = successor(first, ctx.directory.partner("cc-xly2"), "escalated: no ack", ctx, NOW)
    assert nxt.escalated_from == first.handoff_id and nxt.agency == Agency.COMMUNITY_COMMITTEE
    assert nxt.handoff_id != first.handoff_id


def test_neighbour_dispute_to_a_committee_is_a_mediation_request(ctx):
    event = classified(CallType.NEIGHBOR_DISPUTE, text="对门邻居在楼道里堆杂物，跟楼下502也吵过")
    place = Place(community="西罗园第二社区", compound="西罗园二区", building="5", confidence=0.9)
    [plan] = plan_handoffs(event, ctx, place, NOW, agencies=agencies_for(event, ctx.policy))
    assert plan.mediation is not None and len(plan.mediation.forces) == 6
    assert plan.mediation.parties[0].startswith("报警人")
    assert any(p.startswith("对门") for p in plan.mediation.parties)


def test_parties_from_english_and_from_silence():
    assert "upstairs" in " ".join(parties_in("My upstairs neighbour will not let the plumber in"))
    assert len(parties_in("我们两家吵起来了")) == 2  # caller + an unnamed other party


def test_response_time_audit(ctx):
    event = classified(CallType.MEDICAL, injured=True)
    place = Place(community="西罗园第二社区", compound="西罗园二区", building="5", confidence=0.9)
    [req] = plan_handoffs(event, ctx, place, NOW, agencies=agencies_for(event, ctx.policy))
    fast = {"request": req.model_dump_json(), "status": "resolved",
            "acknowledged_at": (NOW + timedelta(seconds=20)).isoformat(),
            "resolved_at": (NOW + timedelta(minutes=15)).isoformat()}
    slow = fast | {"acknowledged_at": (NOW + timedelta(seconds=90)).isoformat(), "status": "en_route",
                   "resolved_at": None}
    row = response_times([fast, slow])["partner"]["ems-beijing-120"]
    assert row["handoffs"] == 2 and row["acknowledged"] == 2 and row["resolved"] == 1
    assert row["acknowledged_in_time"] == 0.5  # 20 s is within 120's 30 s, 90 s is not
    assert row["resolve_p50_s"] == 900.0
