"""The editor's voice: which parts of a source the edition wrote (``annotator.tei.voice``), and
what claims and dates found there are: the edition's, not the source's."""

from __future__ import annotations

import csv
import json
import io

import pytest

from annotator.chronology import Dating, date_mentions
from annotator.tei.voice import editor_spans, within
from tests.conftest import DATA, run
from tests.test_conventions import _bare

TEI = "http://www.tei-c.org/ns/1.0"
# John Hunt's journal, 1770-71 (Friendly Networks, CC BY 4.0): the first entries and one of
# August 1771, with the edition's notes (type="editorial": the published version's words, a
# Bible verse, William Penn's book "London: Luke Hinde, 1760", the Monthly Meeting's minutes
# of August 1771) and Hunt's own in the margin (type="authorial")
HUNT = DATA / "editions" / "friendly-networks" / "A0011517-slice.xml"


def _voiced(ws, source):
    tm = ws.textmap(source)
    return tm.text, editor_spans(tm)


def test_voice_editorial_notes_of_a_real_edition(ws):
    ws.add(HUNT)
    text, spans = _voiced(ws, "a0011517-slice")
    said = [text[s:e] for s, e in spans]
    assert said[0].startswith("The published journal in Friends Miscellany begins")
    assert "Psalms 119:12." in said
    assert any("London : Luke Hinde, 1760." in s for s in said)
    assert any(s.startswith("Evesham Monthly Meeting minutes, August 1771:") for s in said)
    assert len(said) == 4
    # Hunt's own words and his margin note stay his
    for words in ("Began a journal near about", "Many advantages flow from it he says",
                  "But poor at first very satisfied at last", "Thomas Wilkins appeared"):
        at = text.index(words)
        assert not within(spans, at, at + len(words)), words


def test_voice_within_from_a_span_s_first_character():
    spans = [(10, 20), (30, 40)]
    assert within(spans, 10, 20) and within(spans, 10, 12) and within(spans, 35, 40)
    assert not within(spans, 5, 12) and not within(spans, 18, 31) and not within(spans, 40, 41)
    assert not within([], 0, 1)


HEADED = """<TEI xmlns="{tei}"><teiHeader><fileDesc><titleStmt><title>Letters</title>
<author xml:id="jh">John Hunt</author><editor xml:id="ed1">A. Editor</editor>
<respStmt><resp>notes</resp><persName xml:id="kb">K. B.</persName></respStmt></titleStmt>
<publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>
</teiHeader><text><body><p>Hunt wrote this.<note resp="#ed1">Editor one wrote this.</note>
<note resp="#kb">The annotator wrote this.</note><note type="editorial" resp="#jh">Hunt's own
note.</note><note place="bottom">An untyped note.</note><note type="authorial">Hunt's margin.
</note></p><div type="commentary"><p>The commentary says so.</p></div></body><back><div>
<note>An end note.</note><note type="authorial">Hunt's postscript note.</note></div></back>
</text></TEI>"""


def test_voice_resp_back_and_commentary(ws, tmp_path):
    path = tmp_path / "headed.xml"
    path.write_text(HEADED.format(tei=TEI), encoding="utf-8")
    ws.add(path)
    text, spans = _voiced(ws, "headed")
    said = {text[s:e] for s, e in spans}
    assert said == {"Editor one wrote this.", "The annotator wrote this.",
                    "The commentary says so.", "An end note."}


def test_voice_claims_in_editorial_notes_are_editorial(ws, nlp):
    ws.add(HUNT)
    ws.propose_claims(nlp=nlp)
    text, spans = _voiced(ws, "a0011517-slice")
    claims = ws.claims(source_id="a0011517-slice")
    inside = [c for c in claims if within(spans, c.start, c.end)]
    assert inside and all(c.kind == "editorial" for c in inside)  # was: attributed, quoted...
    assert all(c.kind != "editorial" for c in claims if c not in inside)
    assert {c.id for c in ws.claims(kinds="editorial")} == {c.id for c in inside}
    ws.export_claims()
    table = (ws.root / "exports" / "claims.csv").read_text(encoding="utf-8")
    rows = {int(r["claim"]): r for r in csv.DictReader(io.StringIO(table))}
    assert {rows[c.id]["kind"] for c in inside if c.id in rows} <= {"editorial"}
    # marked by hand in a note, a claim is the editor's unless told otherwise
    words = "Teach me to number my days"
    start = text.index(words)
    assert not within(spans, start, start + len(words))
    note = next(s for s, e in spans if text[s:e] == "Psalms 119:12.")
    got = ws.add_claim("a0011517-slice", span=(note, note + len("Psalms 119:12.")))
    assert got.kind == "editorial"


