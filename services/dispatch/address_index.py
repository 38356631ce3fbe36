"""The directory's place names as one match table, longest spelling first, built once per directory.

Every spelling is normalised the way caller text is (address_normalise), so matching is plain
substring search. A compound that shares a spelling with its own community (西罗园二区) is a
"weak" compound entry: the community is certain, the compound only a default.
"""

from typing import NamedTuple

from services.dispatch.address_normalise import normalise
from services.dispatch.directory import Directory

COMMUNITY, COMPOUND, LANDMARK, BOUNDARY, OUTSIDE_PLACE = "community", "compound", "landmark", "boundary", "outside"


class Entry(NamedTuple):
    key: str                  # normalised spelling
    kind: str                 # one of the kinds above
    label: str                # the place's own name
    community: str | None = None  # community id
    compound: str | None = None   # compound id
    weak: bool = False


class Hit(NamedTuple):
    start: int
    end: int
    entry: Entry


def build_index(directory: Directory) -> tuple[Entry, ...]:
    slips = directory.speech_slips
    table: dict[str, Entry] = {}

    def add(text: str, entry: Entry) -> None:
        key = normalise(text, slips)
        old = table.get(key)
        if old and old.kind == COMMUNITY and entry.kind == COMPOUND:
            entry = entry._replace(weak=True)
        elif old and old.kind == COMPOUND and entry.kind == COMMUNITY:
            entry = old._replace(weak=True)
        elif old:
            return  # the directory check forbids real clashes; a repeat changes nothing
        table[key] = entry._replace(key=key)

    for c in directory.communities:
        for text in [c.name, *c.aliases]:
            add(text, Entry("", COMMUNITY, c.name, c.id))
        for k in c.compounds:
            for text in [k.name, *k.aliases]:
                add(text, Entry("", COMPOUND, k.name, c.id, k.id))
            for text in k.landmarks:
                add(text, Entry("", LANDMARK, text, c.id, k.id))
    for text in directory.boundary:
        add(text, Entry("", BOUNDARY, text))
    for place in directory.outside:
        for text in [place.name, *place.aliases]:
            add(text, Entry("", OUTSIDE_PLACE, place.name))
    return tuple(sorted(table.values(), key=lambda e: (-len(e.key), e.key)))


_CACHE: dict[int, tuple[Directory, tuple[Entry, ...]]] = {}


def place_index(directory: Directory) -> tuple[Entry, ...]:
    """The match table of this directory; cached (the directory is frozen, and kept alive here)."""
    cached = _CACHE.get(id(directory))
    if cached is None or cached[0] is not directory:
        if len(_CACHE) > 16:
            _CACHE.clear()
        cached = _CACHE[id(directory)] = (directory, build_index(directory))
    return cached[1]


def find_hits(text: str, index: tuple[Entry, ...]) -> list[Hit]:
    """Non-overlapping matches, the longest spelling winning (洋桥东里 over 洋桥), in text order."""
    found = []
    for entry in index:
        start = text.find(entry.key)
        while start >= 0:
            found.append(Hit(start, start + len(entry.key), entry))
            start = text.find(entry.key, start + 1)
    found.sort(key=lambda h: (-(h.end - h.start), h.start))
    taken: list[Hit] = []
    for hit in found:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    return sorted(taken)
