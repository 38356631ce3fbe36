"""Train the classifier's model on the training split; write data/model-clf.json.gz (and the hidden
layer's rows, data/model-clf-hidden.i8.gz).

    python -m services.classifier.train [--c 4.0]
    python -m services.classifier.train --cv 5 [--misses FILE]   # k-fold estimate on the TRAIN split

scikit-learn is a training-time dependency only: the model is exported as plain JSON weights
and scored in pure Python at run time. The held-out split (data/splits.py) is never read here:
every setting (C, n-gram order, thresholds, lexicon work) is chosen by cross-validation on the
training split (`--cv`), so the held-out and sample figures stay honest.
"""

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from schemas.codes import Agency, CallType
from schemas.policy import load_policy
from services.classifier.data.splits import FLAG_NAMES, load_corpus, split
from services.classifier.engine.features import extract
from services.classifier.engine.lexicon import load_lexicon
from services.classifier.engine.model import MODEL_FILE, write_model
from services.classifier.train_floors import tune_floors
from services.classifier.train_hidden import HIDDEN, export_hidden, fit_hidden, hidden_probs
from services.classifier.train_net import decided_rows, fit_net, gold_route

TYPES = [t.value for t in CallType]
MIN_DF = 3  # n-grams seen in fewer training calls are dropped; 2 and 3 are equal in CV, 3 keeps the model a third smaller
# Lexicon features enter the model at this value (n-grams at 1/sqrt(n)): a larger value costs
# them less regularisation, so the model leans on the curated cues, which carry over to other
# people's wording, more than on the corpus writers' n-grams. Chosen by CV on the training split.
CUE_VALUE = 1.0
# Negated n-grams as features too ("~受伤" after 没人; engine/features.py); CV: routing +0.3 points.
NEG_GRAMS = True
# Training weight per corpus writer (id prefix); chosen by CV on the training split.
SOURCE_WEIGHT: dict[str, float] = {}
# Training weight of a call whose labels bring 120 or 119 (every head and the hidden layer, in the
# out-of-fold fits too): above 1, a missed ambulance or fire engine costs the loss more than a
# wrong call type elsewhere. 1.0 (no weighting) trained the shipped model; train.py --emergency-weight.
EMERGENCY_WEIGHT = 1.0
# Recall-weighted F-beta for flags that bring an emergency agency.
FLAG_BETA = {"injured": 2.0, "violence": 1.5, "deliberate": 1.0, "damage": 1.0, "trapped": 2.0}
# Diversion: a police_matter reading below this probability, with no word of a crime, weapon or
# violence, gives way to the next call type (decide.choose_type); the learned net can still add police.
SAFETY = {"police_type": 0.3}
# The call type from a one-hidden-layer network on the same features (engine/hidden.py,
# train_hidden.py); False: from the linear type head alone.
HIDDEN_LAYER = True
# Decisive cues count only above a per-flag floor of the model's probability (train_floors.py).
DECISIVE_FLOORS = True
# Out-of-fold readings (flag thresholds, decisive floors, the learned net) with whole sources left
# out: what the model makes of a writer it has never read, as in use. False: calls shuffled.
OOF_BY_SOURCE = False


def set_hidden(on: bool) -> None:
    global HIDDEN_LAYER
    HIDDEN_LAYER = on


def set_emergency_weight(w: float) -> None:
    global EMERGENCY_WEIGHT
    EMERGENCY_WEIGHT = w


def featurize(rows, lexicon, zh_n):
    return [extract(lexicon, r["text"], zh_n, NEG_GRAMS) for r in rows]


def build_matrix(feats, vocab):
    data, ind, ptr = [], [], [0]
    for f in feats:
        scale = 1.0 / np.sqrt(max(1, len(f.grams)))
        for g in f.grams:
            j = vocab.get(g)
            if j is not None:
                ind.append(j)
                data.append(scale)
        for c in f.cues:
            j = vocab.get(c)
            if j is not None:
                ind.append(j)
                data.append(CUE_VALUE)
        ptr.append(len(ind))
    return csr_matrix((data, ind, ptr), shape=(len(feats), len(vocab)))


