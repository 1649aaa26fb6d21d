"""How fast the review desk answers: the reading view of a 50,000-word source with 5,000 mentions.

    python bench/serve.py [--words 50000] [--mentions 5000] [--requests 50]

Builds a workspace in a temporary folder: one TEI source of about ``--words`` words (the sample
article's paragraphs repeated, a ``<pb/>`` every 400 words), ``--mentions`` mentions spread over
it (all types and statuses) and a claim every 10 sentences, written as a proposer writes them
(one store transaction). Then starts ``annotator serve`` in a child process and times GET of the
reading view with a real HTTP client (keep-alive), after one warm-up request, twice: with the
store unchanged between requests (the page kept by the server is sent again), and with an
editor's decision made from another process before every request (as the CLI would; the page is
drawn again). Prints median and p95 of each, the same page for the sample article alone (the
baseline: a tiny source), the time to build the TextMap, and their ratios. Target: median under
100 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
from _common import ROOT, SAMPLE, sample_reading_text, workspace_with

from annotator import Workspace
from annotator.store.connection import now
from annotator.tei.parse import parse_source
from annotator.tei.textmap import build_textmap
from annotator.vocab import MENTION_TYPES

STATUSES = ("proposed", "proposed", "confirmed", "rejected")


def big_tei(words: int) -> str:
    """A TEI document of about ``words`` words: the sample's paragraphs repeated, with pages."""
    paras = [p for p in sample_reading_text().split("\n\n") if len(p.split()) > 20]
    body: list[str] = []
    count = page = 0
    since_page = 400
    while count < words:
        for p in paras:
            if since_page >= 400:
                page += 1
                body.append(f'<pb n="{page}"/>')
                since_page = 0
            body.append(f"<p>{escape(p)}</p>")
            n = len(p.split())
            count += n
            since_page += n
            if count >= words:
                break
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
            "<teiHeader><fileDesc><titleStmt><title>Benchmark source</title></titleStmt>"
            "<publicationStmt><p>bench</p></publicationStmt><sourceDesc><p>generated</p>"
            "</sourceDesc></fileDesc></teiHeader><text><body>\n" + "\n".join(body)
            + "\n</body></text></TEI>\n")


def fill(ws: Workspace, source_id: str, mentions: int) -> tuple[int, int]:
    """Store ``mentions`` mentions over capitalised words and a claim per 10 sentences."""
    src = ws.source(source_id)
    text = ws.reading_text(source_id)
    words = [m.span() for m in re.finditer(r"[A-Z][\w'’-]+", text)]
    step = max(1, len(words) // mentions)
    picked = words[::step][:mentions]
    sentences = [m.span() for m in re.finditer(r"[A-Z][^.!?\n]{20,}[.!?]", text)][::10]
    stamp = now()
    with ws.store.transaction() as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO mentions (source_id, sha256, start, end, type, status, "
            "provenance, created_at) VALUES (?, ?, ?, ?, ?, ?, 'bench', ?)",
            [(source_id, src.sha256, s, e, MENTION_TYPES[i % 4], STATUSES[i % 4], stamp)
             for i, (s, e) in enumerate(picked)])
        conn.executemany(
            "INSERT OR IGNORE INTO claims (source_id, sha256, start, end, kind, status, "
            "provenance, created_at) VALUES (?, ?, ?, ?, 'unattributed', 'proposed', 'bench', ?)",
            [(source_id, src.sha256, s, e, stamp) for s, e in sentences])
    return len(picked), len(sentences)


def timed_gets(client: httpx.Client, url: str, n: int,
               between: Callable[[int], object] | None = None) -> tuple[float, list[float], int]:
    """First (cold) request time, then ``n`` warm request times, in ms; and the page size.

    ``between(i)`` runs before request ``i`` and is not timed.
    """
    t0 = time.perf_counter()
    r = client.get(url)
    r.raise_for_status()
    cold = (time.perf_counter() - t0) * 1000
    times = []
    for i in range(n):
        if between is not None:
            between(i)
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    return cold, times, len(r.content)


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=50_000)
    ap.add_argument("--mentions", type=int, default=5_000)
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = workspace_with(Path(tmp), big_tei(args.words))
        ws.add(SAMPLE)
        n_mentions, n_claims = fill(ws, "big", args.mentions)
        src = ws.source("big")
        t0 = time.perf_counter()
        build_textmap(parse_source(ws.root / src.file))
        build_ms = (time.perf_counter() - t0) * 1000
        proposed = [m[0] for m in ws.mention_marks("big") if m[4] == "proposed"]

        def decide(i: int) -> None:  # another process's act: the page must be drawn again
            ws.confirm(f"mention:{proposed[i]}")

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "-w", str(ws.root), "serve",
                                 "--port", "0"], stdout=subprocess.PIPE, text=True, env=env)
        try:
            base = (proc.stdout.readline().strip() if proc.stdout else "").rstrip("/")
            with httpx.Client(base_url=base, timeout=30) as client:
                cold, big_t, size = timed_gets(client, "/s/big", args.requests)
                _, fresh_t, _ = timed_gets(client, "/s/big", args.requests, between=decide)
                _, tiny_t, tiny_size = timed_gets(client, "/s/german-soviet-axis-talks",
                                                  args.requests)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            ws.close()
    med, tiny = statistics.median(big_t), statistics.median(tiny_t)
    fresh = statistics.median(fresh_t)
    print(f"source: {src.words:,} words, {src.chars:,} chars, {n_mentions:,} mentions, "
          f"{n_claims:,} claims; page {size / 1024:,.0f} KiB")
    print(f"reading view, big source, store unchanged:    median {med:6.1f} ms   "
          f"p95 {p95(big_t):6.1f} ms   (first request, building the TextMap: {cold:.0f} ms)")
    print(f"reading view, big source, a decision between: median {fresh:6.1f} ms   "
          f"p95 {p95(fresh_t):6.1f} ms")
    print(f"reading view, sample article ({tiny_size / 1024:.0f} KiB):    median {tiny:6.1f} ms   "
          f"p95 {p95(tiny_t):6.1f} ms")
    print(f"TextMap build of the big source alone: {build_ms:.0f} ms")
    worst = max(med, fresh)
    print(f"ratios: big/sample page {med / tiny:.1f}x (drawn again: {fresh / tiny:.1f}x); "
          f"drawn-again page vs TextMap build {fresh / build_ms:.2f}x; "
          f"target median < 100 ms: {'met' if worst < 100 else 'MISSED'}")


if __name__ == "__main__":
    main()
