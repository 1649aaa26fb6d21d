"""annotator validate: findings as file:line:col, exit 1 for invalid, 2 for a usage error."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from lxml import etree
from typer.testing import CliRunner

from annotator import SourceError
from annotator.cli import app
from annotator.tei.schema_findings import Grammar
from annotator.tei.parse import decode_xml, parse_xml
from annotator.tei.validate import (_hollowed, _narrowed, _schema_findings, _schema_key,
                                    compile_schema, validate)
from tests.conftest import DATA, EDITIONS, TEI_RNG

SMALL_RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start><element name="note"><attribute name="n"><text/></attribute>
    <zeroOrMore><element name="p"><text/></element></zeroOrMore></element></start>
</grammar>"""


@pytest.fixture
def small(tmp_path):
    rng = tmp_path / "note.rng"
    rng.write_text(SMALL_RNG)
    return rng


def test_validate_valid_file_has_no_findings(small, tmp_path):
    doc = tmp_path / "ok.xml"
    doc.write_text('<note n="1"><p>fine</p></note>')
    result = validate(doc, small)
    assert result.valid and result.findings == ()


def test_validate_findings_have_file_line_and_message(small, tmp_path):
    doc = tmp_path / "bad.xml"
    doc.write_text('<note>\n  <p>fine</p>\n  <q>not here</q>\n</note>\n')
    result = validate(doc, small)
    assert not result.valid
    lines = [str(f) for f in result.findings]
    assert any(line.startswith(f"{doc}:1:") and "n" in line for line in lines)
    assert any(line.startswith(f"{doc}:3:") and "q" in line for line in lines)


def test_validate_not_well_formed_is_a_finding(small, tmp_path):
    doc = tmp_path / "broken.xml"
    doc.write_text('<note n="1">\n<p>open</note>\n')
    result = validate(doc, small)
    assert len(result.findings) == 1
    f = result.findings[0]
    assert (f.path, f.line) == (str(doc), 2)
    assert "not well-formed" in f.message


def test_validate_a_file_that_is_no_xml_says_so_with_its_code(small, tmp_path):
    """A .bib given to validate printed 'XML is not well-formed: Start tag expected, '<' not
    found' with no code and no hint; now the line says it is no XML file and ends with the
    code, and bad markup has the hint and code 'add' gives it."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{smith2001,\n  title = {A Book},\n}\n", encoding="utf-8")
    [f] = validate(bib, small).findings
    assert str(f) == (f"{bib}:1:1: XML is not well-formed: Start tag expected, '<' not found; "
                      "it is no XML file (its first character is not '<'): give TEI .xml files "
                      "[S005]")
    done = CliRunner().invoke(app, ["validate", "--schema", str(small), str(bib)])
    assert done.exit_code == 1 and done.stdout.splitlines() == [str(f)]
    broken = tmp_path / "broken.xml"
    broken.write_text('<note n="1">\n<p>open</note>\n')
    [f] = validate(broken, small).findings
    assert str(f).endswith("; fix the markup, then run the command again [S005]")


def test_validate_json_gives_a_file_not_xml_its_code_apart(small, tmp_path):
    """validate -f json put S005 and its hint inside "message" ('... [S005]'), so a script
    told a file that is not well-formed from one the schema refuses by words only; now each
    finding has "code" and "hint" (null for the schema's and the pointers' findings), as a
    source warning's JSON has them."""
    bib, bad = tmp_path / "refs.bib", tmp_path / "bad.xml"
    bib.write_text("@book{smith2001,\n  title = {A Book},\n}\n", encoding="utf-8")
    bad.write_text("<note/>")
    done = CliRunner().invoke(app, ["validate", "--schema", str(small), str(bib), str(bad),
                                    "-f", "json"])
    assert done.exit_code == 1
    first, second = json.loads(done.stdout)
    assert first == {"path": str(bib), "line": 1, "col": 1, "warning": False, "code": "S005",
                     "message": "XML is not well-formed: Start tag expected, '<' not found",
                     "hint": "it is no XML file (its first character is not '<'): give TEI "
                             ".xml files"}
    assert (second["path"], second["code"], second["hint"]) == (str(bad), None, None)
    done = CliRunner().invoke(app, ["validate", "--schema", str(small), str(bib), "-f", "csv"])
    assert done.stdout.splitlines()[0] == "path,line,col,warning,code,message,hint"


@pytest.mark.parametrize(("schema", "code"), [("missing.rng", "E011"), ("bad.rng", "E012")])
def test_validate_schema_problems_are_usage_errors(tmp_path, schema, code):
    doc = tmp_path / "ok.xml"
    doc.write_text('<note n="1"/>')
    (tmp_path / "bad.rng").write_text("<grammar xmlns='http://relaxng.org/ns/structure/1.0'>"
                                      "<start><oops/></start></grammar>")
    with pytest.raises(SourceError) as err:
        validate(doc, tmp_path / schema if schema else None)
    assert err.value.code == code


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_validate_schema_named_by_xml_model(small, tmp_path, codec):
    doc = tmp_path / "doc.xml"
    doc.write_bytes(f'<?xml version="1.0" encoding="{codec}"?>\n<?xml-model href="note.rng" '
                    'type="application/xml"?><note/>'.encode(codec))  # UTF-16: with its mark
    result = validate(doc)
    assert result.schema == str(small.resolve())
    assert [f.line for f in result.findings] == [2]


def test_validate_compiles_a_schema_once(small):
    assert compile_schema(small) is compile_schema(small)


