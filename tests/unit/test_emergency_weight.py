"""train.py --emergency-weight: calls whose labels bring 120 or 119 weigh more in the training loss,
so a trained model leans towards the emergency call types; at 1.0 the fits run unweighted (the
shipped model's training is unchanged)."""

import numpy as np

from schemas.policy import load_policy
from services.classifier import train
from services.classifier.data.splits import load_corpus


def test_weight_falls_on_calls_that_need_an_ambulance_or_fire_engine():
    rows = load_corpus()[::400]
    policy = load_policy()
    old = train.EMERGENCY_WEIGHT
    try:
        train.set_emergency_weight(1.0)
        assert train.call_weights(rows, policy) is None
        train.set_emergency_weight(3.0)
        w = train.call_weights(rows, policy)
    finally:
        train.set_emergency_weight(old)
    fires = [i for i, r in enumerate(rows) if r["call_type"] == "fire"]
    noise = [i for i, r in enumerate(rows) if r["call_type"] == "noise" and not any(r["flags"].values())]
    assert fires and noise
    assert all(w[i] == 3.0 for i in fires)
    assert all(w[i] == 1.0 for i in noise)


def test_a_weighted_hidden_layer_gives_fire_more_probability(engine):
    rows = load_corpus()[::80]
    feats = train.featurize(rows, engine.lexicon, engine.model.zh_ngram)
    X = train.build_matrix(feats, train.make_vocab(feats))
    y = np.array([r["call_type"] for r in rows])
    weights = np.where(y == "fire", 6.0, 1.0)
    plain = train.hidden_probs(train.fit_hidden(X, y), X, train.TYPES)
    weighted = train.hidden_probs(train.fit_hidden(X, y, weights), X, train.TYPES)
    fire = train.TYPES.index("fire")
    not_fire = y != "fire"
    assert weighted[not_fire, fire].mean() > plain[not_fire, fire].mean()
