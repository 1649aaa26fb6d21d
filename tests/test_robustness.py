"""No input gets a traceback and nothing is left half-written (issue 16, part 3).

Each test names the item of the issue it keeps fixed. A refusal is one line on stderr,
``place: what; what to do [CODE]``, exit status 2, with the store and ``sources/`` as before.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotator.errors import DecisionError
from annotator.text import esc
from tests.conftest import DATA, REFERENCES, run

HUGE = "99999999999999999999"  # beyond SQLite's INTEGER range
SMALL_TEI = ('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
             "<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p"
             "</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>"
             "<text><body><p>{body}</p></body></text></TEI>\n")


def one_line_refusal(result, code: str, *, report: bool = False) -> None:
    """Exit status 2 and exactly one line on stderr, ending in the code (``report``: ``bib
    add`` lists each problem of the file before that line)."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert (report or len(lines) == 1) and lines[-1].endswith(f"[{code}]"), result.stderr


# -- 5. integers beyond SQLite's range -----------------------------------------------------------
@pytest.mark.parametrize(("args", "code"), [
    (["undo", HUGE], "D015"),
    (["confirm", f"mention:{HUGE}"], "D002"),
    (["reject", f"mention:{HUGE}"], "D002"),
    (["adjust", f"mention:{HUGE}", "0", "3"], "D002"),
    (["claim", "confirm", HUGE], "D306"),
    (["claim", "unlink", HUGE], "D311"),
])
def test_robust_ids_beyond_sqlite_are_not_found(seed_ws, args, code):
    one_line_refusal(run(seed_ws, *args), code)


def test_robust_library_ids_beyond_sqlite_are_not_found(seed_ws):
    for call in (lambda: seed_ws.mention(HUGE), lambda: seed_ws.claim(HUGE),
                 lambda: seed_ws.undo(int(HUGE)), lambda: seed_ws.confirm(f"claim:{HUGE}")):
        with pytest.raises(DecisionError):
            call()


# -- 2, 3, 9. control characters, LaTeX pylatexenc cannot read, braces nested too deep --------
@pytest.mark.parametrize(("name", "content", "code", "where"), [
    ("nul.bib", b"@book{a, title={A\x00B}, year=2000}\n", "S311", "nul.bib:1:18:"),
    ("bell.bib", b"@book{a,\n title={A\x07B}, year=2000}\n", "S311", "bell.bib:2:10:"),
])
def test_robust_bib_add_refuses_control_characters(ws, tmp_path, name, content, code, where):
    bib = tmp_path / name
    bib.write_bytes(content)
    result = run(ws, "bib", "add", str(bib))
    one_line_refusal(result, code, report=True)
    assert result.stderr.startswith(f"{bib.parent}/{where}")
    assert ws.bib() == []


@pytest.mark.parametrize("title", ["{" * 5000 + "x" + "}" * 5000, "\\href{http://x.org}",
                                   "The \\href{https://example.org/x}{Axis talks}"])
