"""BibTeX and CSL-JSON exports: biber, BibTeX and pandoc --citeproc read them without a warning."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.bibliography import entries as bib_mod
from annotator.bibliography.biblatex_entries import biblatex, isbn_ok, latex_value
from annotator.bibliography.csl_items import item
from annotator.bibliography.latex import plain
from annotator.calendar import iso_date
from annotator.export.bibtex import classic, render
from annotator.bibliography.titles import protect
from annotator.export.csl import render as csl_render
from annotator.records import BibEntry
from annotator.tei.parse import TEI_NS, parse_xml
from tests.conftest import GOLD, REFERENCES
from tests.export_data import annotate_seed

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


def _pandoc_both(tmp_path: Path, entries: list[BibEntry], keys: Sequence[str]
                 ) -> dict[str, str]:
    """pandoc --citeproc's plain bibliography of ``keys`` from the .bib and from the CSL-JSON
    of ``entries`` (``x.bib``, ``x.json``), each checked to run without a warning."""
    (tmp_path / "x.bib").write_text(render(entries)[0], encoding="utf-8")
    (tmp_path / "x.json").write_text(csl_render(entries), encoding="utf-8")
    (tmp_path / "doc.md").write_text(
        f"---\nnocite: '{', '.join('@' + k for k in keys)}'\n---\nText.\n")
    out = {}
    for name in ("x.bib", "x.json"):
        done = run(["pandoc", "--citeproc", f"--bibliography={name}", "-t", "plain", "doc.md"],
                   tmp_path)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        out[name] = " ".join(done.stdout.split())
    return out


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
    # the dash as LaTeX; the source's title (read from TEI) as written, its capitals kept;
    # sentence case as the style wants it, but what the .bib braced
    assert "German\\textendash{}{Soviet} {Axis} talks." in bbl
    assert "{German}--{Soviet} Relations" in bbl


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


def test_export_bib_csl_years_bc_are_counted_as_csl_counts_them(tmp_path):
    """BibLaTeX's -0044 is 45 BC (ISO 8601: 0000 is 1 BC), CSL's -45: pandoc renders the
    .bib and the CSL-JSON of a work BC the same, a year a historian would write."""
    works = [BibEntry("cicero", "book", (("author", "Cicero, Marcus Tullius"), ("title", "De re"),
                                         ("date", "-0044-03-15")), "x.bib"),
             BibEntry("plato", "book", (("author", "Plato"), ("title", "Laws"),
                                        ("date", "-0347/-0346")), "x.bib")]
    assert item(works[0])["issued"] == {"date-parts": [[-45, 3, 15]]}
    assert item(works[1])["issued"] == {"date-parts": [[-348], [-347]]}
    assert item(BibEntry("z", "book", (("title", "Z"), ("date", "0000")), "x.bib"))[
        "issued"] == {"date-parts": [[-1]]}  # 1 BC (pandoc leaves a year 0 as 0)
    out = _pandoc_both(tmp_path, works, ["cicero", "plato"])
    assert out["x.json"] == out["x.bib"]
    assert "45BC" in out["x.json"].replace(" ", ""), out["x.json"]


# names biber and pandoc split alike: particles, a suffix, 'and others'
NAMES_BIB = r"""@book{molotov, author = {Molotov, V. M. and others}, title = {Speeches},
  publisher = {P}, year = {1940}}
@book{names, author = {Smith, Jr., John and {van der} Berg, Anna and de la Fontaine, Jean and
  Ludwig van Beethoven and {von Neumann}, John and Charles Louis Xavier Joseph de la
  Vall{\'e}e Poussin and Jean de La Fontaine and Drummond de Andrade, Carlos and
  {Barnes and Noble} and {Department of Defense}, USA and Plato and aa bb},
  title = {Names}, publisher = {P}, year = {2000}}
@book{prefix, author = {van Gogh, Vincent}, options = {useprefix=true}, title = {Letters},
  publisher = {P}, year = {1890}}
"""


def test_export_bib_csl_names_are_pandoc_s_reading_of_the_bib(tmp_path):
    """Each name's CSL parts are those pandoc reads from the .bib, field by field: the von
    part a dropping particle (a non-dropping one with useprefix), a braced particle a
    non-dropping one, 'Jr.' a suffix, 'and others' the literal pandoc's citeproc renders as
    et al. (was: family 'others', given 'Jr., John', family 'de la Fontaine')."""
    entries = _read(NAMES_BIB)
    (tmp_path / "t.bib").write_text(NAMES_BIB, encoding="utf-8")
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", "t.bib"], tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    theirs = {i["id"]: i["author"] for i in json.loads(done.stdout)}
    for key, entry in entries.items():
        assert item(entry)["author"] == theirs[key], key
    assert item(entries["molotov"])["author"][1] == {"literal": "others"}
    out = _pandoc_both(tmp_path, list(entries.values()), ["molotov"])
    assert out["x.bib"] == out["x.json"] and "Molotov, V. M. et al. 1940" in out["x.json"]


BIBER_NAMES = [
    "Smith, Jr., John", "{van der} Berg, Anna", "de la Fontaine, Jean", "Jean de La Fontaine",
    "Ludwig van Beethoven", "{von Neumann}, John", "Vincent {van} Gogh", "{van} Gogh, Vincent",
    "Drummond de Andrade, Carlos", "John {Smith Jones}", "{\\'E}mile Zola", "aa bb", "AA bb",
    "{van der Berg}, Anna", "van der {Berg}, Anna", "{\\relax Ch}arles Lutwidge Dodgson",
    "jean-Paul Sartre", "Jean-Paul Sartre", "Kurt {von} Neumann", "al-Khwarizmi, Muhammad",
    "Louis {de la Vall\\'ee Poussin}", "Plato", "{\\oe}rsted, Hans", "Smith, John, Jr."]


def test_export_bib_name_parts_are_biber_s(tmp_path):
    """Every name splits into biber's family, given, prefix (von) and suffix parts, braces and
    all: what pandoc reads otherwise ('{\\'E}mile Zola' with a particle 'Émile', 'Kurt {von}
    Neumann' with one 'von') is biber's reading here."""
    bib = "@book{n, author = {" + " and ".join(BIBER_NAMES) + "}, title = {T}, year = 2000}\n"
    theirs = _biber_names(tmp_path, bib)
    (entry,) = bib_mod.parse_bib(bib, path=Path("n.bib"), origin="n.bib")
    mine = [bib_mod.name_parts(n) for n in bib_mod.split_names(entry.get("author"))]
    assert [tuple(plain(x) for x in (p.family, p.given, p.von, p.jr)) + (p.useprefix,)
            for p in mine] == theirs


def _biber_names(folder: Path, bib: str) -> list[tuple[str, str, str, str, bool | None]]:
    """Every author name of ``bib`` as biber --tool reads it, in the file's order: (family,
    given, prefix, suffix) as text, and the name's own useprefix (None: none given)."""
    (folder / "n.bib").write_text(bib, encoding="utf-8")
    done = run(["biber", "--tool", "--output-format=biblatexml", "--output-file=n.bltxml",
                "n.bib"], folder)
    assert done.returncode == 0 and "WARN" not in done.stdout, done.stdout
    tree = parse_xml((folder / "n.bltxml").read_bytes(), Path("n.bltxml"))
    ns = {"b": "http://biblatex-biber.sourceforge.net/biblatexml"}
    theirs = []
    for name in tree.iterfind(".//b:names[@type='author']/b:name", ns):
        part = {p.get("type"): " ".join(t.strip() for t in p.itertext() if t.strip())
                for p in name.iterfind("b:namepart", ns)}
        use = name.get("useprefix")
        theirs.append((*(plain(part.get(k, "")) for k in ("family", "given", "prefix",
                                                          "suffix")),
                       None if use is None else use == "true"))
    return theirs


EXTENDED_NAMES = r"""@book{xa, author = {family=Berg, given=Anna, prefix=van der, useprefix=true},
  title = {T}, year = 2000}
@book{xb, author = {family=Berg, given=Anna, prefix=van der}, title = {T}, year = 2000}
@book{xc, author = {given=Jean, prefix=de la, family=Fontaine, suffix=Jr. and Smith, John},
  title = {T}, year = 2000}
@book{xd, author = {family={van Berg}, given={Anna Maria}}, title = {T}, year = 2000}
@book{xe, author = {family=Doe, given=John, given-i=J}, title = {T}, year = 2000}
@book{xf, author = {"family=Smith, Jr.", given=John}, title = {T}, year = 2000}
"""


