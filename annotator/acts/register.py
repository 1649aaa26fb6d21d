"""The register: the persons, places and organisations an edition has confirmed.

Read from an existing TEI personography/placeography (``listPerson``, ``listPlace``, ``listOrg``
with ``xml:id``, ``persName``/``placeName``/``orgName`` and ``idno``) so an edition's register is
used from the start with its ids kept, and written back the same way.

DOCS: docs/review.md#the-register
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from annotator.bibliography.entries import refusal
from annotator.bibliography.library import SKIPPED, WARNING, Problem
from annotator.entities.names import name_forms, name_key
from annotator.entities.pointers import entry_pointers, is_uri, normalise
from annotator.errors import AnnotatorError, DecisionError, Location, SourceError
from annotator.files import read_named
from annotator.records import Entity, RegisterImport
from annotator.acts.context import ActContext
from annotator.acts.entity_edits import add_variant, authority_holders, set_authority
from annotator.acts.review import Review
from annotator.entities.authority import normalise_authority, scheme_from_url
from annotator.store import Act, decisions, entities, mentions, now, pointers, textmaps
from annotator.store import sources as source_rows
from annotator.tei import textmap_pack
from annotator.tei.header import APP_ID, annotator_apps, edition_name
from annotator.tei.parse import TEI_NS, XML_ID, element_text, parse_xml, source_line
from annotator.tei.prefixes import Prefixes
from annotator.text import fold

# register type -> (list element, entry element, name element)
TEI_NAMES = {"person": ("listPerson", "person", "persName"),
             "place": ("listPlace", "place", "placeName"),
             "org": ("listOrg", "org", "orgName")}
_ENTRY_TYPES = {entry: t for t, (_, entry, _) in TEI_NAMES.items()}
_IDNO_TYPES = {"wikidata": "wikidata", "wd": "wikidata", "viaf": "viaf", "geonames": "geonames",
               "gnd": "gnd", "dnb": "gnd"}


def _t(name: str) -> str:
    return f"{{{TEI_NS}}}{name}"


def search(entries: Iterable[Entity], query: str | None) -> list[Entity]:
    """Entries whose name (any spelling), id or authority id matches ``query``."""
    entries = list(entries)
    if not query:
        return entries
    key = name_key(query)
    folded = fold(query.strip())  # 'lodz' finds 'Łódź', which name_key keeps as 'łódź'
    needle = query.strip().casefold()
    return [e for e in entries
            if any(key and key in name_key(v) or folded and folded in fold(v)
                   for v in (e.preferred, *e.variants))
            or needle == e.id.casefold()
            or any(needle == value.casefold() for _, value in e.authority)]


# -- reading a TEI register ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One person, place or organisation read from a TEI list."""

    id: str
    type: str
    names: tuple[str, ...]
    authority: tuple[tuple[str, str], ...]
    note: str
    line: int | None
    pointers: tuple[str, ...] = ()  # its xml:id, @sameAs, idno and link URIs (entities.pointers)
    identity: tuple[str, ...] = ()  # those of them that say who it is (not a 'desc' link)
    geo: str = ""  # a place's first location/geo, as written ('52.52 13.40')
    written: tuple[str, ...] = ()  # each of ``pointers`` as the file writes it ('https://...')
    # marked as a proposal no editor decided (``@cert="unknown"``, ``@resp`` to annotator's
    # application in the file's header: an export with proposals writes it so)
    proposed: bool = False


