"""The cue lexicon (data/lexicon.yaml) compiled into fast matchers.

One pass over a call's characters finds every misleading phrase to mask and every Chinese cue
(kernel.word_finder, in C when the kernel is built), so only the few matches run Python code.
Single-character cues go through a set; English cues and English misleading phrases work on
words. Every match gets a status from the negation scope: asserted ("pos"), denied ("neg") or
only possible ("unc").
"""

import re
from collections.abc import Callable
from itertools import chain, compress
from operator import itemgetter
from pathlib import Path

import yaml

from services.classifier.engine import kernel
from services.classifier.engine.animals import AnimalClauses, Span
from services.classifier.engine.first_chars import anchor_chars, first_chars
from services.classifier.engine.negation import NegationScope, Status
from services.classifier.engine.pinyin import PINYIN_FILE, PinyinReader
from services.classifier.engine.pinyin import load_table as load_pinyin
from services.classifier.engine.spelling import ENGLISH_FILE, SpellRepair, load_words
from services.classifier.engine.sounds import (COMMON_FILE, FUNCTION_CHARS, SOUNDS_FILE, SoundRepair, load_common,
                                               load_table)
from services.classifier.engine.text import SIMPLIFIED_FILE, Normalizer, en_tokens, load_simplified

LEXICON_FILE = Path(__file__).resolve().parents[1] / "data" / "lexicon.yaml"
# The tables the lexicon reads besides its own file; the engine version hashes them too.
LEXICON_TABLES = tuple(p for p in (SOUNDS_FILE, COMMON_FILE, PINYIN_FILE, SIMPLIFIED_FILE, ENGLISH_FILE) if p.exists())

# Tag kinds: T strong type cue, W weak type cue, K decisive type cue (a crowd crush is police
# work, a smoking fuse box is a fire: engine/decide.py), V words that void them (a correction,
# a cancellation), F flag cue, D flag denial ("人没事"),
# S decisive flag cue (label "flag" anywhere, or "flag@call_type" on calls of that type only),
# P a decisive cue that names a person ("两人受伤", "people trapped": no floor, engine/decide.py).
Tag = tuple[str, str]


# One cue match: (kind, label, cue, status, evidence key, model feature or None, flag or None).
# A plain tuple built once per cue and status when the lexicon loads, because scanning is the hot
# path: a match only appends the prepared tuples.
Hit = tuple[str, str, str, Status, tuple[str, str, str], str | None, str | None]
# Model feature of a cue match, by (kind, status); kinds/statuses not listed give no feature.
FEATURE_PREFIX = {("T", "pos"): "T:", ("T", "unc"): "T:", ("T", "neg"): "TN:",
                  ("W", "pos"): "W:", ("W", "unc"): "W:",
                  ("F", "pos"): "F:", ("F", "neg"): "FN:", ("F", "unc"): "FU:",
                  ("D", "pos"): "D:", ("S", "pos"): "S:",
                  # A correction or cancellation ('不用派人了', 'false alarm'): a model trained from the
                  # fifteenth session on learns what it means for the type; older models ignore it.
                  ("V", "pos"): "V:"}


# A pattern cue compiled: (English: words one of which every match contains; Chinese: the
# characters its verb can start with; or None; verb test; whole pattern; its hits by status).
Pattern = tuple[tuple[str, ...] | frozenset[str] | None, re.Pattern, re.Pattern, dict[str, list[Hit]]]


def make_hit(kind: str, label: str, cue: str, status: Status) -> Hit:
    # A possible call type still counts for the type: its evidence key is "pos".
    key = (kind, label, "pos" if kind == "T" and status == "unc" else status)
    prefix = FEATURE_PREFIX.get((kind, status))
    flag = label.partition("@")[0] if kind in ("F", "S", "D", "P", "Q") else None
    return (kind, label, cue, status, key, prefix + label if prefix else None, flag)

