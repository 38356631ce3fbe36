"""Evaluation table of the classifier: held-out split and the shared sample file, or labelled files.

    callroute eval                     held-out split and shared sample
    callroute eval FILE... [--misses]  labelled JSONL files of your own (a table per file, and one
                                       for all of them); --misses lists the calls not routed exactly

A labelled line has at least `text`, `call_type` and the five `flags` (DOMAIN.md codes); `id`,
`lang`, `difficulty` and `style` are optional and add slices. A malformed line is reported on
stderr with its line number and skipped; the rest are scored.

Per slice (all, per language, per difficulty): macro-F1 over call types, routing exact-set
accuracy, recall of needed police / 120 / 119, the rate of police added where not needed, the
review rate, and the needed dispatches missed without the call going to review (nobody is
prompted to look at those).
"""

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from schemas.codes import Agency, CallType
from schemas.events import Flags
from schemas.policy import RoutingPolicy, load_policy
from pathlib import Path

from services.classifier.data.splits import FLAG_NAMES, load_corpus, load_sample, split
from services.classifier.engine import Engine, load_engine

# The shared sample calls sit beside the repository (../shared): a second test, never trained on.
SAMPLE_FILE = Path(__file__).resolve().parents[3] / "shared/samples/calls_sample.jsonl"
CALL_TYPES = frozenset(t.value for t in CallType)
EMERGENCY = ((Agency.POLICE, "police"), (Agency.EMS_120, "120"), (Agency.FIRE_119, "119"))


def macro_f1(gold: list[str], pred: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def score(rows: list[dict], engine: Engine, policy: RoutingPolicy) -> list[dict]:
    """One result per call: gold and predicted type, flags and agency sets."""
    out = []
    for r in rows:
        c = engine.classify(r["text"], policy)
        gold_agencies = set(policy.route(CallType(r["call_type"]), Flags(**{f: r["flags"][f] for f in FLAG_NAMES})))
        out.append({"row": r, "pred": c, "gold_agencies": gold_agencies, "pred_agencies": set(c.agencies)})
    return out


def missed(x: dict) -> list[Agency]:
    """The needed police, 120 and 119 that one scored call did not get."""
    return [a for a, _ in EMERGENCY if a in x["gold_agencies"] and a not in x["pred_agencies"]]


def metrics(results: list[dict]) -> dict:
    n = len(results)
    m = {"n": n,
         "macro_f1": macro_f1([x["row"]["call_type"] for x in results], [x["pred"].call_type.value for x in results]),
         "routing": sum(x["gold_agencies"] == x["pred_agencies"] for x in results) / n if n else 0.0,
         "review": sum(x["pred"].review for x in results) / n if n else 0.0}
    for agency, name in EMERGENCY:
        need = [x for x in results if agency in x["gold_agencies"]]
        m[f"recall_{name}"] = (sum(agency in x["pred_agencies"] for x in need) / len(need)) if need else None
        m[f"need_{name}"] = len(need)
    # needed dispatches missed *and* not sent to review: the ones nobody is prompted to look at
    m["missed_unreviewed"] = sum(len(missed(x)) for x in results if not x["pred"].review)
    no_police = [x for x in results if Agency.POLICE not in x["gold_agencies"]]
    m["police_added"] = sum(Agency.POLICE in x["pred_agencies"] for x in no_police) / len(no_police) if no_police else 0.0
    return m


def _source(row: dict) -> str:
    """Which corpus file a call comes from, by its id prefix (safety-0001 -> safety)."""
    return str(row.get("id", "")).rsplit("-", 1)[0]


def _slices(results: list[dict]) -> Iterable[tuple[str, list[dict]]]:
    yield "all", results
    sources = sorted({_source(x["row"]) for x in results})
    if len(sources) > 1 and all("-" in str(x["row"].get("id", "")) for x in results):
        for src in sources:
            yield f"source={src}", [x for x in results if _source(x["row"]) == src]
    for key in ("lang", "difficulty", "style"):
        for value in sorted({str(x["row"].get(key)) for x in results if x["row"].get(key)}):
            yield f"{key}={value}", [x for x in results if str(x["row"].get(key)) == value]


def _fmt(v) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def print_table(title: str, results: list[dict], out: TextIO) -> None:
    out.write(f"\n{title}\n")
    out.write("| slice | n | macro-F1 | routing exact | recall police | recall 120 | recall 119 "
              "| police added | review | missed, not reviewed |\n|---|---|---|---|---|---|---|---|---|---|\n")
    for name, rows in _slices(results):
        m = metrics(rows)
        out.write(f"| {name} | {m['n']} | {_fmt(m['macro_f1'])} | {_fmt(m['routing'])} | "
                  f"{_fmt(m['recall_police'])} ({m['need_police']}) | {_fmt(m['recall_120'])} ({m['need_120']}) | "
                  f"{_fmt(m['recall_119'])} ({m['need_119']}) | {_fmt(m['police_added'])} | {_fmt(m['review'])} | {m['missed_unreviewed']} |\n")


def misses(results: list[dict]) -> list[str]:
    lines = []
    for x in results:
        r, c = x["row"], x["pred"]
        gold_flags = [f for f in FLAG_NAMES if r["flags"][f]]
        if c.call_type.value != r["call_type"] or x["gold_agencies"] != x["pred_agencies"]:
            sent_not = sorted(a.value for a in missed(x))
            flag = ("MISSED " + ",".join(sent_not) + (" (in review) " if c.review else " (not reviewed) ")) if sent_not else ""
            lines.append(f"{flag}{r['id']} gold={r['call_type']}{gold_flags} pred={c.call_type.value}{c.flags.raised()} "
                         f"conf={c.confidence:.2f} agencies gold={sorted(a.value for a in x['gold_agencies'])} "
                         f"pred={sorted(a.value for a in x['pred_agencies'])} :: {r['text']}")
    return lines


def read_labelled(path: Path, err: TextIO) -> list[dict]:
    """The well-formed labelled calls of a JSONL file; each malformed line is reported on `err`."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parsed = _parse_labelled(line)
            if isinstance(parsed, str):
                err.write(f"{path}: line {n}: {parsed}; skipped\n")
            else:
                parsed.setdefault("id", f"line {n}")
                rows.append(parsed)
    return rows


def _parse_labelled(line: str) -> dict | str:
    """The call of one line, or what is wrong with it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg})"
    if not isinstance(row, dict):
        return "not a JSON object"
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        return "no text"
    if row.get("call_type") not in CALL_TYPES:
        return f"call_type {row.get('call_type')!r} is not one of {', '.join(sorted(CALL_TYPES))}"
    flags = row.get("flags")
    if not isinstance(flags, dict) or any(not isinstance(flags.get(f), bool) for f in FLAG_NAMES):
        return f"flags must give {', '.join(FLAG_NAMES)} as true/false"
    return row


