"""The sources' files and reading texts, as the acts and exports read them.

``Texts`` answers "which source is this" and "what is its reading text" for everything below the
workspace: it refuses a file changed behind the store's back, keeps the last reading texts in
memory (bounded, so a workspace of a thousand sources does not hold them all) and keeps their
offset maps in the store, so the next run loads them instead of walking every tag again.

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import logging
import os
import re
import sqlite3
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from annotator.config import SOURCES_DIR
from annotator.errors import AnnotatorError, Location, SourceError
from annotator.export.output import target
from annotator.files import atomic_write, reached
from annotator.filters import split
from annotator.records import Source, SourceVersion, SourceWarning
from annotator.store import Store
from annotator.store import sources as source_rows
from annotator.store import textmaps
from annotator.entities.names import normal_case, shouted, shouted_words
from annotator.tei import textmap_pack
from annotator.tei.header import is_schema
from annotator.tei.marked import marked
from annotator.tei.parse import (MAX_SOURCE_BYTES, ParsedSource, decode_xml, parse_source,
                                 read_source_bytes, sha256_hex)
from annotator.tei.textmap import TextMap, build_textmap

if TYPE_CHECKING:
    from lxml import etree


log = logging.getLogger(__name__)

# the edition of the texts annotator encoded (``Texts.conventions_edition``): a name no header
# gives, shown by 'annotator conventions'
OWN_TEXTS = "(the workspace's texts)"
_WORD = re.compile(r"[^\W_]+")
TEXTMAP_CACHE = 32  # reading texts kept per workspace beyond one per source (old versions)
AHEAD = 32 * 2**20  # bytes of kept maps an export reads ahead of its files (``read``), and
# the files' kept bytes with them

TextMapCache = OrderedDict[tuple[str, str], TextMap]  # (source id, sha256) -> map, oldest first


def no_source(conn: sqlite3.Connection, wanted: str, place: Location | None) -> SourceError:
    """S015, one code for an id that names no source whichever command or act was given it;
    the hint names the sources it may have meant: all of a few, else the closest."""
    ids = [s.id for s in source_rows.all_sources(conn)]
    shown = 8
    if not ids:
        hint = "known sources: none yet"
    elif len(ids) <= shown:
        hint = f"known sources: {', '.join(ids)}"
    else:
        close = difflib.get_close_matches(wanted, ids, n=shown, cutoff=0.5)
        near = f"closest: {', '.join(close)}; " if close else ""
        hint = f"{near}{len(ids)} sources in all ('annotator sources' lists them)"
    return SourceError(f"no source '{wanted}'", hint=hint, location=place, code="S015")


class Unparsed(NamedTuple):
    """A source file read without parsing its XML: its map (whose ``elements`` say what an
    export reads of the tree), its codec, its tree, parsed when first asked for, and its
    bytes (an export of a UTF-8 file cuts them, ``spliced``)."""

    tm: TextMap
    codec: str
    tree: Callable[[], etree._Element]
    data: bytes


class SourceFile(NamedTuple):
    """A source's file as ``Texts.read`` read it: its path, bytes, characters and codec, and
    the map kept for it (None when none is, or its map is in memory)."""

    src: Source
    path: Path
    data: bytes
    text: str
    codec: str
    blob: bytes | None


# a file -> (its size, modification and change times, inode) and the sha256 its bytes had then
SeenAsAdded = dict[str, tuple[tuple[int, int, int, int], str]]


class Texts:
    """Sources and their reading texts in one workspace (``root``) with its ``store``.

    ``cache`` outlives one ``Texts``: the workspace keeps it while its store is reopened.
    """

    def __init__(self, store: Store, root: Path, cache: TextMapCache | None = None,
                 seen: SeenAsAdded | None = None) -> None:
        self.store = store
        self.root = root
        self._as_stored = False  # ``as_stored``: an edited file read as the store keeps it
        self.cache: TextMapCache = OrderedDict() if cache is None else cache
        # edition -> (its sources' versions, word folded -> as its texts first write it with
        # a capital): ``edition_calm``'s, made once while the edition's files stay the same
        self._written: dict[str, tuple[tuple[tuple[str, str], ...], dict[str, str]]] = {}
        # sha256 -> the edition those bytes' header names (``edition``): the same for the
        # same bytes, so asked of the store once (``_edition_words`` asks it of every source)
        self._editions: dict[str, str] = {}
        # for ``read`` and ``unparsed``: the kept maps read ahead (sha256 -> map) and heads
        # decoded by ``forms``, the sources ``forms`` was told are read (their sha256 in
        # order, where each id is), the size of every kept map, and where the source
        # ``read`` read last is
        self._ahead: dict[str, bytes] = {}
        self._versions: dict[str, bytes] = {}  # the files' bytes kept, read with those maps
        self._heads: dict[str, tuple[textmap_pack.Head, Counter[tuple[str, str]]]] = {}
        self._queue: list[str] = []
        self._where: dict[str, int] = {}
        self._sizes: dict[str, int] = {}
        self._asked: set[str] = set()  # the bytes whose maps were read last (``_read``)
        self._last = -2
        # file -> (its stat, the sha256 it was found to have): ``edited`` reads a file again
        # only when its stat changed (the review desk asks of every source at each request)
        self._seen_as_added: SeenAsAdded = {} if seen is None else seen

    def sources(self) -> list[Source]:
        return source_rows.all_sources(self.store.conn)

    def source(self, source_id: str) -> Source:
        found = source_rows.find_source(self.store.conn, source_id)
        if found is None:
            raise no_source(self.store.conn, source_id, self.store.place)
        return found

    def chosen(self, source_ids: str | Iterable[str] | None) -> tuple[str, ...] | None:
        """The sources a listing keeps: one id, several, or comma-separated, as its other
        filters (``annotator.filters``), each refused if no source has it (S015); None for
        all. Never only the last of several: a listing that drops one says nothing of it."""
        if source_ids is None:
            return None
        ids = split(source_ids)
        for sid in ids:
            self.source(sid)
        return ids or None

    def path(self, source: Source) -> Path:
        return self.root / source.file

    def versions(self, source_id: str) -> list[SourceVersion]:
        """The versions of the source's file the store keeps, oldest first: the way back to
        the file a replacement replaced (which is not undone) is to add that file again."""
        src = self.source(source_id)
        rows = source_rows.versions_of(self.store.conn, src.id)
        # the newest act that gave it its bytes now: an earlier one with the same bytes (the
        # file it went back to) is not its file now, only the same
        now = max((n for n, r in enumerate(rows) if r[3] == src.sha256), default=-1)
        return [SourceVersion(n + 1, decision, act, at, sha, size, n == now)
                for n, (decision, act, at, sha, size) in enumerate(rows)]

    def version_file(self, source_id: str, version: str | int | None = None
                     ) -> tuple[SourceVersion, bytes]:
        """One version of the source's file and its bytes as kept: ``version`` its number in
        ``versions`` or the start of its hash (six characters or more); None, the file now."""
        found = self.versions(source_id)
        wanted = None if version is None else str(version).strip().lower()
        hits = [v for v in found if v.current] if wanted is None else \
            [v for v in found if str(v.number) == wanted] or \
            [v for v in found if len(wanted) >= 6 and v.sha256.startswith(wanted)]
        data = source_rows.version_bytes(self.store.conn, hits[-1].sha256) if hits else None
        if not hits or data is None:
            known = ", ".join(f"{v.number} ({v.sha256[:8]})" for v in found) or "none"
            raise SourceError(f"source '{source_id}' has no version '{version}' kept",
                              hint=f"give one of its versions: {known} ('annotator source "
                                   f"versions {source_id}')",
                              location=self.store.place, code="S028")
        return hits[-1], data

    def write_version(self, source_id: str, out: str | Path,
                      version: str | int | None = None) -> tuple[SourceVersion, Path]:
        """``version_file``'s bytes written to ``out`` as kept, and the file's path: into a
        folder (one that exists, or ``out`` ending in a separator) under the source's file
        name, which ``add --replace`` takes for this source; never over a file (S029)."""
        found, data = self.version_file(source_id, version)
        path = target(out, Path(), Path(self.source(source_id).file).name)
        if path.exists():
            raise SourceError("file exists", hint="give a new file name: a version of a "
                              "source is never written over a file",
                              location=Location(path), code="S029")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # as an export's -o folder is made
            atomic_write(path, data)
        except OSError as exc:
            raise SourceError(f"cannot write {path} ({exc.strerror or exc})",
                              hint="give a folder you can write to",
                              location=Location(path), code="S030") from None
        return found, path

    def place(self, source: Source) -> Location:
        """Where a refusal about a source says it is: its file as the editor reaches it
        (``reached``), not as the workspace names it, which from another folder (``-w``)
        names no file."""
        return Location(reached(self.path(source)))

    def _row(self, source: str | Source) -> Source:
        return source if isinstance(source, Source) else self.source(source)

    def parsed(self, source: str | Source) -> ParsedSource:
        """The source file as it is now; refuses a file changed behind the store's back.
        ``source``: its id, or its row when the caller has just read it."""
        return parse_source(*self._unchanged(self._row(source)))

    def as_stored(self) -> Texts:
        """These texts, reading a file edited by hand since it was added (S016) as the store
        keeps it, the version the decisions on it hold for, instead of refusing it: for
        ``check``, which says the edit among the sources' warnings and checks the rest."""
        other = copy.copy(self)  # the same store, cache and caches of editions
        other._as_stored = True
        return other

    def restore(self, src: Source) -> Path:
        """The source's file; written back from the bytes the store keeps when it is missing
        because a run was killed between committing the source and writing its file."""
        path = self.root / src.file
        if not path.exists() and path.parent.resolve() == (self.root / SOURCES_DIR).resolve():
            data = source_rows.version_bytes(self.store.conn, src.sha256)
            if data is not None:
                atomic_write(path, data)
        return path

    def check_unchanged(self, src: Source) -> None:
        """Refuse (S016) a source whose file was edited in place since it was added: what is
        stored for it (proposals, decisions) no longer describes the file."""
        self._unchanged(src)

    def edited(self, src: Source) -> SourceWarning | None:
        """S016 as a warning when the source's file was edited in place since it was added
        (its bytes no longer have the hash the store's decisions hold for): what ``sources``
        and ``source ID`` mark, and the listings of claims and ``check``, which read it as the
        store keeps it (``as_stored``); its hint says so, and that an export refuses it, as
        every other command reading the file does. None when it is as added, or missing
        (written back from the store when next read)."""
        path = self.root / src.file
        try:
            st = os.stat(path)
            stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if self._seen_as_added.get(src.file) == (stat, src.sha256):
                return None  # not written to since it was found as added
            data = path.read_bytes()
        except OSError:
            return None
        if sha256_hex(data) == src.sha256:
            # remembered only once its times are past the clock's last two seconds: a write
            # in the same tick as the reading would leave the same stat (git's racy entries)
            if time.time_ns() - st.st_mtime_ns > 2_000_000_000:
                self._seen_as_added[src.file] = (stat, src.sha256)
            return None
        err = _changed(path, src)
        return SourceWarning(src.id, str(err.location), err.message,
                             f"{err.hint}; until then {_EDITED_READ}", err.code)

    def textmap(self, source: str | Source, parsed: ParsedSource | None = None) -> TextMap:
        """Reading text and offset map of a source (cached per version); ``parsed``: the file
        as ``parsed()`` just read it, so it is not read twice."""
        src = self._row(source)
        source_id = src.id
        key = (source_id, src.sha256)
        cached = self.cache.get(key)
        if cached is not None:
            self.cache.move_to_end(key)
            return cached
        if parsed is None or parsed.sha256 != src.sha256:
            kept = self.kept_unparsed(src)
            if kept is not None:
                return self.remember(source_id, src.sha256, kept)
            parsed = self.parsed(source_id)
        return self.remember(source_id, src.sha256, self.kept(parsed))

    def passing(self, src: Source, parsed: ParsedSource | None = None) -> TextMap:
        """The map of a source read once and not kept in memory (one already kept is used):
        a run over every source of an edition must not hold all their maps at once.
        ``parsed``: the file as ``parsed()`` just read it, so it is not read twice."""
        cached = self.cache.get((src.id, src.sha256))
        if cached is not None:
            return cached
        if parsed is not None and parsed.sha256 == src.sha256:
            return self.kept(parsed)
        return self.kept_unparsed(src) or self.kept(self.parsed(src))

    def kept_unparsed(self, src: Source) -> TextMap | None:
        """The map the store kept for the file as it is, read without parsing its XML (a
        third of the time): bytes with the hash they were added with parse as they did then.
        None when no map is kept; a file changed behind the store's back is refused (S016)."""
        blob = textmaps.kept_blob(self.store.conn, src.sha256)
        if blob is None:
            return None
        path, data = self._unchanged(src)
        return _loaded(blob, decode_xml(data, path)[0], src.sha256)

    def forms(self, sources: Iterable[Source], reading: Iterable[Source] = ()
              ) -> tuple[dict[str, Counter[tuple[str, str]]], dict[str, str]]:
        """Source id -> how the names of that source point to their entries
        (``marked.pointer_forms``), and source id -> its edition (``edition``): from the heads
        of the kept maps, their files unread, each head decoded once and kept for
        ``unparsed``; else from its map, built now and kept. ``reading``: the sources
        ``read`` is asked for next, in this order (an export's): the first of their maps
        and files, as many as ``AHEAD`` bytes hold, read now in a query each, their heads
        read from them (``unparsed`` needs them all); the others' heads read alone."""
        sources = list(sources)
        kept = textmaps.kept_sizes(self.store.conn)
        self._sizes = {sha: size for sha, (_, size) in kept.items()}
        order = list(reading)
        self._queue = [src.sha256 for src in order]
        self._where = {src.id: n for n, src in enumerate(order)}
        if order:
            self._read_ahead(0)
            self._last = -1  # as if the one before the first was read last
        forms: dict[str, Counter[tuple[str, str]]] = {}
        editions: dict[str, str] = {}
        for src in sources:
            found = kept.get(src.sha256)
            if found is not None:
                with contextlib.suppress(ValueError):
                    head = textmap_pack.head(self._ahead.get(src.sha256) or
                                             textmaps.kept_start(self.store.conn, found[0]))
                    forms[src.id], editions[src.id] = textmap_pack.forms_and_edition(head)
                    self._heads[src.sha256] = (head, forms[src.id])
                    continue
            forms[src.id] = marked(self.passing(src)).forms
            editions[src.id] = self.edition(src)
        return forms, editions

    def _kept_blob(self, src: Source) -> bytes | None:
        """The map kept for the source's bytes: read ahead (the first of an export's by
        ``forms``), else read now; with the maps of the sources after it (``forms``'
        ``reading``, as many as ``AHEAD`` bytes hold) when the one asked before it was the
        one before it there: an export of every source reads them in a query per ``AHEAD``
        bytes, one of a single source no other map."""
        at = self._where.get(src.id, -2)
        if src.sha256 not in self._asked:
            if at >= 0 and at == self._last + 1:
                self._read_ahead(at)
            else:
                self._read([src.sha256])
        self._last = at
        return self._ahead.get(src.sha256)

    def _read_ahead(self, at: int) -> None:
        """``_read`` the maps and files of the sources of ``forms``' ``reading`` from ``at``,
        as many as ``AHEAD`` bytes hold (one at least)."""
        size = 0
        end = at + 1
        for sha in self._queue[at + 1:]:
            size += self._sizes.get(sha, 0)
            if size > AHEAD:
                break
            end += 1
        self._read(self._queue[at:end])

    def _read(self, shas: list[str]) -> None:
        """The maps kept for these bytes and the bytes kept, in place of those read before:
        a thousand sources' maps are never held at once."""
        wanted = list(dict.fromkeys(shas))
        self._ahead = textmaps.kept_blobs(self.store.conn, wanted)
        self._versions = source_rows.versions_bytes(self.store.conn, wanted)
        self._asked = set(wanted)  # those without a map among them have none: not asked again

    def read(self, src: Source) -> SourceFile:
        """The source's file read and decoded, and the map kept for it (``_kept_blob``), not
        loaded yet: an export reads a group's files, then loads their maps (``unparsed``),
        each step in a loop of its own, its code fresh in the caches from one file to the
        next (was: both for each file in turn, 0.4 ms more CPU for the bench's 49)."""
        blob = self._kept_blob(src) if (src.id, src.sha256) not in self.cache else None
        path, data = self._unchanged(src)
        text, codec = decode_xml(data, path)
        return SourceFile(src, path, data, text, codec, blob)

    def unparsed(self, file: SourceFile) -> Unparsed:
        """What ``passing`` gives of the file ``read`` read, with its codec and its tree on
        demand: an export of a file whose map is kept never parses it unless it reads an
        element's content."""
        key = (file.src.id, file.src.sha256)
        path, data = file.path, file.data
        tm = self.cache.get(key)
        if tm is None:
            tm = None if file.blob is None else _loaded(
                file.blob, file.text, key[1], elements=True, head=self._heads.get(key[1]))
        elif not _sound(tm):
            self.cache.pop(key)
            tm = None
        if tm is not None:
            return Unparsed(tm, file.codec, lambda: parse_source(path, data).root, data)
        parsed = parse_source(path, data)
        return Unparsed(self.kept(parsed, elements=True), file.codec, lambda: parsed.root,
                        data)

    def _unchanged(self, src: Source) -> tuple[Path, bytes]:
        """The source's path and bytes; S016 when they are not the bytes it was added with.
        The file is read at once (an export reads every source): only one that cannot be
        read, or is empty or too big, goes through ``restore`` and ``read_source_bytes``,
        which say why."""
        path = self.root / src.file
        # the bytes the store keeps under the hash, when read with the maps (``_read``):
        # compared in a tenth of the time the file's hash takes (the export's 49 letters: a
        # third of a millisecond, read and compared, for one)
        kept = self._versions.get(src.sha256)
        try:
            data = _whole(path, -1 if kept is None else len(kept))
        except OSError:
            data = b""
        if not data:
            path = self.restore(src)
            data = read_source_bytes(path)
        same = data == kept if kept is not None else sha256_hex(data) == src.sha256
        if not same:
            kept = (kept or source_rows.version_bytes(self.store.conn, src.sha256)) \
                if self._as_stored else None
            if kept is None:
                raise _changed(path, src)
            data = kept
        return path, data

    def reading_text(self, source_id: str) -> str:
        return self.textmap(source_id).text

    def edition(self, source: str | Source) -> str:
        """The edition the source's header names (``tei.header.edition_name``: its series,
        else its publisher), '' for none: from the map in memory, else the head of the kept
        map (its file unread: a pass over every source parsed each), else its map, built now
        and kept."""
        src = self._row(source)
        known = self._editions.get(src.sha256)
        if known is not None:
            return known
        self._editions[src.sha256] = name = self._edition_now(src)
        return name

    def _edition_now(self, src: Source) -> str:
        tm = self.cache.get((src.id, src.sha256))
        if tm is None:
            head = textmaps.kept_head(self.store.conn, src.sha256)
            if head is not None:
                with contextlib.suppress(ValueError):
                    return textmap_pack.edition(head)
            tm = self.passing(src)
        return tm.edition

    def conventions_edition(self, source: str | Source) -> str:
        """The edition whose conventions the source shares: the one its file names
        (``edition``), else, for a text annotator encoded itself (a .txt or .md file: its
        ``origin``), the workspace's own texts together (``OWN_TEXTS``), which an editor
        marks one way, apart from any TEI edition; '' for a TEI file naming none, on its own
        (was: '' for both, so each .txt letter learned from itself alone)."""
        src = self._row(source)
        return self.edition(src) or (OWN_TEXTS if src.origin != "tei" else "")

    def edition_calm(self, source_id: str, forms: Iterable[str]) -> dict[str, str]:
        """How the source's edition (``conventions_edition``; the source alone for a TEI file
        naming none) writes in normal case the words the forms write in capitals
        (``entities.names.normal_case``): as the source's own text does, else as the first of
        the edition's texts writing it with a capital: a heading's "BUCHENWALD" is
        "Buchenwald" where another testimony of the edition writes it so. The edition's words
        are read once while its files stay the same (a run asks for every source)."""
        forms = [f for f in forms if shouted(f)]
        if not forms:
            return {}
        out = normal_case(forms, self.reading_text(source_id))
        words = shouted_words(forms) - out.keys()
        edition = self.conventions_edition(source_id)
        if words and edition:
            written = self._edition_words(edition)
            out.update({w: written[w] for w in words if w in written})
        return out

    def _edition_words(self, edition: str) -> dict[str, str]:
        """Word folded -> as the edition's texts first write it with a capital and not all in
        capitals ("macdonald" -> "MacDonald"), for words of four letters or more."""
        members = tuple((s.id, s.sha256) for s in self.sources()
                        if self.conventions_edition(s) == edition)
        kept = self._written.get(edition)
        if kept is not None and kept[0] == members:
            return kept[1]
        written: dict[str, str] = {}
        for sid, _ in members:
            for w in _WORD.findall(self.reading_text(sid)):
                if len(w) >= 4 and w[0].isupper() and not w.isupper():
                    written.setdefault(w.lower(), w)
        self._written[edition] = (members, written)
        return written

    def edition_labels(self) -> dict[str, str]:
        """Each conventions edition of the workspace (``conventions_edition``) -> the name an
        editor knows it by: its series or publisher as the files name it; for one its files
        name only by their own schema, the folder most of them were added from, the schema a
        detail ("curious-travellers (schema CT.rng)"), else "schema CT.rng" (files added
        before annotator logged folders); '' for TEI files naming none."""
        editions = {src.id: self.conventions_edition(src) for src in self.sources()}
        folders = source_rows.added_from(self.store.conn)
        seen: dict[str, Counter[str]] = {}
        for sid, name in editions.items():
            counted = seen.setdefault(name, Counter())
            if is_schema(name) and folders.get(sid):
                counted[folders[sid]] += 1
        out = {}
        for name, counted in seen.items():
            if not is_schema(name):
                out[name] = name
                continue
            folder = min(counted, key=lambda f: (-counted[f], f), default="")
            out[name] = f"{folder} (schema {name})" if folder else f"schema {name}"
        return out

    def kept(self, parsed: ParsedSource, *, elements: bool = False) -> TextMap:
        """The map the store kept for these bytes, or a new one, kept for next time;
        ``elements``: the kept map's elements are read too (an export's), and must be sound."""
        blob = textmaps.kept_blob(self.store.conn, parsed.sha256)
        if blob is not None:
            loaded = _loaded(blob, parsed.text, parsed.sha256, elements=elements)
            if loaded is not None:
                return loaded
            log.warning("rebuilding the kept text map of %s", parsed.path)
        tm = build_textmap(parsed)
        textmaps.keep_if_free(self.store, tm, parsed.path)
        return tm

    def remember(self, source_id: str, sha256: str, tm: TextMap) -> TextMap:
        self.cache[(source_id, sha256)] = tm
        self.cache.move_to_end((source_id, sha256))
        if len(self.cache) > TEXTMAP_CACHE:
            # sized to the workspace: a listing that visits every source twice must not
            # rebuild each map the second time
            n = source_rows.count(self.store.conn)
            while len(self.cache) > n + TEXTMAP_CACHE:
                self.cache.popitem(last=False)
        return tm

    def version_textmap(self, source_id: str, sha256: str) -> TextMap:
        """Reading text of an earlier version of a source, from the bytes the store kept:
        its kept map, read without parsing them, else a map built now and kept."""
        key = (source_id, sha256)
        if key not in self.cache:
            data = source_rows.version_bytes(self.store.conn, sha256)
            if data is None:
                return self.textmap(source_id)
            path = self.root / self.source(source_id).file
            blob = textmaps.kept_blob(self.store.conn, sha256)
            tm = None if blob is None else _loaded(blob, decode_xml(data, path)[0], sha256)
            if tm is None:
                tm = self.kept(parse_source(path, data))
            return self.remember(source_id, sha256, tm)
        return self.cache[key]

    def version_of(self, source_id: str, sha256: str) -> TextMap | None:
        """The reading text of that version of a source; None when its bytes are not kept or
        cannot be read: a span of it is never read from another version's text."""
        try:
            tm = self.version_textmap(source_id, sha256)
        except AnnotatorError:
            return None
        return tm if tm.sha256 == sha256 else None

    def surface(self, source_id: str, sha256: str, start: int, end: int) -> str:
        """The characters of a span in the version it was made on ('' when unreadable)."""
        tm = self.version_of(source_id, sha256)
        return "" if tm is None else tm.text[start:end]


