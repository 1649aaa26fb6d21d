"""bib add reads CSL-JSON (Zotero's, Better BibTeX's, pandoc's, export csl's): real SQLite,
the real CSL schema; what export csl writes comes back as the same items."""

from __future__ import annotations

import json
import subprocess

import jsonschema
import pytest
from typer.testing import CliRunner

from annotator import Workspace
from annotator.bibliography import entries as bib_mod
from annotator.bibliography.csl_json import SCHEMA
from annotator.cli import app
from annotator.export.csl import render
from tests.conftest import DATA, REFERENCES, added_again_is_already_there

BIB = DATA / "bib"
ZOTERO = DATA / "csl" / "zotero-export.json"
runner = CliRunner()


def _add(ws, *paths):
    return runner.invoke(app, ["-w", str(ws.root), "bib", "add", *(str(p) for p in paths)])


def _items(ws):
    return json.loads((ws.root / ws.export_csl(all=True).path).read_text(encoding="utf-8"))


def test_bib_csl_the_reviewers_file_comes_in(ws, tmp_path):
    """rev35 item 7: a CSL-JSON file was 'no entries found; give a BibTeX/BibLaTeX file',
    exit 2."""
    works = tmp_path / "works.json"
    works.write_text('[{"id":"moore2000","type":"book","title":"The Light in Their '
                     'Consciences","author":[{"family":"Moore","given":"Rosemary"}],'
                     '"issued":{"date-parts":[[2000]]}}]', encoding="utf-8")
    done = _add(ws, works)
    assert done.exit_code == 0, done.stderr
    assert done.stderr.splitlines()[-1] == f"{works}: 1 entry added"
    (entry,) = ws.bib()
    assert (entry.key, entry.type, dict(entry.fields)) == ("moore2000", "book", {
        "author": "Moore, Rosemary", "title": "The Light in Their Consciences", "date": "2000"})
    assert entry.origin == "works.json" or entry.origin.endswith("works.json")


@pytest.mark.parametrize("names", [("biblatex-examples.bib",), ("texbook1.bib", "texgraph.bib"),
                                   ("good.bib",)])
def test_bib_csl_export_then_add_then_export_gives_the_same_items(tmp_path, monkeypatch,
                                                                     names):
    """The round trip through a new workspace: every item of 92 biblatex examples and 543
    of Beebe's TeX bibliographies (names with particles, BC years, ranges, rich titles,
    fields CSL has no variable for in ``custom``) is the same item again."""
    monkeypatch.setenv("ANNOTATOR_EDITOR", "tester")
    first = Workspace.init(tmp_path / "a")
    second = Workspace.init(tmp_path / "b")
    try:
        first.bib_add(*(BIB / n for n in names))
        items = _items(first)
        exported = tmp_path / "bibliography.json"
        exported.write_text(json.dumps(items), encoding="utf-8")
        added = second.bib_add(exported)
        assert len(added.added) == len(items) and not [
            p for p in added.problems if p.severity != "note"]
        again = _items(second)
        assert again == items
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("names", [("references.bib",), ("biblatex-examples.bib",),
                                   ("texbook1.bib", "texgraph.bib"), ("good.bib",)])
def test_bib_csl_its_own_export_added_again_is_already_there(ws, names):
    """What 'export csl' wrote, added back to the workspace it came from (with --replace
    too): every item is the work already there, nothing added or updated, no S303, as a .bib
    added again (was: each a work of another key, S303, where CSL cannot say what the .bib
    said: a ``year`` read back as ``date``, a ``foreword`` as the collaborator ``editora``,
    ``--`` in a title as '–'). An item edited since is another work still."""
    ws.bib_add(*(REFERENCES if n == "references.bib" else BIB / n for n in names))
    exported = ws.root / ws.export_csl(all=True).path
    added_again_is_already_there(ws, exported)
    if names != ("references.bib",):
        return
    done = _add(ws, exported)
    assert done.exit_code == 0 and "[S3" not in done.stderr, done.output
    assert done.stderr.splitlines()[-1].endswith(": 0 entries added, 2 already there")
    items = json.loads(exported.read_text(encoding="utf-8"))
    items[1]["title"] = "Pariahs, Partners, Predators"
    exported.write_text(json.dumps(items), encoding="utf-8")
    assert [p.code for p in ws.bib_add(exported).problems] == ["S303"]
    assert [e.key for e in ws.bib_add(exported, replace=True).updated] == ["nekrich1997"]


