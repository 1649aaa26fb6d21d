"""The bibliography: real bibtexparser, real SQLite; a bad file adds nothing."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from annotator import SourceError
from annotator.bibliography.entries import forenames, make_key, read_bib, split_names, surname, tei_fields
from annotator.cli import app
from annotator.tei.parse import TEI_NS, parse_xml
from tests.conftest import DATA, REFERENCES, ROOT, SAMPLE_TEI

BIB = DATA / "bib"
runner = CliRunner()


def _rows(ws):
    con = sqlite3.connect(ws.root / "annotator.sqlite")
    try:
        return con.execute("SELECT key, type, fields, origin FROM bib ORDER BY key").fetchall()
    finally:
        con.close()


def test_bib_reads_macros_months_accents_and_crossref():
    entries = {e.key: e for e in read_bib(BIB / "good.bib")}
    nek = entries["nekrich1997"]
    assert nek.get("publisher") == "Columbia University Press"
    assert nek.get("location") == "New York, NY"
    assert nek.get("month") == "11"
    assert nek.get("title") == "Pariahs, Partners, Predators: German–Soviet Relations, 1922–1941"
    assert nek.get("author").startswith("Nekrich, Aleksandr M.")  # 'Author' key lower-cased
    assert nek.get("url") == "https://example.org/pariahs_1997~nekrich"  # verbatim
    assert nek.line == 5
    godel = entries["godel1986uber"]  # no key in the file: made from author, year, title
    assert godel.get("title") == "Über formal unentscheidbare Sätze"
    assert godel.get("booktitle") == "Collected Works"  # crossref: parent title -> booktitle
    assert godel.get("editor") == "Feferman, Solomon"
    assert entries["stra"].get("author") == "Straßer, Gregor and Škoda, Emil"
    assert entries["stra"].get("title") == "Café society"
    assert entries["stra"].get("month") == "5"


@pytest.mark.parametrize(("name", "code", "line", "entry"), [
    ("duplicate-key.bib", "S302", 13, "nekrich1997"),
    ("no-type.bib", "S304", 7, "nekrich1997"),
    ("unbalanced-braces.bib", "S305", 7, "nekrich1997"),
    ("duplicate-field.bib", "S306", 1, "nekrich1997"),
    ("bad-crossref.bib", "S307", 4, "godel1931"),
    ("undefined-macro.bib", "S308", 4, "israelyan2003"),
    ("not-utf8.bib", "S301", 2, None),
    ("empty.bib", "S309", None, None),
])
def test_bib_bad_file_is_one_line_and_adds_nothing(ws, name, code, line, entry):
    ws.bib_add(REFERENCES)
    before = _rows(ws)
    with pytest.raises(SourceError) as info:
        ws.bib_add(BIB / name)
    err = info.value
    assert err.code == code
    assert err.location is not None and err.location.line == line
    assert str(err.location.path).endswith(name)
    if entry:
        assert f"entry '{entry}'" in str(err)
    assert "\n" not in str(err)
    assert _rows(ws) == before


@pytest.mark.parametrize("name", ["duplicate-key.bib", "no-type.bib", "unbalanced-braces.bib",
                                  "undefined-macro.bib", "not-utf8.bib"])
def test_bib_cli_bad_file_exits_2_with_one_line(ws, name):
    result = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(BIB / name)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(str(BIB / name) + ":")
    assert lines[0].endswith("]")
    assert ws.bib() == []


def test_bib_key_clash_with_store_adds_nothing(ws, tmp_path):
    ws.bib_add(REFERENCES)
    other = tmp_path / "other.bib"
    other.write_text("@book{ulam1968, author={Ulam, Adam B.}, title={Expansion and "
                     "Coexistence}, year={1968}}\n\n@book{nekrich1997, author={Nekrich, A.}, "
                     "title={Something else}, year={1999}}\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        ws.bib_add(other)
    assert info.value.code == "S303"
    assert info.value.location.line == 3
    assert [e.key for e in ws.bib()] == ["israelyan2003", "nekrich1997"]
    assert ws.bib_entry("nekrich1997").get("title").startswith("Pariahs")
    updated = ws.bib_add(other, replace=True)
    assert {e.key for e in updated} == {"ulam1968", "nekrich1997"}
    assert ws.bib_entry("nekrich1997").get("title") == "Something else"


def test_bib_readding_a_file_is_a_no_op_and_generated_keys_stay(ws, tmp_path):
    first = ws.bib_add(BIB / "good.bib")
    assert "godel1986uber" in {e.key for e in first}
    assert ws.bib_add(BIB / "good.bib") == []
    # a new keyless work whose generated key would clash gets a suffix; the old key stays
    more = tmp_path / "more.bib"
    more.write_text("@incollection{, author={G{\\\"o}del, Kurt}, title={{\\\"U}ber "
                    "Vollst\\\"andigkeit}, year={1986}}\n", encoding="utf-8")
    added = ws.bib_add(more)
    assert [e.key for e in added] == ["godel1986ubera"]
    assert ws.bib_entry("godel1986uber").get("title") == "Über formal unentscheidbare Sätze"


def test_bib_sample_references_are_the_real_works(ws):
    entries = {e.key: e for e in ws.bib_add(REFERENCES)}
    nek, isr = entries["nekrich1997"], entries["israelyan2003"]
    assert nek.get("isbn") == "0-231-10676-9"
    assert nek.get("publisher") == "Columbia University Press"
    assert nek.get("year") == "1997"
    assert [surname(n) for n in split_names(nek.get("author"))] == ["Nekrich"]
    assert nek.get("translator") == "Freeze, Gregory L."
    assert nek.get("foreword") == "Ulam, Adam B."
    assert isr.get("isbn") == "0-271-02297-3"
    assert isr.get("publisher") == "Pennsylvania State University Press"
    assert isr.get("location") == "University Park"
    assert isr.get("title") == "On the Battlefields of the Cold War: A Soviet Ambassador's Confession"


def test_bib_source_is_a_citable_work(seed_ws):
    entries = [e for e in seed_ws.bib() if e.origin == "source:german-soviet-axis-talks"]
    assert len(entries) == 1
    work = entries[0]
    assert work.get("title") == "German–Soviet Axis talks"
    assert work.get("url").startswith("https://en.wikipedia.org/")
    assert work.get("publisher") == "Wikimedia Foundation"
    # an undated web page: read on 2026-11-26, cited by that year; the key has no year
    assert (work.type, work.key, work.get("urldate"), work.get("year"), work.get("date")) == (
        "online", "germansovietaxis", "2026-11-26", "2026", "")
    # re-adding the source keeps the key and adds nothing
    seed_ws.add(SAMPLE_TEI)
    assert [e.key for e in seed_ws.bib()] == [work.key]


PAGE = '<title>T</title><ptr target="https://example.org/t"/>'


@pytest.mark.parametrize(("xml", "etype", "expected"), [
    (f'<bibl>{PAGE}<date type="accessed" when="2026-11-26">26 November 2026</date></bibl>',
     "online", {"urldate": "2026-11-26", "year": "2026"}),
    (f'<bibl>{PAGE}<date type="Retrieved">3 May 2024</date><date when="2001-02-03"/></bibl>',
     "online", {"date": "2001-02-03", "year": "2001", "urldate": "3 May 2024"}),
    (f'<bibl>{PAGE}<note type="accessed"><date when="2024-05-03"/></note></bibl>',
     "online", {"urldate": "2024-05-03", "year": "2024"}),
    ('<bibl type="book"><title>T</title><date type="access" when="2024-05-03"/></bibl>',
     "book", {"urldate": "2024-05-03"}),  # the year of access stands in on web pages only
    ('<biblStruct><monogr><title>T</title><imprint><date type="accessed" when="2020-01-02"/>'
     '<date when="1997"/></imprint></monogr></biblStruct>',
     "book", {"date": "1997", "year": "1997", "urldate": "2020-01-02"}),
    (f'<bibl>{PAGE}</bibl>', "online", {}),  # nothing to stand in: the export says so
], ids=["accessed", "dated-and-retrieved", "note-accessed", "book", "biblstruct", "undated"])
def test_bib_tei_access_date_is_urldate_never_the_date(xml, etype, expected):
    el = parse_xml(xml.replace(">", f' xmlns="{TEI_NS}">', 1).encode(), ROOT / "t.xml")
    got_type, fields = tei_fields(el)
    dates = {k: v for k, v in fields.items() if k in ("date", "year", "urldate")}
    assert (got_type, dates) == (etype, expected)


def test_bib_reads_listbibl_and_biblstruct_from_tei(ws, tmp_path):
    tei = tmp_path / "letters.xml"
    tei.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>Letters of 1940</title><author><persName><forename>Anna</forename>
<surname>Schmidt</surname></persName></author></titleStmt>
<publicationStmt><p>unpublished</p></publicationStmt>
<sourceDesc><bibl><title>Letters of 1940</title><date when="1940"/></bibl></sourceDesc>
</fileDesc></teiHeader>
<text><body><p>See the study.</p></body><back><listBibl>
<bibl xml:id="nek97"><author>Nekrich, Aleksandr M.</author><title level="m">Pariahs, Partners,
 Predators</title><pubPlace>New York</pubPlace><publisher>Columbia University Press</publisher>
 <date>1997</date><biblScope unit="page" from="214" to="216"/></bibl>
<biblStruct><analytic><author><persName><forename>Victor</forename><surname>Israelyan</surname>
</persName></author><title level="a">Memories</title></analytic><monogr><title level="j">Journal
 of Cold War Studies</title><imprint><date when="2004"/></imprint></monogr></biblStruct>
</listBibl></back></text></TEI>""", encoding="utf-8")
    ws.add(tei)
    entries = {e.key: e for e in ws.bib()}
    assert set(entries) == {"schmidt1940letters", "nek97", "israelyan2004memories"}
    nek = entries["nek97"]
    assert (nek.type, nek.get("publisher"), nek.get("year"), nek.get("pages")) == \
        ("misc", "Columbia University Press", "1997", "214--216")
    isr = entries["israelyan2004memories"]
    assert (isr.type, isr.get("author"), isr.get("journaltitle")) == \
        ("article", "Israelyan, Victor", "Journal of Cold War Studies")
    assert all(e.origin == "source:letters" for e in entries.values())


