"""From model probabilities and cue evidence to a Classification: flags, routing, safety net, reasons.

Flags are facts in the text. A flag is on when
  - a *decisive* cue for it is asserted (lexicon `strong`, e.g. '被困', '砸坏', 'stabbed'), or a
    decisive cue for it given the call type (lexicon `strong_for`, e.g. a thrown object on a
    falling-object call is deliberate: DOMAIN.md), and the model does not all but rule it out
    (its probability at least the flag's `decisive` floor, tuned in training: a bleeding pigeon,
    a fracture healed last month, '被困' about a dog). The rest of the call must rule it out:
    the cue words' own n-grams lean against the flag ('受伤' is in every '没人受伤'), and in a
    terse call ('车祸 两人受伤') they would outweigh the cue, so the probability without them
    also counts. A denial in the call ('电梯困人 里头没人了') leaves a decisive cue to the
    threshold, as any cue. A decisive cue that names a person ('两人受伤', 'people trapped'; the
    lexicon's `person` lists) cannot be about a pigeon and has no floor. Or
  - the model passes the flag's threshold and the text has a (non-negated) cue word for it; when
    the call also denies the flag ('我没被关在里面 … 下不去'), the model must find it more likely than
    not (DENIED_BAR), or
  - the model is very sure (>= 0.9) and no denial ('没人受伤', 'no one inside') stands against it.
DOMAIN.md's rules follow: violence makes the call police_matter; a medical call is always injured.

Diversion: police_matter needs words of a crime, a weapon or violence; without them a doubtful
police_matter (below the `police_type` bar) gives way to the next call type, and police is only
added by the safety net.

Safety first: the learned safety net (net.py) gives, for police, 120 and 119 that the decision
did not route, the probability that the call needs them anyway; the agency is added when that
reaches its bar (a miss costs 15 needless dispatches for 120/119, 3 for police, so that calls
needing no police stay off the police). Any addition sends the call to review. Below the bar, an
agency likely enough that a dispatcher's look pays (the policy's `review_cost`) sends the call to
review with the agency named, not sent: most needed dispatches the engine misses are not low-
confidence calls, so without this they would pass unseen. A flag the caller
names as uncertain ('不知道有没有人受伤') sends the call to review, but brings its 120 or 119 only
through the net, which reads that doubt among its signals.
"""

from collections.abc import Callable

from schemas.codes import EMERGENCY_AGENCIES, Agency, CallType
from schemas.events import Classification, Flags
from schemas.policy import RoutingPolicy
from services.classifier.engine.features import CallFeatures
from services.classifier.engine.net import SafetyNet, signals
from services.classifier.engine.routing import FLAG_BIT, MEDICAL_TYPE, POLICE, POLICE_TYPE, FastPolicy

MAX_CUES_SHOWN = 4
NOTE_BELOW = 0.2
UNCUED_FLAG = 0.9  # a flag with no cue word in the text needs this model probability
# A flag the caller denies somewhere in the call ('我没被关在里面 … 我在18楼下不去') is set from a
# plain cue only when the model finds it more likely than not.
DENIED_BAR = 0.5
# A decisive type cue (lexicon `decisive`: '踩踏了', 'fuse box is smoking') decides the call type
# unless the model all but rules that type out; a rule pattern with `floor: false` (its N cue:
# 'a taxi just knocked down an old man') decides it whatever the model reads.
DECISIVE_TYPE_FLOOR = 0.01
# 'Nobody inside' holds back the net's 119 only on a call the model finds no fire (_nobody_inside).
NOBODY_FIRE_BELOW = 0.1
_CALL_TYPES = {t.value: t for t in CallType}
NET_AGENCIES = (Agency.POLICE, Agency.EMS_120, Agency.FIRE_119)  # fixed order: stable agency lists
_NO_CUES: list[str] = []
_NO_FLOORS: dict[str, float] = {}
# A flag's probability without the n-grams of the given cue words (LinearModel.flag_p_without).
Context = Callable[[str, list[str]], float]


class Evidence:
    """The cue matches of one call, indexed by (kind, label, status)."""

    __slots__ = ("index", "flags", "animal")

    def __init__(self, feats: CallFeatures) -> None:
        index: dict[tuple[str, str, str], list[str]] = {}
        flags: set[str] = set()  # flags with any evidence (cue, decisive cue, denial; any status)
        for hit in feats.hits:
            if hit[0] == "W":
                continue  # weak cues only feed the model
            cues = index.get(hit[4])
            if cues is None:
                index[hit[4]] = [hit[2]]
            elif hit[2] not in cues:
                cues.append(hit[2])
            if hit[6] is not None:
                flags.add(hit[6])
        self.index = index
        self.flags = flags
        self.animal = feats.animal  # flags whose cues were all about an animal in some clause

    def __call__(self, kind: str, label: str, status: str = "pos") -> list[str]:
        return self.index.get((kind, label, status), _NO_CUES)