def test_bib_csl_a_zotero_export_maps_every_variable(ws):
    """Zotero's "Export Collection > CSL JSON" (tests/data/csl/zotero-export.json, written
    for this test in Zotero's form): item URIs as ids, years as strings, a literal name,
    particles, variables biblatex has no field for."""
    done = _add(ws, ZOTERO)
    assert done.exit_code == 0, done.stderr
    assert "dimensions (1), scale (1), section (1), source (2)" in done.stderr
    assert done.stderr.splitlines()[-1] == f"{ZOTERO}: 6 entries added"
    got = {e.key: e for e in ws.bib()}
    assert sorted(got) == ["burdett1777map", "fhlsc1924meeting", "moore1998quakers",
                           "moore2000light", "tual1988quaker", "vanderberg2013women"]
    art = dict(got["moore1998quakers"].fields)
    assert got["moore1998quakers"].type == "article"
    assert art["author"] == "Moore, Rosemary and Hall, David J."
    assert art["title"] == "Quakers and the Reform of \\emph{Prison Discipline}, 1770–1830"
    assert (art["journaltitle"], art["shortjournal"], art["volume"], art["number"],
            art["pages"]) == ("Journal of the Friends' Historical Society",
                              "J. Friends Hist. Soc.", "58", "2", "101--124")
    assert (art["date"], art["urldate"], art["doi"], art["langid"]) == \
        ("1998-06", "2024-02-29", "10.1234/jfhs.58.2.101", "english")
    assert art["note"] == "Extra: read in the reading room; source: JSTOR"
    book = dict(got["moore2000light"].fields)
    assert (book["translator"], book["series"], book["number"], book["publisher"],
            book["location"], book["library"], book["abstract"]) == (
        "van Beethoven, Ludwig", "Studies in Quaker History", "3",
        "Pennsylvania State University Press", "University Park", "BX7676.3 .M66 2000",
        "A history of the first Quakers \\& their critics.")
    assert dict(got["vanderberg2013women"].fields)["author"] == "{van der Berg}, Anna"
    assert got["vanderberg2013women"].type == "incollection"
    news = got["fhlsc1924meeting"]
    assert (news.type, news.get("entrysubtype"), news.get("author"), news.get("note")) == (
        "article", "newspaper", "{Friends Historical Library of Swarthmore College}",
        "section: News")
    thesis = got["tual1988quaker"]
    assert (thesis.get("type"), thesis.get("institution")) == ("phdthesis",
                                                               "University of Birmingham")
    assert got["burdett1777map"].get("note") == "dimensions: 96 x 126 cm; scale: 1:63,360"
    # out again: valid CSL-JSON, the CSL types and names as Zotero gave them
    items = {i["id"]: i for i in _items(ws)}
    assert list(jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).iter_errors(
        list(items.values()))) == []
    assert [items[k]["type"] for k in sorted(items)] == [
        "map", "article-newspaper", "article-journal", "book", "thesis", "chapter"]
    assert items["vanderberg2013women"]["author"] == [
        {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"}]
    assert items["moore2000light"]["translator"] == [
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}]
    assert items["moore1998quakers"]["issued"] == {"date-parts": [[1998, 6]]}
    assert items["tual1988quaker"]["genre"] == "PhD thesis"


@pytest.mark.parametrize(("text", "key"), [
    # Better CSL JSON and CSL 1.0.2: the citation key beside Zotero's id
    ('[{"id": "http://zotero.org/users/1/items/AB12CD34", "citation-key": "fox1694journal",'
     ' "type": "book", "title": "A Journal"}]', "fox1694journal"),
    # one item, not a list (pandoc reads it too); a number as id
    ('{"id": 1694, "type": "book", "title": "A Journal"}', "1694"),
])
def test_bib_csl_keys_come_from_citation_key_or_id(ws, tmp_path, text, key):
    path = tmp_path / "refs.csljson"
    path.write_text(text, encoding="utf-8")
    done = _add(ws, path)
    assert done.exit_code == 0, done.stderr
    assert [e.key for e in ws.bib()] == [key]


def test_bib_csl_is_read_by_what_the_file_holds_a_bib_stays_bibtex(ws, tmp_path):
    """A .txt holding a JSON list is CSL-JSON; a .bib holding one is a .bib, as before, told
    what it is."""
    text = '[{"id": "a", "type": "book", "title": "A"}]'
    (tmp_path / "refs.txt").write_text(text, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    assert _add(ws, tmp_path / "refs.txt").exit_code == 0
    done = _add(ws, tmp_path / "refs.bib")
    assert done.exit_code == 2
    assert "no entries found; this is JSON: name a CSL-JSON file .json" in done.stderr
    assert "[S309]" in done.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ('[\n {"id": "a", "type": "book", "title": "x",}\n]\n',
     "works.json:2:43: not JSON (Expecting property name enclosed in double quotes)"),
    ('[\n {"id": "a", "type": "book"},\n {"id": "b", "type": "bok"}\n]',
     "works.json:3: item 2 (id 'b'): not CSL-JSON, type 'bok' is not one CSL knows"),
    ('[\n {"id": "a", "type": "book"},\n {"id": "b", "type": "book", "author": "Moore"}\n]',
     "works.json:3: item 2 (id 'b'): not CSL-JSON, author is \"Moore\", not a list"),
    ('[{"type": "book", "title": "x"}]', "works.json:1: item 1: not CSL-JSON, 'id' is missing"),
    ('[{"id": "a", "type": "book", "issued": {"date-parts": "2000"}}]',
     "works.json:1: item 1 (id 'a'): not CSL-JSON, issued is no CSL date "
     '({"date-parts": "2000"})'),
    ("[]", "works.json:1: no items found"),
])
def test_bib_csl_a_file_that_is_not_csl_json_adds_nothing(ws, tmp_path, text, expected):
    """One line naming the file, the place (line and column; the item, by number and id)
    and what is wrong, exit 2, nothing added: a good item beside a bad one stays out."""
    path = tmp_path / "works.json"
    path.write_text(text, encoding="utf-8")
    done = _add(ws, path)
    assert done.exit_code == 2
    assert done.stderr.startswith(str(tmp_path / expected)), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr and ws.bib() == []


