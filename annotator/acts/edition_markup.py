"""Names and dates an edition already marked up in a TEI source become confirmed mentions.

``persName``, ``placeName``, ``orgName`` (and ``name`` or ``rs`` with ``@type``
person/place/org), ``date`` and the person an ``author``, ``editor`` (``RESPONSIBLE``) names by
``@ref``/``@key`` inside ``<text>`` are an editor's decisions made before annotator: each becomes a
confirmed mention decided on its own (provenance ``source``), linked through ``@ref="#id"`` to
the register entry of that id when there is one. Register lists in the source itself
(``listPerson``, ``listPlace``, ``listOrg`` in the header, ``standOff`` or ``back``) are read
first, so its own refs resolve. The proposer leaves spans overlapping these mentions alone,
and proposes no name inside what the file marks as something else (``marked_other``: a
``title``, an ``rs`` of a work, a ``term``: ``marked_terms``). What an annotator export wrote
as a proposal (``@cert="unknown"``, ``@resp`` its proposer) is no decision: a proposal again.

DOCS: docs/review.md#markup-already-in-a-source
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from annotator.acts.entity_edits import (add_variant, set_authority, unique_entity_id,
                                         authority_holders)
from annotator.acts.register import import_entries, proposed_by, read_entries
from annotator.acts.reimport import proposed_claims, proposers
from annotator.acts.review import Review, normalise_date_value
from annotator.calendar import names_julian
from annotator.entities.authority import authority_in, normalise_authority, scheme_from_url
from annotator.entities.names import (display_name, name_forms, name_key, normal_case,
                                      preferred_name)
from annotator.entities.pointers import is_group, local_id, pointer_forms
from annotator.errors import AnnotatorError
from annotator.store import Act, entities, now
from annotator.store import pointers as pointer_store
from annotator.store.decided import acted_on, decided_markup
from annotator.store.mentions import confirmed_names, mention_at
from annotator.tei.header import APP_ID
from annotator.tei.elements import Elements
from annotator.tei.marked import marks
from annotator.tei.parse import RESPONSIBLE, TEI_NS, XML_ID, ParsedSource, element_text
from annotator.tei.prefixes import Prefixes
from annotator.tei.textmap import TextMap, build_textmap, element_spans
from annotator.text import trim
from annotator.vocab import DATE_ATTRS

log = logging.getLogger(__name__)

# The elements adding a source makes mentions of: not a place's parts (a ``settlement`` in
# its ``placeName``) nor a ``time``, which ``marks`` also says the type of.
_MENTIONING = frozenset(("persName", "placeName", "orgName", "date", "name", "rs",
                         *RESPONSIBLE))
_TEXT, _TITLE, _TERM = f"{{{TEI_NS}}}text", f"{{{TEI_NS}}}title", f"{{{TEI_NS}}}term"
_OTHER_TAGS = (_TITLE, f"{{{TEI_NS}}}name", f"{{{TEI_NS}}}rs")


@dataclass(frozen=True, slots=True)
class Marked:
    """An element of the source's markup and the reading-text span it covers."""

    element: etree._Element
    type: str
    start: int
    end: int


def _type_of(el: etree._Element) -> str | None:
    """The type of mention adding the source makes of an element inside ``<text>``: the type
    it marks (``marked.marks``) for the elements of ``_MENTIONING``, a person for an author's,
    an editor's... the edition identifies (``_responsible``); None for any other."""
    if not isinstance(el.tag, str):
        return None
    q = etree.QName(el)
    if q.namespace != TEI_NS or q.localname not in _MENTIONING:
        return None
    if _is_responsible(el):  # respStmt/name[@ref], author[@ref]...
        return "person" if _responsible(el) else None
    kind = marks(q.localname, el.get("type"))
    return None if kind == "other" else kind


def _responsible(el: etree._Element) -> bool:
    """An author, editor... (``RESPONSIBLE``, or a respStmt's name) the edition identifies by
    @ref/@key: the whole span is one mention, so nothing is proposed inside it, unless a name is
    marked inside it (``<author><persName ref=...>`` is the persName's mention)."""
    if not (el.get("ref") or el.get("key")):
        return False
    if etree.QName(el).localname == "name" and \
            etree.QName(el.getparent()).localname != "respStmt":
        return False
    return not any(_type_of(d) not in (None, "date") for d in el.iterdescendants())