# Decisive call types that an animal never makes: a traffic accident, a patient.
_NOT_FOR_ANIMALS = ("police_matter", "medical")
_LATIN = re.compile(r"[a-z0-9]")  # English words or numbers (120, 119, 110 are cues)
_LETTERS = re.compile(r"[a-z]")
_WORDS = re.compile(r"[a-z]+")
_FIRST_THREE = itemgetter(slice(0, 3))


class Scan:
    """What one pass over a call found: cue hits and masked phrases."""

    __slots__ = ("hits", "masked", "latin", "animal")

    def __init__(self, hits: list[Hit], masked: list[str], latin: bool, animal: frozenset[str] = frozenset()) -> None:
        self.hits = hits
        self.masked = masked
        self.latin = latin  # the text has Latin letters or digits (English words, numbers)
        self.animal = animal  # flags whose cues were set aside in a clause about an animal


_VOWELS = frozenset("aeiou")


def inflections(word: str) -> list[str]:
    """Regular English forms of a single-word cue (stab -> stabs, stabbed, stabbing), so that a
    cue written in one form also matches the others: callers do not say it the way we listed it."""
    if len(word) < 3 or not word.isalpha():
        return []
    if word.endswith(("ed", "ing")) or (word.endswith("s") and not word.endswith("ss")):
        return []  # already inflected
    out = [word + "es" if word.endswith(("sh", "ch", "x", "ss", "z")) else word + "s"]
    if word.endswith("y") and word[-2] not in _VOWELS:
        out = [word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
    elif word.endswith("e"):
        out += [word + "d", word[:-1] + "ing"]
    elif len(word) <= 4 and word[-1] not in _VOWELS and word[-1] not in "wxy" and word[-2] in _VOWELS \
            and word[-3] not in _VOWELS:
        out += [word + word[-1] + "ed", word + word[-1] + "ing"]  # stab -> stabbed
    else:
        out += [word + "ed", word + "ing"]
    return out


class Lexicon:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.normalizer = Normalizer(spec["normalize"], load_simplified() if spec.get("simplified") else None)
        self.scope = NegationScope(spec)
        zh: dict[str, set[Tag]] = {}
        en: dict[tuple[str, ...], set[Tag]] = {}
        inflect = bool(spec.get("en_inflect", True))

        def add_cues(words: list, tag: Tag) -> None:
            for w in words:
                w = self.normalizer.normalize(str(w))
                if tag[0] == "W" and len(w) == 1 and not w.isascii():
                    continue  # single characters are already features of the n-gram model
                if w.isascii():
                    key = tuple(en_tokens(w))
                    if key:
                        en.setdefault(key, set()).add(tag)
                        if inflect and len(key) == 1 and tag[0] in "TFS":
                            for form in inflections(key[0]):
                                en.setdefault((form,), set()).add(tag)
                else:
                    zh.setdefault(w, set()).add(tag)

        for label, lists in spec["types"].items():
            add_cues(lists.get("strong", []) + lists.get("en_strong", []), ("T", label))
            add_cues(lists.get("weak", []) + lists.get("en_weak", []), ("W", label))
            add_cues(lists.get("decisive", []) + lists.get("en_decisive", []), ("K", label))
        # A correction or a cancellation ('是我看错了', 'false alarm') voids the decisive type cues.
        void = spec.get("decisive_void") or {}
        add_cues(void.get("zh", []) + void.get("en", []), ("V", "type"))
        for label, lists in spec["flags"].items():
            strong = lists.get("strong", []) + lists.get("en_strong", [])
            add_cues(lists.get("cues", []) + lists.get("en", []) + strong, ("F", label))
            add_cues(strong, ("S", label))
            for call_type, words in (lists.get("strong_for") or {}).items():
                add_cues(words, ("S", f"{label}@{call_type}"))  # decisive on that call type only
            add_cues(lists.get("deny", []) + lists.get("en_deny", []), ("D", label))
            # Denials that say outright who is not there ('里头没人', '里面是货'): the safety net's
            # 119 on a trapped reading alone goes to review instead (engine/decide.py).
            add_cues(lists.get("nobody", []) + lists.get("en_nobody", []), ("N", label))
            add_cues(lists.get("person", []) + lists.get("en_person", []), ("P", label))
        # Pattern cues: who did it, then what was done ("叫人拿打火机燎了", "someone sawed through
        # the pipe"); a match is an asserted cue of its flag. The verb alone is searched first
        # (a quick test most calls fail), the whole pattern only when a verb is there.
        self._zh_patterns: list[Pattern] = []
        self._en_patterns: list[Pattern] = []
        # Decisive type patterns work the same way: a vehicle, then a person struck ("电动车撞倒一个
        # 老人", "the taxi knocked her down"), is a traffic accident, police work (lexicon `types`).
        words = {name: f"(?:{rx})" for name, rx in (spec.get("pattern_words") or {}).items()}
        for kind, section in (("F", "flags"), ("K", "types")):
            for label, lists in spec[section].items():
                for spec_p in lists.get("patterns") or []:
                    self._zh_patterns.append(_pattern(kind, label, _named_parts(spec_p, words), en=False))
                for spec_p in lists.get("en_patterns") or []:
                    self._en_patterns.append(_pattern(kind, label, _named_parts(spec_p, words), en=True))
        # Rule patterns: decisive cues of their flags (and call type) that the model never sees as
        # features: a person, then where they are now ("孩子掉进河里", "a man in the water"), or
        # harm to a thing hit from above ("车顶砸凹陷了") on one call type only (lexicon `rule_patterns`).
        rules = spec.get("rule_patterns") or {}
        for spec_p in rules.get("zh") or []:
            self._zh_patterns.append(_rule_pattern(_named_parts(spec_p, words), en=False))
        for spec_p in rules.get("en") or []:
            self._en_patterns.append(_rule_pattern(_named_parts(spec_p, words), en=True))
        # A Chinese pattern by the characters one of which its every match holds, the rarest such
        # set (engine/first_chars.py; the verb's first characters when none is found): a call runs
        # only the patterns whose characters it holds, in lexicon order.
        common = load_common() if COMMON_FILE.exists() else frozenset()  # read once: weights, sound repair
        weight = _char_weight(common)
        self._zh_patterns = [(anchor_chars(rx.pattern, weight) or first, verb, rx, tags)
                             for first, verb, rx, tags in self._zh_patterns]
        self._zh_by_char: dict[str, list[int]] = {}
        self._zh_always = [k for k, p in enumerate(self._zh_patterns) if p[0] is None]
        for k, p in enumerate(self._zh_patterns):
            for ch in p[0] or ():
                self._zh_by_char.setdefault(ch, []).append(k)
        self._zh_first = frozenset(self._zh_by_char)
        # An English pattern's match starts a word with one of its leading words, so the call has a
        # word starting with that word's first three letters: a set test before the substring tests.
        self._en_pre3 = [_first_three(p[0]) for p in self._en_patterns]
        self._en_always = [k for k, pre3 in enumerate(self._en_pre3) if pre3 is None]
        self._en_by_pre3: dict[str, list[int]] = {}
        for k, pre3 in enumerate(self._en_pre3):
            for start in pre3 or ():
                self._en_by_pre3.setdefault(start, []).append(k)
        self._en_pre3_keys = frozenset(self._en_by_pre3)
        self.labels = sorted(spec["types"]), sorted(spec["flags"])
        # Sound-alike repair of the Chinese cue words (and the rewrite targets), when switched on.
        self.sounds = None
        if spec.get("sound_repair"):
            words = set(zh) | {self.normalizer.normalize(str(v)) for v in spec["normalize"].values()}
            # Real phrases that sound like a cue and are said far more often than the slip
            # (看到了 'saw it' is not 砍倒了, 正在撤离 'evacuating' is not 在车里): never rewritten.
            keep = frozenset(map(str, spec.get("sound_repair_keep") or ()))
            self.sounds = SoundRepair(words, load_table(), common | keep)
        self.zh_cues = frozenset(zh)
        # Misspelt English cue words ('fier', 'bleding'), read as the cue (engine/spelling.py).
        self.spelling = None
        if spec.get("spelling") and ENGLISH_FILE.exists():
            en_words = {w for key in en for w in key} | {w for m in spec["mask"] if str(m).isascii()
                                                         for w in en_tokens(self.normalizer.normalize(str(m)))}
            self.spelling = SpellRepair(en_words, load_words())
        # Calls typed in toneless pinyin, read as characters first (engine/pinyin.py).
        self.pinyin = PinyinReader(*load_pinyin()) if spec.get("pinyin") and PINYIN_FILE.exists() else None
        self.cue_count = len(zh) + len(en)
        # Chinese cues of 2+ characters indexed by their first two characters, longest first.
        # Each cue's hits are built once per status: a match only picks the list for its status.
        def hits_of(cue: str, tags: set[Tag]) -> dict[str, list[Hit]]:
            return {st: [make_hit(kind, label, cue, st) for kind, label in sorted(tags)] for st in ("pos", "neg", "unc")}

        self._zh2: list[tuple[str, int, dict[str, list[Hit]]]] = []
        self._zh1: dict[str, dict[str, list[Hit]]] = {}
        for cue, tags in sorted(zh.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            if len(cue) == 1:
                self._zh1[cue] = hits_of(cue, tags)
            else:
                self._zh2.append((cue, len(cue), hits_of(cue, tags)))
        self._zh2_find = kernel.word_finder([cue for cue, _, _ in self._zh2])
        self._zh1_chars = frozenset(self._zh1)
        # English cues: single words by the word; longer ones by their first two words (longest
        # first), so that a common first word ("no", "my") does not walk every cue it starts.
        # Two-word cues by their words, longer ones by their first three words (longest first),
        # so that a common start ("can not", "no one") does not walk every cue it begins.
        self._en1: dict[str, dict[str, list[Hit]]] = {}
        self._en2: dict[tuple[str, str], tuple[tuple[str, ...], int, dict[str, list[Hit]]]] = {}
        self._en3: dict[tuple[str, ...], list[tuple[tuple[str, ...], int, dict[str, list[Hit]]]]] = {}
        starts: set[tuple[str, str]] = set()
        for words, tags in sorted(en.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            if len(words) == 1:
                self._en1[words[0]] = hits_of(words[0], tags)
                continue
            entry = (words, len(words), hits_of(" ".join(words), tags))
            if len(words) == 2:
                self._en2[words] = entry
            else:
                self._en3.setdefault(words[:3], []).append(entry)
            starts.add(words[:2])
        self._en1_has = self._en1.__contains__
        self._en2_has = frozenset(starts).__contains__
        # Misleading phrases: Chinese ones longest first, English ones by their first word.
        masks = {self.normalizer.normalize(str(m)) for m in spec["mask"]}
        self._masks = sorted((m for m in masks if not m.isascii() and len(m) > 1), key=lambda m: (-len(m), m))
        self._mask_find = kernel.word_finder(self._masks)
        # Real phrases a misleading one must leave alone where both start (冒火花 'sparking' is
        # not 冒火 'fuming').
        keep = sorted(k for k in {self.normalizer.normalize(str(k)) for k in spec.get("mask_keep") or ()} if len(k) > 1)
        self._keep_find = kernel.word_finder(keep) if keep else None
        self._en_mask: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
        self._en_mask2: dict[tuple[str, ...], list[tuple[tuple[str, ...], int, str]]] = {}
        for m in sorted((m for m in masks if m.isascii()), key=lambda m: (-len(m), m)):
            words = tuple(en_tokens(m))
            if words:
                if len(words) == 1:
                    self._en_mask.setdefault(words[0], []).append((words, 1, m))
                else:  # longer ones by their first two words, as the cues
                    self._en_mask2.setdefault(words[:2], []).append((words, len(words), m))
        self._en_mask_has = frozenset(self._en_mask).union(w for w, _ in self._en_mask2).__contains__
        self.animals = AnimalClauses(spec.get("animal_clauses") or {}, spec["boundaries"]["zh"],
                                     spec["boundaries"]["en"])

    @staticmethod
    def _outside_animals(found: list[Hit], at: int, animal: list[Span], aside: dict[int, set[str]]) -> list[Hit]:
        """The hits of a cue at position `at`: inside a clause about an animal, without those of
        the flags set aside there (injured, trapped; engine/animals.py), nor, in a clause about the
        animal itself (not only carrying its subject), a decisive police or medical cue: a dog
        knocked down by a car is no traffic accident, a duck in the river no person in the water.
        `aside` collects the clauses (by index) where a hit was set aside, with its flags."""
        for j, (s, e, flags) in enumerate(animal):
            if s <= at < e:
                itself = "injured" in flags
                kept = [h for h in found if h[6] not in flags
                        and not (itself and h[0] in ("K", "N") and h[1] in _NOT_FOR_ANIMALS)]
                if len(kept) < len(found):
                    aside.setdefault(j, set()).update(h[6] for h in found if h[6] in flags)
                return kept
        return found

    def _animal_reasons(self, animal: list[Span], aside: dict[int, set[str]], text: Callable[[int, int], str]) -> list[str]:
        """'… (about an animal)' for the clauses naming an animal, and for those carrying its
        subject where a cue was set aside."""
        return [text(s, e) + " (about an animal)" for j, (s, e, flags) in enumerate(animal)
                if flags == self.animals.flags or j in aside]

    def normalize(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The normalised text, and the (written, read) pairs of its rewrites: pinyin read as
        characters, misspelt English cue words, sound-alike Chinese spans."""
        t = self.normalizer.normalize(text)
        heard: list[tuple[str, str]] = []
        words = _WORDS.findall(t) if t.isascii() else None  # shared by the two readers below
        if self.pinyin is not None and words is not None:
            read = self.pinyin.read(t, words)
            if read != t:
                heard.append((t, read))
                t, words = read, None
        if self.spelling is not None and (words is not None or _LETTERS.search(t)):
            t, slips = self.spelling.repair(t, words)
            heard += slips
        if self.sounds is None or t.isascii():
            return t, heard
        t, fixes = self.sounds.repair(t)
        return t, heard + fixes

    def analyse(self, t: str) -> Scan:
        """Cue matches of a normalised text (misleading phrases set aside), with negation status."""
        hits: list[Hit] = []
        masked: list[str] = []
        if t.isascii():  # English: no Chinese cue can match, and the n-gram model uses words
            latin = _LATIN.search(t) is not None
            return Scan(hits, masked, latin, self._scan_en(t, hits, masked) if latin else frozenset())
        spans: list[tuple[int, int]] = []
        found = self._mask_find(t, True) if self._masks else ()  # the longest phrase at each offset
        if found:
            kept = {i for i, _ in self._keep_find(t, True)} if self._keep_find is not None else ()
            for i, j in found:
                if not (spans and i < spans[-1][1]) and i not in kept:
                    m = self._masks[j]
                    spans.append((i, i + len(m)))
                    masked.append(m)
        status_at = self.scope.zh_status_at
        zh2 = self._zh2
        chars = set(t)  # once: a set test against a str makes a string of each character
        animal, aside = self.animals.zh_spans(t, chars), {}
        for i, j in self._zh2_find(t):  # every cue at each offset, longest first
            _, n, tags = zh2[j]
            if spans and any(s < i + n and i < e for s, e in spans):
                continue
            hits += self._outside_animals(tags[status_at(t, i)], i, animal, aside)
        if not self._zh1_chars.isdisjoint(chars):
            for ch in sorted(self._zh1_chars.intersection(chars), key=t.find):  # in text order
                tags = self._zh1[ch]
                i = t.find(ch)
                while i >= 0:
                    if not (spans and any(s <= i < e for s, e in spans)):
                        hits += self._outside_animals(tags[status_at(t, i)], i, animal, aside)
                    i = t.find(ch, i + 1)
        todo = set(self._zh_always)
        for ch in self._zh_first.intersection(chars):
            todo.update(self._zh_by_char[ch])
        patterns = self._zh_patterns
        for k in sorted(todo):
            _, verb, rx, tags = patterns[k]
            m = verb.search(t) and rx.search(t)
            if m and not (spans and any(s < m.end() <= e for s, e in spans)):  # its verb not in a mask
                hits += self._outside_animals(_named(tags[status_at(t, m.start())], m.group()), m.start(),
                                              animal, aside)
        if animal:
            masked += self._animal_reasons(animal, aside, lambda s, e: t[s:e])
        aside_flags = frozenset().union(*aside.values())
        latin = _LATIN.search(t) is not None
        if latin:
            aside_flags |= self._scan_en(t, hits, masked)
        return Scan(hits, masked, latin, aside_flags)

    def _scan_en(self, t: str, hits: list[Hit], masked: list[str]) -> frozenset[str]:
        """Adds the English cue hits and masked phrases; returns the flags set aside for an animal."""
        tokens = en_tokens(t)
        n = len(tokens)
        positions = range(n)
        spans: list[tuple[int, int]] = []
        for k in compress(positions, map(self._en_mask_has, tokens)):
            if spans and k < spans[-1][1]:
                continue
            longer = self._en_mask2.get(tuple(tokens[k:k + 2]), ()) if k + 1 < n else ()
            for words, m, phrase in chain(longer, self._en_mask.get(tokens[k], ())):
                if m <= 2 or (k + m <= n and tuple(tokens[k:k + m]) == words):
                    spans.append((k, k + m))
                    masked.append(phrase)
                    break
        scope = self.scope
        animal, aside = self.animals.en_spans(tokens), {}
        # Only positions where a cue starts run Python: word pairs for longer cues, words for
        # single-word ones (longer cues first, as Chinese cues are matched longest first).
        statuses: dict[int, str] = {}
        if n > 1:
            pairs = list(zip(tokens, tokens[1:]))
            for k in compress(positions, map(self._en2_has, pairs)):
                longer = self._en3.get(tuple(tokens[k:k + 3]), ()) if k + 2 < n else ()
                two = self._en2.get(pairs[k])
                for words, m, tags in chain(longer, (two,) if two else ()):
                    if m <= 3 or (k + m <= n and tuple(tokens[k:k + m]) == words):
                        if spans and any(s < k + m and k < e for s, e in spans):
                            continue
                        status = statuses.get(k)
                        if status is None:
                            status = statuses[k] = scope.en_status(tokens, k)
                        hits += self._outside_animals(tags[status], k, animal, aside)
                        break  # the longest cue at a position wins: 'hit her head' is not 'hit her'
        for k in compress(positions, map(self._en1_has, tokens)):
            if spans and any(s <= k < e for s, e in spans):
                continue
            status = statuses.get(k)
            if status is None:
                status = scope.en_status(tokens, k)
            hits += self._outside_animals(self._en1[tokens[k]][status], k, animal, aside)
        todo = set(self._en_always)
        for start in self._en_pre3_keys.intersection(map(_FIRST_THREE, tokens)):
            todo.update(self._en_by_pre3[start])
        patterns = self._en_patterns
        for k in sorted(todo):
            words, verb, rx, tags = patterns[k]
            # Plain tests of the agent's words first: most calls have none of them, and a regex of
            # many alternatives costs a test per alternative at every position.
            if words is not None and not any(map(t.__contains__, words)):
                continue
            m = verb.search(t) and rx.search(t)
            if m:
                k = len(en_tokens(t[:m.start()]))
                last = k + len(en_tokens(m.group())) - 1  # the verb's token
                if spans and any(s <= last < e for s, e in spans):
                    continue  # its verb is inside a misleading phrase
                hits += self._outside_animals(_named(tags[scope.en_status(tokens, k)], m.group()), k, animal, aside)
        if animal:
            masked += self._animal_reasons(animal, aside, lambda s, e: " ".join(tokens[s:e]))
        return frozenset().union(*aside.values())


_ZH_CLAUSE = r"[^,.;:!?，。；！？\s]"  # any character but a clause boundary
_EN_LINK = r"(?:'s|s| has| have| had| just| keeps?| went and)?"  # "someone's", "kids have", ...


def _pattern(kind: str, label: str, spec: dict, en: bool) -> Pattern:
    agent, verb, gap = spec["agent"], spec["verb"], int(spec["gap"])
    if en:
        whole = rf"\b(?:{agent}){_EN_LINK}(?: \w+){{0,{gap}}}? (?:{verb})"
        verb_rx = re.compile(rf"\b(?:{verb})")
    else:
        whole = rf"(?:{agent}){_ZH_CLAUSE}{{0,{gap}}}?(?:{verb})"
        verb_rx = re.compile(verb)
    # English: the letters every match must contain (the agent's leading words, or the verb's when
    # there is no agent); Chinese: the characters the verb can start with. A plain test of the
    # text before any regex runs.
    return (_leading_words(agent or verb) if en else first_chars(verb), verb_rx, re.compile(whole),
            {st: [make_hit(kind, label, "pattern", st)] for st in ("pos", "neg", "unc")})


def _rule_pattern(spec: dict, en: bool) -> Pattern:
    """A pattern whose match is, for each of its `flags`, a decisive cue: naming a person when
    `person` is set (no floor), on calls of type `on` only when set, or a plain cue the model must
    confirm when `decisive` is false; and a decisive cue of call type `type` when set. It is a
    rule, not a model feature (the model never saw it), and it counts only when asserted and not
    undone later in the call (`unless`: '孩子掉河里了 已经捞上来了')."""
    spec = _rule_keys(spec)
    words, verb, whole, _ = _pattern("F", "", {"agent": "", "gap": 0, **spec}, en)
    if en and not spec.get("agent"):  # the verb alone, wherever a word starts: at the call's
        # start and after a full stop too ('Scooter versus taxi at the lights'), where the agent
        # form needs a word and a space before it
        whole = verb
    if spec.get("needs"):  # words one of which every match contains, each at a word's start: a
        # plain test before any regex runs, for a verb whose leading words are common ('have a cut')
        if not en:  # a Chinese pattern is found by the characters its match starts with
            raise ValueError(f"rule pattern {spec['verb'][:40]!r}: needs is for English rules only")
        words = tuple(spec["needs"])
    if spec.get("unless"):
        whole = re.compile(whole.pattern + rf"(?!.*?(?:{spec['unless']}))")
    plain = spec.get("decisive") is False
    if plain and (spec.get("on") or spec.get("person") or spec.get("type")):
        # a plain cue is a flag cue like any other: it cannot be limited to a call type or name one
        raise ValueError(f"rule pattern {spec['verb'][:40]!r}: decisive: false takes no on, person or type")
    kinds = ("F",) if plain else ("F", "S", "P") if spec.get("person") else ("F", "S")
    on = f"@{spec['on']}" if spec.get("on") else ""
    tags = [(kind, flag + on if kind == "S" else flag) for flag in spec["flags"] for kind in kinds]
    if spec.get("type"):  # and a decisive cue of that call type ('a person in the water' is medical)
        tags.append(("K", spec["type"]))
        if spec.get("floor") is False:  # which counts however unlikely the model finds the type
            tags.append(("N", spec["type"]))
    elif spec.get("floor") is False:  # a flag rule whose flags count however unlikely the model
        # finds them ('花盆掉下来 砸我车前盖上了': the car struck is the damage)
        if plain or not spec["flags"]:
            raise ValueError(f"rule pattern {spec['verb'][:40]!r}: floor: false needs decisive flags")
        tags += [("Q", flag) for flag in spec["flags"]]
    elif "floor" in spec:
        raise ValueError(f"rule pattern {spec['verb'][:40]!r}: floor is false or absent")
    # the hits of make_hit without their model feature: the model was never trained on them
    pos = [h[:5] + (None,) + h[6:] for h in (make_hit(kind, label, "pattern", "pos") for kind, label in tags)]
    return words, verb, whole, {"pos": pos, "neg": [], "unc": []}


_RULE_KEYS = frozenset({"flags", "person", "type", "floor", "on", "decisive", "unless", "agent", "verb", "gap", "needs"})


def _rule_keys(spec: dict) -> dict:
    """A rule pattern's spec with its keys checked. YAML 1.1 reads a bare `on:` key as the boolean
    True, so that key is taken as `on`; any other key the engine does not know is refused, since
    a misspelt limit would otherwise be dropped without a word and the rule fire everywhere."""
    if True in spec:
        spec = {("on" if k is True else k): v for k, v in spec.items()}
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise ValueError(f"rule pattern {str(spec.get('verb'))[:40]!r}: unknown keys {sorted(map(str, unknown))}")
    return spec


def _named_parts(spec: dict, words: dict[str, str]) -> dict:
    """A pattern spec with each `<name>` in its agent, verb and `unless` replaced by lexicon
    `pattern_words`."""
    def fill(rx: str) -> str:
        return re.sub(r"<(\w+)>", lambda m: words[m.group(1)], rx)
    filled = {**spec, "agent": fill(spec.get("agent", "")), "verb": fill(spec["verb"])}
    if spec.get("unless"):
        filled["unless"] = fill(spec["unless"])
    return filled


def _first_three(words: tuple[str, ...] | None) -> frozenset[str] | None:
    """The first three letters of each leading word (None when one is shorter)."""
    if words is None or min(map(len, words)) < 3:
        return None
    return frozenset(w[:3] for w in words)


def _leading_words(alternation: str) -> tuple[str, ...] | None:
    """The letters each top-level alternative of a regex must start with ("some (?:idiot|kids?)|kids"
    -> ("some", "kids")), or None when some alternative starts with anything else."""
    bars, close = _top_level(alternation)
    if alternation.startswith("(?:") and close is not None and not bars:
        rest = alternation[close + 1:]
        # the group is the whole, or is followed by a lookahead or by more pattern (not a
        # quantifier): every match starts in the group
        if not rest or rest.startswith("(?!") or rest[0] not in "?*+{":
            return _leading_words(alternation[3:close])
    words = []
    for last, end in zip([0] + [i + 1 for i in bars], bars + [len(alternation)]):
        part = alternation[last:end]
        m = re.match(r"[a-z]+", part)
        word = m.group() if m else ""
        if word and part[len(word):len(word) + 1] in ("?", "*", "{"):
            word = word[:-1]  # the last letter is optional
        if not word:
            return None
        words.append(word)
    return tuple(words)


def _top_level(rx: str) -> tuple[list[int], int | None]:
    """The positions of a regex's alternative bars outside any group, and where the group it
    opens with closes (None when it opens with none); escapes and character classes skipped."""
    bars: list[int] = []
    close, depth, i = None, 0, 0
    while i < len(rx):
        ch = rx[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class, to its closing bracket (a leading ']' or '^]' is literal)
            j = i + 1 + (rx[i + 1:i + 2] == "^")
            j += rx[j:j + 1] == "]"
            while j < len(rx) and rx[j] != "]":
                j += 2 if rx[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and close is None and rx.startswith("("):
                close = i
        elif ch == "|" and depth == 0:
            bars.append(i)
        i += 1
    return bars, close


def _named(hits: list[Hit], text: str) -> list[Hit]:
    """Pattern hits carry the matched words as their cue, for reasons."""
    return [h[:2] + (text,) + h[3:] for h in hits]


def _char_weight(common: frozenset[str]) -> Callable[[str], int]:
    """How common a Chinese character is: the number of `common` words (data/common_words.txt)
    that hold it, plus one; a grammar word's character (了, 在, 没 …), which few dictionary words
    hold but nearly every call does, counts as the most common. Used only to pick the cheapest
    pre-test of a pattern."""
    counts: dict[str, int] = {}
    for word in common:
        for ch in word:
            counts[ch] = counts.get(ch, 0) + 1
    top = max(counts.values(), default=1)
    for ch in FUNCTION_CHARS:
        counts[ch] = top
    return lambda ch: counts.get(ch, 0) + 1


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    with open(path, encoding="utf-8") as fh:
        return Lexicon(yaml.safe_load(fh))
