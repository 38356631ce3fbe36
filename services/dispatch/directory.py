"""The partner directory (deploy/config/partners.yaml) as validated data, and its lookups.

Who takes a handoff for an agency at an address, and who takes it over when nobody answers:
property management -> the community's committee -> its police unit -> the station duty desk.
A bad file fails loudly at load time with every reason, never halfway through a call.
"""

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from schemas.codes import Agency
from services.dispatch.address_normalise import normalise

DEFAULT_PARTNERS_FILE = Path(__file__).resolve().parents[2] / "deploy/config/partners.yaml"
OUTSIDE, UNKNOWN = "outside", "unknown"
CITYWIDE_AGENCIES = frozenset({Agency.EMS_120, Agency.FIRE_119, Agency.HOTLINE_12345})
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


class DirectoryError(ValueError):
    """The partner directory file is missing, unreadable or invalid."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Partner(_Frozen):
    id: str = Field(pattern=_SLUG, description="Stable slug, e.g. pm-xly2-wanjia.")
    name: str = Field(min_length=1, description="The partner's name as dispatchers know it.")
    agency: Agency
    delivery: Literal["webhook", "topic", "pull"] = Field(description="How handoffs reach the partner.")
    webhook_path: str | None = Field(None, description="Path of the partner's webhook; the host is deployment's.")
    escalation: str | None = Field(None, description="Id of the partner that takes over on a missed deadline.")

    @model_validator(mode="after")
    def _webhook_needs_path(self) -> "Partner":
        if (self.delivery == "webhook") != (self.webhook_path is not None):
            raise ValueError(f"partner {self.id}: webhook_path is required for webhook delivery and only then")
        if self.webhook_path is not None and not self.webhook_path.startswith("/"):
            raise ValueError(f"partner {self.id}: webhook_path must start with '/'")
        return self


class Compound(_Frozen):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    buildings: list[str] = Field(default_factory=list, description='Building numbers: "7" or ranges "1-22".')
    gates: list[str] = Field(default_factory=list, description="Gate names, e.g. 北门; meaningful only here.")
    landmarks: list[str] = Field(default_factory=list, description="Distinctive names that place a caller here.")
    property: str = Field(description="Id of the property management partner.")

    @field_validator("buildings", mode="before")
    @classmethod
    def _ranges(cls, value: list) -> list[str]:
        value = [str(item) for item in value] if isinstance(value, list) else value
        for item in value if isinstance(value, list) else []:
            m = _RANGE.match(item)
            if not m or (m.group(2) and int(m.group(2)) < int(m.group(1))):
                raise ValueError(f"bad building number or range {item!r} (use '7' or '1-22')")
        return value

    def building_numbers(self) -> frozenset[int]:
        numbers: set[int] = set()
        for item in self.buildings:
            m = _RANGE.match(str(item))
            numbers.update(range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1))
        return frozenset(numbers)

    def has_building(self, building: str | None) -> bool:
        return building is not None and building.isdigit() and int(building) in self.building_numbers()


class Community(_Frozen):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1, description="Full Chinese name, e.g. 西罗园第二社区.")
    aliases: list[str] = Field(default_factory=list)
    committee: str = Field(description="Id of the community committee (居委会) partner.")
    police: str = Field(description="Id of the beat officer's police unit (警务室) partner.")
    compounds: list[Compound] = Field(min_length=1)

    def compound(self, key: str | None) -> Compound | None:
        return next((c for c in self.compounds if key in (c.id, c.name)), None)


class OutsidePlace(_Frozen):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


class Directory(_Frozen):
    version: str
    station: str
    duty_desk: str = Field(description="Id of the station duty desk: the end of every escalation chain.")
    citywide: dict[Agency, str]
    fallbacks: dict[Agency, str] = Field(description="Agency -> partner id when the address is outside or unknown.")
    speech_slips: dict[str, str] = Field(default_factory=dict)
    boundary: list[str] = Field(default_factory=list)
    outside: list[OutsidePlace] = Field(default_factory=list)
    partners: list[Partner]
    communities: list[Community] = Field(min_length=1)
    _by_id: dict[str, Partner] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object) -> None:
        self._by_id = {p.id: p for p in self.partners}

    @model_validator(mode="after")
    def _consistent(self) -> "Directory":
        problems = _reference_problems(self) + _escalation_problems(self) + _place_problems(self)
        if problems:
            raise ValueError("\n  - " + "\n  - ".join(problems))
        return self

    # --- lookups ------------------------------------------------------------------------------
    def partner(self, partner_id: str) -> Partner:
        """The partner with this id; KeyError names the id when there is none."""
        if partner_id not in self._by_id:
            raise KeyError(f"no partner {partner_id!r} in directory {self.version}")
        return self._by_id[partner_id]

    def community(self, key: str | None) -> Community | None:
        """The community with this id, full name or alias; None for outside/unknown/no match."""
        return next((c for c in self.communities if key in (c.id, c.name, *c.aliases)), None)

    def partner_for(self, agency: Agency | str, community: str | None, compound: str | None = None) -> Partner:
        """The partner that takes `agency`'s handoff at this place (community/compound: name or id).

        120/119/12345 are city- or district-wide. Outside or unknown places get the agency's fallback.
        Property management: the compound's company; with no compound, the company of a community's
        only compound, else the community's committee (it knows its compounds and forwards).
        """
        agency = Agency(agency)
        if agency in CITYWIDE_AGENCIES:
            return self.partner(self.citywide[agency])
        found = self.community(community)
        if found is None:
            return self.partner(self.fallbacks[agency])
        if agency is Agency.POLICE:
            return self.partner(found.police)
        if agency is Agency.COMMUNITY_COMMITTEE:
            return self.partner(found.committee)
        place = found.compound(compound) or (found.compounds[0] if len(found.compounds) == 1 else None)
        return self.partner(place.property if place else found.committee)

    def escalation_chain(self, partner_id: str) -> list[Partner]:
        """This partner, then each one that takes over in turn, ending at the station duty desk."""
        chain = [self.partner(partner_id)]
        while chain[-1].escalation is not None:
            chain.append(self.partner(chain[-1].escalation))
        return chain


# --- whole-file checks: each returns readable problems, so one load reports them all -------------
def _want(d: Directory, pid: str, agency: Agency, role: str) -> list[str]:
    by_id = {p.id: p for p in d.partners}
    if pid not in by_id:
        return [f"{role} refers to unknown partner {pid!r}"]
    found = by_id[pid].agency
    return [] if found is agency else [f"{role} partner {pid!r} has agency {found.value}, expected {agency.value}"]


def _reference_problems(d: Directory) -> list[str]:
    ids = [p.id for p in d.partners]
    out = [f"duplicate partner id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    out += _want(d, d.duty_desk, Agency.POLICE, "duty_desk")
    for agency in CITYWIDE_AGENCIES:
        out += _want(d, d.citywide[agency], agency, f"citywide {agency.value}") if agency in d.citywide \
            else [f"citywide has no partner for {agency.value}"]
    out += [f"citywide lists {a.value}, which is not a city-wide agency" for a in d.citywide if a not in CITYWIDE_AGENCIES]
    out += [f"fallbacks has no partner for {a.value}" for a in Agency if a not in d.fallbacks]
    out += [f"fallback for {a.value} refers to unknown partner {pid!r}" for a, pid in d.fallbacks.items() if pid not in ids]
    out += [f"speech slip {k!r}: {v!r} must map one character to one" for k, v in d.speech_slips.items()
            if len(k) != 1 or len(v) != 1]
    return out


def _escalation_problems(d: Directory) -> list[str]:
    by_id = {p.id: p for p in d.partners}
    out = []
    for p in d.partners:
        if p.escalation is not None and p.escalation not in by_id:
            out.append(f"partner {p.id!r} escalates to unknown partner {p.escalation!r}")
        if p.id == d.duty_desk and p.escalation is not None:
            out.append(f"duty desk {p.id!r} must not escalate (it is the last resort)")
        if p.id == d.duty_desk or (p.escalation is not None and p.escalation not in by_id):
            continue
        seen, current = [p.id], p
        while current.escalation is not None and current.escalation in by_id:
            if current.escalation in seen:
                out.append(f"escalation cycle: {' -> '.join(seen + [current.escalation])}")
                break
            seen.append(current.escalation)
            current = by_id[current.escalation]
        else:  # noqa: PLW0120 - the chain ended without a cycle
            if current.id != d.duty_desk:
                out.append(f"escalation chain of {p.id!r} ends at {current.id!r}, not at the duty desk {d.duty_desk!r}")
    return out


def _place_problems(d: Directory) -> list[str]:
    out: list[str] = []
    by_id = {p.id: p for p in d.partners}
    for kind, keys in (("community id", [c.id for c in d.communities]),
                       ("community name", [c.name for c in d.communities]),
                       ("compound id", [k.id for c in d.communities for k in c.compounds])):
        out += [f"duplicate {kind} {k!r}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    for c in d.communities:
        out += _want(d, c.committee, Agency.COMMUNITY_COMMITTEE, f"community {c.id} committee")
        out += _want(d, c.police, Agency.POLICE, f"community {c.id} police")
        if c.committee in by_id and by_id[c.committee].escalation != c.police:
            out.append(f"committee {c.committee!r} should escalate to its police unit {c.police!r}")
        taken: dict[int, str] = {}
        for k in c.compounds:
            out += _want(d, k.property, Agency.PROPERTY_MANAGEMENT, f"compound {k.id} property")
            if k.property in by_id and by_id[k.property].escalation != c.committee:
                out.append(f"property partner {k.property!r} should escalate to its committee {c.committee!r}")
            for n in sorted(k.building_numbers()):
                if n in taken:
                    out.append(f"community {c.id}: building {n} is in both {taken[n]} and {k.id}")
                taken.setdefault(n, k.id)
    return out + _alias_problems(d)


def _alias_problems(d: Directory) -> list[str]:
    """No two places share a spelling after normalisation, except a community and its own compound."""
    owner: dict[str, tuple[str, str, bool]] = {}  # spelling -> (scope, place, is a community)
    out = []

    def claim(text: str, scope: str, place: str, is_community: bool = False) -> None:
        key, mine = normalise(text, d.speech_slips), (scope, place, is_community)
        other = owner.setdefault(key, mine)
        if not key:
            out.append(f"alias {text!r} of {place} is empty after normalisation")
        elif other[:2] != mine[:2] and not (scope == other[0] != "*" and (is_community or other[2])):
            out.append(f"alias {text!r} ({key}) names both {other[1]} and {place}")

    for c in d.communities:
        for text in [c.name, *c.aliases]:
            claim(text, c.id, c.name, True)
        for k in c.compounds:
            for text in [k.name, *k.aliases, *k.landmarks]:
                claim(text, c.id, k.name)
    for text in d.boundary:
        claim(text, "*", "the boundary")
    for place in d.outside:
        for text in [place.name, *place.aliases]:
            claim(text, "*", place.name)
    return out


def load_directory(path: Path | str = DEFAULT_PARTNERS_FILE) -> Directory:
    """Load and validate a partner directory; any problem raises DirectoryError with every reason."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DirectoryError(f"{path}: cannot read partner directory: {exc}") from exc
    if not isinstance(data, dict):
        raise DirectoryError(f"{path}: partner directory must be a mapping at the top level")
    try:
        return Directory.model_validate(data)
    except ValidationError as exc:
        raise DirectoryError(f"{path}: invalid partner directory:\n{exc}") from exc