def test_robust_bib_add_hard_latex_is_read_or_refused_and_exports(ws, tmp_path, title):
    bib = tmp_path / "hard.bib"
    bib.write_text(f"@book{{a, title={{{title}}}, author={{Nekrich, A.}}, year=2000}}\n",
                   encoding="utf-8")
    result = run(ws, "bib", "add", str(bib))
    assert result.exit_code in (0, 2) and result.exception is None or \
        isinstance(result.exception, SystemExit), (result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        for args in (["export", "bibtex", "--all"], ["export", "bibtex", "--all", "--ascii"],
                     ["export", "csl", "--all"]):
            done = run(ws, *args)
            assert done.exit_code == 0, (args, done.output, done.exception)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_robust_text_with_a_control_character_is_refused_at_its_place(ws, tmp_path, suffix):
    src = tmp_path / f"note{suffix}"
    src.write_bytes(b"A title\n\nHello\x00 world\n")
    result = run(ws, "add", str(src))
    one_line_refusal(result, "S017")
    assert result.stderr.startswith(f"{src}:3:6: control character U+0000")
    assert ws.sources() == [] and list(ws.sources_dir.iterdir()) == []


@pytest.mark.parametrize("act", ["note", "prefer"])
def test_robust_typed_text_with_a_control_character_is_refused(seed_ws, act):
    seed_ws.propose()
    eid = seed_ws.entities()[0].id
    before = seed_ws.history()
    result = run(seed_ws, act, eid, "bell \x07 here")
    one_line_refusal(result, "D018")
    assert seed_ws.history() == before
    seed_ws.export_tei()  # and the export stays well-formed


def test_robust_claim_locus_with_a_control_character_is_refused(seed_ws):
    from annotator.errors import DecisionError

    seed_ws.bib_add(REFERENCES)
    claim = seed_ws.add_claim("german-soviet-axis-talks", span=(0, 20))
    with pytest.raises(DecisionError) as err:
        seed_ws.link_claim(claim.id, "nekrich1997", locus="p. 1\x07")
    assert err.value.code == "D018"


# -- 4. TOML nested 5,000 deep ------------------------------------------------------------------
def test_robust_toml_nested_too_deep_is_one_line(ws, tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    one_line_refusal(run(ws, "apply", str(deep)), "S205")
    (ws.root / "annotator.toml").write_text("[annotator]\nx = " + "{a = " * 3000 + "1"
                                            + "}" * 3000 + "\n", encoding="utf-8")
    one_line_refusal(run(ws, "sources"), "C001")


# -- 13. UTF-16 with a byte-order mark; a text node over 10 MB -----------------------------------
def test_robust_utf16_tei_is_named_as_such(ws, tmp_path):
    src = tmp_path / "letter.xml"
    text = (DATA / "rich.xml").read_text(encoding="utf-8").replace('encoding="UTF-8"',
                                                                    'encoding="UTF-16"')
    src.write_bytes(text.encode("utf-16"))  # with its byte-order mark
    result = run(ws, "add", str(src))
    one_line_refusal(result, "S011")
    assert "is UTF-16" in result.stderr and "iconv -f UTF-16 -t UTF-8" in result.stderr


def test_robust_text_node_over_10_mb_is_read(ws, tmp_path):
    src = tmp_path / "long.xml"
    body = "Molotov went to Berlin. " * 500_000  # 12 MB in one <p>
    src.write_text(SMALL_TEI.format(body=body), encoding="utf-8")
    ws.add(src)
    assert ws.reading_text("long").count("Berlin") == 500_000


# -- 11. apply: a merge into itself, unknown claim kinds, sources and works are errors ----------
@pytest.mark.parametrize(("toml", "code"), [
    ('merge = [ { entity = "place-berlin", into = "place-berlin" } ]', "S207"),
    ('merge = [ { name = "Berlin", type = "place", into = "place-berlin" } ]', "S207"),
    ('confirm_claims = [ { kind = "no-such-kind" } ]', "S206"),
    ('add = [ { source = "no-such-source", text = "Berlin", type = "place" } ]', "S207"),
    ('accept_links = [ { key = "no-such-work" } ]', "S207"),
])
def test_robust_apply_refuses_what_cannot_apply(seed_ws, tmp_path, toml, code):
    seed_ws.propose()
    assert "place-berlin" in {e.id for e in seed_ws.entities()}
    before = seed_ws.history()
    f = tmp_path / "decisions.toml"
    f.write_text(toml + "\n", encoding="utf-8")
    one_line_refusal(run(seed_ws, "apply", str(f)), code)
    assert seed_ws.history() == before


# -- 10. propose after a source was edited in place says what export says ----------------------
@pytest.mark.parametrize("args", [["propose"], ["claims", "propose"], ["export", "tei"]])
def test_robust_edited_source_is_refused_by_propose_as_by_export(seed_ws, args):
    seed_ws.propose()
    path = seed_ws.root / seed_ws.source("german-soviet-axis-talks").file
    path.write_bytes(path.read_bytes().replace(b"Molotov", b"Molotow", 1))
    before = seed_ws.history()
    result = run(seed_ws, *args)
    one_line_refusal(result, "S016")
    assert seed_ws.history() == before


# -- 6. a store from a newer annotator, or no annotator store at all: refused untouched ---------
def _foreign_store(folder, *, version: int, table: bool) -> bytes:
    import sqlite3

    folder.mkdir()
    conn = sqlite3.connect(folder / "annotator.sqlite")
    if table:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return (folder / "annotator.sqlite").read_bytes()


@pytest.mark.parametrize(("version", "table", "code"), [(99, False, "W004"), (-1, False, "W002"),
                                                         (0, True, "W002"), (99, True, "W004")])
def test_robust_foreign_store_is_refused_before_it_is_touched(tmp_path, version, table, code):
    import subprocess
    import sys

    folder = tmp_path / "ws"
    before = _foreign_store(folder, version=version, table=table)
    for args in (["sources"], ["propose"], ["export"], ["init", str(folder)],
                 ["serve", "--port", "0"]):
        result = run(folder, *args)
        one_line_refusal(result, code)
    # serve as editors start it: refused at once, not a server answering 500
    done = subprocess.run([sys.executable, "-m", "annotator", "-w", str(folder), "serve",
                           "--port", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip().endswith(f"[{code}]"), done.stderr
    assert (folder / "annotator.sqlite").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["annotator.sqlite"]  # no -wal, -shm


# -- 7. several 'annotator init' at once on a new folder ----------------------------------------
def test_robust_concurrent_init_all_succeed(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "new"
    procs = [subprocess.Popen([sys.executable, "-m", "annotator", "init", str(folder)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    from annotator import Workspace

    with Workspace.open(folder) as w:
        assert w.sources() == []


# -- 8. killed runs leave nothing behind that a later run does not clear ------------------------
def _dead_pid() -> int:
    import os

    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_robust_tmp_files_of_a_killed_run_are_removed(seed_ws):
    import subprocess
    import sys

    pid = _dead_pid()
    seed_ws.exports_dir.mkdir(exist_ok=True)
    stale = [seed_ws.exports_dir / f".german-soviet-axis-talks.xml.{pid}.tmp",
             seed_ws.sources_dir / f".letter.xml.{pid}.tmp"]
    for f in stale:
        f.write_bytes(b"<half")
    mine = seed_ws.exports_dir / ".notes.txt.1.tmp"  # pid 1 is alive: not ours to remove
    mine.write_bytes(b"x")
    one = SMALL_TEI.format(body="A letter.")
    (seed_ws.root / "letter.xml").write_text(one, encoding="utf-8")
    for args in (["add", str(seed_ws.root / "letter.xml")], ["export", "tei"]):  # later runs
        subprocess.run([sys.executable, "-m", "annotator", "-w", str(seed_ws.root), *args],
                       check=True, capture_output=True, timeout=300)
    assert [f.name for f in stale if f.exists()] == [] and mine.exists()


def test_robust_killed_add_leaves_no_file_without_its_row(tmp_path):
    import random
    import signal
    import subprocess
    import sys
    import time

    from annotator import Workspace

    Workspace.init(tmp_path / "ws").close()
    big = SMALL_TEI.format(body="Molotov met Ribbentrop in Berlin. " * 60_000)
    rnd = random.Random(16)
    for i in range(6):
        src = tmp_path / f"letter{i}.xml"
        src.write_text(big.replace("Molotov", f"Molotov{i}", 1), encoding="utf-8")
        p = subprocess.Popen([sys.executable, "-m", "annotator", "-w", str(tmp_path / "ws"),
                              "add", str(src)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.5, 3.0))
        p.send_signal(signal.SIGKILL)
        p.wait()
    with Workspace.open(tmp_path / "ws") as ws:
        rows = {s.file for s in ws.sources()}
        for s in ws.sources():
            ws.parsed(s.id)  # a row whose file a kill left unwritten gets it back
        files = {f"sources/{f.name}" for f in ws.sources_dir.iterdir()
                 if not f.name.endswith(".tmp")}
        assert files <= rows, files - rows  # no file no row knows
        assert rows <= {f"sources/{f.name}" for f in ws.sources_dir.iterdir()}


# -- 1. every export survives any Unicode title --------------------------------------------------
_TITLES = ["德苏轴心国谈判", "שיחות הציר", "Ἡ περὶ τοῦ ἄξονος συζήτησις", "Axis talks 🤝🌍",
           "Пакт 1939 — «переговоры»"]
_TITLE_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"),
                             blacklist_characters="{}\\%#@\"&<>~^$_,=\ufffe\uffff")


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@example(title=_TITLES[0])
@example(title=_TITLES[1])
@example(title=_TITLES[2])
@example(title=_TITLES[3])
@given(title=st.text(_TITLE_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_robust_every_export_survives_any_unicode_title(tmp_path_factory, title):
    from annotator import Workspace

    root = tmp_path_factory.mktemp("uni")
    with Workspace.init(root / "ws") as ws:
        src = root / "letter.xml"
        src.write_text(SMALL_TEI.format(body=f"Molotov went to Berlin. {esc(title)}").replace(
            "<title>t</title>", f"<title>{esc(title)}</title>").replace(
            "<p>s</p>", f"<bibl><title>{esc(title)}</title><author>{esc(title)}</author>"
                        '<date when="2001">2001</date></bibl>'), encoding="utf-8")
        ws.add(src)
        bib = root / "works.bib"
        bib.write_text(f"@book{{work1, title={{{title}}}, author={{{title}}}, year=2001, "
                       "publisher={P}}\n", encoding="utf-8")
        ws.bib_add(bib)
        ws.export_all()
        biblatex = ws.export_bibtex(all=True)
        classic = ws.export_bibtex(all=True, ascii=True)
        csl = ws.export_csl(all=True)
        ws.export_register()
        assert biblatex.items == 2 and csl.items == 2
        written = (ws.root / classic.path).read_bytes()
        assert written.isascii()
        assert classic.items + sum("left out" in n for n in classic.notes) == 2
        assert " ".join(title.split()) in (ws.root / csl.path).read_text(encoding="utf-8") \
            or title.strip() in (ws.root / csl.path).read_text(encoding="utf-8")


def test_robust_concurrent_init_in_threads_all_succeed(tmp_path):
    import threading

    from annotator import Workspace

    folder = tmp_path / "new"
    gate = threading.Barrier(8)
    errors: list[BaseException] = []

    def init() -> None:
        gate.wait()
        try:
            Workspace.init(folder).close()
        except BaseException as exc:  # noqa: BLE001  collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=init) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