def make_vocab(feats):
    df = Counter(g for f in feats for g in f.grams)
    names = sorted(g for g, n in df.items() if n >= MIN_DF)
    names += sorted({c for f in feats for c in f.cues})
    return {n: i for i, n in enumerate(names)}


def fit(X, y_type, Y_flags, c, c_flag, weights=None):
    type_clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(X, y_type, sample_weight=weights)
    flag_clfs = []
    for k in range(Y_flags.shape[1]):
        yk = Y_flags[:, k]
        if yk.min() == yk.max():
            flag_clfs.append(None)
            continue
        flag_clfs.append(LogisticRegression(C=c_flag, max_iter=3000, class_weight="balanced").fit(X, yk, sample_weight=weights))
    hidden = fit_hidden(X, y_type, weights) if HIDDEN_LAYER else None
    return type_clf, flag_clfs, hidden


def type_probs(type_clf, hidden, X):
    """The call-type probabilities the engine will use, in TYPES order."""
    if hidden is not None:
        return hidden_probs(hidden, X, TYPES)
    out = np.zeros((X.shape[0], len(TYPES)))
    out[:, [TYPES.index(t) for t in type_clf.classes_]] = type_clf.predict_proba(X)
    return out


def flag_probs(flag_clfs, X):
    return np.column_stack([np.zeros(X.shape[0]) if m is None else m.predict_proba(X)[:, 1] for m in flag_clfs])


def call_weights(rows, policy) -> np.ndarray | None:
    """Each training call's weight: its writer's (SOURCE_WEIGHT), times EMERGENCY_WEIGHT when its
    labels route it to 120 or 119; None when every weight is 1 (the fits then run as unweighted)."""
    emergency = {Agency.EMS_120, Agency.FIRE_119}
    w = np.array([SOURCE_WEIGHT.get(source_of(r), 1.0)
                  * (EMERGENCY_WEIGHT if gold_route(r, policy) & emergency else 1.0) for r in rows])
    return None if np.all(w == 1.0) else w


def source_of(row: dict) -> str:
    """The file (one writer, one theme) a call comes from: its id without the number."""
    return str(row["id"]).rsplit("-", 1)[0]


def fold_splits(y, folds: int, groups=None):
    """(train, test) index pairs, stratified by call type; with `groups`, each group's calls are
    all in one test fold."""
    if groups is None:
        return StratifiedKFold(folds, shuffle=True, random_state=7).split(np.zeros(len(y)), y)
    return StratifiedGroupKFold(folds, shuffle=True, random_state=7).split(np.zeros(len(y)), y, groups)


def out_of_fold(feats, y_type, Y_flags, c, c_flag, folds=5, groups=None, weights=None):
    """k-fold out-of-fold probabilities of the training rows given: (types in TYPES order, flags).
    They are what the model makes of calls it has not seen: the flag thresholds and the learned
    safety net (train_net.py) are fitted on them. With `groups` (each call's source) a fold holds
    whole sources, so the readings are those of a writer the model has never read."""
    oof_type = np.zeros((len(y_type), len(TYPES)), dtype=float)
    oof = np.zeros(Y_flags.shape, dtype=float)
    for tr, te in fold_splits(y_type, folds, groups):
        vocab = make_vocab([feats[i] for i in tr])
        Xtr = build_matrix([feats[i] for i in tr], vocab)
        Xte = build_matrix([feats[i] for i in te], vocab)
        tc, fc, hc = fit(Xtr, y_type[tr], Y_flags[tr], c, c_flag, None if weights is None else weights[tr])
        oof_type[te] = type_probs(tc, hc, Xte)
        oof[te] = flag_probs(fc, Xte)
    return oof_type, oof


