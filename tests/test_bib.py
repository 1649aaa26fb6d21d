"""The bibliography: real bibtexparser, real SQLite; a bad file adds nothing."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from annotator import SourceError
from annotator.bibliography.entries import (forenames, make_key, plain, read_bib, split_names,
                                           surname, tei_fields, year_of)
from annotator.cli import app
from annotator.tei.parse import TEI_NS, parse_xml
from tests.conftest import (DATA, REFERENCES, ROOT, SAMPLE_TEI,
                            added_again_is_already_there)

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
    # stored as biber reads it: the braces the source put stay; plain() is the text
    assert nek.get("title") == ("Pariahs, Partners, Predators: {German}--{Soviet} Relations, "
                                "1922--1941")
    assert plain(nek.get("title")) == ("Pariahs, Partners, Predators: German–Soviet "
                                       "Relations, 1922–1941")
    assert nek.get("author").startswith("Nekrich, Aleksandr M.")  # 'Author' key lower-cased
    assert nek.get("url") == "https://example.org/pariahs_1997~nekrich"  # verbatim
    assert nek.line == 5
    godel = entries["godel1986uber"]  # no key in the file: made from author, year, title
    assert godel.get("title") == "Über formal unentscheidbare Sätze"  # exact: decoded
    assert godel.get("booktitle") == "Collected Works"  # crossref: parent title -> booktitle
    assert godel.get("editor") == "Feferman, Solomon"
    assert entries["stra"].get("author") == "Straßer, Gregor and Škoda, Emil"
    assert entries["stra"].get("title") == "Café society"
    assert entries["stra"].get("month") == "5"


# What biber tolerates comes in with a warning; what it cannot read is left out; the rest of
# the file comes in either way (issue 15: 6 of 7 real files were refused whole).
@pytest.mark.parametrize(("name", "code", "line", "entry", "severity", "keys"), [
    ("duplicate-key.bib", "S302", 13, "nekrich1997", "warning", ["israelyan2003",
                                                                 "nekrich1997"]),
    ("no-type.bib", "S304", 7, "nekrich1997", "skipped", ["israelyan2003"]),
    ("unbalanced-braces.bib", "S305", 7, "nekrich1997", "skipped", ["israelyan2003",
                                                                    "ulam1968"]),
    ("duplicate-field.bib", "S306", 5, "nekrich1997", "warning", ["nekrich1997"]),
    ("bad-crossref.bib", "S307", 1, "godel1931", "warning", ["godel1931"]),
    ("undefined-macro.bib", "S308", 4, "israelyan2003", "warning", ["israelyan2003"]),
])
def test_bib_imports_what_biber_reads_and_says_every_problem(ws, name, code, line, entry,
                                                             severity, keys):
    result = ws.bib_add(BIB / name)
    assert [e.key for e in ws.bib()] == keys
    assert [(p.code, p.line, p.key, p.severity) for p in result.problems] == [
        (code, line, entry, severity)]
    text = str(result.problems[0])
    assert text.startswith(f"{BIB / name}:{line}: entry '{entry}': ")
    assert "; " in text and text.endswith(f"[{code}]") and "\n" not in text


def test_bib_tolerated_values_are_kept_as_biber_keeps_them(ws):
    ws.bib_add(BIB / "duplicate-field.bib", BIB / "undefined-macro.bib", BIB / "duplicate-key.bib")
    assert ws.bib_entry("nekrich1997").get("year") == "1998"  # the last of a repeated field
    assert ws.bib_entry("nekrich1997").origin.endswith("duplicate-field.bib")  # first key wins
    assert ws.bib_entry("israelyan2003").get("publisher") == "psup"  # macro name as text


@pytest.mark.parametrize(("name", "code", "line"), [
    ("not-utf8.bib", "S301", 2),
    ("empty.bib", "S309", None),
])
def test_bib_unreadable_file_is_refused_and_adds_nothing(ws, name, code, line):
    ws.bib_add(REFERENCES)
    before = _rows(ws)
    with pytest.raises(SourceError) as info:
        ws.bib_add(BIB / "good.bib", BIB / name)  # the good file is not added either
    err = info.value
    assert err.code == code
    assert err.location is not None and err.location.line == line
    assert str(err.location.path).endswith(name)
    assert "\n" not in str(err)
    assert _rows(ws) == before


def test_bib_control_characters_leave_out_the_entry_holding_them(ws, tmp_path):
    """A character no text holds refused the whole file, though 'bib add' says every entry
    that can be read comes in: only the entry holding it is left out now (as Zotero and
    JabRef import what they can); --strict still refuses, adding nothing. A keyless entry is
    'the entry at line 5' (it was "entry 'at line 5'", or the name of its first field)."""
    bad = tmp_path / "ctl.bib"
    bad.write_text("@book{a, title = {One}, year = 2000}\n@book{b, title = {T\x01wo},\n"
                   "note = {x\x1by}}\n@book{\n title = {K\x07}, year = 1}\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        ws.bib_add(bad, strict=True)
    assert info.value.code == "S311" and ws.bib() == []
    added = ws.bib_add(bad)
    assert [e.key for e in added.added] == ["a"]
    problems = [str(p) for p in added.problems]
    assert [line.split(": ")[0] for line in problems] == [
        f"{bad}:2:20", f"{bad}:3:10", f"{bad}:5:12"]
    assert [line.split(": ", 1)[1].split(";")[0] for line in problems] == [
        "entry 'b': control character U+0001 in the text",
        "entry 'b': control character U+001B in the text",
        "the entry at line 4: control character U+0007 in the text"]
    assert {p.code for p in added.problems} == {"S311"}


def test_bib_cli_says_each_control_character_once_under_its_kind(ws, tmp_path):
    """U+0001 in one entry and NEL (U+0085) in another: each S311 line is said once, under
    'Left out', headed by what they are (it said 'character no text holds', wrong for NEL,
    which XML holds); the other entry comes in and the exit status is 0 without --strict."""
    bad = tmp_path / "ctl.bib"
    bad.write_text("@book{a, title = {A\x01b}}\n@book{b, title = {C\x85d}}\n"
                   "@book{c, title = {Fine}}\n", encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bad)])
    assert done.exit_code == 0, done.stderr
    lines = done.stderr.splitlines()
    said = [line for line in lines if "[S311]" in line]
    assert said == lines[:2], lines  # one line each, file:line:col first
    assert [line.split(": ")[0] for line in said] == [f"{bad}:1:20", f"{bad}:2:20"]
    assert sum("U+0001" in line for line in lines) == 1
    assert sum("U+0085" in line for line in lines) == 1
    assert lines[-1] == f"{bad}: 1 entry added, 2 left out" and [e.key for e in ws.bib()] == ["c"]


def test_bib_control_character_between_entries_leaves_out_none(ws, tmp_path):
    """U+0001 between two entries, where biber reads nothing, is a warning: both entries come
    in (it was blamed on the entry before it, 'k1', which was left out)."""
    bad = tmp_path / "between.bib"
    bad.write_text("@book{k1, title={A}}\n\x01\n@book{ok2, title={B}}\n", encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bad)])
    assert done.exit_code == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[:2] == ["Warnings (biber tolerates these): 1",
                         "  control character or noncharacter [S311]: 1"], lines
    assert lines[2].startswith(f"    {bad}:2:1: control character U+0001 in the text outside "
                               "every entry; remove it"), lines
    assert "k1" not in done.stderr
    assert sorted(e.key for e in ws.bib()) == ["k1", "ok2"]


def test_bib_cli_shows_a_control_character_of_a_key_escaped(ws, tmp_path):
    """U+0001 or ESC in a key reached the terminal raw in the warning list (only error lines
    were escaped): every line 'bib add' prints is escaped as an error line is."""
    bad = tmp_path / "key.bib"
    bad.write_text("@book{k\x01y, title={A}}\n@book{k\x1b[2Jz, title={B}}\n"
                   "@book{ok, title={C}}\n", encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bad)])
    assert done.exit_code == 0, done.stderr
    assert "\x01" not in done.stderr and "\x1b" not in done.stderr
    assert "entry 'k\\x01y': control character U+0001" in done.stderr
    assert "entry 'k\\x1b[2Jz': control character U+001B" in done.stderr
    assert [e.key for e in ws.bib()] == ["ok"]


def test_bib_strict_refuses_on_any_problem_and_lists_every_one(ws):
    with pytest.raises(SourceError) as info:
        ws.bib_add(BIB / "duplicate-key.bib", BIB / "no-type.bib", strict=True)
    assert info.value.code == "S302"
    assert len(info.value.details) == 3  # the duplicate key (twice: across files) and no type
    assert "--strict" in str(info.value)
    assert ws.bib() == []


def test_bib_cli_reports_problems_grouped_and_counted(ws):
    result = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(BIB / "duplicate-key.bib"),
                                 str(BIB / "no-type.bib"), str(BIB / "undefined-macro.bib")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{BIB / 'no-type.bib'}:7: entry 'nekrich1997': no entry")
    assert "Warnings (biber tolerates these): 3" in lines
    assert "  duplicate key [S302]: 3" in lines
    assert lines[-1].endswith(": 2 entries added, 1 left out")
    refused = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--strict",
                                  str(BIB / "undefined-macro.bib")])
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0].startswith(f"{BIB / 'undefined-macro.bib'}:4: ")
    assert "Traceback" not in refused.output


def test_bib_several_files_are_one_library(ws, tmp_path):
    """Macros in one file, entries using them and crossrefs in another."""
    (tmp_path / "strings.bib").write_text("@string{cup = {Columbia University Press}}\n",
                                          encoding="utf-8")
    (tmp_path / "works.bib").write_text(
        "@incollection{chap, author = {A, B}, title = {Chapter}, crossref = {whole}}\n"
        "@collection{whole, editor = {C, D}, title = {Whole}, publisher = cup, year = 1990}\n",
        encoding="utf-8")
    result = ws.bib_add(tmp_path / "strings.bib", tmp_path / "works.bib")
    assert result.problems == ()
    chap = ws.bib_entry("chap")
    assert (chap.get("booktitle"), chap.get("publisher")) == ("Whole",
                                                              "Columbia University Press")


XREF_TO_NONE = """@book{whole, author = {Kay, K}, title = {K}, year = 1992}
@incollection{part, author = {Oth, O}, title = {T}, year = 1990, xref = {nowhere}}
@incollection{two, author = {Oth, O}, title = {U}, year = 1991, xref = {Whole, gone}}
"""


def test_bib_an_xref_to_no_entry_is_warned_as_biber_warns(ws, tmp_path):
    """An xref naming no entry is S307 at bib add, one line a key it names, as biber warns
    ("I didn't find a database entry for xref 'nowhere'") and as a crossref to none was
    (was: said only by the exports, which leave such a key out); of a comma-separated xref,
    as the exports read it, the keys naming none (biber warns of 'Whole, gone' whole)."""
    import subprocess
    path = tmp_path / "x.bib"
    path.write_text(XREF_TO_NONE, encoding="utf-8")
    result = ws.bib_add(path)
    assert [(p.code, p.line, p.key) for p in result.problems] == [
        ("S307", 2, "part"), ("S307", 3, "two")]
    assert str(result.problems[0]) == (
        f"{path}:2: entry 'part': xref to no entry 'nowhere'; kept (the .bib exports leave it "
        "out): add the entry it names, with this file or before it [S307]")
    assert "'gone'" in str(result.problems[1])
    assert ws.bib_entry("part").get("xref") == "nowhere"  # kept as written
    done = subprocess.run(["biber", "--tool", "--output-file=out.bib", path.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "didn't find a database entry for xref 'nowhere' in entry 'part'" in done.stdout


def test_bib_a_crossref_to_a_work_added_earlier_is_no_warning(ws, tmp_path):
    """A crossref or xref naming a work already in the bibliography (added by an earlier bib
    add) names an entry: no S307, the child inherits from it as from a parent added with it,
    and the exports bring the parent along, so biber finds it (was: S307 'crossref to no
    entry', nothing inherited, as only the files added together were looked in); a key
    naming neither is still warned, and so is an entry naming itself."""
    (tmp_path / "parent.bib").write_text(
        "@collection{Whole, editor = {C, D}, title = {Whole}, publisher = {P}, year = 1990}\n",
        encoding="utf-8")
    (tmp_path / "child.bib").write_text(
        "@incollection{chap, author = {A, B}, title = {C}, crossref = {whole}}\n"
        "@incollection{see, author = {A, B}, title = {S}, year = 1991, xref = {Whole}}\n"
        "@incollection{lost, author = {A, B}, title = {L}, year = 1991, crossref = {gone}}\n",
        encoding="utf-8")
    assert ws.bib_add(tmp_path / "parent.bib").problems == ()
    result = ws.bib_add(tmp_path / "child.bib")
    assert [(p.code, p.key) for p in result.problems] == [("S307", "lost")]
    chap = ws.bib_entry("chap")
    assert (chap.get("booktitle"), chap.get("editor"), chap.get("year")) == ("Whole", "C, D",
                                                                             "1990")
    written = ws.export_bibtex(all=True)
    text = (ws.root / written.path).read_text()
    assert "crossref = {whole}" in text and "xref = {Whole}" in text
    assert not [n for n in written.notes if n.startswith("chap:")]
    (tmp_path / "self.bib").write_text(
        "@incollection{Whole, author = {A, B}, title = {C}, crossref = {Whole}}\n",
        encoding="utf-8")
    again = ws.bib_add(tmp_path / "self.bib", replace=True)
    assert [(p.code, p.key) for p in again.problems] == [("S307", "Whole")]


LATE_STRING = """@article{late, author = {Zed, Z.}, title = {L}, journal = jn, year = 2012}
@article{late2, author = {Zed, Z.}, title = {L}, journal = "Journal of " # jname, year = 2012}
@string{jn = {Things}}
@string{jname = {Things}}
@article{after, author = {Zed, Z.}, title = {L}, journal = "Journal of " # jname, year = 2012}
@string{jname = {Stuff}}
@article{redefined, author = {Zed, Z.}, title = {L}, journal = jname, year = 2012}
"""


def test_bib_a_string_is_defined_from_its_place_on_as_biber_reads_it(ws, tmp_path):
    """A macro used before its @string is undefined there, as biber (btparse) reads a file from
    the top: S308 on the lines biber warns about, saying where the @string is; a later @string
    of the same name counts from there on. Was: every @string of the files was known
    everywhere (journaltitle = {Things}, no warning)."""
    import subprocess
    path = tmp_path / "late.bib"
    path.write_text(LATE_STRING, encoding="utf-8")
    result = ws.bib_add(path)
    # the four works differ only in their journal's macro: likely one work, each a note
    assert [(p.code, p.line, p.key) for p in result.problems if p.code != "S325"] == [
        ("S308", 1, "late"), ("S308", 2, "late2")]
    assert str(result.problems[0]).endswith(
        "undefined @string macro 'jn' (its @string comes later, at line 3); its name is kept "
        "as text, as biber reads the files in order: move the @string above its first use "
        "[S308]")
    assert {e.key: e.get("journaltitle") or e.get("journal") for e in ws.bib()} == {
        "late": "jn", "late2": "Journal of jname", "after": "Journal of Things",
        "redefined": "Stuff"}
    done = subprocess.run(["biber", "--tool", "--output-file=out.bib", path.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    warned = re.findall(r"line (\d+), warning: undefined macro \"(\w+)\"", done.stdout)
    assert [(int(n), m) for n, m in warned] == [(1, "jn"), (2, "jname")], done.stdout


def test_bib_a_string_in_a_later_file_is_undefined_in_an_earlier_one(ws, tmp_path):
    """Files are read in the order given: a macro of the second file is undefined in the
    first, and the warning names the file to give first."""
    (tmp_path / "strings.bib").write_text("@string{cup = {Columbia University Press}}\n",
                                          encoding="utf-8")
    (tmp_path / "works.bib").write_text(
        "@book{whole, editor = {C, D}, title = {Whole}, publisher = cup, year = 1990}\n",
        encoding="utf-8")
    result = ws.bib_add(tmp_path / "works.bib", tmp_path / "strings.bib")
    assert [(p.code, p.line, p.key) for p in result.problems] == [("S308", 1, "whole")]
    assert f"(its @string comes later, at {tmp_path / 'strings.bib'}:1)" in str(
        result.problems[0])
    assert f"give {tmp_path / 'strings.bib'} before {tmp_path / 'works.bib'}" in str(
        result.problems[0])
    assert ws.bib_entry("whole").get("publisher") == "cup"


def test_bib_real_library_in_two_files_with_duplicate_keys(ws):
    """Beebe's texbook1.bib and texgraph.bib: @string, @preamble, crossref, and 13 keys in
    both files (the first wins, as biber)."""
    result = ws.bib_add(BIB / "texbook1.bib", BIB / "texgraph.bib")
    keys = _keys(BIB / "texbook1.bib") + _keys(BIB / "texgraph.bib")
    unique = {k.lower() for k in keys}
    assert len(result.added) == len(unique) == len(keys) - 13
    dup = [p for p in result.problems if p.code == "S302"]
    assert len(dup) == 13 and all(p.path.endswith("texgraph.bib") for p in dup)
    assert all(p.severity == "warning" for p in result.problems if p.code != "S325")
    # the same work under two keys (one file's key and the other's, a TUGboat article
    # and its TeXhax copy): a note each, as Zotero and JabRef flag them
    assert sum(p.code == "S325" for p in result.problems) == 12
    # a crossref child inherits from its parent
    child = next(e for e in ws.bib() if e.get("crossref"))
    assert child.get("booktitle") or child.get("maintitle")


def _keys(path):
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^@(?!string|preamble|comment)\w+\s*[{(]\s*([^,\s]+)\s*,", text,
                      re.M | re.I)


def test_bib_key_clash_with_store_keeps_the_stored_work(ws, tmp_path):
    ws.bib_add(REFERENCES)
    other = tmp_path / "other.bib"
    other.write_text("@book{ulam1968, author={Ulam, Adam B.}, title={Expansion and "
                     "Coexistence}, year={1968}}\n\n@book{nekrich1997, author={Nekrich, A.}, "
                     "title={Something else}, year={1999}}\n", encoding="utf-8")
    result = ws.bib_add(other)
    assert [(p.code, p.line, p.severity) for p in result.problems] == [("S303", 3, "skipped")]
    assert [e.key for e in result.added] == ["ulam1968"]
    assert ws.bib_entry("nekrich1997").get("title").startswith("Pariahs")
    updated = ws.bib_add(other, replace=True)
    assert [e.key for e in updated.updated] == ["nekrich1997"]
    assert ws.bib_entry("nekrich1997").get("title") == "Something else"


def test_bib_readding_a_file_is_a_no_op_and_generated_keys_stay(ws, tmp_path):
    first = ws.bib_add(BIB / "good.bib")
    assert "godel1986uber" in {e.key for e in first.added}
    again = ws.bib_add(BIB / "good.bib")
    assert (again.added, again.updated, again.unchanged) == ((), (), 4)
    # a new keyless work whose generated key would clash gets a suffix; the old key stays
    more = tmp_path / "more.bib"
    more.write_text("@incollection{, author={G{\\\"o}del, Kurt}, title={{\\\"U}ber "
                    "Vollst\\\"andigkeit}, year={1986}}\n", encoding="utf-8")
    added = ws.bib_add(more).added
    assert [e.key for e in added] == ["godel1986ubera"]
    assert ws.bib_entry("godel1986uber").get("title") == "Über formal unentscheidbare Sätze"


@pytest.mark.parametrize("names", [("references.bib",), ("biblatex-examples.bib",),
                                   ("texbook1.bib", "texgraph.bib"), ("good.bib",),
                                   ("bad-crossref.bib",)])
def test_bib_its_own_export_added_again_is_already_there(ws, names):
    """What 'export bibtex' wrote, added back to the workspace it came from (with --replace
    too): every entry is the work already there, nothing added or updated, no S303, as the
    .bib it came from added again (was: each entry the export writes otherwise another work
    of its key, S303: the sample source's own record, an @online whose ``publisher`` the
    export writes as ``organization``; ``journal`` written as ``journaltitle``, ``address``
    as ``location``, ``@techreport`` as ``@report``, a title's acronym braced, a local
    file's path and a ``crossref`` naming no work left out). An entry edited since is
    another work still, which --replace updates."""
    if names == ("references.bib",):
        ws.add(SAMPLE_TEI)
    first = ws.bib_add(*(REFERENCES if n == "references.bib" else BIB / n for n in names))
    exported = ws.root / ws.export_bibtex(all=True).path
    added_again_is_already_there(ws, exported, first.problems)
    if names != ("references.bib",):
        return
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(exported)])
    assert done.exit_code == 0 and "[S3" not in done.stderr, done.output
    assert done.stderr.splitlines()[-1].endswith(": 0 entries added, 3 already there")
    text = exported.read_text(encoding="utf-8")
    assert "organization = {Wikimedia Foundation}" in text
    exported.write_text(text.replace("{Wikimedia Foundation}", "{Wikimedia Foundation, Inc.}"),
                        encoding="utf-8")
    assert [(p.code, p.key) for p in ws.bib_add(exported).problems] == \
        [("S303", "germansovietaxis")]
    assert [e.key for e in ws.bib_add(exported, replace=True).updated] == ["germansovietaxis"]
    assert ws.bib_entry("germansovietaxis").get("organization") == "Wikimedia Foundation, Inc."


def test_bib_sample_references_are_the_real_works(ws):
    entries = {e.key: e for e in ws.bib_add(REFERENCES).added}
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
    assert plain(isr.get("title")) == ("On the Battlefields of the Cold War: A Soviet "
                                       "Ambassador's Confession")


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
    ('<bibl><title>T</title><date from="1901-03-01" to="1901-03-05"/></bibl>',
     "misc", {"date": "1901-03-01/1901-03-05", "year": "1901"}),  # the range, not its first day
], ids=["accessed", "dated-and-retrieved", "note-accessed", "book", "biblstruct", "undated",
        "range"])
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


CITING = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>{title}</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/>
</sourceDesc></fileDesc></teiHeader><text><body>
<p>Drawings for the <bibl type="authorial"><title ref="bi0015">welsh Tour</title></bibl>, or
<bibl type="authorial"><title ref="bi0032">journey to London</title></bibl>.</p>
<p>I have shewn my <bibl type="authorial"><title ref="bi0032">journey to London</title></bibl>
and my <bibl><title>Account of Prints</title></bibl>; he copies it for my
<bibl type="authorial"><title ref="bi0032">Journey to London</title></bibl>, and my
<bibl><title>Account of prints</title></bibl>, and <bibl><title ref="#nek97">Pariahs</title>
</bibl>.</p></body><back><listBibl><bibl xml:id="nek97"><author>Nekrich, Aleksandr M.</author>
<title>Pariahs, Partners, Predators</title><date>1997</date></bibl></listBibl></back></text>
</TEI>"""


def test_bib_tei_work_cited_by_ref_is_one_work(ws, tmp_path):
    """A work the text cites three times by ``@ref`` is one work keyed by the ref (was: three
    undated works, journeylondon, journeylondona, journeylondonb); a bare title cited twice
    is one work; a ref to a work the file lists is that work; another source citing the same
    ref or title adds no work."""
    first = tmp_path / "first.xml"
    first.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(first)
    works = {e.key: e for e in ws.bib() if e.key != "firstletter"}
    assert sorted(works) == ["accountprints", "bi0015", "bi0032", "nek97"]
    assert (works["bi0032"].type, dict(works["bi0032"].fields)) == \
        ("misc", {"title": "journey to London"})
    second = tmp_path / "second.xml"
    second.write_text(CITING.format(title="Second letter").replace("nek97", "nek"),
                      encoding="utf-8")
    ws.add(second)
    added = sorted(e.key for e in ws.bib() if e.origin == "source:second")
    assert added == ["nek", "secondletter"]


def _old_store_works(ws, letter):
    """The works a store made before a83190d kept for CITING's letter: one per bibl
    (journeylondon, -a, -b; accountprints, -a), none keyed by the pointer; written as that
    release wrote them, rows of the bib table in an act."""
    from annotator.acts.bibliography import _row
    from annotator.records import BibEntry

    lines = letter.read_text(encoding="utf-8").splitlines()

    def at(text, nth=0):
        return [n for n, line in enumerate(lines, 1) if text in line][nth]

    old = [("journeylondon", "journey to London", at('"bi0032">journey')),
           ("journeylondona", "journey to London", at('"bi0032">journey', 1)),
           ("journeylondonb", "Journey to London", at('"bi0032">Journey')),
           ("accountprintsa", "Account of prints", at("Account of prints"))]
    with ws.store.act("add", "source:first", editor="tester") as act:
        act.delete("bib", {"key": "bi0032"})
        for key, title, line in old:
            act.insert("bib", _row(BibEntry(key=key, type="misc", fields=(("title", title),),
                                            origin="source:first", line=line)))


def _old_store_claim(ws, tmp_path):
    """A claim of a letter whose works are stored as a release before a83190d stored them."""
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter)
    _old_store_works(ws, letter)
    return ws.add_claim("first", quote="Drawings for the")


def test_bib_fold_old_store_s_works_of_one_bibl(ws, tmp_path):
    """A store from before a83190d keeps a work per citation of one work (journeylondon,
    journeylondona, journeylondonb, all pointing to bi0032; a bare title twice):
    'bib fold' folds them into the first, the links to them following, one act undo takes
    back; works that differ stay (was: no way to fold them but by hand). The work kept gets
    the key its pointer names, bi0032, as the letter added now keys it (was: journeylondon
    kept, so a later letter citing bi0032 added a second work)."""
    claim = _old_store_claim(ws, tmp_path)
    ws.link_claim(claim.id, "journeylondonb", locus="p. 2")
    ws.link_claim(claim.id, "accountprintsa")
    before = {e.key: e for e in ws.bib()}
    folded = ws.bib_fold()
    assert [(f.kept, f.was, f.folded) for f in folded] == [
        ("accountprints", "", ("accountprintsa",)),
        ("bi0032", "journeylondon", ("journeylondona", "journeylondonb"))]
    keys = {e.key for e in ws.bib()}
    assert keys == set(before) - {"accountprintsa", "journeylondon", "journeylondona",
                                  "journeylondonb"} | {"bi0032"}
    assert {(link.bib_key, link.locus) for link in ws.claim(claim.id).links} == \
        {("bi0032", "p. 2"), ("accountprints", "")}
    assert ws.bib_fold() == []  # nothing left to fold
    ws.undo()
    assert {e.key: e for e in ws.bib()} == before
    assert {link.bib_key for link in ws.claim(claim.id).links} == \
        {"journeylondonb", "accountprintsa"}
    # folded again: the old key is an alias a claim links by, and a later letter citing
    # bi0032 adds no work
    ws.bib_fold()
    assert ws.link_claim(claim.id, "journeylondon", locus="p. 9").bib_key == "bi0032"
    second = tmp_path / "second.xml"
    second.write_text(CITING.format(title="Second letter").replace("nek97", "nek"),
                      encoding="utf-8")
    ws.add(second)
    assert sorted(e.key for e in ws.bib() if e.origin == "source:second") == \
        ["nek", "secondletter"]


def test_bib_fold_makes_a_link_said_by_two_folded_works_once(ws, tmp_path):
    """The same claim linked alike to two works folded into one that has no such link: the
    kept work has it once, the first folded work's link moved, the second's gone."""
    claim = _old_store_claim(ws, tmp_path)
    ws.link_claim(claim.id, "journeylondona", locus="p. 2")
    ws.link_claim(claim.id, "journeylondonb", locus="p. 2")
    ws.bib_fold()
    assert [(link.bib_key, link.locus) for link in ws.claim(claim.id).links] == \
        [("bi0032", "p. 2")]


def test_bib_fold_keeps_the_folded_keys_citable_as_biblatex_aliases(ws, tmp_path):
    """A document written against an earlier export cites a folded key (journeylondona): the
    kept work lists the folded keys in its ``ids``, biblatex's aliases, so biber still finds
    it; the .bib export says them and biber reads them without a warning (was: the keys gone
    from the export, a citation of them 'not found'); undo takes the aliases back too."""
    import subprocess

    claim = _old_store_claim(ws, tmp_path)
    ws.link_claim(claim.id, "journeylondon")
    ws.bib_fold()
    works = {e.key: e for e in ws.bib()}
    assert works["bi0032"].get("ids") == "journeylondon, journeylondona, journeylondonb"
    assert works["accountprints"].get("ids") == "accountprintsa"
    path = ws.root / ws.export_bibtex().path
    assert "  ids = {journeylondon, journeylondona, journeylondonb}" in \
        path.read_text(encoding="utf-8")
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file=out.bib",
                           path.name], cwd=path.parent, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # the letter's works have no year, as the letter gives none: biber's only warnings
    assert [w for w in (done.stdout + done.stderr).splitlines() if "WARN -" in w and
            "one of 'date, year' must be defined" not in w] == []
    # a folded key given to another work since: its alias is left out, said (biber: 'Citekey
    # alias ... is also a real entry key, skipping')
    (tmp_path / "x.bib").write_text("@book{journeylondona, author = {Roe, R.}, title = {Other},"
                                    " date = {1901}}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    result = ws.export_bibtex(all=True)
    text = (ws.root / result.path).read_text(encoding="utf-8")
    assert "  ids = {journeylondon, journeylondonb}" in text
    assert "bi0032: ids 'journeylondona' is another work's key here: left out" in \
        " ".join(result.notes)
    ws.undo()
    ws.undo()
    assert {e.key: e.get("ids") for e in ws.bib()}["journeylondon"] == ""
    ws.bib_fold()
    # the letter replaced: its bibls are the kept works still, their aliases no new field
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter").replace("Drawings", "Drawing"),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    assert {e.key: e.get("ids") for e in ws.bib()} == {k: w.get("ids") for k, w in works.items()}


def test_bib_fold_cli_dry_run_and_fold(ws, tmp_path, monkeypatch):
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter)
    _old_store_works(ws, letter)
    args = ["-w", str(ws.root), "bib", "fold"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "bi0032 (was journeylondon) <- journeylondona, journeylondonb" in dry.stdout
    assert "3 works would fold into 2 kept (5 -> 2)" in dry.stderr  # was: '3 works ... into 2'
    assert "journeylondona" in {e.key for e in ws.bib()}
    # JSON says what was done (a dry run's, what would be), as bib add's does: an object,
    # never a listing that looks like a view (was: a list of rows, and the store folded)
    looked = runner.invoke(app, [*args, "--dry-run", "--format", "json"])
    assert looked.exit_code == 0, looked.output
    assert "journeylondona" in {e.key for e in ws.bib()}
    done = runner.invoke(app, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    fold = {"kept": "bi0032", "was": "journeylondon",
            "folded": ["journeylondona", "journeylondonb"], "why": "one pointer, bi0032"}
    assert (json.loads(looked.stdout)["dry_run"], json.loads(looked.stdout)["decision"]) == \
        (True, None)
    assert {k: v for k, v in json.loads(looked.stdout).items() if k not in ("dry_run",
                                                                           "decision")} == \
        {k: v for k, v in json.loads(done.stdout).items() if k not in ("dry_run", "decision")}
    assert (json.loads(done.stdout)["dry_run"], json.loads(done.stdout)["folded"],
            json.loads(done.stdout)["kept"], json.loads(done.stdout)["folds"][1]) == \
        (False, 3, 2, fold)
    assert "journeylondona" not in {e.key for e in ws.bib()}
    assert json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout) == {
        "dry_run": False, "decision": None, "folded": 0, "kept": 0, "renamed": 0, "folds": []}
    # the fold's decision, as the act lines say it ('decision 7: ...'): a script undoes it by
    # id once other acts came after it (was: no id, so only a bare undo, the newest act)
    decision = json.loads(done.stdout)["decision"]
    (tmp_path / "x.bib").write_text("@book{roe, author = {Roe, R.}, title = {Other}, "
                                    "date = {1901}}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    undone = runner.invoke(app, ["-w", str(ws.root), "undo", str(decision)])
    assert undone.exit_code == 0, undone.output
    assert f"undid {decision} (bib-fold " in undone.stderr
    assert {"journeylondona", "roe"} <= {e.key for e in ws.bib()}
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and table.stderr.strip() == (
        "3 works folded into 2 kept (5 -> 2), 1 key renamed to its pointer's id, the old an "
        f"alias (decision {ws.store.last_decision()})"), table.stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and again.stderr.strip() == \
        "nothing to fold: no work of the sources' text is stored twice"  # was: '0 ... into 0'


def test_bib_fold_by_hand_works_the_files_cannot_prove_one(ws, tmp_path):
    """Two works of other titles and no shared pointer (a letter's 'Account of Prints' and a
    .bib's catalogue of it): bib fold leaves them, as it should not guess; 'bib fold KEPT
    OTHER' folds them as the editor says, links and aliases as a found fold, one act undo
    takes back (was: no way to fold two works but by hand in the store). One key, or two
    naming one work, is D322; an unknown key D307."""
    claim = _old_store_claim(ws, tmp_path)
    (tmp_path / "prints.bib").write_text(
        "@book{catprints, author = {Pennant, Thomas}, title = {A Catalogue of Prints},"
        " date = {1771}}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "prints.bib")
    ws.link_claim(claim.id, "catprints", locus="p. 3")
    assert [f.kept for f in ws.bib_fold(dry_run=True)] == ["accountprints", "bi0032"]
    args = ["-w", str(ws.root), "bib", "fold"]
    done = runner.invoke(app, [*args, "accountprints", "catprints", "-f", "json"])
    assert done.exit_code == 0, done.output
    said = json.loads(done.stdout)
    assert (said["folds"], said["decision"]) == (
        [{"kept": "accountprints", "was": "", "folded": ["catprints"], "why": "by hand"}],
        ws.store.last_decision())
    works = {e.key: e for e in ws.bib()}
    assert "catprints" not in works
    kept = works["accountprints"]
    assert (kept.get("ids"), kept.get("author"), kept.get("date")) == \
        ("catprints", "Pennant, Thomas", "1771")
    assert [(link.bib_key, link.locus) for link in ws.claim(claim.id).links] == \
        [("accountprints", "p. 3")]
    assert ws.bib_entry("catprints").key == "accountprints"  # the alias resolves
    for keys, code in ((["accountprints"], "D322"), (["accountprints", "catprints"], "D322"),
                       (["accountprints", "nowhere"], "D307")):
        refused = runner.invoke(app, [*args, *keys])
        assert refused.exit_code == 2 and f"[{code}]" in refused.stderr, refused.output
        assert "Traceback" not in refused.output
    ws.undo()
    assert {"catprints", "accountprints"} <= {e.key for e in ws.bib()}
    assert [link.bib_key for link in ws.claim(claim.id).links] == ["catprints"]


def test_bib_fold_by_hand_stays_when_the_source_is_replaced(ws, tmp_path):
    """A letter's work folded by hand into a .bib's, the letter replaced: its bibl is the
    kept work still, no work added again under the folded key (was: accountprints added
    again, its key shadowing the kept work's alias)."""
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter)
    (tmp_path / "prints.bib").write_text(
        "@book{catprints, author = {Pennant, Thomas}, title = {A Catalogue of Prints},"
        " date = {1771}}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "prints.bib")
    ws.bib_fold("catprints", "accountprints")
    keys = {e.key for e in ws.bib()}
    letter.write_text(CITING.format(title="First letter").replace("Drawings", "Drawing"),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    assert {e.key for e in ws.bib()} == keys
    assert "accountprints" not in keys
    # the .bib of the work kept added again: that work, which the fold gave an alias
    again = ws.bib_add(tmp_path / "prints.bib")
    assert (again.added, again.updated, again.unchanged, again.problems) == ((), (), 1, ())


def test_bib_fold_by_hand_refuses_a_source_s_own_record_and_a_key_twice(ws, tmp_path):
    """'bib fold bi0015 firstletter' folded the letter's own record (what its header says it
    is) into the work it cites without a word, the letter's date and place taken into that
    work and its own entry gone; and 'bib fold A A B' passed the repeat over while 'bib fold
    A A' was refused. Now a source's own record, kept or folded, is refused (D323) unless
    --force, and a work named twice is refused (D322) however many others are named."""
    for name in ("first", "second"):
        letter = tmp_path / f"{name}.xml"
        letter.write_text(CITING.format(title=f"{name.title()} letter"), encoding="utf-8")
        ws.add(letter)
    keys = {e.key for e in ws.bib()}
    assert {"firstletter", "secondletter", "bi0015", "bi0032"} <= keys
    args = ["-w", str(ws.root), "bib", "fold"]
    for named, code in ((["bi0015", "firstletter"], "D323"),
                        (["secondletter", "bi0015"], "D323"),
                        (["firstletter", "secondletter"], "D323"),
                        (["bi0015", "bi0015", "bi0032"], "D322"),
                        (["bi0015", "bi0015"], "D322")):
        refused = runner.invoke(app, [*args, *named])
        assert refused.exit_code == 2 and f"[{code}]" in refused.stderr, (named, refused.output)
        assert "Traceback" not in refused.output
        assert {e.key for e in ws.bib()} == keys  # nothing folded
    assert "'bi0015' is given twice" in refused.stderr
    forced = runner.invoke(app, [*args, "bi0015", "firstletter", "--force"])
    assert forced.exit_code == 0, forced.output
    assert {e.key for e in ws.bib()} == keys - {"firstletter"}


def test_bib_fold_finds_an_old_store_s_works_moved_in_a_replaced_file(ws, tmp_path):
    """An old store's works (journeylondon, -a, -b; accountprints, -a), their letter replaced
    with two lines before its text, so no bibl is at a work's stored line: bib fold finds each
    by its title, every bibl of which says one pointer (or none), and folds them all (was:
    journeylondon left, no bibl at its line)."""
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter)
    _old_store_works(ws, letter)
    letter.write_text("\n\n" + CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter, replace=True)
    ws.bib_fold()
    assert sorted(e.key for e in ws.bib()) == ["accountprints", "bi0015", "bi0032",
                                               "firstletter", "nek97"]


POINTING = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>{title}</title></titleStmt><publicationStmt><publisher>{edition}</publisher>
</publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body>
<p>I read <bibl><title ref="#gm">Gentleman's Magazine</title></bibl> and <bibl><author>Pennant
</author>, <title ref="#tour">A Tour in Wales</title></bibl>; again <bibl><title ref="#tour">Tour
in Wales</title></bibl>.</p></body></text></TEI>"""


def test_bib_tei_pointer_names_its_edition_s_work_never_a_bib_entry_of_that_key(ws, tmp_path):
    """A bibl's ``#tour`` names a work of the file's edition: a user's .bib ``tour`` (Smith's
    Tour of Italy) is another work, so the letter's work is stored under a key of its own
    (was: taken for Smith's and Roe's works, Pennant's Tour and the Magazine never added); a
    second letter of the edition citing it adds none; another edition's letter its own."""
    (tmp_path / "clash.bib").write_text(
        "@book{tour, author = {Smith, John}, title = {A Tour of Italy}, date = {1820}}\n"
        "@book{gm, author = {Roe, R.}, title = {Gardening Monthly}, date = {1901}}\n",
        encoding="utf-8")
    ws.bib_add(tmp_path / "clash.bib")
    for name, edition in (("first", "Test Edition"), ("second", "Test Edition"),
                          ("other", "Other Edition")):
        (tmp_path / f"{name}.xml").write_text(
            POINTING.format(title=f"{name} letter", edition=edition), encoding="utf-8")
        ws.add(tmp_path / f"{name}.xml")
    works = {e.key: (e.origin, e.get("author"), e.get("title")) for e in ws.bib()}
    assert works == {
        "tour": ("clash.bib", "Smith, John", "A Tour of Italy"),
        "gm": ("clash.bib", "Roe, R.", "Gardening Monthly"),
        "firstletter": ("source:first", "", "first letter"),
        "pennanttour": ("source:first", "Pennant", "A Tour in Wales"),
        "gentlemansmagazine": ("source:first", "", "Gentleman's Magazine"),
        "secondletter": ("source:second", "", "second letter"),
        "otherletter": ("source:other", "", "other letter"),
        "pennanttoura": ("source:other", "Pennant", "A Tour in Wales"),
        "gentlemansmagazinea": ("source:other", "", "Gentleman's Magazine")}



ARTICLE = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>{title}</title></titleStmt><publicationStmt><publisher>{edition}</publisher>
</publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body>
<p>See <bibl><title level="a">{article}</title> in <title level="j" ref="#gm">Gentleman's
Magazine</title>, <biblScope unit="volume">LVI</biblScope></bibl>.</p></body></text></TEI>"""


def test_bib_tei_same_bibl_in_an_edition_s_letters_is_one_work(ws, tmp_path):
    """An article in a journal, with no pointer of its own, cited alike by three letters of an
    edition is one work (was: welshcastles, welshcastlesa, welshcastlesb, one per letter);
    the same bibl twice in one letter too; another article, or another edition's letter,
    a work of its own."""
    def letter(name, edition="Test Edition", article="Welsh Castles", twice=False):
        text = ARTICLE.format(title=f"{name} letter", edition=edition, article=article)
        if twice:
            text = text.replace("</p></body>", " and again <bibl><title level=\"a\">Welsh "
                                "castles</title> in <title level=\"j\" ref=\"#gm\">"
                                "Gentleman's\nMagazine</title>, <biblScope unit=\"volume\">"
                                "LVI</biblScope></bibl></p></body>")
        (tmp_path / f"{name}.xml").write_text(text, encoding="utf-8")
        ws.add(tmp_path / f"{name}.xml")

    letter("first", twice=True)
    letter("second")
    letter("third")
    letter("fourth", article="Welsh Abbeys")
    letter("other", edition="Other Edition")
    works = sorted((e.key, e.origin) for e in ws.bib() if e.get("journaltitle"))
    assert works == [("welshabbeys", "source:fourth"), ("welshcastles", "source:first"),
                     ("welshcastlesa", "source:other")]


def test_bib_fold_an_old_store_s_article_of_each_letter(ws, tmp_path):
    """A store from before 07270d6 keeps the article three letters of an edition cite alike
    as a work per letter (welshcastles, -a, -b): bib fold makes them one, the first letter's;
    another edition's letter citing it keeps its own, and so does another article."""
    import dataclasses

    from annotator.acts.bibliography import _row

    for name, edition in (("first", "Test Edition"), ("second", "Test Edition"),
                          ("third", "Test Edition"), ("other", "Other Edition")):
        (tmp_path / f"{name}.xml").write_text(ARTICLE.format(
            title=f"{name} letter", edition=edition, article="Welsh Castles"), encoding="utf-8")
        ws.add(tmp_path / f"{name}.xml")
    (castles,) = [e for e in ws.bib() if e.origin == "source:first" and e.get("journaltitle")]
    with ws.store.act("add", "source:second", editor="tester") as act:  # as that release did
        for key, sid in (("welshcastlesb", "second"), ("welshcastlesc", "third")):
            act.insert("bib", _row(dataclasses.replace(castles, key=key,
                                                       origin=f"source:{sid}")))
    folded = ws.bib_fold()
    assert [(f.kept, f.folded, f.why) for f in folded] == [
        ("welshcastles", ("welshcastlesb", "welshcastlesc"), "the same citation")]
    assert sorted(e.key for e in ws.bib() if e.get("journaltitle")) == \
        ["welshcastles", "welshcastlesa"]  # another edition's letter: its own
    # the second letter replaced: its article is the kept work, whose aliases it never says
    second = tmp_path / "second.xml"
    second.write_text(second.read_text(encoding="utf-8").replace("See ", "See also "),
                      encoding="utf-8")
    ws.add(second, replace=True)
    assert sorted(e.key for e in ws.bib() if e.get("journaltitle")) == \
        ["welshcastles", "welshcastlesa"]


def test_bib_tei_pointer_key_taken_is_said_at_add(ws, tmp_path):
    """A bibl whose pointer's key a .bib entry has gets a key of its own, and 'annotator add'
    says which, at the bibl's line, S327 (was: no word, so the editor looked for 'tour')."""
    (tmp_path / "clash.bib").write_text(
        "@book{tour, author = {Smith, John}, title = {A Tour of Italy}, date = {1820}}\n",
        encoding="utf-8")
    ws.bib_add(tmp_path / "clash.bib")
    letter = tmp_path / "first.xml"
    letter.write_text(POINTING.format(title="first letter", edition="Test Edition"),
                      encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "add", str(letter)])
    assert done.exit_code == 0, done.output
    said = [line for line in done.stderr.splitlines() if line.endswith("[S327]")]
    assert said == [f"{letter}:4: warning: bibl 'A Tour in Wales': its key 'tour' is the key "
                    "of 'A Tour of Italy' from clash.bib; added under the key 'pennanttour'; "
                    "cite it as 'pennanttour' [S327]"], done.stderr
    # replaced by the same file: no work added again, nothing said
    again = runner.invoke(app, ["-w", str(ws.root), "add", str(letter), "--replace"])
    assert again.exit_code == 0 and "S327" not in again.stderr, again.stderr


def test_bib_tei_listed_work_of_a_replaced_source_is_updated(ws, tmp_path):
    """A source's listed work (``xml:id="nek97"``), its bibl edited and the source replaced,
    is that work under its key, as the file says it now, and as it was with the earlier file
    again (was: the key 'nek97' taken for another work's, a second work nekrich1997pariahs
    added, and S327 saying 'its key 'nek97' is the key of 'Pariahs, Partners, Predators'
    from source:first')."""
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter)
    before = ws.bib()
    letter.write_text(CITING.format(title="First letter").replace(
        "Predators</title>", "Predators: German-Soviet Relations</title>"), encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "add", str(letter), "--replace"])
    assert done.exit_code == 0 and "S327" not in done.stderr, done.stderr
    after = {e.key: e for e in ws.bib()}
    assert sorted(after) == sorted(e.key for e in before)
    assert after["nek97"].get("title") == "Pariahs, Partners, Predators: German-Soviet Relations"
    assert after["nek97"].origin == "source:first"
    # the earlier file again: the work as it was
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter, replace=True)
    assert ws.bib() == before


def test_bib_tei_bibl_without_id_edited_and_replaced_is_its_work(ws, tmp_path):
    """A bibl with no ``xml:id`` (nor pointer), its title mended and a subtitle added, the
    source replaced: the work the source gave, under its key, as the file says it now, its
    claim's link kept; the header's title edited is the source's own record updated (was: a
    second work each, israelyan2003inside and firstletter1790, beside the old). A typo
    mended is that work too; a bibl turned into another author's work is another work (a
    replace removes none); the earlier file again gives the works as they were."""
    listed = ('<listBibl><bibl><author>Israelyan, Victor</author><title>Memories of '
              'Diplomacy</title><date>2003</date></bibl>')
    text = CITING.format(title="First letter").replace("<listBibl>", listed)
    letter = tmp_path / "first.xml"
    letter.write_text(text, encoding="utf-8")
    ws.add(letter)
    before = ws.bib()
    claim = ws.add_claim("first", quote="Drawings for the")
    ws.link_claim(claim.id, "israelyan2003memories")
    longer = "Inside the Kremlin durin the Yom Kippur War: Memories of Diplomacy"
    letter.write_text("\n" + text.replace("First letter</title>", "First letter, 1790</title>")
                      .replace("Memories of Diplomacy", longer), encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "add", str(letter), "--replace"])
    assert done.exit_code == 0 and "S327" not in done.stderr, done.stderr
    after = {e.key: e for e in ws.bib()}
    assert sorted(after) == sorted(e.key for e in before)
    assert after["israelyan2003memories"].get("title") == longer
    assert after["firstletter"].get("title") == "First letter, 1790"
    assert [link.bib_key for link in ws.claim(claim.id).links] == ["israelyan2003memories"]
    # a typo mended is the same work; another author's work in its place is another work
    mended = longer.replace("durin ", "during ")
    letter.write_text(text.replace("Memories of Diplomacy", mended), encoding="utf-8")
    ws.add(letter, replace=True)
    assert {e.key: e.get("title") for e in ws.bib()}["israelyan2003memories"] == mended
    letter.write_text(text.replace("Israelyan, Victor", "Kissinger, Henry"), encoding="utf-8")
    ws.add(letter, replace=True)
    assert {e.key for e in ws.bib()} == {e.key for e in before} | {"kissinger2003memories"}
    letter.write_text(text, encoding="utf-8")
    ws.add(letter, replace=True)
    assert [e for e in ws.bib() if e.key != "kissinger2003memories"] == before


