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

MAX_CUES_SHOWN = 4


def _cues(feats: CallFeatures, kind: str, label: str, status: str = "pos") -> list[str]:
    seen: list[str] = []
    for k, lab, cue, st in feats.hits:
        if k == kind and lab == label and (st == status or (status == "pos" and st == "unc" and k == "T")):
            if cue not in seen:
                seen.append(cue)
    return seen[:MAX_CUES_SHOWN]


def _fmt(cues: list[str]) -> str:
    return ", ".join(f"'{c}'" for c in cues)


def decide(feats: CallFeatures, type_p: dict[str, float], flag_p: dict[str, float],
           thresholds: dict, policy: RoutingPolicy, version: str) -> Classification:
    reasons: list[str] = []
    top = max(type_p, key=type_p.__getitem__)
    call_type = CallType(top)
    confidence = type_p[top]
    cues = _cues(feats, "T", top)
    reasons.append(f"type {top} ({confidence:.2f})" + (f": cues {_fmt(cues)}" if cues else ": n-gram model"))

    flags: dict[str, bool] = {}
    for f, p in flag_p.items():
        on = p >= thresholds["flag"][f]
        denied = _cues(feats, "D", f)
        asserted = _cues(feats, "F", f)
        if on and denied and not asserted:
            on = False
            reasons.append(f"not {f}: denied by {_fmt(denied)}")
        elif on:
            reasons.append(f"flag {f} ({p:.2f})" + (f": cues {_fmt(asserted)}" if asserted else ""))
        elif asserted and p >= 0.2:
            reasons.append(f"not {f} ({p:.2f}) despite {_fmt(asserted)}")
        negated = _cues(feats, "F", f, "neg")
        if negated and not on:
            reasons.append(f"negated: {_fmt(negated)} ({f})")
        flags[f] = on
    if call_type is CallType.MEDICAL and not flags["injured"]:
        flags["injured"] = True
        reasons.append("flag injured: a medical call always has injured")
    if feats.masked:
        reasons.append(f"misleading words set aside: {_fmt(list(feats.masked))}")

    flag_model = Flags(**flags)
    routed = policy.route(call_type, flag_model)
    extra = _safety_net(feats, call_type, flags, type_p, flag_p, thresholds, policy, routed)
    reasons.append("routing: " + "; ".join(f"{a.value} <- {why}" for a, why in routed.items()))
    for agency, why in extra.items():
        reasons.append(f"safety: {agency.value} added, {why}")

    review_why = []
    if confidence < policy.review_below_confidence:
        review_why.append(f"confidence {confidence:.2f} below {policy.review_below_confidence}")
    if extra:
        review_why.append("another reading needs an emergency agency")
    if review_why:
        reasons.append("review: " + "; ".join(review_why))
    return Classification(
        call_type=call_type,
        flags=flag_model,
        confidence=round(confidence, 4),
        review=bool(review_why),
        reasons=reasons,
        agencies=list(routed) + list(extra),
        model_version=version,
    )


def _safety_net(feats: CallFeatures, call_type: CallType, flags: dict[str, bool], type_p: dict[str, float],
                flag_p: dict[str, float], thresholds: dict, policy: RoutingPolicy,
                routed: dict[Agency, str]) -> dict[Agency, str]:
    """Emergency agencies of plausible other readings that the chosen reading does not reach."""
    net = thresholds["safety"]
    extra: dict[Agency, str] = {}

    def bar(agency: Agency, kind: str) -> float:
        return net[f"police_{kind}"] if agency is Agency.POLICE else net[kind]

    for t, p in sorted(type_p.items(), key=lambda kv: -kv[1]):
        if t == call_type.value:
            continue
        agency = policy.base[CallType(t)]
        if agency in EMERGENCY_AGENCIES and agency not in routed and agency not in extra and p >= bar(agency, "type"):
            extra[agency] = f"{t} plausible ({p:.2f})"
    for f, p in flag_p.items():
        if flags[f]:
            continue
        uncertain = _cues(feats, "F", f, "unc")
        if _cues(feats, "D", f) and not uncertain:
            continue
        with_flag = policy.route(call_type, Flags(**{**flags, f: True}))
        for agency in with_flag:
            if agency in routed or agency in extra or agency not in EMERGENCY_AGENCIES:
                continue
            if p >= bar(agency, "flag"):
                extra[agency] = f"{f} plausible ({p:.2f})"
            elif uncertain and agency is not Agency.POLICE:
                extra[agency] = f"{f} possible: {_fmt(uncertain)}"
    return extra
