"""An export is a set of files that hold together: what it writes it says, the pointers it adds
resolve within the set, and each file keeps the name the edition gave it.

Files: Friendly Networks and EHRI letters copied into tests/data (CC BY, see
tests/data/SOURCES.md); Curious Travellers' pointer style (bare ``@ref="pe0238"``) is
reproduced in a small hand-written file, ``bare-refs.xml`` (its text is ours).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import DATA, run
from tests.export_data import span_of

FN = DATA / "editions" / "friendly-networks" / "A00187143.xml"


def _add(ws, tmp_path: Path, src: Path, name: str | None = None) -> str:
    path = tmp_path / "in" / (name or src.name)
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(src, path)
    return ws.add(path).source.id


def _new_name(ws, sid: str, text: str, type_: str = "person") -> str:
    s, e = span_of(ws, sid, text)
    ws.add_mention(sid, s, e, type_)
    return next(m.entity_id for m in ws.mentions(sid) if m.start == s and m.end == e)


def test_export_lists_the_register_file_it_writes(ws, tmp_path):
    """``export`` and ``export tei`` name register.xml among what they wrote, in exports/ and
    in a folder given with -o."""
    sid = _add(ws, tmp_path, FN)
    _new_name(ws, sid, "Isaac Pennington")
    out = tmp_path / "out"
    r = run(ws, "export", "tei", "-o", str(out), "--register", "file")
    assert r.exit_code == 0, r.output
    assert (out / "register.xml").is_file()
    assert f"written: {out / 'register.xml'} (1 entries, register)" in r.output
    r = run(ws, "export", "--register", "file", "--format", "json")
    assert r.exit_code == 0, r.output
    assert (ws.exports_dir / "register.xml").is_file()
    assert '"path": "exports/register.xml"' in r.output
    r = run(ws, "export", "--register", "file")  # the same again: listed as unchanged
    assert "exports/register.xml" in r.output