def read_entries(root: etree._Element, path: Path, *, strict: bool = True,
                 problems: list[Problem] | None = None,
                 proposed: Callable[[etree._Element], bool] = lambda el: False
                 ) -> list[RegisterEntry]:
    """Every ``person``/``place``/``org`` with an xml:id inside a listPerson/listPlace/listOrg.

    ``strict``: an entry without xml:id or name is an error (a register file); otherwise it is
    left out (lists inside a source, which are not ours to refuse). With ``problems`` (and
    ``strict``) the error is added there instead of raised, the entry left out (an authority
    id of the wrong shape: the id left out, the entry kept). Names come as written, then the
    running-text forms made from them ("Heller, Artur" -> "Artur Heller"); pointers the entry
    answers to are kept (by key, and as written), so a source's ``@ref`` to its xml:id or to
    one of its URIs resolves to it. ``proposed``: whether an entry is marked as a proposal
    (``RegisterEntry.proposed``).
    """
    prefixes = Prefixes.of(root)
    out: list[RegisterEntry] = []
    for t, (list_name, entry_name, name_el) in TEI_NAMES.items():
        for el in root.iter(_t(entry_name)):
            parent = el.getparent()
            if parent is None or parent.tag != _t(list_name):
                continue
            xml_id = el.get(XML_ID)
            if not xml_id and not strict:
                continue
            if not xml_id:
                _problem(problems, path, el, "", f"<{entry_name}> without xml:id",
                         "give every register entry an xml:id", "S202")
                continue
            names = [element_text(n) for n in el.iter(_t(name_el)) if element_text(n)]
            if t == "org":
                names += [element_text(n) for n in el.findall(_t("name")) if element_text(n)]
            # the file's names as written first, then the running-text forms made from them:
            # a variant is kept once per key (add_variant), so the file's "Sal. De Jong" is
            # kept and the "Sal De Jong" made from "De Jong, Sal" only adds a new key
            names = [*names, *(form for n in names for form in name_forms(n))]
            if not names and not strict:
                continue
            if not names:
                _problem(problems, path, el, "", f"{entry_name} '{xml_id}' has no <{name_el}>",
                         f"add <{name_el}> with its name", "S203")
                continue
            ids = []
            for idno in el.findall(_t("idno")):
                scheme = _IDNO_TYPES.get((idno.get("type") or "").strip().lower())
                value = element_text(idno)
                if scheme is None:
                    scheme = scheme_from_url(value)
                if scheme is None:
                    continue  # an idno of another kind (a local number...): not ours to check
                try:
                    ids.append(normalise_authority(scheme, value))
                except DecisionError as err:
                    if strict:
                        _problem(problems, path, idno, xml_id, err.message, err.hint,
                                 "S204", WARNING)
                    continue
            note = " ".join(note_text(n) for n in el.findall(_t("note")))
            # the first location/geo as written, its spaces folded ('52.52 13.40')
            geo = element_text(el.find(f"{_t('location')}/{_t('geo')}")) if t == "place" else ""
            every, identity, written = entry_pointers(el, prefixes)
            out.append(RegisterEntry(xml_id, t, tuple(dict.fromkeys(names)), tuple(ids), note,
                                     source_line(el), every, identity, geo, written,
                                     proposed(el)))
    return out


def _problem(problems: list[Problem] | None, path: Path, el: etree._Element, key: str,
             what: str, hint: str, code: str, severity: str = SKIPPED) -> None:
    """Keep the problem (the caller goes on without the entry, or the id) or, without a list,
    raise it."""
    if problems is None:
        raise SourceError(what, hint=hint, location=Location(path, source_line(el)), code=code)
    problems.append(Problem(str(path), source_line(el), key, what, hint, code, severity))


def read_register_file(path: str | Path, problems: list[Problem] | None = None
                       ) -> list[RegisterEntry]:
    """Entries of a TEI register file (a TEI document or a bare listPerson/listPlace/listOrg);
    with ``problems``, an entry that cannot be read is named there and left out."""
    return _read_file(path, problems)[0]


def _read_file(path: str | Path, problems: list[Problem] | None
               ) -> tuple[list[RegisterEntry], str]:
    """``read_register_file``'s entries, and the edition the file's header names
    (``tei.header.edition_name``: '' for none)."""
    p = Path(path)
    data = read_named(p, code="S201")
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # a spreadsheet's, a list's
        raise SourceError("not a TEI register: the file is not XML",
                          hint="a register is read from TEI listPerson, listPlace or listOrg "
                               "entries with an xml:id each; save a spreadsheet's rows as "
                               "such entries first", location=Location(p, 1, 1), code="S201")
    root = parse_xml(data, p)
    if etree.QName(root).namespace != TEI_NS:
        raise SourceError("not a TEI register (elements must be in the TEI namespace)",
                          hint=f'add xmlns="{TEI_NS}" to the root element',
                          location=Location(p, source_line(root)), code="S201")
    entries = read_entries(root, p, problems=problems, proposed=marked_proposals(root))
    if not entries and problems:
        raise refusal(problems, "nothing was imported")
    if not entries:
        raise SourceError("no register entries found",
                          hint="give a TEI file with listPerson, listPlace or listOrg entries "
                               "that have an xml:id", location=Location(p), code="S201")
    return entries, edition_name(root)