def test_export_bib_extended_names_are_split_as_biber_and_pandoc_read_them(tmp_path):
    """biblatex's extended name format ('family=Berg, given=Anna, prefix=van der,
    useprefix=true') gives biber's parts and the name's own useprefix, and pandoc's CSL
    names, the prefix a dropping particle or, with useprefix, a non-dropping one (was: read
    as a BibTeX name, family 'given=Anna' and the like). A pair in double quotes keeps its
    comma, as biber's CSV reader does ('"family=Smith, Jr."'; pandoc loses that family)."""
    theirs = _biber_names(tmp_path, EXTENDED_NAMES)
    (tmp_path / "x.bib").write_text(EXTENDED_NAMES, encoding="utf-8")
    entries = _read(EXTENDED_NAMES)
    mine = [bib_mod.name_parts(n) for key in sorted(entries)
            for n in bib_mod.split_names(entries[key].get("author"))]
    assert sorted((tuple(plain(x) for x in (p.family, p.given, p.von, p.jr)) + (p.useprefix,)
                   for p in mine), key=str) == sorted(theirs, key=str)
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", "x.bib"], tmp_path)
    pandoc = {i["id"]: i["author"] for i in json.loads(done.stdout)}
    for key in ("xa", "xb", "xc", "xd", "xe"):
        assert item(entries[key])["author"] == pandoc[key], key
    assert item(entries["xa"])["author"] == [
        {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"}]
    assert item(entries["xf"])["author"] == [{"family": "Smith, Jr.", "given": "John"}]


def test_export_bib_classic_file_writes_an_extended_name_as_bibtex_reads_names(tmp_path):
    """Classic BibTeX knows no extended name format: 'family=Berg, given=Anna, prefix=van
    der' went to the classic file as written, which BibTeX splits at its commas into a
    family 'family=Berg' and a given name 'prefix=van der'. It is written 'van der Berg,
    Anna' there, which plain.bst prints 'Anna van der Berg'; the biblatex file keeps it."""
    entries = _read(EXTENDED_NAMES.replace("title = {T}", "title = {T}, publisher = {P}"))
    works = [entries["xb"], entries["xc"]]
    text, _notes = render(works, ascii_only=True)
    assert "author = {van der Berg, Anna}" in text
    assert "author = {de la Fontaine, Jr., Jean and Smith, John}" in text
    assert "author = {family=Berg, given=Anna, prefix=van der}" in render(works)[0]
    bbl = _plain_bbl(tmp_path, text)
    assert "Anna van~der Berg" in bbl and "Jean de~la Fontaine, Jr." in bbl



def _plain_bbl(folder: Path, text: str) -> str:
    """The bibliography BibTeX's plain.bst makes of the classic file ``text``, every entry
    cited, its whitespace one space; BibTeX warns of nothing."""
    (folder / "x.bib").write_text(text, encoding="utf-8")
    (folder / "paper.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{x}\n")
    done = run(["bibtex", "paper"], folder)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    return " ".join((folder / "paper.bbl").read_text().split())

NO_FAMILY = r"""@book{na, author = {given=Y, prefix=van, useprefix=true}, title = {T},
  publisher = {P}, year = 2000}
@book{nb, author = {given=Jean, prefix=de, useprefix=false and Smith, John}, title = {T},
  publisher = {P}, year = 2000}
"""


def test_export_bib_a_name_with_no_family_part_is_written_as_biber_reads_it(tmp_path):
    """A name in biblatex's extended format with no family part ('given=Y, prefix=van'),
    which biber reads as given names and a prefix alone, went to the classic .bib and the
    TEI <author> as 'van, Y', a family 'van': it is written as biblatex prints biber's parts,
    given names then prefix ('Y van'), which BibTeX prints so too, and the TEI <bibl> still
    reads back as the entry."""
    from annotator.bibliography.tei_bibl import bibl_lines, read_bibl

    theirs = [p for p in _biber_names(tmp_path, NO_FAMILY) if not p[0]]
    assert [(p[1], p[2]) for p in theirs] == [("Y", "van"), ("Jean", "de")]
    shown = [" ".join(x for x in (given, prefix, suffix) if x)
             for _family, given, prefix, suffix, _use in theirs]
    entries = _read(NO_FAMILY)
    works = [entries["na"], entries["nb"]]
    text, _notes = render(works, ascii_only=True)
    assert f"author = {{{shown[0]}}}" in text
    assert f"author = {{{shown[1]} and Smith, John}}" in text
    bbl = _plain_bbl(tmp_path, text)
    assert "Y~van." in bbl and "Jean de and John Smith." in bbl
    for work, name in zip(works, shown):
        lines = bibl_lines(work.key, work.type, work.fields, work.key, lambda n: n)
        assert f"  <author>{name}</author>" in lines
        xml = f'<listBibl xmlns="{TEI_NS}">' + "\n".join(lines) + "</listBibl>"
        assert read_bibl(parse_xml(xml.encode(), Path("x.xml"))[0]) == (work.type,
                                                                         dict(work.fields))


def test_export_bib_csl_names_keep_braced_and_whole():
    entry = BibEntry("k", "book", (("author", "{Barnes and Noble} and Joachim von Ribbentrop"),
                                   ("title", "T")), "x.bib")
    assert item(entry)["author"] == [{"literal": "Barnes and Noble"},
                                     {"family": "Ribbentrop", "given": "Joachim",
                                      "dropping-particle": "von"}]
    # a name of braced parts (a .bib protecting case) is a person's, split at its comma
    parts = BibEntry("p", "book", (("author", "{Nekrich}, {Aleksandr M.} and {Ada} {Lovelace}"),
                                   ("title", "T")), "x.bib")
    assert item(parts)["author"] == [{"family": "Nekrich", "given": "Aleksandr M."},
                                     {"family": "Lovelace", "given": "Ada"}]


def test_export_bib_mends_entries_for_biber_and_keeps_every_field():
    entry = BibEntry("w", "online", (("title", "T"), ("publisher", "Wikimedia Foundation"),
                                     ("url", "https://x.org/a_b%20c"), ("date", "2001-02-03"),
                                     ("year", "2001"), ("pagetotal", "3")), "x.bib")
    prep = biblatex(entry)
    # publisher is an @online's organization; year is the date's; pagetotal stays (biber
    # ignores what its data model lacks)
    assert prep.fields == {"title": "T", "url": "https://x.org/a_b%20c", "date": "2001-02-03",
                           "organization": "Wikimedia Foundation", "pagetotal": "3"}
    assert prep.notes == []
    book = biblatex(BibEntry("b", "book", (("author", "A"), ("title", "T"), ("year", "1990"),
                                           ("volume", "II"), ("note", "n"),
                                           ("isbn", "0-231-10676-8")), "x.bib"))
    assert (book.fields["note"], book.fields["volume"], book.fields["isbn"]) == (
        "n", "II", "0-231-10676-8")
    assert book.notes == ["ISBN 0-231-10676-8 has a wrong check digit (kept; biber warns)"]
    undated = biblatex(BibEntry("u", "book", (("title", "T"),), "x.bib"))
    assert sorted(undated.notes) == ["@book needs author, which the entry lacks",
                                     "@book needs date or year, which the entry lacks"]
    old = classic(BibEntry("t", "thesis", (("author", "A, B"), ("title", "T"),
                                           ("institution", "U"), ("date", "1999-04")), "x.bib"))
    assert (old.type, old.fields["school"], old.fields["year"], old.fields["month"]) == (
        "phdthesis", "U", "1999", "4")
    assert isbn_ok("0-231-10676-9") and isbn_ok("978-0-231-10676-4")
    assert not isbn_ok("0-231-10676-8")


def test_export_bib_writes_values_as_latex_and_urls_as_they_are():
    assert latex_value("title", "Cost \\& benefit: 100\\% of \\$5", ascii_only=False) == (
        "Cost \\& benefit: 100\\% of \\$5", "")
    assert latex_value("url", "https://x.org/?a=1&b=%20", ascii_only=False) == (
        "https://x.org/?a=1&b=%20", "")
    assert latex_value("title", "Über Ost–West NASA", ascii_only=True) == (
        '{\\"U}ber Ost\\textendash{}West {NASA}', "")
    assert latex_value("url", "https://de.wikipedia.org/wiki/Ö", ascii_only=True) == (
        "https://de.wikipedia.org/wiki/%C3%96", "")
    assert latex_value("title", "Narrow\u202fspace", ascii_only=True) == ("Narrow\\,space", "")
    assert latex_value("title", "中国 Ü 中", ascii_only=True) == ('中国 {\\"U} 中', "中国")
    # dotless i and j have LaTeX letters ({\i}, {\j}): the entry is kept, and reads back
    assert latex_value("author", "Akşın, Ozan", ascii_only=True) == (
        "Ak{\\c{s}}{\\i}n, Ozan", "")
    from annotator.bibliography.latex import decode

    assert decode("Ak{\\c{s}}{\\i}n, Ozan") == "Akşın, Ozan"


# any text a TEI title or note can hold (no control characters: refused at the door)
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30) \
    .map(lambda s: " ".join(s.split(" "))).filter(str.strip)


@settings(max_examples=80, deadline=None)
@given(title=_text, note=_text, author=_text)
def test_export_bib_values_read_back_by_the_bib_reader(title, note, author):
    """Plain text (from TEI) -> stored value -> .bib -> read again: the same value, and the
    same text for people."""
    fields = {"author": author.replace(" and ", " "), "title": title, "note": note}
    entry = BibEntry("k1", "book", (*((k, bib_mod.as_value(k, v)) for k, v in fields.items()),
                                    ("year", "1990")), "x.bib")
    text, _ = render([entry])
    back = dict(bib_mod.parse_bib(text, path=Path("x.bib"), origin="x.bib")[0].fields)
    assert back["note"] == entry.get("note")
    assert plain(back["note"]) == _spaced(note)
    assert plain(back["title"]) == _spaced(title)


def _spaced(text: str) -> str:
    """Runs of ASCII white space as one (a .bib file's line breaks are spaces)."""
    return re.sub(r"[ \t\n\r]+", " ", text).strip()


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


def test_export_bib_ascii_keeps_a_work_whose_key_is_not_ascii(seed_ws, tmp_path):
    """A cited work whose key is not ASCII (``müller2000``, from the editor's .bib): the classic
    BibTeX file keeps it, key as written, with a note naming the entry and what to do (it was
    left out, so a cited work vanished from the paper's bibliography); real BibTeX puts it in
    the .bbl for ``\\citation{müller2000}``. biber's file keeps it too."""
    from tests.conftest import run as cli

    umlaut = tmp_path / "umlaut.bib"
    umlaut.write_text("@book{müller2000, author = {Müller, Jörg}, title = {Über},\n"
                      "  publisher = {Reclam}, year = {2000}}\n", encoding="utf-8")
    seed_ws.bib_add(umlaut)
    done = cli(seed_ws, "export", "bibtex", "--all", "--ascii")
    assert done.exit_code == 0, done.output
    path = seed_ws.exports_dir / "bibliography-bibtex.bib"
    text = path.read_text(encoding="utf-8")
    assert "@book{müller2000," in text and "@misc{germansovietaxis" in text
    assert [c for c in text if not c.isascii()] == ["ü"]  # the key; its fields escaped
    assert text.startswith("% Written by annotator for classic BibTeX (ASCII, LaTeX escapes; "
                           "UTF-8 where")
    assert "(2 works, bibtex)" in done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: müller2000:")]
    assert len(notes) == 1 and "the citation key is not ASCII: kept as written" in notes[0]
    assert "plain-ASCII key" in notes[0] and "left out" not in notes[0]
    (path.parent / "paper.aux").write_text(
        f"\\citation{{müller2000}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n",
        encoding="utf-8")
    done = run(["bibtex", "paper"], path.parent)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    bbl = (path.parent / "paper.bbl").read_text(encoding="utf-8")
    assert "\\bibitem{müller2000}" in bbl and "M{\\\"u}ller" in bbl, bbl
    done = cli(seed_ws, "export", "bibtex", "--all")
    assert done.exit_code == 0 and "@book{müller2000," in \
        (seed_ws.exports_dir / "bibliography.bib").read_text(encoding="utf-8")


def test_export_bib_ascii_keeps_a_work_whose_author_has_no_latex_escape(seed_ws, tmp_path):
    """`export bibtex --ascii --all -o -` with a Japanese author: the entry is written, its
    ideographs as UTF-8 and its accents as escapes, with a note naming the entry, field and
    character; real BibTeX reads the file and puts the work in the bibliography (it was left
    out, so a cited work went missing)."""
    from tests.conftest import run as cli

    works = tmp_path / "ja.bib"
    works.write_text("@book{tanaka, author = {田中, 太郎}, title = {Tōkyō no rekishi},\n"
                     "  publisher = {Iwanami}, year = {1990}}\n", encoding="utf-8")
    seed_ws.bib_add(works)
    done = cli(seed_ws, "export", "bibtex", "--ascii", "--all", "-o", "-")
    assert done.exit_code == 0, done.output
    assert "@book{tanaka," in done.stdout
    assert "author = {田中, 太郎}" in done.stdout and "T{\\=o}ky{\\=o}" in done.stdout
    notes = [line for line in done.stderr.splitlines() if line.startswith("note: tanaka:")]
    assert len(notes) == 1, done.stderr
    assert notes[0].startswith("note: tanaka: field 'author' has U+7530 CJK UNIFIED "
                               "IDEOGRAPH-7530 (and 3 more characters) with no LaTeX escape")
    assert "kept as UTF-8" in notes[0] and "romanised" in notes[0] and "left out" not in notes[0]
    done = cli(seed_ws, "export", "bibtex", "--ascii", "--all")
    assert "(2 works, bibtex)" in done.stderr  # the count has it
    path = seed_ws.exports_dir / "bibliography-bibtex.bib"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("% Written by annotator for classic BibTeX (ASCII, LaTeX escapes; "
                           "UTF-8 where")
    assert [c for c in text if not c.isascii()] == list("田中太郎")
    (path.parent / "paper.aux").write_text(
        f"\\citation{{tanaka}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
    done = run(["bibtex", "paper"], path.parent)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    bbl = (path.parent / "paper.bbl").read_bytes().decode("utf-8")
    assert "\\bibitem{tanaka}\n太郎 田中.\n" in bbl, bbl


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
    assert (prep.fields.get("date"), "year" in prep.fields) == ("2000", False)
    assert prep.notes == ["date '2000-13-45' is not a real date (there is no month 13): "
                          "2000 kept"]
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


# -- biblatex's EDTF dates, and dates that name no date --------------------------------------
EDTF = r"""@article{circa, author={Jones, Ann}, title={C}, journaltitle={J}, date={1999~}}
@article{unc, author={Jones, Ann}, title={U}, journaltitle={J}, date={1999?}}
@article{season, author={Jones, Ann}, title={S}, journaltitle={J}, date={2001-21}}
@misc{dt, author={Doe, Jane}, title={DT}, date={1940-11-12T10:00:00}}
@misc{weird, author={Doe, J{\"{o}}rg}, title={Weird date}, date={1940-11-12T10:00:00}, year={1940}}
@book{open, author={Roe, R}, title={O}, publisher={P}, date={2019-05-01/}}
@article{c53, author={Loe, L}, title={Y}, journaltitle={J}, year={c. 1953}}
"""
UNREAL = """@online{web, author={{WHO}}, title={R}, url={https://e.org}, date={2024},
  urldate={2024-02-30}}
@article{x, author={Poe, P}, title={X}, journaltitle={J}, year=2012, month=13}
"""


@pytest.mark.parametrize(("text", "parts", "circa", "uncertain", "division"), [
    ("1999~", ((1999,),), True, False, None), ("1999?", ((1999,),), False, True, None),
    ("1999%", ((1999,),), True, True, None), ("2001-21", ((2001, 21),), False, False, 21),
    ("1940-11-12T10:00:00", ((1940, 11, 12),), False, False, None),
    ("1940-11-12T10:00:00Z", ((1940, 11, 12),), False, False, None),
    ("2019-05-01/", ((2019, 5, 1), ()), False, False, None),
    ("1999~/2000", ((1999,), (2000,)), True, False, None),
    ("../2019", ((), (2019,)), False, False, None), ("/2019", ((), (2019,)), False, False, None),
    ("../2019-05-03?", ((), (2019, 5, 3)), False, True, None),
    ("2001-25", ((2001, 25),), False, False, 25), ("2001-33", ((2001, 33),), False, False, 33),
    ("2001-41~", ((2001, 41),), True, False, 41)])
def test_export_bib_edtf_dates_as_biber_reads_them(text, parts, circa, uncertain, division):
    """An open start ('../2019', '/2019') and biber's divisions of the year past the four
    seasons (25-41: a hemisphere's seasons, quarters, quadrimesters, semesters) are dates
    (were: None, so the exports wrote a bare year)."""
    from annotator.calendar import bib_date

    found = bib_date(text)
    assert found is not None
    assert (found.parts, found.circa, found.uncertain, found.division) == (
        parts, circa, uncertain, division)


@pytest.mark.parametrize(("text", "parts"), [
    ("199X", ((1990,), (1999,))), ("19XX", ((1900,), (1999,))),
    ("1999-XX", ((1999, 1), (1999, 12))), ("2000-02-XX", ((2000, 2, 1), (2000, 2, 29))),
    ("1999-XX-XX", ((1999, 1, 1), (1999, 12, 31))), ("199X/2005", ((1990,), (1999,))),
    ("199X~", None), ("1999-1X", None), ("1999-13-XX", None), ("..", None), ("/", None)])
def test_export_bib_unspecified_digits_are_the_range_biber_reads(text, parts):
    """ISO 8601-2's unspecified digits are the range biber's parse_date_unspecified makes of
    them (an end written after them ignored, as biber ignores it); a form it lacks, and a
    date with no end at all, is none."""
    from annotator.calendar import bib_date

    found = bib_date(text)
    assert (found.parts, found.unspecified) == (parts, True) if parts else found is None


MORE_EDTF = r"""@book{openstart, author={Roe, R}, title={O}, publisher={P}, date={../2019}}
@book{slash, author={Roe, R}, title={S}, publisher={P}, date={/2019-05}}
@book{decade, author={Roe, R}, title={D}, publisher={P}, date={199X}}
@book{maydays, author={Roe, R}, title={M}, publisher={P}, date={1999-05-XX}}
@book{springn, author={Roe, R}, title={N}, publisher={P}, date={2001-25}}
@book{summers, author={Roe, R}, title={H}, publisher={P}, date={2001-30}}
@book{quarter, author={Roe, R}, title={Q}, publisher={P}, date={2001-34}}
@book{semester, author={Roe, R}, title={E}, publisher={P}, date={2001-41}}
"""


def test_export_bib_open_starts_unspecified_digits_and_year_divisions(tmp_path):
    """'../2019', '199X', '1999-05-XX' and the divisions 25-41 went out as a bare year (or,
    for 199X, none): the biblatex file keeps each as written, which biber reads without a
    warning (an open start as its end, a division as its yeardivision); classic BibTeX gets
    the years ('--2019', '1990--1999': the range biber reads) and a month where there is
    one, with a note for what it has no field for; CSL-JSON gets the open start as [0] (as
    pandoc reads '/2019'), the range the digits leave open, a season of either hemisphere
    as CSL's season and a quarter or semester as the months it spans."""
    works = sorted(_read(MORE_EDTF).values(), key=lambda e: e.key)
    text, notes = render(works)
    for key, date in (("openstart", "../2019"), ("slash", "/2019-05"), ("decade", "199X"),
                      ("maydays", "1999-05-XX"), ("springn", "2001-25"),
                      ("summers", "2001-30"), ("quarter", "2001-34"),
                      ("semester", "2001-41")):
        assert f"date = {{{date}}}" in text.split(f"{{{key},")[1].split("@")[0], key
    assert "year =" not in text and notes == []
    (tmp_path / "x.bib").write_text(text, encoding="utf-8")
    done = run(["biber", "--tool", "--output-format=bibtex", "--output-fieldcase=lower",
                "--output-file=back.bib", "x.bib"], tmp_path)
    assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout
    back = (tmp_path / "back.bib").read_text(encoding="utf-8")
    for division in ("springN", "summerS", "Q2", "S2"):
        assert f"yeardivision = {{{division}}}" in back
    assert back.count("endyear = {2019}") == 2

    classic_text, classic_notes = render(works, ascii_only=True)
    fields = {w.key: classic(w).fields for w in works}
    assert {k: (f.get("year"), f.get("month")) for k, f in fields.items()} == {
        "openstart": ("--2019", None), "slash": ("--2019", None),
        "decade": ("1990--1999", None), "maydays": ("1999", "5"), "springn": ("2001", None),
        "summers": ("2001", None), "quarter": ("2001", None), "semester": ("2001", None)}
    assert [n.split(":")[0] for n in classic_notes] == [
        "decade", "maydays", "quarter", "semester", "springn", "summers"]
    assert "unspecified digits (biber reads 1990 to 1999)" in classic_notes[0]
    assert "(quarter 2)" in classic_notes[2] and "(summer in the southern" in classic_notes[5]

    issued = {w.key: item(w).get("issued") for w in works}
    assert issued == {
        "openstart": {"date-parts": [[0], [2019]]}, "slash": {"date-parts": [[0], [2019, 5]]},
        # the range the digits leave open, and the EDTF date bib add reads back as written
        "decade": {"date-parts": [[1990], [1999]], "edtf": "199X"},
        "maydays": {"date-parts": [[1999, 5, 1], [1999, 5, 31]], "edtf": "1999-05-XX"},
        "springn": {"date-parts": [[2001]], "season": 1},
        "summers": {"date-parts": [[2001]], "season": 2},
        "quarter": {"date-parts": [[2001, 4], [2001, 6]]},
        "semester": {"date-parts": [[2001, 7], [2001, 12]]}}
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", "x.bib"], tmp_path)
    pandoc = {i["id"]: i.get("issued") for i in json.loads(done.stdout)}
    assert pandoc["slash"] == issued["slash"]  # pandoc reads '/2019-05', not '../2019'
    import jsonschema

    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(
        json.loads(csl_render(works)))) == []


@pytest.mark.parametrize(("text", "kept"), [
    ("2024-02-30", ("2024-02", "February 2024 has 29 days")),
    ("2000-13-45", ("2000", "there is no month 13")),
    ("2001-21-03", ("2001-21", "a season has no day")),
    ("1940-11-12T25:00:00", ("1940-11-12", "there is no time of day 25:00:00")),
    ("1999-02-29~/2000", ("1999-02~/2000", "February 1999 has 28 days")),
    ("2024-02-29", None), ("c. 1953", None), ("1999~", None)])
def test_export_bib_a_date_that_is_none_keeps_the_part_that_is(text, kept):
    from annotator.calendar import real_part

    assert real_part(text) == kept


def test_export_bib_edtf_dates_are_kept_as_biber_pandoc_and_csl_read_them(tmp_path):
    """'1999~', '2001-21', a date-time and an open range went out of the biblatex file as
    a bare year (circa, season, month and day lost) and out of CSL-JSON as [[1999]]: the
    biblatex file keeps each date as written, which biber reads without a warning; classic
    BibTeX gets the year and month (a note for what it has no field for); CSL-JSON gets
    circa, season, the whole day and the open end, as pandoc reads the .bib; a year that
    is no date ('c. 1953') is a literal, as pandoc prints it."""
    works = sorted(_read(EDTF).values(), key=lambda e: e.key)
    text, notes = render(works)
    for key, date in (("circa", "1999~"), ("unc", "1999?"), ("season", "2001-21"),
                      ("dt", "1940-11-12T10:00:00"), ("weird", "1940-11-12T10:00:00"),
                      ("open", "2019-05-01/")):
        assert f"date = {{{date}}}" in text.split(f"{{{key},")[1].split("@")[0], key
    assert "year" not in biblatex(_read(EDTF)["weird"]).fields  # the date's own year
    assert notes == []
    (tmp_path / "x.bib").write_text(text, encoding="utf-8")
    done = run(["biber", "--tool", "--output-format=bibtex", "--output-fieldcase=lower",
                "--output-file=back.bib", "x.bib"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    warns = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("WARN")]
    assert warns == ["WARN - legacy year field 'c. 1953' in entry 'c53' is not an integer - "
                     "this will probably not sort properly."]  # the .bib's own, as written
    back = (tmp_path / "back.bib").read_text(encoding="utf-8")
    assert "yeardivision = {spring}" in back and "date = {1999~}" in back

    classic_text, classic_notes = render(works, ascii_only=True)
    fields = {w.key: classic(w).fields for w in works}
    assert {k: (f.get("year"), f.get("month")) for k, f in fields.items()} == {
        "c53": ("c. 1953", None), "circa": ("1999", None), "dt": ("1940", "11"),
        "open": ("2019--", None), "season": ("2001", None), "unc": ("1999", None),
        "weird": ("1940", "11")}
    assert "year = {1940},\n  month = nov" in classic_text
    assert [n.split(":")[0] for n in classic_notes] == ["circa", "season", "unc"]
    assert "approximate" in classic_notes[0] and "uncertain" in classic_notes[2]

    issued = {w.key: item(w).get("issued") for w in works}
    assert issued == {
        "c53": {"literal": "c. 1953"}, "circa": {"date-parts": [[1999]], "circa": True},
        "unc": {"date-parts": [[1999]], "edtf": "1999?"},  # uncertain: not circa
        "season": {"date-parts": [[2001]], "season": 1},
        "dt": {"date-parts": [[1940, 11, 12]]}, "weird": {"date-parts": [[1940, 11, 12]]},
        "open": {"date-parts": [[2019, 5, 1], [0]]}}
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", "x.bib"], tmp_path)
    pandoc = {i["id"]: i.get("issued") for i in json.loads(done.stdout)}
    for key in ("circa", "dt", "weird", "open"):  # pandoc reads no season, no '?'
        assert pandoc[key] == issued[key], key
    import jsonschema

    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(
        json.loads(csl_render(works)))) == []
    out = _pandoc_both(tmp_path, works, sorted(issued))
    assert out["x.bib"] == out["x.json"]
    assert "c. 1953" in out["x.json"] and "2019–" in out["x.json"]


def test_export_bib_a_date_that_is_none_is_mended_the_same_in_every_export(tmp_path):
    """urldate = {2024-02-30} went out as written to biblatex (biber ignored it with a
    warning) and classic BibTeX ("Accessed 2024-02-30") and was dropped from CSL-JSON;
    month = 13 went out as written. Every export now keeps the part that is, 2024-02, and
    leaves the month out, with a note; biber reads the file without a warning."""
    works = sorted(_read(UNREAL).values(), key=lambda e: e.key)
    text, notes = render(works)
    assert "urldate = {2024-02}" in text and "month" not in text
    assert notes == ["web: urldate '2024-02-30' is not a real date (February 2024 has 29 "
                     "days): 2024-02 kept", "x: month '13' is no month: left out"]
    classic_text, classic_notes = render(works, ascii_only=True)
    assert "Accessed 2024-02}" in classic_text and "month" not in classic_text
    assert classic_notes == notes
    assert item(_read(UNREAL)["web"])["accessed"] == {"date-parts": [[2024, 2]]}
    assert item(_read(UNREAL)["x"])["issued"] == {"date-parts": [[2012]]}
    (tmp_path / "x.bib").write_text(text, encoding="utf-8")
    done = run(["biber", "--tool", "--output-file=back.bib", "x.bib"], tmp_path)
    assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout


# -- real bibliographies (issue 15) -------------------------------------------------------------
LIBRARIES = {"biblatex-examples": ("biblatex-examples.bib",),
             "beebe-texbook1-texgraph": ("texbook1.bib", "texgraph.bib")}
BIB = Path(__file__).parent / "data" / "bib"
CSL_SCHEMA = Path(__file__).parents[1] / "annotator" / "bibliography" / "csl-data.json"


@pytest.fixture(scope="module", params=sorted(LIBRARIES))
def real(request, tmp_path_factory):
    """A real library read, and written as .bib and CSL-JSON (in a folder of its own)."""
    paths = [BIB / name for name in LIBRARIES[request.param]]
    entries, problems = bib_mod.read_library(paths)
    folder = tmp_path_factory.mktemp(request.param)
    text, _notes = render(entries)
    (folder / "out.bib").write_text(text, encoding="utf-8")
    (folder / "out.json").write_text(csl_render(entries), encoding="utf-8")
    return paths, entries, folder


def _raw_entries(paths):
    """key (case folded) -> (type, {field: raw value}) of every entry of the files, the first
    of a key winning, read by bibtexparser alone."""
    import bibtexparser

    out = {}
    for path in paths:
        lib = bibtexparser.parse_string(path.read_text(encoding="utf-8"), parse_stack=[])
        for block in lib.blocks:
            entry = getattr(block, "ignore_error_block", None) or block
            if hasattr(entry, "entry_type") and entry.key:
                out.setdefault(entry.key.lower(), (entry.entry_type.lower(), {
                    f.key.lower(): str(f.value) for f in entry.fields}))
    return out


def test_export_bib_real_entries_in_are_entries_out(real):
    paths, entries, folder = real
    keys_in = set(_raw_entries(paths))
    assert {e.key.lower() for e in entries} == keys_in
    written = _raw_entries([folder / "out.bib"])
    assert set(written) == keys_in
    items = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    assert sorted(i["id"].lower() for i in items) == sorted(keys_in)


def test_export_bib_real_every_input_field_is_in_the_biblatex_output(real):
    """Every field but an attachment's local path (``library.private``), which is the editor's."""
    from annotator.bibliography.library import private
    from annotator.bibliography.biblatex_entries import ALIASES

    paths, _entries, folder = real
    written = _raw_entries([folder / "out.bib"])
    empty = {m.lower() for p in paths for m in re.findall(
        r'@string\s*[{(]\s*(\S+)\s*=\s*(?:""|\{\})', p.read_text(encoding="utf-8"), re.I)}
    missing = []
    for key, (_type, fields) in _raw_entries(paths).items():
        out = written[key][1]
        for name, value in fields.items():
            if not value.strip("{}\" ") or value.lower() in empty or private(name):
                continue  # '' or a macro for '', or a local file's path
            have = name in out or ALIASES.get(name) in out or \
                (name == "year" and "date" in out) or \
                (name == "publisher" and "organization" in out)
            if not have:
                missing.append((key, name))
    assert missing == []


def _biber_warnings(path: Path) -> tuple[set[str], str]:
    done = run(["biber", "--tool", "--validate-datamodel", f"--output-file={path.stem}-x.bib",
                path.name], path.parent)
    log = done.stdout + done.stderr
    warns = {re.sub(r"\(.*?\.bib\)", "", line) for line in log.splitlines()
             if line.startswith("WARN")}
    return warns, log


def test_export_bib_real_biber_validates_without_error_or_new_warning(real):
    paths, _entries, folder = real
    source = folder / "source.bib"
    source.write_text("\n".join(p.read_text(encoding="utf-8") for p in paths), encoding="utf-8")
    before, _ = _biber_warnings(source)
    after, log = _biber_warnings(folder / "out.bib")
    assert "ERROR" not in log, log
    # biber warns about the source's own gaps (a missing editor), never about ours
    assert after - before == set()


def test_export_bib_real_csl_json_is_valid_against_the_official_schema(real):
    import jsonschema

    _paths, _entries, folder = real
    items = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{e.json_path}: {e.message}" for e in
              jsonschema.Draft7Validator(schema).iter_errors(items)]
    assert errors == []
    assert not any("\n" in v for i in items for v in _strings(i))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