def _fmt(cues) -> str:
    return ", ".join(f"'{c}'" for c in cues[:MAX_CUES_SHOWN])


def decide_flags(ev: Evidence, top: str, flag_p: dict[str, float], thresholds: dict[str, float],
                 reasons: list[str], floors: dict[str, float] = _NO_FLOORS,
                 context: Context | None = None) -> dict[str, bool]:
    flags: dict[str, bool] = {}
    for f, p in flag_p.items():
        if f not in ev.flags:  # no word about this flag at all: only a very sure model sets it
            flags[f] = on = p >= UNCUED_FLAG and f not in ev.animal
            if on:
                reasons.append(f"flag {f} ({p:.2f}): n-gram model")
            elif p >= UNCUED_FLAG:  # '鸽子撞窗户上了 翅膀流血': the model reads the words, not whose wing
                reasons.append(f"not {f} ({p:.2f}): its words are about an animal")
            continue
        asserted = ev("F", f)
        decisive = ev("S", f) or ev("S", f + "@" + top)
        if decisive and ev("D", f):  # '电梯困人 里头没人了': the denial leaves it to the model
            asserted = asserted or decisive
            decisive = _NO_CUES
        if decisive and p >= floors.get(f, 0.0):
            on = True
            reasons.append(f"flag {f} ({p:.2f}): decisive cues {_fmt(decisive)}")
        elif decisive and (person := ev("P", f)):
            on = True
            reasons.append(f"flag {f} ({p:.2f}): decisive cues {_fmt(decisive)}, naming a person {_fmt(person)}")
        elif decisive and (rule := ev("Q", f)):
            on = True
            reasons.append(f"flag {f} ({p:.2f}): decisive rule {_fmt(rule)}, whatever the model reads")
        elif decisive and context is not None and (q := context(f, decisive)) >= floors[f]:
            on = True
            reasons.append(f"flag {f} ({p:.2f}; {q:.2f} without the cue words): decisive cues {_fmt(decisive)}")
        elif decisive:
            on = False
            reasons.append(f"not {f} ({p:.2f}): the model rules out its decisive cues {_fmt(decisive)}")
        elif asserted and p >= (max(thresholds[f], DENIED_BAR) if ev("D", f) else thresholds[f]):
            on = True
            reasons.append(f"flag {f} ({p:.2f}): cues {_fmt(asserted)}")
        elif p >= UNCUED_FLAG and not asserted:
            denied = ev("D", f)
            on = not denied
            reasons.append(f"not {f}: denied by {_fmt(denied)}" if denied else f"flag {f} ({p:.2f}): n-gram model")
        else:
            on = False
            if asserted and p >= NOTE_BELOW:
                reasons.append(f"not {f} ({p:.2f}) despite {_fmt(asserted)}")
            negated = ev("F", f, "neg")
            if negated:
                reasons.append(f"negated: {_fmt(negated)} ({f})")
        flags[f] = on
    return flags


def choose_type(ev: Evidence, type_p: dict[str, float], police_bar: float, reasons: list[str]) -> str:
    top = max(type_p, key=type_p.__getitem__)
    if top == POLICE_TYPE and type_p[top] < police_bar and not ev("T", POLICE_TYPE) \
            and not ev("F", "violence") and not ev("S", "violence"):
        reasons.append(f"not police_matter ({type_p[top]:.2f}): no words of a crime, weapon or violence")
        top = max((t for t in type_p if t != POLICE_TYPE), key=type_p.__getitem__)
    if not ev("V", "type"):  # '我刚才说踩踏了，是我看错了': a correction voids the decisive cues
        # a crowd crush ('踩踏了') is police work whatever else the call says
        decisive = [t for t in type_p if t != top and ev("K", t)
                    and (type_p[t] >= DECISIVE_TYPE_FLOOR or ev("N", t))]
        if decisive:
            t = max(decisive, key=type_p.__getitem__)
            reasons.append(f"type {t} ({type_p[t]:.2f}): decisive cues {_fmt(ev('K', t))} (model's type was {top})")
            return t
        if ev("K", top):  # the model agrees: the decisive words are still what a dispatcher should see
            reasons.append(f"type {top} ({type_p[top]:.2f}): decisive cues {_fmt(ev('K', top))}")
            return top
    cues = ev("T", top)
    reasons.append(f"type {top} ({type_p[top]:.2f})" + (f": cues {_fmt(cues)}" if cues else ": n-gram model"))
    return top


