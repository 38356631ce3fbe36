"""Characters a regex match must hold, for a set test before the regex runs.

`first_chars`: the characters a match can start with. `anchor_chars`: the cheapest set of
characters one of which every match holds, looked for in every part a match passes through (a
pattern led by 人 or 我 but whose verb is 撞 is anchored on 撞). Most calls hold none of a Chinese
pattern's anchors, and the lexicon, which indexes its patterns by them (engine/lexicon.py), runs a
pattern only on calls that hold one: a set look-up costs a fraction of a failed `re.search`, which
tries the pattern at every position. A part that can start with anything (a negated class, '.', a
back-reference) or match the empty string gives no set; a pattern with no such part at all is
always searched.
"""

import re

try:  # the parser behind `re` (Python 3.11+); without it every pattern is searched, as before
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - other Pythons
    _c = _p = None

_MAX_RANGE = 512  # a character range wider than this is treated as 'anything'
_REPEATS = tuple(op for op in (getattr(_c, n, None) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
                 if op is not None) if _c is not None else ()


def first_chars(regex: str) -> frozenset[str] | None:
    """Every character a match of `regex` can start with, or None when that is not a small set."""
    if _p is None:
        return None
    try:
        chars, nullable = _sequence(list(_p.parse(regex)))
    except (TypeError, ValueError, re.error, _Unknown):
        return None
    return None if nullable or not chars else frozenset(chars)


def anchor_chars(regex: str, weight) -> frozenset[str] | None:
    """Characters one of which every match of `regex` holds, the cheapest set found: the first
    characters of the match, or of any part every match passes through (the verb after an open
    gap: '[^，。]{0,8}?(?:爬|攀)' always holds 爬 or 攀), or for alternatives the union of each one's
    set. `weight(ch)` is how common a character is; the set of least total weight wins. None when
    no such set is found."""
    if _p is None:
        return None
    try:
        items = list(_p.parse(regex))
    except (TypeError, ValueError, re.error):
        return None
    return _cheapest(items, lambda s: (sum(map(weight, s)), len(s), sorted(s)))


def _cheapest(items: list, cost) -> frozenset[str] | None:
    """The cheapest character set one of which every match of the sequence `items` holds."""
    found: list[frozenset[str]] = []
    try:
        chars, nullable = _sequence(items)
        if chars and not nullable:
            found.append(frozenset(chars))
    except _Unknown:
        pass
    for op, av in items:
        if op is _c.SUBPATTERN:
            best = _cheapest(list(av[-1]), cost)
        elif op in _REPEATS:
            best = _cheapest(list(av[2]), cost) if av[0] >= 1 else None
        elif op is _c.BRANCH:  # one of the alternatives: the union of each one's set
            sets = [_cheapest(list(seq), cost) for seq in av[1]]
            best = frozenset().union(*sets) if all(sets) else None
        else:
            try:
                chars, nullable = _element(op, av)
            except _Unknown:
                continue
            best = frozenset(chars) if chars and not nullable else None
        if best:
            found.append(best)
    return min(found, key=cost) if found else None


class _Unknown(Exception):
    """An element whose first character cannot be listed."""


def _sequence(items: list) -> tuple[set[str], bool]:
    """(first characters, whether the whole sequence can match empty)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _element(op, av)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _element(op, av) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        return _in(av), False
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is _c.BRANCH:
        out: set[str] = set()
        nullable = False
        for seq in av[1]:
            chars, n = _sequence(list(seq))
            out |= chars
            nullable = nullable or n
        return out, nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _, seq = av
        chars, n = _sequence(list(seq))
        return chars, n or low == 0
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero width: the next element decides
        return set(), True
    raise _Unknown(op)


def _in(items: list) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] <= _MAX_RANGE:
            out.update(map(chr, range(av[0], av[1] + 1)))
        else:  # NEGATE, a category such as \s, a wide range
            raise _Unknown(op)
    return out
