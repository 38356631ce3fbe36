"""The classifier engine: call text -> call type, flags, confidence, agencies, reasons.

Contract used by the service and the CLI:
    engine = load_engine()
    engine.version                      # goes into every classified event
    engine.classify(text, policy)       # -> schemas.events.Classification

Rules (data/lexicon.yaml) and model (data/model-clf.json.gz, with its hidden layer's rows in
data/model-clf-hidden.i8.gz) are data: the version names them all by hash, so any rule or model
update shows in every classified event.
"""

from functools import partial
from pathlib import Path

from schemas.events import Classification
from schemas.policy import RoutingPolicy
from services.classifier.engine import kernel
from services.classifier.engine.decide import decide
from services.classifier.engine.features import EN_NEGATORS, CallFeatures, cue_grams, extract
from services.classifier.engine.lexicon import LEXICON_FILE, LEXICON_TABLES, Lexicon, load_lexicon
from services.classifier.engine.model import MODEL_FILE, LinearModel, file_digest, load_model, model_files


class Engine:
    def __init__(self, lexicon: Lexicon, model: LinearModel, version: str) -> None:
        self.lexicon = lexicon
        self.model = model
        self.version = version
        # The compiled n-gram enumeration, when the model has its compiled table (engine/kernel.py).
        self._grams = kernel.grams(model.zh_ngram, model.neg_grams, EN_NEGATORS) if model.table is not None else None

    def features(self, text: str) -> CallFeatures:
        return extract(self.lexicon, text, self.model.zh_ngram, self.model.neg_grams, self._grams)

    def classify(self, text: str, policy: RoutingPolicy) -> Classification:
        feats = self.features(text)
        type_p, flag_p = self.model.predict(feats)
        return decide(feats, type_p, flag_p, self.model.thresholds, policy, self.version, self.model.net,
                      partial(self._without_cues, feats))

    def _without_cues(self, feats: CallFeatures, flag: str, cues: list[str]) -> float:
        grams = set().union(*(cue_grams(feats.text, c, self.model.zh_ngram) for c in cues))
        return self.model.flag_p_without(feats, flag, grams)


def load_engine(model_file: Path = MODEL_FILE, lexicon_file: Path = LEXICON_FILE) -> Engine:
    model = load_model(model_file)
    stamp = model.trained_on.get("date", "0000.00.00")
    # The version hashes every file that decides a classification: the model's, the lexicon and
    # the tables it reads (sound repair, pinyin).
    version = f"clf-{stamp}-{file_digest(*model_files(model_file, model), lexicon_file, *LEXICON_TABLES)}"
    return Engine(load_lexicon(lexicon_file), model, version)