def test_validate_cli_exit_codes_and_output(small, tmp_path):
    ok, bad = tmp_path / "ok.xml", tmp_path / "bad.xml"
    ok.write_text('<note n="1"/>')
    bad.write_text("<note/>")
    runner = CliRunner()
    done = runner.invoke(app, ["validate", "--schema", str(small), str(ok)])
    assert (done.exit_code, done.stdout) == (0, "")
    done = runner.invoke(app, ["validate", "--schema", str(small), str(ok), str(bad)])
    assert done.exit_code == 1
    assert done.stdout.startswith(f"{bad}:1:")
    assert "1 valid, 1 invalid" in done.stderr
    done = runner.invoke(app, ["validate", "--schema", str(small), str(ok), str(bad), "-f", "json"])
    rows = json.loads(done.stdout)
    assert done.exit_code == 1 and rows and {r["path"] for r in rows} == {str(bad)}
    assert (rows[0]["line"], sorted(rows[0])) == (1, ["code", "col", "hint", "line", "message",
                                                      "path", "warning"])
    done = runner.invoke(app, ["validate", "--schema", str(tmp_path / "no.rng"), str(ok)])
    assert done.exit_code == 2 and "[E011]" in done.stderr


def test_validate_tei_all_on_real_files(tei_schema):
    assert compile_schema(TEI_RNG) is tei_schema  # the fixture's compile is reused
    assert validate(DATA / "rich.xml", TEI_RNG, pointers=False).valid
    # valid tei_all, but its witness #B and #person-a are written nowhere in it
    assert [str(f) for f in validate(DATA / "rich.xml", TEI_RNG).findings] == [
        f"{DATA / 'rich.xml'}:20:68: warning: @wit '#B' names no xml:id in this file",
        f"{DATA / 'rich.xml'}:21:43: warning: @ref '#person-a' names no xml:id in this file"]
    findings = validate(DATA / "schnitzler-L00001.xml", TEI_RNG).findings
    assert any(f.line == 126 and f.message.startswith("<p> may not stand in <opener>")
               for f in findings)


def test_validate_schema_that_is_not_relax_ng_names_no_line_minus_one(tmp_path):
    doc = tmp_path / "ok.xml"
    doc.write_text('<note n="1"/>')
    schema = tmp_path / "notes.rng"
    schema.write_text("<notes><note/></notes>")  # XML, but no RELAX NG
    with pytest.raises(SourceError) as err:
        validate(doc, schema)
    assert err.value.code == "E012" and ":-1" not in str(err.value)
    assert str(err.value).startswith(f"{schema}: not a usable RELAX NG schema")


_HEADER = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
           '</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>'
           '</sourceDesc></fileDesc></teiHeader>')
_INVALID = {
    "name-in-body": _HEADER + "<text><body><persName>X</persName></body></text></TEI>",
    "bad-when": _HEADER + '<text><body><p><date when="19 April">x</date></p></body></text></TEI>',
    "no-text": _HEADER + "</TEI>",
    "no-header": '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text>'
                 "</TEI>",
    "unknown-element": _HEADER + "<text><body><p><foo>x</foo></p></body></text></TEI>",
    "empty-titleStmt": _HEADER.replace("<title>t</title>", "") + "<text><body><p>x</p></body>"
                                                                  "</text></TEI>",
    "no-namespace": "<TEI><text/></TEI>",
    "head-after-p": _HEADER + "<text><body><div><p>x</p><head>h</head></div></body></text></TEI>",
}


def test_validate_uses_tei_all_by_default(tmp_path):
    from annotator.tei.validate import TEI_ALL

    assert TEI_ALL == TEI_RNG
    # its xml-model names tei_all by URL: never fetched
    result = validate(DATA / "rich.xml", pointers=False)
    assert result.schema == str(TEI_ALL) and result.valid
    doc = tmp_path / "bad.xml"
    doc.write_text(_INVALID["bad-when"], encoding="utf-8")
    result = validate(doc)
    assert result.schema == str(TEI_ALL)
    assert [f.message for f in result.findings] == [
        '<date when="19 April">: not a value the schema allows for @when; it must be a date or '
        "time in ISO 8601 form (YYYY-MM-DD, YYYY, --MM, ---DD, YYYY-MM, --MM-DD, hh:mm:ss, "
        "YYYY-MM-DDThh:mm:ss)"]


@pytest.mark.parametrize("name", sorted(_INVALID))
def test_validate_narrowed_check_gives_the_full_schemas_verdict_and_messages(tmp_path, name,
                                                                             tei_schema):
    doc = tmp_path / f"{name}.xml"
    doc.write_text(_INVALID[name], encoding="utf-8")
    result = validate(doc, TEI_RNG)
    assert not tei_schema.validate(etree.parse(str(doc)))
    assert [f.line for f in result.findings] == [e.line for e in tei_schema.error_log]


_PLAIN = {  # libxml2's words before: no column, often no element
    # "Expecting an element , got nothing"
    "<respStmt><name>E</name></respStmt>":
        "<respStmt> ends too soon after <name>: it needs <resp>; add it",
    "": "<titleStmt> is empty: it needs <title>; add it",
    # "Invalid attribute quantity for element gap": the name is allowed, its value is not
    '<gap quantity="several"/>':
        '<gap quantity="several">: not a value the schema allows for @quantity; it must be a '
        "number or a value matching (\\-?[\\d]+/\\-?[\\d]+)",
    # "Invalid attribute type for element note"
    '<note typ="x">n</note>': "<note> may not have @typ in this schema (did you mean @type?); "
                              "remove it",
    # "Did not expect element div there"
    # the likely places first: an ancestor, nearest first (was: '<abstract>, <accMat>,
    # <acquisition>, <additional>, <additions>, <application> and 129 more')
    "<list><p>x</p></list>": "<p> may not stand in <list> (<list> holds no <p>); move it into "
                             "<body> (or one of 134 more elements that may hold it)",
    # ... a sibling before them
    "<list><item>a</item><p>x</p></list>":
        "<p> may not stand in <list> after <item> (<list> holds no <p>); move it into <item> "
        "or <body> (or one of 133 more elements that may hold it)",
    "<foo/>": "<foo> is no element of this schema; remove or rename it",
}


