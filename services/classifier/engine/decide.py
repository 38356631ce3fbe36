"""From model probabilities and cue evidence to a Classification: flags, routing, safety net, reasons.

Safety first: when another reading of the call is plausible (a second call type, or a flag that
is uncertain in the text) and that reading needs police, 120 or 119, its agency is added and the
call goes to review. Police is added on a stricter bar than 120/119, so that calls needing no
police stay off the police (diversion).
"""

from schemas.codes import EMERGENCY_AGENCIES, Agency, CallType
from schemas.events import Classification, Flags
from schemas.policy import RoutingPolicy
from services.classifier.engine.features import CallFeatures
from services.classifier.engine.routing import MEDICAL_TYPE, POLICE, POLICE_TYPE, FastPolicy

MAX_CUES_SHOWN = 4
NOTE_BELOW = 0.2
UNCUED_FLAG = 0.9  # a flag with no cue word in the text needs this model probability  # a flag cue the model overruled is shown from this probability on


class Evidence:
    """The cue matches of one call, indexed by (kind, label, status)."""

    def __init__(self, feats: CallFeatures) -> None:
        self.index: dict[tuple[str, str, str], list[str]] = {}
        for kind, label, cue, status in feats.hits:
            if kind == "T" and status == "unc":
                status = "pos"  # a possible call type still counts for the type
            cues = self.index.setdefault((kind, label, status), [])
            if cue not in cues:
                cues.append(cue)

    def __call__(self, kind: str, label: str, status: str = "pos") -> list[str]:
        return self.index.get((kind, label, status), [])[:MAX_CUES_SHOWN]


def _fmt(cues) -> str:
    return ", ".join(f"'{c}'" for c in cues)


def decide_flags(ev: Evidence, flag_p: dict[str, float], thresholds: dict[str, float],
                 reasons: list[str]) -> dict[str, bool]:
    flags: dict[str, bool] = {}
    for f, p in flag_p.items():
        on = p >= thresholds[f]
        asserted = ev("F", f)
        if on and not asserted and p < UNCUED_FLAG:
            on = False  # flags are facts in the text: without a cue word the model needs to be sure
            reasons.append(f"not {f} ({p:.2f}): no cue word in the text")
        elif on:
            denied = ev("D", f)
            if denied and not asserted:
                on = False
                reasons.append(f"not {f}: denied by {_fmt(denied)}")
            else:
                reasons.append(f"flag {f} ({p:.2f})" + (f": cues {_fmt(asserted)}" if asserted else ""))
        elif asserted and p >= NOTE_BELOW:
            reasons.append(f"not {f} ({p:.2f}) despite {_fmt(asserted)}")
        if not on:
            negated = ev("F", f, "neg")
            if negated:
                reasons.append(f"negated: {_fmt(negated)} ({f})")
        flags[f] = on
    return flags


def decide(feats: CallFeatures, type_p: dict[str, float], flag_p: dict[str, float],
           thresholds: dict, policy: RoutingPolicy, version: str) -> Classification:
    reasons: list[str] = []
    ev = Evidence(feats)
    top = max(type_p, key=type_p.__getitem__)
    confidence = type_p[top]
    cues = ev("T", top)
    reasons.append(f"type {top} ({confidence:.2f})" + (f": cues {_fmt(cues)}" if cues else ": n-gram model"))
    flags = decide_flags(ev, flag_p, thresholds["flag"], reasons)
    if flags["violence"] and top != POLICE_TYPE:
        # DOMAIN.md: violence, a weapon or a threat makes it police_matter, even with someone hurt.
        reasons.append(f"rule: violence makes it police_matter (model's type was {top})")
        top = POLICE_TYPE
        confidence = max(type_p[POLICE_TYPE], flag_p["violence"])
    if top == MEDICAL_TYPE and not flags["injured"]:
        flags["injured"] = True
        reasons.append("flag injured: a medical call always has injured")
    if feats.masked:
        reasons.append(f"misleading words set aside: {_fmt(feats.masked)}")

    fast = FastPolicy.of(policy)
    routed = fast.route(top, flags)
    extra = safety_net(ev, top, flags, type_p, flag_p, thresholds["safety"], fast, routed)
    reasons.append("routing: " + "; ".join(f"{a.value} <- {why}" for a, why in routed.items()))
    for agency, why in extra.items():
        reasons.append(f"safety: {agency.value} added, {why}")
    review_why = []
    if confidence < fast.review_below:
        review_why.append(f"confidence {confidence:.2f} below {fast.review_below}")
    if extra:
        review_why.append("another reading needs an emergency agency")
    if review_why:
        reasons.append("review: " + "; ".join(review_why))
    # Built without re-validation: every value above is already of its schema type (hot path).
    return Classification.model_construct(
        call_type=CallType(top),
        flags=Flags.model_construct(**flags),
        confidence=round(confidence, 4),
        review=bool(review_why),
        reasons=reasons,
        agencies=list(routed) + list(extra),
        model_version=version,
    )


def safety_net(ev: Evidence, top: str, flags: dict[str, bool], type_p: dict[str, float],
               flag_p: dict[str, float], net: dict[str, float], policy: FastPolicy,
               routed: dict[Agency, str]) -> dict[Agency, str]:
    """Emergency agencies of plausible other readings that the chosen reading does not reach."""
    extra: dict[Agency, str] = {}
    low_type = min(net["type"], net["police_type"])
    for t, p in type_p.items():
        if p < low_type or t == top or t not in policy.emergency_base:
            continue
        agency = policy.base[t]
        if agency not in routed and p >= (net["police_type"] if agency is POLICE else net["type"]):
            if agency not in extra or p > float(extra[agency].rsplit("(", 1)[1].rstrip(")")):
                extra[agency] = f"{t} plausible ({p:.2f})"
    crime = ev("T", POLICE_TYPE)
    if crime and POLICE not in routed and POLICE not in extra and type_p[POLICE_TYPE] >= net["crime_cue"]:
        extra[POLICE] = f"crime words {_fmt(crime)} ({type_p[POLICE_TYPE]:.2f})"
    low_flag = min(net["flag"], net["police_flag"])
    for f, p in flag_p.items():
        if flags[f]:
            continue
        uncertain = ev("F", f, "unc")
        if p < low_flag and not uncertain:
            continue
        if ev("D", f) and not uncertain:
            continue
        for agency in policy.route(top, {**flags, f: True}):
            if agency in routed or agency in extra or agency not in EMERGENCY_AGENCIES:
                continue
            if agency is POLICE and not (p >= net["police_flag"] and (ev("F", f) or uncertain)):
                continue  # diversion: police only for a flag the text names
            if p >= net["flag"]:
                extra[agency] = f"{f} plausible ({p:.2f})"
            elif uncertain and agency is not POLICE:
                extra[agency] = f"{f} possible: {_fmt(uncertain)}"
    return extra
