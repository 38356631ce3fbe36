"""Dispatch policy as validated data (deploy/config/dispatch.yaml): priorities, deadlines, retries, merging."""

from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.codes import Agency, CallType
from schemas.events import Flags
from schemas.policy import Condition

DEFAULT_DISPATCH_FILE = Path(__file__).resolve().parents[2] / "deploy" / "config" / "dispatch.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriorityRule(_Frozen):
    priority: str
    when: Condition


class Deadline(_Frozen):
    ack: float = Field(gt=0, description="Seconds to acknowledge.")
    resolve: float = Field(gt=0, description="Seconds to resolve.")


class Delivery(_Frozen):
    max_attempts: int = Field(5, ge=1)
    backoff_base_s: float = Field(1.0, gt=0)
    backoff_cap_s: float = Field(30.0, gt=0)
    timeout_s: float = Field(5.0, gt=0)


class RepeatRule(_Frozen):
    count: int = Field(3, ge=2)
    window_s: float = Field(86400, gt=0)
    add: Agency = Agency.POLICE


class Callback(_Frozen):
    delay_s: float = Field(0, ge=0)


class DispatchRules(_Frozen):
    version: str
    priorities: list[PriorityRule]
    default_priority: str
    deadlines: dict[str, dict[str, Deadline]]
    grace_fraction: float = Field(0.5, ge=0)
    delivery: Delivery = Delivery()
    merge_window_s: float = Field(1800, ge=0)
    repeat_noise: RepeatRule = RepeatRule()
    mediation_forces: list[str]
    callback: Callback = Callback()

    @model_validator(mode="after")
    def _deadline_for_every_priority(self) -> "DispatchRules":
        named = {r.priority for r in self.priorities} | {self.default_priority}
        problems = [f"priority {p} has no deadlines" for p in sorted(named) if p not in self.deadlines]
        problems += [f"deadlines of {p} need a '*' entry" for p, table in self.deadlines.items() if "*" not in table]
        agencies = {a.value for a in Agency} | {"*"}
        problems += [f"deadlines of {p}: unknown agency {a}" for p, t in self.deadlines.items()
                     for a in t if a not in agencies]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def priority(self, call_type: CallType, flags: Flags) -> str:
        for rule in self.priorities:
            if rule.when.holds(call_type, flags):
                return rule.priority
        return self.default_priority

    def deadline(self, priority: str, agency: Agency, scale: float = 1.0) -> tuple[timedelta, timedelta]:
        table = self.deadlines[priority]
        d = table.get(agency.value, table["*"])
        return timedelta(seconds=d.ack * scale), timedelta(seconds=d.resolve * scale)


def load_rules(path: Path | str = DEFAULT_DISPATCH_FILE) -> DispatchRules:
    with open(path, encoding="utf-8") as fh:
        return DispatchRules.model_validate(yaml.safe_load(fh))
