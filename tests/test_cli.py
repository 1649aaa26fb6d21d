"""The command line: thin, helpful, one-line errors with exit status 2, no spaCy for --help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

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


START_UP = ("import sys, runpy; unused = set(sys.argv[1].split(','))\n"
            "sys.argv = ['annotator', *sys.argv[2:]]\n"
            "try:\n runpy.run_module('annotator', run_name='__main__')\n"
            "except SystemExit as exit:\n assert not exit.code, exit.code\n"
            "print(*sorted(({m.split('.')[0] for m in sys.modules} | set(sys.modules)) & unused))")


@pytest.mark.parametrize("args,unused", [
    # nor the records' dataclasses: the options name the data model's words (``vocab``)
    (["--help"], "spacy,thinc,pydantic,rich,lxml,annotator.records,anyascii"),
    # nor the review's acts and their date reading, which a listing does not use
    (["entities", "-f", "json"], "spacy,thinc,pydantic,rich,anyascii,annotator.acts.review,"
                                 "annotator.chronology,annotator.acts.similar"),
    (["history", "--limit", "3", "--format", "csv"], "spacy,thinc,pydantic,rich"),
    (["entities", "--type", "person"], "spacy,thinc,pydantic"),  # a short table draws with rich
    # nor numpy.ma, which numpy 2's unique imports (15 ms, a first export's sixth)
    (["export", "tei", "--include-proposals"], "spacy,thinc,pydantic,numpy.ma"),
])
def test_cli_start_up_imports_only_what_the_command_uses(seed_ws, args, unused):
    """No spaCy without a model, no pydantic to read options (typer would: ``_params``), no
    rich unless a command draws with it."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    seed_ws.close()
    if args[0] != "--help":
        args = ["-w", str(seed_ws.root), *args]
    out = subprocess.run([sys.executable, "-c", START_UP, unused, *args], capture_output=True,
                         text=True, check=True)
    assert out.stdout.splitlines()[-1] == "", f"imported: {out.stdout.splitlines()[-1]}"
    assert len(out.stdout.splitlines()) > 2  # the command printed its help or rows


def test_cli_plain_params_coerce_as_typer_does(tmp_path):
    """Every command reads plain options without pydantic, each value exactly as typer's own
    coercion reads it, or typer's own answers (with its message)."""
    import typer
    from typer._coercion import build_runtime_param

    from annotator.cli._app import Command, Group
    from annotator.cli._params import Plain, plain_params

    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    values = ["", "x", " x ", "12", "007", "-3", "+5", " 5", "1_000", "٣", "9" * 19, "0", "1",
              "table", "JSON", "json", "person", "proposed", "Person", "-", "a/", "~",
              str(tmp_path), str(tmp_path / "file.txt"), str(tmp_path / "missing"), "a\x00b",
              ["x", "12"], ("person", "date"), ("person", "nope"), [str(tmp_path)], True, 7,
              typer.main.get_command]
    plain = 0
    for path, cmd in _tree():
        assert isinstance(cmd, (Command, Group)), f"{' '.join(path)}: not a plain-params class"
        ctx = click.Context(cmd, help_option_names=["-h", "--help"])
        plain_params(cmd.get_params(ctx))
        for param in cmd.get_params(ctx):
            ours = getattr(param, "_runtime_param", None)
            if not isinstance(ours, Plain):
                continue
            plain += 1
            own = build_runtime_param(param.type_descriptor)
            for value in [*values, param.default]:
                got = [], []
                for coercer, out in ((ours, got[0]), (own, got[1])):
                    try:
                        out.append(coercer.coerce(value, param=param, ctx=ctx))
                    except Exception as err:  # noqa: BLE001
                        out.append((type(err), str(err)))
                assert got[0] == got[1] and [type(v) for v in got[0]] == \
                    [type(v) for v in got[1]], (path, param.name, value)
    assert plain > 100


def test_cli_version_and_short_help():
    from annotator.version import __version__

    done = runner.invoke(app, ["--version"])
    assert (done.exit_code, done.stdout) == (0, f"annotator {__version__}\n")
    assert runner.invoke(app, ["-h"]).stdout == runner.invoke(app, ["--help"]).stdout
    assert runner.invoke(app, ["export", "-h"]).stdout.startswith("Usage: annotator export")