@pytest.mark.parametrize("inner", sorted(_PLAIN))
def test_validate_schema_errors_say_element_column_and_what_is_expected(tmp_path, inner):
    """Each schema error names the element, its column, and what the schema wants there, in
    words: libxml2 gives a line, an XPath and messages like 'Expecting an element , got
    nothing'."""
    title = "<title>t</title>" if inner else ""
    where = "titleStmt" if not inner or inner.startswith("<respStmt") else "p"
    text = _HEADER.replace("<title>t</title>", title + (inner if where == "titleStmt" else ""))
    text += f"<text><body>\n  <p>x {inner if where == 'p' else ''}</p></body></text></TEI>"
    doc = tmp_path / "doc.xml"
    doc.write_text(text, encoding="utf-8")
    [finding] = validate(doc, TEI_RNG, pointers=False).findings
    assert finding.message == _PLAIN[inner]
    at = {"": "<titleStmt>", "<list><p>x</p></list>": "<p>x</p></list>",
          "<list><item>a</item><p>x</p></list>": "<p>x</p></list>"}.get(inner, inner)
    at = at.split(" ")[0].rstrip(">") if at.startswith("<gap") or "typ=" in at else at
    line = text.count("\n", 0, text.index(at)) + 1
    col = text.index(at) - (text.rfind("\n", 0, text.index(at)) + 1) + 1
    if "=" in inner:  # at the attribute
        name = inner.split()[1].split("=")[0]
        col = text.index(f" {name}=", text.index(at)) - (text.rfind("\n", 0, text.index(at))
                                                         + 1) + 2
    assert (finding.line, finding.col) == (line, col)


def test_validate_valid_files_never_compile_all_of_tei_all():
    # all of tei_all (a 10 s compile) is never compiled: a second run is as fast as the first
    code = ("import sys, time; from pathlib import Path\n"
            "from annotator.tei import validate as v\n"
            "t = time.monotonic()\n"
            "ok = [v.validate(Path(f), pointers=False).valid for f in sys.argv[1:]]\n"
            "print(all(ok), len(v._SCHEMAS), time.monotonic() - t)")
    files = [str(f) for f in sorted(EDITIONS.rglob("*.xml"))] + [str(DATA / "rich.xml")]
    out = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[:2] == ["True", "0"], out


_CT_LIKE = (  # invented, encoded as Curious Travellers' letters are (their files are not copied)
    '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<teiHeader type="text"><fileDesc><titleStmt>'
    "<title>A to B</title>\n<respStmt><name>Transcribed by C</name></respStmt></titleStmt>"
    "<publicationStmt><publisher/></publicationStmt><sourceDesc><p>s</p></sourceDesc>"
    "</fileDesc></teiHeader><text><body><div>\n<p>Dear Sir<note type=\"editorial\" "
    'xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="B.xml"/></note>\n'
    '<gap unit="letters" quantity="several"/></p><closer><dateline><placeName ref=""/>'
    "</dateline></closer></div></body></text></TEI>\n")


def test_validate_invalid_files_never_compile_all_of_tei_all(tmp_path, tei_schema):
    """An invalid file's errors come from tei_all with only the elements the file uses
    compiled, every other one ``empty``, and they are the whole schema's findings (before,
    each run compiled all of tei_all, 10 s, for them: an editor fixing a Curious Travellers
    letter's errors one by one paid it each try); a file that is not well-formed compiles
    no more either."""
    docs = {"ct.xml": _CT_LIKE, **{f"{n}.xml": t for n, t in _INVALID.items()}}
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [DATA / "marked.xml", DATA / "schnitzler-L00001.xml", *map(tmp_path.joinpath, docs)]
    (tmp_path / "broken.xml").write_text("<TEI>\n<p></TEI>\n")
    code = ("import json, sys; from annotator.tei import validate as v\n"
            "told = [[str(f) for f in v.validate(p, v.TEI_ALL, pointers=False).findings]\n"
            "        for p in sys.argv[1:]]\n"
            "print(json.dumps([len(v._SCHEMAS), told]))")
    compiled, told = json.loads(subprocess.run(
        [sys.executable, "-c", code, *map(str, files), str(tmp_path / "broken.xml")],
        capture_output=True, text=True, check=True).stdout)
    assert compiled == 0
    key = _schema_key(TEI_RNG)
    for path, lines in zip(files, told):
        data = path.read_bytes()
        text = decode_xml(data, path)[0]
        full = _schema_findings(path, parse_xml(data, path).getroottree(), text, key, tei_schema)
        assert lines == [str(f) for f in full] and lines, path
    ct = tmp_path / "ct.xml"
    assert told[2] == [
        f"{ct}:3:1: <respStmt> ends too soon after <name>: it needs <resp>; add it",
        f"{ct}:2:12: <teiHeader> may not have @type in this schema; remove it",
        f"{ct}:4:78: <include> is no element of this schema; remove or rename it",
        f"{ct}:5:21: <gap quantity=\"several\">: not a value the schema allows for @quantity; "
        "it must be a number or a value matching (\\-?[\\d]+/\\-?[\\d]+)",
        f"{ct}:5:74: <placeName ref=\"\">: not a value the schema allows for @ref; it must be a "
        "list of a value matching \\S+, separated by spaces"]
    assert len(told[-1]) == 1 and "not well-formed" in told[-1][0]


def _pointing(body: str, header: str = "") -> str:
    return (_HEADER.replace("</fileDesc>", "</fileDesc>" + header) + "<text><body>" + body
            + "</body></text></TEI>")