def proposed_by(el: etree._Element, proposers: Mapping[str, str]) -> str | None:
    """The provenance of the proposal an exported element is (``@cert="unknown"`` and
    ``@resp`` naming one of the export's ``proposers``, ``reimport.proposers``: ``@resp``
    value -> provenance), None for the file's own markup: the one test of every re-import."""
    if el.get("cert") != "unknown":
        return None
    return proposers.get((el.get("resp") or "").strip())


def marked_proposals(root: etree._Element) -> Callable[[etree._Element], bool]:
    """Whether an entry of the register ``root`` is a proposal an annotator export marked
    (``proposed_by`` one of ``annotator_apps``): ``export tei --include-proposals`` writes
    its proposed entities so in register.xml, as in a file's standOff."""
    exported = {f"#{a.get(XML_ID)}": "" for a in annotator_apps(root)}
    return lambda el: proposed_by(el, exported) is not None


def is_written_register(root: etree._Element) -> bool:
    """Whether a TEI document is a register ``export_register`` wrote (``register.xml`` of
    an export, ``register export``): its header's publication statement is ours and its body
    holds register lists only. ``add`` of an export folder imports it as the register it is,
    never as a source."""
    body = root.find(f"{_t('text')}/{_t('body')}")
    said = root.find(f"{_t('teiHeader')}/{_t('fileDesc')}/{_t('publicationStmt')}/{_t('p')}")
    if body is None or said is None or element_text(said) != _PUBLISHED:
        return False
    lists = {_t(list_name) for list_name, _, _ in TEI_NAMES.values()}
    kids = [el for el in body if isinstance(el.tag, str)]
    return bool(kids) and all(el.tag in lists for el in kids)


@dataclass(slots=True)
class Imported:
    """What ``import_entries`` did, each merge with its reason (lines for the editor)."""

    added: int = 0
    updated: int = 0
    merges: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)


