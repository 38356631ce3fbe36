"""The call type's hidden layer (engine/hidden.py) computes, at run time, the network that
train_hidden.py trained: the stored network's probabilities on both scoring paths, and the trained
one's within what its int8 storage moves."""

import copy
import gzip
import json
import math

import numpy as np
import pytest

from services.classifier.data.splits import load_corpus
from services.classifier.engine.features import extract
from services.classifier.engine.hidden import LEVELS, HiddenLayer, decode_rows, encode_rows
from services.classifier.engine.model import write_model
from services.classifier.train import TYPES, build_matrix, featurize, make_vocab
from services.classifier.train_hidden import export_hidden, fit_hidden, hidden_probs


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def test_rows_survive_the_model_file_within_half_a_step():
    rows = [[0.0, 0.375, -0.25, 2 ** -16], [0.0, 0.0, 0.0, 0.0], [-0.5, 0.1, 0.2, 0.49]]
    flat = decode_rows(*encode_rows(rows), width=4)
    for i, row in enumerate(rows):
        step = max(map(abs, row)) / LEVELS
        got = flat[4 * i:4 * i + 4]
        assert all(abs(g - v) <= step / 2 * 1.0001 for g, v in zip(got, row)), (row, got)
        assert max(map(abs, got)) == pytest.approx(max(map(abs, row)), rel=1e-6)  # the largest is exact


@pytest.fixture(scope="module")
def trained(engine):
    rows = load_corpus()[::60]
    feats = featurize(rows, engine.lexicon, engine.model.zh_ngram)
    vocab = make_vocab(feats)
    X = build_matrix(feats, vocab)
    clf = fit_hidden(X, np.array([r["call_type"] for r in rows]))
    names = list(vocab)
    order = [vocab[n] for n in names]
    section = export_hidden(clf, clf.coefs_[0][order], TYPES)
    stored = copy.deepcopy(clf)  # the same network with the first layer as the model file stores it
    stored.coefs_[0][order] = np.array(decode_rows(section["rows_bytes"], section["scales"],
                                                   section["width"])).reshape(len(names), -1)
    return rows, X, clf, stored, HiddenLayer(section, names)


@pytest.fixture(scope="module")
def run_time(trained, engine):
    """The layer's probabilities per call, after checking that the kernel's features and the pure
    Python ones give bit-identical logits."""
    rows, layer = trained[0], trained[4]
    model = engine.model
    out = []
    for r in rows:
        fast = engine.features(r["text"])  # the kernel's keys when it is built
        slow = extract(engine.lexicon, r["text"], model.zh_ngram, model.neg_grams)  # pure Python
        got = softmax(layer.logits(fast))
        assert got == softmax(layer.logits(slow)), r["text"]
        out.append(got)
    return np.array(out)


def test_run_time_layer_computes_the_stored_network(trained, run_time):
    _, X, _, stored, _ = trained
    worst = np.abs(run_time - hidden_probs(stored, X, TYPES)).max()
    assert worst < 1e-3  # fixed-point sums and output weights rounded to 6 decimals


def test_stored_rows_keep_the_trained_networks_probabilities(trained, run_time):
    _, X, clf, _, _ = trained
    worst = np.abs(run_time - hidden_probs(clf, X, TYPES)).max()
    assert worst < 5e-2  # int8 at 11 levels: a weight moves by at most 10 % of its row's largest


def test_a_model_file_with_the_wrong_number_of_rows_is_refused():
    rows_bytes, scales = encode_rows([[0.1, 0.2], [0.3, 0.1], [0.2, 0.2]])
    data = {"width": 2, "rows_bytes": rows_bytes, "scales": scales, "bias": [0, 0],
            "out": [[0.0] * 9, [0.0] * 9], "out_bias": [0.0] * 9}
    with pytest.raises(ValueError, match="hidden rows"):
        HiddenLayer(data, ["a", "b"])


def test_the_rows_are_written_to_their_own_file_named_by_the_model(tmp_path):
    rows_bytes, scales = encode_rows([[0.1, -0.2], [0.3, 0.0]])
    model = {"weights": {"a": [0.0], "b": [0.0]}, "hidden": {"width": 2, "rows_bytes": rows_bytes, "scales": scales}}
    write_model(model, tmp_path / "m.json.gz")
    data = json.loads(gzip.decompress((tmp_path / "m.json.gz").read_bytes()))
    assert data["hidden"]["rows_file"] == "m-hidden.i8.gz" and "rows_bytes" not in data["hidden"]
    assert gzip.decompress((tmp_path / "m-hidden.i8.gz").read_bytes()) == rows_bytes
    assert "rows_bytes" in model["hidden"]  # the caller's dict is left as it was
    first = (tmp_path / "m-hidden.i8.gz").read_bytes()
    write_model(model, tmp_path / "m.json.gz")
    assert (tmp_path / "m-hidden.i8.gz").read_bytes() == first  # same model, same bytes, same version