def test_bib_cli_add_and_list(ws):
    result = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(REFERENCES)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["-w", str(ws.root), "bib", "list", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "key,type,author,year,title,origin"
    assert lines[1].startswith("israelyan2003,book,\"Israelyan, Victor\",2003,")
    result = runner.invoke(app, ["-w", str(ws.root), "bib", "list", "nekrich", "-f", "json"])
    assert [e["key"] for e in __import__("json").loads(result.stdout)] == ["nekrich1997"]


@given(st.lists(st.sampled_from(["Nekrich", "Ulam", "Gödel", "Ο'Brien", ""]), max_size=4),
       st.sampled_from(["1997", "", "n.d."]), st.text(max_size=30))
def test_bib_generated_keys_are_unique_and_citable(names, year, title):
    taken: list[str] = []
    fields = {"author": " and ".join(n for n in names if n), "year": year, "title": title}
    for _ in range(4):
        key = make_key(fields, taken)
        assert key not in taken
        assert key and all(ch.isascii() and ch.isalnum() for ch in key)
        taken.append(key)


@pytest.mark.parametrize(("name", "family", "given"), [
    ("Nekrich, Aleksandr M.", "Nekrich", "Aleksandr M."),
    ("Aleksandr M.  Nekrich", "Nekrich", "Aleksandr M."),
    ("Joachim von Ribbentrop", "von Ribbentrop", "Joachim"),
    ("von Ribbentrop, Joachim", "von Ribbentrop", "Joachim"),
    ("Plato", "Plato", ""),
    ("{Wikimedia Foundation}", "Wikimedia Foundation", ""),
])
def test_bib_surname_and_forenames_split_a_name(name, family, given):
    assert (surname(name), forenames(name)) == (family, given)