def test_bib_csl_an_item_the_library_cannot_hold_is_one_line_each(ws, tmp_path):
    """An id BibTeX cannot cite, a key given twice, a control character: left out, one line
    each; the other items come in."""
    path = tmp_path / "works.json"
    path.write_text(json.dumps([
        {"id": "good", "type": "book", "title": "Kept"},
        {"id": "two words", "type": "book", "title": "Spaced"},
        {"id": "GOOD", "type": "book", "title": "Twice"},
        {"id": "ctl", "type": "book", "title": "Bell\u0007"}], indent=1), encoding="utf-8")
    done = _add(ws, path)
    assert done.exit_code == 0, done.stderr
    assert [e.key for e in ws.bib()] == ["good"]
    lines = done.stderr.splitlines()
    assert any(line.startswith(f"{path}:") and "item 2 (id 'two words'): the id has "
               "characters BibTeX cannot cite" in line and "[S310]" in line for line in lines)
    assert any("entry 'GOOD': duplicate key (first at line 2)" in line for line in lines)
    assert any("item 4 (id 'ctl'): control character U+0007" in line and "[S311]" in line
               for line in lines), lines
    # a duplicate key is a warning, as in a .bib (biber's): counted among the warnings
    assert lines[-1] == f"{path}: 1 entry added, 2 left out"


def test_bib_csl_dates_names_and_types_read_back_as_csl_wrote_them(tmp_path):
    """The reverse of the export, variable by variable, without a workspace."""
    items = [
        {"id": "caesar", "type": "book", "issued": {"date-parts": [[-44]]},
         "author": [{"family": "Morgan", "given": "Augustus", "non-dropping-particle": "De"}]},
        {"id": "range", "type": "webpage", "issued": {"date-parts": [[1990], [0]]},
         "container-title": "Quaker Web", "accessed": "2024-02-03"},
        {"id": "circa", "type": "post-weblog", "issued": {"date-parts": [[1850]],
                                                          "circa": True}},
        {"id": "season", "type": "article-magazine", "issued": {"date-parts": [[2001]],
                                                                "season": 2}},
        {"id": "lit", "type": "manuscript", "issued": {"literal": "Third Month 1699"}},
        {"id": "nc", "type": "book",
         "title": 'The <span class="nocase">Quaker</span> and <b>bold</b> <sup>2</sup>'},
    ]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    entries, problems = bib_mod.read_library([path])
    got = {e.key: e for e in entries}
    assert got["caesar"].get("date") == "-0043"
    assert got["caesar"].get("author") == \
        "family={Morgan}, given={Augustus}, prefix={De}, useprefix=true"
    assert (got["range"].type, got["range"].get("date"), got["range"].get("urldate"),
            got["range"].get("titleaddon")) == ("online", "1990/..", "2024-02-03",
                                                "Quaker Web")
    assert (got["circa"].type, got["circa"].get("entrysubtype"), got["circa"].get("date")) \
        == ("online", "post-weblog", "1850~")
    assert got["season"].get("date") == "2001-22"
    assert (got["lit"].get("date"), got["lit"].get("year"), got["lit"].get("note")) == \
        ("1699", "", "issued: Third Month 1699")
    assert got["nc"].get("title") == "The {Quaker} and \\textbf{bold} \\textsuperscript{2}"
    back = {i["id"]: i for i in json.loads(render(entries))}
    for item in items:
        for var in ("issued", "type", "author", "title", "container-title"):
            if var in item and var != "issued" or var == "issued" and "date-parts" in \
                    item.get(var, {}):
                assert back[item["id"]][var] == item[var], (item["id"], var)
    # the literal goes back as the literal, its words out of the note (was: date-parts
    # [[1699]] and the note 'issued: Third Month 1699')
    assert back["lit"]["issued"] == {"literal": "Third Month 1699"}
    assert "note" not in back["lit"]
    assert [p.code for p in problems] == ["S324"]


