"""The command line: thin, helpful, one-line errors with exit status 2, no spaCy for --help."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import click
import pytest
from typer.testing import CliRunner

from annotator.cli import app
from tests.conftest import DATA, SAMPLE_TEI, run

runner = CliRunner()
LINE = re.compile(r"^[^\n]+:\d+(:\d+)?: [^\n]+; [^\n]+ \[[A-Z]\d{3}\]\n$")


def _commands():
    cmd = __import__("typer").main.get_command(app)
    out = []

    ctx = click.Context(cmd)

    def walk(c, prefix):  # typer has its own click: isinstance(c, click.Group) is never true
        names = c.list_commands(ctx) if hasattr(c, "list_commands") else []
        for name in names:
            walk(c.get_command(ctx, name), [*prefix, name])
        if not names:
            out.append(prefix)

    walk(cmd, [])
    return out


def test_cli_hints_name_commands_that_exist():
    from pathlib import Path

    import annotator

    named = {m.group(1) for f in Path(annotator.__file__).parent.rglob("*.py")
             for m in re.finditer(r"'annotator ([a-z][a-z-]*)", f.read_text(encoding="utf-8"))}
    assert named and named <= {c[0] for c in _commands()}


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_cli_commands_have_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    cmd = __import__("typer").main.get_command(app)
    for name in command:
        cmd = cmd.get_command(click.Context(cmd), name)
    assert cmd.help and len(cmd.help.strip()) > 10


def test_cli_help_does_not_import_spacy():
    code = ("import sys, runpy; sys.argv=['annotator','--help']\n"
            "try:\n runpy.run_module('annotator', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "assert 'spacy' not in sys.modules, 'spacy imported'\n"
            "assert 'thinc' not in sys.modules\nprint('clean')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("clean")


def test_cli_init_add_sources(tmp_path):
    root = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    result = run(root, "add", str(SAMPLE_TEI), str(DATA / "rich.xml"))
    assert result.exit_code == 0, result.output
    result = run(root, "sources", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["german-soviet-axis-talks", "rich"]
    assert rows[0]["words"] > 700
    csv_out = run(root, "sources", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "id,title,date,words,origin,file,sha256,added_at,date_reason"


@pytest.mark.parametrize("name,content,code,line", [
    ("missing.xml", None, "S001", False),
    ("empty.txt", b"", "S003", False),
    ("broken.xml", b"<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<text><p>x</text></TEI>", "S005",
     True),
    ("html.xml", b"<html/>", "S007", True),
    ("latin1.txt", b"ok\nStra\xdfe", "S009", True),
])
def test_cli_add_errors_are_one_line_exit_2(tmp_path, name, content, code, line):
    root = tmp_path / "ws"
    runner.invoke(app, ["init", str(root)])
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(root, "add", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith(str(path)) and err.endswith(f"[{code}]\n") and err.count("\n") == 1
    if line:
        assert LINE.match(err), err
    assert "Traceback" not in err
    assert list((root / "sources").iterdir()) == []


def test_cli_add_directory_and_parse_position(tmp_path):
    root = tmp_path / "ws"
    runner.invoke(app, ["init", str(root)])
    result = run(root, "add", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path}: is a directory, not a file; give the files inside it [S002]\n"
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<text>\n  <p>a</q>\n</text></TEI>")
    result = run(root, "add", str(bad))
    assert result.stderr.startswith(f"{bad}:3:")


def test_cli_batch_reports_every_bad_file_and_adds_good(tmp_path):
    root = tmp_path / "ws"
    runner.invoke(app, ["init", str(root)])
    (tmp_path / "a.xml").write_text("<nope/>")
    (tmp_path / "b.txt").write_bytes(b"")
    result = run(root, "add", str(tmp_path / "a.xml"), str(DATA / "rich.xml"),
                 str(tmp_path / "b.txt"))
    assert result.exit_code == 2
    assert "[S007]" in result.stderr and "[S003]" in result.stderr
    assert [p.name for p in (root / "sources").iterdir()] == ["rich.xml"]


def test_cli_workspace_not_found(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path}: no annotator workspace here or in any parent folder; "
                             "run 'annotator init' or pass --workspace [W001]\n")


def test_cli_every_error_code_is_documented():
    """docs/errors.md lists every code the package can raise, so editors can look them up."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    codes = set()
    for path in (root / "annotator").rglob("*.py"):
        codes |= set(re.findall(r'"([CDEMSW]\d{3})"', path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^\| ([A-Z]\d{3}) \|", (root / "docs" / "errors.md")
                                .read_text(encoding="utf-8"), re.M))
    base = {c for c in codes if c.endswith("000") or c == "W100"}
    assert codes - base - documented == set()


def test_cli_export_tei_to_stdout_is_refused_and_writes_nothing(seed_ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(seed_ws, "export", "tei", "-o", "-")
    assert result.exit_code == 2 and "[E021]" in result.output
    assert not (tmp_path / "-").exists() and not list(seed_ws.exports_dir.iterdir())


def test_cli_history_limit_below_one_is_a_usage_error(seed_ws):
    result = run(seed_ws, "history", "--limit", "-1")
    assert result.exit_code == 2 and "--limit" in result.output


def test_cli_export_summary_as_csv_is_refused_before_writing(seed_ws):
    result = run(seed_ws, "export", "--format", "csv")
    assert result.exit_code == 2 and "[E022]" in result.output
    assert not list(seed_ws.exports_dir.iterdir())


def test_cli_export_summary_as_markdown_keeps_its_tables_apart(seed_ws):
    result = run(seed_ws, "export", "--format", "md")
    assert result.exit_code == 0
    heads = [ln for ln in result.stdout.splitlines() if ln.startswith("### ")]
    assert heads == ["### Entities", "### Claims", "### Files"]
    assert "|\n\n### Claims\n\n| state |" in result.stdout
