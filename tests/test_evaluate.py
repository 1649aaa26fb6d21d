"""Evaluation against gold JSON and annotated TEI; the seed's done-when figures."""

from __future__ import annotations

import csv
import difflib
import io
import json
import random
import re

import pytest

from annotator.errors import SourceError
from annotator.acts.evaluate import gold_for_source, score
from annotator.records import Mention
from tests.conftest import GOLD

NAIVE = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org",
         "DATE": "date"}


def _raw_model_mentions(nlp, text, source_id):
    return [Mention(i, source_id, e.start_char, e.end_char, NAIVE[e.label_], "proposed", None,
                    e.text, "raw") for i, e in enumerate(nlp(text).ents) if e.label_ in NAIVE]


def test_evaluate_seed_beats_the_raw_model(nlp, seed_ws):
    ws = seed_ws
    ws.propose()
    report = ws.evaluate(GOLD)
    source_id, gold = gold_for_source(ws.texts, GOLD)
    assert report.source_id == source_id == "german-soviet-axis-talks"
    raw, _ = score(gold, _raw_model_mentions(nlp, ws.reading_text(source_id), source_id))
    raw_by = {s.type: s for s in raw}
    for type_ in ("person", "place"):
        ours = report.score(type_)
        assert ours.exact[2] > raw_by[type_].exact[2]
        assert ours.overlap[2] >= raw_by[type_].overlap[2]
    assert report.dates_gold == 8
    assert report.dates_right >= 7


def test_evaluate_confirmed_only_scores_what_the_editor_confirmed(seed_ws):
    ws = seed_ws
    ws.propose()
    report = ws.evaluate(GOLD, confirmed_only=True)
    assert all(s.predicted == 0 for s in report.scores)
    assert report.score("person").gold == 35
    ws.confirm(*[e.id for e in ws.entities(status="proposed", type="person")])
    after = ws.evaluate(GOLD, confirmed_only=True)
    assert after.score("person") == ws.evaluate(GOLD).score("person")
    assert after.score("place").predicted == 0


TEI_GOLD = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Note</title>
</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>
</fileDesc></teiHeader><text><body><head>Note</head>
<p>On <date when="1940-11-12">12 November 1940</date> <persName>Molotov</persName> came to
<placeName>Berlin</placeName>, where <persName>Adolf Hitler</persName> met him.</p>
</body></text></TEI>
"""


def _note(ws, tmp_path):
    """A proposed note and its annotated TEI gold: the gold file's path."""
    plain = tmp_path / "note.txt"
    plain.write_text("Note\n\nOn 12 November 1940 Molotov came to Berlin, where Adolf Hitler "
                     "met him.\n", encoding="utf-8")
    ws.add(plain)
    ws.propose()
    gold = tmp_path / "note-gold.xml"
    gold.write_text(TEI_GOLD, encoding="utf-8")
    return gold


def _memo(ws, tmp_path):
    """A .txt source of another text and its annotated TEI gold: the gold file's path."""
    (tmp_path / "memo.txt").write_text("Memo\n\nOn 3 May 1941 Ribbentrop flew to Rome.\n",
                                       encoding="utf-8")
    ws.add(tmp_path / "memo.txt")
    gold = tmp_path / "memo-gold.xml"
    gold.write_text(TEI_GOLD.replace("<head>Note</head>", "<head>Memo</head>").replace(
        TEI_GOLD[TEI_GOLD.index("<p>On"):TEI_GOLD.index("</body>")],
        '<p>On <date when="1941-05-03">3 May 1941</date> <persName>Ribbentrop</persName> '
        'flew to <placeName>Rome</placeName>.</p>\n'), encoding="utf-8")
    return gold


def test_evaluate_annotated_tei_is_gold(ws, tmp_path):
    gold = _note(ws, tmp_path)
    report = ws.evaluate(gold)
    assert report.source_id == "note"
    assert {s.type: s.gold for s in report.scores} == {"person": 2, "place": 1, "org": 0,
                                                       "date": 1}
    assert report.score("place").exact_tp == 1
    person = report.score("person")  # the small model misses a lone "Molotov" here
    assert (person.exact_tp, person.predicted) == (1, 1)
    assert person.exact == (1.0, 0.5, pytest.approx(2 / 3))
    assert (report.dates_gold, report.dates_right) == (1, 1)


