"""The default routing policy of DOMAIN.md, loaded from deploy/config/routing.yaml."""

import pytest

from schemas.codes import Agency as A, CallType as T
from schemas.events import Flags
from schemas.policy import load_policy

CASES = [
    (T.MEDICAL, {"injured": True}, {A.EMS_120}),
    (T.FIRE, {}, {A.FIRE_119}),
    (T.FIRE, {"trapped": True, "injured": True}, {A.FIRE_119, A.EMS_120}),
    (T.WATER_LEAK, {}, {A.PROPERTY_MANAGEMENT}),
    (T.NOISE, {}, {A.COMMUNITY_COMMITTEE}),
    (T.FALLING_OBJECT, {}, {A.PROPERTY_MANAGEMENT}),
    (T.FALLING_OBJECT, {"damage": True}, {A.PROPERTY_MANAGEMENT, A.POLICE}),
    (T.FALLING_OBJECT, {"deliberate": True}, {A.PROPERTY_MANAGEMENT, A.POLICE}),
    (T.FALLING_OBJECT, {"injured": True}, {A.PROPERTY_MANAGEMENT, A.EMS_120}),
    (T.WATER_LEAK, {"damage": True}, {A.PROPERTY_MANAGEMENT}),
    (T.NEIGHBOR_DISPUTE, {}, {A.COMMUNITY_COMMITTEE}),
    (T.NEIGHBOR_DISPUTE, {"violence": True}, {A.COMMUNITY_COMMITTEE, A.POLICE}),
    (T.FACILITY_FAULT, {"trapped": True}, {A.PROPERTY_MANAGEMENT, A.FIRE_119}),
    (T.POLICE_MATTER, {"injured": True, "violence": True}, {A.POLICE, A.EMS_120}),
    (T.OTHER, {}, {A.HOTLINE_12345}),
]


@pytest.mark.parametrize(("call_type", "flags", "agencies"), CASES)
def test_default_policy_routes_as_domain_says(call_type, flags, agencies):
    assert set(load_policy().route(call_type, Flags(**flags))) == agencies


def test_a_bad_policy_file_fails_with_the_reason(tmp_path):
    bad = tmp_path / "routing.yaml"
    bad.write_text("version: x\nbase:\n  medical: ems_120\nrules: []\n")
    with pytest.raises(ValueError, match="base agency missing"):
        load_policy(bad)
    bad.write_text("version: x\nbase: {}\nrules:\n  - {name: r, when: {flags: [sleepy]}, add: police}\n")
    with pytest.raises(ValueError, match="sleepy"):
        load_policy(bad)


def test_review_cost_is_read_and_bounded(tmp_path):
    assert load_policy().review_cost == pytest.approx(0.3)
    good = tmp_path / "routing.yaml"
    text = "version: x\nbase: {medical: ems_120, fire: fire_119, water_leak: property_management, " \
           "noise: community_committee, falling_object: property_management, neighbor_dispute: " \
           "community_committee, facility_fault: property_management, police_matter: police, " \
           "other: hotline_12345}\n"
    good.write_text(text + "review_cost: 0\n")
    assert load_policy(good).review_cost == 0.0
    good.write_text(text + "review_cost: 2\n")
    with pytest.raises(ValueError, match="review_cost"):
        load_policy(good)