@pytest.mark.parametrize(("date", "issued"), [
    ("1790~", {"date-parts": [[1790]], "circa": True}),
    # approximate and uncertain: CSL's circa, and the EDTF date for what circa cannot say
    ("1790%", {"date-parts": [[1790]], "circa": True, "edtf": "1790%"}),
    # uncertain alone is no circa (approximate): the EDTF date says it
    ("1790?", {"date-parts": [[1790]], "edtf": "1790?"}),
    ("1790-05?", {"date-parts": [[1790, 5]], "edtf": "1790-05?"}),
    ("1790%/1795~", {"date-parts": [[1790], [1795]], "circa": True, "edtf": "1790%/1795~"}),
], ids=["approximate", "both", "uncertain", "uncertain-month", "range"])
def test_bib_csl_date_qualifiers_go_out_and_come_back_as_written(tmp_path, date, issued):
    """BibLaTeX's EDTF qualifiers (~ approximate, ? uncertain, % both, as biber reads them)
    go to CSL-JSON as circa where the date is approximate, with the EDTF date ('edtf', a
    variable of the CSL-JSON schema's dates) where circa does not say it all, and bib add
    reads that back as written (was: '?' and '%' both circa, read back as '1790~')."""
    path = tmp_path / "x.bib"
    path.write_text(f"@book{{k, author = {{Doe, J.}}, title = {{T}}, date = {{{date}}}}}\n",
                    encoding="utf-8")
    entries, _ = bib_mod.read_library([path])
    (out,) = json.loads(render(entries))
    assert out["issued"] == issued
    assert list(jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).iter_errors(
        [out])) == []
    back = tmp_path / "x.json"
    back.write_text(json.dumps([out]), encoding="utf-8")
    again, problems = bib_mod.read_library([back])
    assert (again[0].get("date"), again[0].get("note"), problems) == (date, "", [])


