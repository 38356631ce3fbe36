"""Where is the caller? A pure, explainable resolver from free-form address text to a community.

Method: normalise the text (address_normalise), find the directory's place names in it, longest
first (address_index), read building/unit/room numbers (address_parts), then decide:
a compound or landmark beats a community name, a community name beats a boundary name, and a
known place outside the area makes the answer `outside` only when nothing inside was named.
The confidence starts from how specific the match was and drops for every doubt, each named in
`reason`: a speech slip was needed, the caller hedged (附近, 那边), two communities or an outside
place were also named, or the building number does not belong to the compound.
"""

from pydantic import BaseModel, ConfigDict, Field

from services.dispatch.address_index import (
    BOUNDARY, COMMUNITY, COMPOUND, LANDMARK, OUTSIDE_PLACE, Hit, find_hits, place_index)
from services.dispatch.address_normalise import normalise
from services.dispatch.address_parts import Parts, extract_parts
from services.dispatch.directory import OUTSIDE, UNKNOWN, Community, Compound, Directory

_HEDGES = ("附近", "那边", "那儿", "那里", "旁边", "对面", "周边", "一带", "门外", "外面", "外边", "边上", "near")
_SPECIFICITY = {COMPOUND: 3, LANDMARK: 3, COMMUNITY: 2}
_NO_ADDRESS = {"不知道", "不清楚", "不晓得", "路边", "路上", "unknown", "none", "null", "n/a", "na"}


class Resolution(BaseModel):
    """Where a call's address points, and how sure the resolver is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    community: str = Field(description="The community's full name, 'outside' the area, or 'unknown'.")
    compound: str | None = Field(None, description="The compound (小区) name, when known.")
    building: str | None = Field(None, description="Building number, e.g. '5' for 5号楼.")
    unit: str | None = Field(None, description="Unit (单元) number.")
    room: str | None = Field(None, description="Room number, e.g. '402'.")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the community answer is, 0..1.")
    matched: list[str] = Field(default_factory=list, description="The (normalised) text that decided it.")
    reason: str = Field("", description="Why, in a few words, for dispatchers.")


def resolve_address(text: str | None, directory: Directory) -> Resolution:
    """Resolve a caller's free-form address against the partner directory. Pure and fast."""
    if text is None or not text.strip() or text.strip().lower() in _NO_ADDRESS:
        return Resolution(community=UNKNOWN, confidence=0.0, reason="no address given")
    plain, canon = normalise(text), normalise(text, directory.speech_slips)
    hits = find_hits(canon, place_index(directory))
    inside = [h for h in hits if h.entry.kind in _SPECIFICITY]
    parts = extract_parts(plain, [h.end for h in inside])
    if not inside:
        return _not_inside(hits, parts)
    return _inside(directory, inside, hits, parts, plain, canon)


def _not_inside(hits: list[Hit], parts: Parts) -> Resolution:
    numbers = dict(building=parts.building, unit=parts.unit, room=parts.room)
    outside = [h for h in hits if h.entry.kind == OUTSIDE_PLACE]
    near = [h for h in hits if h.entry.kind == BOUNDARY]
    if outside:
        confidence, reason = (0.7, "outside place, but a boundary name too") if near else (0.9, "outside place")
        return Resolution(community=OUTSIDE, confidence=confidence, reason=f"{reason}: {outside[0].entry.label}",
                          matched=[h.entry.key for h in outside + near], **numbers)
    if near:
        return Resolution(community=UNKNOWN, confidence=0.2, matched=[h.entry.key for h in near] + list(parts.matched),
                          reason="in or near the area, but no community named", **numbers)
    return Resolution(community=UNKNOWN, confidence=0.1 if parts.building else 0.0, matched=list(parts.matched),
                      reason="no known place named", **numbers)


def _pick_community(inside: list[Hit]) -> tuple[str, list[str]]:
    """The community with the most specific, then most, then earliest mentions; and the others named."""
    ranking: dict[str, tuple[int, int, int]] = {}
    for h in inside:
        best, count, first = ranking.get(h.entry.community, (0, 0, 0))
        ranking[h.entry.community] = (max(best, _SPECIFICITY[h.entry.kind] - h.entry.weak), count + 1, first - 1)
    order = sorted(ranking, key=ranking.get, reverse=True)
    return order[0], order[1:]


def _pick_compound(community: Community, hits: list[Hit], parts: Parts, canon: str
                   ) -> tuple[Compound | None, str, list[str]]:
    strong = [h for h in hits if h.entry.kind in (COMPOUND, LANDMARK) and not h.entry.weak]
    if strong:
        return community.compound(strong[0].entry.compound), f"named {strong[0].entry.label}", []
    by_building = [k for k in community.compounds if k.has_building(parts.building)]
    if by_building:
        return by_building[0], f"building {parts.building} is in {by_building[0].name}", []
    weak = [h for h in hits if h.entry.weak]
    if weak:
        return community.compound(weak[0].entry.compound), f"{weak[0].entry.label} by name", []
    gated = {(k.id, g) for k in community.compounds for g in k.gates if g in canon}
    if len({k for k, _ in gated}) == 1:
        kid, gate = next(iter(gated))
        return community.compound(kid), f"gate {gate}", [gate]
    return None, "no compound named", []


def _inside(directory: Directory, inside: list[Hit], hits: list[Hit], parts: Parts,
            plain: str, canon: str) -> Resolution:
    cid, others = _pick_community(inside)
    community = next(c for c in directory.communities if c.id == cid)
    mine = [h for h in inside if h.entry.community == cid]
    compound, why, extra = _pick_compound(community, mine, parts, canon)
    best = max(_SPECIFICITY[h.entry.kind] - h.entry.weak for h in mine)
    confidence = {3: 0.9, 2: 0.85}.get(best, 0.75) if any(h.entry.kind != LANDMARK for h in mine) else 0.75
    reasons = [f"{community.name} ({why})"]
    if compound is not None:
        extra += [g for g in compound.gates if g in canon and g not in extra]
    if parts.building and compound is not None:
        fits = compound.has_building(parts.building)
        confidence += 0.05 if fits else -0.25
        reasons.append(f"building {parts.building} {'fits' if fits else 'is not in'} {compound.name}")
    elif parts.building and not any(k.has_building(parts.building) for k in community.compounds):
        confidence -= 0.2
        reasons.append(f"building {parts.building} is in no compound here")
    if any(plain[h.start:h.end] != canon[h.start:h.end] for h in mine):
        confidence -= 0.1
        reasons.append("speech slip corrected")
    if any(word in canon for word in _HEDGES):
        confidence -= 0.1
        reasons.append("caller is only near")
    if others:
        confidence *= 0.6
        reasons.append("also named " + ", ".join(c.name for c in directory.communities if c.id in others))
    if any(h.entry.kind == OUTSIDE_PLACE for h in hits):
        confidence -= 0.2
        reasons.append("an outside place was named too")
    return Resolution(
        community=community.name, compound=compound.name if compound else None,
        building=parts.building, unit=parts.unit, room=parts.room,
        confidence=round(min(1.0, max(0.05, confidence)), 2),
        matched=[h.entry.key for h in mine] + extra + list(parts.matched), reason="; ".join(reasons))