PANDOC_SAMPLE = ("aksin", "kastenholz", "baez/article", "aristotle:physics", "cicero", "wilde",
                 "knuth:ct", "gaonkar", "gaonkar:in", "hyman", "pines", "moraux", "salam",
                 "cms", "ctan", "itzhaki", "almendro", "chiu", "padhye", "geer", "loh")


def test_export_bib_real_pandoc_renders_csl_json_and_bib_the_same(tmp_path):
    """pandoc --citeproc gives the same bibliography from the CSL-JSON and from the .bib of
    the same library, for entries of every common type."""
    entries, _ = bib_mod.read_library([BIB / "biblatex-examples.bib"])
    out = _pandoc_both(tmp_path, entries, PANDOC_SAMPLE)
    assert out["x.json"] == out["x.bib"]
    assert out["x.json"].count("”") >= 8 and "Aksın, Özge" in out["x.json"]


# -- the six losses of issue 15, each with a test that failed before ----------------------------
def _read(text: str) -> dict[str, BibEntry]:
    return {e.key: e for e in bib_mod.parse_bib(text, path=Path("t.bib"), origin="t.bib")}


def test_issue15_latex_is_decoded_only_where_exact(tmp_path):
    src = r"""@book{knuth, author = {Knuth, Donald E.}, title = {The {\TeX book}}, year = 1984,
      note = {Run \texttt{tex -ini}; 100\% sure, 50% likely; see \href{https://x.org/a_b}{the site}},
      howpublished = {\url{https://ctan.org/pkg/a_b}}, abstract = {Energy $E = mc^2$ and
      G{\"o}del's \emph{Beweis}}}"""
    e = _read(src)["knuth"]
    assert e.get("title") == r"The {\TeX book}"  # kept as LaTeX: no Unicode form
    assert plain(e.get("title")) == "The TeXbook"  # before: "The book"
    assert e.get("note").endswith(r"\href{https://x.org/a_b}{the site}")
    assert "50% likely" in e.get("note")  # before: a bare '%' cut the field there
    assert e.get("howpublished") == r"\url{https://ctan.org/pkg/a_b}"
    assert e.get("abstract") == r"Energy $E = mc^2$ and Gödel's \emph{Beweis}"
    # written back as it came, and read again the same
    text, _ = render([e])
    again = _read(text)["knuth"]
    # the bare % written as LaTeX reads it as text (S315)
    assert dict(again.fields) == dict(e.fields) | {"title": r"The {\TeX book}", "note": e.get(
        "note").replace("50% likely", r"50\% likely")}
    assert item(e)["note"] == "Run tex -ini; 100% sure, 50% likely; see the site"