def _whole(path: Path, size: int = -1) -> bytes:
    """The file's bytes, b'' when it is bigger than a source may be: read by the system's
    calls, without a file object (it cost an export as much as its reads: a few of them).
    ``size``: the bytes it is expected to have (-1: not known): a read of one more than
    those that gives just those has found its end, not asking the file's size nor reading
    on. One that gives fewer reads on to the end: the file shrank, or its filesystem gives
    a read in pieces (a network or FUSE one may)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        parts = []
        if 0 <= size <= MAX_SOURCE_BYTES:
            parts.append(os.read(fd, size + 1))
            if len(parts[0]) == size:  # a local file's read gives fewer only at its end
                return parts[0]
        size = os.fstat(fd).st_size
        if size > MAX_SOURCE_BYTES:
            return b""
        # till the read that finds the end: the file may have grown since ``fstat``
        while part := os.read(fd, size + 1):
            parts.append(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def _loaded(blob: bytes, text: str, sha256: str, *, elements: bool = False,
            head: tuple[textmap_pack.Head, Counter[tuple[str, str]]] | None = None
            ) -> TextMap | None:
    """The kept map ``blob`` of a file of characters ``text``; None when it is damaged
    (``elements``: its elements too, which only an export reads; ``head``: its head, decoded
    already, and the pointer forms it holds, counted already: ``Texts.forms``)."""
    try:
        tm = textmap_pack.load(blob, text, sha256, *(head or (None, None)), viewed=elements)
    except ValueError:
        return None
    return tm if not elements or _sound(tm) else None


def _sound(tm: TextMap) -> bool:
    """Whether the map's kept elements decode (decoded now, so an export can read them)."""
    try:
        tm.elements()
    except ValueError:
        return False
    return True