def _is_responsible(el: etree._Element) -> bool:
    """An ``author``/``editor``... (``_responsible``) rather than a name element."""
    return etree.QName(el).localname in RESPONSIBLE or \
        (etree.QName(el).localname == "name" and not el.get("type"))


def _other_of(els: Elements, i: int) -> str | None:
    """"other" for an element that marks a thing not proposed: a ``title``, a ``name``/``rs``
    whose ``@type`` is no person, place or organisation (a work, an artwork, an event)."""
    local = els.tags[i].rpartition("}")[2]
    return "other" if local == "title" or marks(local, els.get(i, "type")) == "other" else None


def marked_spans(parsed: ParsedSource, tm: TextMap) -> list[Marked]:
    """Every name/date element inside ``<text>`` with the reading span of its content.

    Walks the offset map once: a reading character belongs to the element owning the string
    it came from (an element's text, or the tail of its child) and to that element's ancestors.
    """
    nodes = list(parsed.root.iter())
    kinds: dict[int, str] = {}
    for i, n in enumerate(nodes):
        t = _type_of(n)
        if t is not None and any(a.tag == _TEXT for a in n.iterancestors()):
            kinds[i] = t
    return [Marked(nodes[i], kinds[i], a, b) for i, a, b in _reading_spans(tm, kinds)]


def marked_other(tm: TextMap) -> list[tuple[int, int]]:
    """Reading spans of what the file marks as neither name nor date (``_other_of``): a
    proposed person over "Der Sohn" in ``<rs type="work">`` would contradict the markup.
    Read from the map's ``elements`` (tag, @type): the file is not parsed for it."""
    els = tm.elements()
    kinds = {i: t for i in els.iter(_OTHER_TAGS)
             if (t := _other_of(els, i)) is not None and _in_text(els, i)}
    return [(a, b) for _, a, b in _reading_spans(tm, kinds)]


def marked_terms(tm: TextMap) -> list[tuple[int, int]]:
    """Reading spans of the file's ``<term>``s: words the edition marks as a subject, not a
    name (EHRI: "Hungarian" as the nationality, "Mother" as a kin word, "Concentration
    Camp"). A name over one would contradict the markup; a model's name running into one is
    cut at it ("Buchenwald Concentration Camp")."""
    els = tm.elements()
    kinds = {i: "term" for i in els.iter((_TERM,)) if _in_text(els, i)}
    return [(a, b) for _, a, b in _reading_spans(tm, kinds)]


def _in_text(els: Elements, i: int) -> bool:
    """Whether element ``i`` is inside ``<text>``."""
    i = els.parent[i]
    while i >= 0 and els.tags[i] != _TEXT:
        i = els.parent[i]
    return i >= 0


def _reading_spans(tm: TextMap, kinds: dict[int, str]) -> list[tuple[int, int, int]]:
    """(node, start, end) of the trimmed reading span of each of ``kinds``' elements, fragments
    joined, by start (the outer first)."""
    if not kinds:
        return []
    spans = element_spans(tm, kinds)
    _join_fragments(tm.elements(), kinds, spans)
    out = []
    for i, (a, b) in sorted(spans.items(), key=lambda kv: (kv[1][0], -kv[1][1])):
        a, b = trim(tm.text, a, b)
        if b > a:
            out.append((i, a, b))
    return out


def _join_fragments(els: Elements, kinds: dict[int, str], spans: dict[int, list[int]]) -> None:
    """One mention for a name cut into parts joined by ``@next``/``@prev`` (as exports write
    it where a name crosses element boundaries): the first part spans them all."""
    by_id = {els.get(i, XML_ID): i for i in kinds if els.get(i, XML_ID)}
    for i in list(kinds):
        prev = (els.get(i, "prev") or "").removeprefix("#")
        if i not in spans or by_id.get(prev) is None:
            continue  # not a continuation
        head, seen = by_id[prev], {i}
        while (els.get(head, "prev") or "").removeprefix("#") in by_id and head not in seen:
            seen.add(head)
            head = by_id[(els.get(head, "prev") or "").removeprefix("#")]
        if kinds.get(head) != kinds[i] or head not in spans:
            continue
        span = spans.pop(i)
        spans[head][0] = min(spans[head][0], span[0])
        spans[head][1] = max(spans[head][1], span[1])