def test_bib_csl_pandoc_s_csl_json_comes_in(ws, tmp_path):
    """What pandoc writes (``pandoc x.bib -t csljson``, the real pandoc) of the 92 biblatex
    examples: 90 come in, the two @set entries pandoc gives no type are left out, one line
    each; a volume of a multi-volume work (pandoc's volume-title) keeps its own title."""
    out = tmp_path / "examples.json"
    done = subprocess.run(["pandoc", str(BIB / "biblatex-examples.bib"), "-t", "csljson",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    added = _add(ws, out)
    assert added.exit_code == 0, added.stderr
    lines = added.stderr.splitlines()
    assert lines[-1] == f"{out}: 90 entries added, 2 left out"
    assert sorted(line.split("(id ")[1].split(")")[0] for line in lines if "[S304]" in line) \
        == ["'set'", "'stdmodel'"]
    knuth = ws.bib_entry("knuth:ct:a")
    assert (knuth.get("title"), knuth.get("maintitle"), knuth.get("volume")) == (
        "The TeXbook", "Computers \\& typesetting", "A")


def _zotero_item(ident: str, title: str) -> str:
    return json.dumps([{"id": ident, "type": "book", "title": title,
                        "author": [{"family": "Moore", "given": "Rosemary"}],
                        "issued": {"date-parts": [["2000"]]}}])


def test_bib_csl_replace_updates_the_zotero_item_it_was_read_from(ws, tmp_path):
    """A Zotero item (its URI as id, no citation key) edited in Zotero and exported again:
    'bib add --replace' updates the entry made from it, under its key, the URI in whichever
    form (the web library's https://www.zotero.org/... too); without --replace it is S303,
    the stored entry kept (was: the URI dropped, so the edited item was a new work under a
    new key, moore2000light-a, and --replace changed nothing)."""
    path = tmp_path / "zotero.json"
    path.write_text(_zotero_item("http://zotero.org/users/1/items/AB12CD34", "The Light"),
                    encoding="utf-8")
    assert _add(ws, path).exit_code == 0
    (first,) = ws.bib()
    assert first.uri == "http://zotero.org/users/1/items/AB12CD34"
    path.write_text(_zotero_item("https://www.zotero.org/users/1/items/AB12CD34",
                                 "The Light in Their Consciences"), encoding="utf-8")
    kept = _add(ws, path)
    assert kept.exit_code == 2 and "0 entries added, 1 left out" in kept.stderr
    assert "[S303]" in kept.stderr and "same Zotero item" in kept.stderr, kept.stderr
    assert [(e.key, e.get("title")) for e in ws.bib()] == [(first.key, "The Light")]
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--replace", str(path)])
    assert done.exit_code == 0, done.stderr
    assert [(e.key, e.get("title"), e.uri) for e in ws.bib()] == [
        (first.key, "The Light in Their Consciences",
         "http://zotero.org/users/1/items/AB12CD34")]
    assert _add(ws, path).stderr.splitlines()[-1].endswith("0 entries added, 1 already there")


@pytest.mark.parametrize(("ident", "uri"), [
    # the Web API's CSL-JSON (format=csljson): its library's number and the item's key
    ("12047273/KC6WFG78", "12047273/KC6WFG78"),
    # the Web API's paths, bare and as its URLs
    ("users/475425/items/X42A7DEE", "http://zotero.org/users/475425/items/X42A7DEE"),
    ("groups/4603023/items/KC6WFG78", "http://zotero.org/groups/4603023/items/KC6WFG78"),
    ("https://api.zotero.org/groups/4603023/items/KC6WFG78",
     "http://zotero.org/groups/4603023/items/KC6WFG78"),
    # the web library's address of a group item, its name between
    ("https://www.zotero.org/groups/4603023/zoterro_testing/items/KC6WFG78",
     "http://zotero.org/groups/4603023/items/KC6WFG78"),
], ids=["web-api-csljson", "users-path", "groups-path", "api-url", "web-library-group"])
def test_bib_csl_zotero_web_api_ids_are_item_uris(ws, tmp_path, ident, uri):
    """The ids Zotero's Web API gives an item are its item's, as its URI is: no key a person
    cites (a key is made, said S326) and the item known again by them (was: '12047273/
    KC6WFG78' and 'users/N/items/KEY' taken for citation keys, the edited item S303
    'another work' or a new work)."""
    path = tmp_path / "api.json"
    path.write_text(_zotero_item(ident, "The Light"), encoding="utf-8")
    done = _add(ws, path)
    assert done.exit_code == 0 and "[S326]" in done.stderr, done.stderr
    (first,) = ws.bib()
    assert (first.key, first.uri) == ("moore2000light", uri)
    path.write_text(_zotero_item(ident, "The Light in Their Consciences"), encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--replace", str(path)])
    assert done.exit_code == 0, done.stderr
    assert [(e.key, e.get("title")) for e in ws.bib()] == [
        ("moore2000light", "The Light in Their Consciences")]


@pytest.mark.parametrize(("author", "stored"), [
    ({"non-dropping-particle": "van", "given": "Y"}, "given={Y}, prefix={van}, useprefix=true"),
    ({"dropping-particle": "de", "given": "Jean"}, "given={Jean}, prefix={de}, useprefix=false"),
], ids=["non-dropping", "dropping"])
def test_bib_csl_a_name_of_a_particle_and_given_names_keeps_both(ws, tmp_path, author, stored):
    """A CSL name with a particle and given names but no family name (second review, F17's
    edge case) is a person's name in biblatex's extended format, its particle kept, which
    biber reads without a word and pandoc gives back as the CSL name (was: the corporate
    '{Y}', the particle dropped without a note)."""
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"id": "k", "type": "book", "title": "T", "author": [author],
                                 "issued": {"date-parts": [[2000]]}}]), encoding="utf-8")
    assert _add(ws, path).exit_code == 0
    (entry,) = ws.bib()
    assert entry.get("author") == stored
    # a key made for it: the particle cited with it (useprefix), else the particle and
    # given names stand in for the family name (was: none, "2000t")
    assert bib_mod.make_key(entry, []) == {"Y": "van2000t", "Jean": "dejean2000t"}[
        author["given"]]
    assert _items(ws)[0]["author"] == [author]
    out = ws.root / ws.export_bibtex(all=True).path
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file=back.bib",
                           out.name], cwd=out.parent, capture_output=True, text=True)
    assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout
    csl = subprocess.run(["pandoc", str(out), "-t", "csljson"], capture_output=True,
                         text=True, check=True)
    assert json.loads(csl.stdout)[0]["author"] == [author]


def test_bib_csl_an_older_store_keeps_the_zotero_item_from_now_on(ws, tmp_path):
    """A store of version 21 (no ``bib.uri``) is brought up: its works have no URI, and one
    added since keeps its own."""
    from tests.conftest import reopened_at

    path = tmp_path / "zotero.json"
    path.write_text(_zotero_item("http://zotero.org/groups/7/items/ZZ99YY88", "A Journal"),
                    encoding="utf-8")
    again = reopened_at(ws, 21, "ALTER TABLE bib DROP COLUMN uri")
    try:
        again.bib_add(path)
        assert [e.uri for e in again.bib()] == ["http://zotero.org/groups/7/items/ZZ99YY88"]
    finally:
        again.close()