def run_files(paths: list[Path], out: TextIO = sys.stdout, err: TextIO = sys.stderr,
              show_misses: bool = False) -> int:
    """Tables for labelled files of one's own: one per file, and one for all when several."""
    missing = [p for p in paths if not p.is_file()]
    if missing:
        err.write(f"no such file: {', '.join(map(str, missing))}\n")
        return 2
    engine, policy = load_engine(), load_policy()
    out.write(f"classifier {engine.version}, routing policy {policy.version}\n")
    every: list[dict] = []
    for path in paths:
        results = score(read_labelled(path, err), engine, policy)
        if results:
            print_table(f"{path} ({_calls(len(results))})", results, out)
        every += results
    if len(paths) > 1 and every:
        print_table(f"All files ({_calls(len(every))})", every, out)
    if show_misses:
        out.write("\nErrors (type or agency set):\n" + "\n".join(misses(every)) + "\n")
    return 0 if every else 1


def _calls(n: int) -> str:
    return f"{n} call" if n == 1 else f"{n} calls"


def run_eval(out: TextIO = sys.stdout, engine: Engine | None = None, policy: RoutingPolicy | None = None,
             show_misses: bool = False) -> int:
    engine = engine or load_engine()
    policy = policy or load_policy()
    _, heldout = split(load_corpus())
    out.write(f"classifier {engine.version}, routing policy {policy.version}\n")
    held = score(heldout, engine, policy)
    print_table(f"Held-out split ({len(heldout)} calls, never trained on)", held, out)
    sample = load_sample(SAMPLE_FILE)
    if sample is None:
        out.write(f"\nSample file {SAMPLE_FILE} absent: skipped.\n")
    else:
        smp = score(sample, engine, policy)
        print_table(f"Shared sample ({len(sample)} calls, written by others, never trained on)", smp, out)
        held += smp
    if show_misses:
        out.write("\nErrors (type or agency set):\n" + "\n".join(misses(held)) + "\n")
    return 0


if __name__ == "__main__":
    from services.cli.main import main  # the same arguments as `callroute eval`

    sys.exit(main(["eval", *sys.argv[1:]]))