@dataclass(frozen=True, slots=True)
class FileProposals:
    """What an annotator export's file gives as proposals, as adding it reads them: a
    replace reads these again from the new file rather than carrying them over.
    ``mentions``: (start, end, type, provenance); ``claims``: (start, end, provenance);
    ``links``: (their claim's start, end, rel, locus, provenance)."""

    mentions: frozenset[tuple[int, int, str, str]] = frozenset()
    claims: frozenset[tuple[int, int, str]] = frozenset()
    links: frozenset[tuple[int, int, str, str, str]] = frozenset()


def file_proposals(parsed: ParsedSource, tm: TextMap | None = None) -> FileProposals:
    """The proposals an annotator export's file gives (``reimport.proposed_by``, the test
    ``import_markup`` and ``reimport.import_exported`` read them by); none for a file no
    annotator export wrote, which costs one look at its header (its reading text, ``tm``
    when given, is made only for one that is)."""
    exported = proposers(parsed.root)
    if not exported:
        return FileProposals()
    if tm is None:
        tm = build_textmap(parsed)
    mentions = frozenset((m.start, m.end, m.type, proposer) for m in marked_spans(parsed, tm)
                         if (proposer := proposed_by(m.element, exported)) is not None)
    return FileProposals(mentions, *proposed_claims(parsed, tm, exported))


def maybe_exported(source_text: str) -> bool:
    """Whether a file's characters may hold an annotator export's header, so that
    ``file_proposals`` must parse it: annotator's name is written in it (its application's
    ``xml:id``, ``ident``), or a character reference or an entity that could write it is. A
    file with none gives no proposals, without its tree made (was: every file parsed for its
    header on every run)."""
    return APP_ID in source_text or "&#" in source_text or "<!ENTITY" in source_text


def import_markup(review: Review, rec: Act, source_id: str, parsed: ParsedSource,
                  tm: TextMap, unread: dict[str, dict[str, str]] | None = None
                  ) -> tuple[int, int]:
    """Within the act that adds a source: its register lists and its marked-up mentions.

    ``unread`` gets, by mention id, the date attributes of an element whose value could not
    be read (``when="sometime 1820"``, an empty ``when``): the mention takes no value, but an
    export keeps the attribute, so ``date set`` on it must still warn (the act's payload).
    An element an annotator export marks as a proposal (``@cert="unknown"``, ``@resp`` its
    proposer: ``reimport.proposers``) is the proposal it was, undecided, with that provenance:
    no editor decided it, so it neither confirms its entity nor names it as the edition
    writes it, and without a pointer it was of no entity; a mention of its span an editor
    decided (confirmed or rejected: a source replaced keeps it) stays decided.
    A mention the file's markup gave that an editor decided since (rejected, relabelled, split
    off, a date value set: ``store.decided.decided_markup``), which a replace carried onto the
    new version, is left as the editor decided it where the new file still marks its words:
    an editor's decision is never lost to the file's markup.
    Returns the number of mentions made or confirmed from markup, and of those left as an
    editor decided them.
    """
    prefixes = Prefixes.of(parsed.root)
    entries = read_entries(parsed.root, parsed.path, strict=False)
    if entries:
        import_entries(review, rec, entries)
    conn = rec.conn
    count = 0
    written: dict[str, list[str]] = defaultdict(list)  # entity -> its names, each time written
    identified: set[str] = set()  # the entities the file's pointers answer to
    exported = proposers(parsed.root)
    marked = list(marked_spans(parsed, tm))
    named = _names_by_pointer(marked, tm.text, prefixes, exported)
    decided = decided_markup(conn, source_id, tm.sha256)
    held: set[int] = set()  # the ids of those left as an editor decided them
    julian: frozenset[str] | None = None  # the file's Julian calendars, once one is asked for
    for m in marked:
        if _decided_here(decided, m, held):
            continue
        surface = tm.text[m.start:m.end]
        proposal = proposed_by(m.element, exported) if exported else None
        entity_id = None
        value = None
        raw: dict[str, str] = {}  # the date attributes the element has, read or not
        flags = ""
        if m.type == "date":
            raw = {k: v for k in DATE_ATTRS if (v := m.element.get(k)) is not None}
            if m.element.get("calendar"):
                julian = _julian_calendars(parsed.root) if julian is None else julian
                if _in_julian(m.element.get("calendar", ""), julian):
                    flags = "julian"
            try:
                value = normalise_date_value({k: v for k, v in raw.items() if v} or None)
            except AnnotatorError as err:
                log.warning("%s:%s: date value not used: %s", parsed.path,
                            m.element.sourceline, err.message)
        else:
            forms = pointer_forms(m.element, prefixes)
            if is_group(m.element):  # "the Misses ...": its first person's, flagged
                flags, forms = "group", dict(list(forms.items())[:1])
            pointed = _pointed(conn, tuple(forms)) if forms else None
            if _is_responsible(m.element):  # an author may be an organisation the register has
                m = _as_registered(m, pointed)
            # a group's words ("Mr and Miss Rebello") name no one of them: no variant, no name
            if proposal is None:
                entity_id, by_pointer = _entity_of(rec, m, surface, forms, pointed, parsed,
                                                   group=bool(flags), named=named)
                if not flags:
                    written[entity_id].append(_natural(m, surface))
                if by_pointer:
                    identified.add(entity_id)
            elif forms:  # a proposal: its pointer's entity, not named nor known by it
                entity_id = _entity_of(rec, m, surface, forms, pointed, parsed,
                                       group=bool(flags))[0]
        old = mention_at(conn, source_id, tm.sha256, m.start, m.end, m.type)
        values = {"status": "confirmed", "decided": 1, "provenance": "source",
                  "entity_id": entity_id, "date_value": value,
                  **({} if m.type == "date" and not flags else {"flags": flags})}
        if proposal is not None:
            values.update(status="proposed", decided=0, provenance=proposal)
        if old is None:
            mid = rec.insert("mentions", {"source_id": source_id, "sha256": tm.sha256,
                                          "start": m.start, "end": m.end, "type": m.type,
                                          "created_at": now(), **values})
        else:
            mid = int(old["id"])
            if m.type == "date" and flags:  # a date's own flags (weekday-mismatch...) stay
                values["flags"] = ",".join(dict.fromkeys(
                    f for f in (*(old["flags"] or "").split(","), flags) if f))
            # a proposal of the file is no decision: it leaves one an editor made as it is
            if proposal is not None and (old["decided"] or old["status"] != "proposed"):
                held.add(mid)
            elif old["provenance"] != "editor":
                rec.update("mentions", {"id": mid}, values)
        if raw and value is None and unread is not None:
            unread[str(mid)] = raw
        count += 1
    _names_as_written(review, rec, source_id, written)
    _known(rec, identified)
    return count, len(held)