def _complete(words: str, **env: str) -> list[str]:
    """What the shell script ``annotator --install-completion`` installs gets for ``words``."""
    done = runner.invoke(app, [], prog_name="annotator", env={
        "_ANNOTATOR_COMPLETE": "complete_bash", "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)), **env})
    assert done.exit_code == 0, done.output
    return done.output.split()


def test_cli_completes_commands_options_filters_and_source_ids(seed_ws, tmp_path):
    help_text = run(seed_ws, "--help").output
    assert "--install-completion" in help_text and "--show-completion" in help_text
    assert _complete("annotator ent") == ["entities"]
    assert "--type" in _complete("annotator entities --")
    assert _complete("annotator entities --type p") == ["person", "place"]
    assert _complete("annotator mentions -t person,p") == ["person,place"]  # after a comma
    assert _complete("annotator mentions -t person,") == [
        "person,place", "person,org", "person,date"]  # a name given once
    root, sid = str(seed_ws.root), seed_ws.sources()[0].id
    assert _complete(f"annotator -w {root} mentions {sid[:3]}") == [sid]  # the workspace's ids
    assert _complete(f"annotator -w {root} export tei ") == [sid]
    assert _complete("annotator entities --source ", ANNOTATOR_WORKSPACE=root) == [sid]
    assert _complete(f"annotator -w {tmp_path} mentions ") == []  # no workspace: nothing


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
    assert csv_out.splitlines()[0] == \
        "id,title,date,words,origin,file,sha256,added_at,warnings,date_reason"


def test_cli_edited_sources_reads_a_file_again_only_when_written_since(tmp_path):
    """The review desk asks at each request which files were edited by hand (S016): a file
    found as added is read again only once its stat changes, and an edit is still found, even
    one that keeps its size and puts its modification time back (its change time moves)."""
    import os
    import time

    from annotator import Workspace

    ws = Workspace.init(tmp_path / "ws")
    ws.add(DATA / "rich.xml")
    path = ws.root / "sources" / "rich.xml"
    old = time.time_ns() - 10_000_000_000
    os.utime(path, ns=(old, old))  # past the racy seconds: the clean result is remembered
    time.sleep(0.01)
    assert ws.edited_sources() == {} and ws._seen_as_added
    data = path.read_bytes()
    path.write_bytes(data.replace(b"</TEI>", b"<!-- mended --></TEI>"))
    assert list(ws.edited_sources()) == ["rich"]
    path.write_bytes(data)  # as added again
    assert ws.edited_sources() == {}
    path.write_bytes(data.replace(b"<TEI", b"<TEi", 1).replace(b"</TEI>", b"</TEi>"))
    os.utime(path, ns=(old, old))  # same size, same mtime as remembered
    assert list(ws.edited_sources()) == ["rich"]
    ws.close()


def test_cli_sources_marks_a_file_edited_by_hand(tmp_path):
    """A file in sources/ edited by hand was listed by 'sources' and 'source ID' with its old
    hash and no warning (only check, propose and export said S016); now both mark it S016 and
    say what to do: take the edit, or restore the file, the commands for it named (was: 'restore
    the file as it was added', no way given)."""
    root = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    assert run(root, "add", str(DATA / "rich.xml")).exit_code == 0
    assert "S016" not in run(root, "sources").output
    path = root / "sources" / "rich.xml"
    path.write_bytes(path.read_bytes().replace(b"</TEI>", b"<!-- mended --></TEI>"))
    table = run(root, "sources")
    assert table.exit_code == 0
    [row] = [line for line in table.stdout.splitlines() if "rich" in line]
    assert "S016" in row
    sha = json.loads(run(root, "sources", "-f", "json").stdout)[0]["sha256"][:8]
    assert table.stderr == (f"{path}: warning: file changed since it was added; run "
                            f"'annotator add --replace {path}' to take the edit, or restore "
                            "the file as it was added: 'annotator source versions rich --write "
                            f"{sha} -o -' prints it, to compare; remove {path} first, then the "
                            f"same with '-o {path}' writes it back; until then 'export', "
                            "'propose', 'claims propose', 'claim add', 'mention add' and 'reject' "
                            "refuse it, and 'claims', 'claim show', 'check', 'mentions', 'dates' "
                            "and 'text' read it as the store keeps it [S016]\n")  # as reached here
    [listed] = json.loads(run(root, "sources", "--format", "json").stdout)
    assert [w["code"] for w in listed["warnings"]] == ["S016"]
    rows = run(root, "sources", "--format", "csv").stdout.splitlines()
    assert rows[1].split(",")[-2] == "S016"
    shown = run(root, "source", "rich")
    assert f"  {path}: warning: file changed since it was added" in shown.stdout
    # the hint's way back: the kept version printed, then written back once the file is gone
    kept = run(root, "source", "versions", "rich", "--write", sha, "-o", "-")
    assert kept.exit_code == 0 and kept.stdout_bytes == (DATA / "rich.xml").read_bytes()
    path.unlink()
    assert run(root, "source", "versions", "rich", "--write", sha, "-o", str(path)).exit_code == 0
    assert "S016" not in run(root, "sources").output


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


def test_cli_init_where_no_folder_can_be_made_is_one_line(tmp_path):
    """A workspace path under a file cannot be made: one line with its code, no traceback."""
    (tmp_path / "notes.txt").write_text("x")
    where = tmp_path / "notes.txt" / "ws"
    result = runner.invoke(app, ["init", str(where)])
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert result.stderr.startswith(f"{where}: cannot make the workspace folder (")
    assert result.stderr.endswith("[W006]\n") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("value", "said"), [
    ("soon", "'soon' is not a date (YYYY, YYYY-MM or YYYY-MM-DD); give the date as 1865-04-12 "
             "[D013]"),
    ("2010-13-45", "2010-13-45 is no day of the calendar (there is no month 13); give a day of "
                   "the calendar, as 1865-04-12 [D029]"),
    ("2010-02-30", "2010-02-30 is no day of the calendar (February 2010 has 28 days); give a day "
                   "of the calendar, as 1865-04-12 [D029]")])
def test_cli_source_date_that_is_no_date_is_one_coded_line(seed_ws, value, said):
    """The right form naming no day is said as such: not 'is not a date (YYYY-MM-DD)'."""
    result = run(seed_ws, "source", "date", "german-soviet-axis-talks", value)
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert result.stderr.endswith(said + "\n") and result.stderr.count("\n") == 1


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


def test_cli_add_reports_the_file_given_and_a_text_with_its_tei_once(ws, monkeypatch):
    """``add sources/*`` names the .txt given (not the TEI written from it); given again with
    that TEI beside it, the source is one: 'unchanged' once, and a --replace of the edited
    text is not undone by the old TEI given with it."""
    monkeypatch.chdir(ws.root)
    (ws.root / "sources" / "notes.txt").write_text("Notes\n\nMolotov came.\n", encoding="utf-8")

    def add(*flags):
        result = run(ws, "add", *flags, *sorted(p.relative_to(ws.root).as_posix()
                                                for p in (ws.root / "sources").iterdir()))
        return result.exit_code, result.stderr.splitlines()

    assert add() == (0, ["added: notes <- sources/notes.txt"])
    assert add() == (0, ["unchanged: notes <- sources/notes.txt"])
    (ws.root / "sources" / "notes.txt").write_text("Notes\n\nMolotov went.\n", encoding="utf-8")
    assert add("--replace") == (0, ["replaced: notes <- sources/notes.txt (0 kept, 0 stale)"])
    assert "Molotov went." in ws.reading_text("notes")
    assert add() == (0, ["unchanged: notes <- sources/notes.txt"])


def test_cli_propose_one_source_says_one_line(seed_ws):
    """One source: its line is the summary (was its line, then '82 proposals from ...')."""
    result = run(seed_ws, "propose")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"german-soviet-axis-talks: \d+ proposals \(\d+ words\) from "
                        r"model:\S+\n", result.stderr), result.stderr


