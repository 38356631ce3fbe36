"""Building, unit and room numbers read from a normalised address (5号楼3单元402, 5-3-402)."""

import re
from collections.abc import Iterable
from typing import NamedTuple


class Parts(NamedTuple):
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    matched: tuple[str, ...] = ()


_BUILDING = re.compile(r"(\d+)号楼")
_TRIPLE = re.compile(r"(?<![\d-])(\d{1,3})-(\d{1,2})-(\d{3,4})(?![\d-])")
# A bare "12号" right after a place name (洋桥东里12号) is a building; elsewhere it may be a street number.
_BARE_AFTER_PLACE = re.compile(r"(?:小区|社区)?(\d{1,3})号(?![院\d])")
_UNIT = re.compile(r"(\d+)单元")
_ROOM = [re.compile(r"单元-?(\d{3,4})"), re.compile(r"(\d{3,4})(?:室|号房|房间)"),
         re.compile(r"号楼-?(\d{3,4})(?![\d单号])")]


def _n(digits: str) -> str:
    return str(int(digits))


def extract_parts(text: str, place_ends: Iterable[int] = ()) -> Parts:
    """The numbers in `text` (normalised, without speech slips); place_ends: where place names end."""
    matched: list[str] = []
    building = unit = room = None
    if m := _BUILDING.search(text):
        building, matched = _n(m.group(1)), [m.group(0)]
    elif m := _TRIPLE.search(text):
        building, unit, room = _n(m.group(1)), _n(m.group(2)), m.group(3)
        return Parts(building, unit, room, (m.group(0),))
    else:
        for end in sorted(place_ends):
            if m := _BARE_AFTER_PLACE.match(text, end):
                building, matched = _n(m.group(1)), [m.group(0)]
                break
    if m := _UNIT.search(text):
        unit = _n(m.group(1))
        matched.append(m.group(0))
    for pattern in _ROOM:
        if m := pattern.search(text):
            room = m.group(1)
            matched.append(m.group(1))
            break
    return Parts(building, unit, room, tuple(matched))