def _israelyan_letter(ws, tmp_path):
    """A letter listing Israelyan's memoirs in a bibl without an id, added: the bibl (its
    ``{id}`` to fill), the letter's text before the list and its file."""
    listed = ('<listBibl><bibl{id}><author>Israelyan, Victor</author><title>Memories of '
              'Diplomacy</title><date>2003</date></bibl>')
    text = CITING.format(title="First letter")
    letter = tmp_path / "first.xml"
    letter.write_text(text.replace("<listBibl>", listed.format(id="")), encoding="utf-8")
    ws.add(letter)
    return listed, text, letter


def test_bib_tei_bibl_given_an_id_since_is_its_work_renamed(ws, tmp_path):
    """A bibl the source gave with no id (israelyan2003memories, a claim linked to it),
    given ``xml:id="isr03"`` since and the source replaced: that work keyed isr03, as the
    file now keys it, its old key an alias (ids) a claim links by and biber resolves, its
    link with it (was: isr03 added as a second work beside it, or, said alike, never keyed
    by its id). Edited as well, the same. An id another work has leaves it its key."""
    listed, text, letter = _israelyan_letter(ws, tmp_path)
    keys = {e.key for e in ws.bib()}
    claim = ws.add_claim("first", quote="Drawings for the")
    ws.link_claim(claim.id, "israelyan2003memories", locus="p. 4")
    letter.write_text(text.replace("<listBibl>", listed.format(id=' xml:id="isr03"')),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    works = {e.key: e for e in ws.bib()}
    assert set(works) == keys - {"israelyan2003memories"} | {"isr03"}
    assert works["isr03"].get("ids") == "israelyan2003memories"
    assert [(link.bib_key, link.locus) for link in ws.claim(claim.id).links] == \
        [("isr03", "p. 4")]
    assert ws.link_claim(claim.id, "israelyan2003memories", locus="p. 5").bib_key == "isr03"
    # the id changed again with the title edited: the same work, both old keys its aliases
    letter.write_text(text.replace("<listBibl>", listed.format(id=' xml:id="isr"')).replace(
        "Memories of Diplomacy", "Inside the Kremlin: Memories of Diplomacy"), encoding="utf-8")
    ws.add(letter, replace=True)
    works = {e.key: e for e in ws.bib()}
    assert set(works) == keys - {"israelyan2003memories"} | {"isr"}
    assert (works["isr"].get("ids"), works["isr"].get("title")) == \
        ("israelyan2003memories, isr03", "Inside the Kremlin: Memories of Diplomacy")
    # an id a .bib work has: the work keeps its key, no second work
    (tmp_path / "x.bib").write_text("@book{taken, author = {Roe, R.}, title = {Other},"
                                    " date = {1901}}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    letter.write_text(text.replace("<listBibl>", listed.format(id=' xml:id="taken"')),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    works = {e.key: e for e in ws.bib()}
    assert set(works) == keys - {"israelyan2003memories"} | {"isr", "taken"}
    assert works["isr"].get("title") == "Memories of Diplomacy"


def test_bib_tei_bibl_given_another_work_s_id_since_is_said(ws, tmp_path):
    """A bibl given since an ``xml:id`` that is another work's key (a .bib's, or the letter's
    own record's) keeps its key, and 'add --replace' says so (S327, 'left under its key')
    (was: not a word; and the letter's own record's key was taken by the bibl, the record
    made anew under 'firstlettera', so a bibl edited as well overwrote the letter's record
    with Johnson's Journey)."""
    listed = ('<listBibl><bibl{id}><author>Johnson, Samuel</author><title>A Journey to the '
              'Western Isles{more}</title><date>1775</date></bibl>')
    text = CITING.format(title="First letter")
    letter = tmp_path / "first.xml"
    letter.write_text(text.replace("<listBibl>", listed.format(id="", more="")),
                      encoding="utf-8")
    ws.add(letter)
    before = {e.key: e for e in ws.bib()}
    assert {"firstletter", "johnson1775journey"} <= set(before)
    (tmp_path / "x.bib").write_text("@book{taken, author = {Roe, R.}, title = {Other},"
                                    " date = {1901}}\n", encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    for key, whose, more in (("taken", "'Other' from x.bib", ""),
                             ("firstletter", "'First letter' from source:first", ""),
                             ("firstletter", "'First letter' from source:first",
                              " of Scotland")):
        letter.write_text(text.replace("<listBibl>", listed.format(id=f' xml:id="{key}"',
                                                                    more=more)),
                          encoding="utf-8")
        done = runner.invoke(app, ["-w", str(ws.root), "add", str(letter), "--replace"])
        assert done.exit_code == 0, done.output
        said = [line for line in done.stderr.splitlines() if line.endswith("[S327]")]
        assert len(said) == 1 and said[0].endswith(
            f"its key '{key}' is the key of {whose}; left under its key 'johnson1775journey'; "
            "cite it as 'johnson1775journey' [S327]"), done.stderr
        works = {e.key: e for e in ws.bib()}
        assert set(works) == set(before) | {"taken"}
        assert works["firstletter"] == before["firstletter"]
        assert works["johnson1775journey"].get("title") == f"A Journey to the Western Isles{more}"


@pytest.mark.parametrize(("xml", "pointer"), [
    ('<bibl><title ref="bi0032">journey</title></bibl>', "bi0032"),
    ('<bibl corresp="#b1"><title ref="bi0032">journey</title></bibl>', "#b1"),
    ('<bibl><title key="bi7">journey</title></bibl>', "bi7"),
    ('<bibl><title ref="#a #b">two</title></bibl>', ""),
    # a journal's or series' pointer names what holds the work, not the work
    ('<bibl><title level="j" ref="#gm">Gentleman\'s Magazine</title>, LVI</bibl>', ""),
    ('<biblStruct><analytic><title>Art</title></analytic><monogr><title level="j" '
     'ref="#j1">J</title></monogr></biblStruct>', ""),
    ('<biblStruct><analytic><title ref="#w1">Art</title></analytic><monogr><title '
     'level="j">J</title></monogr></biblStruct>', "#w1"),
], ids=["title-ref", "bibl-corresp", "title-key", "two", "journal", "struct-journal",
        "struct-analytic"])
def test_bib_tei_work_pointer_is_the_work_s_own(xml, pointer):
    from annotator.bibliography.entries import pointer_key, work_pointer

    el = parse_xml(xml.replace(">", f' xmlns="{TEI_NS}">', 1).encode(), ROOT / "t.xml")
    assert work_pointer(el) == pointer
    assert pointer_key("bibliography.xml#bi0032") == pointer_key("#bi0032") == "bi0032"


def test_bib_tei_bare_title_of_two_stored_works_is_a_work_of_its_own(ws, tmp_path):
    """A bare title cites a stored work only where one work has that title: two letters
    titled alike leave it a work of its own ('Account of prints', one work's, is cited)."""
    for n, year in ((1, 1786), (2, 1788)):
        letter = tmp_path / f"l{n}.xml"
        letter.write_text(CITING.format(title="Richard Bull to Thomas Pennant").replace(
            "<sourceDesc><p/>", f'<sourceDesc><bibl><title>Richard Bull to Thomas Pennant'
            f'</title><date when="{year}"/></bibl>'), encoding="utf-8")
        ws.add(letter)
    third = tmp_path / "l3.xml"
    third.write_text(CITING.format(title="Third").replace(
        "Account of Prints", "Richard Bull to Thomas Pennant"), encoding="utf-8")
    ws.add(third)
    assert [e.get("title") for e in ws.bib() if e.origin == "source:l3" and not e.get("date")
            and e.key != "third"] == ["Richard Bull to Thomas Pennant"]  # one stored: cited


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
       st.sampled_from(["1997", "", "n.d.", "-0044"]), st.text(max_size=30))
def test_bib_generated_keys_are_unique_and_citable(names, year, title):
    taken: list[str] = []
    fields = {"author": " and ".join(n for n in names if n), "year": year, "title": title}
    for _ in range(4):
        key = make_key(fields, taken)
        assert key not in taken
        # letters and digits, and the minus of a BC year
        assert key and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in key)
        assert "-" not in key.replace(year, "") if year.startswith("-") else "-" not in key
        taken.append(key)


@pytest.mark.parametrize(("name", "family", "given"), [
    ("Nekrich, Aleksandr M.", "Nekrich", "Aleksandr M."),
    ("Aleksandr M.  Nekrich", "Nekrich", "Aleksandr M."),
    # the von part is no part of the surname a citation gives (biblatex: useprefix=false)
    ("Joachim von Ribbentrop", "Ribbentrop", "Joachim"),
    ("von Ribbentrop, Joachim", "Ribbentrop", "Joachim"),
    ("Smith, Jr., John", "Smith", "John"),
    ("{van der} Berg, Anna", "{van der} Berg", "Anna"),  # braced: the surname's own
    ("Drummond de Andrade, Carlos", "Drummond de Andrade", "Carlos"),
    ("Plato", "Plato", ""),
    ("{Wikimedia Foundation}", "Wikimedia Foundation", ""),
    # braced parts, not one literal name: split as the name they make
    ("{Nekrich}, {Aleksandr M.}", "{Nekrich}", "{Aleksandr M.}"),
    ("{Aleksandr M.} {Nekrich}", "{Nekrich}", "{Aleksandr M.}"),
])
def test_bib_surname_and_forenames_split_a_name(name, family, given):
    assert (surname(name), forenames(name)) == (family, given)


def test_bib_key_and_surname_follow_an_entry_s_useprefix():
    """A key gives the surname a citation gives: 'Fontaine' by biblatex's default, 'de la
    Fontaine' when the entry's options say useprefix (was: the von part always, and a
    'Jr.' read as given names)."""
    fields = {"author": "de la Fontaine, Jean", "year": "1668", "title": "Fables"}
    assert make_key(fields, []) == "fontaine1668fables"
    assert make_key({**fields, "options": "maxnames=2, useprefix=true"}, []) == \
        "delafontaine1668fables"
    assert surname("de la Fontaine, Jean", useprefix=True) == "de la Fontaine"


@pytest.mark.parametrize(("author", "key", "family", "given"), [
    ("family=Berg, given=Anna, prefix=van der", "berg2000letters", "Berg", "Anna"),
    ("family=Berg, given=Anna, prefix=van der, useprefix=true", "vanderberg2000letters",
     "van der Berg", "Anna"),
    ("given = Jean, family = Fontaine, prefix = de la, suffix = Jr.", "fontaine2000letters",
     "Fontaine", "Jean"),
    ("family=Doe, given=John and Smith, Jane", "doe2000letters", "Doe", "John")])
def test_bib_extended_name_gives_keys_and_citations_their_parts(ws, tmp_path, author, key,
                                                                family, given):
    """A name in biblatex's extended format is read by its parts (entries.name_parts): the
    key and the surname a citation gives are its family name, with its prefix where the
    name says useprefix=true (was: read as a BibTeX name, the key 'familyberggivenanna...'
    and the surname the last word of 'given=Anna'); the TEI <bibl> shows it as people read
    a name, 'van der Berg, Anna', and reads the entry back exactly."""
    from annotator.bibliography.tei_bibl import bibl_lines, read_bibl

    path = tmp_path / "x.bib"
    path.write_text(f"@book{{, author = {{{author}}}, title = {{Letters}}, year = 2000}}\n",
                    encoding="utf-8")
    (entry,) = ws.bib_add(path).added
    first = split_names(entry.get("author"))[0]
    assert (entry.key, surname(first), forenames(first)) == (key, family, given)
    if "prefix=van der" in author:
        lines = bibl_lines(entry.key, entry.type, entry.fields, entry.key, lambda n: n)
        assert "  <author>van der Berg, Anna</author>" in lines
        xml = f'<listBibl xmlns="{TEI_NS}">' + "\n".join(lines) + "</listBibl>"
        back = read_bibl(parse_xml(xml.encode(), path)[0])
        assert back == (entry.type, dict(entry.fields))


def test_bib_deep_braces_and_href_give_no_traceback(ws, tmp_path):
    deep = "{" * 5000 + "Deep" + "}" * 5000
    path = tmp_path / "odd.bib"
    path.write_text(f"@book{{deep, title = {{{deep}}}, year = 2000}}\n"
                    "@online{web, title = {\\href{https://x.org/?a=1&b=2}{The Site}}, "
                    "url = {https://x.org}, year = 2001}\n", encoding="utf-8")
    result = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(path)])
    assert result.exit_code == 0, result.output
    assert plain(ws.bib_entry("deep").get("title")) == "Deep"
    assert plain(ws.bib_entry("web").get("title")) == "The Site"
    for kind in (["bibtex", "--all"], ["bibtex", "--all", "--ascii"], ["csl", "--all"]):
        done = runner.invoke(app, ["-w", str(ws.root), "export", *kind])
        assert done.exit_code == 0 and "Traceback" not in done.output, done.output