def test_validate_names_each_pointer_that_names_no_xml_id(tmp_path, tei_schema):
    """A file valid against tei_all whose ``@ref="#x"`` names no element is valid with a
    warning for each such pointer, at its attribute, ``file:line:col: warning:``, and the
    command exits 0 (before: "0 valid, 1 invalid", exit 1, and an editor read "invalid" as
    "the schema refuses it"); ``--strict-pointers`` counts them, ``--schema-only`` skips them.
    Lists are read part by part."""
    doc = tmp_path / "letter.xml"
    doc.write_text(_pointing(
        '<p xml:id="p1">Dear <persName ref="#pe1">Anna</persName>,\n'
        '  <persName\n    ref="#pe2 #p1">Ben</persName> <ref target="#nowhere">see</ref>'
        ' <note corresp="#p1" resp="#ed">n</note></p>'), encoding="utf-8")
    assert tei_schema.validate(etree.parse(str(doc)))
    result = validate(doc)
    assert [str(f) for f in result.findings] == [
        f"{doc}:1:{_col(doc, 1, 'ref=')}: warning: @ref '#pe1' names no xml:id in this file",
        f"{doc}:3:5: warning: @ref '#pe2' names no xml:id in this file",
        f"{doc}:3:{_col(doc, 3, 'target=')}: warning: @target '#nowhere' names no xml:id in "
        "this file",
        f"{doc}:3:{_col(doc, 3, ' resp=') + 1}: warning: @resp '#ed' names no xml:id in this "
        "file"]
    assert (result.valid, result.warnings) == (True, 4)
    runner = CliRunner()
    done = runner.invoke(app, ["validate", str(doc)])
    assert done.exit_code == 0
    assert done.stdout.splitlines()[0] == str(result.findings[0])
    assert ("1 valid, 0 invalid; 1 with pointers that lead nowhere in the file (warnings)"
            in done.stderr)
    done = runner.invoke(app, ["validate", "--strict-pointers", str(doc)])
    assert done.exit_code == 1
    assert "0 valid, 1 invalid; 1 with pointers that lead nowhere" in done.stderr
    done = runner.invoke(app, ["validate", str(doc), "-f", "json"])
    assert [r["warning"] for r in json.loads(done.stdout)] == [True] * 4
    done = runner.invoke(app, ["validate", "--schema-only", str(doc)])
    assert (done.exit_code, done.stdout) == (0, "")
    assert validate(doc, pointers=False).valid


def test_validate_pointer_into_a_file_beside_it_that_leads_nowhere_is_an_error(tmp_path):
    """``register.xml#x`` where register.xml is beside the file (an export set is one folder:
    the pointers an export writes into its register) and holds no ``x`` is an error, exit 1:
    the file it names is there to say so; only ``#x`` the file itself does not hold is a
    warning (its edition's register is kept elsewhere)."""
    (tmp_path / "register.xml").write_text(_pointing('<p xml:id="ben">b</p>'), encoding="utf-8")
    doc = tmp_path / "letter.xml"
    doc.write_text(_pointing('<p><persName ref="register.xml#ben">Ben</persName> '
                             '<persName ref="register.xml#anna">Anna</persName></p>'),
                   encoding="utf-8")
    result = validate(doc)
    assert [(f.message, f.warning) for f in result.findings] == [
        ("@ref 'register.xml#anna' names no xml:id in register.xml", False)]
    assert not result.valid
    done = CliRunner().invoke(app, ["validate", str(doc)])
    assert done.exit_code == 1 and "0 valid, 1 invalid" in done.stderr


def _col(path, line: int, what: str) -> int:
    return path.read_text(encoding="utf-8").splitlines()[line - 1].index(what) + 1


def _told(doc) -> list[tuple[int | None, int | None, str]]:
    """Each schema finding of ``doc`` against tei_all: line, column and words before ';'."""
    return [(f.line, f.col, f.message.split(";")[0])
            for f in validate(doc, TEI_RNG, pointers=False).findings]


def test_validate_reads_pointers_as_tei_does(tmp_path):
    """``psn:p1`` is expanded by the file's prefixDef first; ``other.xml#x`` must name an
    xml:id of other.xml when that file is beside it, and one that is not is named, not
    checked; absolute URIs, XPointer schemes, images and pointers under xml:base are not
    checked; ``@from`` is a pointer on ``span``, a date on ``date``."""
    prefixes = ('<encodingDesc><listPrefixDef><prefixDef ident="psn" matchPattern="(p\\d+)" '
                'replacementPattern="#$1"/><prefixDef ident="reg" matchPattern="(\\w+)" '
                'replacementPattern="persons.xml#$1"/></listPrefixDef></encodingDesc>')
    (tmp_path / "persons.xml").write_text(
        _pointing('<listPerson><person xml:id="anna"><persName>Anna</persName></person>'
                  "</listPerson>"), encoding="utf-8")
    (tmp_path / "page1.jpg").write_bytes(b"\xff\xd8\xff")
    doc = tmp_path / "letter.xml"
    doc.write_text(_pointing(
        '<p xml:id="p1"><persName ref="psn:p1">A</persName> <persName ref="psn:p2">B</persName>'
        ' <persName ref="persons.xml#anna reg:anna">C</persName>'
        ' <persName ref="persons.xml#ben">D</persName> <persName ref="reg:carl">E</persName>'
        ' <persName ref="places.xml#x pl2373 letter.xml#p1">F</persName>'
        ' <persName ref="http://www.wikidata.org/entity/Q1 wd:Q2 urn:x:y">G</persName>'
        ' <ref target="#xpointer(id(\'a\')) page1.jpg#xywh=1,2,3,4 page1.jpg">H</ref>'
        ' <date from="1901" to="1902">then</date> <span from="#p1" to="#gone"/>'
        ' <seg xml:base="http://example.org/"><ref target="#elsewhere">I</ref></seg></p>',
        prefixes), encoding="utf-8")
    result = validate(doc)
    assert [f.message for f in result.findings] == [
        "@ref 'psn:p2' (#p2 by the file's prefixDef) names no xml:id in this file",
        "@ref 'persons.xml#ben' names no xml:id in persons.xml",
        "@ref 'reg:carl' (persons.xml#carl by the file's prefixDef) names no xml:id in "
        "persons.xml",
        "@to '#gone' names no xml:id in this file"]
    assert (result.elsewhere, result.bare) == (("places.xml",), ("pl2373",))
    runner = CliRunner()
    done = runner.invoke(app, ["validate", str(doc)])
    assert done.exit_code == 1
    assert f"{doc}: pointers into 1 file(s) not beside it, not checked: places.xml" in done.stderr


