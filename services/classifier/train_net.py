"""Train the learned safety net (engine/net.py) on out-of-fold readings of the training calls.

train.py fits the model k times, each time scoring the calls it left out. Those out-of-fold
probabilities are what the engine will make of calls it has never seen, so the net learns from
them when a reading the decision set aside still means police, 120 or 119 are needed:
  1. each training call is decided as at run time (decide.read_call, the policy's routing);
  2. for each emergency agency, the calls the decision did NOT route to it are the net's rows,
     labelled by whether the call's true labels route it there;
  3. a logistic regression per agency on the call's signals (net.signals), dense signals
     standardised, the scaling folded into the exported weights.
The bar of each agency comes from the cost of a miss (MISS_COST): dispatch pays from
p = 1 / (1 + cost), for calibrated p.
"""

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression

from schemas.codes import CallType
from schemas.events import Flags
from schemas.policy import RoutingPolicy
from services.classifier.data.splits import FLAG_NAMES
from services.classifier.engine.decide import NET_AGENCIES, Evidence, read_call
from services.classifier.engine.features import CallFeatures
from services.classifier.engine.net import dense_names, signals
from services.classifier.engine.routing import FastPolicy, flag_mask

# A missed dispatch costs this many needless ones. 120 and 119: safety first. Police: a needless
# police dispatch is what diversion exists to avoid, but a crime told without crime words must
# still reach the police; at 3 the calls needing no police that get them stay near 2 %, under
# the 3 % target (docs/classifier.md, eighth session).
MISS_COST = {"police": 3.0, "ems_120": 15.0, "fire_119": 15.0}
NET_C = 1.0        # inverse regularisation of the net's regressions
MIN_SEEN = 5       # a binary signal seen in fewer training calls gets no weight


def decided_rows(rows, feats: list[CallFeatures], type_probs: np.ndarray, flag_probs: np.ndarray,
                 types: list[str], thresholds: dict, policy: RoutingPolicy):
    """Per call: its signals, the agencies its decision routes, and the agencies it truly needs."""
    fast = FastPolicy.of(policy)
    out = []
    for r, f, tp, fp in zip(rows, feats, type_probs, flag_probs):
        type_p = dict(zip(types, map(float, tp)))
        flag_p = dict(zip(FLAG_NAMES, map(float, fp)))
        top, _, flags = read_call(Evidence(f), type_p, flag_p, thresholds, [])
        routed = set(fast.route_mask(top, flag_mask(flags)))
        out.append((signals(f, type_p, flag_p, top, flags), routed, gold_route(r, policy)))
    return out


def gold_route(row: dict, policy: RoutingPolicy) -> set:
    """The agencies a labelled call truly needs: the policy applied to its labels."""
    return set(policy.route(CallType(row["call_type"]), Flags(**{k: row["flags"][k] for k in FLAG_NAMES})))


def fit_net(decided, types: list[str]) -> dict:
    """The model file's `net` section."""
    dense = np.array([d[0][0] for d in decided])
    seen: dict[str, int] = {}
    for d in decided:
        for s in set(d[0][1]):
            seen[s] = seen.get(s, 0) + 1
    vocab = {s: i for i, s in enumerate(sorted(s for s, n in seen.items() if n >= MIN_SEEN))}
    ind, ptr = [], [0]
    for d in decided:
        ind.extend(sorted({vocab[s] for s in d[0][1] if s in vocab}))
        ptr.append(len(ind))
    sparse = csr_matrix((np.ones(len(ind)), ind, ptr), shape=(len(decided), len(vocab)))
    mu, sd = dense.mean(axis=0), dense.std(axis=0)
    sd[sd < 1e-9] = 1.0
    X = hstack([csr_matrix((dense - mu) / sd), sparse]).tocsr()
    names = sorted(vocab, key=vocab.get)
    heads = {}
    for agency in NET_AGENCIES:
        rows = np.array([agency not in d[1] for d in decided])
        y = np.array([agency in d[2] for d in decided])[rows]
        if y.min() == y.max():
            w_dense, w_sparse, bias = np.zeros(dense.shape[1]), {}, -30.0
        else:
            clf = LogisticRegression(C=NET_C, max_iter=5000).fit(X[rows], y)
            coef = clf.coef_[0]
            w_dense = coef[:dense.shape[1]] / sd
            bias = float(clf.intercept_[0] - (w_dense * mu).sum())
            w_sparse = {n: round(float(w), 4) for n, w in zip(names, coef[dense.shape[1]:]) if abs(w) >= 1e-3}
        heads[agency.value] = {"dense": [round(float(w), 5) for w in w_dense], "sparse": w_sparse,
                               "bias": round(bias, 5), "bar": round(1.0 / (1.0 + MISS_COST[agency.value]), 4)}
    return {"dense": dense_names(types, FLAG_NAMES), "agencies": heads}