def test_bib_tei_title_keeps_the_case_of_the_names_it_marks():
    """A proper noun the TEI marks in a title is braced, so sentence case keeps it."""
    xml = ('<bibl><title>Letters from <placeName>Berlin</placeName> to '
           '<persName>Anna Schmidt</persName> &amp; others</title><date when="1940"/></bibl>')
    el = parse_xml(xml.replace(">", f' xmlns="{TEI_NS}">', 1).encode(), ROOT / "t.xml")
    root = parse_xml(f'<TEI xmlns="{TEI_NS}"><text><body>{xml}</body></text></TEI>'.encode(),
                     ROOT / "t.xml")
    from annotator.bibliography.entries import tei_entries

    _etype, fields = tei_fields(el)
    work = tei_entries(root, source_id="t", title="T", taken=[])[0]
    assert work.get("title") == "Letters from {Berlin} to {Anna Schmidt} \\& others"
    assert plain(work.get("title")) == "Letters from Berlin to Anna Schmidt & others"
    plain_fields = {k: plain(v) for k, v in work.fields}
    assert make_key(fields, []) == make_key(plain_fields, []) == "lettersberlinanna1940"


@pytest.mark.parametrize(("author", "key"), [
    ("{Friends Historical Library of Swarthmore College}", "fhlsc1824john"),
    ("{The Wiener Library for the Study of the Holocaust and Genocide}", "wlshg1824john"),
    ("{The Attributed Graph Grammar System ({AGG})}", "agg1824john"),
    ("{Wikimedia Foundation}", "wikimediafoundation1824john"),
    ("{Österreichische Nationalbibliothek}", "osterreichischenationalbibliothek1824john"),
    ("{Plato}", "plato1824john"),
    # a person's key is as before, braces inside a name or not
    ("Hunt, John", "hunt1824john"),
    ("John Hunt and {Friends Historical Library}", "hunt1824john"),
    ("{\\\"O}zt{\\\"u}rk, Ali", "ozturk1824john"),
    ("Joachim von Ribbentrop", "ribbentrop1824john"),  # the surname a citation gives
])
def test_bib_key_of_a_body_is_short_and_a_person_s_as_before(author, key):
    """A body's name (a braced literal) run together made keys nobody reads
    ('friendshistoricallibraryofswarthmorecollege1824john'): its initials stand in."""
    fields = {"editor": author, "title": "John Hunt Journal", "date": "1824-06-27"}
    assert make_key(fields, []) == key


