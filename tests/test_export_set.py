"""An export is a set of files that hold together: what it writes it says, the pointers it adds
resolve within the set, and each file keeps the name the edition gave it.

Files: Friendly Networks and EHRI letters copied into tests/data (CC BY, see
tests/data/SOURCES.md); Curious Travellers' pointer style (bare ``@ref="pe0238"``) is
reproduced in a small hand-written file, ``bare-refs.xml`` (its text is ours).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from tests.conftest import DATA, run
from tests.export_data import span_of

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
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


def test_add_keeps_the_file_name_and_export_writes_under_it(ws, tmp_path):
    """The source id may be a slug; the stored file and its export keep the editor's name
    (an edition's files link to each other by name). A file of another name with the same id
    is refused on replace, in one line; a store that kept files as ``<id>.xml`` still
    replaces them."""
    from annotator import SourceError, Workspace

    ehri = DATA / "editions" / "ehri" / "EHRI-ET-YV5082493_EN.xml"
    sid = _add(ws, tmp_path, FN)
    eid = _add(ws, tmp_path, ehri)
    assert (sid, eid) == ("a00187143", "ehri-et-yv5082493-en")
    assert [s.file for s in ws.sources()] == ["sources/A00187143.xml",
                                              "sources/EHRI-ET-YV5082493_EN.xml"]
    assert (ws.sources_dir / "A00187143.xml").read_bytes() == FN.read_bytes()
    _new_name(ws, sid, "Isaac Pennington")
    claim = ws.add_claim(sid, span=span_of(ws, sid, "Isaac Pennington"), kind="editorial")
    ws.link_claim(claim.id, passage=(eid, *span_of(ws, eid, "Sonja")), rel="mentions")
    report = ws.export_tei(register="inline")
    assert [f.path for f in report.files] == ["exports/A00187143.xml",
                                              "exports/EHRI-ET-YV5082493_EN.xml"]
    assert sorted(p.name for p in ws.exports_dir.iterdir()) == [
        "A00187143.xml", "EHRI-ET-YV5082493_EN.xml"]
    # the link between the two files goes by the name, and comes back when both are added
    out = etree.parse(str(ws.exports_dir / "A00187143.xml")).getroot()
    target = out.find(f".//{TEI}annotation/{TEI}ref").get("target")
    name, frag = target.split("#")
    assert name == "EHRI-ET-YV5082493_EN.xml"
    assert etree.parse(str(ws.exports_dir / name)).getroot().find(
        f".//*[@{XML_ID}='{frag}']") is not None
    ws2 = Workspace.init(tmp_path / "ws2")
    for f in report.files:
        _add(ws2, tmp_path / "ws2", ws.root / f.path)
    assert [(lk.target_source_id, lk.rel) for c in ws2.claims() for lk in c.links] == [
        (eid, "mentions")]
    ws2.close()
    # another file whose name gives the same id: refused, the stored one untouched
    other = tmp_path / "other" / "a00187143.xml"
    other.parent.mkdir()
    other.write_bytes(FN.read_bytes().replace(b"Isaac Pennington", b"Isaac Penington"))
    try:
        ws.add(other, replace=True)
        raise AssertionError("replaced a file of another name")
    except SourceError as err:
        assert err.code == "S018" and "sources/A00187143.xml" in str(err)
    r = run(ws, "add", "--replace", str(other))
    assert r.exit_code == 2 and "[S018]" in r.output and len(r.output.strip().splitlines()) == 1
    assert (ws.sources_dir / "A00187143.xml").read_bytes() == FN.read_bytes()
    # the same name replaces it where it is
    again = tmp_path / "again" / "A00187143.xml"
    again.parent.mkdir()
    again.write_bytes(other.read_bytes())
    assert ws.add(again, replace=True).action == "replaced"
    assert (ws.sources_dir / "A00187143.xml").read_bytes() == again.read_bytes()
    assert sorted(p.name for p in ws.sources_dir.iterdir()) == [
        "A00187143.xml", "EHRI-ET-YV5082493_EN.xml"]


def test_a_store_with_files_named_by_id_keeps_working(ws, tmp_path):
    """Stores made before files kept their names hold ``sources/<id>.xml``: they are read,
    replaced in place and exported under that name."""
    legacy = ws.sources_dir / "a00187143.xml"  # where an older annotator put A00187143.xml
    shutil.copyfile(FN, legacy)
    assert ws.add(legacy).source.file == "sources/a00187143.xml"
    new = tmp_path / "in" / "A00187143.xml"
    new.parent.mkdir()
    new.write_bytes(FN.read_bytes().replace(b"Isaac Pennington", b"Isaac Penington"))
    result = ws.add(new, replace=True)
    assert result.action == "replaced" and result.source.file == "sources/a00187143.xml"
    assert legacy.read_bytes() == new.read_bytes()
    _new_name(ws, "a00187143", "Isaac Penington")
    assert [f.path for f in ws.export_tei(register="inline").files] == [
        "exports/a00187143.xml"]


BARE = DATA / "bare-refs.xml"


def _own_mentions(ws, sid: str) -> list[tuple[str, str, str]]:
    return sorted((m.type, m.surface, m.status) for m in ws.mentions(sid)
                  if m.provenance == "source")


def test_replace_gives_the_new_files_markup_once(ws, tmp_path):
    """After ``add --replace`` each name and date the new file marks up is there once, where
    it marks it: the old version's own markup is not carried over beside it (a name whose tag
    now spans more, a tag the new version dropped). What an editor made is carried."""
    sid = _add(ws, tmp_path, BARE)
    fairlie = _new_name(ws, sid, "Captain Fairlie")  # the editor's own
    before = _own_mentions(ws, sid)
    new = tmp_path / "v2" / BARE.name
    new.parent.mkdir()
    new.write_bytes(BARE.read_bytes()
                    .replace(b'<placeName ref="pl0501">Cheyne Walk</placeName>, March',
                             b'<placeName ref="pl0501">Cheyne Walk, Chelsea</placeName>, March')
                    .replace(b'<placeName ref="pl0504">Lisbon</placeName>', b"Lisbon"))
    result = ws.add(new, replace=True)
    assert result.action == "replaced" and result.kept == 1 and result.stale == 0
    fresh = Workspace_of(tmp_path / "fresh", new)  # the new file added to a new workspace
    assert _own_mentions(ws, sid) == fresh
    surfaces = [s for _, s, _ in _own_mentions(ws, sid)]
    assert "Cheyne Walk, Chelsea" in surfaces and "Lisbon" not in surfaces
    assert "Cheyne Walk" not in surfaces  # the old span of the dateline's name is gone
    assert len(_own_mentions(ws, sid)) == len(before) - 1  # Lisbon's tag is gone
    assert [m.entity_id for m in ws.mentions(sid) if m.surface == "Captain Fairlie"] == [fairlie]


def Workspace_of(folder: Path, path: Path) -> list[tuple[str, str, str]]:
    from annotator import Workspace

    other = Workspace.init(folder)
    try:
        return _own_mentions(other, other.add(path).source.id)
    finally:
        other.close()
