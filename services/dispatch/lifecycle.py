"""The handoff state machine of DOMAIN.md, as pure functions.

routed -> delivered -> acknowledged -> en_route -> resolved; rejected (re-route); escalated (deadline).
"""

from schemas.codes import HANDOFF_TRANSITIONS, TERMINAL_STATUSES, HandoffStatus

PARTNER_REPORTABLE = frozenset({
    HandoffStatus.ACKNOWLEDGED, HandoffStatus.EN_ROUTE, HandoffStatus.RESOLVED, HandoffStatus.REJECTED,
})
AWAITING_ACK = frozenset({HandoffStatus.ROUTED, HandoffStatus.DELIVERED})


class Refused(ValueError):
    """A transition the lifecycle does not allow; `reason` says why, for the partner or dispatcher."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_transition(current: HandoffStatus, new: HandoffStatus, *, by_partner: bool,
                     last_resort: bool = False) -> None:
    """Raise Refused unless `current -> new` is allowed for this actor."""
    if by_partner and new not in PARTNER_REPORTABLE:
        raise Refused(f"a partner cannot set '{new.value}'; allowed: acknowledged, en_route, resolved, rejected")
    if current == new:
        raise Refused(f"handoff is already '{current.value}'")
    if current in TERMINAL_STATUSES:
        raise Refused(f"handoff is '{current.value}', which is final")
    if new not in HANDOFF_TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in HANDOFF_TRANSITIONS[current])) or "nothing"
        raise Refused(f"cannot go from '{current.value}' to '{new.value}'; from '{current.value}' only: {allowed}")
    if new == HandoffStatus.REJECTED and last_resort:
        raise Refused("the station duty desk is the last resort: it cannot reject; resolve or hand on by phone")