def _decided_here(decided: Mapping[tuple[int, int], Sequence[sqlite3.Row]], m: Marked,
                  held: set[int]) -> bool:
    """Whether an element's words are a mention the file's markup gave that an editor
    decided since (``decided``: by span, ``decided_markup``): of its type, or of another not
    rejected (relabelled: the file still marks it as it did); its id goes into ``held``, so
    it answers for one element only."""
    rows = [r for r in decided.get((m.start, m.end), ()) if r["id"] not in held]
    row = next((r for r in rows if r["type"] == m.type), None) or \
        next((r for r in rows if r["status"] != "rejected"), None)
    if row is None:
        return False
    held.add(int(row["id"]))
    return True


def _names_by_pointer(marked: Sequence[Marked], text: str, prefixes: Prefixes,
                      exported: dict[str, str]) -> dict[tuple[str, str], str]:
    """(first pointer, type) -> the name an editor would pick among the file's names for it
    (``preferred_name``), each as often as written: a new entity's id is made from it, not
    from the first name written ("New York City", written twice, not the street address
    "108 Lewis st." the edition gives the same GeoNames @ref first). A group's words and a
    proposal's name no one."""
    written: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in marked:
        if m.type == "date" or is_group(m.element) or \
                exported and proposed_by(m.element, exported) is not None:
            continue
        forms = pointer_forms(m.element, prefixes)
        if forms:
            written[next(iter(forms)), m.type].append(_natural(m, text[m.start:m.end]))
    return {k: preferred_name(v, type_=k[1], calm=normal_case(v, text))
            for k, v in written.items() if len(v) > 1}


def _julian_calendars(root: etree._Element) -> frozenset[str]:
    """The pointers (``#id``) to the file's ``<calendar>`` entries of the Julian calendar
    (``calendar.names_julian``), as an export writes one (docs/export.md#old-style-dates)."""
    return frozenset(f"#{xid}" for cal in root.iter(f"{{{TEI_NS}}}calendar")
                     if (xid := cal.get(XML_ID)) and names_julian(xid, element_text(cal)))


