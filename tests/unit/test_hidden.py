"""The call type's hidden layer (engine/hidden.py) computes, at run time, the network that
train_hidden.py trained: same probabilities as scikit-learn's, on both scoring paths."""

import math
from array import array

import numpy as np
import pytest

from services.classifier.data.splits import load_corpus
from services.classifier.engine.features import extract
from services.classifier.engine.hidden import HiddenLayer, decode_rows, encode_rows
from services.classifier.train import TYPES, build_matrix, featurize, make_vocab
from services.classifier.train_hidden import export_hidden, fit_hidden, hidden_probs


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def test_rows_survive_the_model_file_exactly():
    values = [0.0, 0.375, -0.25, 2 ** -16, -3 * 2 ** -16, 0.4999847412109375, -0.5]
    assert list(decode_rows(encode_rows(values, 16), 16)) == values
    assert list(decode_rows(encode_rows([3.0, -7.5], 12), 12)) == [3.0, -7.5]


@pytest.fixture(scope="module")
def trained(engine):
    rows = load_corpus()[::60]
    feats = featurize(rows, engine.lexicon, engine.model.zh_ngram)
    vocab = make_vocab(feats)
    X = build_matrix(feats, vocab)
    clf = fit_hidden(X, np.array([r["call_type"] for r in rows]))
    names = list(vocab)
    layer = HiddenLayer(export_hidden(clf, clf.coefs_[0][[vocab[n] for n in names]], TYPES), names)
    return rows, feats, X, clf, layer


def test_run_time_layer_gives_the_trained_networks_probabilities(trained, engine):
    rows, feats, X, clf, layer = trained
    expect = hidden_probs(clf, X, TYPES)
    model = engine.model
    worst = 0.0
    for i, r in enumerate(rows):
        fast = engine.features(r["text"])  # the kernel's keys when it is built
        slow = extract(engine.lexicon, r["text"], model.zh_ngram, model.neg_grams)  # pure Python
        got = softmax(layer.logits(fast))
        assert got == softmax(layer.logits(slow)), r["text"]
        worst = max(worst, max(abs(a - b) for a, b in zip(got, expect[i])))
    assert worst < 2e-3  # only the 2^-16 fixed point of the rows differs from scikit-learn's floats


def test_a_model_file_with_the_wrong_number_of_rows_is_refused():
    data = {"width": 2, "shift": 16, "rows": encode_rows([0.1, 0.2, 0.3], 16), "bias": [0, 0],
            "out": [[0.0] * 9, [0.0] * 9], "out_bias": [0.0] * 9}
    with pytest.raises(ValueError, match="hidden rows"):
        HiddenLayer(data, ["a", "b"])
