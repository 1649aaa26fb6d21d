"""annotator eval --folds K: the methods cross-validated on the workspace's own confirmed markup."""

from __future__ import annotations

import json

from annotator.acts.folds import METHODS, make_folds
from tests.conftest import run
from tests.test_train import FN as FN_DATA
from tests.test_train import TRAIN_FILES


def test_folds_balanced_by_words_each_source_once():
    sizes = {"a": 10, "b": 9, "c": 2, "d": 1, "e": 1}
    folds = make_folds(sizes, 2)
    assert sorted(s for f in folds for s in f) == sorted(sizes)
    weights = [sum(sizes[s] for s in f) for f in folds]
    assert max(weights) - min(weights) <= 1
    assert make_folds(sizes, 2) == folds  # no randomness in the split


def test_folds_eval_scores_every_source_once_and_writes_nothing(ws):
    ws.add_many(TRAIN_FILES)
    confirmed = ws.mentions(status="confirmed")
    before = len(ws.mentions())
    result = run(ws, "eval", "--folds", "2", "--methods", "base,all-steps,trained", "--epochs",
                 "1", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert sorted(s for f in out["folds"] for s in f) == sorted(s.id for s in ws.sources())
    assert {r["method"] for r in out["scores"]} == {"base", "all-steps", "trained"}
    for method in ("base", "all-steps", "trained"):
        rows = {r["type"]: r for r in out["scores"] if r["method"] == method}
        for type_ in ("person", "place", "org", "date"):  # every gold mention scored once
            assert rows[type_]["gold"] == sum(m.type == type_ for m in confirmed)
        assert rows["all"]["gold"] == len(confirmed)
        assert 0 < rows["all"]["overlap_f1"] <= 1
    assert len(out["training"]) == 2 and all(t["tokens"] > 0 for t in out["training"])
    assert len(ws.mentions()) == before  # nothing proposed into the store


def test_folds_eval_types_and_errors(ws):
    ws.add_many(TRAIN_FILES[:2])
    result = run(ws, "eval", "--folds", "3")
    assert result.exit_code == 2 and "[C010]" in result.output
    result = run(ws, "eval", "--folds", "2", "--methods", "guess")
    assert result.exit_code == 2 and "[C011]" in result.output
    result = run(ws, "eval")
    assert result.exit_code == 2 and "--folds" in result.output
    result = run(ws, "eval", "--folds", "2", "--methods", "base", "--type", "person,date",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert {r["type"] for r in json.loads(result.stdout)["scores"]} == {"person", "date", "all"}
    assert set(METHODS) >= {"base", "propagation", "conventions", "trained"}


JOURNALS = (FN_DATA / "A0011517-slice.xml", FN_DATA / "A0011530.xml")


def test_folds_eval_dates_a_held_source_as_propose_does(ws):
    """eval --folds gives each held source's dates what propose gives them
    (``acts.propose.source_dating``): its blocks, so a journal's day alone heading an entry
    ("2.") is found whole, and its editor's notes, so their dates are flagged ``editorial``
    (was: an empty Dating, so of Friendly Networks' 61 dated entries none was found exactly
    and a note's "August 1771" was the journal's own date)."""
    from annotator.acts.folds import _Learned, _proposals
    from annotator.acts.propose import source_dating

    ws.add_many(JOURNALS)
    report = ws.evaluate_folds(2, methods=["base"], types=["date"])
    (date,) = report.methods[0].scores
    assert date.gold == 61 and date.exact_tp >= 55
    sid = next(s.id for s in ws.sources() if s.id.startswith("a0011517"))
    text = ws.reading_text(sid)
    dating = source_dating(ws.context.texts, sid, ws.textmap(sid))
    got = {text[p.start:p.end]: p.flags for p in _proposals(
        text, [], frozenset(), settings=ws.settings, learned=_Learned([], {}, {}, {}),
        source_id=sid, dating=dating) if p.type == "date"}
    assert "editorial" in got["August 1771"].split(",")
    assert "editorial" not in got["2."].split(",")
