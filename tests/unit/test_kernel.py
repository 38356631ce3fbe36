"""The compiled kernel (engine/_grams.c) gives exactly what the pure-Python path gives.

The Python path is the reference; the kernel is only faster. A call classified with or without it
must get the same type, flags, agencies, confidence and reasons.
"""

import json
import os
import struct
import subprocess
import sys

import pytest

from services.classifier.data.splits import load_corpus
from services.classifier.engine import kernel
from services.classifier.engine.features import extract
from services.classifier.engine.text import py_en_tokens

EDGE_TEXTS = ["", "'", "'''", "don't stop, it's 3am!", "a'1 b2c", "١٢٣ abc ٤٥", "no", "x", "不", "没有,没有人受伤 no one hurt",
              "No. 5 bldg: nobody's hurt; didn't hit anyone, not even the car?", "楼上漏水 天花板滴水 敲门没人",
              "someone smashed the intercom", "kids glued the lock", "ｎｏ ｏｎｅ ｈｕｒｔ", "🔥🔥 fire 着火了 🔥",
              "  ", "120", "没人受伤，就是车砸坏了", "ﾃｽﾄ no dent no dent no dent", "a" * 600, "没" * 400]

needs_kernel = pytest.mark.skipif(not kernel.AVAILABLE, reason="the C kernel is not built here")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = [r["text"] for r in load_corpus()]
    return corpus[::9] + EDGE_TEXTS


def test_kernel_is_built():
    if os.environ.get("CALLROUTE_PURE_PYTHON"):
        pytest.skip("CALLROUTE_PURE_PYTHON is set")
    assert kernel.AVAILABLE, ("the classifier's C kernel did not build (pip install -e . needs gcc and the Python "
                              "headers); the classifier still works, on its slower pure-Python path")


@needs_kernel
def test_kernel_finds_the_same_ngrams_and_logits(engine, texts):
    model = engine.model
    for text in texts:
        fast = engine.features(text)
        slow = extract(engine.lexicon, text, model.zh_ngram, model.neg_grams)  # no kernel: strings
        assert fast.keys is not None and slow.keys is None
        keys = struct.unpack(f"<{len(fast.keys) // 8}Q", fast.keys)
        assert len(set(keys)) == len(keys), text
        assert set(keys) == {kernel._grams.key(g) for g in slow.grams}, text
        assert fast.n_grams == slow.n_grams
        assert model.logits(fast) == model.logits(slow), text  # bit-identical, not just close
        if model.hidden is not None:
            assert model.hidden.rows.sums(fast) == model.hidden.rows.sums(slow), text
        assert model.predict(fast) == model.predict(slow), text


@needs_kernel
@pytest.mark.parametrize("zh_n,neg", [(1, False), (2, False), (3, True), (4, True)])
def test_kernel_ngrams_for_other_model_settings(texts, zh_n, neg):
    from services.classifier.engine.features import EN_NEGATORS, ngrams, zh_neg_grams
    grams = kernel.grams(zh_n, neg, EN_NEGATORS)
    for text in texts[::20]:
        latin = any("a" <= c <= "z" or "0" <= c <= "9" for c in text)
        extra = zh_neg_grams(text) if neg and not text.isascii() else ()
        keys = grams.keys(text, latin, extra)
        expect = {kernel._grams.key(g) for g in ngrams(text, zh_n, latin, neg)}
        assert set(struct.unpack(f"<{len(keys) // 8}Q", keys)) == expect, text


@needs_kernel
def test_kernel_pairs_and_tokens_match_python(engine, texts):
    pairs = ["漏水", "没人", "ab", "o ", "ни"]
    fast = kernel.pair_starts(pairs)
    table = frozenset(pairs)
    for text in texts + ["漏水漏水", "ab ab", "никто"]:
        assert fast(text) == [i for i in range(len(text) - 1) if text[i:i + 2] in table]
        assert kernel.en_tokens(text) == py_en_tokens(text), text


def test_classification_is_the_same_with_and_without_the_kernel(engine, policy, texts):
    sample = texts[::40]
    here = [engine.classify(t, policy).model_dump(mode="json") for t in sample]
    code = ("import json,sys\nfrom services.classifier.engine import load_engine, kernel\n"
            "from schemas.policy import load_policy\nassert not kernel.AVAILABLE\n"
            "e, p = load_engine(), load_policy()\n"
            "print(json.dumps([e.classify(t, p).model_dump(mode='json') for t in json.load(sys.stdin)]))")
    env = dict(os.environ, CALLROUTE_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(sample), capture_output=True, text=True,
                         env=env, check=True, timeout=120)
    assert json.loads(out.stdout) == here


@needs_kernel
def test_kernel_matches_python_on_random_text():
    """Random strings of the characters that matter to the tokeniser and the n-grams (apostrophes,
    clause marks, digits of other scripts, full-width digits, a lone surrogate, NUL, emoji)."""
    import random

    from services.classifier.engine.features import EN_NEGATORS, ngrams, zh_neg_grams
    rng = random.Random(7)
    alphabet = list("abcdefghijklmnopqrstuvwxyz0123456789 '.,;:!?-_\n\t没有人受伤不别差点漏水着火") + [
        "\u0663", "\uff11", "\ud800", "\U0001F525", "\u00e9", "\u0000", "no ", "didn't ", "not "]
    pairs = ["没人", "受伤", "a'", "no", "\ud800a", "\U0001F525火"]
    starts, table = kernel.pair_starts(pairs), frozenset(pairs)
    grams = kernel.grams(2, True, EN_NEGATORS)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        assert kernel.en_tokens(text) == py_en_tokens(text), repr(text)
        assert starts(text) == [i for i in range(len(text) - 1) if text[i:i + 2] in table], repr(text)
        latin = rng.random() < 0.8
        keys = grams.keys(text, latin, zh_neg_grams(text) if not text.isascii() else ())
        expect = {kernel._grams.key(g) for g in ngrams(text, 2, latin, True)}
        assert set(struct.unpack(f"<{len(keys) // 8}Q", keys)) == expect, repr(text)


def _find_words(words: list[str], text: str, first: bool) -> list[tuple[int, int]]:
    """kernel.word_finder's contract, spelt out: every word at every offset, in list order."""
    out = []
    for i in range(len(text)):
        for j, w in enumerate(words):
            if text.startswith(w, i):
                out.append((i, j))
                if first:
                    break
    return out


def test_word_finder_finds_every_word_by_offset_then_list_order():
    find = kernel.word_finder(["没人受伤", "受伤了", "受伤", "人受"])
    text = "两人受伤了 没人受伤"
    assert find(text) == [(1, 3), (2, 1), (2, 2), (6, 0), (7, 3), (8, 2)]
    assert find(text, True) == [(1, 3), (2, 1), (6, 0), (7, 3), (8, 2)]  # the first of the list only
    assert find("") == [] and find("受") == [] and kernel.word_finder([])("受伤") == []
    with pytest.raises(ValueError):
        kernel.word_finder(["受"])


@needs_kernel
def test_word_finder_matches_its_contract_on_random_text():
    import random
    rng = random.Random(11)
    words = ["没人", "没人受伤", "受伤", "受伤了", "a'b", "no one", "\ud800a", "\U0001F525火", "漏水漏", "伤了"]
    alphabet = list("ab '没人受伤了漏水火") + ["no one", "\ud800", "\U0001F525", "\u00e9"]
    find = kernel.word_finder(words)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        assert find(text) == _find_words(words, text, False), repr(text)
        assert find(text, True) == _find_words(words, text, True), repr(text)