ORG_LETTER = f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt>
<title>John Hunt Journal</title><editor>Friends Historical Library of Swarthmore College</editor>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
<profileDesc><creation><date when="1824-06-27"/></creation></profileDesc></teiHeader>
<text><body><p>A journal.</p></body></text></TEI>"""


def test_bib_a_stored_key_of_a_body_stays_when_its_source_comes_again(ws, tmp_path):
    """Keys made by the old rule are kept: a source added again (or anew into a workspace
    whose store has its work) finds its work and adds no entry under the new key."""
    from annotator.acts.bibliography import _row
    from annotator.bibliography.entries import tei_entries

    path = tmp_path / "hunt.xml"
    path.write_text(ORG_LETTER, encoding="utf-8")
    (work,) = tei_entries(parse_xml(ORG_LETTER.encode(), path), source_id="hunt",
                          title="John Hunt Journal", taken=[], date="1824-06-27")
    assert work.key == "fhlsc1824john"
    old = "friendshistoricallibraryofswarthmorecollege1824john"
    with ws.store.act("bib-add", "bib:old", editor="t") as act:
        act.insert("bib", _row(work.__class__(key=old, type=work.type, fields=work.fields,
                                              origin=work.origin, line=work.line)))
    ws.add(path)
    assert [e.key for e in ws.bib() if e.origin == "source:hunt"] == [old]


ŁUKASIEWICZ = r"""@book{,
  author = {{\L}ukasiewicz, Jan},
  title = {{\AE}thelred and the Three Values},
  year = {1920},
}
"""


@pytest.mark.parametrize(("fields", "key"), [
    ({"author": "Łukasiewicz, Jan", "title": "Æthelred", "year": "1920"},
     "lukasiewicz1920aethelred"),
    ({"author": "Đorđević, Tihomir", "title": "Œuvres", "year": "1901"}, "dordevic1901oeuvres"),
    ({"author": "Þórðarson, Sturla", "title": "Straße", "year": "1264"},
     "thordarson1264strasse"),
    ({"author": "{Łódź Œcumenical Ærodrome Society}", "title": "Işık"},
     "loasisik"),  # initials: the first letter of each fold
    ({"title": "Æsop Ødegaard Ðiðrik"}, "aesopodegaarddidrik")])
def test_bib_key_keeps_letters_nfkd_leaves_whole(fields, key):
    """Ł, Æ, Œ, Đ, Ð, Þ, ı... are letters, spelt in ASCII as Text::Unidecode spells them,
    never dropped ('Łukasiewicz' gave 'ukasiewicz')."""
    assert make_key(fields, []) == key


@pytest.mark.parametrize(("fields", "year", "key"), [
    ({"author": "Cicero", "title": "De officiis", "date": "-0044"}, "-0044",
     "cicero-0044de"),
    ({"author": "Cicero", "title": "De officiis", "date": "-0044-03-15/-0043"}, "-0044",
     "cicero-0044de"),
    ({"author": "Cicero", "title": "De officiis", "year": "-0044"}, "-0044",
     "cicero-0044de"),
    ({"author": "Nepos", "title": "Vitae", "date": "0044"}, "0044", "nepos44vitae"),
    ({"author": "Hunt", "title": "Letters", "year": "1891-1892"}, "1891", "hunt1891letters")])
def test_bib_year_of_a_bc_work_keeps_its_sign(fields, year, key):
    """A BC year (ISO 8601-2 '-0044', biber's year -44) is not AD 0044 in the key."""
    assert (year_of(fields), make_key(fields, [])) == (year, key)


@pytest.mark.parametrize(("spellings", "shown"), [
    (({"year": "-44"}, {"date": "-0044"}, {"year": "-0044"}, {"date": "-0044-03-15/-0044-04"}),
     "-0044"),
    (({"year": "830"}, {"year": "0830"}, {"date": "0830"}, {"date": "0830-03"}), "830"),
    (({"year": "0"}, {"date": "0000"}), "0000"),
    (({"year": "1891"}, {"date": "1891-12-24"}, {"year": "c. 1891"}), "1891")])
def test_bib_one_year_is_one_key_and_one_listed_year_whatever_its_spelling(ws, tmp_path,
                                                                            spellings, shown):
    """``year = {-44}`` and ``date = {-0044}`` are one year (biber's year -44, 45 BC), as are
    ``830`` and ``0830``: one key part and one year in ``bib list`` (were ``cicero-44de``
    and ``cicero-0044de``), spelt from the number; a year BC in ISO's four digits."""
    path = tmp_path / "y.bib"
    path.write_text("".join(
        "@book{,author={Cicero},title={De officiis},"
        + ",".join(f"{k}={{{v}}}" for k, v in f.items()) + f",note={{{i}}}}}\n"
        for i, f in enumerate(spellings)), encoding="utf-8")
    ws.bib_add(path)
    done = CliRunner().invoke(app, ["-w", str(ws.root), "bib", "list", "-f", "json"])
    keys = [e["key"] for e in json.loads(done.stdout)]
    done = CliRunner().invoke(app, ["-w", str(ws.root), "bib", "list", "-f", "csv"])
    assert done.exit_code == 0, done.output
    listed = {r["year"] for r in csv.DictReader(io.StringIO(done.stdout, newline=""))}
    base = f"cicero{shown}de"
    assert (sorted(keys), listed) == ([base, *(base + s for s in "abc"[:len(keys) - 1])],
                                      {shown})


def test_bib_tei_year_of_a_bc_date_keeps_its_sign():
    xml = '<bibl><author>Cicero</author><title>De officiis</title><date when="-0044"/></bibl>'
    el = parse_xml(xml.replace(">", f' xmlns="{TEI_NS}">', 1).encode(), ROOT / "t.xml")
    root = parse_xml(f'<TEI xmlns="{TEI_NS}"><text><body>{xml}</body></text></TEI>'.encode(),
                     ROOT / "t.xml")
    from annotator.bibliography.entries import tei_entries

    assert tei_fields(el)[1]["year"] == "-0044"
    assert tei_entries(root, source_id="t", title="T", taken=[])[0].key == "cicero-0044de"


def test_bib_key_of_a_keyless_entry_by_lukasiewicz_keeps_the_l(ws, tmp_path):
    path = tmp_path / "l.bib"
    path.write_text(ŁUKASIEWICZ, encoding="utf-8")
    assert [e.key for e in ws.bib_add(path).added] == ["lukasiewicz1920aethelred"]


def test_bib_a_keyless_entry_stored_under_the_older_fold_keeps_its_key(ws, tmp_path):
    """A key made when 'Ł' was dropped stays: the same .bib added again finds its work by
    its fields and adds nothing under the new key."""
    from annotator.acts.bibliography import _row

    path = tmp_path / "l.bib"
    path.write_text(ŁUKASIEWICZ, encoding="utf-8")
    (work,) = read_bib(path, origin="l.bib")
    old = "ukasiewicz1920thelred"
    with ws.store.act("bib-add", "bib:old", editor="t") as act:
        act.insert("bib", _row(work.__class__(key=old, type=work.type, fields=work.fields,
                                              origin=work.origin, line=work.line)))
    again = ws.bib_add(path)
    assert (again.added, again.updated, again.unchanged) == ((), (), 1)
    assert [e.key for e in ws.bib()] == [old]


OTHER_SCRIPTS = ("@book{,\n  author = {Толстой, Лев},\n  title = {Война и мир},\n"
                 "  year = {1869},\n}\n"
                 "@book{,\n  author = {田中, 太郎},\n  title = {歴史},\n  year = {1990},\n}\n"
                 "@book{,\n  author = {Ἀριστοτέλης},\n  title = {Πολιτικά},\n  year = {-0350},\n}\n")


def test_bib_keys_of_authors_in_other_scripts_are_spelt(ws, tmp_path):
    """A key-less entry by a Cyrillic, Japanese or Greek author was keyed by its year alone
    ('1869', '1990'): its author and title are now spelt in ASCII as anyascii spells them."""
    path = tmp_path / "o.bib"
    path.write_text(OTHER_SCRIPTS, encoding="utf-8")
    assert [e.key for e in ws.bib_add(path).added] == [
        "tolstoy1869voyna", "tianzhong1990lishi", "aristotelis-0350politika"]


def test_bib_a_cyrillic_entry_stored_under_the_older_fold_keeps_its_key(ws, tmp_path):
    """'1869', the key the older fold made (no Cyrillic letter kept), stays."""
    from annotator.acts.bibliography import _row

    path = tmp_path / "o.bib"
    path.write_text("@book" + OTHER_SCRIPTS.split("@book")[1], encoding="utf-8")
    (work,) = read_bib(path, origin="o.bib")
    with ws.store.act("bib-add", "bib:old", editor="t") as act:
        act.insert("bib", _row(work.__class__(key="1869", type=work.type, fields=work.fields,
                                              origin=work.origin, line=work.line)))
    again = ws.bib_add(path)
    assert (again.added, again.unchanged) == ((), 1)
    assert [e.key for e in ws.bib()] == ["1869"]


def test_bib_list_csv_writes_a_year_bc_as_a_year_and_guards_a_formula(ws, tmp_path):
    """``bib list -f csv`` wrote the year -0044 as '-0044: the spreadsheet-formula guard now
    leaves a minus then digits (a number, a year BC, an ISO date) alone, as every CSV the
    project writes shares it; text a spreadsheet would run still gets its '. A year of
    fewer digits (830, as biber reads it) is listed too."""
    path = tmp_path / "bc.bib"
    path.write_text("@book{c, author={Cicero}, title={De officiis}, date={-0044-03-15}}\n"
                    "@book{d, author={-2+3}, title={Sum}, year={-44}}\n"
                    "@book{e, author={Einhard}, title={Vita Karoli}, year={830}}\n",
                    encoding="utf-8")
    ws.bib_add(path)
    done = CliRunner().invoke(app, ["-w", str(ws.root), "bib", "list", "-f", "csv"])
    assert done.exit_code == 0, done.output
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(done.stdout, newline=""))}
    assert (rows["c"]["year"], rows["d"]["year"], rows["e"]["year"]) == ("-0044", "-0044", "830")
    assert rows["d"]["author"] == "'-2+3"
    from annotator.text import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ("-12.5", "-0044-03-15/-0043", "-1+2", "-A1")] == [
        "-12.5", "-0044-03-15/-0043", "'-1+2", "'-A1"]


