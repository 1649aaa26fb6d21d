"""An export is a set of files that hold together: what it writes it says, the pointers it adds
resolve within the set, and each file keeps the name the edition gave it.

Files: Friendly Networks and EHRI letters copied into tests/data (CC BY, see
tests/data/SOURCES.md); Curious Travellers' pointer style (bare ``@ref="pe0238"``) is
reproduced in a small hand-written file, ``bare-refs.xml`` (its text is ours).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from lxml import etree

from tests.conftest import DATA, reopened_at, run
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
    assert f"written: {out / 'register.xml'} (1 entry, register)" in r.output
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


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_add_replace_refuses_another_file_whose_id_names_the_stored_file(ws, tmp_path):
    """``sources/letter-1.xml`` added from ``letter-1.xml``: ``add --replace "Letter 1.txt"``
    (its id is ``letter-1`` too) is another file, refused (S018) like any file of another
    name, and so is ``letter-1.txt``, whose TEI would be kept as ``letter-1.xml``; before, a
    stored file named ``<id>.xml`` was taken for an older store's and replaced. The file it
    was added from, changed, still replaces it."""
    from annotator import SourceError

    letter = _write(tmp_path / "in" / "letter-1.xml", BARE.read_bytes())
    sid = ws.add(letter).source.id
    assert (sid, ws.source(sid).file) == ("letter-1", "sources/letter-1.xml")
    before = ws.source(sid).sha256
    for name in ("Letter 1.txt", "letter-1.txt"):
        other = _write(tmp_path / "other" / name, b"Another letter, from Ann.\n")
        try:
            ws.add(other, replace=True)
            raise AssertionError(f"{name} replaced sources/letter-1.xml")
        except SourceError as err:
            assert err.code == "S018" and "sources/letter-1.xml" in str(err)
        r = run(ws, "add", "--replace", str(other))
        assert r.exit_code == 2 and "[S018]" in r.output, r.output
        assert len(r.output.strip().splitlines()) == 1
    assert ws.source(sid).sha256 == before
    assert (ws.sources_dir / "letter-1.xml").read_bytes() == BARE.read_bytes()
    assert sorted(p.name for p in ws.sources_dir.iterdir()) == ["letter-1.xml"]
    changed = _write(tmp_path / "v2" / "letter-1.xml",
                     BARE.read_bytes().replace(b"Captain Fairlie", b"Captain Fairly"))
    assert ws.add(changed, replace=True).action == "replaced"
    assert (ws.sources_dir / "letter-1.xml").read_bytes() == changed.read_bytes()


def test_add_another_file_of_the_same_id_is_s018_at_once_never_renamed_to_another_kind(
        ws, tmp_path):
    """``EHRI-ET-YV9392546_EN.md`` beside the source added from its ``.xml``: refused with
    S018 with or without --replace (S013's --replace only led into it), and the hint never
    says to name Markdown as the TEI file, which would read it as TEI."""
    from annotator import SourceError

    tei = _write(tmp_path / "in" / "EHRI-ET-YV5082493_EN.xml", EHRI.read_bytes())
    sid = ws.add(tei).source.id
    before = ws.source(sid).sha256
    notes = _write(tmp_path / "in" / "EHRI-ET-YV5082493_EN.md", b"Notes on Vienna.\n")
    for replace in (False, True):
        try:
            ws.add(notes, replace=replace)
            raise AssertionError("the notes were taken for the TEI source")
        except SourceError as err:
            assert err.code == "S018", str(err)
            assert "name it" not in err.hint and "a name of its own" in err.hint
        r = run(ws, "add", *(["--replace"] if replace else []), str(notes))
        assert r.exit_code == 2 and "[S018]" in r.output and "_EN.xml to replace" not in \
            r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert ws.source(sid).sha256 == before
    same_kind = _write(tmp_path / "other" / "ehri-et-yv5082493-en.xml", EHRI.read_bytes() + b" ")
    try:
        ws.add(same_kind)
        raise AssertionError("another TEI file of the same id was taken")
    except SourceError as err:  # a TEI file may be named as the source's file to replace it
        assert err.code == "S018" and "name it EHRI-ET-YV5082493_EN.xml" in err.hint


def _as_older_store(ws, *sql: str):
    """The workspace reopened as a store made before version 9 (no file names recorded),
    after ``sql`` (statements of the older store's making): the migration brings it back.
    SQLite 3.40 cannot drop the table's last column ('incomplete input'): it is renamed."""
    return reopened_at(ws, 8, *sql, "ALTER TABLE sources RENAME COLUMN name TO name_v9")


def test_a_store_with_files_named_by_id_keeps_working(ws, tmp_path):
    """Stores made before files kept their names hold ``sources/<id>.xml`` and do not know
    which file a source came from: they are read, replaced in place and exported under that
    name. A text file's TEI names it (``Encoded from ... Letter 1.txt``): that file replaces
    it, another whose id is the same is refused. A TEI file kept as ``<id>.xml`` may come
    from a file of that name: one of another name is refused, saying why, not guessed."""
    from annotator import SourceError

    legacy = ws.sources_dir / "a00187143.xml"  # where an older annotator put A00187143.xml
    shutil.copyfile(FN, legacy)
    assert ws.add(legacy).source.file == "sources/a00187143.xml"
    text = _write(tmp_path / "in" / "Letter 1.txt", b"Letter one\n\nDear Ann, all is well.\n")
    assert ws.add(text).source.file == "sources/Letter 1.xml"
    (ws.sources_dir / "Letter 1.xml").rename(ws.sources_dir / "letter-1.xml")
    ws = _as_older_store(ws, "UPDATE sources SET file = 'sources/letter-1.xml' "
                             "WHERE id = 'letter-1'")
    try:
        new = _write(tmp_path / "in" / "A00187143.xml",
                     FN.read_bytes().replace(b"Isaac Pennington", b"Isaac Penington"))
        try:
            ws.add(new, replace=True)
            raise AssertionError("replaced a file it cannot tell is the source's")
        except SourceError as err:
            assert err.code == "S018" and "added before annotator recorded" in str(err)
        assert legacy.read_bytes() == FN.read_bytes()
        renamed = _write(tmp_path / "renamed" / "a00187143.xml", new.read_bytes())
        result = ws.add(renamed, replace=True)  # as the refusal says
        assert result.action == "replaced" and result.source.file == "sources/a00187143.xml"
        assert legacy.read_bytes() == new.read_bytes()
        _new_name(ws, "a00187143", "Isaac Penington")
        assert [f.path for f in ws.export_tei(["a00187143"], register="inline").files] == [
            "exports/a00187143.xml"]
        text.write_bytes(b"Letter one\n\nDear Ann, all is well here.\n")
        result = ws.add(text, replace=True)
        assert result.action == "replaced" and result.source.file == "sources/letter-1.xml"
        assert b"all is well here" in (ws.sources_dir / "letter-1.xml").read_bytes()
        other = _write(tmp_path / "other" / "letter-1.txt", b"Another letter\n")
        try:
            ws.add(other, replace=True)
            raise AssertionError("letter-1.txt replaced the source made of Letter 1.txt")
        except SourceError as err:
            assert err.code == "S018" and "(added from Letter 1.txt)" in str(err)
    finally:
        ws.close()


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


EHRI = DATA / "editions" / "ehri" / "EHRI-ET-YV5082493_EN.xml"
POINTING = ("ref", "corresp", "key")


def _pointers(root) -> Counter:
    return Counter((el.tag, a, el.get(a)) for el in root.iter() if isinstance(el.tag, str)
                   for a in POINTING if el.get(a) is not None)


def unresolved(folder: Path, sources: dict[str, bytes]) -> list[str]:
    """Every @ref/@corresp/@key an export added (by file name: the source's bytes) that does
    not resolve within the export set: ``#id`` to an element of that file, ``f.xml#id`` to
    one of that file of the set, a bare id or key to an entry of that id in the file or in
    register.xml, or to the very pointer the file's own markup has (its own target). An
    authority URI is its own target."""
    reg = folder / "register.xml"
    reg_ids = {el.get(XML_ID) for el in etree.parse(str(reg)).iter()} if reg.exists() else set()
    bad = []
    for name, src in sources.items():
        root = etree.parse(str(folder / name)).getroot()
        ids = {el.get(XML_ID) for el in root.iter()}
        own = {v for _, _, v in _pointers(etree.fromstring(src))}
        added = _pointers(root) - _pointers(etree.fromstring(src))
        for (tag, attr, value) in added:
            for v in value.split():
                file, _, frag = v.rpartition("#")
                if v.startswith(("http://", "https://")):
                    ok = True
                elif "#" in v:
                    other = folder / file if file else None
                    ok = frag in (ids if not file else reg_ids if file == "register.xml" else
                                  {el.get(XML_ID) for el in etree.parse(str(other)).iter()}
                                  if other.is_file() else set())
                else:
                    ok = v in ids or v in reg_ids or v in own
                if not ok:
                    bad.append(f"{name}: <{etree.QName(tag).localname} {attr}={v!r}>")
    return bad


def test_export_pointers_resolve_and_follow_the_editions_style(ws, tmp_path, tei_schema):
    """Every pointer an export adds resolves within the export set, and new markup points the
    way the edition does: an entity the file points to keeps the file's own pointer
    (``key="w6n9820p"``, ``ref="pl0501"``), a new one gets the edition's form (``@key`` in
    Friendly Networks, a bare ``@ref`` in a Curious Travellers-style file) with an entry
    written for it in register.xml; a claim's agent note points to the file's own target or
    to an entry that is written (before: ``corresp="register.xml#w63g5f9w"``, no such entry)."""
    fn = _add(ws, tmp_path, FN)
    bare = _add(ws, tmp_path, BARE)
    ehri = _add(ws, tmp_path, EHRI)
    wager = _new_name(ws, fn, "Wager")
    thee = span_of(ws, fn, "thee")
    ws.add_mention(fn, *thee, "person", entity_id="w6n9820p")  # John Hunt, keyed in the file
    claim = ws.add_claim(fn, quote="religion only softened the morals of people",
                         kind="attributed", agent="w63g5f9w")  # Joseph Faulk, keyed
    fairlie = _new_name(ws, bare, "Captain Fairlie")
    falmouth = _new_name(ws, bare, "Falmouth", "place")
    walk = span_of(ws, bare, "Cheyne Walk", 1)  # the one the file does not mark
    ws.add_mention(bare, *walk, "place", entity_id="pl0501")
    ws.add_claim(bare, quote="Cheyne Walk is colder than Lisbon", kind="attributed",
                 agent="pe0103")  # Mrs Grey, whom the file points to
    cohen = _new_name(ws, ehri, "Mr. Cohen")
    report = ws.export_tei()  # the default: as each source does
    assert claim.id and report.register is not None
    sources = {Path(s.file).name: (ws.root / s.file).read_bytes() for s in ws.sources()}
    assert unresolved(ws.exports_dir, sources) == []
    out = {n: etree.parse(str(ws.exports_dir / n)).getroot() for n in sources}
    fn_out, bare_out = out["A00187143.xml"], out["bare-refs.xml"]
    named = {("".join(el.itertext()), a, el.get(a)) for root in out.values()
             for el in root.iter(f"{TEI}persName", f"{TEI}placeName") for a in POINTING
             if el.get(a) is not None}
    assert ("Wager", "key", wager) in named  # FN: @key, not @ref="register.xml#..."
    assert ("thee", "key", "w6n9820p") in named  # the file's own key for John Hunt
    assert ("Captain Fairlie", "ref", fairlie) in named  # bare, as the file's @ref
    assert ("Falmouth", "ref", falmouth) in named
    assert ("Cheyne Walk", "ref", "pl0501") in named  # the file's own pointer
    # EHRI points to authority records: a name without one points to its entry, written in
    # the file's standOff (it had no pointer at all: the editor's decision was not exported)
    assert ("Mr. Cohen", "ref", f"#{cohen}") in named
    assert [el.get(XML_ID) for el in out[EHRI.name].iter(f"{TEI}person")
            if el.getparent().getparent().tag == f"{TEI}standOff"] == [cohen]
    agents = {el.text: el.get("corresp") for root in (fn_out, bare_out)
              for el in root.iter(f"{TEI}note") if el.get("type") == "agent"}
    assert agents == {"Joseph Faulk": "register.xml#w63g5f9w", "Mrs Grey": "pe0103"}
    reg = etree.parse(str(ws.exports_dir / "register.xml")).getroot()
    entries = sorted(el.get(XML_ID) for el in reg.iter(f"{TEI}person", f"{TEI}place"))
    # and John Hunt, decided (a name added), whom the file keys into a register elsewhere
    assert entries == sorted([wager, fairlie, falmouth, "w63g5f9w", "w6n9820p"])
    for name, src in sources.items():
        data = (ws.exports_dir / name).read_bytes()
        assert only_insertions(src, data), name
        assert tei_schema.validate(etree.fromstring(data)) == tei_schema.validate(
            etree.fromstring(src)), (name, tei_schema.error_log.last_error)
    # every file into register.xml (EHRI too: its new name points into it)
    forced = tmp_path / "file"
    ws.export_tei(register="file", out_dir=forced)
    assert unresolved(forced, sources) == []
    root = etree.parse(str(forced / EHRI.name)).getroot()
    assert root.find(f".//{TEI}text//{TEI}persName[@ref='register.xml#{cohen}']") is not None
    # none, asked for: no entry is written, a name without an authority id has no pointer
    nothing = tmp_path / "none"
    ws.export_tei(register="none", out_dir=nothing)
    root = etree.parse(str(nothing / EHRI.name)).getroot()
    cohen_el = next(el for el in root.iter(f"{TEI}persName")
                    if "".join(el.itertext()) == "Mr. Cohen")
    assert cohen_el.attrib == {} and root.find(f"{TEI}standOff") is None
    # inline: the entries go into each file, the forms stay the edition's
    inline = tmp_path / "inline"
    ws.export_tei(register="inline", out_dir=inline)
    assert unresolved(inline, sources) == [] and not (inline / "register.xml").exists()
    root = etree.parse(str(inline / "A00187143.xml")).getroot()
    assert root.find(f".//{TEI}text//{TEI}persName[@key='{wager}']") is not None
    assert root.find(f".//{TEI}standOff//{TEI}person[@{XML_ID}='{wager}']") is not None


PLAIN = b"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>A letter without pointers</title></titleStmt>
      <publicationStmt><p>Test data.</p></publicationStmt>
      <sourceDesc><p>Written for annotator's tests.</p></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
      <p>Anna Weiss wrote from Jerusalem that the children were well.</p>
    </body>
  </text>
</TEI>
"""


def test_export_in_an_edition_of_authority_uris_keeps_the_pointers_of_decided_names(
        ws, tmp_path, tei_schema):
    """A file without pointers, among files that point to authority records (EHRI), exports
    as they do (no --register given): a name whose entity has an authority id points to its
    record; one without points to its entry, written in the file's standOff (before: no
    pointer at all, the editor's confirmed name not linked). A file with nothing decided,
    or only names with authority ids, gets no standOff: nothing but what it needs is
    inserted. ``--register none`` asked for keeps its word: no entry, no pointer."""
    ehri = _add(ws, tmp_path, EHRI)
    plain = tmp_path / "in" / "plain.xml"
    plain.write_bytes(PLAIN)
    sid = ws.add(plain).source.id
    ws.export_tei()  # nothing decided: each file is written as it is
    for name, src in ((EHRI.name, EHRI.read_bytes()), ("plain.xml", PLAIN)):
        assert (ws.exports_dir / name).read_bytes() == src, name
    jerusalem = _new_name(ws, sid, "Jerusalem", "place")
    ws.link(jerusalem, "wikidata", "Q1218")
    ws.export_tei()  # only a name with an authority id: no entry to write
    out = (ws.exports_dir / "plain.xml").read_bytes()
    assert b'<placeName ref="http://www.wikidata.org/entity/Q1218">Jerusalem<' in out
    assert b"standOff" not in out and b"else its register entry" not in out
    assert (ws.exports_dir / EHRI.name).read_bytes() == EHRI.read_bytes()
    anna = _new_name(ws, sid, "Anna Weiss")
    ws.add_claim(sid, quote="the children were well", kind="attributed", agent=anna)
    ws.export_tei()
    out = (ws.exports_dir / "plain.xml").read_bytes()
    assert only_insertions(PLAIN, out)
    root = etree.fromstring(out)
    assert root.find(f".//{TEI}body//{TEI}persName[@ref='#{anna}']").text == "Anna Weiss"
    assert root.find(f".//{TEI}body//{TEI}placeName").get("ref") == \
        "http://www.wikidata.org/entity/Q1218"
    standoff = root.find(f"{TEI}standOff")
    assert [el.get(XML_ID) for el in standoff.iter(f"{TEI}person", f"{TEI}place")] == [anna]
    assert standoff.find(f".//{TEI}note[@type='agent']").get("corresp") == f"#{anna}"
    assert b"else its register entry" in out  # the header says where the entries are
    assert unresolved(ws.exports_dir, {EHRI.name: EHRI.read_bytes(), "plain.xml": PLAIN}) == []
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    assert ehri and (ws.exports_dir / EHRI.name).read_bytes() == EHRI.read_bytes()
    nothing = tmp_path / "none"
    ws.export_tei(register="none", out_dir=nothing)
    root = etree.parse(str(nothing / "plain.xml")).getroot()
    assert root.find(f".//{TEI}body//{TEI}persName").attrib == {}
    assert root.find(f"{TEI}standOff//{TEI}person") is None


def only_insertions(src: bytes, out: bytes) -> bool:
    it = iter(out)
    return all(b in it for b in src)


def test_export_pointer_style_of_a_utf16_file(ws, tmp_path):
    """The edition's form is learned from the file's characters, whatever its encoding: a
    Friendly Networks letter saved as UTF-16 still gets @key on a new name."""
    src = tmp_path / "utf16" / FN.name
    src.parent.mkdir()
    src.write_bytes(FN.read_text(encoding="utf-8").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    sid = _add(ws, tmp_path, src)
    wager = _new_name(ws, sid, "Wager")
    ws.export_tei()
    root = etree.parse(str(ws.exports_dir / FN.name)).getroot()
    assert root.find(f".//{TEI}text//{TEI}persName[@key='{wager}']") is not None
    assert (ws.exports_dir / "register.xml").is_file()


def test_export_of_some_sources_keeps_the_register_entries_others_point_to(ws, tmp_path):
    """``export tei A`` then ``export tei B``: register.xml still has the entries A's export
    points to (it was rewritten with B's alone, and A's pointers led nowhere)."""
    fn = _add(ws, tmp_path, FN)
    bare = _add(ws, tmp_path, BARE)
    wager = _new_name(ws, fn, "Wager")
    fairlie = _new_name(ws, bare, "Captain Fairlie")
    ws.export_tei([fn])
    ws.export_tei([bare])
    sources = {Path(s.file).name: (ws.root / s.file).read_bytes() for s in ws.sources()}
    assert unresolved(ws.exports_dir, sources) == []
    reg = etree.parse(str(ws.exports_dir / "register.xml")).getroot()
    assert {el.get(XML_ID) for el in reg.iter(f"{TEI}person")} == {wager, fairlie}
    ws.reject(wager)  # a full export writes what the files point to now, nothing stale
    ws.export_tei()
    reg = etree.parse(str(ws.exports_dir / "register.xml")).getroot()
    assert {el.get(XML_ID) for el in reg.iter(f"{TEI}person")} == {fairlie}


POINTED = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Two Smiths</title>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up.</p></sourceDesc></fileDesc></teiHeader><text><body>
<p><persName ref="#p1">John Smith</persName> wrote on <date when="1820-05-02">2 May 1820</date>;
another <persName ref="#p1">John Smith</persName> answered.</p>
</body></text><standOff><listPerson><person xml:id="p1"><persName>John Smith</persName>
</person></listPerson></standOff></TEI>
"""


def test_export_counts_kept_pointers_apart_from_kept_dates(ws, tmp_path):
    """A name the file points to (``ref="#p1"``) that the editor moves to another entity
    (split) keeps the file's pointer: the export counts it in ``pointers_kept``, not in
    ``dates_kept`` (before: one ``kept`` for both), in JSON and the table, and says so on
    stderr in its own line; a date set on the file's own date counts in ``dates_kept``."""
    path = tmp_path / "smiths.xml"
    path.write_text(POINTED, encoding="utf-8")
    ws.add(path)
    smiths = [m for m in ws.mentions() if m.surface == "John Smith"]
    assert len(smiths) == 2 and smiths[0].entity_id == smiths[1].entity_id
    moved = run(ws, "split", smiths[1].entity_id, f"mention:{smiths[1].id}")
    assert moved.exit_code == 0, moved.output
    got = run(ws, "export", "tei", "-f", "json")
    assert got.exit_code == 0, got.output
    row = json.loads(got.stdout)[0]
    assert (row["pointers_kept"], row["dates_kept"]) == (1, 0) and "kept" not in row
    assert row["pointers_kept_words"] == ["John Smith"]
    assert got.stderr == ("exports/smiths.xml:6: 'John Smith': the file's own name pointer "
                          "(@ref, @key, @corresp) kept as the file writes it where the store "
                          "links the name to another entity (an export only inserts; "
                          "docs/export.md#what-an-export-inserts)\n")
    date = next(m for m in ws.mentions() if m.surface == "2 May 1820")
    assert run(ws, "date", "set", f"mention:{date.id}", "--when", "1820-05-03").exit_code == 0
    table = run(ws, "export", "tei")
    assert table.exit_code == 0, table.output
    assert "dates_kept" in table.stdout and "pointers_kept" in table.stdout
    assert table.stderr.splitlines()[0].startswith(
        "exports/smiths.xml: 1 of the file's own date value(s) (@when...) kept")
    report = ws.export_tei()
    assert (report.dates_kept, report.pointers_kept) == (1, 1)


DANGLING = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>L</title>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up.</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>Later <persName ref="#tolstoy">Tolstoy</persName> met Maxim Gorky.</p>
<p>He mentioned Лев Толстой as well.</p>
</body></text></TEI>
"""


def test_export_writes_the_entry_a_files_own_pointer_names_and_lacks(ws, tmp_path):
    """The file points ``ref="#tolstoy"`` to an entry it never wrote; the editor adds a
    name of that entity and gives it a Wikidata id: the export writes the entry
    ``xml:id="tolstoy"`` in the file's standOff (with ``inline`` and ``file``), so the
    file's own pointer and the inserted one resolve and Q7243 is exported (before: the
    inserted ``<persName ref="#tolstoy">`` led nowhere and Q7243 was in no exported file).
    With ``none`` no entry is written: the new name points to the authority record, and
    the export says, with its line, that the file's own pointer leads nowhere."""
    path = tmp_path / "lev.xml"
    path.write_text(DANGLING, encoding="utf-8")
    sid = ws.add(path).source.id
    s, e = span_of(ws, sid, "Лев Толстой")
    ws.add_mention(sid, s, e, "person", entity_id="tolstoy")
    assert run(ws, "link", "tolstoy", "wikidata", "Q7243").exit_code == 0
    sources = {"lev.xml": path.read_bytes()}
    for mode in ("inline", "file"):
        ws.export_tei(register=mode)
        assert unresolved(ws.exports_dir, sources) == [], mode
        root = etree.parse(str(ws.exports_dir / "lev.xml")).getroot()
        entry = root.find(f"{TEI}standOff//{TEI}person[@{XML_ID}='tolstoy']")
        assert entry is not None, mode
        assert entry.findtext(f"{TEI}idno[@type='wikidata']") == "Q7243"
        assert [p.get("ref") for p in root.iter(f"{TEI}persName")
                if p.getparent().tag == f"{TEI}p"] == ["#tolstoy", "#tolstoy"]
    got = run(ws, "export", "tei", "--register", "none", "-f", "json")
    out = (ws.exports_dir / "lev.xml").read_text(encoding="utf-8")
    assert 'xml:id="tolstoy"' not in out
    assert '<persName ref="http://www.wikidata.org/entity/Q7243">Лев Толстой' in out
    # the file's own pointer stays dangling there: said, with its line in the export
    line = json.loads(got.stdout)[0]["dangling_lines"][0]
    assert '<persName ref="#tolstoy">Tolstoy' in out.splitlines()[line - 1]
    assert got.stderr == (f"exports/lev.xml:{line}: the file's own pointer (@ref=\"#id\") names "
                          "no entry of the file, and --register none writes none: export with "
                          "--register inline or file to write it "
                          "(docs/export.md#what-an-export-inserts)\n")
    untouched = tmp_path / "other" / "lev.xml"  # nothing decided: the file as it is
    untouched.parent.mkdir()
    untouched.write_text(DANGLING, encoding="utf-8")
    from annotator import Workspace
    other = Workspace.init(tmp_path / "ws2")
    other.add(untouched)
    other.export_tei()
    assert (other.exports_dir / "lev.xml").read_bytes() == untouched.read_bytes()
    other.close()


GROUPED = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Bala</title>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up, in Curious Travellers' manner (bare and group refs).</p></sourceDesc>
</fileDesc></teiHeader><text><body>
<p>At <placeName ref="pl1">Bala</placeName> we saw <placeName ref="pl1 pl2">two
Churches</placeName>; <persName ref="#pe1">Mr Vaughan</persName>, that is
<persName ref="pe1">Vaughan</persName>, showed them to the <persName ref="pl1">Bala</persName>
folk.</p>
</body></text></TEI>
"""


def test_export_warns_of_a_kept_pointer_only_where_it_names_another_entity(ws, tmp_path):
    """A file nobody touched exports as itself with no warning, though its names point to
    one entity in several ways: a group ``ref="pl1 pl2"`` and ``ref="pl1"``, ``#pe1`` and
    ``pe1`` (before: 'pointer(s) kept ... another entity', as the attribute was compared
    with the one pointer the export would write), or a ``persName`` points to a place (the
    store gave it a person of its own when the file was added: no editor's act). Where a pointer is kept that names
    another entity (a split), the warning names the line of the export it is on and the
    name's words (JSON: ``pointers_kept_words``; before, the line alone, which holds two
    names here)."""
    path = tmp_path / "bala.xml"
    path.write_text(GROUPED, encoding="utf-8")
    sid = ws.add(path).source.id
    got = run(ws, "export", "tei", "-f", "json")
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)[0]["pointers_kept"] == 0
    assert got.stderr == ""
    assert (ws.exports_dir / "bala.xml").read_bytes() == path.read_bytes()
    vaughan = next(m for m in ws.mentions(sid) if m.surface == "Vaughan")
    assert run(ws, "split", vaughan.entity_id, f"mention:{vaughan.id}").exit_code == 0
    got = run(ws, "export", "tei", "-f", "json")
    row = json.loads(got.stdout)[0]
    assert row["pointers_kept"] == len(row["pointers_kept_lines"]) == 1
    line = row["pointers_kept_lines"][0]
    out = (ws.exports_dir / "bala.xml").read_text(encoding="utf-8").splitlines()
    assert '<persName ref="pe1">Vaughan' in out[line - 1]
    assert row["pointers_kept_words"] == ["Vaughan"]
    assert got.stderr.endswith(
        f"\nexports/bala.xml:{line}: 'Vaughan': the file's own name pointer (@ref, @key, "
        "@corresp) kept as the file writes it where the store links the name to another "
        "entity (an export only inserts; docs/export.md#what-an-export-inserts)\n")


def _dangling(path: Path) -> Counter[str]:
    """What ``annotator validate`` finds in a file (its pointers that lead nowhere, and
    anything the schema says), without the place, which an export moves."""
    from annotator.tei.validate import validate

    return Counter(f.message for f in validate(path).findings)


# the pointers of the editions in tests/data that name no element of their file, as they are
# published: EHRI points to its registers with ``#id`` and to its editors from ``change/@who``,
# Friendly Networks names its subject schemes ``#lcsh``, ``#lcnaf`` (an LC list it never writes);
# rich.xml (ours) a witness ``#B`` and a ``#person-a``
EDITIONS_DANGLING = {"EHRI-ET-YV5082493_EN.xml": 17, "EHRI-ET-WL16560044_EN.xml": 55,
                     "EHRI-ET-YV9392546_EN.xml": 27, "A00187143.xml": 1, "A0011538.xml": 2,
                     "A00187152.xml": 2, "A0011517-slice.xml": 0, "A0011530.xml": 2,
                     "bare-refs.xml": 0, "rich.xml": 2}


def test_export_adds_no_pointer_that_leads_nowhere(ws, tmp_path):
    """The editions in tests/data, proposed by the model, every other entity confirmed and one
    given a Wikidata id, exported in every register mode (and with the proposals): no export
    has a pointer that leads nowhere, or a finding of the schema, that its source did not
    have. The sources' own dangling pointers are counted (``annotator validate`` names them
    now) and stay or are resolved: with ``inline`` and ``file`` the entries EHRI's ``#id``
    pointers lack are written for the entities an editor added to (an authority id), not
    for those merely confirmed."""
    files = sorted((DATA / "editions").glob("*/*_EN.xml")) + sorted(
        (DATA / "editions").glob("*/A*.xml")) + [BARE, DATA / "rich.xml"]
    sids = {_add(ws, tmp_path, f): f.name for f in files}
    before = {name: _dangling(tmp_path / "in" / name) for name in sids.values()}
    assert {n: sum(c.values()) for n, c in before.items()} == EDITIONS_DANGLING
    ws.propose()
    proposed = [e.id for e in ws.entities(status="proposed")]
    assert len(proposed) > 20
    ws.confirm(proposed[::2])
    assert run(ws, "link", proposed[0], "wikidata", "Q42").exit_code == 0
    # an id given to an entity EHRI's own ``#id`` names: its entry is written in the file
    assert run(ws, "link", "ehri_et_fraenkel_johanna", "wikidata", "Q1").exit_code == 0
    resolved = {}
    for mode, proposals in (("inline", False), ("file", False), ("none", False), (None, False),
                            (None, True)):
        shutil.rmtree(ws.exports_dir)
        ws.export_tei(register=mode, include_proposals=proposals)
        written = {p.name for p in ws.exports_dir.glob("*.xml")} - set(sids.values())
        assert written == ({"register.xml"} if mode != "none" and mode != "inline" else set())
        for name in sids.values():
            after = _dangling(ws.exports_dir / name)
            assert after - before[name] == Counter(), (mode, proposals, name)
            resolved[(mode, proposals, name)] = sum((before[name] - after).values())
        if written:
            assert _dangling(ws.exports_dir / "register.xml") == Counter()
    assert sum(n for (mode, *_), n in resolved.items() if mode == "inline") > 0
    assert sum(n for (mode, *_), n in resolved.items() if mode == "none") == 0


def test_export_header_says_where_the_entries_a_files_own_pointers_lacked_are(ws, tmp_path):
    """With ``--register file`` the new names point to register.xml, but the entry the
    file's own ``ref="#tolstoy"`` lacked is written in the file's standOff: the
    editorialDecl says both (before: only register.xml), and ``annotator validate`` finds
    every pointer of the export set resolved, the file's own ``#tolstoy`` among them. With
    ``inline``, whose text names the standOff already, it is as it was."""
    from annotator.tei.validate import validate

    path = tmp_path / "lev.xml"
    path.write_text(DANGLING, encoding="utf-8")
    sid = ws.add(path).source.id
    assert [f.message for f in validate(path).findings] == [
        "@ref '#tolstoy' names no xml:id in this file"]
    s, e = span_of(ws, sid, "Лев Толстой")
    ws.add_mention(sid, s, e, "person", entity_id="tolstoy")
    assert run(ws, "link", "tolstoy", "wikidata", "Q7243").exit_code == 0
    _new_name(ws, sid, "Maxim Gorky")
    said = {}
    for mode in ("file", "inline"):
        ws.export_tei(register=mode)
        out = ws.exports_dir / "lev.xml"
        root = etree.parse(str(out)).getroot()
        said[mode] = "".join(root.find(f".//{TEI}editorialDecl").itertext())
        assert root.find(f"{TEI}standOff//{TEI}person[@{XML_ID}='tolstoy']") is not None
        assert validate(out).findings == ()
        if mode == "file":
            assert validate(ws.exports_dir / "register.xml").findings == ()
    assert "register.xml beside this file" in said["file"]
    assert ("where the file's own names point to an entry of this file that it did not have "
            "(#id), to that entry, written in standOff") in said["file"]
    assert "did not have" not in said["inline"] and "entries in standOff" in said["inline"]


def test_export_leaves_files_as_they_are_after_their_own_register_is_imported(ws, tmp_path):
    """EHRI's testimonies point ``ref="#ehri_et_..."`` to the entries of the edition's
    separate register files. Importing those registers decides nothing about the files: each
    export (inline, file, none) is the file itself, byte for byte, and ``none`` warns of no
    pointer (before: every file got appInfo, an editorialDecl and a standOff copying the
    register's entries, and ``none`` warned of each of the files' own pointers); ``file``
    writes the entries in register.xml. An entry is written in a file only for an entity an
    editor added to: a Wikidata id given to Johanna Fraenkel, a note to Schmidt; a
    confirmation alone adds none."""
    ehri = DATA / "editions" / "ehri"
    files = sorted(ehri.glob("EHRI-ET-*.xml"))
    sids = {_add(ws, tmp_path, f): f.name for f in files}
    for reg in ("EHRI_index_persons-slice.xml", "EHRI_index_organizations.xml"):
        ws.import_register(ehri / reg)
    assert run(ws, "confirm", "ehri_et_holz_sonja").exit_code == 0
    sources = {name: (tmp_path / "in" / name).read_bytes() for name in sids.values()}
    for mode in ("inline", "file", "none"):
        got = run(ws, "export", "tei", "--register", mode, "-f", "json")
        assert got.exit_code == 0, got.output
        assert "names no entry" not in got.stderr, mode
        assert [f["dangling_lines"] for f in json.loads(got.stdout)] == [[], [], []]
        for name, src in sources.items():
            assert (ws.exports_dir / name).read_bytes() == src, (mode, name)
    register = etree.parse(str(ws.exports_dir / "register.xml")).getroot()
    assert register.find(f".//{TEI}person[@{XML_ID}='ehri_et_fraenkel_johanna']") is not None
    assert run(ws, "link", "ehri_et_fraenkel_johanna", "wikidata", "Q42").exit_code == 0
    assert run(ws, "note", "ehri_et_schmidt", "A Gestapo officer.").exit_code == 0
    fraenkel = "EHRI-ET-WL16560044_EN.xml"
    for mode in ("inline", "file"):
        ws.export_tei(register=mode)
        for name, src in sources.items():
            if name != fraenkel:
                assert (ws.exports_dir / name).read_bytes() == src, (mode, name)
        root = etree.parse(str(ws.exports_dir / fraenkel)).getroot()
        assert [p.get(XML_ID) for p in root.iterfind(f"{TEI}standOff//{TEI}person")] == [
            "ehri_et_fraenkel_johanna", "ehri_et_schmidt"], mode
        assert root.findtext(f"{TEI}standOff//{TEI}idno[@type='wikidata']") == "Q42"
        assert unresolved(ws.exports_dir, {fraenkel: sources[fraenkel]}) == []
    got = run(ws, "export", "tei", "--register", "none")
    out = (ws.exports_dir / fraenkel).read_text(encoding="utf-8").splitlines()
    said = [line.split(":")[1] for line in got.stderr.splitlines()]
    assert len(said) == 38 + 4  # Johanna Fraenkel's and Schmidt's names, and none else
    for n in map(int, said):  # the line a name's start tag begins on, its @ref maybe the next
        assert "<persName" in out[n - 1]
        assert "#ehri_et_fraenkel_johanna" in out[n - 1] + out[n] \
            or "#ehri_et_schmidt" in out[n - 1] + out[n]