def import_entries(review: Review, rec: Act, entries: Iterable[RegisterEntry], *,
                   merge_candidates: bool = True, path: Path | None = None,
                   edition: str = "") -> Imported:
    """Within an act: make entries confirmed register entities, keeping their ids.

    Every entry is its own entity: two register entries, of one file or of two, are never
    merged (their ids are what the sources point to), only named (``_take_pointers``). An entry already in the store gets the names and ids it
    lacks, and the entry's first name as its preferred one (made from a letter's ``@ref``
    before the register came, it was named by that letter's spelling, which stays a variant)
    unless an editor chose it. With ``merge_candidates``, proposed entities of the same type
    sharing a name with an entry are merged into it, so the editor decides their mentions
    once, on the entry; unless they share only a name of one word and are named in another
    edition than the register's (``edition``, its header's; ``word_alone``), or the sources' markup points to one by another id
    (``_marked_apart``) or the model's mentions of it are flagged ambiguous (``_ambiguous``):
    kept apart and named in ``shared``. The entities become known; what the model proposed
    stays proposed (an entry's own, a merged one's) until an editor decides it. An entry the
    file marks as a proposal (``RegisterEntry.proposed``) comes in proposed, and an entity
    already in the store keeps its status: no editor decided it.
    """
    entries = list(entries)
    ours = {e.id for e in entries}
    done = Imported()
    conn = rec.conn
    for e in entries:
        row = entities.entity_row(conn, e.id)
        if row is None:
            rec.insert("entities", {"id": e.id, "type": e.type, "preferred": e.names[0],
                                    "status": "proposed" if e.proposed else "confirmed",
                                    "note": e.note, "geo": e.geo,
                                    "created_at": now()})
            done.added += 1
        else:
            if row["type"] != e.type:
                review.relabel_entity(rec, e.id, e.type)
            values = {} if e.proposed else {"status": "confirmed"}
            if row["preferred"] != e.names[0] and not decisions.preferred_by_editor(conn, e.id):
                values["preferred"] = e.names[0]  # the register's name, not a letter's "Hitler"
                add_variant(rec, e.id, row["preferred"])  # which stays a spelling of it
            if e.note and not row["note"]:
                values["note"] = e.note
            if e.geo and not row["geo"]:
                values["geo"] = e.geo
            before = len(rec.changes)
            if values:
                rec.update("entities", {"id": e.id}, values)
            if row["status"] != "confirmed" and not e.proposed:
                review.apply_status(rec, e.id, "confirmed", cascade=False)
            done.updated += len(rec.changes) > before
        for name in e.names:
            add_variant(rec, e.id, name)
        for scheme, value in e.authority:
            set_authority(rec, e.id, scheme, value)
        _take_pointers(review, rec, e, ours, done, path)
    if not merge_candidates:
        return done
    # the sources whose own markup points into these entries: the register's edition, read
    # once every entry has taken the entities its pointers name
    home = (mentions.sources_marking(conn, ours), edition, source_editions(conn))
    for e in entries:
        keys = [name_key(n) for n in e.names]
        for other in entities.proposed_sharing(conn, e.type, keys, e.id):
            if other in ours or _marked_apart(rec, e, other, done, path) or \
                    _ambiguous(rec, e, other, done, path) or \
                    _word_alone(rec, e, keys, other, home, done, path):
                continue
            review.merge_entities(rec, other, e.id, decide=False)
            done.merges.append(f"{other} merged into {e.id}: a proposed {e.type} with "
                               f"one of its names; its mentions stay proposed "
                               f"('annotator confirm {e.id}' confirms them)")
    return done


def _where(e: RegisterEntry, path: Path | None) -> str:
    """'FILE:LINE: ' of the entry, for the lines naming what was kept apart."""
    return f"{path}:{e.line}: " if path is not None and e.line else ""


def _marked_apart(rec: Act, e: RegisterEntry, other: str, done: Imported,
                  path: Path | None) -> bool:
    """Whether a proposed entity sharing a name with the entry is one the sources' own markup
    identifies otherwise (``marked_elsewhere``): kept apart, the pair named in ``done.shared``."""
    marked = marked_elsewhere(rec.conn, e.pointers, other)
    if marked is None:
        return False
    done.shared.append(f"{_where(e, path)}{e.id} and {other} share a name, but the sources point to "
                       f"{other} as {marked}, not merged: if they are one, "
                       f"'annotator merge {other} {e.id}'")
    return True


def _ambiguous(rec: Act, e: RegisterEntry, other: str, done: Imported,
               path: Path | None) -> bool:
    """Whether a proposed entity sharing a name with the entry holds mentions the model could
    not assign (``flagged_ambiguous``): kept apart, the pair named in ``done.shared``."""
    if not flagged_ambiguous(rec.conn, other):
        return False
    done.shared.append(f"{_where(e, path)}{e.id} and {other} share a name, but the mentions of "
                       f"{other} are flagged ambiguous (the name fits several entities), not "
                       f"merged: if they are one, 'annotator merge {other} {e.id}'")
    return True


def _word_alone(rec: Act, e: RegisterEntry, keys: Sequence[str], other: str, home: Home,
                done: Imported, path: Path | None) -> bool:
    """Whether a proposed entity shares no more than a name of one word with the entry and is
    named in another edition (``word_alone``): kept apart, the pair named in ``done.shared``
    as a merge suggestion."""
    word = word_alone(rec.conn, keys, other, home)
    if word is None:
        return False
    done.shared.append(f"{_where(e, path)}{e.id} and {other} share only the name '{word}', "
                       f"and {other} is named in another edition than the register's "
                       f"({home[1]}), not merged: if they are one, "
                       f"'annotator merge {other} {e.id}'")
    return True


