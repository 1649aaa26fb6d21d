"""Claim-to-source tables: CSV per RFC 4180, Markdown with citations, JSON, a safe HTML page."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess

import pytest
from lxml import html as lhtml
from typer.testing import CliRunner

from annotator import ConfigError
from annotator.cli import app
from annotator.text import span_repr
from tests.conftest import GOLD, run
from tests.export_data import SEED_ID, annotate_seed, insert_claim, span_of

HOSTILE = "He said \"<script>alert('x')</script>\" & left, | then\ncame back"


@pytest.fixture
def claims_ws(seed_ws):
    ws = seed_ws
    annotate_seed(ws, GOLD)
    sha = ws.source(SEED_ID).sha256
    s, e = span_of(ws, SEED_ID, "Hitler's stated objective was to test Soviet attitude")
    with ws.store.transaction() as conn:
        insert_claim(conn, SEED_ID, sha, s, e, "quoted", agent=HOSTILE,
                     links=(("nekrich1997", "contradicts", "p. 3, \"n. 4\""),))
        insert_claim(conn, SEED_ID, sha, s, e + 10, "unattributed", status="proposed")
    return ws


def test_export_claims_csv_is_rfc4180_with_header(claims_ws):
    result = claims_ws.export_claims("csv")
    assert (result.path, result.format, result.items) == ("exports/claims.csv", "csv", 4)
    data = (claims_ws.root / result.path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: what Excel needs to see it
    text = data.decode("utf-8-sig")
    assert text.startswith("claim,source,location,text,kind,state,status,agent,"
                           "supports,contradicts,mentions\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "").replace(
        "then\ncame", "")  # the only bare LF is inside a quoted field
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["source"] for r in rows] == ["germansovietaxis"] * 4  # the source's citation key
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["quoted"]["agent"] == HOSTILE
    quoted = by_kind["quoted"]
    assert (quoted["supports"], quoted["contradicts"], quoted["mentions"]) == \
        ("", 'nekrich1997 (p. 3, "n. 4")', "")
    nekrich = next(r for r in rows if r["text"].startswith("According to a study"))
    assert (nekrich["status"], nekrich["supports"], nekrich["contradicts"]) == \
        ("supported", "nekrich1997 (pp. 202–205)", "")
    assert nekrich["location"].startswith("¶ ")
    assert {r["status"] for r in rows} == {"supported", "attributed", "unsupported"}


def test_export_claims_csv_cells_are_never_formulas(claims_ws):
    """An agent or a text starting with = + - @ was written as is: Excel and LibreOffice
    run '=HYPERLINK(...)' when the reviewer opens the table. It starts with ' now, in the
    exported table and in 'annotator claims --format csv'; numbers stay numbers."""
    hostile = {'=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0",
               "-2+3"}
    for agent, quote in zip(sorted(hostile), ["Molotov", "Ribbentrop", "Iraq and Iran",
                                              "four power pact"]):
        row = claims_ws.add_claim(SEED_ID, span=span_of(claims_ws, SEED_ID, quote), agent=agent)
        claims_ws.link_claim(row.id, "nekrich1997", locus="p. 12")
    text = (claims_ws.root / claims_ws.export_claims("csv").path).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    agents = {r["agent"] for r in rows}
    assert {"'" + a for a in hostile} <= agents
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    done = CliRunner().invoke(app, ["-w", str(claims_ws.root), "claims", "--format", "csv"])
    assert done.exit_code == 0, done.output
    listed = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert {"'" + a for a in hostile} <= {r["agent"] for r in listed}
    assert all(r["id"].isdigit() and not r["start"].startswith("'") for r in listed)
    assert not done.stdout.startswith("\ufeff")  # a listing for scripts: no BOM


def test_export_claims_links_supports_first_and_passages_by_place(claims_ws, tmp_path):
    """The works cell read 'mentions: israelyan2003 (pp. 12-14); memo:40-80', a supporting
    passage seen as one more mention, named by reading offsets no reviewer can look up. Now
    each relation has its column (they were one cell) and a passage says where it is in its
    source."""
    memo = tmp_path / "memo.txt"
    memo.write_text("Memorandum\n\nPolitical conversations have been started.\n\n"
                    "Preparations for the East are to be continued.\n", encoding="utf-8")
    claims_ws.add(memo)
    row = claims_ws.add_claim(SEED_ID, span=span_of(claims_ws, SEED_ID, "four power pact"))
    claims_ws.link_claim(row.id, "israelyan2003", locus="pp. 12-14", rel="mentions")
    reading = claims_ws.reading_text("memo")
    start = reading.index("Preparations")
    claims_ws.link_claim(row.id, passage=("memo", start, start + 12))
    table = json.loads((claims_ws.root / claims_ws.export_claims("json").path).read_text())
    key = next(s["key"] for s in table["sources"] if s["id"] == "memo")
    text = (claims_ws.root / claims_ws.export_claims("csv").path).read_text("utf-8-sig")
    mine = next(r for r in csv.DictReader(io.StringIO(text, newline=""))
                if r["claim"] == str(row.id))
    assert re.fullmatch(rf"{key}, ¶ 3, line \d+", mine["supports"]), mine
    assert (mine["contradicts"], mine["mentions"]) == ("", "israelyan2003 (pp. 12-14)")
    md = (claims_ws.root / claims_ws.export_claims("md").path).read_text()
    assert re.search(rf"\| \[@{key}, ¶ 3, line \d+\] \|  \| \[@israelyan2003, pp\. 12-14\] \|",
                     md)
    page = lhtml.fromstring((claims_ws.root / claims_ws.export_claims("html").path).read_text())
    head = page.xpath("//h2[.='Claims']/following-sibling::table[1]//th/text()")
    assert head[-3:] == ["supports", "contradicts", "mentions"]  # was one 'works' column
    cells = [" ".join(td.text_content().split())
             for td in page.xpath(f"//tr[@id='claim-{row.id}']/td")][-3:]
    assert re.fullmatch(rf"{key}, ¶ 3, line \d+", cells[0]), cells
    assert cells[1:] == ["", "israelyan2003 (pp. 12-14)"]  # no 'mentions:' mark: its column
    quoted = page.xpath("//tr[td[5]='quoted']/td")
    assert [td.text_content() for td in quoted[-3:]] == ["", 'nekrich1997 (p. 3, "n. 4")', ""]
    assert quoted[-2].xpath("a/@href") == ["#work-nekrich1997"]
    # the listing names the relations as the export does (its 'works' list is gone)
    done = CliRunner().invoke(app, ["-w", str(claims_ws.root), "claims", "-f", "json"])
    listed = next(c for c in json.loads(done.stdout) if c["id"] == row.id)
    assert "works" not in listed
    assert re.fullmatch(r"memo:\d+-\d+", listed["supports"]), listed
    assert (listed["contradicts"], listed["mentions"]) == ("", "israelyan2003 (pp. 12-14)")
    assert [link["rel"] for link in listed["links"]] == ["mentions", "supports"]


def test_export_claims_markdown_is_text_to_pandoc_but_its_citations(claims_ws):
    """An '@name' in an agent was a citation to pandoc ('citation SUM not found'), and a
    locus with '; @' or brackets broke the citation group it was in, dropping the works
    before it. Real pandoc --citeproc now reads every cited work and no made-up one."""
    row = claims_ws.add_claim(SEED_ID, span=span_of(claims_ws, SEED_ID, "four power pact"),
                              agent="@SUM(1+1) *bold* [x]")
    claims_ws.link_claim(row.id, "nekrich1997", locus="p. 5; n. 3")
    claims_ws.link_claim(row.id, "israelyan2003", locus="@A1 [sic]")
    csl = claims_ws.root / claims_ws.export_csl().path
    md = claims_ws.root / claims_ws.export_claims("md").path
    done = subprocess.run(["pandoc", "--citeproc", f"--bibliography={csl.name}", "-t", "plain",
                           "--columns=400", md.name], cwd=md.parent, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    flat = " ".join(done.stdout.split())
    assert "@SUM(1+1) *bold* [x]" in flat
    assert "1997, 5; n. 3; Israelyan 2003, @A1 [sic])" in flat


def test_export_claims_proposals_only_when_asked(claims_ws):
    assert claims_ws.export_claims("json").items == 4
    assert claims_ws.export_claims("json", include_proposals=True).items == 5


def test_export_claims_markdown_cites_works_for_pandoc(claims_ws):
    text = (claims_ws.root / claims_ws.export_claims("md").path).read_text()
    lines = text.splitlines()
    assert lines[0] == ("| claim | source | location | text | kind | status | agent "
                        "| supports | contradicts | mentions |")
    assert len(lines) == 2 + 4
    assert any("| [@nekrich1997, pp. 202–205] |  |  |" in ln for ln in lines)
    assert any("|  | [@nekrich1997, p. 3, \"n. 4\"] |  |" in ln for ln in lines)
    hostile = next(ln for ln in lines if "left" in ln)
    assert "\\|" in hostile and "then came back" in hostile  # pipes escaped, one line per row
    assert all(len(re.split(r"(?<!\\)\|", ln)) == 12 for ln in lines)  # 10 cells in each


def test_export_claims_json_counts_by_source(claims_ws):
    data = json.loads((claims_ws.root / claims_ws.export_claims("json").path).read_text())
    (source,) = data["sources"]
    assert (source["id"], source["key"]) == (SEED_ID, "germansovietaxis")
    assert source["counts"] == {"supported": 2, "attributed": 1, "unsupported": 1}
    assert [w["key"] for w in data["works"]] == ["israelyan2003", "nekrich1997"]
    claim = next(c for c in data["claims"] if c["kind"] == "quoted")
    assert (claim["supports"], claim["contradicts"], claim["mentions"]) == \
        ("", 'nekrich1997 (p. 3, "n. 4")', "")
    assert "works" not in claim  # one cell per relation, not all in one
    assert claim["links"] == [{"rel": "contradicts", "work": "nekrich1997", "source": None,
                               "start": None, "end": None, "locus": 'p. 3, "n. 4"'}]


def test_export_claims_html_is_self_contained_and_escaped(claims_ws):
    text = (claims_ws.root / claims_ws.export_claims("html").path).read_text()
    assert "<script" not in text and "alert('x')" not in text  # escaped, never markup
    assert "&lt;script&gt;" in text
    page = lhtml.fromstring(text)
    assert not page.xpath("//script|//link|//img|//iframe|//*[@src]")
    assert page.xpath("//style") and page.xpath("//meta[@http-equiv='Content-Security-Policy']")
    hrefs = page.xpath("//a/@href")
    assert "#work-nekrich1997" in hrefs
    assert all(h.startswith("#") or h.startswith("https://") for h in hrefs)
    for h in hrefs:
        if h.startswith("#"):
            assert page.xpath(f"//*[@id='{h[1:]}']"), h  # every link lands on the page
    counts = [td.text_content() for td in
              page.xpath("//h2[.='By source']/following-sibling::table[1]//tbody/tr/td")]
    assert counts == ["germansovietaxis", "German–Soviet Axis talks", "2", "1", "1", "4"]
    agent = page.xpath("//tr[td[5]='quoted']/td[7]")[0]
    assert agent.text_content() == HOSTILE


def test_export_claims_unknown_format_and_cli(claims_ws, monkeypatch):
    with pytest.raises(ConfigError) as err:
        claims_ws.export_claims("xlsx")
    assert err.value.code == "E020"
    monkeypatch.chdir(claims_ws.root)
    runner = CliRunner()
    done = runner.invoke(app, ["export", "claims", "--format", "html"])
    assert done.exit_code == 0, done.output
    assert "written: exports/claims.html (4 claims, html)" in done.stderr
    done = runner.invoke(app, ["export", "claims", "--format", "md", "-o", "-"])
    assert done.stdout.startswith("| claim | source |")
    done = runner.invoke(app, ["export", "claims", "--format", "xlsx"])
    assert done.exit_code == 2


def test_export_all_writes_every_file_and_prints_a_summary(claims_ws, monkeypatch):
    summary = claims_ws.export_all()
    assert [(f.path, f.format) for f in summary.files] == [
        (f"exports/{SEED_ID}.xml", "tei"), ("exports/bibliography.bib", "biblatex"),
        ("exports/bibliography-bibtex.bib", "bibtex"), ("exports/bibliography.json", "csl-json"),
        ("exports/claims.csv", "csv"), ("exports/claims.html", "html")]
    assert all((claims_ws.root / f.path).is_file() for f in summary.files)
    assert ("person", "confirmed", 8) in summary.entities
    assert ("confirmed", "supported", 2) in summary.claims
    assert ("proposed", "unsupported", 1) in summary.claims
    monkeypatch.chdir(claims_ws.root)
    done = CliRunner().invoke(app, ["export", "--format", "json"])
    assert done.exit_code == 0, done.output
    tables = json.loads(done.stdout)  # one JSON document, for scripts
    entities, claims, files = tables["entities"], tables["claims"], tables["files"]
    assert {"type": "person", "confirmed": 8} == {k: v for k, v in entities[1].items()
                                                   if k in ("type", "confirmed")}
    assert {"state": "confirmed", "status": "attributed", "claims": 1} in claims
    assert {f["action"] for f in files} == {"unchanged"}  # same bytes: files left alone
    assert "note:" not in done.stderr, done.stderr  # the sample's works are complete


def test_export_all_that_fails_on_the_way_names_what_it_wrote_before(claims_ws, monkeypatch):
    """The TEI cites a work the .bib could not take: the editor must hear which files of this
    run are new, and get a hint that works for 'annotator export' (it has no -o)."""
    claims_ws.export_all()
    tei = claims_ws.root / "exports" / f"{SEED_ID}.xml"
    before = tei.read_bytes()
    text = claims_ws.reading_text(SEED_ID)
    at = text.index("Those factors")
    claims_ws.add_claim(SEED_ID, span=(at, at + len("Those factors")), kind="editorial")
    bib = claims_ws.root / "exports" / "bibliography.bib"
    bib.unlink()
    bib.mkdir()  # no file can be moved over it, root or not
    monkeypatch.chdir(claims_ws.root)
    done = CliRunner().invoke(app, ["export"])
    assert done.exit_code == 2 and "Traceback" not in done.output
    line, = done.stderr.strip().splitlines()
    assert line.startswith(f"{bib}: cannot write the export (Is a directory)")
    assert f"this run already wrote exports/{SEED_ID}.xml" in line and "(-o)" not in line
    assert line.endswith("[E001]") and tei.read_bytes() != before


MEMO = "Memo on the talks\n\nThe talks were held in Berlin in November 1940.\n"


def test_export_claims_passage_by_offsets_is_whole_words_and_names_its_blocks(claims_ws,
                                                                              tmp_path):
    """'claim link 4 --passage memo:0:40' was taken as typed: it ended in 'held i' and the
    tables named only where it began ('¶ 1, line 18') though it runs into the next block.
    Now the offsets are widened to whole words and the location names its range."""
    memo = tmp_path / "memo.txt"
    memo.write_text(MEMO, encoding="utf-8")
    claims_ws.add(memo)
    reading = claims_ws.reading_text("memo")
    row = claims_ws.add_claim(SEED_ID, span=span_of(claims_ws, SEED_ID, "four power pact"))
    cut = reading.index("held in") + 6  # inside 'in'
    link = claims_ws.link_claim(row.id, passage=("memo", 2, cut))
    assert reading[link.target_start:link.target_end] == reading[:cut + 1]  # 'Memo ... held in'
    md = (claims_ws.root / claims_ws.export_claims("md").path).read_text()
    assert re.search(r"\[@\w+, ¶ 1–2, lines \d+–\d+\]", md), md
    one = claims_ws.link_claim(row.id, passage=("memo", cut - 3, cut), rel="mentions")
    assert reading[one.target_start:one.target_end] == "held in"
    page = lhtml.fromstring((claims_ws.root / claims_ws.export_claims("html").path).read_text())
    cells = [" ".join(td.text_content().split())
             for td in page.xpath(f"//tr[@id='claim-{row.id}']/td")][-3:]
    assert re.fullmatch(r"\w+, ¶ 2, line \d+", cells[2]), cells  # one block: as before
    done = run(claims_ws, "claim", "link", str(row.id), "--passage",
               f"memo:{reading.index('talks') + 5}:{reading.index('The')}")
    assert done.exit_code == 2 and "[D318]" in done.stderr and "holds no words" in done.stderr


def test_export_claims_works_hold_every_work_a_row_cites(claims_ws, tmp_path):
    """claims.md cited '[@memotalks, ¶ 1, line 18]' for a passage while claims.json's
    'works' (and the HTML works list) left its source's entry out: only links to a work
    counted."""
    memo = tmp_path / "memo.txt"
    memo.write_text(MEMO, encoding="utf-8")
    claims_ws.add(memo)
    row = claims_ws.add_claim(SEED_ID, span=span_of(claims_ws, SEED_ID, "four power pact"))
    reading = claims_ws.reading_text("memo")
    start = reading.index("The talks")
    claims_ws.link_claim(row.id, passage=("memo", start, start + 9))
    table = json.loads((claims_ws.root / claims_ws.export_claims("json").path).read_text())
    key = next(s["key"] for s in table["sources"] if s["id"] == "memo")
    md = (claims_ws.root / claims_ws.export_claims("md").path).read_text()
    cited = set(re.findall(r"@([\w:.-]+?)(?=[,;\]])", md))
    assert key in cited
    works = {w["key"] for w in table["works"]}
    assert cited <= works, cited - works
    page = lhtml.fromstring((claims_ws.root / claims_ws.export_claims("html").path).read_text())
    assert page.xpath(f"//li[@id='work-{key}']")
    assert page.xpath(f"//tr[@id='claim-{row.id}']/td[@class='supports']/a/@href") == [
        f"#work-{key}"]


def test_export_claims_claim_by_span_is_whole_words_and_names_its_blocks(claims_ws, tmp_path):
    """'claim add memo --span 2:40' was taken as typed: the claim ended in 'held i', and its
    own location named only the block where it starts (passages already named their range).
    Now its span is widened to whole words, the CLI says so, and every table names its
    range; a span with no word is refused."""
    memo = tmp_path / "memo.txt"
    memo.write_text(MEMO, encoding="utf-8")
    claims_ws.add(memo)
    reading = claims_ws.reading_text("memo")
    cut = reading.index("held in") + 6  # inside 'in'
    done = run(claims_ws, "claim", "add", "memo", "--span", f"2:{cut}")
    assert done.exit_code == 0, done.output
    row = claims_ws.claim(int(done.stdout))
    assert (row.start, row.end) == (0, cut + 1) and row.text.endswith("held in")
    assert f"marked {span_repr(reading, 0, cut + 1)} (0:{cut + 1}), not" in done.stderr
    assert "which cut a word" in done.stderr
    assert re.fullmatch(r"¶ 1–2, lines \d+–\d+", row.location), row.location
    assert re.search(r"¶ 1–2, lines \d+–\d+", done.stderr)
    listed = run(claims_ws, "claims", "--format", "json")
    assert next(c for c in json.loads(listed.stdout) if c["id"] == row.id)["location"] \
        == row.location
    for fmt in ("md", "csv"):
        out = (claims_ws.root / claims_ws.export_claims(fmt).path).read_text()
        assert row.location in out, out
    one = claims_ws.add_claim("memo", span=(reading.index("talks") + 2, reading.index("talks") + 4))
    assert one.text == "talks" and re.fullmatch(r"¶ 1, line \d+", one.location)
    done = run(claims_ws, "claim", "add", "memo", "--span",
               f"{reading.index('1940') + 4}:{reading.index('1940') + 5}")  # the full stop
    assert done.exit_code == 2 and "[D318]" in done.stderr and "holds no words" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_export_claims_html_lists_a_work_as_bib_list_does(claims_ws, tmp_path):
    """The HTML table's works showed a work dated in EDTF by its bare number ('1790' for
    1790%, nothing for 199X) and an author in biblatex's extended format as its pairs
    ('given=Y, prefix=van, useprefix=true'): as ``bib list`` shows them, 'Y van', '1790%'."""
    bib = tmp_path / "x.bib"
    bib.write_text("@book{vanpct, author = {given=Y, prefix=van, useprefix=true}, title = {P},"
                   " date = {1790%}}\n@book{berg9x, author = {family=Berg, given=Anna, prefix="
                   "van der}, title = {Q}, date = {199X}}\n", encoding="utf-8")
    claims_ws.bib_add(bib)
    row = claims_ws.add_claim(SEED_ID, span=span_of(claims_ws, SEED_ID, "four power pact"))
    for key in ("vanpct", "berg9x"):
        claims_ws.link_claim(row.id, key)
    page = lhtml.fromstring((claims_ws.root / claims_ws.export_claims("html").path).read_text())
    assert [" ".join(page.xpath(f"string(//li[@id='work-{k}'])").split())
            for k in ("vanpct", "berg9x")] == ["vanpct Y van. P, 1790%.",
                                               "berg9x van der Berg, Anna. Q, 199X."]
