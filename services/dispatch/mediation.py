"""Who is in a neighbour dispute, as far as the call's words say (for the round-table request)."""

import re

_COUNTERPARTS = re.compile(
    r"(楼上|楼下|对门|隔壁|对面|邻居|邻里|室友|合租|房东|租户|租客|物业|商户|业主|"
    r"upstairs|downstairs|next[- ]door|neighbou?rs?|flatmates?|roommates?|landlord|tenants?)"
    r"([^，。,.;；！!？?\s]{0,6})",
    re.IGNORECASE,
)
_ROOM = re.compile(r"\d{1,2}号楼\s*\d{0,2}单?元?\s*\d{3,4}|\d{3,4}室?")


def parties_in(text: str) -> list[str]:
    """The caller, then each other party the text names (deduplicated, in order)."""
    parties = ["报警人 (caller)"]
    for match in _COUNTERPARTS.finditer(text):
        who = match.group(1)
        tail = _ROOM.search(match.group(2) or "")
        name = f"{who} {tail.group(0)}" if tail else who
        if name.lower() not in (p.lower() for p in parties):
            parties.append(name)
    if len(parties) == 1:
        parties.append("对方当事人 (other party, not named in the call)")
    return parties