def test_bib_csl_a_contributor_is_biblatex_s_collaborator_and_comes_back(ws, tmp_path):
    """CSL's contributor is read into editora with editoratype = {collaborator}, which biber
    validates and keeps (biblatex prints an editora without a type as 'edited by'), and
    export csl writes it as the contributor again, no editoratype in custom (was: editora
    alone, an editor to biblatex)."""
    path = tmp_path / "works.json"
    path.write_text(json.dumps([{
        "id": "nekrich1997", "type": "book", "title": "Pariahs, Partners, Predators",
        "author": [{"family": "Nekrich", "given": "Aleksandr M."}],
        "contributor": [{"family": "Ulam", "given": "Adam B."}],
        "issued": {"date-parts": [[1997]]}}]), encoding="utf-8")
    assert _add(ws, path).exit_code == 0
    (entry,) = ws.bib()
    assert (entry.get("editora"), entry.get("editoratype")) == ("Ulam, Adam B.", "collaborator")
    out = ws.root / ws.export_bibtex(all=True).path
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file=back.bib",
                           "--output-fieldcase=lower", out.name], cwd=out.parent,
                          capture_output=True, text=True)
    log = done.stdout + done.stderr
    assert done.returncode == 0 and "WARN" not in log and "ERROR" not in log, log
    back = (out.parent / "back.bib").read_text(encoding="utf-8")
    assert "editora = {Ulam, Adam B.}" in back and "editoratype = {collaborator}" in back, back
    (item,) = _items(ws)
    assert item["contributor"] == [{"family": "Ulam", "given": "Adam B."}]
    assert "custom" not in item


PARTICLES = [
    {"id": "season1", "type": "article-journal", "title": "Seasonal",
     "container-title": "Quarterly", "issued": {"date-parts": [[1999]]},
     "author": [{"family": "Doe", "given": "J.", "dropping-particle": "van",
                 "non-dropping-particle": "de"},
                {"family": "Morgan", "given": "Augustus", "dropping-particle": "van",
                 "non-dropping-particle": "De"}]},
    *({"id": key, "type": "book", "title": "Undated Tract", "issued": {"literal": literal},
       "author": [{"family": "Anon"}]} for key, literal in (
        ("lit1", "ca. 1790"), ("lit2", "c. 1790?"), ("lit3", "1790s"), ("lit4", "1790-95"),
        ("lit5", "Third Month 1699"), ("lit6", "n.d."), ("lit7", "ca. 1790-1800")))
]


def test_bib_csl_both_particles_and_literal_dates_reach_biber_and_come_back(ws, tmp_path):
    """user37 item 9: a name's dropping particle beside a non-dropping one ends the given
    names, as Better BibTeX writes it, and comes back as the dropping particle (was: 'van'
    dropped without a word); a literal date with a readable year is an EDTF date biber
    keeps ('ca. 1790': 1790~), what it does not say whole is a note, S324, its words kept in
    the entry's note (was: year = {ca. 1790}, which biber ignores)."""
    path = tmp_path / "zot3.json"
    path.write_text(json.dumps(PARTICLES), encoding="utf-8")
    done = _add(ws, path)
    assert done.exit_code == 0, done.stderr
    s324 = [line for line in done.stderr.splitlines() if "[S324]" in line and "item" in line]
    assert len(s324) == 2 and "issued 'Third Month 1699' is read as date = {1699}" in s324[0] \
        and "issued 'n.d.' has no year that can be read: no date" in s324[1], done.stderr
    got = {e.key: e for e in ws.bib()}
    assert got["season1"].get("author") == ("{de Doe}, J. van and family={Morgan}, "
                                            "given={Augustus van}, prefix={De}, useprefix=true")
    assert {k: (got[k].get("date"), got[k].get("year"), got[k].get("note"))
            for k in got if k.startswith("lit")} == {
        "lit1": ("1790~", "", ""), "lit2": ("1790%", "", ""), "lit3": ("179X", "", ""),
        "lit4": ("1790/1795", "", ""), "lit5": ("1699", "", "issued: Third Month 1699"),
        "lit6": ("", "", "issued: n.d."), "lit7": ("1790~/1800~", "", "")}
    out = ws.root / ws.export_bibtex(all=True).path
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file=back.bib",
                           "--output-fieldcase=lower", out.name], cwd=out.parent,
                          capture_output=True, text=True)
    log = done.stdout + done.stderr
    assert done.returncode == 0 and "ERROR" not in log, log
    # the one warning: the entry with no date at all
    assert [w for w in log.splitlines() if w.startswith("WARN")] == [
        "WARN - Datamodel: Entry 'lit6' (bibliography.bib): Missing mandatory field - one "
        "of 'date, year' must be defined"], log
    back = (out.parent / "back.bib").read_text(encoding="utf-8")
    for date in ("1790~", "1790%", "179X", "1790/1795", "1699", "1790~/1800~"):
        assert f"date = {{{date}}}" in back, back
    items = {i["id"]: i for i in _items(ws)}
    assert items["season1"]["author"] == [PARTICLES[0]["author"][0], {
        "family": "Morgan", "given": "Augustus", "non-dropping-particle": "De",
        "dropping-particle": "van"}]
    assert items["lit1"]["issued"] == {"date-parts": [[1790]], "circa": True}
    # back as written: '1790%' keeps its EDTF beside circa, a literal with other words is
    # the literal, its words out of the note (was: circa, read back as 1790~; date-parts
    # [[1699]] and the note)
    assert items["lit2"]["issued"] == {"date-parts": [[1790]], "circa": True, "edtf": "1790%"}
    assert items["lit5"]["issued"] == {"literal": "Third Month 1699"} and \
        "note" not in items["lit5"]
    assert items["lit6"]["issued"] == {"literal": "n.d."} and "note" not in items["lit6"]
    other = Workspace.init(tmp_path / "other")
    try:
        other.bib_add(ws.root / ws.export_csl(all=True).path)
        assert {e.key: (e.get("date"), e.get("note")) for e in other.bib()
                if e.key.startswith("lit")} == {k: (got[k].get("date"), got[k].get("note"))
                                                for k in got if k.startswith("lit")}
    finally:
        other.close()
    # pandoc reads the .bib's names into both particles, and citeproc prints them
    csl = subprocess.run(["pandoc", str(out), "-t", "csljson"], capture_output=True,
                         text=True, check=True)
    (season,) = [i for i in json.loads(csl.stdout) if i["id"] == "season1"]
    assert season["author"][0] == PARTICLES[0]["author"][0]
    for bibliography, first in ((out, "de Doe, J. van"),
                                (ws.root / ws.export_csl(all=True).path, "Doe, J. van de")):
        cited = subprocess.run(["pandoc", "--citeproc", f"--bibliography={bibliography}",
                                "-t", "plain"], input='---\nnocite: "[@season1]"\n---\n',
                               capture_output=True, text=True, check=True)
        assert cited.stdout.startswith(f"{first}, and Augustus van De Morgan. 1999."), \
            cited.stdout


