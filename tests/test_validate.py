"""annotator validate: findings as file:line:col, exit 1 for invalid, 2 for a usage error."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from lxml import etree
from typer.testing import CliRunner

from annotator import SourceError
from annotator.cli import app
from annotator.tei.validate import compile_schema, validate
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
    assert (rows[0]["line"], sorted(rows[0])) == (1, ["col", "line", "message", "path"])
    done = runner.invoke(app, ["validate", "--schema", str(tmp_path / "no.rng"), str(ok)])
    assert done.exit_code == 2 and "[E011]" in done.stderr


def test_validate_tei_all_on_real_files(tei_schema):
    assert compile_schema(TEI_RNG) is tei_schema  # the fixture's compile is reused
    assert validate(DATA / "rich.xml", TEI_RNG).valid
    findings = validate(DATA / "schnitzler-L00001.xml", TEI_RNG).findings
    assert any(f.line == 126 and "Did not expect element p" in f.message for f in findings)


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
    result = validate(DATA / "rich.xml")  # its xml-model names tei_all by URL: never fetched
    assert result.schema == str(TEI_ALL) and result.valid
    doc = tmp_path / "bad.xml"
    doc.write_text(_INVALID["bad-when"], encoding="utf-8")
    result = validate(doc)
    assert result.schema == str(TEI_ALL)
    assert [f.message for f in result.findings] == ["Invalid attribute when for element date"]


@pytest.mark.parametrize("name", sorted(_INVALID))
def test_validate_narrowed_check_gives_the_full_schemas_verdict_and_messages(tmp_path, name,
                                                                             tei_schema):
    doc = tmp_path / f"{name}.xml"
    doc.write_text(_INVALID[name], encoding="utf-8")
    result = validate(doc, TEI_RNG)
    assert not tei_schema.validate(etree.parse(str(doc)))
    assert [(f.line, f.message) for f in result.findings] == [
        (e.line, e.message) for e in tei_schema.error_log]


def test_validate_valid_files_never_compile_all_of_tei_all():
    # the ~12 s compile is paid only for a file that is not valid: a second run is as fast as
    # the first
    code = ("import sys, time; from pathlib import Path\n"
            "from annotator.tei import validate as v\n"
            "t = time.monotonic()\n"
            "ok = [v.validate(Path(f)).valid for f in sys.argv[1:]]\n"
            "print(all(ok), len(v._SCHEMAS), time.monotonic() - t)")
    files = [str(f) for f in sorted(EDITIONS.rglob("*.xml"))] + [str(DATA / "rich.xml")]
    out = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[:2] == ["True", "0"], out