def test_issue15_corporate_names_stay_one_name_everywhere(tmp_path):
    src = """@patent{hyman, author = {{World Health Organization} and Ulam, Adam},
      holder = {{Hughes Aircraft Company}}, title = {Radio}, number = {4}, year = 1950,
      type = {patentus}}"""
    e = _read(src)["hyman"]
    assert item(e)["author"][0] == {"literal": "World Health Organization"}
    text, _ = render([e])
    assert "holder = {{Hughes Aircraft Company}}" in text
    path = tmp_path / "t.bib"
    path.write_text(text, encoding="utf-8")
    done = run(["biber", "--tool", "--output-file=back.bib", "--output-fieldcase=lower",
                "t.bib"], tmp_path)
    back = (tmp_path / "back.bib").read_text(encoding="utf-8")
    assert done.returncode == 0 and "{Hughes Aircraft Company}" in back, back


def test_issue15_types_become_biblatex_s_and_no_field_is_dropped():
    src = """@techreport{tr, author = {A, B}, title = {T}, institution = {MIT}, number = {42},
      year = 1990, lccn = {QA76}, added-at = {2020-01-01T10:00:00.000+0100},
      interhash = {abc123}}
    @phdthesis{phd, author = {A, B}, title = {T}, school = {Oxford}, year = 1991}
    @mastersthesis{ma, author = {A, B}, title = {T}, school = {Paris}, year = 1992}
    @proceedings{proc, title = {Proc}, booktitle = {Proc. of X}, year = 1993}"""
    entries = _read(src)
    tr, phd, ma, proc = (biblatex(entries[k]) for k in ("tr", "phd", "ma", "proc"))
    assert (tr.type, tr.fields["type"], tr.fields["institution"], tr.fields["number"]) == (
        "report", "techreport", "MIT", "42")
    assert (tr.fields["lccn"], tr.fields["added-at"], tr.fields["interhash"]) == (
        "QA76", "2020-01-01T10:00:00.000+0100", "abc123")
    assert (phd.type, phd.fields["type"], phd.fields["institution"]) == (
        "thesis", "phdthesis", "Oxford")
    assert (ma.type, ma.fields["type"]) == ("thesis", "mathesis")
    assert proc.fields["booktitle"] == "Proc. of X"
    csl = item(entries["tr"])
    assert csl["custom"] == {"lccn": "QA76", "added-at": "2020-01-01T10:00:00.000+0100",
                             "interhash": "abc123"}
    assert (csl["genre"], item(entries["phd"])["genre"], item(entries["ma"])["genre"]) == (
        "Technical report", "PhD thesis", "Master's thesis")


