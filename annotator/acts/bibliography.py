"""The bibliography in the store: the works a claim can be linked to, under stable keys.

Reading .bib files and TEI ``bibl``/``biblStruct`` is ``annotator.bibliography.entries``'s job (pure); this
module keeps what it reads in the store's ``bib`` table. Adding a .bib file is one act in the
decisions log, so ``undo`` takes it back; the works a source lists are kept when the source is
added, inside that act. A key, once stored, is never renamed.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from annotator.bibliography import entries as bib_mod
from annotator.files import relative
from annotator.errors import DecisionError, Location, SourceError
from annotator.records import BibEntry
from annotator.store import Act, Store, now
from annotator.tei.parse import ParsedSource


def add_file(store: Store, path: Path, *, root: Path, editor: str,
             replace: bool = False) -> list[BibEntry]:
    """Add (or with ``replace`` update) the works of a .bib file: the whole file or none of it.

    ``root``: the workspace folder; entries remember their file relative to it.
    """
    known = entries(store)
    origin = relative(path, root) or path.name
    found = bib_mod.read_bib(path, origin=origin, known=known)
    by_key = {e.key: e for e in known}
    by_fold = {e.key.lower(): e for e in known}
    new, changed = [], []
    for entry in found:
        old = by_key.get(entry.key) or by_fold.get(entry.key.lower())
        if old is None:
            new.append(entry)
        elif bib_mod.same_work(old, entry):
            continue
        elif replace and old.key == entry.key:
            changed.append(entry)
        else:
            raise SourceError(
                f"entry '{entry.key}': key already in the bibliography for another work "
                f"(from {old.origin})",
                hint="give the entry another key, or use --replace to update the stored "
                     "entry; nothing of the file was added",
                location=Location(path, entry.line), code="S303")
    if not new and not changed:
        return []
    with store.act("bib-add", f"bib:{origin}", editor=editor,
                   payload={"file": origin, "added": [e.key for e in new],
                            "updated": [e.key for e in changed]}) as act:
        for entry in new:
            act.insert("bib", _row(entry))
        for entry in changed:
            row = _row(entry)
            del row["key"], row["added_at"]
            act.update("bib", {"key": entry.key}, row)
    return new + changed


def entries(store: Store, query: str | None = None) -> list[BibEntry]:
    """The stored works sorted by key; ``query`` keeps those whose key or fields contain it
    (case and accents ignored)."""
    found = [entry_from_row(r) for r in store.query("SELECT * FROM bib ORDER BY key")]
    if query:
        q = bib_mod.ascii_fold(query)
        found = [e for e in found if q in bib_mod.ascii_fold(
            " ".join([e.key, *(v for _, v in e.fields)]))]
    return found


def entry(store: Store, key: str) -> BibEntry:
    """One work by key (its case need not match); an unknown key suggests close ones."""
    row = store.one("SELECT * FROM bib WHERE key = ?", (key,))
    if row is None:
        row = store.one("SELECT * FROM bib WHERE lower(key) = lower(?)", (key,))
    if row is None:
        keys = [r["key"] for r in store.query("SELECT key FROM bib")]
        close = difflib.get_close_matches(key, keys, n=3, cutoff=0.5)
        hint = (f"did you mean {', '.join(close)}?" if close else
                "see 'annotator bib list', or add the work with 'annotator bib add FILE.bib'")
        raise DecisionError(f"no bibliography entry '{key}'", hint=hint,
                            location=Location(store.path), code="D307")
    return entry_from_row(row)


def add_source_works(act: Act, source_id: str, parsed: ParsedSource, *, title: str) -> None:
    """Within the act adding a source: the source is a citable work, and so are the works its
    TEI lists; keep them (once: a work already read from this source keeps its key)."""
    taken = [r["key"] for r in act.conn.execute("SELECT key FROM bib")]
    mine = [entry_from_row(r) for r in act.conn.execute("SELECT * FROM bib WHERE origin = ?",
                                                        (f"source:{source_id}",))]
    found = bib_mod.tei_entries(parsed.root, source_id=source_id, title=title, taken=taken)
    for work in found:
        if any(bib_mod.same_work(work, old) for old in mine):
            continue
        act.insert("bib", _row(work))


def entry_from_row(row: Any) -> BibEntry:
    return BibEntry(key=row["key"], type=row["type"],
                    fields=tuple(json.loads(row["fields"]).items()), origin=row["origin"],
                    line=row["line"])


def _row(entry: BibEntry) -> dict[str, Any]:
    return {"key": entry.key, "type": entry.type,
            "fields": json.dumps(dict(entry.fields), ensure_ascii=False),
            "origin": entry.origin, "line": entry.line, "added_at": now()}