# The register's edition as an import judges one-word names by: the sources whose markup
# points to one of its entries, the edition its header names ('' none: every edition's), and
# each source's edition (``source_editions``).
Home = tuple[set[str], str, Callable[[str], str]]


def word_alone(conn: sqlite3.Connection, keys: Iterable[str], other: str,
               home: Home) -> str | None:
    """The one-word name a proposed entity shares with a register entry (of name ``keys``),
    when that is all they share and the register names an edition that a source of its
    mentions is not of (its header names another, and its markup points into the register
    nowhere; a source naming none may be of any), else None.
    A forename or a short place name is no identity across editions: an 1824 journal's
    apostle Paul is not an SS man "Paul" of a testimonies' register, its "Israel of old" not
    the modern state. A fuller name, an authority id (``_take_pointers``), the register's own
    edition, or a register naming none (the workspace's own) joins."""
    marking, edition, edition_of = home
    if not edition:
        return None
    theirs = {str(v["key"]): str(v["surface"]) for v in entities.variants(conn, other)}
    shared = [k for k in keys if k in theirs]
    if not shared or any(" " in k for k in shared) or all(
            s in marking or edition_of(s) in ("", edition)
            for s in mentions.sources_of(conn, other)):
        return None
    return theirs[shared[0]]


def source_editions(conn: sqlite3.Connection) -> Callable[[str], str]:
    """Source id -> the edition its header names, read from the head of its kept text map
    (``textmap_pack.edition``), once each; '' when none is kept or it names none."""
    seen: dict[str, str] = {}

    def edition_of(source_id: str) -> str:
        if source_id not in seen:
            row = source_rows.source_row(conn, source_id)
            head = None if row is None else textmaps.kept_head(conn, row["sha256"])
            try:
                seen[source_id] = "" if head is None else textmap_pack.edition(head)
            except ValueError:
                seen[source_id] = ""
        return seen[source_id]
    return edition_of


def marked_elsewhere(conn: sqlite3.Connection, entry_pointers: Iterable[str],
                     other: str) -> str | None:
    """The pointer by which the sources' own markup identifies a proposed entity sharing a
    name with a register entry, when it is none of the entry's (made from an ``@ref``/``@key``
    to another id), or None: a name is not an identity, so such an entity is kept apart."""
    marked = pointers.of_entity(conn, other, origin="markup")
    return marked[0] if marked and not set(marked) & set(entry_pointers) else None


def flagged_ambiguous(conn: sqlite3.Connection, other: str) -> bool:
    """Whether a proposed entity holds undecided mentions the model could not assign (flagged
    ``ambiguous``: the name fits several entities): a register entry of the name is one more
    it may be, never the answer, so it is kept apart."""
    return any("ambiguous" in (m["flags"] or "").split(",") and not m["decided"]
               for m in mentions.of_entity(conn, other))


def kept_apart(conn: sqlite3.Connection, entry_pointers: Iterable[str], keys: Iterable[str],
               other: str, home: Home) -> bool:
    """Whether an import leaves a proposed entity sharing a name with the entry (of name
    ``keys``) apart (``marked_elsewhere``, ``flagged_ambiguous``, ``word_alone`` with the
    register's edition ``home``) instead of merging it into the entry: the one rule, which a
    redo of the import follows too (``acts.undo``)."""
    return marked_elsewhere(conn, entry_pointers, other) is not None or \
        flagged_ambiguous(conn, other) or word_alone(conn, keys, other, home) is not None