def _in_julian(calendar: str, julian: frozenset[str]) -> bool:
    """Whether a date's ``@calendar`` says its words are Julian days: it points to the file's
    Julian calendar, or, the file having no entry for it, names one (``#julian``)."""
    return any(t in julian or names_julian(t.rpartition("#")[2], "") for t in calendar.split())


def _known(rec: Act, identified: set[str]) -> None:
    """The entities the file's own pointers identify are known, the edition's: confirmed
    (their mentions are the file's markup, provenance ``source``), so the review does not ask
    again who they are, and the register lists them. Only a proposed one: an entity an editor
    rejected stays rejected. The model's proposals linked to one stay proposed, to decide on
    its card as a known entity's new mentions (docs/review.md#the-editions-own-identifications).
    """
    for eid in sorted(identified):
        row = entities.entity_row(rec.conn, eid)
        if row is not None and row["status"] == "proposed":
            rec.update("entities", {"id": eid}, {"status": "confirmed"})


def _names_as_written(review: Review, rec: Act, source_id: str,
                      written: Mapping[str, Sequence[str]]) -> None:
    """The entities this file's markup names, named as the edition writes them.

    An entity made from markup is named by the first surface that pointed to it ("HOLZ", a
    form's family-name field; one file's "Vale of BethKelert"); the name an editor would pick
    among all the names the edition's markup and its editors' confirmed mentions give it, in
    this file and the others, each as often as written (``preferred_name``, by its type:
    "Holz, Sonja"; "Gestapo" written 19 times, not "H.Q." once; the place "Beddgelert",
    written 7 times in two other files), names it better. Only for entities no act but
    adding a source has touched, proposed or known from the files' pointers (``_known``): a
    name an editor set, an entity an editor confirmed or merged, and a register's entry keep
    their names."""
    conn = rec.conn
    rows = {eid: row for eid in sorted(written)
            if (row := entities.entity_row(conn, eid)) is not None and written[eid]
            and (row["status"] == "proposed" or row["status"] == "confirmed"
                 and not pointer_store.is_entry(conn, eid))}
    for eid in acted_on(conn, rows):
        del rows[eid]
    names: dict[str, list[str]] = {eid: list(written[eid]) for eid in rows}
    for eid, other, start, end in confirmed_names(conn, rows, other_than=source_id):
        names[eid].append(review.reading_text(other)[start:end])
    text = review.reading_text(source_id)
    for eid, row in rows.items():
        best = preferred_name(names[eid], keep=row["preferred"], type_=row["type"],
                              calm=normal_case(names[eid], text))
        if best != row["preferred"]:
            rec.update("entities", {"id": eid}, {"preferred": best})


def _as_registered(m: Marked, found: tuple[str, str] | None) -> Marked:
    """An author's, editor's... mention has the type of the entity its pointer means
    (``found``: a corporate author is an organisation), a person where the store knows none."""
    type_ = found[1] if found is not None and found[1] in ("person", "place", "org") else "person"
    return Marked(m.element, type_, m.start, m.end)


def _pointed(conn: sqlite3.Connection, ptrs: tuple[str, ...]) -> tuple[str, str] | None:
    """(id, type) of the entity the pointers mean: one the store knows them by (a register
    entry's id or URI, one seen in another source), else the one entity that is the
    authority record a pointer names, however written (a register's bare ``<idno
    type="wikidata">Q42</idno>`` for ``@ref="http://www.wikidata.org/entity/Q42"``; several:
    none of them), else an entity of that id."""
    found = pointer_store.entity_of(conn, ptrs)
    if found is not None:
        return found
    for p in ptrs:
        record = authority_in(p)
        holders = authority_holders(conn, *record) if record is not None else []
        if len(holders) == 1 and (t := entities.type_of(conn, holders[0])) is not None:
            return holders[0], t
    return next(((p, t) for p in ptrs if (t := entities.type_of(conn, p)) is not None), None)


def _natural(m: Marked, surface: str) -> str:
    """The name an author's, editor's... mention is known by: "Schnitzler, Arthur", written
    inverted as bibliographies do, is the person "Arthur Schnitzler" (``name_forms``)."""
    if m.type != "person" or not _is_responsible(m.element):
        return surface
    return name_forms(surface)[-1]


