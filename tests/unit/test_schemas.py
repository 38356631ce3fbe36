"""The wire contract: exported JSON Schemas are current; codes are DOMAIN.md's."""

from schemas.codes import Agency, CallType, HandoffStatus
from schemas.export import JSON_DIR, rendered


def test_exported_json_schemas_are_current():
    stale = [name for name, text in rendered().items()
             if not (JSON_DIR / name).exists() or (JSON_DIR / name).read_text(encoding="utf-8") != text]
    assert not stale, f"run `make schemas`: stale {stale}"


def test_codes_are_the_domain_contract():
    assert {c.value for c in CallType} == {"medical", "fire", "water_leak", "noise", "falling_object",
                                           "neighbor_dispute", "facility_fault", "police_matter", "other"}
    assert {a.value for a in Agency} == {"police", "ems_120", "fire_119", "property_management",
                                         "community_committee", "hotline_12345"}
    assert {s.value for s in HandoffStatus} == {"routed", "delivered", "acknowledged", "en_route", "resolved",
                                                "rejected", "escalated"}