def tune_thresholds(oof, Y_flags):
    """Flag thresholds: the recall-weighted F-beta best on out-of-fold flag probabilities."""
    out = {}
    for k, name in enumerate(FLAG_NAMES):
        beta, best = FLAG_BETA[name], (0.5, -1.0)
        for thr in np.arange(0.15, 0.81, 0.025):
            pred = oof[:, k] >= thr
            tp = float((pred & (Y_flags[:, k] == 1)).sum())
            p = tp / max(1, pred.sum())
            r = tp / max(1, (Y_flags[:, k] == 1).sum())
            f = (1 + beta**2) * p * r / max(1e-9, beta**2 * p + r)
            if f > best[1] + 1e-9:
                best = (round(float(thr), 3), f)
        out[name] = best[0]
    return out


def export(vocab, type_clf, flag_clfs, hidden, thresholds: dict, net, n_train, zh_n) -> dict:
    classes = list(type_clf.classes_)
    tw = np.zeros((len(vocab), len(TYPES)))
    tb = np.zeros(len(TYPES))
    for ci, cls in enumerate(classes):
        tw[:, TYPES.index(cls)] = type_clf.coef_[ci]
        tb[TYPES.index(cls)] = type_clf.intercept_[ci]
    for t in TYPES:
        if t not in classes:
            tb[TYPES.index(t)] = -30.0
    fw = np.zeros((len(vocab), len(FLAG_NAMES)))
    fb = np.full(len(FLAG_NAMES), -30.0)
    for k, m in enumerate(flag_clfs):
        if m is not None:
            fw[:, k] = m.coef_[0]
            fb[k] = m.intercept_[0]
    W = np.hstack([tw, fw])
    H = hidden.coefs_[0] if hidden is not None else None
    weights, hidden_rows = {}, []
    for name, j in vocab.items():
        scale = CUE_VALUE if name[:1].isupper() else 1.0  # cue names are upper-case, n-grams never
        row = W[j] * scale
        if np.abs(row).max() >= 5e-3 or (H is not None and np.abs(H[j]).max() >= 2 ** -16):
            weights[name] = [round(float(v), 3) for v in row]
            if H is not None:
                hidden_rows.append(H[j] * scale)
    model = {
        "format": 1,
        "types": TYPES,
        "flags": list(FLAG_NAMES),
        "features": {"zh_ngram": zh_n, "neg_grams": NEG_GRAMS},
        "trained_on": {"date": date.today().strftime("%Y.%m.%d"), "calls": n_train, "min_df": MIN_DF},
        "thresholds": thresholds,
        "net": net,
        "bias": [round(float(v), 4) for v in np.concatenate([tb, fb])],
        "weights": weights,
    }
    if hidden is not None:
        model["hidden"] = export_hidden(hidden, np.array(hidden_rows), TYPES)
    return model


def train_model(rows, lexicon, c, c_flag, zh_n, feats=None, tune_folds=5, by_source=OOF_BY_SOURCE) -> dict:
    """The model file's content, trained on `rows` (thresholds tuned inside `rows` only)."""
    feats = feats if feats is not None else featurize(rows, lexicon, zh_n)
    y_type = np.array([r["call_type"] for r in rows])
    Y_flags = np.array([[int(r["flags"][f]) for f in FLAG_NAMES] for r in rows])
    groups = [source_of(r) for r in rows] if by_source else None
    policy = load_policy()
    weights = call_weights(rows, policy)
    oof_type, oof_flags = out_of_fold(feats, y_type, Y_flags, c, c_flag, tune_folds, groups, weights)
    thresholds = {"flag": tune_thresholds(oof_flags, Y_flags), "safety": SAFETY}
    if DECISIVE_FLOORS:
        thresholds["decisive"] = tune_floors(rows, feats, oof_type, oof_flags, TYPES, thresholds, policy)
    decided = decided_rows(rows, feats, oof_type, oof_flags, TYPES, thresholds, policy)
    net = fit_net(decided, TYPES)
    vocab = make_vocab(feats)
    type_clf, flag_clfs, hidden = fit(build_matrix(feats, vocab), y_type, Y_flags, c, c_flag, weights)
    return export(vocab, type_clf, flag_clfs, hidden, thresholds, net, len(rows), zh_n)


