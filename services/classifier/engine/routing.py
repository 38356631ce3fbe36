"""The routing policy compiled to a lookup table, for the many what-if routings of the safety net.

`FastPolicy.route` gives exactly what `RoutingPolicy.route` gives (a unit test checks it on every
call type and flag combination); it exists because the classifier routes several hypothetical
readings per call and the pydantic version costs more than the rest of classification. Every
(call type, flag combination) is routed once, when the policy is first seen: 9 x 32 entries.
"""

import itertools

from schemas.codes import EMERGENCY_AGENCIES, Agency, CallType
from schemas.policy import RoutingPolicy

FLAG_ORDER = ("injured", "violence", "deliberate", "damage", "trapped")
FLAG_BIT = {f: 1 << i for i, f in enumerate(FLAG_ORDER)}


def flag_mask(flags: dict[str, bool]) -> int:
    return sum(bit for f, bit in FLAG_BIT.items() if flags[f])


class FastPolicy:
    _cache: dict[int, tuple[RoutingPolicy, "FastPolicy"]] = {}

    def __init__(self, policy: RoutingPolicy) -> None:
        self.base: dict[str, Agency] = {t.value: a for t, a in policy.base.items()}
        # Ordered (CallType order), so that safety additions and reasons come in a stable order.
        self.emergency_base = tuple(t for t, a in self.base.items() if a in EMERGENCY_AGENCIES)
        self.rules = [(frozenset(t.value for t in r.when.call_type), tuple(f.value for f in r.when.flags),
                       r.add, f"rule:{r.name}") for r in policy.rules]
        self.review_below = policy.review_below_confidence
        self.review_cost = policy.review_cost
        # (call type, flag bit mask) -> agency -> why. Shared, read-only dictionaries.
        self.table: dict[tuple[str, int], dict[Agency, str]] = {}
        self.reason: dict[tuple[str, int], str] = {}  # the "routing: ..." line of each entry
        for t in self.base:
            for values in itertools.product((False, True), repeat=len(FLAG_ORDER)):
                flags = dict(zip(FLAG_ORDER, values))
                key = (t, flag_mask(flags))
                self.table[key] = routed = self._route(t, flags)
                self.reason[key] = "routing: " + "; ".join(f"{a.value} <- {why}" for a, why in routed.items())

    @classmethod
    def of(cls, policy: RoutingPolicy) -> "FastPolicy":
        hit = cls._cache.get(id(policy))
        if hit is None or hit[0] is not policy:
            hit = (policy, cls(policy))
            cls._cache[id(policy)] = hit
        return hit[1]

    def _route(self, call_type: str, flags: dict[str, bool]) -> dict[Agency, str]:
        out = {self.base[call_type]: f"base:{call_type}"}
        for types, need, add, name in self.rules:
            if add not in out and (not types or call_type in types) and all(flags[f] for f in need):
                out[add] = name
        return out

    def route(self, call_type: str, flags: dict[str, bool]) -> dict[Agency, str]:
        return dict(self.table[call_type, flag_mask(flags)])

    def route_mask(self, call_type: str, mask: int) -> dict[Agency, str]:
        """The routing of (call type, flag bit mask); a shared dictionary: do not modify it."""
        return self.table[call_type, mask]


POLICE_TYPE = CallType.POLICE_MATTER.value
MEDICAL_TYPE = CallType.MEDICAL.value
FALLING_TYPE = CallType.FALLING_OBJECT.value
POLICE = Agency.POLICE