def _take_pointers(review: Review, rec: Act, e: RegisterEntry, ours: set[str],
                   done: Imported, path: Path | None) -> None:
    """The entry answers to its pointers. An entity made earlier from a source's ``@ref`` or
    a proposal that owns one of its identity pointers, or is one of its authority records
    however either writes it (``authority_holders``: the entry's bare ``Q42``, a source's
    ``@ref`` to ``http://www.wikidata.org/entity/Q42``), is merged into the entry. Another
    register entry (of this file or any imported before) that owns one, or holds one of its
    authority ids however written (a bare ``Q7243`` or its URI), is an entry of the edition's
    own: never merged, kept apart and named in ``done.shared``, as a merge suggestion. A
    descriptive link (a Wikipedia page, a PDF) merges nothing: it stays with the entry that
    had it first."""
    where = _where(e, path)
    apart: dict[str, str] = {}  # another entry -> the pointer both answer to, as written
    for p, written in zip(e.pointers, e.written):
        other = pointers.owner(rec.conn, p)
        if p not in e.identity or other is None or other == e.id or other in apart:
            continue
        if other in ours or pointers.is_entry(rec.conn, other):
            apart[other] = written
            continue
        if entities.type_of(rec.conn, other) != e.type:
            continue
        try:
            review.merge_entities(rec, other, e.id, decide=False)
        except DecisionError as err:  # different ids in one authority file: not one, perhaps
            done.shared.append(f"{where}{e.id} and {other} both answer to {written}, not "
                               f"merged: {err.message}")
            continue
        done.merges.append(f"{other} merged into {e.id}: both answer to {written}")
    same: dict[str, str] = {}  # another entry -> the authority id both hold
    for scheme, value in e.authority:
        for other in authority_holders(rec.conn, scheme, value):
            if other == e.id or other in same or entities.type_of(rec.conn, other) != e.type:
                continue
            if other in ours or pointers.is_entry(rec.conn, other):
                same[other] = f"same {scheme} id {value}"
                continue
            try:  # a source's @ref to the record (its URI, the entry's bare id)
                review.merge_entities(rec, other, e.id, decide=False)
            except DecisionError as err:
                done.shared.append(f"{where}{e.id} and {other} are both {scheme} {value}, "
                                   f"not merged: {err.message}")
                continue
            done.merges.append(f"{other} merged into {e.id}: both are {scheme} {value}")
    for other in dict.fromkeys([*apart, *same]):
        said = f"both answer to {apart[other]}" if other in apart else f"have the {same[other]}"
        if other in apart and other in same:
            said += f" ({same[other]})"
        done.shared.append(f"{where}{e.id} and {other} {said}: if they are one, "
                           f"'annotator merge {e.id} {other}'")
    pointers.add(rec, e.id, dict(zip(e.pointers, e.written)), origin="register")


# -- writing a TEI register ---------------------------------------------------------------------
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")  # a blank line parts a note's paragraphs
_PUBLISHED = "Exported by annotator."  # a register's publicationStmt (is_written_register)


def export_register(entries: Iterable[Entity], *, title: str = "Register",
                    known_pointers: Mapping[str, Sequence[str]] | None = None) -> bytes:
    """Register entries as a TEI document: listPerson, listPlace, listOrg with idno, a place's
    coordinates as ``<location><geo>`` (after its names, before idno, as TEI's ``place`` orders).

    An entry still proposed (``export tei --include-proposals``) is marked as the file's
    standOff marks it, ``@cert="unknown"`` and ``@resp`` to annotator's application in the
    header, and comes back a proposal (``marked_proposals``).

    Written so that importing it again gives the same register: ``known_pointers`` (id -> the
    pointers the store knows for it as the edition wrote them, ``store.pointers.of_entities``
    with ``written``) go out in the forms ``read_entries`` takes back (``_write_pointers``), a
    note keeps its lines (``_write_note``).
    """
    E = _Maker()
    tei = E("TEI")
    header = E.sub(tei, "teiHeader")
    fd = E.sub(header, "fileDesc")
    E.sub(E.sub(fd, "titleStmt"), "title", title)
    E.sub(E.sub(fd, "publicationStmt"), "p", _PUBLISHED)
    E.sub(E.sub(fd, "sourceDesc"), "p", "The editors' register of persons, places and "
                                         "organisations.")
    entries = list(entries)
    if any(e.status == "proposed" for e in entries):  # what marks them, as a source's does
        _application(E.sub(E.sub(header, "encodingDesc"), "appInfo"))
    body = E.sub(E.sub(tei, "text"), "body")
    for t, (list_name, entry_name, name_el) in TEI_NAMES.items():
        of_type = [e for e in entries if e.type == t]
        if not of_type:
            continue
        lst = E.sub(body, list_name)
        for e in of_type:
            el = E.sub(lst, entry_name)
            el.set(XML_ID, e.id)
            if e.status == "proposed":  # read back as a proposal (``marked_proposals``)
                el.set("cert", "unknown")
                el.set("resp", f"#{APP_ID}")
            E.sub(el, name_el, e.preferred)
            for v in _written_variants(e):
                E.sub(el, name_el, v).set("type", "variant")
            if e.geo and t == "place":
                E.sub(E.sub(el, "location"), "geo", e.geo)
            for scheme, value in e.authority:
                E.sub(el, "idno", value).set("type", scheme)
            _write_pointers(E, el, e.id, (known_pointers or {}).get(e.id, ()))
            if e.note:
                _write_note(E.sub(el, "note"), e.note)
    if not entries:
        E.sub(body, "p", "The register is empty.")
    etree.indent(tei, space="  ")
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8") + b"\n"