@pytest.mark.parametrize(("title", "written"), [
    ("On the Battlefields of the Cold War", "On the Battlefields of the Cold War"),
    ("The NASA Mission and the iPhone", "The {NASA} Mission and the {iPhone}"),
    ("McCarthy and the U.S. Senate", "{McCarthy} and the {U.S.} Senate"),
    ("A {Soviet} Ambassador", "A {Soviet} Ambassador"),  # what the source braced stays
    (r"The \LaTeX\ Companion", r"The \LaTeX\ Companion"),
])
def test_issue15_titles_protect_only_what_must_keep_its_case(title, written):
    assert latex_value("title", title, ascii_only=False) == (written, "")


def test_issue15_csl_json_reads_right_in_zotero_and_pandoc(tmp_path):
    src = """@article{art, author = {A, B}, title = {T}, journal = {J}, year = 2001,
      month = mar, day = {7}, number = {3}, langid = {english}, doi = {https://doi.org/10.1/x},
      note = {two
      lines}}
    @report{rep, author = {A, B}, title = {T}, institution = {I}, number = {12}, year = 2002,
      type = {techreport}, langid = {ngerman}}
    @book{bk, author = {A, B}, title = {T}, series = {Lecture Notes}, number = {99}, year = 2003,
      language = {british}}"""
    entries = _read(src)
    art, rep, bk = (item(entries[k]) for k in ("art", "rep", "bk"))
    assert (art["language"], rep["language"], bk["language"]) == ("en", "de-DE", "en-GB")
    assert art["issued"] == {"date-parts": [[2001, 3, 7]]}
    assert (art["issue"], rep["number"], bk["collection-number"]) == ("3", "12", "99")
    assert "number" not in art and "issue" not in rep
    assert (rep["genre"], art["DOI"], art["note"]) == ("Technical report", "10.1/x",
                                                        "two lines")
    (tmp_path / "x.json").write_text(csl_render(list(entries.values())), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\nText.\n")
    done = run(["pandoc", "--citeproc", "--bibliography=x.json", "-t", "plain", "doc.md"],
               tmp_path)
    assert "https://doi.org/10.1/x" in done.stdout and "doi.org/https" not in done.stdout


@pytest.mark.parametrize("title", ["中国近代史", "תולדות ישראל", "Ἱστορίαι Ἡροδότου",
                                   "Emoji 🎉 history", "Narrow\u202fno-break"])
def test_issue15_any_unicode_exports_and_ascii_names_what_it_keeps_as_utf8(title):
    entry = BibEntry("w", "book", (("author", "A, B"), ("title", title), ("publisher", "P"),
                                   ("year", "2000")), "t.bib")
    text, notes = render([entry])
    assert title in text and notes == []
    old, notes = render([entry], ascii_only=True)
    if title.startswith("Narrow"):
        assert "Narrow\\,no-break" in old and notes == []
        old.encode("ascii")
    else:  # the entry stays, the characters without an escape as UTF-8, said
        assert "@book{w" in old and f"title = {{{title}}}" in old
        assert len(notes) == 1 and notes[0].startswith("w: field 'title' has U+")
        assert "kept as UTF-8" in notes[0]
    assert json.loads(csl_render([entry]))[0]["title"] == title


@settings(max_examples=60, deadline=None)
@given(title=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_issue15_no_text_crashes_an_export(title):
    entry = BibEntry("w", "book", (("title", bib_mod.as_value("title", title)),), "t.bib")
    for ascii_only in (False, True):
        text, notes = render([entry], ascii_only=ascii_only)
        assert "@book{w," in text
        if ascii_only and not text.isascii():
            assert any("kept as UTF-8" in n for n in notes), notes
    json.loads(csl_render([entry]))


# -- a source's header as its entry: organisations and date ranges ---------------------------
LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>Hermann Bahr an Arthur Schnitzler</title>
<author><persName><surname>Bahr</surname><forename>Hermann</forename></persName></author>
<editor>Österreichische Nationalbibliothek</editor></titleStmt>
<publicationStmt><publisher><orgName>Austrian Centre for Digital Humanities</orgName></publisher>
<date when="2020"/></publicationStmt>
<sourceDesc><msDesc><msIdentifier><settlement>Wien</settlement>
<institution>Österreichische Nationalbibliothek<address><street>Josefsplatz 1</street></address>
</institution><idno>Autogr. 123/4</idno></msIdentifier></msDesc></sourceDesc>
</fileDesc><profileDesc><creation><date from="1901-03-01" to="1901-03-05">1.–5. 3. 1901</date>
</creation></profileDesc></teiHeader>
<text><body><p>Lieber Freund, ich schreibe aus Wien.</p></body></text></TEI>
"""
ONB = "Österreichische Nationalbibliothek"


@pytest.fixture
def letter_ws(ws, tmp_path):
    path = tmp_path / "bahr.xml"
    path.write_text(LETTER, encoding="utf-8")
    ws.add(path)
    return ws


def test_export_bib_header_institution_is_an_organisation_and_a_range_a_range(letter_ws):
    """The header's institution is no person's name: one literal name where it is an editor,
    the publisher where it publishes, the archive (biblatex's ``library``) where it holds
    the original; a ``from``/``to`` date is the whole range, as biber and citeproc read it."""
    ws = letter_ws
    entry = next(e for e in ws.bib() if e.origin == "source:bahr")
    assert (entry.get("editor"), entry.get("publisher"), entry.get("date")) == (
        "{" + ONB + "}", "Austrian Centre for Digital Humanities", "1901-03-01/1901-03-05")
    assert (entry.get("archive-place"), entry.get("archive"), entry.get("archive_location"),
            entry.get("library")) == ("Wien", ONB, "Autogr. 123/4", "")
    path = ws.root / ws.export_bibtex().path
    text = path.read_text(encoding="utf-8")
    assert f"library = {{Wien, {ONB}, Autogr. 123/4}}" in text and "archive" not in text
    assert "editor = {{" + ONB + "}}" in text
    assert "date = {1901-03-01/1901-03-05}" in text
    assert "organization = {Austrian Centre for Digital Humanities}" in text
    done = run(["biber", "--tool", "--validate-datamodel", "--output-file=back.bib",
                "--output-fieldcase=lower", path.name], path.parent)
    log = done.stdout + done.stderr
    assert done.returncode == 0 and "WARN" not in log and "ERROR" not in log, log
    back = (path.parent / "back.bib").read_text(encoding="utf-8")
    assert "editor = {{" + ONB + "}}" in back and "date = {1901-03-01/1901-03-05}" in back
    # classic BibTeX: the year only (no month of the range's first day); the name one name
    path = ws.root / ws.export_bibtex(ascii=True).path
    text = path.read_text(encoding="ascii")
    assert "editor = {{{\\\"O}sterreichische Nationalbibliothek}}" in text, text
    assert "year = {1901}" in text and "month" not in text
    (path.parent / "paper.aux").write_text(
        f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
    done = run(["bibtex", "paper"], path.parent)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    assert "Hermann Bahr.\n\\newblock" in (path.parent / "paper.bbl").read_text()


def test_export_bib_header_institution_in_csl_json(letter_ws):
    import jsonschema

    ws = letter_ws
    path = ws.root / ws.export_csl().path
    items = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    assert [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(items)] == []
    (item_,) = items
    assert item_["editor"] == [{"literal": ONB}]
    assert item_["author"] == [{"family": "Bahr", "given": "Hermann"}]
    assert (item_["publisher"], item_["archive"], item_["archive_location"],
            item_["archive-place"]) == (
        "Austrian Centre for Digital Humanities", ONB, "Autogr. 123/4", "Wien")
    assert "call-number" not in item_
    assert item_["issued"] == {"date-parts": [[1901, 3, 1], [1901, 3, 5]]}
    doc = path.parent / "paper.md"
    doc.write_text(f"---\nnocite: '@{item_['id']}'\n---\nText.\n")
    done = run(["pandoc", "--citeproc", f"--bibliography={path.name}", "-t", "plain",
                doc.name], path.parent)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    flat = " ".join(done.stdout.split())
    assert f"Edited by {ONB}" in flat or f"{ONB}, ed" in flat, flat
    assert "Nationalbibliothek, Österreichische" not in flat and "1901" in flat


@pytest.mark.parametrize(("editor", "expected"), [
    ("<orgName>Wiener Stadtbibliothek</orgName>", "{Wiener Stadtbibliothek}"),
    ('<name type="org">Acme</name>', "{Acme}"),
    ("Friends Historical Library of Swarthmore College",
     "{Friends Historical Library of Swarthmore College}"),
    ("Staatsarchiv", "Staatsarchiv"),  # one word: BibTeX reads it whole anyway
    ("Anna Schmidt", "Anna Schmidt"),
    ("<persName>Anna Library</persName>", "Anna Library"),  # marked a person
])
def test_export_bib_header_editor_that_names_a_body_is_one_name(editor, expected):
    from annotator.bibliography.entries import tei_entries

    xml = (f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>T</title>'
           f'<editor>{editor}</editor></titleStmt></fileDesc></teiHeader>'
           '<text><body><p>x</p></body></text></TEI>')
    (work,) = tei_entries(parse_xml(xml.encode(), Path("t.xml")), source_id="t", title="T",
                          taken=[])
    assert work.get("editor") == expected


MS_LETTER = LETTER.replace(
    "<idno>Autogr. 123/4</idno>",
    "<repository>Sammlung von Handschriften</repository>"
    "<collection>Nachlass Bahr</collection><idno>Autogr. 123/4</idno>")


def test_export_bib_header_holding_tells_biblatex_and_csl_the_same(ws, tmp_path):
    """The msIdentifier is CSL's archive (institution, repository), archive_location
    (collection, shelf mark) and archive-place (settlement), no longer all of it as the
    archive; the .bib's ``library`` joins the same parts, which pandoc reads as the
    call-number: one place, one archive, one shelf mark either way."""
    import jsonschema

    path = tmp_path / "bahr.xml"
    path.write_text(MS_LETTER, encoding="utf-8")
    ws.add(path)
    (item_,) = json.loads((ws.root / ws.export_csl().path).read_text(encoding="utf-8"))
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    assert [e.message for e in jsonschema.Draft7Validator(schema).iter_errors([item_])] == []
    assert (item_["archive"], item_["archive_location"], item_["archive-place"]) == (
        f"{ONB}, Sammlung von Handschriften", "Nachlass Bahr, Autogr. 123/4", "Wien")
    bib = ws.root / ws.export_bibtex().path
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", bib.name], bib.parent)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    (read,) = json.loads(done.stdout)
    assert read["call-number"] == ", ".join(
        item_[k] for k in ("archive-place", "archive", "archive_location"))
    done = run(["biber", "--tool", "--validate-datamodel", "--output-file=back.bib",
                bib.name], bib.parent)
    assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout


def test_export_bib_a_bib_s_library_is_csl_call_number_as_pandoc_reads_it(tmp_path):
    text = "@book{b, title = {T}, date = {2000}, library = {Bodleian, MS. Ashmole 1}}\n"
    (entry,) = bib_mod.parse_bib(text, path=Path("t.bib"), origin="t.bib")
    mine = item(entry)
    (tmp_path / "t.bib").write_text(text, encoding="utf-8")
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", "t.bib"], tmp_path)
    (theirs,) = json.loads(done.stdout)
    assert mine["call-number"] == theirs["call-number"] == "Bodleian, MS. Ashmole 1"
    assert "archive" not in mine


def test_export_bib_classic_year_bc_is_the_year_pandoc_and_the_csl_json_read(tmp_path):
    """Classic BibTeX prints its year as written, so a year BC is a historian's: BibLaTeX's
    -0044 (45 BC) is ``-45``, never ``004`` (AD 4); pandoc reads the classic file's year as
    the CSL-JSON's, and BibTeX's alpha style sorts it before an AD year."""
    def book(key: str, **fields: str) -> BibEntry:
        return BibEntry(key, "book", (("author", "Caesar, Gaius Julius"), ("title", key),
                                      ("publisher", "P"), *fields.items()), "x.bib")
    works = [book("a", date="-0044"), book("b", date="-0044-03-15"),
             book("c", date="-0027/0014"), book("d", year="-44"), book("e", date="0000"),
             book("f", date="1891-12-24")]
    years = {w.key: classic(w).fields["year"] for w in works}
    assert years == {"a": "-45", "b": "-45", "c": "-28--14", "d": "-45", "e": "-1",
                     "f": "1891"}
    assert classic(works[1]).fields["month"] == "3"
    # biblatex: a year that is the date's own goes (biber takes one of them), BC too
    assert "year" not in biblatex(book("g", date="-0044-03-15", year="-44")).fields
    assert biblatex(book("h", date="-0044-02-30")).fields["date"] == "-0044-02"  # no AD 44
    text, _ = render(works, ascii_only=True)
    (tmp_path / "x.bib").write_text(text, encoding="ascii")
    done = run(["pandoc", "-f", "bibtex", "-t", "csljson", "x.bib"], tmp_path)
    assert done.returncode == 0, done.stderr
    read = {i["id"]: i["issued"] for i in json.loads(done.stdout)}
    for w in works:
        if w.key not in "ce":  # pandoc reads no range from a year field, and drops -1
            assert read[w.key]["date-parts"][0][0] == item(w)["issued"]["date-parts"][0][0]
    (tmp_path / "paper.aux").write_text("\\citation{*}\n\\bibstyle{alpha}\n\\bibdata{x}\n")
    done = run(["bibtex", "paper"], tmp_path)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    bbl = (tmp_path / "paper.bbl").read_text()
    assert "P, -45." in bbl and bbl.index("]{a}") < bbl.index("]{f}")  # BC first


def test_export_bib_year_of_fewer_digits_is_read_as_biber_reads_it(tmp_path):
    """A year field of one to four digits, a minus for BC (``830``, ``-44``), is a year as
    biber reads it (into DATE): in the key, the listing and CSL-JSON's date-parts, as pandoc
    reads ``830``; ``-44`` is BibLaTeX's (ISO 8601) year, 45 BC, as a date -0044 is."""
    einhard = BibEntry("einhard", "book", (("author", "Einhard"), ("title", "Vita Karoli"),
                                           ("year", "830")), "x.bib")
    caesar = BibEntry("caesar", "book", (("author", "Caesar, Gaius Julius"),
                                         ("title", "De bello Gallico"), ("year", "-44")), "x.bib")
    assert bib_mod.make_key(dict(einhard.fields), []) == "einhard830vita"
    assert bib_mod.make_key(dict(caesar.fields), []) == "caesar-0044de"
    assert bib_mod.year_of(einhard) == "830"
    assert item(einhard)["issued"] == {"date-parts": [[830]]}
    assert item(caesar)["issued"] == item(BibEntry(
        "c", "book", (("date", "-0044"),), "x.bib"))["issued"] == {"date-parts": [[-45]]}
    (tmp_path / "x.bib").write_text(render([einhard, caesar])[0], encoding="utf-8")
    done = run(["pandoc", "-f", "biblatex", "-t", "csljson", "x.bib"], tmp_path)
    assert done.returncode == 0, done.stderr
    read = {i["id"]: i["issued"] for i in json.loads(done.stdout)}
    assert read["einhard"] == item(einhard)["issued"]
    done = run(["biber", "--tool", "--output-file=back.bib", "--output-fieldcase=lower",
                "x.bib"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    back = (tmp_path / "back.bib").read_text(encoding="utf-8")
    assert "date = {830}" in back and "date = {-44}" in back, back


CROSSREF = """@incollection{chap,
  author = {Bull, Richard},
  title = {A Letter},
  pages = {1--9},
  crossref = {coll},
  xref = {other},
}
@collection{coll,
  editor = {Pennant, Thomas},
  title = {Collected Letters},
  publisher = {Clarendon Press},
  location = {Oxford},
  date = {1946},
}
@book{other,
  author = {White, Gilbert},
  title = {Natural History},
  publisher = {Benjamin White},
  date = {1789},
}
"""


def test_export_bib_writes_the_crossreferenced_parent_after_its_child(seed_ws, tmp_path):
    """A cited entry's ``crossref`` and ``xref`` parents go out too (only cited works would
    leave BibTeX with "a bad cross reference" and biber warning), in the classic file after
    the child, as BibTeX reads them; CSL-JSON, which has no crossref, has the inherited
    fields (the parent's title as the book title)."""
    from tests.export_data import SEED_ID, insert_claim
    (tmp_path / "x.bib").write_text(CROSSREF, encoding="utf-8")
    seed_ws.bib_add(tmp_path / "x.bib")
    with seed_ws.store.transaction() as conn:
        insert_claim(conn, SEED_ID, seed_ws.source(SEED_ID).sha256, 0, 5, "attributed",
                     links=(("chap", "supports", ""),))
    for everything in (False, True):
        path = seed_ws.root / seed_ws.export_bibtex(all=everything, ascii=True).path
        text = path.read_text()
        assert text.index("@incollection{chap") < text.index("@book{coll")
        (path.parent / "paper.aux").write_text(
            f"\\citation{{chap}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
        done = run(["bibtex", "paper"], path.parent)
        assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
        assert "In Thomas Pennant, editor, {\\em Collected Letters}" in " ".join(
            (path.parent / "paper.bbl").read_text().split())
        path = seed_ws.root / seed_ws.export_bibtex(all=everything).path
        assert {"@collection{coll", "@book{other"} <= {
            line.rstrip(",") for line in path.read_text().splitlines()}
        done = run(["biber", "--tool", "--validate-datamodel", "--output-file=checked.bib",
                    path.name], path.parent)
        assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout
    csl = json.loads((seed_ws.root / seed_ws.export_csl().path).read_text())
    chap = next(i for i in csl if i["id"] == "chap")
    assert chap["container-title"] == "Collected Letters" and chap["publisher"] == (
        "Clarendon Press")
    assert chap["issued"] == {"date-parts": [[1946]]}  # the parent's date, too


NO_PARENT = """@inproceedings{lost, author = {Oth, O}, title = {T}, booktitle = {B}, year = 1990,
  crossref = {nowhere}}
@inproceedings{half, author = {Oth, O}, title = {U}, booktitle = {B}, year = 1991,
  xref = {nowhere2, kept}}
@book{kept, author = {Kay, K}, title = {K}, publisher = {P}, year = 1992}
"""


def test_export_bib_leaves_out_a_crossref_to_no_entry_and_says_so(ws, tmp_path):
    """A crossref (or an xref key) naming no work of the bibliography (S307 at bib add) is
    left out of both .bib files with a note naming the entry: BibTeX stops at it ("a bad
    cross reference"), biber warns. Was: written as it came, with no note."""
    (tmp_path / "x.bib").write_text(NO_PARENT, encoding="utf-8")
    assert [(p.code, p.key) for p in ws.bib_add(tmp_path / "x.bib").problems] == [
        ("S307", "lost"), ("S307", "half")]
    for ascii_only in (True, False):
        result = ws.export_bibtex(all=True, ascii=ascii_only)
        text = (ws.root / result.path).read_text()
        assert "nowhere" not in text and "xref = {kept}" in text
        assert [n.split(":")[0] for n in result.notes] == ["half", "lost"]
        assert result.notes[1].startswith("lost: crossref 'nowhere' names no work of the "
                                          "bibliography: left out (BibTeX stops at it")
        path = ws.root / result.path
        if ascii_only:
            (path.parent / "paper.aux").write_text(
                f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
            done = run(["bibtex", "paper"], path.parent)
            assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
        else:
            done = run(["biber", "--tool", "--validate-datamodel", "--output-file=checked.bib",
                        path.name], path.parent)
            assert done.returncode == 0 and "WARN" not in done.stdout, done.stdout


def test_export_bib_classic_month_is_the_styles_macro(tmp_path):
    """Classic BibTeX's styles print a month macro (``apr``) as its name and a braced ``{4}``
    as "4"; biblatex takes the number, so its file keeps ``{4}``."""
    dated = BibEntry("a", "book", (("author", "Bull, Richard"), ("title", "Letters"),
                                   ("publisher", "P"), ("date", "1946-04-02")), "x.bib")
    monthed = BibEntry("b", "book", (("author", "Bull, Richard"), ("title", "Notes"),
                                     ("publisher", "P"), ("year", "1947"), ("month", "11"),
                                     ("note", "4")), "x.bib")
    text, _ = render([dated, monthed], ascii_only=True)
    assert "month = apr\n}" in text and "month = nov," in text and "note = {4}" in text
    assert "month = {11}" in render([monthed])[0]
    (tmp_path / "x.bib").write_text(text, encoding="ascii")
    (tmp_path / "paper.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{x}\n")
    done = run(["bibtex", "paper"], tmp_path)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    bbl = " ".join((tmp_path / "paper.bbl").read_text().split())
    assert "P, April 1946." in bbl and "P, November 1947." in bbl, bbl


BULL_LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>Richard Bull to Thomas Pennant, <placeName>Darlington</placeName> and NASA</title></titleStmt>
      <publicationStmt><p>Unpublished.</p></publicationStmt>
      <sourceDesc><p>Manuscript letter.</p></sourceDesc>
    </fileDesc>
    <profileDesc><correspDesc><correspAction type="sent"><date when="1772-04-02"/>
    </correspAction></correspDesc></profileDesc>
  </teiHeader>
  <text><body><p>Dear Sir, your letter came.</p></body></text>
</TEI>
"""


def test_export_bib_classic_keeps_the_capitals_of_a_title_read_from_tei(ws, tmp_path):
    """A title read from a TEI source is the text as printed, not a .bib's title case: in the
    classic file every capitalised word but its first is braced, once, so plain.bst prints
    "Richard Bull to Thomas Pennant" (was: "Richard bull to thomas pennant"); a .bib's title
    is protected as before, and the biblatex file is unchanged."""
    (tmp_path / "bull.xml").write_text(BULL_LETTER, encoding="utf-8")
    ws.add(tmp_path / "bull.xml")
    (tmp_path / "x.bib").write_text("@article{ulam1974,\n  author = {Ulam, Adam B.},\n  title = "
                                    "{Expansion and Coexistence},\n  journal = {Soviet Studies},"
                                    "\n  year = {1974},\n}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    path = ws.root / ws.export_bibtex(all=True, ascii=True).path
    text = path.read_text()
    assert "Richard {Bull} to {Thomas} {Pennant}, {Darlington} and {NASA}" in text
    assert "title = {Expansion and Coexistence}" in text
    assert "Richard Bull to Thomas Pennant, Darlington and {NASA}" in (
        ws.root / ws.export_bibtex(all=True).path).read_text()
    assert protect("Letters from {Berlin} to \\emph{Graz} via Wien", as_written=True) == (
        "Letters from {Berlin} to \\emph{Graz} via {Wien}")  # braced once, commands kept
    (path.parent / "paper.aux").write_text(
        f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
    done = run(["bibtex", "paper"], path.parent)
    assert done.returncode == 0, done.stdout
    bbl = " ".join((path.parent / "paper.bbl").read_text().split())
    assert "Richard {Bull} to {Thomas} {Pennant}, {Darlington} and {NASA}, April" in bbl, bbl
    assert "Expansion and coexistence." in bbl


def test_export_bib_classic_key_where_no_person_authors_or_edits(tmp_path):
    """Where no person is author or editor (a corporate editor only) or a type the standard
    styles sort by author alone has none, the classic file has a ``key`` (the corporate name,
    the editor's surname, else the title): BibTeX would warn "to sort, need author or key"."""
    def work(cite: str, type_: str, **fields: str) -> BibEntry:
        return BibEntry(cite, type_, tuple({"title": "World Heritage", "year": "1972",
                                           "publisher": "P", **fields}.items()), "x.bib")
    works = [work("a", "misc", editor="{UNESCO}"), work("b", "book", editor="{UNESCO}"),
             work("c", "misc", editor="Pennant, Thomas"),
             work("d", "book", editor="Pennant, Thomas"), work("e", "misc"),
             work("f", "article", author="{UNESCO}", journal="J")]
    prepared = {w.key: classic(w).fields.get("key") for w in works}
    assert prepared == {"a": "UNESCO", "b": "UNESCO", "c": "Pennant", "d": None,
                        "e": "P", "f": "UNESCO"}  # e: the publisher, as before
    (tmp_path / "x.bib").write_text(render(works, ascii_only=True)[0], encoding="ascii")
    (tmp_path / "paper.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{x}\n")
    done = run(["bibtex", "paper"], tmp_path)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    assert "  key = {Heritage}," in render([work("g", "misc", key="Heritage")], ascii_only=True)[0]


AMP_BIB = r"""@article{amp, author = {Doe, Jane}, title = {Note on the talks & their outcome, 50% done},
  journal = {J \& K, 100\% Sure}, year = {2001}, volume = {1}, pages = {1--2},
  url = {https://example.org/a?b=1&c=50%25},
  note = {See \href{https://example.org/?a=1&b=2}{the site & more}},
  sorttitle = {Note on the talks & their outcome}}
"""


def test_export_bib_a_dates_edtf_percent_is_no_bare_percent(tmp_path):
    """``date = {1790%}`` is EDTF's "approximate and uncertain", which biber reads in a date
    and both exports keep as it is: no S315 (was: 'write \\% in the .bib; the LaTeX exports
    write them so', which biber would not read as a date, and the exports do not); a title's
    % still is one, and biber reads the export without a warning."""
    path = tmp_path / "a.bib"
    path.write_text("@book{roe, author = {Roe, R.}, title = {Both}, date = {1790%},\n"
                    "  origdate = {1780%/1785?}}\n@book{doe, author = {Doe, D.}, title = {50% done},"
                    "\n  date = {1791}}\n", encoding="utf-8")
    entries, problems = bib_mod.read_library([path])
    assert [(p.code, p.key) for p in problems] == [("S315", "doe")]
    text, _ = render(entries, ascii_only=False)
    assert "date = {1790%}" in text and "origdate = {1780%/1785?}" in text
    out = tmp_path / "out.bib"
    out.write_text(text, encoding="utf-8")
    done = run(["biber", "--tool", "--validate-datamodel", "--output-file=checked.bib",
                out.name], tmp_path)
    assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout


def test_export_bib_bare_ampersand_and_percent_warned_and_escaped(tmp_path):
    """A bare & or % in a .bib value (LaTeX: a table column, a comment) is a warning naming
    field and line (S315), and both LaTeX exports write \\& and \\%, so pandoc reads the whole
    title (was: both passed as they were; pandoc cut the title at the %). An escaped \\& stays
    as it is; a URL's & and % (url, \\href's link) are left alone."""
    path = tmp_path / "a.bib"
    path.write_text(AMP_BIB, encoding="utf-8")
    entries, problems = bib_mod.read_library([path])
    assert [(p.code, p.line, p.key) for p in problems] == [("S315", 1, "amp"), ("S315", 4, "amp")]
    assert "field 'title' has a bare & and %" in str(problems[0])
    assert r"write \& and \% in the .bib" in str(problems[0])
    for ascii_only in (False, True):
        text, _ = render(entries, ascii_only=ascii_only)
        assert r"{Note on the talks \& their outcome, 50\% done}" in text
        assert r"{J \& K, 100\% Sure}" in text and r"\\&" not in text
        assert "url = {https://example.org/a?b=1&c=50%25}" in text
        assert r"\href{https://example.org/?a=1&b=2}{the site \& more}" in text
        # biber sorts by it, LaTeX never sets it: as biblatex-examples.bib writes it
        assert "sorttitle = {Note on the talks & their outcome}" in text
        (tmp_path / "x.bib").write_text(text, encoding="utf-8")
        done = run(["pandoc", "-f", "biblatex" if not ascii_only else "bibtex", "-t", "csljson",
                    "x.bib"], tmp_path)
        (read,) = json.loads(done.stdout)
        assert read["title"] == "Note on the talks & their outcome, 50% done"
        assert read["URL"] == "https://example.org/a?b=1&c=50%25"
    (e,) = entries
    assert item(e)["title"] == "Note on the talks & their outcome, 50% done"


def test_export_bib_ascii_keeps_a_verbatim_path_as_written():
    """A verbatim field holding a path is not a URL: the classic file keeps it as written, its
    non-ASCII letters UTF-8 with the note that says so (was: percent-encoded,
    'Full%20Text%20PDF:...M%C3%BCller%20-%202000.pdf'); a URL's are still percent-encoded."""
    path = "Full Text PDF:/home/u/Zotero/storage/X/Müller - 2000.pdf:application/pdf"
    entry = BibEntry("m", "book", (("author", "Müller, Hans"), ("title", "T"),
                                   ("publisher", "P"), ("year", "2000"), ("verba", path),
                                   ("url", "https://de.wikipedia.org/wiki/Müller")), "x.bib")
    for ascii_only in (False, True):
        text, notes = render([entry], ascii_only=ascii_only)
        assert f"verba = {{{path}}}" in text
    assert "url = {https://de.wikipedia.org/wiki/M%C3%BCller}" in text
    assert notes == ["m: field 'verba' has U+00FC LATIN SMALL LETTER U WITH DIAERESIS in a "
                     "file path, which no escape may change: kept as UTF-8, so the file is not "
                     "all ASCII; BibTeX passes it through and the standard styles do not print "
                     "it; to have an ASCII file rename the file, or use biblatex with the UTF-8 "
                     "export"]
    assert text.startswith("% Written by annotator for classic BibTeX (ASCII, LaTeX escapes; "
                           "UTF-8 where")
    ascii_path = BibEntry("a", "misc", (("title", "T"), ("verba", ":/tmp/a b.pdf:PDF")), "x.bib")
    assert "verba = {:/tmp/a b.pdf:PDF}" in render([ascii_path], ascii_only=True)[0]


@pytest.mark.parametrize("name", ["file", "pdf", "local-url", "bdsk-file-1"])
def test_export_bib_an_attachment_s_local_path_is_not_published(name):
    """A Zotero, JabRef or BibDesk attachment's path ("/home/u/Zotero/storage/...") is the
    editor's own: left out of the .bib (both dialects), CSL-JSON and a TEI bibl, as Zotero
    and pandoc leave it out (was: written into every export, the editor's home folder with it)."""
    path = "Smith.pdf:/home/u/Zotero/storage/ABCD/Smith.pdf:application/pdf"
    entry = BibEntry("s", "book", (("author", "Smith, John"), ("title", "T"),
                                   ("publisher", "P"), ("year", "2001"), (name, path)), "x.bib")
    for ascii_only in (False, True):
        text, notes = render([entry], ascii_only=ascii_only)
        assert "/home/u" not in text and not notes
    assert "custom" not in item(entry)


def test_export_bib_a_sort_only_macro_s_argument_is_not_text():
    """``{\\noopsort{a}}de la Fontaine``, BibTeX's idiom for sorting: the argument sorts and
    never shows, so CSL-JSON's particle is "de la", as pandoc reads it (was: "ade la")."""
    entry = BibEntry("s", "book", (("author", r"Smith, John and {\noopsort{a}}de la Fontaine, "
                                              "Jean"), ("title", r"A {\SortNoop{b}}Title"),
                                   ("year", "2001")), "x.bib")
    csl = item(entry)
    assert csl["author"][1] == {"family": "Fontaine", "given": "Jean",
                                "dropping-particle": "de la"}
    assert csl["title"] == "A Title"
    assert plain(r"{\noopsort{a}}de la Fontaine") == "de la Fontaine"
