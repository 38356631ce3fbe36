"""The decisive cues' floors (engine/decide.py), tuned on out-of-fold readings of the training calls.

A decisive cue ('流血', '被困', 'smashed') sets its flag whatever the model says. Most of the time
that is right, but the model sometimes all but rules the flag out, and then the cue is usually
about something else: a bleeding pigeon, a fracture healed last month, a dog shut in. A flag's
floor is the model probability below which its decisive cues no longer count.

For each flag, each training call whose decision set the flag by a decisive cue is decided again
without it (decide.read_call, the policy's routing, out-of-fold probabilities as at run time). An
agency that drops out is a saving when the call's true labels do not need it and a miss when they
do, a miss weighing as train_net.MISS_COST says (15 for 120 and 119). The floor is the one of
FLOOR_GRID with the best balance (0: keep every decisive cue). The learned net is fitted after,
on decisions made with the floors, so it learns to bring back what they drop.
"""

import numpy as np

from schemas.policy import RoutingPolicy
from services.classifier.data.splits import FLAG_NAMES
from services.classifier.engine.decide import Evidence, read_call
from services.classifier.engine.routing import FastPolicy, flag_mask
from services.classifier.train_net import MISS_COST, gold_route

FLOOR_GRID = [round(float(v), 3) for v in np.arange(0.0, 0.501, 0.025)]
_OFF = 1.01  # a floor no probability reaches: the decision without the flag's decisive cues


def tune_floors(rows, feats, type_probs: np.ndarray, flag_probs: np.ndarray, types: list[str],
                thresholds: dict, policy: RoutingPolicy) -> dict[str, float]:
    fast = FastPolicy.of(policy)
    base = dict(thresholds, decisive={})
    effects: dict[str, list[tuple[float, float]]] = {f: [] for f in FLAG_NAMES}  # (p, cost of dropping)
    for r, f, tp, fp in zip(rows, feats, type_probs, flag_probs):
        ev = Evidence(f)
        type_p = dict(zip(types, map(float, tp)))
        flag_p = dict(zip(FLAG_NAMES, map(float, fp)))
        top, _, flags = read_call(ev, type_p, flag_p, base, [])
        gold = None
        for name in FLAG_NAMES:
            if not flags[name] or not (ev("S", name) or ev("S", name + "@" + top)):
                continue
            top_off, _, flags_off = read_call(ev, type_p, flag_p, dict(base, decisive={name: _OFF}), [])
            dropped = set(fast.route_mask(top, flag_mask(flags))) - set(fast.route_mask(top_off, flag_mask(flags_off)))
            if not dropped:
                continue
            if gold is None:
                gold = gold_route(r, policy)
            cost = sum(MISS_COST.get(a.value, 0.0) if a in gold else -1.0 for a in dropped)
            effects[name].append((flag_p[name], cost))
    floors = {}
    for name, seen in effects.items():
        best = (0.0, 0.0)
        for floor in FLOOR_GRID[1:]:
            total = sum(cost for p, cost in seen if p < floor)
            if total < best[1] - 1e-9:
                best = (floor, total)
        floors[name] = best[0]
    return floors