def _application(app_info: etree._Element) -> None:
    """annotator's ``<application>``, which an export's proposals name by ``@resp`` and
    ``reimport.proposers`` knows an annotator export by."""
    from annotator.version import __version__

    app = _Maker.sub(app_info, "application")
    app.set(XML_ID, APP_ID)
    app.set("ident", "annotator")
    app.set("version", __version__)
    _Maker.sub(app, "label", "annotator")


def _written_variants(e: Entity) -> list[str]:
    """The variants an export writes: not the preferred name again, nor a form import makes
    of another name for running text (``name_forms``: "Bernat" of "Bernat (Bernard)", "Artur
    Heller" of "Heller, Artur"), which the next import makes again; written, each would come
    back as a name of its own, and an export imported again would not export the same. A
    spelling of the file's own ("Sal. De Jong" beside "De Jong, Sal") is written."""
    others = [v for v in e.variants if v != e.preferred]  # the preferred name's key is own
    if not others:  # most entities: no forms made (``export_register`` asks of every entry)
        return []
    made = {f for n in (e.preferred, *e.variants) for f in name_forms(n)[1:]}
    own = name_key(e.preferred)
    return [v for v in others if name_key(v) != own and v not in made]


def _write_pointers(E: _Maker, el: etree._Element, entity_id: str,
                    known: Sequence[str]) -> None:
    """An entry's pointers as ``entry_pointers`` reads them: a URI (GeoNames, Wikipedia, an
    EHRI page) as ``<ptr target>``, another id of it (an entry merged into it, a source's key)
    as ``<ptr type="sameAs" target="id"/>``, "this entry is also the one of that id". A URI
    goes out as the edition wrote it (``https://``, ``/london.html``), an id as the edition's
    id, which is no entry of this file: bare (``pe0914``, as Curious Travellers writes its
    register's ids) or in its file (``persons.xml#ben``), never ``#id``, which would name an
    element here that there is not (``annotator validate`` finds it)."""
    keys = [normalise(p) for p in known]
    for p, k in zip(known, keys):
        if k != entity_id and not is_uri(k):
            ptr = E.sub(el, "ptr")
            ptr.set("type", "sameAs")
            ptr.set("target", p if "#" in p[1:] else k)
    for p, k in zip(known, keys):
        if is_uri(k):
            E.sub(el, "ptr").set("target", p)


