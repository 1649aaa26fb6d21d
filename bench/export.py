"""Benchmark: exporting a large annotated source as TEI, against lxml reading and writing it.

Builds a source of about ``--words`` words by repeating the sample article's paragraphs (the
gold mentions of each copy confirmed, linked to register entries, and its three claims with
their links), then times, in the same run (best of ``--repeat``):

* export: ``Workspace.export_tei`` in a fresh workspace object, the earlier export deleted
  first (reading, hashing and parsing the file, reading the store, loading the reading text's
  offset map that ``add`` kept in the store, placing every tag, writing and syncing the file);
* the same export with no kept offset map (the first export after annotator's reading code
  changed), which builds the map from the file and keeps it again;
* baseline, the annotated file: ``lxml.etree.fromstring`` + ``etree.tostring`` of the file the
  export wrote, the same annotated TEI (what a tree-based exporter must at least do is parse a
  source and serialise this tree);
* baseline, the source file: the same for the source as added, without the 106k new tags;
* the store's share: reading the mentions' spans alone from SQLite, which every exporter that
  keeps its annotations in the store pays before it places anything.

Prints seconds and the ratios export / baseline (target: under 3).

    python bench/export.py [--words 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import ROOT, repeated_sample, require, runs, sample_copies, timed, workspace_with

GOLD = require(ROOT / "tests" / "data" / "seed" / "gold.json")


def annotate(ws, sid: str, copies: int) -> tuple[int, int]:
    """Gold mentions and the seed's claims on every copy, written as bulk rows."""
    from annotator.store.connection import now

    text = ws.reading_text(sid)
    sha = ws.source(sid).sha256
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    types = {"PERSON": "person", "PLACE": "place", "ORG": "org", "DATE": "date"}
    first = text.index("\n\n") + 2  # the head is not repeated
    copy_len = (len(text) - first + 2) // copies
    spans = []
    cursor = first
    for sp in gold["spans"]:
        i = text.find(sp["surface"], cursor, first + copy_len)
        if i < 0:
            continue
        cursor = i + len(sp["surface"])
        if sp["label"] in types:
            spans.append((i - first, i - first + len(sp["surface"]), types[sp["label"]],
                          sp["surface"], sp.get("tei")))
    sentences = [m.span() for m in re.finditer(r"According to [^.]*\.", text[first:first +
                                                                          copy_len])]
    mentions = claims = 0
    with ws.store.transaction() as conn:
        conn.execute("INSERT INTO bib (key, type, fields, origin, added_at) VALUES "
                     "('nekrich1997', 'book', ?, 'bench', ?)",
                     (json.dumps({"author": "Nekrich, Aleksandr M.", "title": "Pariahs",
                                  "year": "1997"}), now()))
        for c in range(copies):
            base = first + c * copy_len
            for s, e, t, surface, value in spans:
                if text[base + s:base + e] != surface:
                    continue
                eid = None
                if t != "date":
                    eid = f"{t}-" + re.sub(r"[^a-z0-9]+", "-", surface.split()[-1].lower())
                    conn.execute("INSERT OR IGNORE INTO entities (id, type, preferred, status, "
                                 "created_at) VALUES (?, ?, ?, 'confirmed', ?)",
                                 (eid, t, surface, now()))
                conn.execute("INSERT OR IGNORE INTO mentions (source_id, sha256, start, end, "
                             "type, status, entity_id, date_value, provenance, created_at) "
                             "VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?, 'bench', ?)",
                             (sid, sha, base + s, base + e, t, eid,
                              json.dumps(value) if value else None, now()))
                mentions += 1
            for s, e in sentences:
                cur = conn.execute("INSERT INTO claims (source_id, sha256, start, end, kind, "
                                   "status, provenance, created_at) VALUES (?, ?, ?, ?, "
                                   "'attributed', 'confirmed', 'bench', ?)",
                                   (sid, sha, base + s, base + e, now()))
                conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status) "
                             "VALUES (?, 'nekrich1997', 'supports', 'p. 1', 'confirmed')",
                             (cur.lastrowid,))
                claims += 1
    return mentions, claims


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from lxml import etree

    from annotator import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        copies = sample_copies(args.words)
        ws = workspace_with(folder, repeated_sample(copies))
        data = (folder / "big.xml").read_bytes()
        words = ws.source("big").words
        mentions, claims = annotate(ws, "big", copies)
        ws.close()
        print(f"source: {words:,} words, {len(data) / 1048576:.1f} MiB; "
              f"{mentions:,} mentions, {claims:,} claims")

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        out_path = folder / "ws" / "exports" / "big.xml"

        def export() -> None:
            out_path.unlink(missing_ok=True)  # a real write each time, not 'unchanged'
            with Workspace(folder / "ws") as fresh:  # nothing cached: file, map, store
                fresh.export_tei(["big"])

        t_export = min(runs(export, args.repeat))
        out = out_path.read_bytes()

        def forget_maps() -> None:
            with Workspace(folder / "ws") as fresh, fresh.store.transaction() as conn:
                conn.execute("DELETE FROM textmaps")

        cold = []
        for _ in range(args.repeat):
            forget_maps()  # not timed: only the export that then builds the map again
            cold.append(timed(export)[0])
        t_cold = min(cold)

        def round_trip(data: bytes) -> Callable[[], None]:
            return lambda: etree.tostring(etree.fromstring(data, parser), encoding="utf-8")

        t_annotated = min(runs(round_trip(out), args.repeat))
        t_source = min(runs(round_trip(data), args.repeat))
        with Workspace(folder / "ws") as ws:
            sha = ws.source("big").sha256

            def spans() -> None:
                ws.store.conn.execute(
                    "SELECT group_concat(start), group_concat(end) FROM mentions WHERE "
                    "source_id = 'big' AND sha256 = ? AND status = 'confirmed'", (sha,)).fetchone()

            t_store = min(runs(spans, args.repeat))
        print(f"export tei:                          {t_export:.3f} s  "
              f"({len(out) / 1048576:.1f} MiB written)")
        print(f"export tei, no kept offset map:      {t_cold:.3f} s  "
              f"-> ratio {t_cold / t_annotated:.1f}x")
        print(f"lxml parse + serialise, annotated:   {t_annotated:.3f} s  "
              f"-> ratio {t_export / t_annotated:.1f}x (target: under 3x)")
        print(f"lxml parse + serialise, source:      {t_source:.3f} s  "
              f"-> ratio {t_export / t_source:.1f}x")
        print(f"SQLite, the mentions' spans alone:   {t_store:.3f} s  "
              f"({t_store / t_source:.1f}x the source's round trip)")


if __name__ == "__main__":
    main()
