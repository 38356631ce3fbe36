"""The handoff state machine of DOMAIN.md (pure)."""

import pytest

from schemas.codes import HandoffStatus as S
from services.dispatch.lifecycle import Refused, check_transition

ALLOWED_FOR_PARTNERS = [
    (S.ROUTED, S.ACKNOWLEDGED), (S.DELIVERED, S.ACKNOWLEDGED), (S.ACKNOWLEDGED, S.EN_ROUTE),
    (S.EN_ROUTE, S.RESOLVED), (S.ACKNOWLEDGED, S.RESOLVED), (S.DELIVERED, S.REJECTED), (S.ROUTED, S.REJECTED),
]


@pytest.mark.parametrize(("now", "new"), ALLOWED_FOR_PARTNERS)
def test_partners_move_handoffs_forward(now, new):
    check_transition(now, new, by_partner=True)


@pytest.mark.parametrize(("now", "new", "why"), [
    (S.RESOLVED, S.ACKNOWLEDGED, "final"),
    (S.ESCALATED, S.RESOLVED, "final"),
    (S.REJECTED, S.ACKNOWLEDGED, "final"),
    (S.EN_ROUTE, S.ACKNOWLEDGED, "cannot go from 'en_route'"),
    (S.EN_ROUTE, S.REJECTED, "cannot go from 'en_route'"),
    (S.ACKNOWLEDGED, S.ACKNOWLEDGED, "already"),
    (S.ROUTED, S.DELIVERED, "a partner cannot set 'delivered'"),
    (S.ROUTED, S.ESCALATED, "a partner cannot set 'escalated'"),
])
def test_invalid_moves_are_refused_with_a_reason(now, new, why):
    with pytest.raises(Refused, match=why):
        check_transition(now, new, by_partner=True)


def test_the_last_resort_cannot_reject():
    with pytest.raises(Refused, match="last resort"):
        check_transition(S.DELIVERED, S.REJECTED, by_partner=True, last_resort=True)


def test_dispatch_itself_may_deliver_and_escalate():
    check_transition(S.ROUTED, S.DELIVERED, by_partner=False)
    check_transition(S.ACKNOWLEDGED, S.ESCALATED, by_partner=False)