def _entity_of(rec: Act, m: Marked, surface: str, forms: dict[str, str],
               found: tuple[str, str] | None, parsed: ParsedSource, *,
               group: bool = False,
               named: Mapping[tuple[str, str], str] | None = None) -> tuple[str, bool]:
    """The entity a marked-up name means, by its pointers first, by its surface only without,
    and whether its pointers identify it (they mean it now: ``_known``).

    A pointer the store knows (a register entry's id or URI, or one seen in another source)
    gives its entity. An unknown one joins the one entity of that name that no other source's
    @ref claims (a register entry exported under another id, a model's candidate), else makes
    a new entity that answers to it, with the pointer as id where it can be one
    (``#ehri_et_landau_lipold``, ``@key="w6bv9xp3"``): "LANDAU" of three persons is three
    entities. A name without a pointer joins the one entity of its surface, or the one of them
    no pointer identifies; else it is a new entity. ``forms``: the element's pointers (key ->
    as written, ``pointer_forms``); the store keeps the first's written form for its exports.
    ``found``: the entity the pointers meant before (``_pointed``), read once for the mention.
    ``named``: the name the file gives each pointer's entity (``_names_by_pointer``), which a
    new entity's id is made from where the pointer cannot be one. A ``group`` (several pointers: "Mr Underwood Mr Nicolson and his friend") is its first
    pointer's mention, but its words are no name of that entity: no variant of it, so they
    are never looked for as its name.
    """
    conn = rec.conn
    name = _natural(m, surface)

    def variant(eid: str) -> None:
        if not group:
            add_variant(rec, eid, surface)

    ptrs = tuple(forms)
    first = dict(list(forms.items())[:1])  # the mention's own (@ref beside @key: one entity)
    if ptrs:
        if found is not None and found[1] == m.type:
            variant(found[0])
            pointer_store.add(rec, found[0], first)
            return found[0], True
        if found is not None:
            log.info("%s:%s: @ref %s names a %s, not a %s", parsed.path, m.element.sourceline,
                     ptrs[0], found[1], m.type)
        else:  # a pointer nobody answers to yet: the one entity of this name no @ref claims
            same = _named(conn, name_key(name), m.type)
            if len(same) == 1 and not pointer_store.of_entity(conn, same[0], origin="markup"):
                variant(same[0])
                pointer_store.add(rec, same[0], first)
                return same[0], True
        own = local_id(ptrs[0])
        if own is not None and entities.type_of(conn, own) is not None:
            own = None
        new_id = _new_entity(rec, m, surface, own, name, variants=not group,
                             id_name=(named or {}).get((ptrs[0], m.type)))
        if found is None:
            pointer_store.add(rec, new_id, first)
        for p in ptrs[:1]:
            scheme = scheme_from_url(p)
            if scheme is not None:
                try:
                    set_authority(rec, new_id, *normalise_authority(scheme, p))
                except AnnotatorError:
                    pass  # a URI of that host that is not an id: the pointer is kept anyway
        return new_id, found is None  # else the pointers mean the entity of the other type
    same = _named(conn, name_key(name), m.type)
    free = [e for e in same if not pointer_store.of_entity(conn, e)]
    if len(same) == 1 or free:
        add_variant(rec, same[0] if len(same) == 1 else free[0], surface)
        return same[0] if len(same) == 1 else free[0], False
    return _new_entity(rec, m, surface, None, name), False


def _new_entity(rec: Act, m: Marked, surface: str, own_id: str | None = None,
                natural: str | None = None, *, variants: bool = True,
                id_name: str | None = None) -> str:
    """A proposed entity for a marked-up name: id ``own_id`` (the edition's) or from
    ``id_name`` (the name the file gives it most: ``_names_by_pointer``), else from the name
    (``natural``, the surface read uninverted, where it is an author's). Only a new entity
    is named so: an id made before is a pointer target already exported; without ``variants``
    (made for a group's first person) its words name it until a file names it alone, and
    are no variant of it."""
    name = display_name(natural or surface)
    new_id = own_id or unique_entity_id(rec.conn, m.type, display_name(id_name or name))
    rec.insert("entities", {"id": new_id, "type": m.type, "preferred": name,
                            "status": "proposed", "note": "", "created_at": now()})
    if not variants:
        return new_id
    add_variant(rec, new_id, surface)
    if name != display_name(surface):
        add_variant(rec, new_id, name)
    return new_id


def _named(conn: sqlite3.Connection, key: str, type_: str) -> list[str]:
    """Entities (not rejected) of a type with a name of this key, the register's first."""
    rows = [r for r in entities.named(conn, key, type_) if r["status"] != "rejected"]
    return [str(r["id"]) for r in sorted(rows, key=lambda r: r["status"] != "confirmed")]