@pytest.mark.parametrize(("date", "listed"), [
    ("199X", "199X"), ("19XX", "19XX"), ("1790%", "1790%"), ("1778~", "1778~"),
    ("1790?", "1790?"), ("1790~/1795?", "1790~–1795?"), ("1790/1795", "1790–1795"),
    ("../2019", "–2019"), ("2019/..", "2019–"), ("1790-05/1790-08", "1790"),
    ("1790-05-XX", "1790"), ("1790-05-12", "1790"), ("0830~", "830~"), ("-0044", "-0044"),
    ("-0044-03-15/-0043", "-0044/-0043")])
def test_bib_list_shows_an_edtf_date_s_year_as_written(ws, tmp_path, date, listed):
    """``bib list`` showed no year for '199X' and '19XX' and only the number for '1790%',
    '1778~' or a range ('1790' for 1790/1795, '2019' for an open start): the year, or range
    of years, as written, EDTF's marks kept; the key keeps the number alone."""
    path = tmp_path / "e.bib"
    path.write_text(f"@book{{roe, author = {{Roe, R.}}, title = {{T}}, date = {{{date}}}}}\n",
                    encoding="utf-8")
    ws.bib_add(path)
    done = CliRunner().invoke(app, ["-w", str(ws.root), "bib", "list", "-f", "csv"])
    assert done.exit_code == 0, done.output
    assert [r["year"] for r in csv.DictReader(io.StringIO(done.stdout, newline=""))] == [listed]


