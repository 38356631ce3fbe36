"""Training of the call type's hidden layer (engine/hidden.py), called from train.py.

scikit-learn's MLPClassifier on the very matrix the linear heads see (n-grams at 1/sqrt(n), cue
features at CUE_VALUE): one hidden layer of ReLU units, Adam, a fixed number of passes and a
fixed seed, on one thread (the same data gives the same file). Settings chosen on an 80/20 split
of the training split (docs/classifier.md): 64 units reach nearly what 128 do at half the size.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from services.classifier.engine.hidden import LEVELS, encode_rows

# `levels`: the stored rows run from -levels to levels (engine/hidden.py); train.py --width,
# --epochs and --levels change these for a trial.
HIDDEN = {"width": 64, "alpha": 1e-4, "batch_size": 512, "epochs": 12, "seed": 1, "levels": LEVELS}


def fit_hidden(X, y_type, weights=None) -> MLPClassifier:
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN["width"],), alpha=HIDDEN["alpha"],
                        batch_size=HIDDEN["batch_size"], max_iter=HIDDEN["epochs"],
                        random_state=HIDDEN["seed"])
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of passes, on purpose
        return clf.fit(X, y_type, sample_weight=weights)


def hidden_probs(clf: MLPClassifier, X, types: list[str]) -> np.ndarray:
    """Call-type probabilities in `types` order."""
    out = np.zeros((X.shape[0], len(types)))
    with threadpool_limits(1):
        out[:, [types.index(t) for t in clf.classes_]] = clf.predict_proba(X)
    return out


def export_hidden(clf: MLPClassifier, rows: np.ndarray, types: list[str]) -> dict:
    """The model file's `hidden` section (with `rows_bytes`, which write_model puts in a file of
    its own). `rows`: the first layer's rows of the exported features, in the order of the file's
    `weights` (already scaled as the linear rows are)."""
    w2 = clf.coefs_[1]
    rows_bytes, scales = encode_rows(rows, HIDDEN["levels"])
    out = np.zeros((w2.shape[0], len(types)))
    out_bias = np.full(len(types), -30.0)
    for ci, t in enumerate(clf.classes_):
        out[:, types.index(t)] = w2[:, ci]
        out_bias[types.index(t)] = clf.intercepts_[1][ci]
    return {
        "width": int(w2.shape[0]),
        "scales": scales,
        "rows_bytes": rows_bytes,
        "bias": [round(float(v), 6) for v in clf.intercepts_[0]],
        "out": [[round(float(v), 6) for v in row] for row in out],
        "out_bias": [round(float(v), 6) for v in out_bias],
        "settings": dict(HIDDEN),
    }