def test_validate_bare_ids_are_register_ids_checked_in_the_workspace(tmp_path):
    """Curious Travellers' ``ref="pe1267"`` is an id of the edition's register, not a file:
    told as such, and looked up in the register of the workspace the file is in (was:
    'pointers into 2 file(s) not beside it: pe1, pe2'). One the file holds resolves."""
    from annotator import Workspace

    ws = Workspace.init(tmp_path / "ws")
    source = tmp_path / "letter.xml"
    source.write_text(_pointing('<p><persName ref="pe1">Anna</persName> wrote.</p>'),
                      encoding="utf-8")
    ws.add(source)
    ws.close()
    doc = tmp_path / "ws" / "exports" / "out.xml"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(_pointing('<p xml:id="pe3"><persName ref="pe1 pe2 pe3">A</persName></p>'),
                   encoding="utf-8")
    result = validate(doc)
    assert (result.valid, result.elsewhere, result.bare) == (True, (), ("pe1", "pe2"))
    done = CliRunner().invoke(app, ["validate", str(doc)])
    assert done.exit_code == 0
    assert (f"{doc}: 2 bare id(s) the file does not hold (its edition's register's, not files):"
            " 1 in the workspace's register, 1 not: pe2") in done.stderr
    assert "not beside it" not in done.stderr
    alone = tmp_path / "out.xml"
    alone.write_bytes(doc.read_bytes())
    done = CliRunner().invoke(app, ["validate", str(alone)])
    assert "no workspace to check them against: pe1, pe2" in done.stderr


def test_validate_pointer_tables_match_tei_all():
    """The pointer attributes are tei_all's anyURI attributes, written out by emit()."""
    from pathlib import Path

    from annotator.tei import pointer_table

    everywhere, on = pointer_table.derive(TEI_RNG)
    assert (everywhere, on) == (pointer_table.POINTER_ATTRS, pointer_table.POINTER_ATTRS_ON)
    source = Path(pointer_table.__file__).read_text(encoding="utf-8")
    assert source.endswith(pointer_table.emit(everywhere, on)), "run emit(), write the tables"
    assert {"ref", "target", "corresp", "sameAs", "resp", "source", "prev", "next", "who",
            "ana", "facs"} <= everywhere
    assert "key" not in everywhere and "xml:base" not in everywhere
    assert "span" in on["from"] and "date" not in on["from"]


def _schema(tmp_path, defines: str):
    rng = tmp_path / "doc.rng"
    rng.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>'
                   '<element name="doc"><ref name="inner"/></element></start>'
                   f"{defines}</grammar>")
    return rng


_COMBINED = {  # defines of one name, combined as their @combine says
    "choice": ('<define name="inner"><element name="a"><optional><element name="c"><empty/>'
               '</element></optional></element></define><define name="inner" '
               'combine="choice"><element name="b"><empty/></element></define>',
               "<doc><b><a/></b></doc>",
               "<a> may not stand in <b> (nothing more may come here); move it into <doc>"),
    "interleave": ('<define name="inner"><element name="a"><empty/></element></define>'
                   '<define name="inner" combine="interleave"><element name="b"><empty/>'
                   "</element></define>", "<doc><b/></doc>",
                   "<doc> ends too soon after <b>: it needs <a>; add it"),
}


@pytest.mark.parametrize("combine", sorted(_COMBINED))
def test_validate_reads_a_define_combined_of_parts(tmp_path, combine):
    """RELAX NG defines of one name with @combine are one pattern, all their parts: reading
    only the last one said <a> was no element of the schema, or that <doc> was complete."""
    defines, text, message = _COMBINED[combine]
    doc = tmp_path / "doc.xml"
    doc.write_text(text)
    assert [f.message for f in validate(doc, _schema(tmp_path, defines)).findings] == [message]


def test_validate_attributes_and_values_of_a_combined_define(tmp_path):
    """The attributes and the values a define combined of parts allows are all its parts'
    (the last part's only, before: @n was no attribute of <doc>, '2' the only value)."""
    rng = _schema(tmp_path, '<define name="inner"><attribute name="n"><ref name="ns"/>'
                  '</attribute></define><define name="inner" combine="interleave">'
                  '<attribute name="type"><text/></attribute></define>'
                  '<define name="ns"><value>1</value></define>'
                  '<define name="ns" combine="choice"><value>2</value></define>')
    grammar = Grammar(etree.parse(str(rng)))
    found = grammar.attributes("doc")
    assert sorted(found) == ["n", "type"]
    assert grammar.value_words(found["n"]) == "one of '1', '2'"


