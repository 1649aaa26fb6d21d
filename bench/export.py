"""Benchmark: exporting a large annotated source as TEI, against lxml reading and writing it.

Builds a source of about ``--words`` words by repeating the sample article's paragraphs (the
gold mentions of each copy confirmed, linked to register entries, and its three claims with
their links), then times, in the same run:

* baseline: ``lxml.etree.fromstring`` + ``etree.tostring`` of the same file (parse and
  serialise, what a tree-based exporter would do at the least);
* export: ``Workspace.export_tei`` in a fresh workspace object (reading the file, the reading
  text and its offset map, placing every tag, writing the file).

Prints seconds (best of ``--repeat``) and the ratio export / baseline (target: under 3).

    python bench/export.py [--words 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "german-soviet-axis-talks.xml"
GOLD = ROOT.parent / "shared" / "seed" / "gold.json"


def big_source(words: int) -> tuple[str, int]:
    """The sample with its body paragraphs repeated to about ``words`` words."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("<p>", text.index("<body>"))
    end = text.rindex("</p>") + len("</p>")
    body = text[start:end]
    per_copy = len(re.sub(r"<[^>]+>", " ", body).split())
    copies = max(1, round(words / per_copy))
    filler = "\n        ".join([body] * copies)
    return text[:start] + filler + text[end:], copies


def annotate(ws, sid: str, copies: int) -> tuple[int, int]:
    """Gold mentions and the seed's claims on every copy, written as bulk rows."""
    sys.path.insert(0, str(ROOT))
    from annotator.store import now

    text = ws.reading_text(sid)
    sha = ws.source(sid).sha256
    gold = json.loads(GOLD.read_text(encoding="utf-8")) if GOLD.exists() else {"spans": []}
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


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from lxml import etree

    from annotator import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text, copies = big_source(args.words)
        path = folder / "big.xml"
        path.write_text(text, encoding="utf-8")
        data = path.read_bytes()
        ws = Workspace.init(folder / "ws")
        ws.add(path)
        words = ws.source("big").words
        mentions, claims = annotate(ws, "big", copies)
        ws.close()
        print(f"source: {words:,} words, {len(data) / 1048576:.1f} MiB; "
              f"{mentions:,} mentions, {claims:,} claims")

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

        def baseline() -> None:
            etree.tostring(etree.fromstring(data, parser), encoding="utf-8")

        def export() -> None:
            with Workspace(folder / "ws") as fresh:  # nothing cached: file, map, store
                fresh.export_tei(["big"])

        t_base = best(baseline, args.repeat)
        t_export = best(export, args.repeat)
        out = (folder / "ws" / "exports" / "big.xml").read_bytes()
        print(f"lxml parse + serialise: {t_base:.2f} s")
        print(f"export tei:             {t_export:.2f} s  ({len(out) / 1048576:.1f} MiB "
              f"written)")
        print(f"ratio export / lxml:    {t_export / t_base:.1f}x (target: under 3x)")


if __name__ == "__main__":
    main()