def cross_validate(rows, lexicon, args, out=sys.stdout) -> list[dict]:
    """k-fold estimate of the whole engine (model, thresholds, decision layer) on training rows."""
    from services.classifier.engine import Engine
    from services.classifier.engine.model import LinearModel
    from services.classifier.evaluate import score

    policy = load_policy()
    feats = featurize(rows, lexicon, args.zh_ngram)
    y = np.array([r["call_type"] for r in rows])
    results = []
    for tr, te in StratifiedKFold(args.cv, shuffle=True, random_state=11).split(np.zeros(len(y)), y):
        model = train_model([rows[i] for i in tr], lexicon, args.c, args.c_flag, args.zh_ngram,
                            feats=[feats[i] for i in tr], tune_folds=3)
        engine = Engine(lexicon, LinearModel(model), "cv")
        results += score([rows[i] for i in te], engine, policy)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--c", type=float, default=8.0, help="inverse regularisation strength (call type)")
    ap.add_argument("--c-flag", type=float, default=None, help="inverse regularisation of the flag heads")
    ap.add_argument("--zh-ngram", type=int, default=2, help="longest Chinese character n-gram")
    ap.add_argument("--cv", type=int, default=0, help="k-fold cross-validation on the training split only")
    ap.add_argument("--misses", default=None, help="with --cv: write the out-of-fold errors here")
    ap.add_argument("--hidden", action=argparse.BooleanOptionalAction, default=HIDDEN_LAYER,
                    help="call type from the hidden layer (default) or from the linear head alone")
    ap.add_argument("--oof-by-source", action=argparse.BooleanOptionalAction, default=OOF_BY_SOURCE,
                    help="out-of-fold readings with whole sources (writers) left out")
    ap.add_argument("--width", type=int, default=HIDDEN["width"], help="hidden units")
    ap.add_argument("--epochs", type=int, default=HIDDEN["epochs"], help="passes of the hidden layer")
    ap.add_argument("--levels", type=int, default=HIDDEN["levels"],
                    help="stored hidden rows run from -levels to levels (file size)")
    ap.add_argument("--emergency-weight", type=float, default=EMERGENCY_WEIGHT,
                    help="training weight of calls whose labels bring 120 or 119")
    ap.add_argument("--out", default=str(MODEL_FILE))
    args = ap.parse_args(argv)
    set_hidden(args.hidden)
    HIDDEN.update(width=args.width, epochs=args.epochs, levels=args.levels)
    set_emergency_weight(args.emergency_weight)
    args.c_flag = args.c_flag or args.c
    train, heldout = split(load_corpus())
    lexicon = load_lexicon()
    if args.cv:
        from services.classifier.evaluate import misses, print_table
        results = cross_validate(train, lexicon, args)
        print_table(f"{args.cv}-fold CV on the training split ({len(train)} calls; C={args.c}, "
                    f"C_flag={args.c_flag}, zh_ngram={args.zh_ngram})", results, sys.stdout)
        if args.misses:
            with open(args.misses, "w", encoding="utf-8") as fh:
                fh.write("\n".join(misses(results)) + "\n")
        return 0
    model = train_model(train, lexicon, args.c, args.c_flag, args.zh_ngram, by_source=args.oof_by_source)
    write_model(model, Path(args.out))
    print(f"trained on {len(train)} calls ({len(heldout)} held out, never seen); "
          f"types {dict(Counter(r['call_type'] for r in train))}")
    print(f"features kept {len(model['weights'])}; flag thresholds {model['thresholds']['flag']}; "
          f"decisive floors {model['thresholds'].get('decisive')}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