def test_bib_csl_an_empty_date_is_no_date_and_no_note(ws, tmp_path):
    """A CSL date that says nothing ({"literal": ""}, as some exports write an undated item)
    is no date, and the entry's note does not keep it (was: note = {issued:
    \\textbraceleft{}"literal": ""\\textbraceright{}})."""
    path = tmp_path / "c5.json"
    path.write_text(json.dumps([{"id": "a1", "type": "book", "title": "Undated",
                                 "author": [{"family": "Roe", "given": "Ann"}],
                                 "issued": {"literal": ""}}]), encoding="utf-8")
    done = _add(ws, path)
    assert done.exit_code == 0, done.stderr
    (entry,) = ws.bib()
    assert (entry.get("date"), entry.get("year"), entry.get("note")) == ("", "", "")


def test_bib_csl_a_files_own_generic_id_edited_is_updated_by_replace(ws, tmp_path):
    """A CSL file whose item is ITEM-1 (citeproc-js's numbering), edited and added again with
    --replace: ITEM-1 is that file's own entry, so it is updated (was: taken for another
    work's key, a second work added under a key made for it, nekrich1997pariahs, the edit
    not on ITEM-1 that claims cite); without --replace it is refused as any edited key is
    (S303); another file's ITEM-1 still gets a key of its own."""
    def item(title, family, year):
        return {"id": "ITEM-1", "type": "book", "title": title,
                "author": [{"family": family, "given": "A."}], "issued": {"date-parts": [[year]]}}

    mine, other = tmp_path / "a.json", tmp_path / "b.json"
    mine.write_text(json.dumps([item("Pariahs", "Nekrich", 1997)]), encoding="utf-8")
    other.write_text(json.dumps([item("The Hurricane", "Israelyan", 2003)]), encoding="utf-8")
    assert _add(ws, mine).exit_code == 0 and _add(ws, other).exit_code == 0
    mine.write_text(json.dumps([item("Pariahs, Partners", "Nekrich", 1997)]), encoding="utf-8")
    kept = _add(ws, mine)
    assert kept.exit_code == 2 and "[S303]" in kept.stderr, kept.stderr  # as any key edited
    assert ws.bib_entry("ITEM-1").get("title") == "Pariahs"
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", "--replace", str(mine)])
    assert done.exit_code == 0 and done.stderr.splitlines()[-1] == \
        f"{mine}: 0 entries added, 1 updated", done.stderr
    assert {e.key: e.get("title") for e in ws.bib()} == {
        "ITEM-1": "Pariahs, Partners", "israelyan2003hurricane": "The Hurricane"}


