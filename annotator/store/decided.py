"""What an editor decided, as opposed to what adding a source brought in.

Adding a TEI source imports its own markup and register lists (the ``add``/``replace`` acts):
that is the edition as it was, which an export must give back unchanged. Every other act in
the decision log that is still in force (confirm, merge, link, apply, register import...) is
an editor's decision, and only those put something new into an export.

DOCS: docs/export.md#what-an-export-inserts
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from annotator.store.connection import Store

# acts that only bring in what a file already says
IMPORT_ACTS = ("add", "replace")


_IN_FORCE = ("FROM decisions d, json_each(d.changes) c WHERE d.undone_by IS NULL "
             "AND d.undoes IS NULL AND d.act NOT IN (?, ?) ")


def decided_entities(store: Store) -> frozenset[str]:
    """Ids of entities an act other than adding a source changed (their row, a name or an
    authority id), not undone."""
    rows = store.query(
        "SELECT DISTINCT coalesce(json_extract(c.value, '$.key.id'), "
        f"json_extract(c.value, '$.key.entity_id')) {_IN_FORCE}"
        "AND json_extract(c.value, '$.table') IN ('entities', 'variants', 'authority_ids')",
        IMPORT_ACTS)
    return frozenset(str(r[0]) for r in rows if r[0] is not None)


def changed_mentions(store: Store) -> frozenset[object]:
    """Ids of the mentions an act other than adding a source changed, not undone (as the
    log keeps them: a NULL among them is kept, as ``NOT IN`` would see it)."""
    return frozenset(r[0] for r in store.query(
        f"SELECT DISTINCT json_extract(c.value, '$.key.id') {_IN_FORCE}"
        "AND json_extract(c.value, '$.table') = 'mentions'", IMPORT_ACTS))


def source_spans(store: Store, versions: Sequence[tuple[str, str]]
                 ) -> dict[tuple[str, str], frozenset[tuple[int, int, str]]]:
    """Per (source_id, sha256) of ``versions``: (start, end, type) of the mentions the
    source's own markup gave (provenance ``source``) that no editor has changed since, in one
    query (and one read of the decision log)."""
    changed = changed_mentions(store)
    wanted = set(versions)
    if None in changed:  # SQL's NOT IN with a NULL: no row is outside it
        return {key: frozenset() for key in wanted}
    found: dict[tuple[str, str], set[tuple[int, int, str]]] = {key: set() for key in wanted}
    for r in store.query(
            "SELECT source_id, sha256, id, start, end, type FROM mentions WHERE source_id IN "
            "(SELECT value FROM json_each(?)) AND provenance = 'source'",
            (json.dumps(sorted({sid for sid, _ in wanted})),)):
        spans = found.get((r[0], r[1]))
        if spans is not None and r[2] not in changed:
            spans.add((int(r[3]), int(r[4]), str(r[5])))
    return {key: frozenset(spans) for key, spans in found.items()}


def source_mention_ids(conn: sqlite3.Connection, source_id: str, sha256: str) -> set[int]:
    """Ids of the mentions ``source_spans`` gives: what a new version of the file gives again
    from its own markup, so a replace does not carry them over."""
    changed = {r[0] for r in conn.execute(
        f"SELECT DISTINCT json_extract(c.value, '$.key.id') {_IN_FORCE}"
        "AND json_extract(c.value, '$.table') = 'mentions'", IMPORT_ACTS)}
    return {int(r[0]) for r in conn.execute(
        "SELECT id FROM mentions WHERE source_id = ? AND sha256 = ? AND provenance = 'source'",
        (source_id, sha256)) if r[0] not in changed}
