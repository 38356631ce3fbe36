"""`callroute eval FILE...`: an evaluator scores labelled calls of their own, bad lines named."""

import json

from services.cli.main import main

NO_FLAGS = {"injured": False, "violence": False, "deliberate": False, "damage": False, "trapped": False}


def _write(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")


def test_eval_scores_a_labelled_file_and_names_its_bad_lines(tmp_path, capsys):
    f = tmp_path / "mine.jsonl"
    _write(f, [
        {"id": "a-1", "text": "楼上漏水 天花板一直滴水 敲门没人", "call_type": "water_leak", "flags": NO_FLAGS},
        "this is not json",
        {"id": "a-2", "text": "厨房着火了 好大的烟", "call_type": "medical", "flags": dict(NO_FLAGS, injured=True)},
        {"id": "a-3", "text": "x", "call_type": "earthquake", "flags": NO_FLAGS},
    ])
    assert main(["eval", str(f), "--misses"]) == 0
    out, err = capsys.readouterr()
    assert f"{f} (2 calls)" in out
    # the water leak is routed exactly, the (deliberately mislabelled) fire is not: half exact
    assert "| all | 2 |" in out and "| 0.500 |" in out.split("| all | 2 |")[1].split("\n")[0]
    assert "a-2 gold=medical" in out and "pred=fire" in out and "a-1 gold" not in out
    # a needed emergency dispatch that was missed is marked, with whether a dispatcher will see it
    assert "MISSED ems_120 (" in out.split("a-2 gold")[0].rsplit("\n", 1)[1]
    assert "line 2: not JSON" in err and "line 4: call_type 'earthquake'" in err


def test_eval_of_a_missing_file_is_an_error(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "absent.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_eval_prints_one_table_per_file_and_one_for_all(tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _write(a, [{"text": "my father collapsed and is not breathing", "call_type": "medical",
                "flags": dict(NO_FLAGS, injured=True), "lang": "en"}])
    _write(b, [{"text": "楼下装修电钻响到半夜", "call_type": "noise", "flags": NO_FLAGS, "lang": "zh"}])
    assert main(["eval", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert f"{a} (1 call)" in out and f"{b} (1 call)" in out and "All files (2 calls)" in out
    assert "lang=en" in out and "lang=zh" in out


def test_eval_counts_needed_dispatches_missed_without_review(tmp_path, capsys):
    # labelled as needing 120 (deliberately wrong): the engine routes a plain leak to property
    # management with no doubt, so the 'missed' ambulance is one nobody is prompted to look at
    f = tmp_path / "mine.jsonl"
    _write(f, [{"id": "m-1", "text": "楼上漏水 天花板一直滴水 敲门没人", "call_type": "medical",
                "flags": dict(NO_FLAGS, injured=True)},
               {"id": "m-2", "text": "楼下装修电钻响到半夜", "call_type": "noise", "flags": NO_FLAGS}])
    assert main(["eval", str(f)]) == 0
    out = capsys.readouterr().out
    assert "missed, not reviewed" in out.split("| all |")[0]
    row = out.split("| all | 2 |")[1].split("\n")[0]
    assert row.rstrip(" |").endswith("| 1")
