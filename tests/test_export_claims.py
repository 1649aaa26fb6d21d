"""Claim-to-source tables: CSV per RFC 4180, Markdown with citations, JSON, a safe HTML page."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from lxml import html as lhtml
from typer.testing import CliRunner

from annotator import ConfigError
from annotator.cli import app
from tests.conftest import GOLD
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
    text = data.decode("utf-8")
    assert text.startswith("claim,source,location,text,kind,state,status,agent,works\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "").replace(
        "then\ncame", "")  # the only bare LF is inside a quoted field
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["source"] for r in rows] == ["germansovietaxis"] * 4  # the source's citation key
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["quoted"]["agent"] == HOSTILE
    assert by_kind["quoted"]["works"] == 'contradicts: nekrich1997 (p. 3, "n. 4")'
    nekrich = next(r for r in rows if r["text"].startswith("According to a study"))
    assert (nekrich["status"], nekrich["works"]) == ("supported", "nekrich1997 (pp. 202–205)")
    assert nekrich["location"].startswith("¶ ")
    assert {r["status"] for r in rows} == {"supported", "attributed", "unsupported"}


def test_export_claims_proposals_only_when_asked(claims_ws):
    assert claims_ws.export_claims("json").items == 4
    assert claims_ws.export_claims("json", include_proposals=True).items == 5


def test_export_claims_markdown_cites_works_for_pandoc(claims_ws):
    text = (claims_ws.root / claims_ws.export_claims("md").path).read_text()
    lines = text.splitlines()
    assert lines[0] == "| claim | source | location | text | kind | status | agent | works |"
    assert len(lines) == 2 + 4
    assert any("| [@nekrich1997, pp. 202–205] |" in ln for ln in lines)
    assert any("contradicts: [@nekrich1997, p. 3, \"n. 4\"]" in ln for ln in lines)
    hostile = next(ln for ln in lines if "left" in ln)
    assert "\\|" in hostile and "then came back" in hostile  # pipes escaped, one line per row
    assert all(len(re.split(r"(?<!\\)\|", ln)) == 10 for ln in lines)  # 8 cells in each


def test_export_claims_json_counts_by_source(claims_ws):
    data = json.loads((claims_ws.root / claims_ws.export_claims("json").path).read_text())
    (source,) = data["sources"]
    assert (source["id"], source["key"]) == (SEED_ID, "germansovietaxis")
    assert source["counts"] == {"supported": 2, "attributed": 1, "unsupported": 1}
    assert [w["key"] for w in data["works"]] == ["israelyan2003", "nekrich1997"]
    claim = next(c for c in data["claims"] if c["kind"] == "quoted")
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
