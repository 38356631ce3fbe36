"""Clauses about an animal: their injured and trapped cues are about the animal, not a person.

DOMAIN.md's flags are about people: a pigeon with a bleeding wing or a cat stuck up a tree brings
no 120 or 119. A clause (between boundaries: '，', '。', ' ', ',', '.', …) that names an animal
and neither a person nor an attack ('被狗咬', 'the dog bit my son', '狗把孩子挠出血') sets aside
the cues of the listed flags inside it. A person word that only owns the animal ('我家猫',
'我们家的狗': lexicon `possessive`) names no person.

Two weaker readings set aside only the `carry` flags (trapped), since a missed 120 costs more
than a needless 119:
  - in a call that names an animal, a clause with the pronoun for a thing or an animal (它,
    'it'): 'a swan … it can't get out'; but 'a stray bit my calf, it's bleeding' is the calf;
  - the clauses right after a clause about an animal that name nobody carry on its subject
    ('猫从阳台掉下去了，卡在雨棚上下不来'); but a caller also drops their own subject
    ('遛狗的时候，摔倒了，流血了').
lexicon.yaml `animal_clauses` has the words.
"""

from collections.abc import Callable, Iterable, Sequence

Span = tuple[int, int, frozenset[str]]  # start, end, the flags whose cues are set aside there
Clause = Callable[[int, int], bool]     # a test of the clause items[start:end]


class AnimalClauses:
    __slots__ = ("flags", "carry", "_zh_animals", "_zh_pronouns", "_zh_keep", "_zh_passive", "_zh_owner", "_en_animals",
                 "_en_pronouns", "_en_keep", "_zh_bound", "_en_bound", "_first")

    def __init__(self, spec: dict, zh_bound: Iterable[str], en_bound: Iterable[str]) -> None:
        self.flags = frozenset(spec.get("flags", ()))
        self.carry = frozenset(spec.get("carry", ())) & self.flags
        self._zh_animals = tuple(spec.get("animals", ()))
        self._zh_pronouns = tuple(spec.get("pronouns", ()))
        self._zh_keep = tuple(spec.get("keep", ()))
        # Passive markers (被) keep a clause for a person when the animal is the agent ('被狗咬'),
        # not when the animal is the subject ('猫被卡在栅栏里').
        self._zh_passive = frozenset(spec.get("passive", ()))
        # Possessive endings: a person word that only owns the animal ('我家狗', '俺们家的猫') names
        # no person in the clause. Longest first.
        self._zh_owner = tuple(sorted(spec.get("possessive", ()), key=len, reverse=True))
        self._en_animals = frozenset(spec.get("en_animals", ()))
        self._en_pronouns = frozenset(spec.get("en_pronouns", ()))
        self._en_keep = frozenset(spec.get("en_keep", ()))
        self._zh_bound = frozenset(zh_bound)
        self._en_bound = frozenset(en_bound)
        self._first = frozenset(a[0] for a in self._zh_animals)

    def zh_spans(self, t: str, chars: set[str]) -> list[Span]:
        """Character spans of the clauses of `t` about an animal (`chars`: the set of its characters)."""
        if self._first.isdisjoint(chars) or not any(a in t for a in self._zh_animals):
            return []
        return self._spans(_clauses(t, self._zh_bound),
                           lambda s, e: any(a in t[s:e] for a in self._zh_animals),
                           lambda s, e: any(a in t[s:e] for a in self._zh_pronouns),
                           lambda s, e: self._zh_person(t[s:e]))

    def _zh_person(self, clause: str) -> bool:
        for k in self._zh_keep:
            at = clause.find(k)
            if at < 0:
                continue
            if k in self._zh_passive and any(0 <= clause.find(a) < at for a in self._zh_animals):
                continue
            while at >= 0 and self._owner_of_animal(clause, at + len(k)):
                at = clause.find(k, at + 1)
            if at >= 0:
                return True
        return False

    def _owner_of_animal(self, clause: str, at: int) -> bool:
        """Whether a possessive ending and an animal follow position `at` ('我|家狗', '我|们家的猫')."""
        for tail in self._zh_owner:
            if clause.startswith(tail, at):
                return any(clause.startswith(a, at + len(tail)) for a in self._zh_animals)
        return False

    def en_spans(self, tokens: list[str]) -> list[Span]:
        """Token spans of the clauses about an animal."""
        if self._en_animals.isdisjoint(tokens):
            return []
        return self._spans(_clauses(tokens, self._en_bound),
                           lambda s, e: not self._en_animals.isdisjoint(tokens[s:e]),
                           lambda s, e: not self._en_pronouns.isdisjoint(tokens[s:e]),
                           lambda s, e: not self._en_keep.isdisjoint(tokens[s:e]))

    def _spans(self, clauses: list[tuple[int, int]], animal: Clause, pronoun: Clause, person: Clause) -> list[Span]:
        out: list[Span] = []
        after_animal = False
        for s, e in clauses:
            if s == e:
                continue
            if person(s, e):
                after_animal = False
            elif animal(s, e):
                out.append((s, e, self.flags))
                after_animal = True
            elif self.carry and (after_animal or pronoun(s, e)):
                out.append((s, e, self.carry))
                after_animal = True
        return out


def _clauses(items: Sequence[str], bound: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of the runs of `items` between boundary items."""
    ends = [i for i, x in enumerate(items) if x in bound] + [len(items)]
    return list(zip([0] + [e + 1 for e in ends[:-1]], ends))