def test_evaluate_bad_gold_files(seed_ws, tmp_path):
    with pytest.raises(SourceError) as err:
        seed_ws.evaluate(tmp_path / "missing.json")
    assert err.value.code == "S101"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.evaluate(bad)
    assert err.value.code == "S102"
    (tmp_path / "other.txt").write_text("Nothing like the sample at all, a different text.",
                                        encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"text_file": "other.txt", "spans": [
        {"start": 0, "end": 7, "label": "PERSON"}]}), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.evaluate(other)
    assert err.value.code == "S103"
    other.write_text(json.dumps({"text_file": "other.txt", "spans": [
        {"start": 0, "end": 700, "label": "PERSON"}]}), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        seed_ws.evaluate(other)
    assert err.value.code == "S102"


@pytest.mark.parametrize(("surface", "value", "kind"), [
    ("12 November 1940", {"when": "1940-11-12"}, "full explicit"),
    ("April 11th", {"when": "1864-04-11"}, "year from document"),
    ("24th.", {"when": "1799-07-24"}, "diary day"),
    ("Octr 3d", {"when": "1864-10-03"}, "old form"),
    ("13 of the 5 month 1818.", {"when": "1818-05-13"}, "old form"),
    ("October 44", {"when": "1944-10"}, "old form"),
    ("yesterday", {"when": "1864-04-10"}, "relative"),
    ("17 First Day.", {"when": "1818-05-17"}, "weekday + date"),
    ("Tuesday, 4th March 1851", {"when": "1851-03-04"}, "weekday + date"),
    ("early June 1940", {"notBefore": "1940-06-01", "notAfter": "1940-06-10"}, "span or vague"),
    ("summer of 1852", {"when": "1852"}, "span or vague"),
])
def test_evaluate_date_class(surface, value, kind):
    from annotator.acts.evaluate import date_class

    assert date_class(surface, value) == kind


def test_evaluate_type_with_nothing_to_score_is_na(ws, tmp_path):
    """'org' on a text without organisations, none predicted, showed P/R/F1 0.0, as if the
    model got organisations wrong. Now n/a in the table, null in JSON; the other types and
    a sum over types are as before."""
    from tests.conftest import run

    gold = _note(ws, tmp_path)
    org = ws.evaluate(gold).score("org")
    assert (org.gold, org.predicted, org.scored) == (0, 0, False)
    assert org.exact == org.overlap == (None, None, None)
    rows = {r["type"]: r for r in json.loads(run(ws, "eval", str(gold), "-f", "json").stdout)
            ["scores"]}
    assert [rows["org"][k] for k in ("exact_p", "exact_r", "exact_f1", "overlap_f1")] == [
        None] * 4
    assert rows["place"]["exact_f1"] == 1.0
    table = run(ws, "eval", str(gold), "-f", "csv").stdout
    assert "org,0,0,n/a,n/a,n/a,n/a,n/a,n/a" in table.replace("\r", "")



def test_evaluate_each_reads_each_source_text_once(ws, tmp_path, monkeypatch):
    """A run over several gold files compares each source's text with theirs, read once for
    all (it was squashed again for each gold file); the reports are those of each file alone."""
    import annotator.acts.evaluate as evaluate

    (tmp_path / "other.txt").write_text("Other\n\nA letter about nothing at all.\n",
                                        encoding="utf-8")
    ws.add(tmp_path / "other.txt")
    gold = _note(ws, tmp_path)  # each with a slip: not a source's text, only most of it
    gold.write_text(TEI_GOLD.replace("came to", "carne to"), encoding="utf-8")
    again = tmp_path / "note-gold-2.xml"
    again.write_text(TEI_GOLD.replace("met him", "met hirn"), encoding="utf-8")
    alone = [ws.evaluate(gold), ws.evaluate(again)]
    squashed: list[str] = []
    squash = evaluate._squash
    monkeypatch.setattr(evaluate, "_squash", lambda text: squashed.append(text) or squash(text))
    assert list(ws.evaluate_each([gold, again])) == alone
    readings = [ws.reading_text(s.id) for s in ws.sources()]
    assert sorted(squashed.count(r) for r in readings) == [1, 1]



def test_evaluate_reads_a_tei_gold_file_once(ws, tmp_path, monkeypatch):
    """A TEI gold file is read once in a run: telling whether it is a source's own file
    reads it (and the source's file of the same text), and scoring it takes what was read
    (was: parsed again to be scored); the report is the same."""
    import annotator.acts.evaluate as evaluate

    gold = _note(ws, tmp_path)
    alone = ws.evaluate(gold)
    read: list[object] = []
    load = evaluate._load_tei_gold
    monkeypatch.setattr(evaluate, "_load_tei_gold", lambda path: read.append(path) or load(path))
    assert ws.evaluate(gold) == alone
    assert read.count(gold) == 1


def _difflib_spans(text, reading, spans):
    """Each span of ``text`` in ``reading`` as the character-level difflib the alignment
    replaced mapped it (None where an end fell outside its matching blocks)."""
    blocks = [m for m in difflib.SequenceMatcher(None, text, reading, autojunk=False)
              .get_matching_blocks() if m.size]

    def at(pos):
        for m in blocks:
            if m.a <= pos < m.a + m.size:
                return m.b + pos - m.a
        return None
    out = []
    for start, end in spans:
        s, e = at(start), at(end - 1)
        out.append((s, e + 1) if s is not None and e is not None and e >= s else None)
    return out


def _rewrapped(text, width):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _retyped(text, rnd, count):
    """``text`` with ``count`` slips a transcriber makes: a letter changed, a word put in or
    left out, a space doubled, a dash or quote written another way."""
    for _ in range(count):
        i = rnd.randrange(len(text))
        kind = rnd.choice(("letter", "insert", "delete", "space", "sign"))
        if kind == "letter":
            text = text[:i] + rnd.choice("aeiouxy") + text[i + 1:]
        elif kind == "insert":
            text = text[:i] + rnd.choice(("the ", "and ", "x", "\n")) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + rnd.randrange(1, 12):]
        elif kind == "space":
            text = text[:i] + " " + text[i:]
        else:
            text = text.replace(rnd.choice(("–", "'", ",", ".")), rnd.choice(("--", "’", ";")), 1)
    return text


