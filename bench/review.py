"""Benchmark: how long editors' acts take on a large store, against a bare logged act.

Builds a store with ``--entities`` candidate entities of ``--mentions`` mentions each (rows
written as the proposer writes them), then times: confirming one entity (every mention
updated and logged), undoing it, the review queue, one candidate card, the merge suggestions
of one card (a bare family name shared by 5 entities) and of all, a register export. The
baseline is the smallest act: ``Store.act`` updating one row. Prints milliseconds and the
ratio to the baseline.

    python bench/review.py [--entities 2000] [--mentions 10] [--big 2000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import SAMPLE, runs


def build(folder: Path, entities: int, mentions: int, big: int):
    from annotator import Workspace
    from annotator.store.connection import now

    ws = Workspace.init(folder)
    ws.add(SAMPLE)
    sid = "german-soviet-axis-talks"
    sha = ws.source(sid).sha256
    n_text = len(ws.reading_text(sid))
    pos = 0
    with ws.store.transaction() as conn:
        for e in range(entities):
            n = big if e == 0 else mentions
            eid = f"person-bench-{e}"
            # a family name for every 5th: some full names share it, some entities are it
            name = f"Family{e % (entities // 5 or 1)}"
            if e % 10:
                name = f"Given{e % 37} {name}"
            conn.execute("INSERT INTO entities (id, type, preferred, status, created_at) "
                         "VALUES (?, 'person', ?, 'proposed', ?)", (eid, name, now()))
            conn.execute("INSERT INTO variants (entity_id, surface, key) VALUES (?, ?, ?)",
                         (eid, name, name.lower()))
            for _ in range(n):
                start = pos % (n_text - 40)
                end = start + 1 + pos // (n_text - 40)
                pos += 1
                conn.execute("INSERT INTO mentions (source_id, sha256, start, end, type, "
                             "entity_id, provenance, created_at) VALUES (?, ?, ?, ?, 'person', "
                             "?, 'bench', ?)", (sid, sha, start, end, eid, now()))
    return ws


def median_ms(fn, repeat: int = 5) -> float:
    """Median milliseconds of ``repeat`` calls."""
    return statistics.median(runs(fn, repeat)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=2000)
    ap.add_argument("--mentions", type=int, default=10)
    ap.add_argument("--big", type=int, default=2000, help="mentions of the one big entity")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = build(Path(tmp) / "ws", args.entities, args.mentions, args.big)
        total = args.entities * args.mentions - args.mentions + args.big
        print(f"store: {args.entities} entities, {total} mentions")

        def bare() -> None:
            with ws.store.act("note", "entity:person-bench-1", editor="bench") as act:
                act.update("entities", {"id": "person-bench-1"}, {"note": str(time.time())})

        def confirm_undo(eid: str) -> tuple[float, float]:
            c, u = [], []
            for _ in range(5):
                t0 = time.perf_counter()
                ws.confirm(eid)
                t1 = time.perf_counter()
                ws.undo()
                u.append(time.perf_counter() - t1)
                c.append(t1 - t0)
            return statistics.median(c) * 1000, statistics.median(u) * 1000

        base = median_ms(bare)
        rows = [("bare act (1 row)", base)]
        c, u = confirm_undo("person-bench-1")
        rows += [(f"confirm entity ({args.mentions} mentions)", c),
                 (f"undo it ({args.mentions} mentions)", u)]
        c, u = confirm_undo("person-bench-0")
        rows += [(f"confirm entity ({args.big} mentions)", c),
                 (f"undo it ({args.big} mentions)", u)]
        rows.append(("state token of an entity", median_ms(lambda: ws.state_token(
            "person-bench-1"))))
        rows.append((f"review queue ({args.entities} candidates)", median_ms(ws.queue)))
        rows.append(("candidate card, empty register", median_ms(lambda: ws.candidate(
            "person-bench-1"), repeat=3)))
        rows.append(("merge suggestions of a card", median_ms(lambda: ws.similar(
            "person-bench-10"))))
        rows.append((f"every merge suggestion ({len(ws.merge_suggestions())} pairs)",
                     median_ms(ws.merge_suggestions, repeat=3)))
        ws.store.conn.execute("BEGIN IMMEDIATE")
        ws.store.conn.execute("UPDATE entities SET status = 'confirmed' WHERE id != ?",
                              ("person-bench-1",))
        ws.store.conn.execute("COMMIT")
        n = args.entities - 1
        rows.append((f"candidate card, register of {n}", median_ms(lambda: ws.candidate(
            "person-bench-1"), repeat=3)))
        rows.append((f"register export ({n} entries)", median_ms(ws.export_register, repeat=3)))
        width = max(len(name) for name, _ in rows)
        for name, ms in rows:
            print(f"{name:<{width}}  {ms:9.2f} ms  {ms / base:8.1f} x bare act")
        ws.close()


if __name__ == "__main__":
    main()