def test_validate_element_hosts_unread_stay_unread(tmp_path):
    """Where the content of one of the schema's elements cannot be read (a nested grammar),
    which elements may hold a misplaced one is not known: libxml2's own message, for the
    second file as for the first (the table of hosts was kept half-filled after the first,
    and the second was told <c> is no element of this schema)."""
    rng = _schema(tmp_path, '<define name="inner"><zeroOrMore><choice><element name="a">'
                  '<empty/></element><element name="box"><choice><element name="c"><empty/>'
                  '</element><grammar><start><element name="p"><empty/></element></start>'
                  "</grammar></choice></element></choice></zeroOrMore></define>")
    told = []
    for n in (1, 2):
        doc = tmp_path / f"doc{n}.xml"
        doc.write_text("<doc><a/><c/></doc>")
        told.append([f.message for f in validate(doc, rng, pointers=False).findings])
    assert told[0] == told[1]
    assert not any("no element of this schema" in m for m in told[1]), told


def test_validate_hosts_known_where_the_unread_element_cannot_hold_it(tmp_path):
    """One element whose content cannot be read (<box>, a nested grammar) leaves unknown only
    the hosts of what it may hold (<c>, <p>): a misplaced <d> is told where it may go, as in
    a schema without <box> (was: libxml2's raw message for every misplaced element)."""
    rng = _schema(tmp_path, '<define name="inner"><zeroOrMore><choice><element name="a">'
                  '<empty/></element><element name="e"><zeroOrMore><element name="d"><empty/>'
                  '</element></zeroOrMore></element><element name="box"><choice><element '
                  'name="c"><empty/></element><grammar><start><element name="p"><empty/>'
                  "</element></start></grammar></choice></element></choice></zeroOrMore>"
                  "</define>")
    doc = tmp_path / "doc.xml"
    doc.write_text("<doc><a><d/></a></doc>")
    assert [f.message for f in validate(doc, rng, pointers=False).findings] == [
        "<d> may not stand in <a> (nothing more may come here); move it into <e>"]
    doc.write_text("<doc><a><c/></a></doc>")
    [told] = validate(doc, rng, pointers=False).findings
    assert told.message.startswith("<c>: ") and "move it" not in told.message


def test_validate_tells_every_bad_attribute_of_an_element(tmp_path, tei_schema):
    """libxml2 stops at an element's first bad attribute: an editor fixing @reff was told
    about @typo by the next run. Each is a finding at its attribute, names and values alike,
    where libxml2 tells the first; a good attribute beside them is none."""
    doc = tmp_path / "doc.xml"
    doc.write_text(_HEADER + '<text><body>\n<p><persName reff="#a" type="x" typo="y">A'
                   '</persName>\n<date when="x" notBefore="1900" notAfter="y" n="1" from="z"'
                   ">d</date></p></body></text></TEI>", encoding="utf-8")
    tei_schema.validate(etree.parse(str(doc)))
    assert len(tei_schema.error_log) == 2  # libxml2: @reff and @when
    assert _told(doc) == [
        (2, _col(doc, 2, "reff"), "<persName> may not have @reff in this schema (did you mean "
                                  "@ref?)"),
        (2, _col(doc, 2, "typo"), "<persName> may not have @typo in this schema (did you mean "
                                  "@type?)"),
        (3, _col(doc, 3, "when"), '<date when="x">: not a value the schema allows for @when'),
        (3, _col(doc, 3, "notAfter"), '<date notAfter="y">: not a value the schema allows for '
                                      "@notAfter"),
        (3, _col(doc, 3, "from"), '<date from="z">: not a value the schema allows for @from')]
    done = CliRunner().invoke(app, ["validate", "--schema-only", str(doc)])
    assert done.exit_code == 1 and len(done.stdout.splitlines()) == 5


def test_validate_file_with_prefixed_elements(tmp_path):
    """libxml2 writes the XPath of a prefixed element as ``n:note``: read with the file's
    prefixes, the finding names the element and its column (was: XPathEvalError, a
    traceback)."""
    rng = tmp_path / "n.rng"
    rng.write_text(SMALL_RNG.replace("<grammar ", '<grammar ns="urn:x" '))
    doc = tmp_path / "doc.xml"
    doc.write_text('<n:note xmlns:n="urn:x" n="1"><n:p>x</n:p>\n <n:q/></n:note>')
    assert [str(f) for f in validate(doc, rng).findings] == [
        f"{doc}:2:2: <q> is no element of this schema; remove or rename it"]


def test_validate_narrowed_away_choice_is_refused(tmp_path, tei_schema):
    """A required choice whose every branch names an element the file does not use is
    refused: libxml2 took a choice of nothing but ``notAllowed`` for ``empty``, so the
    narrowed check called ``<doc/>`` of ``doc = a | b`` valid, and the full schema was never
    asked. tei_all's own such choices (an empty ``<choice/>``) stay refused, and narrowing
    still compiles in a fraction of a second."""
    rng = _schema(tmp_path, '<define name="inner"><choice><element name="a"><empty/></element>'
                  '<element name="b"><empty/></element></choice></define>')
    doc = tmp_path / "doc.xml"
    doc.write_text("<doc/>")
    assert [f.message for f in validate(doc, rng).findings] == [
        "<doc> is empty: it needs one of <a>, <b>; add one"]
    doc.write_text("<doc><b/></doc>")
    assert validate(doc, rng).valid
    doc.write_text(_HEADER + "<text><body><p><choice/></p></body></text></TEI>")
    assert not validate(doc, TEI_RNG).valid
    t = time.monotonic()
    assert _narrowed(_schema_key(TEI_RNG), frozenset({"TEI", "teiHeader", "p", "choice"}))
    assert time.monotonic() - t < 2


_EMPTIES = {  # content RELAX NG lets <doc/> have, through an interleave or group of empties
    "interleave": '<choice><element name="a"><empty/></element><interleave><empty/><empty/>'
                  "</interleave></choice>",
    "group": '<choice><group><empty/><element name="a"><empty/></element></group><interleave>'
             "<empty/><empty/></interleave></choice>",
    "ref": '<choice><ref name="nothing"/><interleave><empty/><element name="b"><empty/>'
           '</element></interleave></choice></define><define name="nothing"><empty/>',
}