VARIANTS = {"squashed": lambda text, rnd: " ".join(text.split()),
            "rewrapped": lambda text, rnd: _rewrapped(text, rnd.choice((40, 70, 100))),
            "retyped": lambda text, rnd: _retyped(text, rnd, rnd.choice((1, 5, 20))),
            "rewrapped+retyped": lambda text, rnd: _retyped(_rewrapped(text, 70), rnd, 10),
            "lines joined": lambda text, rnd: text.replace("\n", " "),
            "blank lines": lambda text, rnd: text.replace("\n", "\n\n")}


@pytest.mark.parametrize("variant", VARIANTS)
def test_evaluate_gold_maps_as_difflib_mapped_it(variant):
    """A gold text that differs from the reading text as transcriptions do (whitespace, line
    breaks, slips) maps each gold span where character-level difflib mapped it (was: difflib
    itself, 40-150 s for a 55k-character diary), over the seed's text and stretches of it,
    with several seeds of slips."""
    from annotator.acts.evaluate import _Aligner, load_gold

    reading, gold = load_gold(GOLD)
    compared = 0
    for seed in range(6):
        rnd = random.Random(seed)
        lo = rnd.randrange(len(reading) // 2) if seed % 2 else 0
        part = reading[lo:]
        text = VARIANTS[variant](part, rnd)
        # the gold over ``text``: each span carried to it where difflib carries it
        spans = [s for s in _difflib_spans(part, text, [(g.start - lo, g.end - lo)
                                                        for g in gold if g.start >= lo]) if s]
        aligner = _Aligner(text, part)
        assert [aligner.span(*s) for s in spans] == _difflib_spans(text, part, spans), seed
        compared += len(spans)
    assert compared > 100


def test_evaluate_long_gold_text_maps_its_words():
    """A gold text of 58k characters, rewrapped with slips (character-level difflib over it
    took minutes: 40-150 s for a 55k-character diary; its time is measured outside the
    tests), maps its spans, each mapped span's first and last characters those of the gold
    span (a slip inside a word leaves its ends mapped, as difflib left them)."""
    from annotator.acts.evaluate import _Aligner, load_gold

    reading, gold = load_gold(GOLD)
    reading = "\n".join(f"{k}. {reading}" for k in range(12))
    text = _retyped(_rewrapped(reading, 70), random.Random(1), 30)
    aligner = _Aligner(text, reading)
    words = [m.span() for m in re.finditer(r"\w+", text)]
    mapped = [(s, e, aligner.span(s, e)) for s, e in words]
    assert sum(1 for *_, m in mapped if m is not None) >= len(words) - 100
    assert all(reading[m[0]] == text[s] and reading[m[1] - 1] == text[e - 1]
               for s, e, m in mapped if m is not None)


def _own_note(ws, tmp_path):
    """The annotated TEI note added as a source: a gold file that is a source's own file."""
    note = tmp_path / "note.xml"
    note.write_text(TEI_GOLD, encoding="utf-8")
    ws.add(note)
    return note


def test_evaluate_gold_that_is_the_source_itself_is_held_out(ws, tmp_path):
    """A gold file that is a workspace source's own file scored recall 1.0: its markup is
    stored as the source's confirmed mentions, which scored themselves. Now the source is
    scored by proposals made without its markup, as a gold file outside the workspace is
    (the small model misses the lone "Molotov"); --confirmed-only is refused (S104)."""
    note = _own_note(ws, tmp_path)
    ws.propose()
    for gold in (note, ws.root / "sources" / "note.xml"):
        report = ws.evaluate(gold)
        assert report.withheld == ("note",)
        person = report.score("person")
        assert (person.gold, person.exact_tp, person.predicted) == (2, 1, 1)
        assert report.score("place").exact_tp == 1
        assert (report.dates_gold, report.dates_right) == (1, 1)
    assert [m.status for m in ws.mentions("note")] == ["confirmed"] * 4  # nothing written
    with pytest.raises(SourceError) as err:
        ws.evaluate(note, confirmed_only=True)
    assert err.value.code == "S104"


def test_evaluate_own_gold_learns_from_every_other_source(ws, tmp_path):
    """Gold files that are sources' own files were held out together, each learning from
    the sources not given, so ``eval EDITION/*.xml`` learned from nothing and a file's figure
    hung on which files were named with it. Now each is held out alone and learns from all
    the others, as ``eval --folds`` with one source a fold: the other note's confirmed
    "Molotov" is found in the held one (propagation), named alone or with it."""
    held, other = tmp_path / "note.xml", tmp_path / "other.xml"
    held.write_text(TEI_GOLD, encoding="utf-8")
    other.write_text(TEI_GOLD.replace("<head>Note</head>", "<head>Other</head>").replace(
        "came to", "went to"), encoding="utf-8")
    ws.add(held)
    ws.add(other)
    alone = ws.evaluate(held)
    together = next(r for r in ws.evaluate_each([held, other]) if r.source_id == "note")
    assert alone.withheld == together.withheld == ("note",)
    assert alone.scores == together.scores
    assert (alone.score("person").exact_tp, alone.score("person").gold) == (2, 2)


def test_evaluate_copy_of_a_source_saved_again_is_held_out(ws, tmp_path):
    """A copy of a source's file whose bytes differ (saved again by an editor: its lines
    wrapped and its header touched) but whose text and markup are the file's was scored by
    that markup: recall 1.0, what ``eval`` on the file itself no longer gives. Now it is held
    out as the file is."""
    note = _own_note(ws, tmp_path)
    saved = tmp_path / "saved.xml"
    saved.write_text(TEI_GOLD.replace("<p>x</p>", "<p>y</p>").replace(" came to\n", "\ncame to ")
                     .replace("\n", "\r\n"), encoding="utf-8")
    own, copy = ws.evaluate(note), ws.evaluate(saved)
    assert copy.withheld == own.withheld == ("note",)
    assert copy.scores == own.scores and copy.score("person").exact_tp == 1
    with pytest.raises(SourceError) as err:
        ws.evaluate(saved, confirmed_only=True)
    assert err.value.code == "S104"


def test_evaluate_held_out_says_how_many_sources_taught_it(ws, tmp_path):
    """The table said 'steps learned from the other sources' where the workspace holds the
    gold's source alone, so nothing was learned; now it says how many taught it, or none."""
    from tests.conftest import run

    note = _own_note(ws, tmp_path)
    alone = run(ws, "eval", str(note), "--no-errors")
    assert alone.exit_code == 0
    assert "steps learned from no other source (the workspace holds no other)" in alone.stdout
    other = tmp_path / "other.xml"
    other.write_text(TEI_GOLD.replace("came to", "went to"), encoding="utf-8")
    ws.add(other)
    assert "steps learned from the 1 other source\n" in run(ws, "eval", str(note)).stdout


def test_evaluate_csv_and_md_say_which_sources_were_held_out(ws, tmp_path):
    """eval -f csv and -f md said nothing of the sources held out (the table's line and JSON's
    withheld only), so their figures read as a gold's own; now csv has a withheld column
    (empty for a gold outside the workspace) and md the table's line under its table."""
    from tests.conftest import run

    note = _own_note(ws, tmp_path)
    rows = list(csv.DictReader(io.StringIO(run(ws, "eval", str(note), "-f", "csv").stdout)))
    assert rows and {r["withheld"] for r in rows} == {"note"}
    md = run(ws, "eval", str(note), "-f", "md").stdout.splitlines()
    held = next(i for i, line in enumerate(md) if line.startswith("held out: note (the gold"))
    assert md[held - 1] == "" and md[held - 2].startswith("| ") and md[held + 1] == ""
    assert md.index("### dated gold dates by class") > held
    other = _memo(ws, tmp_path)  # the gold of a .txt source: nothing held out
    rows = list(csv.DictReader(io.StringIO(run(ws, "eval", str(other), "-f", "csv").stdout)))
    assert rows and {r["withheld"] for r in rows} == {""}
    assert "held out" not in run(ws, "eval", str(other), "-f", "md").stdout


def test_evaluate_own_files_learns_once_for_the_edition(ws, monkeypatch):
    """``eval EDITION/*.xml`` learned the conventions again from the N-1 other sources for
    each held-out source: N learnings over N sources each, quadratic in the edition (32
    copies of Friendly Networks took twice the CPU of 16 and a half). Now they are learned
    once from every source and each held source's cases are taken off (cases add up): the
    same proposals as learning from the others, on two editions of real files."""
    from tests.conftest import EDITIONS
    from annotator.acts import conventions, folds
    from annotator.store.training import current_mentions

    ws.add_many([EDITIONS / "ehri" / "EHRI-ET-WL16560044_EN.xml",
                 EDITIONS / "ehri" / "EHRI-ET-YV5082493_EN.xml",
                 EDITIONS / "friendly-networks" / "A0011538.xml",
                 EDITIONS / "friendly-networks" / "A00187143.xml",
                 EDITIONS / "friendly-networks" / "A00187152.xml"])
    ids = [s.id for s in ws.sources()]
    learnings = []
    learn = conventions.edition_conventions
    monkeypatch.setattr(conventions, "edition_conventions",
                        lambda *a, **k: learnings.append(1) or learn(*a, **k))
    held = folds.held_out(ws.context, ids)
    assert len(learnings) == 1
    monkeypatch.setattr(conventions, "edition_conventions", learn)
    from annotator.acts.propose import source_dating
    from annotator.acts.queries import EditionView
    from annotator.nlp.pipeline import cached_pipeline, run_ner

    view, states = EditionView(ws.context), current_mentions(ws.context.store.conn)
    spans = dict(run_ner(cached_pipeline(ws.settings.model),
                         ((s, view.textmap(s).text) for s in ids)))
    for sid in ids:  # as each was made before: learned from the others alone
        rest = [s for s in ids if s != sid]
        learned = folds._learn(view, rest, [sid], [m for m in states if m.source_id != sid],
                               folds.ALL_STEPS)
        tm = view.textmap(sid)
        assert held[sid] == folds._proposals(tm.text, spans[sid], folds.ALL_STEPS,
                                             settings=ws.settings, learned=learned,
                                             source_id=sid,
                                             dating=source_dating(ws.context.texts, sid, tm))
    assert any(held.values())


def test_evaluate_copy_one_word_apart_is_the_same_source(ws, tmp_path):
    """A copy of a source's file with one word changed (a newer release with a typo mended)
    was not held out, only the same text was: it scored the file's markup, stored as the
    source's confirmed mentions, against itself (person F1 1.0 on a Curious Travellers
    letter). Now a gold whose text shares 95 % of its characters with a marked source's, in
    order, is that source's own; a text further apart is another source's gold."""
    note = _own_note(ws, tmp_path)
    own = ws.evaluate(note)
    mended = tmp_path / "mended.xml"
    mended.write_text(TEI_GOLD.replace("came to", "went to"), encoding="utf-8")
    report = ws.evaluate(mended)
    assert report.withheld == ("note",)
    assert report.scores == own.scores
    with pytest.raises(SourceError) as err:
        ws.evaluate(mended, confirmed_only=True)
    assert err.value.code == "S104"
    memo = _memo(ws, tmp_path)
    assert ws.evaluate(memo).withheld == ()


def test_evaluate_copy_one_tag_apart_is_the_same_source(ws, tmp_path):
    """A copy of a source's file with one tag dropped or one added was not held out (only
    the same bytes, or the same text with the same markup, were): it scored the file's
    markup, stored as the source's confirmed mentions, against itself (person recall 1.0 with
    a tag added). The same source is now the same reading text as a source whose file's
    markup is stored, whatever the gold marks; a gold of a .txt source's text (confirmed
    mentions the editor's own) is still scored as stored."""
    note = _own_note(ws, tmp_path)
    own = ws.evaluate(note)
    dropped, added = tmp_path / "dropped.xml", tmp_path / "added.xml"
    dropped.write_text(TEI_GOLD.replace("<persName>Molotov</persName>", "Molotov"),
                       encoding="utf-8")
    added.write_text(TEI_GOLD.replace("where <persName>Adolf Hitler</persName>",
                              "where <persName>Adolf</persName> <persName>Hitler</persName>"),
                     encoding="utf-8")
    for copy in (dropped, added):
        report = ws.evaluate(copy)
        assert report.withheld == ("note",)
        assert report.score("place") == own.score("place")  # same proposals, other gold
    assert ws.evaluate(dropped).score("person").gold == 1
    assert ws.evaluate(added).score("person").exact_tp == 0  # "Adolf Hitler" one name
    with pytest.raises(SourceError) as err:
        ws.evaluate(added, confirmed_only=True)
    assert err.value.code == "S104"
    memo = _memo(ws, tmp_path)  # a .txt source's gold: scored as stored
    assert ws.evaluate(memo).withheld == ()


def test_evaluate_gold_without_dated_dates_prints_no_empty_table(ws, tmp_path):
    """A gold with no dated dates (no <date> with a value, as Curious Travellers') printed an
    empty 'dated gold dates by class' table, headers alone, and 'date values: 0/0 right'; now
    the table and md say so in one line instead, and JSON still lists the classes, all 0."""
    from tests.conftest import run

    gold = _note(ws, tmp_path)
    gold.write_text(TEI_GOLD.replace(' when="1940-11-12"', ""), encoding="utf-8")
    table = run(ws, "eval", str(gold))
    assert table.exit_code == 0
    assert "by class" not in table.stdout and "0/0" not in table.stdout
    assert "date values: no dated gold dates" in table.stdout
    md = run(ws, "eval", str(gold), "-f", "md").stdout
    assert "by class" not in md and "\nno dated gold dates (" in md
    dates = json.loads(run(ws, "eval", str(gold), "-f", "json").stdout)["dates"]
    assert dates["gold"] == 0 and {c["gold"] for c in dates["classes"]} == {0}
