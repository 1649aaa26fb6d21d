"""Adding sources: TEI kept byte for byte, text and Markdown encoded as TEI, every file read,
encoded and parsed before anything is written; a replaced source keeps the decisions whose
text is unchanged.

Adding is one act per file: the source row, its version's bytes and text map, the works its
header and lists give, the names and dates it already marks up, and what an annotator export
brings back (claims, links, works) commit together with the file, or not at all.

DOCS: docs/store.md
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from pathlib import Path

from annotator.acts import bibliography
from annotator.acts.align import Match, align, block_of
from annotator.acts.context import ActContext
from annotator.acts.edition_markup import FileProposals, file_proposals, import_markup
from annotator.acts.entity_edits import drop_left, rename, unsaid
from annotator.acts.register import import_register, is_written_register
from annotator.acts.reimport import import_exported
from annotator.acts.source_dates import date_warning
from annotator.chronology import EDITOR
from annotator.config import SOURCES_DIR
from annotator.errors import AnnotatorError, Interrupted, Location, SourceError
from annotator.files import atomic_write, reached, relative
from annotator.interrupt import held
from annotator.records import AddResult, RegisterImport
from annotator.store import Act, now
from annotator.store import claims as claim_rows
from annotator.store import sources as source_rows
from annotator.store import textmaps
from annotator.store.decided import edited_claims, file_proposal_ids, source_mention_ids
from annotator.tei.dating import DateDisagreement, source_date
from annotator.tei.encode import encode_markdown, encode_text
from annotator.tei.parse import (TEI_NS, ParsedSource, decode_text, element_text, parse_source,
                                 read_source_bytes)
from annotator.tei.textmap import TextMap, build_textmap
from annotator.text import not_xml, source_id, word_span

TEI_SUFFIXES = (".xml", ".tei")
TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")


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


def add_many(ctx: ActContext, paths: Iterable[str | Path], *, title: str | None = None,
             replace: bool = False,
             on_error: Callable[[AnnotatorError], None] | None = None,
             on_register: Callable[[RegisterImport], None] | None = None) -> list[AddResult]:
    """Add files; a bad file is reported (``on_error``) and nothing of it written. Without
    ``on_error`` the first bad file raises, before any file is written.

    A register an export wrote (``register.xml`` beside the files of ``export tei``:
    ``is_written_register``) is no source: with ``on_register`` it is imported as the
    register it is, first, so the files' names find its entries, its proposals staying
    proposals, each import reported there; without, it is refused (S027), as a file no
    source can be.

    Ctrl-C stops the run between two sources (one under way is finished: its row and its
    file, or neither): ``Interrupted`` holds the results of those added."""
    given = [Path(p) for p in paths]
    prepared: list[_Prepared] = []
    results: list[AddResult] = []
    left = len(given)  # files not yet added, found unchanged or refused

    def refused(step: Callable[[], object]) -> bool:
        """``step()``; its AnnotatorError reported (``on_error``, else raised): True."""
        try:
            step()
        except AnnotatorError as err:
            if on_error is None:
                raise
            on_error(err)
            return True
        return False

    try:
        for path in given:
            if refused(lambda: prepared.append(_prepare(ctx, path, title=title))):
                left -= 1
        sources: list[_Prepared] = []
        for item in prepared:
            if item.origin == "tei" and is_written_register(item.parsed.root):
                with held():
                    refused(lambda: _import_register(ctx, item.path, on_register))
                    left -= 1
            else:
                sources.append(item)
        kept = _made_from_given(ctx, sources)
        left -= len(sources) - len(kept)
        for item in kept:
            with held():
                refused(lambda: results.append(_commit_source(ctx, item, replace=replace)))
                left -= 1
    except KeyboardInterrupt:
        raise Interrupted(f"{len(results)} of {len(given)} source{'s' * (len(given) != 1)} "
                          "added", hint="run the same command again to add the rest" if left
                          else "nothing is left to add", done=results) from None
    return results


def _import_register(ctx: ActContext, path: Path,
                     on_register: Callable[[RegisterImport], None] | None) -> None:
    if on_register is None:  # no one to say what the import did: not done unasked
        raise SourceError(f"{path.name} is an export's register (written by annotator), "
                          "not a source",
                          hint=f"import it with 'annotator register import {path}'",
                          location=Location(path), code="S027")
    on_register(import_register(ctx, path))


def _made_from_given(ctx: ActContext, prepared: list[_Prepared]) -> list[_Prepared]:
    """The files to add, less a TEI file given beside the .txt or .md it was made from
    (``add sources/*``): that TEI is the text's source file, not another, so it is added
    (or found unchanged) once, as the text; it is left out when it holds what the text makes
    now or what the store holds, so it can never undo the text's replacement."""
    made = {item.target.resolve(): item for item in prepared if item.origin != "tei"}
    kept = []
    for item in prepared:
        text = made.get(item.path.resolve()) if item.origin == "tei" else None
        if text is not None and text.id == item.id:
            row = source_rows.source_row(ctx.store.conn, item.id)
            if item.data == text.data or (row is not None
                                          and row["sha256"] == item.parsed.sha256):
                continue
        kept.append(item)
    return kept


def _prepare(ctx: ActContext, path: Path, *, title: str | None) -> _Prepared:
    suffix = path.suffix.lower()
    if suffix not in TEI_SUFFIXES + TEXT_SUFFIXES + MARKDOWN_SUFFIXES and not path.is_dir():
        if not path.exists():
            read_source_bytes(path)  # raises 'file not found'
        raise SourceError(f"cannot add a '{suffix or 'extensionless'}' file",
                          hint="give a TEI .xml, a .txt or a .md file",
                          location=Location(path), code="S012")
    raw = read_source_bytes(path, max_bytes=ctx.settings.max_source_mib * 1024 * 1024)
    sid = source_id(path.name)
    if suffix in TEI_SUFFIXES:
        data, origin = raw, "tei"
    else:
        text = decode_text(raw, path)  # UTF-8, or UTF-16/32 with a byte-order mark
        bad = not_xml(text)
        if bad is not None:
            raise SourceError(f"{bad[2]} (no TEI file can hold it)",
                              hint="remove it from the file and add it again",
                              location=Location(path, bad[0], bad[1]), code="S017")
        if not text.strip():
            raise SourceError("file has no text", hint="add a file with text in it",
                              location=Location(path), code="S003")
        encode = encode_markdown if suffix in MARKDOWN_SUFFIXES else encode_text
        data = encode(text, name=path.name, title=title).encode("utf-8")
        origin = suffix.lstrip(".")
    parsed = parse_source(path, data)
    return _Prepared(path, sid, _target(ctx, path, sid), data, parsed, build_textmap(parsed),
                     origin)


def _target(ctx: ActContext, path: Path, sid: str) -> Path:
    """Where the file is kept: under the name the editor gave it (an edition's files link to
    each other and are published by name; the id may be a slug, the file is not renamed).
    A .txt or .md file is kept as the TEI made of it, ``<its name>.xml``."""
    resolved = path.resolve()
    sources_dir = ctx.root / SOURCES_DIR
    if resolved.parent == sources_dir.resolve() and resolved.suffix.lower() in TEI_SUFFIXES:
        return resolved  # already in sources/: registered where it is, never rewritten
    return sources_dir / (path.name if path.suffix.lower() in TEI_SUFFIXES
                          else f"{path.stem}.xml")


def _kept_target(ctx: ActContext, item: _Prepared, row: sqlite3.Row) -> Path:
    """Where a replaced source's file goes: where its stored file is, when the new file is
    the one the source was added from (the name the store recorded, ``Letter 1.txt``), or a
    TEI file of the stored file's name. A text or Markdown file is kept under a name made of
    its own (``letter-1.txt`` -> ``letter-1.xml``): that name is not its. A file of another
    name whose id is the same is another file, refused: it would take that file's place.

    A store before version 9 did not record names: there only the TEI annotator made of a
    text or Markdown file names it. A TEI source kept as ``<id>.xml`` may be a file so named
    or (``<id>.xml`` kept by an older annotator) one named otherwise: another name is
    refused, saying so, rather than guessed."""
    stored = ctx.root / str(row["file"])
    added_as = row["name"] or _encoded_from(ctx, row)
    if item.path.name == added_as or (item.origin == "tei" and stored.name == item.path.name):
        return stored
    if not added_as and item.origin == row["origin"] == "tei" and \
            stored.name == f"{item.id}.xml":
        raise SourceError(f"source '{item.id}' is {row['file']}, added before annotator "
                          f"recorded the names of files; {item.path.name} may be another file "
                          "with the same id",
                          hint=f"if it is that source's file, name it {stored.name} to replace "
                               "it; else give it a name of its own",
                          location=Location(item.path), code="S018")
    same = added_as or stored.name
    rename = f"name it {same} to replace that source, or " if \
        _kind(same) == _kind(item.path.name) else ""  # never Markdown named as TEI
    raise SourceError(f"source '{item.id}' is {row['file']}"
                      f"{f' (added from {added_as})' if added_as else ''}; {item.path.name} "
                      "is another file with the same id",
                      hint=f"{rename}give it a name of its own (a source's id is made of its "
                           "file's name)", location=Location(item.path), code="S018")


def _kind(name: str) -> str:
    """What a file of this name is read as: TEI, plain text or Markdown."""
    suffix = Path(name).suffix.lower()
    return "tei" if suffix in TEI_SUFFIXES else "md" if suffix in MARKDOWN_SUFFIXES else "txt"


def _encoded_from(ctx: ActContext, row: sqlite3.Row) -> str:
    """The name of the text or Markdown file a source's TEI was made from, as its header
    says it (``Encoded from the plain-text file <ref target="Letter 1.txt">``); '' for a TEI
    source, whose file is kept as it was."""
    if row["origin"] == "tei":
        return ""
    data = source_rows.version_bytes(ctx.store.conn, row["sha256"])
    if data is None:
        return ""
    try:
        root = parse_source(Path(str(row["file"])), data).root
    except AnnotatorError:
        return ""
    ref = root.find("t:teiHeader//t:sourceDesc/t:p/t:ref", {"t": TEI_NS})
    para = ref.getparent() if ref is not None else None
    if ref is None or para is None or not (para.text or "").startswith("Encoded from the "):
        return ""
    return str(ref.get("target", ""))


def _commit_source(ctx: ActContext, item: _Prepared, *, replace: bool) -> AddResult:
    tm = item.textmap
    rel = relative(item.target, ctx.root)
    assert rel is not None  # sources/ is inside the workspace
    row = source_rows.source_row(ctx.store.conn, item.id)
    if row is not None and row["sha256"] == item.parsed.sha256:
        ctx.texts.restore(source_rows.source_from_row(row))
        return AddResult(source_rows.source_from_row(row), "unchanged", given=str(item.path))
    if row is not None:  # another file of the same id is refused first (S018): --replace,
        # which S013 offers, would only be refused for it
        target = _kept_target(ctx, item, row)
        if not replace:
            raise SourceError(f"source '{item.id}' already exists with other content",
                              hint="use --replace to replace it (decisions that still match "
                                   "are kept)", location=Location(item.path), code="S013")
        item = dc_replace(item, target=target)
        rel = relative(item.target, ctx.root)
        assert rel is not None
    write = item.target.resolve() != item.path.resolve()
    previous = item.target.read_bytes() if write and item.target.exists() else None
    if row is None and previous is not None:
        if previous != item.data:
            raise SourceError(f"{rel} already exists and is not this file",
                              hint="rename the file or remove the old one",
                              location=Location(item.path), code="S014")
    title = _title(item.parsed)
    own_date, date_differs = _source_date(item.parsed, row)
    values = {"id": item.id, "file": rel, "sha256": item.parsed.sha256,
              "title": title, "origin": item.origin, "chars": len(tm.text),
              "words": len(tm.text.split()), "added_at": now(), "name": item.path.name,
              **own_date}
    kept = stale = withdrawn = decisions_kept = read_again = 0
    written = False
    texts = ctx.texts
    payload: dict[str, object] = {"file": rel}
    folder = item.path.resolve().parent
    if folder != (ctx.root / SOURCES_DIR).resolve() and folder.name:
        payload["folder"] = folder.name  # a human name for its edition (edition_labels)
    unread: dict[str, dict[str, str]] = {}
    # what the version replaced gave as an export's proposals: read before the act begins
    given = _given_proposals(ctx, item, row["sha256"]) if row is not None else FileProposals()
    try:
        with ctx.store.act("replace" if row else "add", f"source:{item.id}",
                           editor=ctx.editor, payload=payload) as act:
            source_rows.keep_version(act.conn, item.parsed.sha256, item.data, now(),
                                     date_differs)
            textmaps.keep(act.conn, tm)
            if row is None:
                act.insert("sources", values)
            else:
                old_tm = texts.version_textmap(item.id, row["sha256"])
                act.update("sources", {"id": item.id},
                           {**values, "added_at": row["added_at"], "replaced_at": now(),
                            "name": row["name"] or item.path.name})  # the one it was added from
                kept, stale, withdrawn, places = _carry_over(act, item.id, old_tm, tm, given)
                if places:  # with the act: where each stale claim's words are now
                    payload["stale_claims"] = {"sha256": tm.sha256, "places": {
                        str(cid): list(span) for cid, span in sorted(places.items())}}
            clashes = bibliography.add_source_works(
                act, item.id, item.parsed, title=title, date=own_date["date"],
                edition_of=texts.edition, file=reached(item.path))
            texts.remember(item.id, item.parsed.sha256, tm)  # its file may not be written yet
            decisions_kept = import_markup(ctx.review(), act, item.id, item.parsed, tm,
                                           unread)[1]
            if unread:  # logged with the act: what file_date_value gives for these mentions
                payload["unread_dates"] = unread
            kept_here = _exports_from_source(ctx, act, item.id, item.parsed, tm)
            if row is not None:  # the names of what it took away or made stale, chosen anew
                drop_left(act)
                rename(act, texts.reading_text, unsaid(act.changes), machine=True)
                read_again = _read_again(act.conn, item.id, tm.sha256,
                                         file_proposals(item.parsed, tm))
            if write and row is not None:
                atomic_write(item.target, item.data)
                written = True
        if write and row is None:
            # a new source: the store (which keeps its bytes) first, then the file, so a kill
            # in between leaves a row whose file is put back (Texts.restore), never a file no
            # row knows
            atomic_write(item.target, item.data)
    except BaseException:
        if written:  # the store kept the old state: put the old file back too
            if previous is None:
                item.target.unlink(missing_ok=True)
            else:
                atomic_write(item.target, previous)
        raise
    texts.remember(item.id, item.parsed.sha256, tm)
    src = texts.source(item.id)
    warned = date_warning(src, date_differs, item.path)
    return AddResult(src, "replaced" if row else "added", kept, stale, str(item.path),
                     withdrawn=withdrawn, warnings=((warned,) if warned else ()) + clashes,
                     decided_here=kept_here, decisions_kept=decisions_kept,
                     read_again=read_again)


def _title(parsed: ParsedSource) -> str:
    el = parsed.root.find(f".//{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title")
    return element_text(el)


def _source_date(parsed: ParsedSource, row: sqlite3.Row | None
                 ) -> tuple[dict[str, str], DateDisagreement | None]:
    """The source's own date (its anchor) as the header, dateline or title give it
    (``dating.source_date``), and the header's and dateline's disagreement on it (S026, kept
    with the version); a date the editor set is kept when the file is replaced (and no S026 is
    said of it while it is)."""
    found = source_date(parsed)
    if row is not None and row["date_reason"] == EDITOR:
        return {"date": row["date"], "date_reason": row["date_reason"]}, found.disagreement
    return {"date": found.day.tei() if found.day else "", "date_reason": found.reason}, \
        found.disagreement


def _exports_from_source(ctx: ActContext, act: Act, source_id: str, parsed: ParsedSource,
                         tm: TextMap) -> tuple[int, ...]:
    """An annotator export being added brings back its claims, links and cited works; a
    source another export links passages of resolves those links now. Returns the claims an
    editor decided here that the file decides otherwise (``reimport.import_exported``)."""
    kept_here = import_exported(act, source_id, parsed, tm)
    for waiting in claim_rows.waiting_for(act.conn, source_id):
        act.delete("pending_passages", {"source_id": waiting, "target_source_id": source_id})
        if waiting != source_id:
            waiting_parsed = ctx.texts.parsed(waiting)
            import_exported(act, waiting, waiting_parsed,
                            ctx.texts.textmap(waiting, waiting_parsed))
    return kept_here


# the columns of a span, and of the version it is on, in each table ``version_spans`` reads
_SPAN_COLUMNS = {"mentions": ("start", "end", "sha256"), "claims": ("start", "end", "sha256"),
                 "links": ("target_start", "target_end", "target_sha256")}


def _given_proposals(ctx: ActContext, item: _Prepared, sha256: str) -> FileProposals:
    """The proposals the version being replaced gave when it was an annotator export
    (``edition_markup.file_proposals``), read from the bytes the store kept of it; none when
    it kept none or they cannot be read."""
    data = source_rows.version_bytes(ctx.store.conn, sha256)
    if data is None:
        return FileProposals()
    try:
        return file_proposals(parse_source(item.target, data))
    except AnnotatorError:
        return FileProposals()


def _read_again(conn: sqlite3.Connection, source_id: str, sha256: str,
                given: FileProposals) -> int:
    """How many of the proposals an annotator export's new file gives (``given``: mentions,
    claims, suggested links) the source holds now as the file gives them, undecided: what a
    replace read again from the file rather than carrying over (``_carry_over``), for its
    ``replaced:`` line, where they are neither kept nor stale."""
    if not (given.mentions or given.claims or given.links):
        return 0
    edited = edited_claims(conn)
    claims = sum(1 for r in source_rows.version_spans(conn, source_id, sha256)["claims"]
                 if r["status"] == "proposed" and r["id"] not in edited
                 and (r["start"], r["end"], r["provenance"]) in given.claims)
    links = sum(1 for _, cid, *link in claim_rows.version_suggestions(conn, source_id, sha256)
                if tuple(link) in given.links and cid not in edited)
    return len(file_proposal_ids(conn, source_id, sha256, given.mentions)) + claims + links


def _carry_over(act: Act, source_id: str, old: TextMap, new: TextMap,
                given: FileProposals = FileProposals()
                ) -> tuple[int, int, int, dict[int, tuple[int, int]]]:
    """Move mentions, claims and the passages claims link to of the old version onto the new
    one where their text is unchanged.

    The two reading texts are aligned (``align``: head and tail, then lines, words and, in the
    gaps between matched words, characters); a span moves when both its ends fall in one
    unchanged block, so its characters are identical in the new text. Anything else is marked
    'stale' (kept, with its decision, for the editor to look at; never moved blindly): a
    mention or claim by its status, a passage by keeping the old version, whose text its
    offsets still read (``store.claims.CURRENT``).
    Mentions the old file's own markup gave, which no editor changed, are not carried: they
    were the file's, and the new file's markup (imported next) replaces them, so a name it
    marks is there once, where it marks it now. So are the proposals the old file gave as
    an annotator export's (``given``: mentions, claims and suggested links marked
    ``@cert="unknown"`` with its proposer's ``@resp``), undecided and unchanged by an
    editor: the new file's markup and header give them again, as adding it would, with the
    provenance it names now, decided where it has them decided, gone where it has them no
    more. A claim the finder proposed whose words changed, which no editor acted on, is
    withdrawn (with its suggested links) rather than kept stale: nobody decided it, and
    'claims propose' finds the words as they are now.
    Returns (kept, stale, withdrawn, places): ``places`` is where the words of each stale
    claim of the source (made stale now or by an earlier replace) are nearest in the new
    text (``nearest``), for the check and the editor marking it again.
    """
    blocks = align(old.text, new.text)
    starts = [b.a for b in blocks]
    kept = stale = withdrawn = 0
    conn = act.conn
    own = source_mention_ids(conn, source_id, old.sha256) | file_proposal_ids(
        conn, source_id, old.sha256, given.mentions)
    edited = edited_claims(conn)
    for lid, cid, start, end, rel, locus, provenance in claim_rows.version_suggestions(
            conn, source_id, old.sha256):
        if (start, end, rel, locus, provenance) in given.links and cid not in edited:
            act.delete("links", {"id": lid})  # the new file gives it again
    # where the stale claims of earlier replaces are nearest in the old text, to follow on
    was_at = source_rows.stale_places(conn, source_id, old.sha256)
    for table, rows in source_rows.version_spans(conn, source_id, old.sha256).items():
        for r in rows:
            if table == "mentions" and r["id"] in own:
                act.delete("mentions", {"id": r["id"]})
                continue
            if table == "claims" and r["status"] == "proposed" and r["id"] not in edited \
                    and (r["start"], r["end"], r["provenance"]) in given.claims:
                _drop_claim(act, r["id"])  # the new file gives it again
                continue
            b = block_of(blocks, starts, r["start"], r["end"])
            if b is not None:
                moved = (r["start"] + b.b - b.a, r["end"] + b.b - b.a)
                act.update(table, {"id": r["id"]},
                           dict(zip(_SPAN_COLUMNS[table], (*moved, new.sha256))))
                kept += 1
            elif table == "claims" and r["status"] == "proposed" and \
                    r["provenance"] != "editor" and r["id"] not in edited:
                _drop_claim(act, r["id"])
                withdrawn += 1
            else:
                if table != "links":
                    act.update(table, {"id": r["id"]}, {"status": "stale"})
                if table == "claims":
                    was_at[int(r["id"])] = (r["start"], r["end"])
                stale += 1
    ends = [b.a + b.size for b in blocks]
    places = {cid: nearest(new.text, blocks, starts, ends, *span)
              for cid, span in was_at.items()}
    return kept, stale, withdrawn, places


def _drop_claim(act: Act, claim_id: int) -> None:
    """Delete a claim with its links, each in the log."""
    for lid in claim_rows.link_ids(act.conn, claim_id):
        act.delete("links", {"id": lid})
    act.delete("claims", {"id": claim_id})


def nearest(text: str, blocks: Sequence[Match], starts: Sequence[int], ends: Sequence[int],
             start: int, end: int) -> tuple[int, int]:
    """Where the old text's span [start, end) is nearest in the new ``text``: where ``check``
    says a stale claim's or mention's words are now (``blocks``:
    the unchanged stretches, old offset ``a``, new ``b``; ``starts`` and ``ends``: each one's
    first and after-last old offset, for bisect, so many stale claims cost no pass over every
    block each): each end where it moved to when it lies in an unchanged stretch, else the edge
    of the change beside it (the start after the stretch before, the end before the stretch
    after), widened to whole words; (p, p) where the words are gone, at the place they were."""
    new_start, new_end = 0, len(text)
    i = bisect_right(starts, start) - 1  # the last stretch starting at or before it
    if i >= 0:
        b = blocks[i]
        new_start = start + b.b - b.a if start < ends[i] else b.b + b.size
    j = bisect_left(ends, end)  # the first stretch holding its last character, or after it
    if j < len(blocks):
        b = blocks[j]
        new_end = end + b.b - b.a if b.a < end else b.b
    if new_end <= new_start:
        return new_start, new_start
    return word_span(text, new_start, new_end) or (new_start, new_start)