def test_bib_list_shows_an_extended_name_as_a_person_reads_it(ws, tmp_path):
    """An author in biblatex's extended format was listed as its pairs ('given=Y,
    prefix=van, useprefix=true'), from a .bib or a CSL item with a particle and no family
    name: as a person reads it ('Y van'; 'van Berg, Anna' with a family name); a classic
    name as written."""
    path = tmp_path / "x.bib"
    path.write_text(
        "@book{a, author = {given=Y, prefix=van, useprefix=true}, title = {A}}\n"
        "@book{b, author = {family=Berg, given=Anna, prefix=van der, useprefix=false and "
        "Doe, John}, title = {B}}\n"
        "@book{c, editor = {given=Jean, prefix=de, useprefix=false}, title = {C}}\n",
        encoding="utf-8")
    ws.bib_add(path)
    items = tmp_path / "i.json"
    items.write_text(json.dumps([{"id": "d", "type": "book", "title": "D", "author": [
        {"non-dropping-particle": "van", "given": "Y"}]}]), encoding="utf-8")
    ws.bib_add(items)
    done = CliRunner().invoke(app, ["-w", str(ws.root), "bib", "list", "-f", "csv"])
    assert done.exit_code == 0, done.output
    rows = {r["key"]: r["author"] for r in csv.DictReader(io.StringIO(done.stdout, newline=""))}
    assert rows == {"a": "Y van", "b": "van der Berg, Anna and Doe, John", "c": "Jean de",
                    "d": "Y van"}


def test_bib_year_that_is_no_integer_is_a_warning_naming_what_to_write(ws, tmp_path):
    """'year = {50 BC}' came in with no word (biber warns 'legacy year field ... is not an
    integer'), then went out as a CSL literal and an empty year in 'bib list': a warning
    now, at the field's line, with the year biber reads as 50 BC (ISO's -49)."""
    bib = tmp_path / "years.bib"
    bib.write_text("@book{caesar, author = {Caesar, Gaius Julius}, title = {Commentarii},\n"
                   "  year = {50 BC}}\n@book{smith, title = {Circa}, year = {c. 1850}}\n"
                   "@book{ok, title = {Fine}, year = 1900}\n", encoding="utf-8")
    result = ws.bib_add(bib)
    assert [e.key for e in result.added] == ["caesar", "smith", "ok"]
    assert [(p.code, p.line, p.key, p.severity) for p in result.problems] == [
        ("S313", 2, "caesar", "warning"), ("S313", 3, "smith", "warning")]
    caesar, smith = (str(p) for p in result.problems)
    assert caesar.startswith(f"{bib}:2: entry 'caesar': year field '50 BC' is not an integer")
    assert "year = {-49}" in caesar and "date = {-0049}" in caesar
    assert "year = {1850}" in smith
    assert ws.bib_entry("caesar").get("year") == "50 BC"  # kept as written, as biber keeps it


def test_bib_a_date_that_is_none_is_a_warning_naming_what_the_exports_keep(ws, tmp_path):
    """urldate = {2024-02-30} and month = 13 came in with no word (biber ignores both with a
    warning, at LaTeX time): a warning now, at the field's line, naming the entry, the
    field, why and what every export keeps; the stored values stay as written."""
    bib = tmp_path / "v.bib"
    bib.write_text("@online{web, author={{WHO}}, title={R}, url={https://e.org},\n"
                   "  urldate={2024-02-30}}\n"
                   "@article{x, title={X}, journaltitle={J}, year=2012, month=13}\n"
                   "@book{ok, title={O}, date={1999~}, urldate={2024-02-29}}\n",
                   encoding="utf-8")
    result = ws.bib_add(bib)
    assert len(result.added) == 3
    assert [(p.code, p.line, p.key, p.severity) for p in result.problems] == [
        ("S316", 2, "web", "warning"), ("S316", 3, "x", "warning")]
    web, x = (str(p) for p in result.problems)
    assert web == (f"{bib}:2: entry 'web': urldate '2024-02-30' is no real date (February "
                   "2024 has 29 days); the exports keep 2024-02, the part that is: fix the "
                   "urldate (annotator bib add --replace) [S316]")
    assert x.startswith(f"{bib}:3: entry 'x': month '13' is no month (there is no month 13)")
    assert ws.bib_entry("web").get("urldate") == "2024-02-30"
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--replace", str(bib)])
    assert done.exit_code == 0, done.stderr
    assert "no real date [S316]: 2" in done.stderr


NO_DATES = """@book{c53, title = {C}, date = {c. 1953}}
@book{dotted, title = {D},
  date = {1.1.1892}}
@book{span, title = {S}, date = {1891--1893}}
@online{web, title = {W}, url = {https://e.org}, urldate = {last week}}
@book{fine, title = {F}, date = {../2019}, origdate = {199X}, eventdate = {2001-33}}
"""


def test_bib_a_date_biber_cannot_read_is_a_warning_naming_what_to_write(ws, tmp_path):
    """date = {c. 1953} or {1.1.1892} came in without a word, though biber warns 'Invalid
    format' and ignores it and the exports write its year: S317 at the field's line,
    naming entry, field, what biber and the exports do and the EDTF date to write, for the
    fields biber warns of; an open start, unspecified digits and a quarter are dates."""
    import subprocess
    bib = tmp_path / "d.bib"
    bib.write_text(NO_DATES, encoding="utf-8")
    result = ws.bib_add(bib)
    assert len(result.added) == 5
    assert [(p.code, p.line, p.key) for p in result.problems] == [
        ("S317", 1, "c53"), ("S317", 3, "dotted"), ("S317", 4, "span"), ("S317", 5, "web")]
    c53, dotted, span, web = (str(p) for p in result.problems)
    assert c53 == (f"{bib}:1: entry 'c53': date 'c. 1953' is no date biber reads (biber "
                   "ignores it, warning 'Invalid format'); the exports write its year, 1953: "
                   "write an EDTF date, date = {1953~} (circa) [S317]")
    assert dotted.endswith("date = {1892-01-01} [S317]")
    assert span.endswith("date = {1891/1893} (a range) [S317]")
    assert "urldate = {YYYY-MM-DD}" in web and "the CSL-JSON leaves it out" in web
    assert ws.bib_entry("c53").get("date") == "c. 1953"  # kept as written
    done = subprocess.run(["biber", "--tool", "--output-file=out.bib", bib.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    invalid = re.findall(r"Entry '(\w+)' \(d.bib\): Invalid format '([^']*)' of date field "
                         r"'(\w+)'", done.stdout)
    assert sorted(invalid) == [("c53", "c. 1953", "date"), ("dotted", "1.1.1892", "date"),
                               ("span", "1891--1893", "date"),
                               ("web", "last week", "urldate")], done.stdout
    shown = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bib)])
    assert "no date biber reads [S317]: 4" in shown.stderr


def test_bib_year_below_zero_is_said_once_with_how_it_is_read(ws, tmp_path):
    """'year = {-50}' is 51 BC to biber and ISO 8601, not the 50 BC an editor may mean: one
    note for the library (the others counted), which --strict does not refuse; a date field
    below 0 is ISO's own spelling and says nothing."""
    bib = tmp_path / "bc.bib"
    bib.write_text("@book{a, title = {A}, year = {-50}}\n@book{b, title = {B}, year = {-44}}\n"
                   "@book{c, title = {C}, date = {-0049}}\n", encoding="utf-8")
    result = ws.bib_add(bib, strict=True)
    assert len(result.added) == 3
    assert [(p.code, p.line, p.key, p.severity) for p in result.problems] == [
        ("S314", 1, "a", "note")]
    text = str(result.problems[0])
    assert "51 BC" in text and "1 other year below 0" in text
    assert "year = {-49}" in text and "date = {-0049}" in text
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bib)])
    assert done.exit_code == 0, done.stderr  # added already: the note is said again all the same
    assert "Notes (worth a look, never refused): 1" in done.stderr.splitlines()


