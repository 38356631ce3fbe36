"""The labelled corpus: loading, corrections, and the deterministic held-out split.

A call is held out when the hash of its id falls in the lowest 25 %: the split never changes
as the corpus grows, and training never sees a held-out call. A corpus file that another writer
is still producing (`corpus_more.jsonl`) is used only once it is complete: until it holds its
announced number of calls it is skipped as a whole, so a half-written file never shifts the
figures.
"""

import hashlib
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
CORPUS_FILES = ("corpus_safety.jsonl", "corpus_property.jsonl", "corpus_community.jsonl", "corpus_extra.jsonl",
                "corpus_more.jsonl", "corpus_breadth.jsonl", "corpus_breadth2.jsonl", "corpus_english.jsonl",
                "corpus_breadth3.jsonl", "corpus_zh.jsonl", "corpus_english2.jsonl", "corpus_police2.jsonl",
                "corpus_zh2.jsonl", "corpus_english3.jsonl", "corpus_police3.jsonl", "corpus_mixed3.jsonl",
                "corpus_police4.jsonl", "corpus_mixed4.jsonl", "corpus_police5.jsonl", "corpus_english4.jsonl",
                "corpus_calltaker5.jsonl", "corpus_safety5.jsonl", "corpus_mixed5.jsonl", "corpus_border5.jsonl",
                "corpus_english5.jsonl", "corpus_english6.jsonl", "corpus_police6.jsonl", "corpus_diversion6.jsonl",
                "corpus_homophone6.jsonl", "corpus_lifeline6.jsonl", "corpus_english7.jsonl", "corpus_calltaker7.jsonl",
                "corpus_colloquial7.jsonl", "corpus_fragment7.jsonl", "corpus_police7.jsonl", "corpus_other7.jsonl",
                "corpus_english8.jsonl", "corpus_pairs8en.jsonl", "corpus_pairs8zh.jsonl", "corpus_trapped8.jsonl",
                "corpus_calltaker8.jsonl", "corpus_notes8en.jsonl", "corpus_safety9en.jsonl", "corpus_police9en.jsonl",
                "corpus_fragment9.jsonl", "corpus_flags9zh.jsonl", "corpus_mixed9.jsonl", "corpus_colloq9.jsonl",
                "corpus_trapped10.jsonl", "corpus_policezh10.jsonl", "corpus_english11a.jsonl", "corpus_english11b.jsonl",
                "corpus_english11c.jsonl", "corpus_fragment11.jsonl", "corpus_calltaker11.jsonl", "corpus_colloquial11.jsonl",
                "corpus_english12a.jsonl", "corpus_pairs12en.jsonl", "corpus_pairs12zh.jsonl", "corpus_diversion12.jsonl",
                "corpus_safety12zh.jsonl", "corpus_civic12.jsonl", "corpus_english13a.jsonl", "corpus_english13b.jsonl",
                "corpus_english13c.jsonl", "corpus_english13d.jsonl", "corpus_zh13a.jsonl", "corpus_zh13b.jsonl",
                "corpus_gen14a.jsonl", "corpus_gen14b.jsonl", "corpus_gen14c.jsonl", "corpus_gen14d.jsonl", "corpus_gen14e.jsonl", "corpus_gen14f.jsonl",
                "corpus_gen15a.jsonl", "corpus_gen15b.jsonl", "corpus_gen15c.jsonl", "corpus_gen15d.jsonl", "corpus_gen15e.jsonl", "corpus_gen15f.jsonl",
                "corpus_gen16a.jsonl", "corpus_gen16b.jsonl", "corpus_gen16c.jsonl", "corpus_gen16d.jsonl", "corpus_gen16e.jsonl", "corpus_gen16f.jsonl",
                "corpus_gen17a.jsonl", "corpus_gen17b.jsonl", "corpus_gen17c.jsonl", "corpus_gen17d.jsonl", "corpus_gen17e.jsonl", "corpus_gen17f.jsonl",
                "corpus_gen18a.jsonl", "corpus_gen18b.jsonl", "corpus_gen18c.jsonl", "corpus_gen18d.jsonl", "corpus_gen18e.jsonl", "corpus_gen18f.jsonl",
                "corpus_gen19a.jsonl", "corpus_gen19b.jsonl", "corpus_gen19c.jsonl", "corpus_gen19d.jsonl", "corpus_gen19e.jsonl", "corpus_gen19f.jsonl",
                "corpus_gen20a.jsonl", "corpus_gen20b.jsonl", "corpus_gen20c.jsonl", "corpus_gen20d.jsonl", "corpus_gen20e.jsonl", "corpus_gen20f.jsonl",
                "corpus_gen21a.jsonl", "corpus_gen21b.jsonl", "corpus_gen21c.jsonl", "corpus_gen21d.jsonl", "corpus_gen21e.jsonl", "corpus_gen21f.jsonl",
                "corpus_gen22a.jsonl", "corpus_gen22b.jsonl", "corpus_gen22c.jsonl", "corpus_gen22d.jsonl", "corpus_gen22e.jsonl", "corpus_gen22f.jsonl",
                "corpus_gen23a.jsonl", "corpus_gen23b.jsonl", "corpus_gen23c.jsonl", "corpus_gen23d.jsonl", "corpus_gen23e.jsonl", "corpus_gen23f.jsonl",
                "corpus_gen24a.jsonl", "corpus_gen24b.jsonl", "corpus_gen24c.jsonl", "corpus_gen24d.jsonl", "corpus_gen24e.jsonl", "corpus_gen24f.jsonl",
                "corpus_gen25a.jsonl", "corpus_gen25b.jsonl", "corpus_gen25c.jsonl", "corpus_gen25d.jsonl", "corpus_gen25e.jsonl", "corpus_gen25f.jsonl",
                "corpus_gen26a.jsonl", "corpus_gen26b.jsonl", "corpus_gen26c.jsonl", "corpus_gen26d.jsonl", "corpus_gen26e.jsonl", "corpus_gen26f.jsonl",
                "corpus_gen27a.jsonl", "corpus_gen27b.jsonl", "corpus_gen27c.jsonl", "corpus_gen27d.jsonl", "corpus_gen27e.jsonl", "corpus_gen27f.jsonl",
                "corpus_gen28a.jsonl", "corpus_gen28b.jsonl", "corpus_gen28c.jsonl", "corpus_gen28d.jsonl", "corpus_gen28e.jsonl", "corpus_gen28f.jsonl",
                "corpus_gen29a.jsonl", "corpus_gen29b.jsonl", "corpus_gen29c.jsonl", "corpus_gen29d.jsonl", "corpus_gen29e.jsonl", "corpus_gen29f.jsonl",
                "corpus_gen30a.jsonl", "corpus_gen30b.jsonl", "corpus_gen30c.jsonl", "corpus_gen30d.jsonl", "corpus_gen30e.jsonl", "corpus_gen30f.jsonl",
                "corpus_gen31a.jsonl", "corpus_gen31b.jsonl", "corpus_gen31c.jsonl", "corpus_gen31d.jsonl", "corpus_gen31e.jsonl", "corpus_gen31f.jsonl",
                "corpus_gen32a.jsonl", "corpus_gen32b.jsonl", "corpus_gen32c.jsonl", "corpus_gen32d.jsonl", "corpus_gen32e.jsonl", "corpus_gen32f.jsonl",
                "corpus_gen33a.jsonl", "corpus_gen33b.jsonl", "corpus_gen33c.jsonl", "corpus_gen33d.jsonl", "corpus_gen33e.jsonl", "corpus_gen33f.jsonl",
                "corpus_gen34a.jsonl", "corpus_gen34b.jsonl", "corpus_gen34c.jsonl", "corpus_gen34d.jsonl", "corpus_gen34e.jsonl", "corpus_gen34f.jsonl",
                "corpus_gen35a.jsonl", "corpus_gen35b.jsonl", "corpus_gen35c.jsonl", "corpus_gen35d.jsonl", "corpus_gen35e.jsonl", "corpus_gen35f.jsonl",
                "corpus_gen36a.jsonl", "corpus_gen36b.jsonl", "corpus_gen36c.jsonl", "corpus_gen36d.jsonl", "corpus_gen36e.jsonl", "corpus_gen36f.jsonl",
                "corpus_gen37a.jsonl", "corpus_gen37b.jsonl", "corpus_gen37c.jsonl", "corpus_gen37d.jsonl", "corpus_gen37e.jsonl", "corpus_gen37f.jsonl",
                "corpus_gen38a.jsonl", "corpus_gen38b.jsonl", "corpus_gen38c.jsonl", "corpus_gen38d.jsonl", "corpus_gen38e.jsonl", "corpus_gen38f.jsonl",
                "corpus_gen39a.jsonl", "corpus_gen39b.jsonl", "corpus_gen39c.jsonl", "corpus_gen39d.jsonl", "corpus_gen39e.jsonl", "corpus_gen39f.jsonl",
                "corpus_gen40a.jsonl", "corpus_gen40b.jsonl", "corpus_gen40c.jsonl", "corpus_gen40d.jsonl", "corpus_gen40e.jsonl", "corpus_gen40f.jsonl",
                "corpus_gen41a.jsonl", "corpus_gen41b.jsonl", "corpus_gen41c.jsonl", "corpus_gen41d.jsonl", "corpus_gen41e.jsonl", "corpus_gen41f.jsonl",
                "corpus_gen42a.jsonl", "corpus_gen42b.jsonl", "corpus_gen42c.jsonl", "corpus_gen42d.jsonl", "corpus_gen42e.jsonl", "corpus_gen42f.jsonl",
                "corpus_gen43a.jsonl", "corpus_gen43b.jsonl", "corpus_gen43c.jsonl", "corpus_gen43d.jsonl", "corpus_gen43e.jsonl", "corpus_gen43f.jsonl",
                "corpus_gen44a.jsonl", "corpus_gen44b.jsonl", "corpus_gen44c.jsonl", "corpus_gen44d.jsonl", "corpus_gen44e.jsonl", "corpus_gen44f.jsonl",
                "corpus_gen45a.jsonl", "corpus_gen45b.jsonl", "corpus_gen45c.jsonl", "corpus_gen45d.jsonl", "corpus_gen45e.jsonl", "corpus_gen45f.jsonl",
                "corpus_gen46a.jsonl", "corpus_gen46b.jsonl", "corpus_gen46c.jsonl", "corpus_gen46d.jsonl", "corpus_gen46e.jsonl", "corpus_gen46f.jsonl",
                "corpus_gen47a.jsonl", "corpus_gen47b.jsonl", "corpus_gen47c.jsonl", "corpus_gen47d.jsonl", "corpus_gen47e.jsonl", "corpus_gen47f.jsonl",
                "corpus_gen48a.jsonl", "corpus_gen48b.jsonl", "corpus_gen48c.jsonl", "corpus_gen48d.jsonl", "corpus_gen48e.jsonl", "corpus_gen48f.jsonl",
                "corpus_gen49a.jsonl", "corpus_gen49b.jsonl", "corpus_gen49c.jsonl", "corpus_gen49d.jsonl", "corpus_gen49e.jsonl", "corpus_gen49f.jsonl",
                "corpus_gen50a.jsonl", "corpus_gen50b.jsonl", "corpus_gen50c.jsonl", "corpus_gen50d.jsonl", "corpus_gen50e.jsonl", "corpus_gen50f.jsonl",
                "corpus_gen51a.jsonl", "corpus_gen51b.jsonl", "corpus_gen51c.jsonl", "corpus_gen51d.jsonl", "corpus_gen51e.jsonl", "corpus_gen51f.jsonl",
                "corpus_gen52a.jsonl", "corpus_gen52b.jsonl", "corpus_gen52c.jsonl", "corpus_gen52d.jsonl", "corpus_gen52e.jsonl", "corpus_gen52f.jsonl",
                "corpus_gen54a.jsonl", "corpus_gen54b.jsonl", "corpus_gen54c.jsonl", "corpus_gen54d.jsonl",
                "corpus_gen53a.jsonl", "corpus_gen53b.jsonl", "corpus_gen53c.jsonl", "corpus_gen53d.jsonl", "corpus_gen53e.jsonl", "corpus_gen53f.jsonl",
                "corpus_gen56a.jsonl", "corpus_gen56b.jsonl",
                "corpus_gen57a.jsonl", "corpus_gen57b.jsonl", "corpus_gen57c.jsonl", "corpus_gen57d.jsonl", "corpus_gen57e.jsonl", "corpus_gen57f.jsonl",
                "corpus_gen58a.jsonl", "corpus_gen58b.jsonl", "corpus_gen58c.jsonl", "corpus_gen58d.jsonl",
                "corpus_gen55a.jsonl", "corpus_gen55b.jsonl", "corpus_gen55c.jsonl", "corpus_gen55d.jsonl", "corpus_gen55e.jsonl", "corpus_gen55f.jsonl",
                "corpus_gen60a.jsonl", "corpus_gen60b.jsonl", "corpus_gen60c.jsonl",
                "corpus_gen61a.jsonl", "corpus_gen61b.jsonl", "corpus_gen61c.jsonl",
                "corpus_gen63a.jsonl", "corpus_gen63b.jsonl", "corpus_gen63c.jsonl", "corpus_gen63d.jsonl",
                "corpus_gen59a.jsonl", "corpus_gen59b.jsonl", "corpus_gen59c.jsonl", "corpus_gen59d.jsonl", "corpus_gen59e.jsonl",
                "corpus_gen62a.jsonl", "corpus_gen62b.jsonl", "corpus_gen62c.jsonl",
                "corpus_gen65a.jsonl", "corpus_gen65b.jsonl", "corpus_gen65c.jsonl",
                "corpus_gen66a.jsonl", "corpus_gen66b.jsonl", "corpus_gen66c.jsonl", "corpus_gen66d.jsonl",
                "corpus_gen64a.jsonl", "corpus_gen64b.jsonl", "corpus_gen64c.jsonl", "corpus_gen64d.jsonl", "corpus_gen64e.jsonl",
                "corpus_gen69a.jsonl", "corpus_gen69b.jsonl",
                "corpus_gen67a.jsonl", "corpus_gen67b.jsonl", "corpus_gen67c.jsonl", "corpus_gen67d.jsonl", "corpus_gen67e.jsonl",
                "corpus_gen68a.jsonl", "corpus_gen68b.jsonl", "corpus_gen68c.jsonl", "corpus_gen68d.jsonl", "corpus_gen68e.jsonl", "corpus_gen68f.jsonl",
                "corpus_gen71a.jsonl", "corpus_gen71b.jsonl",
                "corpus_gen70a.jsonl", "corpus_gen70b.jsonl", "corpus_gen70c.jsonl", "corpus_gen70d.jsonl", "corpus_gen70e.jsonl",
                "corpus_gen72a.jsonl", "corpus_gen72b.jsonl", "corpus_gen72c.jsonl", "corpus_gen72d.jsonl", "corpus_gen72e.jsonl", "corpus_gen72f.jsonl",
                "corpus_gen73a.jsonl", "corpus_gen73b.jsonl", "corpus_gen73c.jsonl", "corpus_gen73d.jsonl", "corpus_gen73e.jsonl",
                "corpus_gen74a.jsonl", "corpus_gen74b.jsonl", "corpus_gen74c.jsonl", "corpus_gen74d.jsonl", "corpus_gen74e.jsonl", "corpus_gen75a.jsonl", "corpus_gen75b.jsonl", "corpus_gen75c.jsonl", "corpus_gen75d.jsonl", "corpus_gen75e.jsonl", "corpus_gen76a.jsonl", "corpus_gen76b.jsonl", "corpus_gen76c.jsonl", "corpus_gen76d.jsonl", "corpus_gen76e.jsonl", "corpus_gen77a.jsonl", "corpus_gen77b.jsonl", "corpus_gen77c.jsonl", "corpus_gen77d.jsonl", "corpus_gen77e.jsonl", "corpus_gen78a.jsonl", "corpus_gen78b.jsonl", "corpus_gen78c.jsonl", "corpus_gen78d.jsonl", "corpus_gen78e.jsonl", "corpus_gen79a.jsonl", "corpus_gen79b.jsonl", "corpus_gen80a.jsonl", "corpus_gen80b.jsonl", "corpus_gen80c.jsonl", "corpus_gen82a.jsonl", "corpus_gen82b.jsonl", "corpus_gen83a.jsonl", "corpus_gen83b.jsonl", "corpus_gen83c.jsonl", "corpus_gen83d.jsonl", "corpus_gen84a.jsonl", "corpus_gen84b.jsonl", "corpus_gen84c.jsonl", "corpus_gen84d.jsonl", "corpus_gen85a.jsonl", "corpus_gen85b.jsonl", "corpus_gen85c.jsonl", "corpus_gen85d.jsonl", "corpus_gen81a.jsonl", "corpus_gen81b.jsonl", "corpus_gen81c.jsonl", "corpus_gen81d.jsonl", "corpus_gen81e.jsonl", "corpus_gen86a.jsonl", "corpus_gen86b.jsonl", "corpus_gen86c.jsonl", "corpus_gen86d.jsonl", "corpus_gen86e.jsonl", "corpus_gen87a.jsonl", "corpus_gen87b.jsonl", "corpus_gen87c.jsonl", "corpus_gen89a.jsonl", "corpus_gen89b.jsonl", "corpus_gen89c.jsonl", "corpus_gen89d.jsonl",
                "corpus_gen100a.jsonl", "corpus_gen100b.jsonl", "corpus_gen100c.jsonl", "corpus_gen100d.jsonl", "corpus_gen100e.jsonl", "corpus_gen88a.jsonl", "corpus_gen88b.jsonl", "corpus_gen88c.jsonl", "corpus_gen88d.jsonl", "corpus_gen88e.jsonl", "corpus_gen90a.jsonl", "corpus_gen90b.jsonl", "corpus_gen90c.jsonl", "corpus_gen90d.jsonl", "corpus_gen90e.jsonl", "corpus_gen91a.jsonl", "corpus_gen91b.jsonl", "corpus_gen91c.jsonl", "corpus_gen92a.jsonl", "corpus_gen92b.jsonl", "corpus_gen92c.jsonl", "corpus_gen92d.jsonl", "corpus_gen92e.jsonl", "corpus_gen93a.jsonl", "corpus_gen93b.jsonl", "corpus_gen93c.jsonl", "corpus_gen94a.jsonl", "corpus_gen94b.jsonl", "corpus_gen94c.jsonl", "corpus_gen94d.jsonl", "corpus_gen94e.jsonl", "corpus_gen95a.jsonl", "corpus_gen95b.jsonl", "corpus_gen95c.jsonl", "corpus_gen95d.jsonl", "corpus_gen95e.jsonl", "corpus_gen96a.jsonl", "corpus_gen96b.jsonl", "corpus_gen96c.jsonl", "corpus_gen96d.jsonl", "corpus_gen96e.jsonl", "corpus_gen97a.jsonl", "corpus_gen97b.jsonl", "corpus_gen97c.jsonl", "corpus_gen97d.jsonl", "corpus_gen97e.jsonl", "corpus_gen98a.jsonl", "corpus_gen98b.jsonl", "corpus_gen98c.jsonl", "corpus_gen98d.jsonl", "corpus_gen98e.jsonl", "corpus_gen99a.jsonl", "corpus_gen99b.jsonl", "corpus_gen99c.jsonl", "corpus_gen99d.jsonl", "corpus_gen99e.jsonl",
                "corpus_gen101a.jsonl", "corpus_gen101b.jsonl", "corpus_gen101c.jsonl", "corpus_gen101d.jsonl", "corpus_gen101e.jsonl", "corpus_gen102a.jsonl", "corpus_gen102b.jsonl", "corpus_gen102c.jsonl", "corpus_gen102d.jsonl", "corpus_gen102e.jsonl", "corpus_gen103a.jsonl", "corpus_gen103b.jsonl", "corpus_gen103c.jsonl", "corpus_gen103d.jsonl", "corpus_gen103e.jsonl", "corpus_gen104a.jsonl", "corpus_gen104b.jsonl", "corpus_gen104c.jsonl", "corpus_gen104d.jsonl", "corpus_gen104e.jsonl", "corpus_gen105a.jsonl", "corpus_gen105b.jsonl", "corpus_gen105c.jsonl", "corpus_gen105d.jsonl", "corpus_gen105e.jsonl", "corpus_gen106a.jsonl", "corpus_gen106b.jsonl", "corpus_gen106c.jsonl", "corpus_gen106d.jsonl", "corpus_gen106e.jsonl", "corpus_gen107a.jsonl", "corpus_gen107b.jsonl", "corpus_gen107c.jsonl", "corpus_gen107d.jsonl", "corpus_gen107e.jsonl", "corpus_gen108a.jsonl", "corpus_gen108b.jsonl", "corpus_gen108c.jsonl", "corpus_gen108d.jsonl", "corpus_gen108e.jsonl", "corpus_gen109a.jsonl", "corpus_gen109b.jsonl", "corpus_gen109c.jsonl", "corpus_gen109d.jsonl", "corpus_gen109e.jsonl", "corpus_gen110a.jsonl", "corpus_gen110b.jsonl", "corpus_gen110c.jsonl", "corpus_gen110d.jsonl", "corpus_gen110e.jsonl", "corpus_gen111a.jsonl", "corpus_gen111b.jsonl", "corpus_gen111c.jsonl", "corpus_gen111d.jsonl", "corpus_gen111e.jsonl", "corpus_gen112a.jsonl", "corpus_gen112b.jsonl", "corpus_gen112c.jsonl", "corpus_gen112d.jsonl", "corpus_gen112e.jsonl", "corpus_gen113a.jsonl", "corpus_gen113b.jsonl", "corpus_gen113c.jsonl", "corpus_gen113d.jsonl", "corpus_gen113e.jsonl", "corpus_gen114a.jsonl", "corpus_gen114b.jsonl", "corpus_gen114c.jsonl", "corpus_gen114d.jsonl", "corpus_gen114e.jsonl", "corpus_gen115a.jsonl", "corpus_gen115b.jsonl", "corpus_gen115c.jsonl", "corpus_gen115d.jsonl", "corpus_gen115e.jsonl", "corpus_gen116a.jsonl", "corpus_gen116b.jsonl", "corpus_gen116c.jsonl", "corpus_gen116d.jsonl", "corpus_gen116e.jsonl", "corpus_gen117a.jsonl", "corpus_gen117b.jsonl", "corpus_gen117c.jsonl", "corpus_gen117d.jsonl", "corpus_gen117e.jsonl", "corpus_gen118a.jsonl", "corpus_gen118b.jsonl", "corpus_gen118c.jsonl", "corpus_gen118d.jsonl", "corpus_gen118e.jsonl", "corpus_gen119a.jsonl", "corpus_gen119b.jsonl", "corpus_gen119c.jsonl", "corpus_gen119d.jsonl", "corpus_gen119e.jsonl", "corpus_gen120a.jsonl", "corpus_gen120b.jsonl", "corpus_gen120c.jsonl", "corpus_gen120d.jsonl", "corpus_gen120e.jsonl", "corpus_gen121a.jsonl", "corpus_gen121b.jsonl", "corpus_gen121c.jsonl", "corpus_gen121d.jsonl", "corpus_gen121e.jsonl", "corpus_gen122a.jsonl", "corpus_gen122b.jsonl", "corpus_gen122c.jsonl", "corpus_gen122d.jsonl", "corpus_gen122e.jsonl", "corpus_gen123a.jsonl", "corpus_gen123b.jsonl", "corpus_gen123c.jsonl", "corpus_gen123d.jsonl", "corpus_gen123e.jsonl", "corpus_gen124a.jsonl", "corpus_gen124b.jsonl", "corpus_gen124c.jsonl", "corpus_gen124d.jsonl", "corpus_gen124e.jsonl", "corpus_gen125a.jsonl", "corpus_gen125b.jsonl", "corpus_gen125c.jsonl", "corpus_gen125d.jsonl", "corpus_gen125e.jsonl", "corpus_gen126a.jsonl", "corpus_gen126b.jsonl", "corpus_gen126c.jsonl", "corpus_gen126d.jsonl", "corpus_gen126e.jsonl", "corpus_gen127a.jsonl", "corpus_gen127b.jsonl", "corpus_gen127c.jsonl", "corpus_gen127d.jsonl", "corpus_gen127e.jsonl", "corpus_gen128a.jsonl", "corpus_gen128b.jsonl", "corpus_gen128c.jsonl", "corpus_gen128d.jsonl", "corpus_gen128e.jsonl", "corpus_gen129a.jsonl", "corpus_gen129b.jsonl", "corpus_gen129c.jsonl", "corpus_gen129d.jsonl", "corpus_gen129e.jsonl", "corpus_gen130a.jsonl", "corpus_gen130b.jsonl", "corpus_gen130c.jsonl", "corpus_gen130d.jsonl", "corpus_gen130e.jsonl", "corpus_gen131a.jsonl", "corpus_gen131b.jsonl", "corpus_gen131c.jsonl", "corpus_gen131d.jsonl", "corpus_gen131e.jsonl", "corpus_gen132a.jsonl", "corpus_gen132b.jsonl", "corpus_gen132c.jsonl", "corpus_gen132d.jsonl", "corpus_gen132e.jsonl", "corpus_gen133a.jsonl", "corpus_gen133b.jsonl", "corpus_gen133c.jsonl", "corpus_gen133d.jsonl", "corpus_gen133e.jsonl", "corpus_gen134a.jsonl", "corpus_gen134b.jsonl", "corpus_gen134c.jsonl", "corpus_gen134d.jsonl", "corpus_gen134e.jsonl")