def read_call(ev: Evidence, type_p: dict[str, float], flag_p: dict[str, float], thresholds: dict,
              reasons: list[str], context: Context | None = None) -> tuple[str, float, dict[str, bool]]:
    """The decision before routing: (call type, confidence, flags), DOMAIN.md's rules applied."""
    top = choose_type(ev, type_p, thresholds["safety"]["police_type"], reasons)
    confidence = type_p[top]
    flags = decide_flags(ev, top, flag_p, thresholds["flag"], reasons, thresholds.get("decisive", _NO_FLOORS), context)
    if flags["violence"] and top != POLICE_TYPE:
        # DOMAIN.md: violence, a weapon or a threat makes it police_matter, even with someone hurt.
        reasons.append(f"rule: violence makes it police_matter (model's type was {top})")
        top = POLICE_TYPE
        confidence = max(type_p[POLICE_TYPE], flag_p["violence"])
    if top == MEDICAL_TYPE and not flags["injured"]:
        flags["injured"] = True
        reasons.append("flag injured: a medical call always has injured")
    return top, confidence, flags


def _by_how(heard: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The rewrites of the call's text by kind: Chinese sound-alikes, pinyin, English misspellings."""
    out: dict[str, list[tuple[str, str]]] = {}
    for h, m in heard:
        how = "read as sounding alike" if not h.isascii() else "read as misspelt" if m.isascii() \
            else "read from pinyin"
        out.setdefault(how, []).append((h, m))
    return out


def decide(feats: CallFeatures, type_p: dict[str, float], flag_p: dict[str, float],
           thresholds: dict, policy: RoutingPolicy, version: str, net: SafetyNet | None = None,
           context: Context | None = None) -> Classification:
    reasons: list[str] = []
    ev = Evidence(feats)
    top, confidence, flags = read_call(ev, type_p, flag_p, thresholds, reasons, context)
    if feats.masked:
        reasons.append(f"misleading words set aside: {_fmt(feats.masked)}")
    if feats.heard:
        for how, pairs in _by_how(feats.heard).items():
            reasons.append(f"{how}: " + ", ".join(f"'{h}' as '{m}'" for h, m in pairs))

    fast = FastPolicy.of(policy)
    mask = 0
    for f, on in flags.items():
        if on:
            mask |= FLAG_BIT[f]
    routed = fast.route_mask(top, mask)
    extra, check = learned_net(net, feats, ev, top, flags, mask, type_p, flag_p, fast, routed)
    unsure = uncertain_flags(ev, top, flag_p, flags, mask, fast, routed, extra)
    reasons.append(fast.reason[top, mask])
    for agency, why in extra.items():
        reasons.append(f"safety: {agency.value} added, {why}")
    for agency, why in check.items():
        reasons.append(f"check: {agency.value} not sent, {why}")
    for agency, why in unsure.items():
        reasons.append(f"unsure: {why}; {agency.value} not sent on the caller's doubt alone")
    pinyin = any(h.isascii() and not m.isascii() for h, m in feats.heard)  # the characters are a guess
    review = confidence < fast.review_below or bool(extra) or bool(check) or bool(unsure) or pinyin
    if review:
        why = []
        if confidence < fast.review_below:
            why.append(f"confidence {confidence:.2f} below {fast.review_below}")
        if extra:
            why.append("another reading needs an emergency agency")
        if check:
            why.append("an emergency agency not sent may be needed")
        if unsure:
            why.append("the caller is unsure of a fact that would need an emergency agency")
        if pinyin:
            why.append("typed in pinyin, check the reading")
        reasons.append("review: " + "; ".join(why))
    return build_classification(top, mask, round(confidence, 4), review, reasons,
                                list(routed) + list(extra), version, list(check))


def learned_net(net: SafetyNet | None, feats: CallFeatures, ev: Evidence, top: str, flags: dict[str, bool], mask: int,
                type_p: dict[str, float], flag_p: dict[str, float], policy: FastPolicy,
                routed: dict[Agency, str]) -> tuple[dict[Agency, str], dict[Agency, str]]:
    """Emergency agencies the learned net (engine/net.py) finds likely enough to be needed: (sent,
    for a dispatcher to check). Each maps the agency to why."""
    out: dict[Agency, str] = {}
    check: dict[Agency, str] = {}
    if net is None:  # a model file from before the learned net
        return out, check
    inputs = None
    for agency in NET_AGENCIES:
        if agency in routed:
            continue
        if inputs is None:
            inputs = signals(feats, type_p, flag_p, top, flags)
        p = net.score(agency.value, *inputs)
        if p >= net.bar(agency.value) and agency is Agency.FIRE_119 and _nobody_inside(ev, type_p):
            check[agency] = (f"possibly needed ({p:.2f} by the learned net, but the caller says "
                             f"{_fmt(ev('N', 'trapped'))}" + _readings(agency, top, mask, type_p, flag_p, policy))
        elif p >= net.bar(agency.value):
            out[agency] = f"likely needed ({p:.2f} by the learned net" + _readings(agency, top, mask, type_p, flag_p, policy)
        elif p >= net.check_bar(agency.value, policy.review_cost):
            check[agency] = f"possibly needed ({p:.2f} by the learned net" + _readings(agency, top, mask, type_p, flag_p, policy)
    return out, check


def _nobody_inside(ev: Evidence, type_p: dict[str, float]) -> bool:
    """The caller says outright that nobody is inside ('电梯卡在两层中间 里面是货 没人', '里头没人';
    lexicon trapped `nobody`), names no one trapped, and the call is no fire: a 119 the net would
    add is for a person trapped, and the caller has ruled that out, so it goes to review."""
    return bool(ev("N", "trapped")) and not ev("F", "trapped") and not ev("S", "trapped") \
        and type_p[CallType.FIRE.value] < NOBODY_FIRE_BELOW


def _readings(agency: Agency, top: str, mask: int, type_p: dict[str, float], flag_p: dict[str, float],
              policy: FastPolicy) -> str:
    """The end of a net's reason: the model's readings that would bring the agency."""
    readings = [(type_p[t], t) for t in policy.emergency_base if policy.base[t] is agency]
    readings += [(flag_p[f], f) for f in flag_p if agency in policy.route_mask(top, mask | FLAG_BIT[f])]
    shown = ", ".join(f"{name} {q:.2f}" for q, name in sorted(readings, reverse=True)[:3] if q >= 0.01)
    return f"; readings {shown})" if shown else ")"


def uncertain_flags(ev: Evidence, top: str, flag_p: dict[str, float], flags: dict[str, bool], mask: int,
                    policy: FastPolicy, routed: dict[Agency, str], added: dict[Agency, str]) -> dict[Agency, str]:
    """120 or 119 that a flag the text names as uncertain would bring ('不知道有没有人受伤', '怕有人
    踩空'): the call goes to review, the agency is not sent on that alone. Unsure facts stay false
    (labelling guide); on the training calls this doubt marked 95 calls, one of which needed the
    agency, while the learned net, which reads the same doubt (`FU:` signals), adds the agency
    where the rest of the call says it is likely needed."""
    out: dict[Agency, str] = {}
    for f in flag_p:
        if flags[f]:
            continue
        uncertain = ev("F", f, "unc")
        if not uncertain or ev("D", f):
            continue
        for agency in policy.route_mask(top, mask | FLAG_BIT[f]):
            if agency not in routed and agency not in added and agency not in out \
                    and agency in EMERGENCY_AGENCIES and agency is not POLICE:
                out[agency] = f"{f} possible: {_fmt(uncertain)}"
    return out


# --- building the result -------------------------------------------------------------------------
# Every value is already of its schema type, so the result is built without re-validation (the hot
# path). Flags objects are immutable and shared: one per flag combination.
_FLAGS_BY_MASK = [Flags(**{f: bool(m & bit) for f, bit in FLAG_BIT.items()}) for m in range(32)]
_FIELDS = tuple(Classification.model_fields)
_new = Classification.__new__
_setattr = object.__setattr__


def _build_fast(call_type, flags, confidence, review, reasons, agencies, version, check) -> Classification:
    m = _new(Classification)
    _setattr(m, "__dict__", {"call_type": call_type, "flags": flags, "confidence": confidence,
                             "review": review, "reasons": reasons, "agencies": agencies, "check": check,
                             "model_version": version})
    _setattr(m, "__pydantic_fields_set__", set(_FIELDS))
    _setattr(m, "__pydantic_extra__", None)
    _setattr(m, "__pydantic_private__", None)
    return m


def _build_checked(call_type, flags, confidence, review, reasons, agencies, version, check) -> Classification:
    return Classification.model_construct(call_type=call_type, flags=flags, confidence=confidence, review=review,
                                          reasons=reasons, agencies=agencies, check=check, model_version=version)


def _fast_path_ok() -> bool:
    """The shortcut must give exactly what pydantic's model_construct gives (else use the latter)."""
    if _FIELDS != ("call_type", "flags", "confidence", "review", "reasons", "agencies", "check", "model_version") \
            or Classification.__pydantic_post_init__:
        return False
    args = (CallType.MEDICAL, _FLAGS_BY_MASK[1], 0.5, True, ["r"], [Agency.EMS_120], "v", [Agency.POLICE])
    a, b = _build_fast(*args), _build_checked(*args)
    return a == b and a.model_dump() == b.model_dump() and a.__pydantic_fields_set__ == b.__pydantic_fields_set__


_build = _build_fast if _fast_path_ok() else _build_checked


def build_classification(top: str, mask: int, confidence: float, review: bool, reasons: list[str],
                         agencies: list[Agency], version: str, check: list[Agency]) -> Classification:
    return _build(_CALL_TYPES[top], _FLAGS_BY_MASK[mask], confidence, review, reasons, agencies, version, check)
