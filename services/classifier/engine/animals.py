"""Clauses about an animal: their injured and trapped cues are about the animal, not a person.

DOMAIN.md's flags are about people: a pigeon with a bleeding wing or a cat stuck up a tree brings
no 120 or 119. A clause (between boundaries: '，', '。', ' ', ',', '.', …) that names an animal
and neither a person nor an attack ('被狗咬', 'the dog bit my son', '狗把孩子挠出血') sets aside
the cues of the listed flags inside it. lexicon.yaml `animal_clauses` has the words.
"""

from collections.abc import Iterable, Sequence


class AnimalClauses:
    __slots__ = ("flags", "_zh_animals", "_zh_keep", "_en_animals", "_en_keep", "_zh_bound", "_en_bound", "_first")

    def __init__(self, spec: dict, zh_bound: Iterable[str], en_bound: Iterable[str]) -> None:
        self.flags = frozenset(spec.get("flags", ()))
        self._zh_animals = tuple(spec.get("animals", ()))
        self._zh_keep = tuple(spec.get("keep", ()))
        self._en_animals = frozenset(spec.get("en_animals", ()))
        self._en_keep = frozenset(spec.get("en_keep", ()))
        self._zh_bound = frozenset(zh_bound)
        self._en_bound = frozenset(en_bound)
        self._first = frozenset(a[0] for a in self._zh_animals)

    def zh_spans(self, t: str) -> list[tuple[int, int]]:
        """Character spans of the clauses of `t` about an animal."""
        if self._first.isdisjoint(t):
            return []
        return [(s, e) for s, e in _clauses(t, self._zh_bound)
                if any(a in t[s:e] for a in self._zh_animals) and not any(k in t[s:e] for k in self._zh_keep)]

    def en_spans(self, tokens: list[str]) -> list[tuple[int, int]]:
        """Token spans of the clauses about an animal."""
        if self._en_animals.isdisjoint(tokens):
            return []
        return [(s, e) for s, e in _clauses(tokens, self._en_bound)
                if not self._en_animals.isdisjoint(tokens[s:e]) and self._en_keep.isdisjoint(tokens[s:e])]


def _clauses(items: Sequence[str], bound: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of the runs of `items` between boundary items."""
    ends = [i for i, x in enumerate(items) if x in bound] + [len(items)]
    return list(zip([0] + [e + 1 for e in ends[:-1]], ends))