def test_voice_dates_in_editorial_notes_are_not_the_sources(ws):
    ws.add(HUNT)
    ws.propose()
    dates = {m.surface: m for m in ws.mentions("a0011517-slice") if m.type == "date"}
    penn = dates["1760"]  # the year of a book the note cites: a real date, not Hunt's
    assert dict(penn.date_value) == {"when": "1760"} and "editorial" in penn.flags
    minutes = next(m for s, m in dates.items() if s.startswith("August 1771"))
    assert "editorial" in minutes.flags
    _, spans = _voiced(ws, "a0011517-slice")
    assert all(("editorial" in m.flags) == within(spans, m.start, m.end)
               for m in dates.values())
    assert dates["1st of the Seventh Month, 1770."].flags == ""  # Hunt's dateline
    ws.confirm_dates("a0011517-slice", certain=False)
    after = {m.id: m.status for m in ws.mentions("a0011517-slice") if m.type == "date"}
    assert after[penn.id] == after[minutes.id] == "proposed"  # was: confirmed as Hunt's dates
    again = run(ws, "dates", "confirm", "a0011517-slice", "--all")
    assert again.exit_code == 2 and "[D023]" in again.output
    assert "(3 in the editor's voice, flag editorial, are confirmed one by one" in again.output
    listed = run(ws, "dates", "list", "a0011517-slice", "--format", "csv")
    row = next(r for r in csv.DictReader(io.StringIO(listed.stdout)) if r["surface"] == "1760")
    assert "editorial" in row["flags"]


def test_voice_claims_made_before_the_editors_voice_are_brought_up_to_date(ws, nlp):
    """A store from before the editor's voice was read: the note's claims proposed as the
    source's ('attributed'). 'claims propose' again makes the undecided ones editorial, one
    whose agent the editor set too, its agent kept (was: it kept 'attributed', as an act on a
    proposal froze all it had); one the editor confirmed keeps its kind and state."""
    ws.add(HUNT)
    ws.propose_claims(nlp=nlp)
    _, spans = _voiced(ws, "a0011517-slice")
    ids = [c.id for c in ws.claims(source_id="a0011517-slice")
           if within(spans, c.start, c.end)]
    assert len(ids) >= 2
    with ws.store.conn as conn:  # as yesterday's release stored them
        conn.executemany("UPDATE claims SET kind = 'attributed' WHERE id = ?",
                         [(i,) for i in ids])
    decided, agented, *rest = ids
    ws.confirm_claims([decided])
    ws.set_claim_agent(agented, "William Penn")
    ws.propose_claims(nlp=nlp)
    got = {c.id: (c.kind, c.state, c.agent) for c in ws.claims(source_id="a0011517-slice")}
    assert got[decided][:2] == ("attributed", "confirmed")
    assert got[agented] == ("editorial", "proposed", "William Penn")
    assert all(got[i][0] == "editorial" for i in rest)


def test_voice_dates_made_before_the_editors_voice_are_brought_up_to_date(ws):
    """A store from before the editor's voice was read: the note's dates proposed without the
    editorial flag. A run again (as RULES_VERSION 14 makes the next 'annotator propose' run)
    flags the undecided ones; one the editor confirmed keeps its state and flags."""
    ws.add(HUNT)
    ws.propose()
    _, spans = _voiced(ws, "a0011517-slice")
    noted = [m.id for m in ws.mentions("a0011517-slice")
             if m.type == "date" and within(spans, m.start, m.end)]
    assert len(noted) >= 2
    with ws.store.conn as conn:
        conn.executemany("UPDATE mentions SET flags = '' WHERE id = ?", [(i,) for i in noted])
    ws.confirm(f"mention:{noted[0]}")
    ws.propose(force=True)
    got = {m.id: m for m in ws.mentions("a0011517-slice") if m.type == "date"}
    assert got[noted[0]].status == "confirmed" and "editorial" not in got[noted[0]].flags
    assert all("editorial" in m.flags for m in got.values()
               if within(spans, m.start, m.end) and m.status == "proposed")


@pytest.mark.parametrize("marked", [False, True])
def test_voice_editors_year_is_no_year_named_before(marked):
    """A year the editor's note names (2009, a book it cites) is no year the text's own
    partial dates take, whether the file's markup dates it or not."""
    text = "We came on 3 May 1799. See Landry (2009). On the 14th of June we left."
    note = text.index("See Landry")
    year = text.index("2009")
    dating = Dating(blocks=((0, len(text), "p"),),
                    marked=((year, year + 4, (("when", "2009"),)),) if marked else (),
                    editorial=((note, note + len("See Landry (2009)."),),))
    got = {text[s:e]: r for s, e, r in date_mentions(text, [(year, year + 4)], dating)}
    june = next(r for w, r in got.items() if "June" in w)
    assert dict(june.attrs) == {"when": "1799-06-14"}, june.reason
    assert "editorial" in got["2009"].flags