@pytest.mark.parametrize("content", sorted(_EMPTIES))
def test_validate_interleave_of_empties_is_empty(tmp_path, content):
    """``<doc/>`` of ``doc = a | (empty & empty)`` is valid in RELAX NG, and now for every
    check validate makes: libxml2's whole schema refused it while the narrowed one (without
    ``a``) accepted it, so the verdict hung on which ran; where both refused, the file was
    told it needs <a>. An element the schema does not have stays refused."""
    rng = _schema(tmp_path, f'<define name="inner">{_EMPTIES[content]}</define>')
    doc = tmp_path / "doc.xml"
    doc.write_text("<doc/>")
    key = _schema_key(rng)
    tree = etree.parse(str(doc))
    assert compile_schema(rng).validate(tree)
    assert _narrowed(key, frozenset({"doc"})).validate(tree)
    assert _hollowed(key, frozenset({"doc"})).validate(tree)
    assert validate(doc, rng).findings == ()
    doc.write_text("<doc><c/></doc>")
    assert [f.message for f in validate(doc, rng).findings] == [
        "<c> is no element of this schema; remove or rename it"]


def test_validate_tells_bad_attributes_of_an_element_whose_content_is_wrong(tmp_path):
    """libxml2 tells one error per element, its content's: the bad attributes of a
    <respStmt> without <resp>, of a <date> holding an unknown element (and of that element)
    were told by the next run. Each is a finding at its attribute, after the content's."""
    doc = tmp_path / "doc.xml"
    doc.write_text(_HEADER.replace("<title>t</title>", '<title>t</title>\n<respStmt typo="x" '
                                   'n="1" reff="z"><name>E</name></respStmt>')
                   + '<text><body>\n<p><date when="x">d<foo n="1"/></date></p></body></text>'
                   "</TEI>", encoding="utf-8")
    assert _told(doc) == [
        (2, 1, "<respStmt> ends too soon after <name>: it needs <resp>"),
        (2, _col(doc, 2, "typo"), "<respStmt> may not have @typo in this schema"),
        (2, _col(doc, 2, "reff"), "<respStmt> may not have @reff in this schema (did you mean "
                                  "@ref?)"),
        (3, _col(doc, 3, "<foo"), "<foo> is no element of this schema"),
        (3, _col(doc, 3, "when"), '<date when="x">: not a value the schema allows for @when')]


def test_validate_tells_a_missing_attribute_of_an_element_whose_content_is_wrong(tmp_path):
    """An attribute the schema requires is told in words at the element that lacks it,
    beside what is wrong in its content and the attributes it may not have (was: libxml2's
    "Element graphic failed to validate attributes" at the element's child <foo>, which
    hid <foo>'s own error, or at <application> itself, which hid that it is empty; @typo
    was told by a later run). Where libxml2 reads the attributes with the content (a
    schema it does not compile), it said "<a>: Element doc failed to validate content"."""
    doc = tmp_path / "doc.xml"
    doc.write_text(_HEADER.replace("</fileDesc>", '</fileDesc>\n<encodingDesc><appInfo>'
                                   '<application ident="x"/></appInfo></encodingDesc>')
                   + '<text><body>\n<p><graphic typo="1"><foo/></graphic></p></body></text>'
                   "</TEI>", encoding="utf-8")
    assert _told(doc) == [
        (2, _col(doc, 2, "<application"), "<application> lacks @version, which the schema "
                                          "requires"),
        (2, _col(doc, 2, "<application"), "<application> is empty: it needs one of <desc>, "
                                          "<label>"),
        (3, _col(doc, 3, "<graphic"), "<graphic> lacks @url, which the schema requires"),
        (3, _col(doc, 3, "typo"), "<graphic> may not have @typo in this schema (did you mean "
                                  "@type?)"),
        (3, _col(doc, 3, "<foo"), "<foo> is no element of this schema")]
    rng = _schema(tmp_path, '<define name="inner"><attribute name="n"/><optional><attribute '
                  'name="type"/></optional><element name="a"><empty/></element></define>')
    doc.write_text("<doc type='x'><a/></doc>")
    assert [str(f) for f in validate(doc, rng).findings] == [
        f"{doc}:1:1: <doc> lacks @n, which the schema requires; add it"]
    rng = _schema(tmp_path, '<define name="inner"><choice><attribute name="when"/><group>'
                  '<attribute name="from"/><attribute name="to"/></group><attribute '
                  'name="notBefore"/></choice><text/></define>')
    doc.write_text("<doc>x</doc>")
    assert [f.message for f in validate(doc, rng).findings] == [
        "<doc> lacks one of @notBefore, @when, which the schema requires; add one"]


_EXPORTED = (  # an annotator export's header, a proposal, the edition's own names, standOff
    '<encodingDesc><appInfo><application xml:id="annotator" ident="annotator" version="0.1.0">'
    '<label>annotator</label></application><application xml:id="annotator-rule-register" '
    'ident="register" version="0.1.0"><label>r</label></application></appInfo>'
    "</encodingDesc>", '<p><persName ref="#person-a" cert="unknown" '
    'resp="#annotator-rule-register">A</persName>\n<persName ref="#person-b">B</persName> '
    '<persName ref="#person-c" cert="unknown" resp="#ed1">C</persName></p></body></text>'
    '<standOff xml:id="annotator-standoff"><listAnnotation><annotation '
    'xml:id="claim-1-annotation" target="#claim-1" motivation="describing">\n<note '
    'type="agent" corresp="#person-d">D</note></annotation></listAnnotation></standOff>')