def _write_note(note: etree._Element, text: str) -> None:
    """A note's text with its lines: a paragraph (after a blank line) as ``<p>``, a line break
    within one as ``<lb/>``, which ``note_text`` reads back (TEI text folds bare newlines)."""
    paras = [p.strip("\n") for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    for para in paras:
        target = note if len(paras) == 1 else etree.SubElement(note, _t("p"))
        lines = para.split("\n")
        target.text = lines[0]
        for line in lines[1:]:
            lb = etree.SubElement(target, _t("lb"))
            lb.tail = "\n" + line


def note_text(note: etree._Element) -> str:
    """A ``<note>``'s text as the store keeps it: ``<p>`` apart by a blank line, ``<lb/>`` a
    line break, other whitespace folded (what ``_write_note`` writes comes back the same)."""
    paras = note.findall(_t("p")) or [note]
    return "\n\n".join(t for t in ("\n".join(" ".join(line.split())
                                                for line in _lines(p)) for p in paras) if t)


def _lines(note: etree._Element) -> list[str]:
    lines = [note.text or ""]

    def walk(el: etree._Element) -> None:
        if el.tag == _t("lb"):
            lines.append("")
        elif isinstance(el.tag, str):  # not a comment or processing instruction
            lines[-1] += el.text or ""
            for child in el:
                walk(child)
        lines[-1] += el.tail or ""

    for child in note:
        walk(child)
    return lines


class _Maker:
    """Builds TEI elements: ``E('TEI')`` and ``E.sub(parent, 'p', 'text')``."""

    def __call__(self, name: str) -> etree._Element:
        # lxml-stubs type nsmap keys as str; lxml takes None for the default namespace.
        return etree.Element(_t(name), nsmap={None: TEI_NS})  # type: ignore[dict-item]

    @staticmethod
    def sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        el = etree.SubElement(parent, _t(name))
        if text is not None:
            el.text = text
        return el


def import_register(ctx: ActContext, path: str | Path, *, strict: bool = False
                    ) -> RegisterImport:
    """Import a TEI register file (listPerson/listPlace/listOrg) as one act: confirmed, ids
    kept. An entry that cannot be read is left out and named (``left_out``), the rest comes
    in, as ``bib add`` does; an authority id of the wrong shape is left out, its entry imported
    (``ids_left_out``); ``strict`` refuses the file instead, importing nothing."""
    return _import_read(ctx, _read(path, strict=strict))


def import_registers(ctx: ActContext, paths: Iterable[str | Path], *, strict: bool = False,
                     on_error: Callable[[AnnotatorError], None] | None = None
                     ) -> list[RegisterImport]:
    """Import several register files in the order given, each as its own act (undone on its
    own), as ``add`` takes several sources. Every file is read first; a file that cannot be
    read, or (``strict``) has an entry or id it cannot take, is reported (``on_error``) and
    nothing of it imported, the others come in. Without ``on_error`` the first such file
    raises, before any file is imported."""
    read: list[_Read] = []
    for path in paths:
        try:
            read.append(_read(path, strict=strict))
        except AnnotatorError as err:
            if on_error is None:
                raise
            on_error(err)
    done = []
    for item in read:
        try:
            done.append(_import_read(ctx, item))
        except AnnotatorError as err:
            if on_error is None:
                raise
            on_error(err)
    return done


@dataclass(frozen=True, slots=True)
class _Read:
    """A register file read, not yet imported: its entries, and the problems of those left
    out."""

    path: Path
    entries: list[RegisterEntry]
    problems: list[Problem]
    edition: str  # the edition its header names ('' none)


def _read(path: str | Path, *, strict: bool) -> _Read:
    problems: list[Problem] = []
    entries, edition = _read_file(path, problems)
    if strict and problems:
        raise refusal(problems, "nothing was imported (--strict: fix every problem, or import "
                                "without it)")
    return _Read(Path(path), entries, problems, edition)


def _import_read(ctx: ActContext, read: _Read) -> RegisterImport:
    """One act: the file's entries in the store (``import_entries``)."""
    path, problems = read.path, read.problems
    review = ctx.review()
    payload: dict[str, Any] = {"file": str(path), "entries": len(read.entries)}
    if read.edition:  # a redo judges one-word names by it again (acts.undo)
        payload["edition"] = read.edition
    with ctx.store.act("import", f"register:{path.name}", editor=ctx.editor,
                       payload=payload, log_unchanged=False) as act:
        done = import_entries(review, act, read.entries, path=path, edition=read.edition)
    return RegisterImport(done.added, done.updated, len(done.merges), act.decision_id,
                          tuple(done.merges), tuple(done.shared),
                          tuple(_left_out(p) for p in problems if p.severity == SKIPPED),
                          tuple(_left_out(p) for p in problems if p.severity != SKIPPED),
                          str(path))


def _left_out(p: Problem) -> str:
    left = "entry left out" if p.severity == SKIPPED else "id left out, entry imported"
    return str(replace(p, hint=f"{p.hint}, then import the file again ({left})"))