def test_cli_workspace_not_found(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path}: no annotator workspace here or in any parent folder; "
                             "run 'annotator init' or pass --workspace [W001]\n")
    gone = tmp_path / "nowhere"  # a mistyped -w is said to be missing, not to hold no workspace
    result = runner.invoke(app, ["-w", str(gone), "sources"])
    assert (result.exit_code, result.stderr) == (2, (
        f"{gone}: no such folder; give the workspace's folder with --workspace, or run "
        "'annotator init' there first [W001]\n"))


def test_cli_current_folder_removed_is_said_in_one_line(tmp_path, monkeypatch):
    """A command run from a folder removed since (the shell still in it) names the folder
    (was: a FileNotFoundError traceback from Path.cwd())."""
    monkeypatch.delenv("ANNOTATOR_WORKSPACE", raising=False)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("PWD", str(here))
    here.rmdir()
    result = runner.invoke(app, ["sources"])
    assert (result.exit_code, result.stderr) == (2, (
        f"{here}: no such folder; give the workspace's folder with --workspace, or run "
        "'annotator init' there first [W001]\n"))


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


@pytest.mark.parametrize("args", [["--include-proposals", "tei"],
                                  ["--register", "file", "tei"], ["-f", "json", "claims"]])
def test_cli_export_options_before_a_format_are_refused_not_ignored(seed_ws, args):
    """'export --include-proposals tei' wrote TEI without the proposals, exit 0: the option
    belongs to the whole export and the format's own was left at its default."""
    result = run(seed_ws, "export", *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
    assert f"put it after '{args[-1]}'" in result.stderr and "[C020]" in result.stderr
    assert not list(seed_ws.exports_dir.iterdir())


def test_cli_history_limit_below_one_is_a_usage_error(seed_ws):
    result = run(seed_ws, "history", "--limit", "-1")
    assert result.exit_code == 2 and "--limit" in result.output


def test_cli_export_summary_as_csv_is_refused_before_writing(seed_ws):
    result = run(seed_ws, "export", "--format", "csv")
    assert result.exit_code == 2 and "'csv' is not one of 'table', 'json', 'md'" in result.output
    assert not list(seed_ws.exports_dir.iterdir())


def test_cli_export_summary_as_markdown_keeps_its_tables_apart(seed_ws):
    result = run(seed_ws, "export", "--format", "md")
    assert result.exit_code == 0
    heads = [ln for ln in result.stdout.splitlines() if ln.startswith("### ")]
    assert heads == ["### Entities", "### Claims", "### Files"]
    assert "|\n\n### Claims\n\n| state |" in result.stdout


def test_cli_export_summary_says_no_claims_instead_of_an_empty_table(seed_ws):
    """A workspace with no claim: "Claims: none" on stderr (was: the Claims table's headers,
    no row); the tables that have rows are drawn as before."""
    result = run(seed_ws, "export")
    assert result.exit_code == 0, result.output
    assert "Claims: none" in result.stderr
    assert "Claims" not in [line.strip() for line in result.stdout.splitlines()]
    assert "Files" in [line.strip() for line in result.stdout.splitlines()]


def test_cli_claim_confirm_says_a_claim_was_already_confirmed(seed_ws):
    """A claim confirmed before (marked by hand, its link accepted, or confirmed): "already
    confirmed claim 1" (was: "confirmed claim 1", as if it had been a proposal)."""
    cid = str(seed_ws.add_claim(seed_ws.sources()[0].id, span=(0, 20)).id)  # confirmed
    again = run(seed_ws, "claim", "confirm", cid)
    assert again.exit_code == 0 and again.stderr.startswith(f"already confirmed claim {cid} (")
    seed_ws.reject_claims([cid])
    first = run(seed_ws, "claim", "confirm", cid)
    assert first.exit_code == 0 and first.stderr.startswith(f"confirmed claim {cid} (")


# -- a CLI that reads like the work (issue 17) --------------------------------------------------

def _tree():
    """Every command of the real tree: (path, click command)."""
    import typer

    root = typer.main.get_command(app)
    out = []

    def walk(c, prefix):
        out.append((prefix, c))
        for name in (c.list_commands(click.Context(c)) if hasattr(c, "list_commands") else []):
            walk(c.get_command(click.Context(c), name), [*prefix, name])

    walk(root, [])
    return out


def test_cli_top_level_help_follows_the_work_with_whole_summaries():
    help_text = runner.invoke(app, ["--help"], terminal_width=100).output
    listed = re.findall(r"^  ([a-z]+)  ", help_text.split("Commands:")[1], re.M)
    first = {name: listed.index(name) for name in listed}
    assert first["init"] < first["add"] < first["propose"] < first["review"] < first["claims"] \
        < first["export"] < first["validate"]
    assert "..." not in help_text.split("Commands:")[1]


def test_cli_a_short_option_means_one_thing_everywhere():
    meaning: dict[str, set[str]] = {}
    for _, cmd in _tree():
        for p in cmd.params:
            longs = [o for o in p.opts if o.startswith("--")]
            for short in (o for o in p.opts if re.fullmatch(r"-[a-zA-Z]", o)):
                meaning.setdefault(short, set()).update(longs)
    assert {s: m for s, m in meaning.items() if len(m) > 1} == {}


def test_cli_every_hint_names_a_real_command_and_its_options():
    """'annotator history --token' in a help or a message must be a command and option that
    exist: the words name a command path, the --options belong to it."""
    from pathlib import Path

    import annotator

    commands = {tuple(path): cmd for path, cmd in _tree()}
    hint = re.compile(r"['`]annotator((?: [a-z][a-z-]*)+)((?: (?:--[a-z-]+|[A-Z<][^ '`]*))*)")
    seen = 0
    bad = []
    for f in Path(annotator.__file__).parent.rglob("*.py"):
        text = re.sub(r'"\s*\n\s*"', "", f.read_text(encoding="utf-8"))  # join split strings
        for m in hint.finditer(text):
            words = m.group(1).split()
            path: tuple[str, ...] = ()
            for w in words:
                if (*path, w) in commands:
                    path = (*path, w)
                else:
                    break
            options = re.findall(r"--[a-z-]+", m.group(2))
            known = {o for p in commands[path].params for o in p.opts}
            seen += 1
            if not path or not set(options) <= known:
                bad.append(f"{f.name}: {m.group(0)}")
    assert seen > 5 and bad == []


def test_cli_mentions_lists_ids_places_and_date_values(seed_ws):
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    at = text.index("14 November 1940")
    seed_ws.add_mention(sid, at, at + len("14 November 1940"), "date", date_value="1940-11-14")
    result = run(seed_ws, "mentions", sid, "--type", "date", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["text"] for r in rows] == ["14 November 1940"]
    row = rows[0]
    assert row["value"] == "when=1940-11-14" and row["place"].startswith("line ")
    assert seed_ws.mention(row["id"]).surface == "14 November 1940"
    table = run(seed_ws, "mentions", "--type", "date", "--status", "confirmed")
    assert str(row["id"]) in table.stdout and "1940-11-14" in table.stdout
    assert run(seed_ws, "mentions", "--type", "person").stdout.count("14 November") == 0


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_cli_a_table_never_squeezes_a_column_out_of_sight(seed_ws, width):
    """An id the next command needs and the mention's text are shown at every width: a
    terminal too narrow for the table gets plain columns whose lines run on."""
    sid = seed_ws.sources()[0].id
    for surface in ("Berlin", "Molotov"):
        at = seed_ws.reading_text(sid).index(surface)
        seed_ws.add_mention(sid, at, at + len(surface), "place")
    rows = json.loads(run(seed_ws, "mentions", "-f", "json").stdout)
    assert 2 <= len(rows) < 200
    shown = runner.invoke(app, ["-w", str(seed_ws.root), "mentions"],
                          env={"COLUMNS": str(width)}).stdout
    for r in rows:
        line = next(ln for ln in shown.splitlines() if f" {r['id']} " in f" {ln} ")
        assert r["text"] in line and r["type"] in line, (width, line)


def test_cli_entities_shows_authority_ids(seed_ws):
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    seed_ws.link("person-vyacheslav-molotov", "wikidata", "Q80021")
    table = run(seed_ws, "entities", "--type", "person").stdout
    assert "wikidata:Q80021" in table


def test_cli_entities_similar_lists_likely_duplicates(seed_ws):
    """``entities --similar``: one row a pair, the one to keep second, the reason in words;
    the listings' filters apply (``--type``, ``--status``, ``--source``)."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    propose_by_names(seed_ws, candidates={"ribbentrop": ("person", ["Ribbentrop"])})
    rows = json.loads(run(seed_ws, "entities", "--similar", "-f", "json").stdout)
    assert rows == [{"entity": "ribbentrop", "name": "Ribbentrop", "status": "proposed",
                     "into": "person-joachim-von-ribbentrop",
                     "into_name": "Joachim von Ribbentrop", "into_status": "proposed",
                     "type": "person", "score": 0.9,
                     "reason": "both written \u201cRibbentrop\u201d"}]
    assert json.loads(run(seed_ws, "entities", "--similar", "-t", "place,org", "-f",
                          "json").stdout) == []
    assert json.loads(run(seed_ws, "entities", "--similar", "-s", "confirmed", "-f",
                          "json").stdout) == []
    assert len(json.loads(run(seed_ws, "entities", "--similar", "--source",
                              "german-soviet-axis-talks", "-f", "json").stdout)) == 1
    csv_head = run(seed_ws, "entities", "--similar", "-f", "csv").stdout.splitlines()[0]
    assert csv_head == "entity,name,status,into,into_name,into_status,type,score,reason"
    bad = run(seed_ws, "entities", "--similar", "-t", "planet")
    assert bad.exit_code == 2 and "[C020]" in bad.output


def test_cli_export_tei_table_and_json_share_column_names(seed_ws):
    table = run(seed_ws, "export", "tei", "-f", "csv").stdout
    data = json.loads(run(seed_ws, "export", "tei", "-f", "json").stdout)
    header = table.splitlines()[0].split(",")
    assert set(header) <= set(data[0]) and "mentions" in header and "entities" in header


def test_cli_history_token_is_the_state_token_expected_takes(seed_ws):
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    token = run(seed_ws, "history", "--target", "place-axis", "--token").stdout.strip()
    assert run(seed_ws, "reject", "place-axis", "--expected", token).exit_code == 0
    stale = run(seed_ws, "confirm", "place-axis", "--expected", token)
    assert stale.exit_code == 2


def test_cli_long_listing_is_plain_aligned_columns_with_every_row(capsys):
    from annotator.cli._output import PLAIN_ROWS, render

    rows = [{"id": f"person-{i}", "type": "person", "context": "x" * (i % 7) + " long text " * 5}
            for i in range(PLAIN_ROWS + 1)]
    rows[3]["id"] = "p" * 60  # short columns are cut, free text is not
    render(rows, "table", columns=["id", "type", "context"], title="entities")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "entities" and lines[1].split() == ["id", "type", "context"]
    assert len(lines) == 3 + len(rows)
    col = lines[1].index("type")
    assert all(line[col:col + 6] == "person" for line in lines[3:])
    assert lines[6].startswith("p" * 39 + "…") and lines[6].endswith(rows[3]["context"].rstrip())


@pytest.mark.parametrize("args,expected", [
    (["entities", "--type", "person,animal"],
     "annotator entities: invalid value for '--type' / '-t': 'animal' is not one of 'person', "
     "'place', 'org'; see 'annotator entities -h' [C020]\n"),
    (["nosuch"], "annotator: no such command 'nosuch'; see 'annotator -h' [C020]\n"),
    (["export", "tei", "--register", "bogus"],
     "annotator export tei: invalid value for '--register': 'bogus' is not one of 'inline', "
     "'file', 'none'; see 'annotator export tei -h' [C020]\n"),
    # an unknown option names the options the command takes, or a close one: click's low
    # cutoff offered '--force' for '--frobnicate' and '--expected' for '--reject'
    (["export", "tei", "--bogus"],
     "annotator export tei: no such option: --bogus (it takes --format, --include-proposals, "
     "--output, --register); see 'annotator export tei -h' [C020]\n"),
    (["propose", "--frobnicate"],
     "annotator propose: no such option: --frobnicate (it takes --batch-size, --force, "
     "--model, --n-process); see 'annotator propose -h' [C020]\n"),
    (["date", "set", "152", "--reject"],
     "annotator date set: no such option: --reject (it takes --cert, --expected, --from, "
     "--gregorian, --julian, --not-after, --not-before, --to, --when); see 'annotator date "
     "set -h' "
     "[C020]\n"),
    (["propose", "--forse"], "annotator propose: no such option: --forse (did you mean "
                             "--force?); see 'annotator propose -h' [C020]\n"),
    (["bib", "add", "--rep", "x.bib"], "annotator bib add: no such option: --rep (did you mean "
                                       "--replace?); see 'annotator bib add -h' [C020]\n"),
    (["entities", "--format"],  # click raises this one without its command: ours names it
     "annotator entities: option '--format' requires an argument; "
     "see 'annotator entities -h' [C020]\n"),
    (["confirm"], "annotator confirm: missing argument 'targets'; see 'annotator confirm -h' "
                  "[C020]\n"),
    # an argument needed unless an option stands in for it: said as click says the others
    (["eval"], "annotator eval: missing argument 'gold' (or --folds K to cross-validate on the "
               "workspace's own confirmed mentions); see 'annotator eval -h' [C020]\n"),
])
def test_cli_usage_errors_are_one_line_with_status_2(args, expected):
    script = Path(sys.executable).parent / "annotator"  # the command as installed
    done = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert (done.returncode, done.stderr, done.stdout) == (2, expected, "")


def test_cli_a_refused_argument_names_its_command_as_the_place(seed_ws):
    """An error about a command's own argument, which has no file or line of its own, names
    the command first, as a usage error does ('place first')."""
    script = Path(sys.executable).parent / "annotator"  # the command as installed
    sid = seed_ws.sources()[0].id
    seed_ws.close()
    done = subprocess.run([str(script), "-w", str(seed_ws.root), "source", "date", sid,
                           "notadate"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == ("annotator source date: 'notadate' is not a date (YYYY, YYYY-MM or "
                           "YYYY-MM-DD); give the date as 1865-04-12 [D013]\n")


@pytest.mark.parametrize(("args", "said"), [
    (["link", "person-nobody", "wikidata", "64"], "annotator link: '64' is not a wikidata id; "),
    # quoted as typed, not as checked ('Q64X')
    (["link", "person-nobody", "wikidata", "Q64x"],
     "annotator link: 'Q64x' is not a wikidata id; "),
    (["link", "person-nobody", "WikiDota", ""], "annotator link: unknown authority 'WikiDota'; "),
    (["relabel", "person-nobody", "thing"], "annotator relabel: 'thing' is not a type; "),
    (["mention", "add", "{sid}", "0", "5", "thing"],
     "annotator mention add: 'thing' is not a type; "),
    (["adjust", "abc", "0", "5"], "annotator adjust: 'abc' is not a mention; "),
    (["date", "set", "1", "--when", "notadate"],
     "annotator date set: 'notadate' is not a TEI date "),
    (["merge", "person-nobody", "entity:person-nobody"],
     "annotator merge: cannot merge person-nobody into itself; "),
    # refused by the store's state: the store is the place
    (["link", "person-nobody", "wikidata", "Q64"], "annotator.sqlite: no entity 'person-nobody'; "),
    (["date", "set", "99999", "--when", "1940-11-12"], "annotator.sqlite: no mention 99999; "),
    (["source", "date", "nosuch", "1865-04-12"], "annotator.sqlite: no source 'nosuch'"),
])
def test_cli_an_act_names_the_store_only_for_what_the_store_refused(seed_ws, args, said,
                                                                    monkeypatch):
    """A malformed argument is refused before any store is read: the command is its place, as
    for a usage error (it said 'annotator.sqlite: ...' as if the store had refused it); what
    the store's state refuses (no such entity or mention) names the store, as reached from
    the workspace the command runs in."""
    monkeypatch.chdir(seed_ws.root)
    sid = seed_ws.sources()[0].id
    done = run(seed_ws, *[a.format(sid=sid) for a in args])
    assert done.exit_code == 2 and done.stderr.startswith(said), done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("]\n"), done.stderr


def test_cli_a_refusal_names_which_store_refused(tmp_path, monkeypatch):
    """With several editions open (``-w /tmp/ws1``, ``-w /tmp/ws2``) a store's refusal names
    the store as reached: both said 'annotator.sqlite:'; run inside one, it is that name."""
    from annotator import Workspace

    roots = [Workspace.init(tmp_path / name).root for name in ("ws1", "ws2")]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for root in roots:
        done = run(root, "confirm", "no-such-entity")
        assert done.exit_code == 2, done.stderr
        assert done.stderr.startswith(f"{root / 'annotator.sqlite'}: no entity "
                                      "'no-such-entity'; "), done.stderr
    monkeypatch.chdir(roots[1])
    done = run(roots[1], "confirm", "no-such-entity")
    assert done.stderr.startswith("annotator.sqlite: no entity 'no-such-entity'; "), done.stderr


def test_cli_an_argument_that_is_not_utf8_is_one_line(seed_ws):
    """A byte the terminal could not decode (a Latin-1 name typed in a UTF-8 shell) is refused
    in one line naming it, not with a traceback from the store."""
    for args in ([b"entities", b"--source", b"\xff"], [b"mentions", b"caf\xe9"]):
        got = subprocess.run([sys.executable.encode(), b"-m", b"annotator", b"-w",
                              str(seed_ws.root).encode(), *args], capture_output=True)
        err = got.stderr.decode("utf-8", "replace")
        assert got.returncode == 2 and "Traceback" not in err, err
        assert err.count("\n") == 1 and "is not UTF-8" in err and "\\x" in err, err
        assert err.endswith(" [C021]\n"), err


def test_cli_unknown_source_names_the_closest_not_every_source(ws, tmp_path):
    """In an edition of many sources an unknown id is answered with the closest ids and the
    count, not a wall of every id."""
    for k in range(12):
        (tmp_path / f"letter-{k:02d}.txt").write_text(f"Letter {k}.\n", encoding="utf-8")
        ws.add(tmp_path / f"letter-{k:02d}.txt")
    got = run(ws, "mentions", "letter-1")
    assert got.exit_code == 2
    listed = re.findall(r"letter-\d\d", got.output)
    assert "letter-10" in listed and "letter-11" in listed and len(listed) <= 8, got.output
    assert "12 sources in all" in got.output


# -- the listings' filters: one option kind everywhere (annotator/cli/_filters.py) -------------
@pytest.fixture
def listed_ws(seed_ws):
    """The seed with candidates of every type, two confirmed and one rejected, and hand-made
    claims of four kinds, one of them rejected."""
    from tests.review_seed import SOURCE, propose_by_names

    propose_by_names(seed_ws)
    seed_ws.confirm("person-stalin", "place-berlin")
    seed_ws.reject("place-axis")
    for i, (kind, agent) in enumerate([("editorial", ""), ("attributed", "Molotov"),
                                       ("quoted", ""), ("unattributed", "")]):
        claim = seed_ws.add_claim(SOURCE, span=(100 * i, 100 * i + 20), kind=kind, agent=agent)
    seed_ws.reject_claim(claim.id)
    return seed_ws


FILTERS = [  # (command, option, two values that select different rows)
    (["mentions"], "--type", ("person", "org")),
    (["mentions"], "--status", ("confirmed", "rejected")),
    (["entities"], "--type", ("place", "org")),
    (["entities"], "--status", ("confirmed", "proposed")),
    (["register"], "--type", ("person", "place")),
    (["claims"], "--kind", ("editorial", "attributed")),
    (["claims"], "--state", ("confirmed", "rejected")),
    (["claims"], "--status", ("unsupported", "attributed")),
]


@pytest.mark.parametrize("command,option,values", FILTERS, ids=lambda v: str(v))
def test_cli_filters_comma_is_repeat(listed_ws, command, option, values):
    """``--opt a,b`` lists what ``--opt a --opt b`` lists: the rows of a and of b, no more."""
    def ids(*args):
        result = run(listed_ws, *command, *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return sorted(str(r["id"]) for r in json.loads(result.stdout))

    a, b = values
    one, other = ids(option, a), ids(option, b)
    assert one and other and not set(one) & set(other)
    both = ids(option, f"{a},{b}")
    assert both == ids(option, a, option, b) == ids(option, f" {b} , {a},") \
        == sorted(one + other)


def test_cli_filters_dates_and_check_take_several(listed_ws):
    from tests.review_seed import SOURCE

    result = run(listed_ws, "dates", "list", SOURCE, "--status", "proposed,stale", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []  # the seed has no dates
    # confirmed: one claim unsupported (nobody named), one attributed (to Molotov)
    assert [run(listed_ws, "check", *allow).exit_code for allow in (
        [], ["--allow", "attributed"], ["--allow", "unsupported"])] == [1, 1, 1]
    assert run(listed_ws, "check", "--allow", "unsupported,attributed").exit_code == 0
    assert run(listed_ws, "check", "--allow", "unsupported", "--allow", "attributed"
               ).exit_code == 0


def _filter_options():
    """Every option made by ``filter_option``, with its command: (path, option)."""
    return [(path, p) for path, cmd in _tree() for p in getattr(cmd, "params", [])
            if getattr(p.callback, "__name__", "") == "check" and p.metavar
            and p.metavar.endswith(">[,...]")]


def test_cli_filters_unknown_value_is_one_line_naming_the_choices(listed_ws):
    options = _filter_options()
    assert {(" ".join(path), p.opts[0]) for path, p in options} >= {
        ("mentions", "--type"), ("mentions", "--status"), ("entities", "--type"),
        ("entities", "--status"), ("claims", "--status"), ("claims", "--state"),
        ("claims", "--kind"), ("dates list", "--status"), ("register", "--type"),
        ("review", "--type"), ("check", "--allow"), ("eval", "--type")}
    for path, param in options:
        args = [*path, *(["SOURCE"] if path == ["dates", "list"] else [])]
        choices = param.metavar[1:-len(">[,...]")].split("|")
        result = run(listed_ws, *args, param.opts[0], f"{choices[0]},nosuch")
        assert result.exit_code == 2, (path, result.output)
        assert result.stderr == (
            f"annotator {' '.join(path)}: invalid value for "
            f"{' / '.join(repr(o) for o in param.opts)}: 'nosuch' is not one of "
            f"{', '.join(map(repr, choices))}; see 'annotator {' '.join(path)} -h' [C020]\n")


def test_cli_help_never_shows_a_python_type_for_a_list():
    for path, _ in _tree():
        help_text = runner.invoke(app, [*path, "--help"]).stdout
        assert "list[" not in help_text and "<str>[" not in help_text, path


def test_cli_a_closed_set_option_is_a_filter_option():
    """A repeatable option of plain strings is a filter over a closed set (its choices in
    the help), except the ones whose names are only known with heavy imports and the
    sources, which only the workspace knows (checked by the library, S015)."""
    lists = {(" ".join(path), p.opts[0]) for path, cmd in _tree()
             for p in getattr(cmd, "params", []) if getattr(p, "multiple", False)}
    filters = {(" ".join(path), p.opts[0]) for path, p in _filter_options()}
    assert lists - filters == {("eval", "--methods"), ("claims", "--source"),
                               ("entities", "--source"), ("mentions", "--source")}


FORMAT_NAMES = {"table", "json", "csv", "md", "html"}


def test_cli_format_help_names_what_format_takes():
    """'annotator export -f' said 'table, json, csv' but took md and refused csv; 'export
    claims' had no -f; the listings said 'Output format.'. Every --format now takes what its
    help names: the help's format words are the option's choices, and -f is its short form."""
    wrong = {}
    for path, cmd in _tree():
        for p in cmd.params:
            if "--format" not in p.opts:
                continue
            kind = p.type_descriptor.annotation  # typer's own click: the enum is here
            choices = {m.value for m in kind}
            named = set(re.findall(r"\b(" + "|".join(FORMAT_NAMES) + r")\b", p.help or ""))
            if named != choices or "-f" not in p.opts:
                wrong[" ".join(path)] = (sorted(named), sorted(choices), p.opts)
    assert wrong == {}


@pytest.mark.parametrize("fmt", ["table", "json", "md"])
def test_cli_export_summary_takes_each_format_it_names(seed_ws, fmt):
    result = run(seed_ws, "export", "-f", fmt)
    assert result.exit_code == 0, result.output
    assert "Files" in result.stdout or '"files"' in result.stdout


def test_cli_export_claims_takes_f_as_every_export(seed_ws):
    result = run(seed_ws, "export", "claims", "-f", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("| claim | source |")


@pytest.mark.parametrize(("args", "line"), [
    (["claims", "-s", "supported", "--kind", "quoted"],
     "no claims match --status supported --kind quoted"),
    (["entities", "-t", "org", "-s", "rejected"], "no entities match --status rejected --type org"),
    (["mentions", "-t", "date", "-s", "stale"], "no mentions match --type date --status stale"),
    (["dates", "list", "german-soviet-axis-talks", "-s", "stale"],
     "no dates of german-soviet-axis-talks match --status stale"),
])
def test_cli_a_listing_with_nothing_matched_says_so(seed_ws, args, line):
    """A filtered listing with no rows printed a table of bare headers; it says on one line
    that nothing matched which filters now, and JSON is still an empty list."""
    result = run(seed_ws, *args)
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == line + "\n"
    as_json = run(seed_ws, *args, "-f", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == []


def test_cli_merge_says_the_markup_points_to_both(ws):
    """`annotator merge` of two persons EHRI's letter marks with two @refs merges them and
    says, after the decision line, that the files keep both pointers; `entities --similar`
    never suggested it."""
    ws.add(DATA / "editions" / "ehri" / "EHRI-ET-YV5082493_EN.xml")
    r = run(ws, "entities", "--similar", "-f", "json")
    assert r.exit_code == 0 and "holz" not in r.output
    r = run(ws, "merge", "ehri_et_holz_chona", "ehri_et_fischer_holz_chana")
    assert r.exit_code == 0
    lines = r.output.strip().splitlines()
    assert lines[0].endswith("merge entity:ehri_et_holz_chona entity:ehri_et_fischer_holz_chana")
    assert lines[1].startswith("note: the sources' own markup points to both "
                               "(ehri_et_holz_chona; ehri_et_fischer_holz_chana); exported "
                               "files keep those pointers")


def test_cli_merge_across_types_is_refused_and_changes_nothing(seed_ws):
    """`annotator merge person-stalin place-berlin` made Stalin's mentions places, exit 0; it is
    refused in one line naming both entities and their types and what to do (relabel one
    first), exit 2, the mentions keep their type and the log gets no decision."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    before = seed_ws.store.last_decision()
    typed = {m.id: (m.type, m.entity_id) for m in seed_ws.mentions()}
    r = run(seed_ws, "merge", "person-stalin", "place-berlin")
    assert r.exit_code == 2, r.output
    said = r.stderr
    assert said.count("\n") == 1 and "Traceback" not in r.output, said
    assert said.rstrip().endswith("[D032]"), said
    assert "person-stalin is a person and place-berlin is a place" in said, said
    assert "'annotator relabel person-stalin place'" in said, said
    assert {m.id: (m.type, m.entity_id) for m in seed_ws.mentions()} == typed
    assert seed_ws.entity("person-stalin").type == "person"
    assert seed_ws.store.last_decision() == before


def test_cli_listings_take_several_sources_and_refuse_an_option_given_twice(named_ws):
    """``--source a --source b`` and ``--source a,b`` list both (before: only b, the last,
    without a word); an unknown one is S015; an option of one value given twice is refused
    in one line (click kept the last)."""
    named_ws.add_claim("a", quote="Mr. Lloyd wrote to John Lloyd")
    named_ws.add_claim("b", quote="Beddgelert, Beddgelert")
    for given in (["--source", "a", "--source", "b"], ["--source", "a,b"]):
        claims = json.loads(run(named_ws, "claims", *given, "-f", "json").stdout)
        assert sorted(c["source"] for c in claims) == ["a", "b"]
        ents = json.loads(run(named_ws, "entities", *given, "-f", "json").stdout)
        assert {e["id"] for e in ents} == {"lloyd", "jl", "tp", "bk", "bd"}
        mentions = json.loads(run(named_ws, "mentions", *given, "-f", "json").stdout)
        assert {m["source"] for m in mentions} == {"a", "b"}
    only_b = json.loads(run(named_ws, "entities", "--source", "b", "-f", "json").stdout)
    assert [e["id"] for e in only_b] == ["bd"]
    assert [c.source_id for c in named_ws.claims(source_id=("b",))] == ["b"]
    bad = run(named_ws, "claims", "--source", "a,nowhere")
    assert bad.exit_code == 2 and "no source 'nowhere'" in bad.stderr and "[S015]" in bad.stderr
    twice = run(named_ws, "export", "csl", "-o", "x.json", "--output", "y.json")
    assert twice.exit_code == 2 and twice.stderr.count("\n") == 1, twice.output
    assert "--output given twice" in twice.stderr and twice.stderr.rstrip().endswith("[C020]")
    assert not (named_ws.root / "x.json").exists() and not (named_ws.root / "y.json").exists()
    # a value that looks like an option is a value, and flags may repeat
    quoted = run(named_ws, "claim", "add", "a", "--quote", "--quote")
    assert "given twice" not in quoted.output


def test_cli_export_to_a_folder_writes_the_default_name_in_it(seed_ws, tmp_path):
    """``-o print/`` (made if missing) and ``-o`` an existing folder write the export under
    its default name there (before: a file named 'print')."""
    made = tmp_path / "print"
    result = run(seed_ws, "export", "bibtex", "-o", f"{made}/")
    assert result.exit_code == 0, result.output
    assert (made / "bibliography.bib").read_text(encoding="utf-8").startswith("%")
    for fmt, name in (("csl", "bibliography.json"), ("claims", "claims.csv")):
        assert run(seed_ws, "export", fmt, "-o", str(made)).exit_code == 0
        assert (made / name).is_file()
    assert run(seed_ws, "export", "csl", "-o", str(made / "mine.json")).exit_code == 0
    assert (made / "mine.json").is_file()