# John Hunt's journal of 1818 (Friendly Networks): its text marks names (John Parrish,
# Hoyland, William Penn...), its 20 editor's notes none ("Hunt is mistaken, Huldah Hoag was
# from Vermont", "1 Cor. 12:31")
JOURNAL_1818 = DATA / "editions" / "friendly-networks" / "A0011530.xml"
# John Hunt's journal of 1824: its notes name "John Hunt", "Ephraim Tomlinson", "Ann Quicksall"
JOURNAL_1824 = DATA / "editions" / "friendly-networks" / "A0011538.xml"


def _names_in_notes(ws, source):
    _, spans = _voiced(ws, source)
    return [m for m in ws.mentions(source, status="proposed")
            if m.type != "date" and within(spans, m.start, m.end)]


def test_voice_names_in_notes_follow_the_editions_markup(ws, tmp_path):
    """Friendly Networks marks names in its text and none in its editor's notes: the 1824
    journal, its markup taken out, gets no name proposed in its notes once the 1818 journal's
    markup shows it; alone (nothing to learn from) it gets them, and `annotator conventions`
    says which and why (was: 'John Hunt' in a note citing his 'Testimony' was proposed as a
    person of the journal whatever the edition's markup showed)."""
    bare = ws.add(_bare(JOURNAL_1824, tmp_path / "journal.xml")).source.id
    ws.propose([bare])
    alone = _names_in_notes(ws, bare)
    assert "John Hunt" in {m.surface for m in alone}
    assert ws.conventions(bare).editor_notes == "marked"
    ws.add(JOURNAL_1818)
    conv = ws.conventions(bare)
    assert (conv.editor_notes, conv.learned_from["editor_notes"]) == ("unmarked", "edition")
    ws.propose([bare])  # its conventions changed: it is proposed again
    assert _names_in_notes(ws, bare) == []
    _, spans = _voiced(ws, bare)
    outside = [m for m in ws.mentions(bare, status="proposed")
               if m.type == "person" and not within(spans, m.start, m.end)]
    assert {"Sarah Morris", "Anthony Benezet"} <= {m.surface for m in outside}
    dated = [m for m in ws.mentions(bare, types=["date"]) if within(spans, m.start, m.end)]
    assert any(m.surface.startswith("17th of 8 Month, 1824") for m in dated)  # dates stay
    listed = json.loads(run(ws, "conventions", "--format", "json").stdout)
    row = next(r for r in listed if r["convention"] == "editor_notes")
    assert (row["value"], row["evidence"]) == ("unmarked", "0 marked, 5 unmarked")


def test_voice_names_in_notes_the_editor_rejects_are_left_bare(ws, tmp_path):
    """Where the editor marks the names (the 1818 journal's markup taken out), a note counts
    once the editor has decided it: names waiting there teach nothing, rejected ones that the
    edition leaves its notes' names bare ("1 Tim. 4:16" proposed as a person 'Tim')."""
    from annotator.acts.conventions import edition_conventions

    bare = ws.add(_bare(JOURNAL_1818, tmp_path / "journal.xml")).source.id
    ws.propose([bare])
    in_notes = _names_in_notes(ws, bare)
    assert {"Huldah Hoag", "Tim"} <= {m.surface for m in in_notes}
    _, spans = _voiced(ws, bare)
    body = [m for m in ws.mentions(bare, status="proposed")
            if m.type == "person" and not within(spans, m.start, m.end)]
    ws.confirm(*(f"mention:{m.id}" for m in body[:3]))
    assert edition_conventions(ws).by_source[bare]["editor_notes"] == (0, 0)  # not looked at
    ws.reject(*(f"mention:{m.id}" for m in in_notes))
    notes = len({next(a for a, b in spans if a <= m.start < b) for m in in_notes})
    conv = ws.conventions(bare)
    assert conv.evidence["editor_notes"] == (0, notes) and notes >= 3
    assert (conv.editor_notes, conv.learned_from["editor_notes"]) == ("unmarked", "source")


def test_voice_names_in_notes_an_edition_marks_are_proposed(ws):
    """Hunt's 1770-71 journal marks William Penn in a note citing his book and the Monthly
    Meeting's Friends in another, leaving one bare: too few cases to learn from, its notes
    keep the default, names proposed there."""
    from annotator.acts.conventions import edition_conventions

    ws.add(HUNT)
    assert edition_conventions(ws).by_source["a0011517-slice"]["editor_notes"] == (2, 1)
    assert ws.conventions("a0011517-slice").editor_notes == "marked"