def test_bib_strict_refusal_names_the_problems_that_refuse_it_only(ws, tmp_path):
    """--strict with one entry left out and a note (a year below 0, which --strict does not
    refuse): one line, the entry's own remedy then 'nothing was added', as for a lone problem
    (was: counted with the note, the remedy dropped, the note listed among the refusals), the
    way register import --strict says it (one helper, bibliography.entries.refusal)."""
    bib = tmp_path / "one-bad.bib"
    bib.write_text("@book{a, title = {A}, year = {-50}}\n@book{b, title = {T\x01wo}}\n",
                   encoding="utf-8")
    with pytest.raises(SourceError) as info:
        ws.bib_add(bib, strict=True)
    err = info.value
    assert (err.code, err.location.line, err.details) == ("S311", 2, ())
    assert "more problem" not in str(err)
    assert "; nothing was added (--strict" in str(err) and "\n" not in str(err)
    assert ws.bib() == []


def test_bib_cli_exits_2_when_every_new_entry_is_left_out(ws, tmp_path):
    """A .bib whose only entry is broken added nothing: exit 2 with one line per left-out
    entry, file:line and what to do (was: exit 0 after 'Left out: 1 ... 0 entries added')."""
    bad = tmp_path / "only-broken.bib"
    bad.write_text("@book{a,\n  title = {Unclosed,\n}\n", encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bad)])
    assert done.exit_code == 2, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:1: entry 'a': ") and "[S30" in lines[0], lines
    assert lines[-1] == f"{bad}: 0 entries added, 1 left out"
    assert ws.bib() == []


def test_bib_add_warns_of_an_alias_that_is_another_work_s_key(ws, tmp_path):
    """An entry whose ``ids`` lists another entry's own key came in with no word, though
    biber warns ('Citekey alias ... is also a real entry key, skipping') and a citation of
    that key is the other work: S328, a warning at the entry that lists it (the other in the
    same file or stored), or at a new entry whose key a stored work lists; added all the
    same."""
    import subprocess

    first = tmp_path / "a.bib"
    first.write_text("@book{pennant1778, ids = {tourwales, pennanttour}, author = {Pennant, "
                     "Thomas}, title = {A Tour in Wales}, date = {1778}}\n"
                     "@book{tourwales, author = {Roe, R.}, title = {Wales}, date = {1900}}\n",
                     encoding="utf-8")
    done = subprocess.run(["biber", "--tool", "--output-file=o.bib", "a.bib"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert "Citekey alias 'tourwales' is also a real entry key" in done.stdout, done.stdout
    result = ws.bib_add(first)
    assert [e.key for e in result.added] == ["pennant1778", "tourwales"]
    assert [(p.code, p.severity, p.line, p.key) for p in result.problems] == [
        ("S328", "warning", 1, "pennant1778")]
    assert str(result.problems[0]) == (
        f"{first}:1: entry 'pennant1778': its ids list 'tourwales', the key of another work "
        "('tourwales' from a.bib:2): biber skips that alias with a warning, and a citation of "
        "'tourwales' is that work; added all the same: take 'tourwales' out of the ids of "
        "'pennant1778' (the .bib exports leave it out); a citation meant for 'pennant1778' "
        "takes its own key [S328]")
    second = tmp_path / "b.bib"
    second.write_text("@book{PennantTour, title = {Tour}, date = {1771}}\n"
                      "@book{later, ids = {Pennant1778}, title = {Later}, date = {1801}}\n",
                      encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(second)])
    assert done.exit_code == 0, done.output
    warned = [line for line in done.stderr.splitlines() if line.endswith("[S328]")]
    assert [w.split(": ")[1] for w in warned] == ["entry 'PennantTour'", "entry 'later'"], warned
    assert "its key is an alias 'pennant1778' (from a.bib) lists in its ids" in warned[0]
    assert "a citation of 'PennantTour' is this entry" in warned[0]
    assert {e.key for e in ws.bib()} == {"pennant1778", "tourwales", "PennantTour", "later"}
    assert ws.bib_add(second).problems == ()  # the same file again: nothing new, no word


def test_bib_adding_a_source_reads_the_stored_works_only_when_its_text_lists_works(ws,
                                                                                    tmp_path):
    """A source whose text lists or cites no work (no bibl outside its header) is added
    without every stored work read and parsed: its own work needs only the keys taken (was:
    every work of the bibliography read for each source added); one that cites a stored work
    by its title still finds it."""
    ws.bib_add(REFERENCES)
    sql: list[str] = []
    letter = tmp_path / "letter.txt"
    letter.write_text("Brahm wrote to Schnitzler.\n", encoding="utf-8")
    ws.store.conn.set_trace_callback(sql.append)
    try:
        ws.add(letter)
    finally:
        ws.store.conn.set_trace_callback(None)
    assert not [s for s in sql if "FROM bib ORDER BY key" in s]
    assert len([e for e in ws.bib() if e.origin == "source:letter"]) == 1  # itself
    cites = tmp_path / "cites.xml"
    cites.write_text(f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>Cites
</title></titleStmt><publicationStmt><p>test</p></publicationStmt><sourceDesc><p>test</p>
</sourceDesc></fileDesc></teiHeader><text><body><p>As <bibl><title>Pariahs, Partners, Predators:
German-Soviet Relations, 1922-1941</title></bibl> says.</p></body></text></TEI>""",
                     encoding="utf-8")
    ws.add(cites)
    assert len([e for e in ws.bib() if e.origin == "source:cites"]) == 1  # not the cited one


@pytest.mark.parametrize("before, after", [
    ("<title>Letters, vol. 1</title>", "<title>Letters, vol. 2</title>"),
    ("<title>Letters, vol. I</title>", "<title>Letters, vol. II</title>"),
    ("<title>Letters, Part One</title>", "<title>Letters, Part Two</title>"),
    ('<title>Letters</title><biblScope unit="volume">1</biblScope>',
     '<title>Letters</title><biblScope unit="volume">2</biblScope>'),
    ("<title>Letters</title><date>1790</date>", "<title>Letters</title><date>1791</date>"),
    ("<title>Letters written in Scotland and the Hebrides, Part I</title>",
     "<title>Letters written in Scotland and the Hebrides, Part the Second</title>"),
    ("<title>Letters written in Scotland and the Hebrides, 1st ed.</title>",
     "<title>Letters written in Scotland and the Hebrides, 2nd ed.</title>"),
    ("<title>Letters written in Scotland and the Hebrides, Volume the First</title>",
     "<title>Letters written in Scotland and the Hebrides, Volume the Second</title>"),
    ("<title>Letters written in Scotland and the Hebrides, First Part</title>",
     "<title>Letters written in Scotland and the Hebrides, Second Part</title>"),
    ("<title>Letters written in Scotland and the Hebrides, the First</title>",
     "<title>Letters written in Scotland and the Hebrides, the Second</title>"),
])
def test_bib_tei_bibl_of_another_volume_replaced_is_another_work(ws, tmp_path, before, after):
    """A bibl with no ``xml:id`` turned from one volume (part, number, year) of a work into
    another, the source replaced: another work, the earlier one kept with its claim's link
    (was: 'Letters, vol. 1' and 'Letters, vol. 2' alike by difflib's ratio, the edited bibl
    taken for the same work and updated, so the claim citing vol. 1 cited vol. 2). A volume
    added where there was none, or a subtitle, is still an edit of the work."""
    listed = '<listBibl><bibl><author>Seward, Anna</author>{}</bibl>'
    text = CITING.format(title="First letter")
    letter = tmp_path / "first.xml"
    letter.write_text(text.replace("<listBibl>", listed.format(before)), encoding="utf-8")
    ws.add(letter)
    keys = {e.key for e in ws.bib()}
    (old,) = keys - {e.key for e in ws.bib() if e.get("author") != "Seward, Anna"}
    claim = ws.add_claim("first", quote="Drawings for the")
    ws.link_claim(claim.id, old, locus="p. 3")
    letter.write_text(text.replace("<listBibl>", listed.format(after)), encoding="utf-8")
    done = ws.add(letter, replace=True)
    seward = {e.key: e for e in ws.bib() if e.get("author") == "Seward, Anna"}
    assert len(seward) == 2 and old in seward, seward
    # said, with the work it stands beside (was: not a word)
    (new,) = set(seward) - {old}
    assert [(w.code, w.message) for w in done.warnings] == [
        ("S329", f"1 work added beside {old} (another volume/part: {new})")]
    assert [(link.bib_key, link.locus) for link in ws.claim(claim.id).links] == \
        [(old, "p. 3")]
    assert plain(seward[old].get("title")) + seward[old].get("volume") + \
        seward[old].get("date") in {"Letters, vol. 1", "Letters, vol. I", "Letters, Part One",
                                    "Letters1", "Letters1790"} | {
        f"Letters written in Scotland and the Hebrides, {n}"
        for n in ("Part I", "1st ed.", "Volume the First", "First Part", "the First")}


def test_bib_tei_bibl_given_a_volume_or_subtitle_since_is_its_work(ws, tmp_path):
    """What edits a work's bibl, not another volume: a volume number given where it had none,
    a subtitle added (the one's numbers within the other's); the work is updated under its
    key."""
    listed = '<listBibl><bibl><author>Seward, Anna</author><title>{}</title></bibl>'
    text = CITING.format(title="First letter")
    letter = tmp_path / "first.xml"
    letter.write_text(text.replace("<listBibl>", listed.format("Letters")), encoding="utf-8")
    ws.add(letter)
    keys = {e.key for e in ws.bib()}
    for title in ("Letters, vol. 2", "Letters, vol. 2: Lichfield"):
        letter.write_text(text.replace("<listBibl>", listed.format(title)), encoding="utf-8")
        ws.add(letter, replace=True)
        assert {e.key for e in ws.bib()} == keys
        assert title in {e.get("title") for e in ws.bib()}


FOLDED_PARENT = """@collection{letters1946, editor = {Pennant, Thomas}, title = {Collected Letters},
  publisher = {Clarendon Press}, location = {Oxford}, date = {1946}}
@collection{coll, editor = {Pennant, Thomas}, title = {Collected Letters, 1771-1790},
  publisher = {Clarendon Press}, location = {Oxford}, date = {1946}}
@incollection{chap, author = {Bull, Richard}, title = {A Letter}, pages = {1--9},
  crossref = {coll}}
@book{later, author = {White, Gilbert}, title = {Natural History}, publisher = {White},
  date = {1789}, xref = {coll}}
"""


def test_bib_fold_of_a_parent_points_its_children_to_the_kept_work(ws, tmp_path):
    """A .bib parent (a work other entries name by ``crossref`` and ``xref``) folded by hand
    into another: the children name the kept key, in the store and the exports, biber and
    BibTeX finding the parent, CSL-JSON the inherited book title; undo takes it back (was:
    the children kept the folded key, an alias, which neither biber nor BibTeX takes for a
    parent: the .bib exports left crossref and xref out with a note, and the parent out of an
    export of the cited works)."""
    import subprocess

    (tmp_path / "x.bib").write_text(FOLDED_PARENT, encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    letter = tmp_path / "letter.txt"
    letter.write_text("Bull wrote a letter.\n", encoding="utf-8")
    ws.add(letter)
    claim = ws.add_claim("letter", quote="Bull wrote")
    ws.link_claim(claim.id, "chap", locus="p. 2")
    ws.bib_fold("letters1946", "coll")
    works = {e.key: e for e in ws.bib()}
    assert (works["chap"].get("crossref"), works["later"].get("xref")) == \
        ("letters1946", "letters1946")
    for everything in (False, True):
        result = ws.export_bibtex(all=everything)
        path = ws.root / result.path
        text = path.read_text(encoding="utf-8")
        assert result.notes == () or not any("crossref" in n for n in result.notes), \
            result.notes
        assert "@collection{letters1946" in text and "crossref = {letters1946}" in text
        done = subprocess.run(["biber", "--tool", "--validate-datamodel",
                               "--output-file=checked.bib", path.name], cwd=path.parent,
                              capture_output=True, text=True, timeout=120)
        warned = [line for line in (done.stdout + done.stderr).splitlines()
                  if line.startswith("WARN") and "'lettertxt'" not in line]  # undated letter
        assert done.returncode == 0 and warned == [], done.stdout
        if everything:
            assert "xref = {letters1946}" in text
        classic = ws.root / ws.export_bibtex(all=everything, ascii=True).path
        (classic.parent / "paper.aux").write_text(
            f"\\citation{{chap}}\n\\bibstyle{{plain}}\n\\bibdata{{{classic.stem}}}\n")
        done = subprocess.run(["bibtex", "paper"], cwd=classic.parent, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
        assert "In Thomas Pennant, editor, {\\em Collected Letters, 1771-1790}" in " ".join(
            (classic.parent / "paper.bbl").read_text().split())
    csl = {i["id"]: i for i in json.loads((ws.root / ws.export_csl(all=True).path)
                                          .read_text(encoding="utf-8"))}
    assert csl["chap"]["container-title"] == "Collected Letters, 1771-1790"
    assert "coll" not in json.dumps(csl["chap"]) + json.dumps(csl["later"])
    ws.undo()
    works = {e.key: e for e in ws.bib()}
    assert (works["chap"].get("crossref"), works["later"].get("xref")) == ("coll", "coll")


def test_bib_fold_by_hand_holds_when_the_bib_is_added_again(ws, tmp_path):
    """A .bib entry folded by hand into another (bib fold letters1946 coll), the same .bib
    added again, with --replace too: it stays folded, the kept work's alias, no work added,
    no S328, its children naming the kept work unchanged, and the command says so (was: coll
    added again beside letters1946 with S328, its alias shadowed, the editor's fold undone,
    and the children, their crossref on letters1946 since the fold, refused as other works
    of their keys, S303). Undone, the fold no longer holds: the entry comes back."""
    bib = tmp_path / "x.bib"
    bib.write_text(FOLDED_PARENT, encoding="utf-8")
    ws.bib_add(bib)
    ws.bib_fold("letters1946", "coll")
    before = ws.bib()
    for again in (False, True):
        result = ws.bib_add(bib, replace=again)
        assert ws.bib() == before
        assert (result.added, result.updated, result.problems, result.folded) == \
            ((), (), (), (("coll", "letters1946"),)), result
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bib)])
    assert done.exit_code == 0 and "[S3" not in done.stderr, done.output
    assert done.stderr.splitlines()[-1] == (
        f"{bib}: 0 entries added, 3 already there, 1 folded by bib fold, left so "
        "(coll in letters1946)")
    said = json.loads(runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(bib),
                                          "-f", "json"]).stdout)
    assert said["folded"] == [{"key": "coll", "kept": "letters1946"}]
    assert ws.bib_entry("coll").key == "letters1946"
    # the kept entry edited in the file and replaced: updated, the fold's alias kept
    bib.write_text(FOLDED_PARENT.replace("Letters},\n  publisher = {Clarendon Press}",
                                         "Letters},\n  publisher = {OUP}"), encoding="utf-8")
    result = ws.bib_add(bib, replace=True)
    assert ([e.key for e in result.updated], result.folded) == \
        (["letters1946"], (("coll", "letters1946"),))
    kept = {e.key: e for e in ws.bib()}["letters1946"]
    assert (kept.get("ids"), kept.get("publisher")) == ("coll", "OUP")
    ws.undo()  # the replace
    ws.undo()  # the fold
    ws.redo()  # the fold again: it holds
    assert ws.bib_add(bib).folded == (("coll", "letters1946"),)
    ws.undo()
    assert ws.bib_add(bib).folded == ()
    assert "coll" in {e.key for e in ws.bib()}


def test_bib_a_source_s_work_renamed_takes_its_children_with_it(ws, tmp_path):
    """A .bib chapter whose crossref names a letter's work (israelyan2003memories), the
    letter's bibl given ``xml:id="isr03"`` since and replaced: the work is isr03 and the
    chapter's crossref names it (was: left on the old key, now an alias, which the .bib
    exports left out)."""
    listed, text, letter = _israelyan_letter(ws, tmp_path)
    (tmp_path / "x.bib").write_text(
        "@inbook{isrch, author = {Israelyan, Victor}, title = {October}, pages = {1--9},"
        " crossref = {israelyan2003memories}}\n", encoding="utf-8")
    assert ws.bib_add(tmp_path / "x.bib").problems == ()
    letter.write_text(text.replace("<listBibl>", listed.format(id=' xml:id="isr03"')),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    assert {e.key: e for e in ws.bib()}["isrch"].get("crossref") == "isr03"
    result = ws.export_bibtex(all=True)
    assert "crossref = {isr03}" in (ws.root / result.path).read_text(encoding="utf-8")


def test_bib_tei_bibl_part_two_renamed_ordinal_updates_part_two(ws, tmp_path):
    """Part One and Part Two kept apart, then Part Two written 'Part the Second': the edit is
    Part Two's, its work updated, Part One's left (was: 'Part the Second' named no number,
    so the closest title, Part One's work, was updated and its claim cited Part Two)."""
    listed = '<listBibl><bibl><author>Seward, Anna</author><title>{}</title></bibl>'
    text = CITING.format(title="First letter")
    letter = tmp_path / "first.xml"
    seward = lambda: {e.key: plain(e.get("title")) for e in ws.bib()  # noqa: E731
                      if e.get("author") == "Seward, Anna"}
    letter.write_text(text.replace("<listBibl>", listed.format("A Tour in Scotland, Part One")),
                      encoding="utf-8")
    ws.add(letter)
    (one,) = seward()
    letter.write_text(text.replace("<listBibl>", listed.format("A Tour in Scotland, Part Two")),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    (two,) = set(seward()) - {one}
    letter.write_text(text.replace("<listBibl>", listed.format("A Tour in Scotland, Part the Second")),
                      encoding="utf-8")
    ws.add(letter, replace=True)
    assert seward() == {one: "A Tour in Scotland, Part One",
                        two: "A Tour in Scotland, Part the Second"}


def test_bib_other_part_reads_editions():
    """An edition number counts as a volume's (biblatex ``edition``, '2nd ed.' in a title),
    and two titles each naming a number word the other lacks are, in doubt, other parts;
    a number given where there was none is not."""
    from annotator.bibliography.entries import other_part
    from annotator.records import BibEntry

    def work(title, **fields):
        return BibEntry(key="", type="book", origin="",
                        fields=(("title", title), *fields.items()))
    assert other_part(work("Arctic Zoology", edition="1"), work("Arctic Zoology", edition="2"))
    assert other_part(work("Arctic Zoology, 1st ed."), work("Arctic Zoology, 2nd ed."))
    assert other_part(work("Tour, the First"), work("Tour, the Second"))
    assert not other_part(work("Tour, Part Two"), work("Tour, Part the Second"))
    assert not other_part(work("Arctic Zoology"), work("Arctic Zoology, 2nd ed."))


def test_bib_folded_parent_edited_in_its_file_is_not_taken(ws, tmp_path):
    """A .bib parent folded by hand into another file's work, then edited in its file and
    the file added again (with --replace too): the children inherit from the kept work only,
    an unedited child is unchanged, and the command says the folded entry changed since the
    fold and was not taken, in text and JSON (was: the children 'updated' with the edited
    parent's publisher, the kept work keeping its own, the edit dropped without a word)."""
    lib, z = tmp_path / "lib.bib", tmp_path / "z.bib"
    head, tail = FOLDED_PARENT.split("@collection{coll")
    lib.write_text("@collection{coll" + tail, encoding="utf-8")
    z.write_text(head, encoding="utf-8")
    ws.bib_add(lib, z)
    ws.bib_fold("letters1946", "coll")
    before = ws.bib()
    lib.write_text(lib.read_text(encoding="utf-8").replace("Clarendon Press", "OUP"),
                   encoding="utf-8")
    for again in (False, True):
        result = ws.bib_add(lib, replace=again)
        assert ws.bib() == before
        assert (result.added, result.updated, result.unchanged, result.problems) == \
            ((), (), 2, ()), result
        assert result.edited_since == (("coll", "letters1946", "lib.bib", ("publisher",)),)
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--replace", str(lib)])
    assert "coll changed in lib.bib since it was folded into letters1946 (publisher); " \
        "not taken: edit letters1946, or undo the fold" in done.stderr, done.output
    said = json.loads(runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(lib),
                                          "-f", "json"]).stdout)
    assert said["edited_since_fold"] == [{"key": "coll", "kept": "letters1946",
                                          "file": "lib.bib", "fields": ["publisher"]}]
    assert {e.key: e for e in ws.bib()}["chap"].get("publisher") == "Clarendon Press"
    # the fold undone, the file added again: only the edited parent is another wording
    # (was: S303 'for another work' for its unedited children too)
    ws.undo()
    result = ws.bib_add(lib)
    assert ([p.key for p in result.problems], result.unchanged) == (["coll"], 2), result


TOUR_KEPT = "@book{pennant1778, author = {Pennant, Thomas}, title = {A Tour in Wales},\n" \
    "  year = {1778}, note = {Two vols}}\n"
TOUR_FOLDED = "@book{pennant1778tour, author = {Pennant, Thomas}, title = {A Tour in Wales},\n" \
    "  year = {1778}, publisher = {Henry Hughes}, location = {London}}\n"


def test_bib_fold_s_fields_stay_when_the_kept_file_is_replaced(ws, tmp_path):
    """KEPT's own .bib replaced after 'bib fold KEPT OTHER': the fields the fold gave KEPT
    stay, as Zotero keeps a merged item's, unless the file now gives one of its own (the
    file's wins); a field KEPT's file had and drops goes; the same file is KEPT unchanged
    (was: the file edited elsewhere in the entry, KEPT 'updated as the file says it now', the
    fold's publisher and location dropped)."""
    a, b = tmp_path / "a.bib", tmp_path / "b.bib"
    a.write_text(TOUR_KEPT, encoding="utf-8")
    b.write_text(TOUR_FOLDED, encoding="utf-8")
    ws.bib_add(a, b)
    ws.bib_fold("pennant1778", "pennant1778tour")
    kept = lambda: dict(ws.bib_entry("pennant1778").fields)  # noqa: E731
    folded = kept()
    assert (folded["publisher"], folded["location"]) == ("Henry Hughes", "London")
    result = ws.bib_add(a, replace=True)
    assert (result.updated, result.unchanged, kept()) == ((), 1, folded)
    a.write_text(TOUR_KEPT.replace("Wales}", "Wales, vol. 1}").replace(
        ", note = {Two vols}", ", pages = {1--400}"), encoding="utf-8")
    result = ws.bib_add(a, replace=True)
    assert [e.key for e in result.updated] == ["pennant1778"]
    assert kept() == {"author": "Pennant, Thomas", "title": "A Tour in Wales, vol. 1",
                      "year": "1778", "pages": "1--400", "publisher": "Henry Hughes",
                      "location": "London", "ids": "pennant1778tour"}
    a.write_text(TOUR_KEPT.replace("1778}", "1778}, publisher = {B. White}"), encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--replace", str(a),
                               "-f", "json"])
    assert [e["key"] for e in json.loads(done.stdout)["updated"]] == ["pennant1778"], \
        done.output
    assert (kept()["publisher"], kept()["location"], kept()["note"]) == \
        ("B. White", "London", "Two vols")
    # the file's own value gone again: the fold's is the work's
    a.write_text(TOUR_KEPT, encoding="utf-8")
    ws.bib_add(a, replace=True)
    assert kept() == folded
    # the folded entry read with it, edited since the fold: not taken, KEPT unchanged (was:
    # its edited publisher taken into KEPT, 'updated', while the add said 'not taken')
    b.write_text(TOUR_FOLDED.replace("Henry Hughes", "B. White"), encoding="utf-8")
    result = ws.bib_add(a, b, replace=True)
    assert (result.updated, result.unchanged, kept()) == ((), 1, folded), result
    assert result.edited_since == (("pennant1778tour", "pennant1778", "b.bib",
                                    ("publisher",)),)


def test_bib_fold_s_fields_stay_when_the_kept_source_is_replaced(ws, tmp_path):
    """A letter's listed work kept by 'bib fold' (a .bib's folded into it), the letter
    replaced with the bibl edited: the fields the fold gave it stay, its ids too (was: the
    work read again as the file says it, the fold's publisher dropped)."""
    letter = tmp_path / "first.xml"
    letter.write_text(CITING.format(title="First letter"), encoding="utf-8")
    ws.add(letter)
    (tmp_path / "p.bib").write_text(
        "@book{nekrich, author = {Nekrich, Aleksandr M.}, title = {Pariahs, Partners, "
        "Predators}, date = {1997}, publisher = {Columbia University Press}}\n",
        encoding="utf-8")
    ws.bib_add(tmp_path / "p.bib")
    ws.bib_fold("nek97", "nekrich")
    letter.write_text(CITING.format(title="First letter").replace(
        "Predators</title>", "Predators: German-Soviet Relations</title>"), encoding="utf-8")
    ws.add(letter, replace=True)
    work = ws.bib_entry("nek97")
    assert (work.get("title"), work.get("publisher"), work.get("ids")) == (
        "Pariahs, Partners, Predators: German-Soviet Relations",
        "Columbia University Press", "nekrich")


def test_bib_fold_repoints_related_works(ws, tmp_path):
    """A work naming a folded one by biblatex ``related`` (or ``xdata``, a set's
    ``entryset``) names the kept one, as crossref and xref do, undo taking it back (was:
    ``related = {coll}`` left on the folded key, an alias that BibTeX and pandoc do not
    read)."""
    bib = tmp_path / "x.bib"
    bib.write_text(FOLDED_PARENT.replace("xref = {coll}", "xref = {coll}, related = {coll}")
                   + "@set{both, entryset = {coll, chap}}\n", encoding="utf-8")
    ws.bib_add(bib)
    ws.bib_fold("letters1946", "coll")
    works = {e.key: e for e in ws.bib()}
    assert (works["later"].get("related"), works["both"].get("entryset")) == \
        ("letters1946", "letters1946, chap")
    exported = runner.invoke(app, ["-w", str(ws.root), "export", "bibtex", "-a", "-o", "-"])
    assert "related = {letters1946}" in exported.stdout, exported.output
    ws.undo()
    works = {e.key: e for e in ws.bib()}
    assert (works["later"].get("related"), works["both"].get("entryset")) == \
        ("coll", "coll, chap")


def test_bib_replace_adding_works_beside_says_so(ws, tmp_path):
    """``add --replace`` of a file whose bibls went from vol. 1 and Part One to vol. 2 and
    Part Two says, after its line, the works added beside the earlier ones, which claims
    keep citing (S329; was: only 'replaced: ... (1 kept, 0 stale)')."""
    listed = ('<listBibl><bibl><author>Pennant, Thomas</author><title>Letters, vol. {}</title>'
              '<date>1790</date></bibl><bibl><author>Pennant, Thomas</author><title>A Tour in '
              'Scotland, Part {}</title><date>1771</date></bibl>')
    text = CITING.format(title="First letter")
    letter = tmp_path / "vol.xml"
    letter.write_text(text.replace("<listBibl>", listed.format("1", "One")), encoding="utf-8")
    ws.add(letter)
    before = {e.key for e in ws.bib() if e.get("author") == "Pennant, Thomas"}
    letter.write_text(text.replace("<listBibl>", listed.format("2", "Two")), encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "add", "--replace", str(letter)])
    assert done.exit_code == 0, done.output
    added = sorted({e.key for e in ws.bib() if e.get("author") == "Pennant, Thomas"} - before)
    lines = done.stderr.splitlines()
    assert lines[0].startswith("replaced: vol <- ") and len(added) == 2, done.stderr
    assert lines[1] == (
        f"{letter}: warning: 2 works added beside pennant1790letters, pennant1771tour "
        "(another volume/part: pennant1790lettersa, pennant1771toura); claims keep citing the "
        "first: link a claim to the new work where it cites that one [S329]"), done.stderr
    assert added == ["pennant1771toura", "pennant1790lettersa"]
