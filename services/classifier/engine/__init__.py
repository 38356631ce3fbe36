"""The classifier engine: call text -> call type, flags, confidence, agencies, reasons.

Contract used by the service and the CLI:
    engine = load_engine()
    engine.version                      # goes into every classified event
    engine.classify(text, policy)       # -> schemas.events.Classification
"""

from schemas.codes import CallType
from schemas.events import Classification, Flags
from schemas.policy import RoutingPolicy

# First version: a handful of keywords. Replaced by the real engine (issue 3).
_KEYWORDS: list[tuple[CallType, tuple[str, ...]]] = [
    (CallType.POLICE_MATTER, ("打人", "偷", "抢", "诈骗", "刀", "fight", "stolen", "scam")),
    (CallType.FIRE, ("着火", "起火", "冒烟", "燃气", "煤气", "fire", "smoke", "gas")),
    (CallType.MEDICAL, ("晕倒", "昏迷", "心脏", "救护车", "collapsed", "unconscious", "ambulance")),
    (CallType.WATER_LEAK, ("漏水", "渗水", "水管", "leak", "pipe")),
    (CallType.NOISE, ("噪音", "装修", "吵", "noise", "loud")),
    (CallType.FALLING_OBJECT, ("高空", "掉下", "坠物", "fell from", "thrown from")),
    (CallType.FACILITY_FAULT, ("电梯", "停电", "暖气", "elevator", "lift", "power cut")),
    (CallType.NEIGHBOR_DISPUTE, ("邻居", "吵架", "纠纷", "neighbor", "neighbour")),
]


class Engine:
    version = "keywords-0"

    def classify(self, text: str, policy: RoutingPolicy) -> Classification:
        lowered = text.lower()
        for call_type, words in _KEYWORDS:
            hits = [w for w in words if w in lowered]
            if hits:
                flags = Flags(injured=call_type is CallType.MEDICAL)
                return Classification(
                    call_type=call_type,
                    flags=flags,
                    confidence=0.6,
                    review=False,
                    reasons=[f"keyword:{w}" for w in hits],
                    agencies=list(policy.route(call_type, flags)),
                    model_version=self.version,
                )
        flags = Flags()
        return Classification(
            call_type=CallType.OTHER,
            flags=flags,
            confidence=0.3,
            review=True,
            reasons=["no keyword matched"],
            agencies=list(policy.route(CallType.OTHER, flags)),
            model_version=self.version,
        )


def load_engine() -> Engine:
    return Engine()
