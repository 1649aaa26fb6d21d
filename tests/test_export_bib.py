"""BibTeX and CSL-JSON exports: biber, BibTeX and pandoc --citeproc read them without a warning."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.bibliography import entries as bib_mod
from annotator.calendar import iso_date
from annotator.export.bibtex import biblatex, classic, isbn_ok, latex_value, render
from annotator.export.csl import item
from annotator.records import BibEntry
from tests.conftest import GOLD, REFERENCES
from tests.export_data import SEED_ID, annotate_seed

BIBER_CONF = Path("/usr/share/perl5/Biber/biber-tool.conf")

# Works no claim cites (listed with --all): an article, and a web page with a date of its own
# (the sample source's entry has only its access date, from the TEI header), and a book whose
# date is no real date (month 13): written as its year, so no tool warns.
UNCITED = """@article{ulam1974,
  author = {Ulam, Adam B.},
  title = {Expansion and Coexistence},
  journal = {Soviet Studies},
  year = {1974},
  volume = {26},
  pages = {1--20},
}
@online{molotovribbentrop2024,
  title = {Molotov–Ribbentrop Pact},
  titleaddon = {Wikipedia, the free encyclopedia},
  organization = {Wikimedia Foundation},
  url = {https://en.wikipedia.org/wiki/Molotov%E2%80%93Ribbentrop_Pact},
  date = {2024-05-01},
  urldate = {2024-06-02},
}
@book{muller2000,
  author = {Müller, Hans},
  title = {Ein Buch},
  publisher = {Verlag},
  location = {Berlin},
  date = {2000-13-45},
}
"""


@pytest.fixture
def bib_ws(seed_ws, tmp_path):
    ws = seed_ws
    ws.bib_add(REFERENCES)
    annotate_seed(ws, GOLD)
    extra = tmp_path / "extra.bib"
    extra.write_text(UNCITED, encoding="utf-8")
    ws.bib_add(extra)
    return ws


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_export_bib_lists_cited_works_and_sources(bib_ws):
    result = bib_ws.export_bibtex()
    assert (result.path, result.format, result.items, result.notes) == (
        "exports/bibliography.bib", "biblatex", 3, ())
    text = (bib_ws.root / result.path).read_text(encoding="utf-8")
    keys = [line.split("{")[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == ["germansovietaxis", "israelyan2003", "nekrich1997"]  # sorted, stable
    assert bib_ws.export_bibtex().action == "unchanged"
    assert "ulam1974" in (bib_ws.root / bib_ws.export_bibtex(all=True).path).read_text()


def test_export_bib_biber_validates_without_warning(bib_ws):
    result = bib_ws.export_bibtex(all=True)
    path = bib_ws.root / result.path
    done = run(["biber", "--tool", "--validate-datamodel", "--output-file=checked.bib",
                path.name], path.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARN" not in done.stdout + done.stderr, done.stdout
    assert "ERROR" not in done.stdout + done.stderr


def test_export_bib_bibtex_reads_ascii_file_without_warning(bib_ws):
    result = bib_ws.export_bibtex(all=True, ascii=True)
    path = bib_ws.root / result.path
    path.read_bytes().decode("ascii")  # nothing but ASCII
    (path.parent / "paper.aux").write_text(
        f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
    done = run(["bibtex", "paper"], path.parent)
    assert done.returncode == 0, done.stdout
    assert "Warning" not in done.stdout, done.stdout
    bbl = (path.parent / "paper.bbl").read_text()
    assert bbl.count("\\bibitem") == 6
    assert "2026.\n\\newblock Accessed 2026-11-26." in bbl  # the sample: year and day read
    assert "{German{\\textendash}Soviet}" in bbl  # case kept, dash as LaTeX


@pytest.mark.parametrize("kind", ["bibtex", "csl"])
def test_export_bib_pandoc_citeproc_without_warning(bib_ws, kind):
    result = bib_ws.export_bibtex(all=True) if kind == "bibtex" else bib_ws.export_csl(all=True)
    path = bib_ws.root / result.path
    doc = path.parent / "paper.md"
    doc.write_text("---\nnocite: '@*'\n---\nAs Nekrich shows [@nekrich1997, p. 214].\n")
    done = run(["pandoc", "--citeproc", f"--bibliography={path.name}", "-t", "plain",
                doc.name], path.parent)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "(Nekrich 1997, 214)" in done.stdout
    flat = " ".join(done.stdout.split())
    assert "Ulam, Adam B. 1974. “Expansion and Coexistence.” Soviet Studies 26: 1–20." in flat
    assert "Wikimedia Foundation. 2026. https://en.wikipedia.org/wiki/German" in flat  # sample
    assert "Wikimedia Foundation. May 1, 2024. https://" in flat  # its own date, not the access


def test_export_bib_csl_items():
    entry = BibEntry("k", "incollection", (
        ("author", "{Soviet Academy} and Nekrich, Aleksandr M. and Adam Ulam"),
        ("title", "T"), ("subtitle", "S"), ("booktitle", "B"), ("pages", "3--9"),
        ("date", "1997-05/1998"), ("urldate", "2024-01-31"), ("doi", "10.1/x")), "x.bib")
    got = item(entry)
    assert got["type"] == "chapter" and got["title"] == "T: S"
    assert got["author"] == [{"literal": "Soviet Academy"},
                             {"family": "Nekrich", "given": "Aleksandr M."},
                             {"family": "Ulam", "given": "Adam"}]
    assert got["issued"] == {"date-parts": [[1997, 5], [1998]]}
    assert got["accessed"] == {"date-parts": [[2024, 1, 31]]}
    assert (got["container-title"], got["page"], got["DOI"]) == ("B", "3-9", "10.1/x")


def test_export_bib_csl_names_keep_braced_and_whole():
    entry = BibEntry("k", "book", (("author", "{Barnes and Noble} and Joachim von Ribbentrop"),
                                   ("title", "T")), "x.bib")
    assert item(entry)["author"] == [{"literal": "Barnes and Noble"},
                                     {"family": "von Ribbentrop", "given": "Joachim"}]


def test_export_bib_mends_entries_for_biber():
    entry = BibEntry("w", "online", (("title", "T"), ("publisher", "Wikimedia Foundation"),
                                     ("url", "https://x.org/a_b%20c"), ("date", "2001-02-03"),
                                     ("year", "2001"), ("pagetotal", "3")), "x.bib")
    prep = biblatex(entry)
    assert prep.fields == {"title": "T", "url": "https://x.org/a_b%20c", "date": "2001-02-03",
                           "organization": "Wikimedia Foundation"}
    assert prep.notes == ["field 'pagetotal' is not defined for @online: left out"]
    book = biblatex(BibEntry("b", "book", (("author", "A"), ("title", "T"), ("year", "1990"),
                                           ("volume", "II"), ("note", "n"),
                                           ("isbn", "0-231-10676-8")), "x.bib"))
    assert (book.fields["note"], "volume" in book.fields) == ("n; volume II", False)
    assert book.notes == ["ISBN 0-231-10676-8 has a wrong check digit: left out"]
    undated = biblatex(BibEntry("u", "book", (("title", "T"),), "x.bib"))
    assert sorted(undated.notes) == ["@book needs author, which the entry lacks",
                                     "@book needs date or year, which the entry lacks"]
    old = classic(BibEntry("t", "thesis", (("author", "A, B"), ("title", "T"),
                                           ("institution", "U"), ("date", "1999-04")), "x.bib"))
    assert (old.type, old.fields["school"], old.fields["year"], old.fields["month"]) == (
        "phdthesis", "U", "1999", "4")
    assert isbn_ok("0-231-10676-9") and isbn_ok("978-0-231-10676-4")
    assert not isbn_ok("0-231-10676-8")


def test_export_bib_escapes_latex_but_not_urls():
    assert latex_value("title", "Cost & benefit: 100% of $5_#1 {x", ascii_only=False) == (
        "Cost \\& benefit: 100\\% of \\$5\\_\\#1 \\{x")
    assert latex_value("url", "https://x.org/?a=1&b=%20", ascii_only=False) == (
        "https://x.org/?a=1&b=%20")
    assert latex_value("author", "{Soviet & Co} and Ulam, A.", ascii_only=False) == (
        "{Soviet \\& Co} and Ulam, A.")
    assert latex_value("title", "Über Ost–West", ascii_only=True) == (
        '{\\"U}ber {Ost{\\textendash}West}')


# '^' is left out: the bib reader's LaTeX decoder (pylatexenc) reads \textasciicircum as 'ˆ'
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="^"),
                min_size=1, max_size=30) \
    .map(lambda s: " ".join(s.split())).filter(bool)


@settings(max_examples=60, deadline=None)
@given(title=_text, note=_text, author=_text)
def test_export_bib_values_read_back_by_the_bib_reader(title, note, author):
    entry = BibEntry("k1", "book", (("author", author.replace(" and ", " ")),
                                    ("title", title), ("year", "1990"), ("note", note)),
                     "x.bib")
    text, _ = render([entry])
    back = bib_mod.parse_bib(text, path=Path("x.bib"), origin="x.bib")
    fields = dict(back[0].fields)
    assert fields["note"] == note
    assert fields["title"] == title


def test_export_bib_model_matches_installed_biber():
    from annotator.bibliography import datamodel_table as biblatexmodel

    if not BIBER_CONF.is_file():
        pytest.skip("biber is not installed here (.ci/run installs it)")
    fields, mandatory, datatypes = biblatexmodel.derive(BIBER_CONF)
    assert (fields, mandatory, datatypes) == (biblatexmodel.FIELDS, biblatexmodel.MANDATORY,
                                              biblatexmodel.DATATYPES)


def test_export_bib_cli_writes_and_prints_notes(seed_ws, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from annotator.cli import app

    undated = tmp_path / "undated.bib"  # a web page with neither a date nor an access date
    undated.write_text("@online{undated, title = {T}, url = {https://example.org/t}}\n")
    seed_ws.bib_add(undated)
    monkeypatch.chdir(seed_ws.root)
    runner = CliRunner()
    done = runner.invoke(app, ["export", "bibtex", "--all"])
    assert done.exit_code == 0, done.output
    assert "written: exports/bibliography.bib (2 works, biblatex)" in done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: undated: @online needs date or year, which the entry lacks"]
    assert (seed_ws.exports_dir / "bibliography.bib").read_text().count("@online{") == 2
    done = runner.invoke(app, ["export", "bibtex", "--ascii", "-o", "-"])
    assert done.stdout.startswith("% Written by annotator for classic BibTeX")
    out = tmp_path / "refs.json"
    done = runner.invoke(app, ["export", "csl", "--all", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert [i["id"] for i in json.loads(out.read_text())] == ["germansovietaxis", "undated"]


def test_export_bib_ascii_leaves_out_a_key_bibtex_cannot_read(seed_ws, tmp_path):
    """A cited work whose key is not ASCII: `annotator export` still runs; the classic BibTeX
    file leaves the entry out with a note (biber's file keeps it)."""
    from tests.conftest import run

    umlaut = tmp_path / "umlaut.bib"
    umlaut.write_text("@book{müller2000, author = {Müller, Jörg}, title = {Über},\n"
                      "  year = {2000}}\n", encoding="utf-8")
    seed_ws.bib_add(umlaut)
    done = run(seed_ws, "export", "bibtex", "--all", "--ascii")
    assert done.exit_code == 0, done.output
    path = seed_ws.exports_dir / "bibliography-bibtex.bib"
    text = path.read_bytes().decode("ascii")
    assert "ller2000" not in text and "@misc{germansovietaxis" in text
    assert "(1 works, bibtex)" in done.stderr
    assert "note: müller2000: the citation key is not ASCII" in done.stderr
    done = run(seed_ws, "export", "bibtex", "--all")
    assert done.exit_code == 0 and "@book{müller2000," in \
        (seed_ws.exports_dir / "bibliography.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("under", ["x.json", "sub/x.json"])
def test_export_bib_out_under_a_file_names_the_file(seed_ws, tmp_path, under):
    """-o under a regular file: E001 says which file stands in the way, not 'File exists'."""
    from tests.conftest import run

    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    done = run(seed_ws, "export", "csl", "-o", str(blocker / under))
    assert done.exit_code == 2, done.output
    assert done.stderr.endswith("[E001]\n") and "Traceback" not in done.output
    assert f"{blocker} is a file, not a folder" in done.stderr
    assert "File exists" not in done.stderr and "Not a directory" not in done.stderr
    assert blocker.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize(("date", "parts"), [
    ("1940", [[1940]]), ("1940-11", [[1940, 11]]), ("1940-11-12", [[1940, 11, 12]]),
    ("2000-02-29", [[2000, 2, 29]]), ("1997-05/1998", [[1997, 5], [1998]]),
    ("1988/", [[1988], []]), ("-0044-03-15", [[-44, 3, 15]]),
    ("2000-13-45", None), ("1900-02-29", None), ("1940-04-31", None), ("1940-00", None),
    ("1.1.1892", None), ("1940/1941/1942", None), ("", None)])
def test_export_bib_iso_dates_are_real_dates(date, parts):
    assert iso_date(date) == parts


def test_export_bib_a_date_that_is_no_real_date_becomes_its_year():
    entry = BibEntry("m", "book", (("author", "Muller, Hans"), ("title", "T"),
                                   ("date", "2000-13-45")), "x.bib")
    prep = biblatex(entry)
    assert (prep.fields.get("year"), "date" in prep.fields) == ("2000", False)
    assert prep.notes == ["date '2000-13-45' is not a real date: year 2000 kept"]
    assert item(entry)["issued"] == {"date-parts": [[2000]]}
    loose = BibEntry("l", "book", (("title", "T"), ("date", "1.1.1892")), "x.bib")
    assert item(loose)["issued"] == {"date-parts": [[1892]]}


def test_export_bib_real_dates_are_the_review_s_real_dates():
    """One calendar rule for bibliography dates and TEI date values (review's D013)."""
    from datetime import date, timedelta

    from annotator.calendar import real_date
    from annotator.calendar import real_iso as _real_date

    day = date(1896, 1, 1)
    while day.year < 1905:
        assert real_date(day.year, day.month, day.day)
        day += timedelta(days=1)
    for y, m, d in ((1900, 2, 29), (2001, 2, 29), (1940, 4, 31), (1940, 13, 1), (1940, 0, 1),
                    (1940, 1, 0), (1940, 1, 32)):
        assert not real_date(y, m, d) and not _real_date(f"{y:04d}-{m:02d}-{d:02d}")
    assert real_date(0, 2, 29) and real_date(2000, 2, 29) and _real_date("--02-29")
