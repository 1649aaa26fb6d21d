"""Fuzzing the entry points that read files: whatever bytes come in, the answer is exit 0, or
one line ``place: what; what to do [CODE]`` with exit 2 and nothing kept (issue 16).

Each file kind starts from a real file of that kind and gets a few random edits: bytes
replaced, inserted or deleted, and tokens known to break readers (a NUL, an internal DTD
subset, deep braces, a byte-order mark...). The budget is fixed and the examples are derived
from the test (``derandomize``), so CI runs the same cases in a few tens of seconds.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, REFERENCES, ROOT, SAMPLE_TEI, run

BUDGET = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow,
                                         HealthCheck.function_scoped_fixture])
TOKENS = [b"\x00", b"\x07", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"<!DOCTYPE TEI [<!ENTITY a 'b'>]>",
          b"&a;", b"&#0;", b"]]>", b"<![CDATA[", b"<", b">", b"</p>", b"<p>", b'"', b"'",
          b"{" * 200, b"}" * 3, b"[" * 3000, b"\\href{", b"@book{", b"=", b",", b"\n",
          b"\r", b"\t", "é".encode(), "𝔄".encode(), "\u202e".encode(), b"99999999999999999999",
          b"xml:id=\"x\"", b"<persName>", b"[[", b"]]", b"= [", b"\"\"\"", b"#"]

EDIT = st.tuples(st.floats(0, 1), st.integers(0, 12),
                 st.one_of(st.sampled_from(TOKENS), st.binary(max_size=6)))


def mutate(seed: bytes, edits: list[tuple[float, int, bytes]]) -> bytes:
    """``seed`` with each edit: at a relative place, drop some bytes and put others there."""
    data = seed
    for where, drop, put in edits:
        at = int(where * len(data))
        data = data[:at] + put + data[at + drop:]
    return data


def _state(ws_root: Path) -> tuple[object, ...]:
    import sqlite3

    conn = sqlite3.connect(f"file:{ws_root / 'annotator.sqlite'}?mode=ro", uri=True)
    try:
        counts = tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in ("sources", "decisions", "bib", "entities", "mentions"))
    finally:
        conn.close()
    files = sorted(p.name for p in (ws_root / "sources").iterdir())
    return counts, files


def _check(tmp_path_factory, name: str, data: bytes, command: list[str], *,
           prepare: str = "") -> Path | None:
    """Run ``command`` on ``data``; the workspace's folder when it was accepted."""
    from annotator import Workspace

    root = tmp_path_factory.mktemp("fuzz")
    with Workspace.init(root / "ws") as ws:
        if prepare == "seed":
            ws.add(SAMPLE_TEI)
    path = root / name
    path.write_bytes(data)
    before = _state(root / "ws")
    result = run(root / "ws", *command, str(path))
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        # one line; 'bib add' lists each problem of the file before it
        assert (len(lines) == 1 or command[0] == "bib") and lines[-1].rstrip().endswith("]"), \
            result.stderr
        assert _state(root / "ws") == before  # nothing half-kept on refusal
        return None
    return root / "ws"


@BUDGET
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_fuzz_add_tei(tmp_path_factory, edits):
    _check(tmp_path_factory, "letter.xml", mutate((DATA / "rich.xml").read_bytes(), edits),
           ["add"])


def _encoded(codec: str) -> bytes:
    text = (DATA / "rich.xml").read_text(encoding="utf-8")
    name = {"utf-16": "UTF-16", "utf-16-be": "UTF-16", "latin-1": "ISO-8859-1"}[codec]
    text = text.replace('encoding="UTF-8"', f'encoding="{name}"', 1) + "<!-- Łódź, café -->\n"
    bom = b"\xfe\xff" if codec == "utf-16-be" else b""
    return bom + text.encode(codec, "xmlcharrefreplace")


@BUDGET
@given(edits=st.lists(EDIT, min_size=0, max_size=3),
       codec=st.sampled_from(["utf-16", "utf-16-be", "latin-1"]))
def test_fuzz_add_tei_in_other_encodings(tmp_path_factory, edits, codec):
    """A TEI file in UTF-16 (either byte order) or ISO-8859-1 with random edits: refused in one
    line, or kept byte for byte, and exported with nothing decided as the same bytes."""
    data = mutate(_encoded(codec), edits)
    root = _check(tmp_path_factory, "letter.xml", data, ["add"])
    if root is not None:
        assert (root / "sources" / "letter.xml").read_bytes() == data
        assert run(root, "export", "tei").exit_code == 0
        assert (root / "exports" / "letter.xml").read_bytes() == data


@BUDGET
@given(edits=st.lists(EDIT, min_size=1, max_size=4), suffix=st.sampled_from([".txt", ".md"]))
def test_fuzz_add_text(tmp_path_factory, edits, suffix):
    seed = (DATA / "seed" / "german-soviet-axis-talks.txt").read_bytes()[:1500]
    if suffix == ".md":
        seed = b"# Axis talks\n\n## Background\n\n" + seed
    _check(tmp_path_factory, f"note{suffix}", mutate(seed, edits), ["add"])


@BUDGET
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_fuzz_bib_add(tmp_path_factory, edits):
    _check(tmp_path_factory, "works.bib", mutate(REFERENCES.read_bytes(), edits),
           ["bib", "add"])


@BUDGET
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_fuzz_apply_decisions(tmp_path_factory, edits):
    seed = (ROOT / "decisions.toml").read_bytes().replace(b'register = "register.xml"', b"")
    _check(tmp_path_factory, "decisions.toml", mutate(seed, edits), ["apply"], prepare="seed")


@BUDGET
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_fuzz_register_import(tmp_path_factory, edits):
    _check(tmp_path_factory, "register.xml", mutate((ROOT / "register.xml").read_bytes(), edits),
           ["register", "import"], prepare="seed")
