"""The routing policy as validated data (deploy/config/routing.yaml) and its pure evaluation.

It lives in schemas/ because it is part of the contract: the classifier reports the agencies it
gives and dispatch applies it; both read the same file.
"""

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.codes import Agency, CallType, Flag
from schemas.events import Flags

DEFAULT_ROUTING_FILE = Path(__file__).resolve().parent.parent / "deploy" / "config" / "routing.yaml"


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    call_type: list[CallType] = Field(default_factory=list, description="Any of these call types (empty: any).")
    flags: list[Flag] = Field(default_factory=list, description="All of these flags set (empty: none needed).")

    def holds(self, call_type: CallType, flags: Flags) -> bool:
        if self.call_type and call_type not in self.call_type:
            return False
        return all(getattr(flags, flag.value) for flag in self.flags)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    when: Condition
    add: Agency


class RoutingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    base: dict[CallType, Agency]
    rules: list[Rule] = Field(default_factory=list)
    review_below_confidence: float = Field(0.6, ge=0.0, le=1.0)
    review_cost: float = Field(
        0.3, ge=0.0, le=1.0,
        description="What a dispatcher's look at a call costs, as a fraction of a needless dispatch: the "
                    "classifier sends a call to review when an emergency agency it did not send is likely "
                    "enough to be needed that the look pays (0: never on that ground).")

    @model_validator(mode="after")
    def _every_type_has_a_base(self) -> "RoutingPolicy":
        missing = [t.value for t in CallType if t not in self.base]
        if missing:
            raise ValueError(f"base agency missing for call types: {', '.join(missing)}")
        return self

    def route(self, call_type: CallType, flags: Flags) -> dict[Agency, str]:
        """Agency -> the rule that brought it (base first), in a stable order."""
        routed: dict[Agency, str] = {self.base[call_type]: f"base:{call_type.value}"}
        for rule in self.rules:
            if rule.when.holds(call_type, flags) and rule.add not in routed:
                routed[rule.add] = f"rule:{rule.name}"
        return routed


def load_policy(path: Path | str = DEFAULT_ROUTING_FILE) -> RoutingPolicy:
    """Load and validate a routing policy file; a bad file fails loudly with the reason."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return RoutingPolicy.model_validate(data)