# what an edited file's warning (S016) says of it meanwhile: the commands that would write a
# decision on it or export it refuse it, the listings read it as the store keeps it
_EDITED_READ = ("'export', 'propose', 'claims propose', 'claim add', 'mention add' and 'reject' "
                "refuse it, and 'claims', 'claim show', 'check', 'mentions', 'dates' and 'text' "
                "read it as the store keeps it")


def _changed(path: Path, src: Source) -> SourceError:
    """S016, saying both ways out: the edit taken, or the kept version written back (the
    file removed first: a version is never written over a file, S029)."""
    file = reached(path)
    return SourceError("file changed since it was added",
                       hint=f"run 'annotator add --replace {file}' to take the edit, or "
                            "restore the file as it was added: 'annotator source versions "
                            f"{src.id} --write {src.sha256[:8]} -o -' prints it, to compare; "
                            f"remove {file} first, then the same with '-o {file}' writes it "
                            "back",
                       location=Location(file), code="S016")


class RunTexts:
    """Reading texts by source id for one run over many sources (a proposal run naming anew
    the entities it changed): those it has read, given as it goes (``read``), the others
    read once each when asked (``Texts.passing``: their maps are not kept in memory)."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.read: dict[str, str] = {}

    def __call__(self, source_id: str) -> str:
        text = self.read.get(source_id)
        if text is None:
            text = self.read[source_id] = self.texts.passing(self.texts.source(source_id)).text
        return text