def test_validate_pointer_annotator_wrote_that_leads_nowhere_is_an_error(tmp_path):
    """A ``#id`` on markup an annotator export wrote (a proposal: cert="unknown", @resp one of
    annotator's applications; its standOff) names what the export should have written: an
    error that says so. The edition's own (an editor's @resp, no mark) stay warnings, and
    without annotator's application in the header nothing is told apart (before, all were
    warnings: an export missing its entries was valid)."""
    doc = tmp_path / "doc.xml"
    text = _pointing(_EXPORTED[1], _EXPORTED[0]).removesuffix("</body></text></TEI>") + "</TEI>"
    doc.write_text(text, encoding="utf-8")
    result = validate(doc, TEI_RNG)
    assert not result.valid
    lines = [str(f).split(": ", 1)[1] for f in result.findings]
    ours = ", and annotator wrote it: the export lacks what it names; export it again"
    assert lines == [
        f"@ref '#person-a' names no xml:id in this file{ours}",
        "warning: @ref '#person-b' names no xml:id in this file",
        "warning: @ref '#person-c' names no xml:id in this file",
        "warning: @resp '#ed1' names no xml:id in this file",
        f"@target '#claim-1' names no xml:id in this file{ours}",
        f"@corresp '#person-d' names no xml:id in this file{ours}"]
    doc.write_text(text.replace('ident="annotator"', 'ident="other"'), encoding="utf-8")
    assert all(f.warning for f in validate(doc, TEI_RNG).findings)


def test_validate_help_says_a_pointer_annotator_wrote_is_an_error():
    """``validate --help`` said every #id the file lacks is a warning, after those on markup
    an annotator export wrote had become errors."""
    words = " ".join(CliRunner().invoke(app, ["validate", "--help"]).stdout.split())
    assert ("#id that names no xml:id of the file is a warning" in words
            and "on markup an annotator export wrote (a proposal, its standOff) it is an error"
            in words)


def test_validate_bare_ids_an_export_wrote_resolve(tmp_path):
    """An export's bare ``ref="person-anna"`` (an edition of bare ids: the entity's own id)
    was said to be 'not in the workspace's register', while the register.xml the export
    wrote beside it holds it. Now an id the register.xml beside the file holds resolves, and
    a confirmed entity's own id counts as in the workspace's register."""
    from annotator import Workspace

    ws = Workspace.init(tmp_path / "ws")
    source = tmp_path / "letter.xml"
    source.write_text(_pointing('<p><persName ref="pe1">Anna</persName> wrote.</p>'),
                      encoding="utf-8")
    ws.add(source)
    [anna] = ws.entities(status="confirmed")
    ws.close()
    doc = tmp_path / "ws" / "exports" / "out.xml"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(_pointing(f'<p><persName ref="{anna.id} pe9 person-grant">A</persName></p>'),
                   encoding="utf-8")
    (doc.parent / "register.xml").write_text(_pointing(
        '<listPerson><person xml:id="person-grant"><persName>Grant</persName></person>'
        '</listPerson>'), encoding="utf-8")
    result = validate(doc)
    assert result.bare == tuple(sorted((anna.id, "pe9")))
    done = CliRunner().invoke(app, ["validate", str(doc)])
    assert (f"{doc}: 2 bare id(s) the file does not hold (its edition's register's, not files):"
            " 1 in the workspace's register, 1 not: pe9") in done.stderr


def test_validate_tells_every_misplaced_sibling(tmp_path, tei_schema):
    """libxml2 stops reading an element's children at the first it did not expect: of two
    misplaced <title>s in <body> it told the first, and nothing of the <p> after it (its bad
    @typo). Each is a finding now, the second read by its place after the <p>s libxml2 read
    (not after the first <title>); what taking one out alone makes wrong is not told (a
    <sourceDesc> before <publicationStmt>: one finding, not a second that <fileDesc> ends too
    soon). Text where <div> may hold none stopped libxml2 as well: what follows is told."""
    doc = tmp_path / "doc.xml"
    doc.write_text(_HEADER + "<text><body>\n<p>One</p>\n<title>a</title>\n<p>Two</p>\n"
                   '<title>b</title>\n<p><persName typo="x">A</persName></p>\n'
                   "</body></text></TEI>", encoding="utf-8")
    tei_schema.validate(etree.parse(str(doc)))
    assert len(tei_schema.error_log) == 1  # libxml2: the first <title> only
    wrong = "<title> may not stand in <body> after <p> (<body> holds no <title>)"
    assert _told(doc) == [
        (3, 1, wrong), (5, 1, wrong),
        (6, _col(doc, 6, "typo"), "<persName> may not have @typo in this schema (did you mean "
                                  "@type?)")]
    swapped = tmp_path / "swapped.xml"
    swapped.write_text(_HEADER.replace("<publicationStmt><p>p</p></publicationStmt>", "")
                       .replace("</sourceDesc>", "</sourceDesc><publicationStmt><p>p</p>"
                                "</publicationStmt>")
                       + '<text><body>\n<p typo="x">A</p></body></text></TEI>',
                       encoding="utf-8")
    assert [m for _, _, m in _told(swapped)] == [
        "<sourceDesc> may not stand in <fileDesc> after <titleStmt>: <fileDesc> needs "
        "<publicationStmt> before it",
        "<p> may not have @typo in this schema"]
    stray = tmp_path / "stray.xml"  # text where <div> holds none stopped libxml2 there too
    stray.write_text(_HEADER + "<text><body>\n<div>stray<p>x</p>\n<title>b</title></div>"
                     "</body></text></TEI>", encoding="utf-8")
    assert [(line, m) for line, _, m in _told(stray)] == [
        (2, "<div> may not hold text of its own ('stray')"),
        (3, "<title> may not stand in <div> after <p> (<div> holds no <title>)")]