# Files still being written elsewhere: used only once they hold this many well-formed calls.
COMPLETE_AT = {"corpus_more.jsonl": 900}
CORRECTIONS_FILE = DATA_DIR / "corrections.jsonl"
HELDOUT_PERCENT = 25
FLAG_NAMES = ("injured", "violence", "deliberate", "damage", "trapped")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_complete(path: Path, expected: int) -> list[dict]:
    """The calls of a file that may still be growing; [] until `expected` well-formed calls are there."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line still being written
    return rows if len(rows) >= expected else []


def is_heldout(call_id: str) -> bool:
    digest = hashlib.sha256(call_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < HELDOUT_PERCENT


def load_corpus(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every labelled call of the corpus files that exist, with corrections applied."""
    rows: list[dict] = []
    for name in CORPUS_FILES:
        path = data_dir / name
        if path.exists():
            rows.extend(read_complete(path, COMPLETE_AT[name]) if name in COMPLETE_AT else read_jsonl(path))
    corrections = {c["id"]: c for c in read_jsonl(CORRECTIONS_FILE)} if CORRECTIONS_FILE.exists() else {}
    out = []
    for row in rows:
        fix = corrections.get(row["id"])
        if fix:
            row = dict(row)
            if "call_type" in fix:
                row["call_type"] = fix["call_type"]
            if "flags" in fix:
                row["flags"] = {**row["flags"], **fix["flags"]}
        row.setdefault("difficulty", "easy")
        out.append(row)
    return out


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(train, heldout)."""
    train = [r for r in rows if not is_heldout(r["id"])]
    heldout = [r for r in rows if is_heldout(r["id"])]
    return train, heldout


def load_sample(path: Path) -> list[dict] | None:
    """The shared sample calls (a second test set; never trained on), or None when absent."""
    return read_jsonl(path) if path.exists() else None
