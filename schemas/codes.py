"""The codes of shared/DOMAIN.md: call types, flags, agencies, handoff states. Use them exactly."""

from enum import StrEnum


class CallType(StrEnum):
    MEDICAL = "medical"
    FIRE = "fire"
    WATER_LEAK = "water_leak"
    NOISE = "noise"
    FALLING_OBJECT = "falling_object"
    NEIGHBOR_DISPUTE = "neighbor_dispute"
    FACILITY_FAULT = "facility_fault"
    POLICE_MATTER = "police_matter"
    OTHER = "other"


class Flag(StrEnum):
    INJURED = "injured"
    VIOLENCE = "violence"
    DELIBERATE = "deliberate"
    DAMAGE = "damage"
    TRAPPED = "trapped"


class Agency(StrEnum):
    POLICE = "police"
    EMS_120 = "ems_120"
    FIRE_119 = "fire_119"
    PROPERTY_MANAGEMENT = "property_management"
    COMMUNITY_COMMITTEE = "community_committee"
    HOTLINE_12345 = "hotline_12345"


# Agencies that must reach a call even when the classifier is unsure, and that call the caller back.
EMERGENCY_AGENCIES = frozenset({Agency.POLICE, Agency.EMS_120, Agency.FIRE_119})


class HandoffStatus(StrEnum):
    ROUTED = "routed"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    ESCALATED = "escalated"


TERMINAL_STATUSES = frozenset({HandoffStatus.RESOLVED, HandoffStatus.REJECTED, HandoffStatus.ESCALATED})

# The handoff lifecycle of DOMAIN.md: status -> the statuses it may move to.
HANDOFF_TRANSITIONS: dict[HandoffStatus, frozenset[HandoffStatus]] = {
    HandoffStatus.ROUTED: frozenset(
        {HandoffStatus.DELIVERED, HandoffStatus.ACKNOWLEDGED, HandoffStatus.REJECTED, HandoffStatus.ESCALATED}
    ),
    HandoffStatus.DELIVERED: frozenset(
        {HandoffStatus.ACKNOWLEDGED, HandoffStatus.EN_ROUTE, HandoffStatus.RESOLVED,
         HandoffStatus.REJECTED, HandoffStatus.ESCALATED}
    ),
    HandoffStatus.ACKNOWLEDGED: frozenset(
        {HandoffStatus.EN_ROUTE, HandoffStatus.RESOLVED, HandoffStatus.REJECTED, HandoffStatus.ESCALATED}
    ),
    HandoffStatus.EN_ROUTE: frozenset({HandoffStatus.RESOLVED, HandoffStatus.ESCALATED}),
    HandoffStatus.RESOLVED: frozenset(),
    HandoffStatus.REJECTED: frozenset(),
    HandoffStatus.ESCALATED: frozenset(),
}