def test_bib_csl_a_likely_duplicate_is_noted_and_a_generic_id_gets_a_key(ws, tmp_path):
    """user37 item 10: the same work from a .bib and from Zotero is added with a note, S325,
    naming the stored key (was: no word); a second file's generic ITEM-2 (citeproc-js's,
    Mendeley's) that another work has as its key gets a key made (was: S303, left out);
    the same file again changes nothing."""
    refs = tmp_path / "refs.bib"
    refs.write_text("@book{pennant1778,\n  author = {Pennant, Thomas},\n  title = {A Tour in "
                    "{Wales}},\n  publisher = {Henry Hughes},\n  year = {1778},\n}\n",
                    encoding="utf-8")
    first = tmp_path / "zot.json"
    first.write_text(json.dumps([{"id": "ITEM-2", "type": "chapter", "title": "Quaker Journals",
                                  "author": [{"family": "Dandelion", "given": "Pink"}],
                                  "issued": {"date-parts": [[2013]]}}]), encoding="utf-8")
    second = tmp_path / "zot2.json"
    second.write_text(json.dumps([
        {"id": "http://zotero.org/users/123/items/QWER5678", "type": "book",
         "title": "A Tour in Wales", "author": [{"family": "Pennant", "given": "Thomas"}],
         "issued": {"date-parts": [[1778]]}, "publisher": "Henry Hughes"},
        {"id": "ITEM-2", "type": "article-journal", "title": "Another",
         "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2001]]}},
        {"id": "ITEM-3", "type": "article-journal", "title": "Another",
         "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2001]]}},
    ]), encoding="utf-8")
    assert _add(ws, refs, first).exit_code == 0
    done = _add(ws, second)
    assert done.exit_code == 0, done.stderr
    notes = [line.strip() for line in done.stderr.splitlines() if line.endswith("[S325]")]
    assert notes == [
        f"{second}:1: entry 'pennant1778tour': likely the same work as 'pennant1778' (from "
        "refs.bib:1): the same type, authors, title and year; added all the same: make them one "
        "with 'annotator bib fold pennant1778 pennant1778tour', cite one of the two keys, or "
        "take the add back with 'annotator undo' and leave one out [S325]",
        f"{second}:1: entry 'ITEM-3': likely the same work as 'smith2001another' (from "
        "zot2.json:1): the same type, authors, title and year; added all the same: make them one "
        "with 'annotator bib fold smith2001another ITEM-3', cite one of the two keys, or take "
        "the add back with 'annotator undo' and leave one out [S325]"], \
        done.stderr
    assert done.stderr.splitlines()[-1] == f"{second}: 3 entries added"
    made = [line.strip() for line in done.stderr.splitlines() if line.endswith("[S326]")]
    assert made == [  # the key each was given, which the file does not show (was: no word)
        f"{second}:1: entry 'pennant1778tour': its id names a Zotero item "
        "(http://zotero.org/users/123/items/QWER5678), no key a person cites: added under the "
        "key 'pennant1778tour', made as for an entry without one; cite it as 'pennant1778tour', "
        "or give the item a citation-key of its own and add it again [S326]",
        f"{second}:1: entry 'smith2001another': its id 'ITEM-2' (a processor's numbering) is "
        "another work's key: added under the key 'smith2001another', made as for an entry "
        "without one; cite it as 'smith2001another', or give the item a citation-key of its "
        "own and add it again [S326]"], done.stderr
    assert sorted(e.key for e in ws.bib()) == ["ITEM-2", "ITEM-3", "pennant1778",
                                               "pennant1778tour", "smith2001another"]
    assert ws.bib_entry("ITEM-2").get("title") == "Quaker Journals"
    # the same files again: nothing new, no note (each work is known under its key)
    again = _add(ws, first, second)
    assert again.exit_code == 0 and "S325" not in again.stderr and "S303" not in again.stderr, \
        again.stderr
    assert "S326" not in again.stderr  # each is the stored work it describes: no key made
    assert len(ws.bib()) == 5
    # --format json: each key added and each problem, the key made for ITEM-2 among them
    third = tmp_path / "zot3.json"
    third.write_text(json.dumps([{"id": "ITEM-2", "type": "book", "title": "Third Book"}]),
                     encoding="utf-8")
    done = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(third), "--format", "json"])
    assert done.exit_code == 0, done.stderr
    out = json.loads(done.stdout)
    assert [(e["key"], e["line"]) for e in out["added"]] == [("thirdbook", 1)]
    assert [(p["key"], p["code"], p["severity"]) for p in out["problems"]] == \
        [("thirdbook", "S326", "note")]
    assert "'ITEM-2'" in out["problems"][0]["what"] and out["updated"] == [] \
        and out["unchanged"] == 0
    # the act's decision, for 'annotator undo ID'; none when nothing changed
    assert out["decision"] == ws.store.last_decision()
    again = runner.invoke(app, ["-w", str(ws.root), "bib", "add", str(third), "-f", "json"])
    assert json.loads(again.stdout)["decision"] is None
