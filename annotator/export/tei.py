"""Annotated TEI: each source with what its editors decided marked up, byte for byte.

The export is the source file with markup *inserted* and nothing else changed (see
``annotator.export.insert``), and only what an editor decided is inserted (or proposals, when
asked): a file added and exported with nothing decided is written as it is.

* in ``<text>``: ``persName``/``placeName``/``orgName`` with ``@ref``, ``date`` with its
  normalised ``@when``, ``@from``/``@to`` or ``@notBefore``/``@notAfter``, claims as
  ``<seg type="claim" subtype="<kind>" xml:id="claim-N">``, passages of this text that support
  a claim elsewhere as ``<seg type="passage" xml:id="passage-S-E">``. A mention with the span
  of an element the file already has (any element marking a name or a date) is that
  element's: it is never wrapped again; it gets ``@ref`` only if it has no pointer and an
  editor decided its entity. A span that crosses element or block boundaries is cut into
  fragments joined by ``@next``/``@prev``.
* register entries where the edition keeps them (``--register``): a ``<standOff>`` after
  ``<text>`` with the entries inserted markup points to (``inline``), ``register.xml`` beside
  the exports (``file``), or none, new names pointing to authority records (``none``; as the
  edition's own, and not asked for: entries in the standOff for entities without one). An
  authority id given in review to an entity the file's own names point to goes into the
  file's own entry of it. The standOff also holds the works claims cite, with the works their
  crossref/xref name as the .bib exports list them (``listBibl``), and one ``<annotation>``
  per claim (``listAnnotation``, TEI P5 4.6+).
* in the header's ``encodingDesc``, when anything was inserted: an ``appInfo`` naming
  annotator (and the pipelines behind proposals, the targets of ``@resp``) and an
  ``editorialDecl`` saying how the above is encoded.

Everything is keyed by content (entity ids, citation keys, spans), so an export added to a new
workspace and exported again inserts nothing: the same bytes. Undecided proposals are left out
unless asked for; then they carry ``@cert="unknown"`` and ``@resp`` pointing to what made them.

DOCS: docs/export.md#annotated-tei
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain as joined_lists, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from annotator.acts.context import ActContext
from annotator.acts.register import export_register, read_entries
from annotator.acts.texts import SourceFile, Unparsed
from annotator.bibliography.library import private
from annotator.bibliography.tei_bibl import bibl_lines
from annotator.calendar import julian_written, names_julian
from annotator.collector import paused
from annotator.entities.authority import AUTHORITY_URIS
from annotator.errors import ExportError, Interrupted
from annotator.export.insert import (Halves, Insert, Ints, Piece, Placed, SimpleJob,
                                     SourceIndex, TagBatch, TagBytes, index_file, index_source,
                                     nest, place, place_group, small_unique, splice, spliced,
                                     tag_batches, unbalanced, utf8)
from annotator.export.output import ExportFiles, shown
from annotator.export.pointing import POINTERS as POINTER_STYLE
from annotator.export.pointing import (REGISTER_FILE, REGISTERS, URIS, Named, Pointers,
                                       Style, file_pointers, inferred_register,
                                       style_of, written_register_ids)
from annotator.export.works import cited_with_parents
from annotator.interrupt import held
from annotator.records import BibEntry, Entity, ExportReport, Source, TeiExport, Written
from annotator.store import Store
from annotator.store import exports as rows_of
from annotator.store.decided import changed_source_spans, decided_entities, enriched_entities
from annotator.store import entities as entity_rows
from annotator.store.pointers import of_entities
from annotator.store.sources import find_source
from annotator.tei.header import APP_ID, STANDOFF_ID
from annotator.tei.elements import Elements
from annotator.tei.marked import DATE_ELEMENTS, NAME_ELEMENTS, POINTER_ATTRS, marked, marks
from annotator.tei.parse import RESPONSIBLE, TEI_NS, XML_ID, ParsedSource, element_text
from annotator.tei.textmap import EMPTY, START, Annotations, TextMap
from annotator.text import attr_value, attrs, esc, slug
from annotator.vocab import DATE_ATTRS


log = logging.getLogger(__name__)

TAGS = {"person": "persName", "place": "placeName", "org": "orgName", "date": "date"}
TYPES = {v: k for k, v in TAGS.items()}
# Elements an edition may already mark a name or a date with (``tei.marked``): a mention with
# the span of one of them is that element's; so is an author's, an editor's...
_NAMING = (*NAME_ELEMENTS, *RESPONSIBLE)  # what a name's mention may be the element of
# the elements a mention of a type may be, or go inside when one has exactly its words and
# marks something else, in the order asked: its own tag's first (a date: a date element,
# else inside a name element; a name: a name element, else inside one of another kind or
# a date element)
_MARKING = {t: tuple(dict.fromkeys((tag, *(DATE_ELEMENTS if t == "date" else ()), *_NAMING,
                                     *(() if t == "date" else DATE_ELEMENTS))))
            for t, tag in TAGS.items()}
_SAY_TYPE = ("name", "rs")  # the elements whose @type says what they mark (``marks``)
# what each other element of ``_MARKING`` marks, by its name alone: found once, not for each
# mention with the span of one (an export of 77k mentions asks 40k times)
_MARKS_OF = {local: marks(local, None) for locals in _MARKING.values() for local in locals
             if local not in _SAY_TYPE}
LISTS = (("person", "listPerson", "person"), ("place", "listPlace", "place"),
         ("org", "listOrg", "org"))
_ENTRY_LISTS = {"person": "listPerson", "place": "listPlace", "org": "listOrg"}
DECL_ID = "annotator-encoding"
# the words of the Julian calendar's entry an export writes for the dates flagged julian
JULIAN_CALENDAR = ("Julian calendar (Old Style), in which England and its colonies counted "
                   "days until 2 September 1752. A date pointing here by @calendar is written "
                   "in it; its @when is the Gregorian day, as TEI reads @when, and its "
                   "@when-custom (with @datingMethod pointing here) the Julian day, the year "
                   "counted from 1 January.")
RANK_CLAIM, RANK_PASSAGE, RANK_MENTION = 0, 1, 2


# -- what to export ---------------------------------------------------------------------------
class _Link(NamedTuple):  # named tuples: a frozen dataclass takes three times as long to make
    rel: str
    status: str
    provenance: str
    locus: str
    bib_key: str | None
    target_source_id: str | None
    target_start: int | None
    target_end: int | None


class _Claim(NamedTuple):
    id: int
    start: int
    end: int
    kind: str
    status: str
    agent: str
    agent_entity_id: str | None
    provenance: str
    cue: str  # why the finder proposed it, how sure it is, who the agent may be: written
    confidence: float | None  # the finder's (``_finder_notes``), read back by reimport
    candidate: str
    links: tuple[_Link, ...]


class _Claims(NamedTuple):
    """A source's claims as columns, by start, longer first (an export has 1,500 claims:
    what is worked out per claim is worked out per kind where it can be, and a ``_Claim``
    made only for those worked out one by one, ``claim``)."""

    id: list[int]
    start: list[int]
    end: list[int]
    kind: list[int]  # index into ``kinds``
    # each id written out, as the store's read gives it (``_claims_of``): a claim's
    # annotation writes it twice, from text made once, not from the number
    written: Sequence[str]
    kinds: Sequence[rows_of.ClaimKind]  # every source's, read with it (``_claims_of``)
    links: dict[int, tuple[_Link, ...]]  # claim id -> its links (most claims have none)
    # what claims of each kind say in their annotation: one for the files of an export,
    # whose claims share kinds
    said: _Said
    # each kind's look, an index into ``looks``: (kind, status, provenance), which its seg
    # says (``_claim_looks``; a few for the export)
    look: Sequence[int]
    looks: Sequence[tuple[str, str, str]]

    @classmethod
    def of(cls, claims: Sequence[_Claim]) -> _Claims:
        """From records, in the order given, their kinds numbered as first met."""
        kinds: dict[rows_of.ClaimKind, int] = {}
        kind = [kinds.setdefault((c.kind, c.status, c.agent, c.agent_entity_id, c.provenance,
                                  c.cue, c.confidence, c.candidate), len(kinds)) for c in claims]
        return cls([c.id for c in claims], [c.start for c in claims], [c.end for c in claims],
                   kind, [str(c.id) for c in claims], list(kinds),
                   {c.id: c.links for c in claims if c.links},
                   _Said(list(kinds)), *_claim_looks(list(kinds)))

    def claim(self, j: int) -> _Claim:
        cid = self.id[j]
        return _Claim(cid, self.start[j], self.end[j], *self.kinds[self.kind[j]],
                      self.links.get(cid, ()))


def _claim_looks(kinds: Sequence[rows_of.ClaimKind]
                 ) -> tuple[list[int], list[tuple[str, str, str]]]:
    """Each kind's look (an index), and the looks: claims of kinds with another cue alike."""
    looks: dict[tuple[str, str, str], int] = {}
    return [looks.setdefault((k[0], k[1], k[4]), len(looks)) for k in kinds], list(looks)


class _Said:
    """What the annotation of a claim of each kind says, worked out once for every kind of
    an export (1,500 claims of a hundred or so kinds, a few dozen in each file): its finder's
    notes (``_finder_notes``) by the name of the note element, whether it has an agent (its
    note is the file's: where it points, ``agent_pointer``), whether it says nothing, and
    the text of a new annotation after its id, by the names and indent of the file's
    (``_ClaimNotes``)."""

    __slots__ = ("kinds", "agent", "entity", "_lines", "_silent", "_tails")

    def __init__(self, kinds: Sequence[rows_of.ClaimKind]) -> None:
        self.kinds = kinds
        self.agent = frozenset(k for k, kind in enumerate(kinds) if kind[2])
        # kind -> its agent's entity, of the kinds with one (a file's found in C: ``gather``)
        self.entity = {k: eid for k, kind in enumerate(kinds) if (eid := kind[3])}
        self._lines: dict[str, list[tuple[str, ...]]] = {}
        self._silent: dict[str, frozenset[int]] = {}
        self._tails: dict[tuple[str, str, str, str, str], list[str]] = {}

    def lines(self, note: str) -> list[tuple[str, ...]]:
        """Each kind's finder's notes, ``note`` their element's name."""
        got = self._lines.get(note)
        if got is None:
            got = self._lines[note] = [_finder_notes(*k[5:8], note)[1] for k in self.kinds]
        return got

    def silent(self, note: str) -> frozenset[int]:
        """The kinds whose claims' annotation says nothing: no agent, no finder's notes."""
        got = self._silent.get(note)
        if got is None:
            got = self._silent[note] = frozenset(
                k for k, lines in enumerate(self.lines(note)) if not lines) - self.agent
        return got

    def tails(self, note: str, ann: str, indent: str, unit: str, nl: str) -> list[str]:
        """Each kind's new annotation after its target's id (``_tails``; a kind with an
        agent has the file's own, ``_ClaimNotes.text``)."""
        key = (note, ann, indent, unit, nl)
        got = self._tails.get(key)
        if got is None:
            got = self._tails[key] = _tails(self.lines(note), ann, indent, unit, nl)
        return got


_NO_CLAIMS = _Claims([], [], [], [], [], (), {}, _Said(()), (), ())


class _Kind(NamedTuple):
    """What mentions with the same markup share (an export of 100k mentions has a few dozen)."""

    type: str
    entity_id: str | None
    date_value: str | None
    status: str
    provenance: str
    date_cert: str = ""  # 'high' stated, 'medium' inferred from the source's chronology
    # a date flagged julian: its words' own value, Julian (``calendar.julian_written``)
    custom: tuple[tuple[str, str], ...] = ()
    stated: bool = False  # a value the text states, uncertain by its own doubt: not inferred


@dataclass(slots=True)
class _Mentions:
    """A source's mentions as columns, in document order (start, longer first, type)."""

    start: Ints
    end: Ints
    kind: Ints  # index into ``kinds``
    kinds: list[_Kind]
    # the kinds of every source read with it (``_mentions_of``), and each of its kinds' index
    # there: what is worked out per kind is worked out once for them all (``_settle_own``)
    every: Sequence[_Kind] = ()
    every_kind: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    # where the kinds ``_as_marked`` made begin (-1: none): each has its index in ``every``
    # of the kind it is made from, but not its look
    made: int = -1

    def __post_init__(self) -> None:
        if not self.every:  # on its own
            self.every, self.every_kind = self.kinds, np.arange(len(self.kinds))

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int, _Kind]]) -> _Mentions:
        """From (start, end, kind) rows in any order (a test's, or none), put in document
        order: by start, longer first, by type (a source has one mention of a type at a
        span). The store keeps an export's in that order already (``_mentions_of``)."""
        by_kind: dict[_Kind, int] = {}  # numbered as the rows give them
        numbered = [(s, e, k, by_kind.setdefault(k, len(by_kind))) for s, e, k in rows]
        cols = [(s, e, n) for s, e, _, n in sorted(numbered, key=lambda r: (r[0], -r[1],
                                                                            r[2].type))]
        start, end, kind = (np.array(c, dtype=np.int64) for c in zip(*cols)) if cols else (
            np.zeros(0, np.int64) for _ in range(3))
        return cls(start, end, kind, list(by_kind))


class _Shared(NamedTuple):
    """How a kind's mentions are marked in every file of an export that points alike (by
    register and ``_Data.styles``): the tag; the attributes but @cert/@resp as a proposal
    (``_Builder._kind_attrs``), which its (status, provenance) give in each file; and the
    entity whose entry the export writes, which they point to (``pointed``). A file that
    points to the entity itself, or a Julian date (``custom``), which takes the file's
    calendar, has its own."""

    tag: str
    attrs: tuple[tuple[str, str | None], ...]
    proposal: tuple[str, str]
    entity_id: str | None
    custom: bool
    pointed: str | None
    # its look's number (``_KindLooks.numbered``) by the attributes it has as a proposal
    numbers: dict[tuple[tuple[str, str | None], ...], int]


# a kind among ``_Mentions.every``: its index there, or, made from one (``_as_marked``), that
# index with what it adds (``custom``, ``stated``), which its look says
_KindKey = int | tuple[int, tuple[tuple[str, str], ...], bool]


@dataclass(slots=True)
class _KindLooks:
    """What the files of one export share of their kinds' looks, found once per kind and
    files that point alike rather than per file and kind (an export's files have hundreds
    of kinds, of a few dozen; ``_Builder._mention_looks``): each kind's ``_Shared`` by
    (kinds read, ``_Data.styles``, register), then kind; each look a number. (The entities
    its files' kinds name are the same in each: ``gather`` takes every one of them the
    store has not rejected.)"""

    # by the ids of the kinds and styles, which it holds (no other object takes their id)
    shared: dict[tuple[int, int, str], tuple[object, object, dict[_KindKey, _Shared]]] = field(
        default_factory=dict)
    looks: list[_Look] = field(default_factory=list)
    number: dict[_Look, int] = field(default_factory=dict)

    def of(self, every: Sequence[_Kind], styles: dict[str, Style], register: str
           ) -> dict[_KindKey, _Shared]:
        """The ``_Shared`` of the kinds ``every`` in files of these styles and register."""
        got = self.shared.get((id(every), id(styles), register))
        if got is None:
            got = self.shared[id(every), id(styles), register] = (every, styles, {})
        return got[2]

    def numbered(self, look: _Look) -> int:
        got = self.number.get(look)
        if got is None:
            got = self.number[look] = len(self.looks)
            self.looks.append(look)
        return got


# the pointer forms of names that have none (``_Data.file_forms``, ``edition_forms``): one,
# never written, not a Counter made for each file (two a file cost an export 0.2 ms)
_NO_FORMS: Counter[tuple[str, str]] = Counter()


@dataclass(slots=True)
class _Data:
    mentions: _Mentions
    entities: dict[str, Entity] = field(default_factory=dict)
    claims: _Claims = _NO_CLAIMS
    passages: list[tuple[int, int]] = field(default_factory=list)
    works: dict[str, BibEntry] = field(default_factory=dict)
    # what an editor decided: entities changed after their source was added
    decided: frozenset[str] = frozenset()
    # entities an editor added to what the edition's files say (an id, a name, a merge...)
    enriched: frozenset[str] = frozenset()
    # (start, end, type) of mentions the source's own markup gave: never wrapped again
    own: _Own = field(default_factory=lambda: _NO_OWN)
    # source id -> the name its export is written under (the file's own), for passage links
    files: dict[str, str] = field(default_factory=dict)
    # entity -> (attribute, value) of the file's own pointer to it: new markup uses the same
    own_pointers: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the entities a pointer attribute's value names (``pointing.Named``); none unless set
    named: Callable[[str], set[str]] = field(default=lambda value: set())
    # (type, form) of the pointers of the file's names and of its edition's sources' (else
    # of every source's; none for a source naming no edition: ``pointing``)
    file_forms: Counter[tuple[str, str]] = field(default_factory=lambda: _NO_FORMS)
    edition_forms: Counter[tuple[str, str]] = field(default_factory=lambda: _NO_FORMS)
    # by type, once forms are set: one dict shared by the files of an export's edition whose
    # names point alike (``export_tei``)
    styles: dict[str, Style] = field(default_factory=dict)
    # the edition's, by type: the same for every file of an export (one dict shared by all)
    edition_styles: dict[str, Style] = field(default_factory=dict)
    # the entries of entities in standOffs (``_entry_lines``) by entity id, xml:id, item,
    # prefix and proposal attributes: one dict shared by the files of an export, which reads
    # each entity once (an entity's hash and equality, which ``_entry_lines`` would ask of
    # every file, cost more than its id's)
    entry_lines: dict[tuple[str, str, str, str, tuple[tuple[str, str | None], ...]],
                      tuple[str, ...]] = field(default_factory=dict)
    # the pointer new markup gives an entity the file has no pointer of its own to, by
    # entity id, form and register: one dict shared by the files of an export
    # (``_Builder._kind_attrs``), which name an entity in many files
    new_pointers: dict[tuple[str, str, str], tuple[tuple[str, str | None], ...]] = field(
        default_factory=dict)
    kind_looks: _KindLooks = field(default_factory=_KindLooks)  # shared likewise

    def style(self, type_: str) -> Style:
        """How new names of this type point: as the file's names do, else the edition's."""
        got = self.styles.get(type_)
        if got is None:
            edition = self.edition_styles.get(type_)
            if edition is None:
                edition = self.edition_styles[type_] = style_of(self.edition_forms, type_)
            got = self.styles[type_] = style_of(self.file_forms, type_, edition) \
                if self.file_forms else edition
        return got


def _states(include_proposals: bool) -> tuple[tuple[str, str], tuple[str, str]]:
    """Mention/claim states and link states to export (pairs, so the SQL stays fixed)."""
    if include_proposals:
        return ("confirmed", "proposed"), ("confirmed", "suggested")
    return ("confirmed", "confirmed"), ("confirmed", "confirmed")


def _mentions_of(read: rows_of.MentionRead,
                 changed: dict[tuple[str, str], set[tuple[int, int, str]]] | None
                 ) -> tuple[dict[tuple[str, str], _Mentions], _OwnSpans]:
    """Each source's mentions to export, from what ``store.exports.mention_kinds`` read of
    them all, made as columns at once: numpy's work is a few calls for all sources, not a few
    per source, and each kind is made once, for every source with mentions of it. And the
    (start, end, type) of those its own markup gave that no editor changed since
    (``changed``: those an editor did, by source; None, every one): the file marks them
    already."""
    kinds = [_Kind(*k) for k in read.kinds]
    sizes = np.array(read.sizes, dtype=np.int64)
    source = np.repeat(np.arange(len(sizes)), sizes)  # of each mention
    # a source's own kinds, numbered in the order it first has them (the store's), as read
    own_at = [0, *accumulate(read.counts)]
    every_kind = np.array(read.own, dtype=np.int64)
    local = np.fromstring(read.local, dtype=np.int64, sep=",") if len(source) else source
    kind = every_kind[np.array(own_at[:-1], dtype=np.int64)[source] + local]
    # in document order, as the store keeps them (``store.exports.MentionRead``)
    start = np.fromstring(read.starts, dtype=np.int64, sep=",") if len(kind) else kind
    end = np.fromstring(read.ends, dtype=np.int64, sep=",") if len(kind) else kind
    each_kinds = list(map(kinds.__getitem__, read.own))
    at = np.concatenate(([0], np.cumsum(sizes)))
    mentions = {key: _Mentions(start[a:b], end[a:b], local[a:b], each_kinds[ka:kb], kinds,
                               every_kind[ka:kb])
                for key, a, b, ka, kb in zip(read.versions, at.tolist(), at[1:].tolist(),
                                             own_at, own_at[1:])}
    own = _OwnSpans(changed or {})
    if changed is not None and kinds:
        rows = np.flatnonzero(np.array([k.provenance == "source" for k in kinds])[kind])
        own.types = [k.type for k in kinds]
        own.start, own.end, own.kind = start[rows], end[rows], kind[rows]
        own.type_at = np.array([_TYPE_ORDER[t] for t in own.types], dtype=np.int64)[own.kind]
        cut = np.searchsorted(rows, at).tolist()
        own.at = {key: (a, b) for key, a, b in zip(read.versions, cut, cut[1:]) if a < b}
    return mentions, own


@dataclass(slots=True)
class _OwnSpans:
    """The (start, end, type) of the mentions each file's own markup gave that no editor
    changed since (``changed``, by source), made for one file when its export asks
    (``gather``), not for every file at once: an export of 769 files held 8 MB of them
    till its end, and a file without markup of its own asks for none."""

    changed: dict[tuple[str, str], set[tuple[int, int, str]]]
    at: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # rows by source
    start: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # of each row
    end: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    types: list[str] = field(default_factory=list)  # of each kind
    # each row's type, its place in ``_TYPE_ORDER``: found once for all files
    type_at: Ints = field(default_factory=lambda: np.zeros(0, np.int64))

    def get(self, key: tuple[str, str]) -> _Own:
        rows = self.at.get(key)
        if rows is None:
            return _NO_OWN
        a, b = rows
        start, end, kind, type_at = (self.start[a:b], self.end[a:b], self.kind[a:b],
                                     self.type_at[a:b])
        gone = self.changed.get(key)
        if gone:
            keep = np.array([(s, e, self.types[k]) not in gone for s, e, k in zip(
                start.tolist(), end.tolist(), kind.tolist())], dtype=bool)
            start, end, type_at = start[keep], end[keep], type_at[keep]
        return _Own(start, end, type_at)


_TYPE_ORDER = {t: n for n, t in enumerate(sorted(TAGS))}  # a type's place among types


@dataclass(frozen=True, slots=True)
class _Own:
    """(start, end, type) of the mentions a file's own markup gave that no editor changed
    since, as columns (``type``: its place in ``_TYPE_ORDER``)."""

    start: Ints
    end: Ints
    type: Ints

    def __bool__(self) -> bool:
        return bool(len(self.start))


_NO_OWN: _Own = _Own(*(np.zeros(0, np.int64) for _ in range(3)))


def _as_marked(m: _Mentions, rows: list[tuple[int, int, str, str, bool, bool]]) -> None:
    """Each date of ``rows`` (start, end, value, written, julian, stated:
    ``store.exports.marked_dates``)
    gets a kind of its own: a Julian day given as its Gregorian one carries its words' Julian
    value (``custom``), its tag saying its calendar; a value the text states with a doubt is
    ``stated``, its tag no @evidence of an inference. Dates are a few of a source's mentions,
    and these a few of them."""
    made: dict[tuple[int, tuple[tuple[str, str], ...], bool], int] = {}
    for s, e, value, written, julian, stated in rows:
        custom = (julian_written(json.loads(value), json.loads(written) if written else {})
                  or ()) if julian else ()
        if not custom and not stated:
            continue
        for i in range(*np.searchsorted(m.start, [s, s + 1]).tolist()):
            k = int(m.kind[i])
            if int(m.end[i]) != e or m.kinds[k].type != "date":
                continue
            new = made.get((k, custom, stated))
            if new is None:
                if m.made < 0:
                    m.made = len(m.kinds)
                new = made[k, custom, stated] = len(m.kinds)
                m.kinds.append(m.kinds[k]._replace(custom=custom, stated=stated))
                # read with the kind it is made from: the same type, entity and provenance
                m.every_kind = np.append(m.every_kind, m.every_kind[k])
            m.kind[i] = new


@dataclass(slots=True)
class _Edition:
    """What the exports of many sources read of the store, read once for all of them and
    grouped by source (a few queries per export, not a dozen per file), and the entities
    read so far (by id, variants in order), made once for every file that names them."""

    decided: frozenset[str]
    enriched: frozenset[str]
    mentions: dict[tuple[str, str], _Mentions]
    own: _OwnSpans  # the files' own mentions, unchanged (``_mentions_of``)
    claims: dict[tuple[str, str], tuple[list[int], list[int], list[int], list[int], list[str]]]
    claim_kinds: list[rows_of.ClaimKind]  # of every source's claims (``claims``' 4th column)
    claim_said: _Said  # ``_Claims.said``
    claim_looks: tuple[list[int], list[tuple[str, str, str]]]  # ``_Claims.look``, ``looks``
    links: dict[tuple[str, str], list[tuple[Any, ...]]]
    passages: dict[str, set[tuple[int, int]]]
    # of each kind of ``mentions`` (their ``every``, which ``every_kind`` indexes), the
    # entity it names, '' for none or a date's: a file's found by its kinds' indices, not
    # by reading each kind's fields
    named: list[str]
    known: dict[str, Entity] = field(default_factory=dict)
    # the ids of ``known`` a file's export writes when it names them (``gather``): those
    # neither rejected nor proposed, and the proposed, sorted out once for every file
    settled: set[str] = field(default_factory=set)
    proposed: set[str] = field(default_factory=set)

    def knew(self, found: dict[str, Entity]) -> None:
        """``found`` (by id) among the entities known."""
        self.known.update(found)
        for eid, ent in found.items():
            if ent.status == "proposed":
                self.proposed.add(eid)
            elif ent.status != "rejected":
                self.settled.add(eid)

    @classmethod
    def read(cls, store: Store, versions: Sequence[tuple[str, str]],
             include_proposals: bool) -> _Edition:
        """What the exports of ``versions`` (source id, sha256) read."""
        states, link_states = _states(include_proposals)
        conn = store.conn
        source_ids = list(dict.fromkeys(sid for sid, _ in versions))
        read = rows_of.mention_kinds(store, versions, states)
        mentions, own = _mentions_of(read, changed_source_spans(store, versions))
        for key in versions:
            if key not in mentions:
                mentions[key] = _Mentions.of(())
        for key, rows in rows_of.marked_dates(conn, versions, states).items():
            _as_marked(mentions[key], rows)
        claims = rows_of.claims_of(store, versions, states)
        # the entities every file names (``gather``'s ``wanted``), in one read, not one a file
        named = [k[1] if k[1] and k[0] != "date" else "" for k in read.kinds]
        wanted = set(named)
        wanted.discard("")
        wanted.update(k[3] for k in claims.kinds if k[3])
        edition = cls(decided=decided_entities(store), enriched=enriched_entities(store),
                      mentions=mentions, own=own, claims=_claims_of(claims),
                      claim_kinds=claims.kinds, claim_said=_Said(claims.kinds),
                      claim_looks=_claim_looks(claims.kinds),
                      links=rows_of.claim_links_of(conn, source_ids, states, link_states),
                      passages=rows_of.passages_of(conn, source_ids, states, link_states),
                      named=named)
        if wanted:
            edition.knew(entity_rows.by_id(conn, wanted))
        return edition


def _claims_of(read: rows_of.ClaimRead) -> dict[tuple[str, str], tuple[
        list[int], list[int], list[int], list[int], list[str]]]:
    """Each version's claims (ids, starts, ends, kinds, and the ids as the read writes them)
    in document order (the read's: by start, longer first), made for every version at once."""
    if not read.versions:
        return {}
    cid, start, end, local = (np.fromstring(col, dtype=np.int64, sep=",")
                              for col in (read.ids, read.starts, read.ends, read.local))
    own_at = [0, *accumulate(read.counts)]
    kind = np.array(read.own, dtype=np.int64)[np.repeat(own_at[:-1], read.sizes) + local]
    cols = [col.tolist() for col in (cid, start, end, kind)]
    cols.append(read.ids.split(","))
    at = [0, *accumulate(read.sizes)]
    return {key: (cols[0][a:b], cols[1][a:b], cols[2][a:b], cols[3][a:b], cols[4][a:b])
            for key, a, b in zip(read.versions, at, at[1:])}


def gather(ctx: ActContext, source_id: str, sha256: str, *, include_proposals: bool,
           edition: _Edition, marked: bool = True) -> _Data:
    """What one source's export holds, in a stable order, from what the exports of every
    source read (``edition``). ``marked``: whether the file has name or date markup of its
    own."""
    conn = ctx.store.conn
    key = (source_id, sha256)
    by_claim: dict[int, list[_Link]] = {}
    # columns in the order of _Link's fields: rows become links as they are
    for r in edition.links.get(key, ()):
        by_claim.setdefault(r[0], []).append(_Link._make(r[1:]))
    links = {cid: tuple(own) for cid, own in by_claim.items()}
    cols = edition.claims.get(key)
    claims = _Claims(*cols, edition.claim_kinds, links, edition.claim_said,
                     *edition.claim_looks) if cols else _NO_CLAIMS
    agent_of = claims.said.entity
    wanted = set(map(agent_of.__getitem__, agent_of.keys() & claims.kind))
    keys: dict[str, None] = {}  # the works cited, in the order of the claims citing them
    for cid in claims.id if links else ():
        keys.update((link.bib_key, None) for link in links.get(cid, ()) if link.bib_key)
    works = cited_with_parents(conn, keys)  # and their crossref/xref parents, as the .bib's
    passages = sorted(edition.passages.get(source_id, ()))
    data = _Data(mentions=edition.mentions[key], claims=claims, passages=passages,
                 works=works, decided=edition.decided, enriched=edition.enriched,
                 own=edition.own.get(key) if marked else _NO_OWN)
    for sid in sorted({link.target_source_id for own in links.values() for link in own
                       if link.target_source_id is not None}):
        src = find_source(conn, sid)
        data.files[sid] = export_name(src.file) if src is not None else f"{sid}.xml"
    kinds = data.mentions.kinds
    wanted.update(map(edition.named.__getitem__, data.mentions.every_kind.tolist()))
    wanted.discard("")
    known = edition.known
    missing = wanted.difference(known)
    if missing:
        edition.knew(entity_rows.by_id(conn, missing))
    # those not rejected; a proposed one only with proposals, or named by a mention
    taken = wanted & edition.settled
    proposed = wanted & edition.proposed
    if proposed:
        taken |= proposed if include_proposals else proposed & {k.entity_id for k in kinds}
    data.entities = {eid: known[eid] for eid in sorted(taken)}
    return data


# characters at which a group of files, whose spans are placed at once (``_wrap``), is
# closed: numpy's cost is per call, not per span, and the group's maps, texts and spans are
# held until its files are written (its last file takes it past this: a file longer than
# this ends the group of the shorter ones before it)
_GROUP_CHARS = 1 << 20
_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]")
_INDENT = re.compile(r"[ \t]*")
_NUMBERED = re.compile(r"\d+(\.\d+){0,2}")


@lru_cache(maxsize=65536)
def ncname(text: str, prefix: str = "id") -> str:
    """A valid xml:id from any string (citation keys, entity ids), stable for the same input:
    made once per string, not once per file that writes it."""
    out = _NCNAME_BAD.sub("-", text)
    if not out or not (out[0].isalpha() or out[0] == "_"):
        out = f"{prefix}-{out}"
    return out


@lru_cache(maxsize=4096)
def resp_id(provenance: str) -> str:
    """xml:id of the ``<application>`` behind a proposal (the target of its ``@resp``): made
    once per provenance, not per file with its proposals."""
    return f"annotator-{slug(provenance, limit=1000)}"


class _Ids:
    """xml:ids in use in a document; hands out free ones, the wanted one when it can."""

    def __init__(self, existing: Iterable[str]) -> None:
        self.used = set(existing)

    def take(self, wanted: str) -> str:
        got, n = wanted, 1
        while got in self.used:
            n += 1
            got = f"{wanted}-{n}"
        self.used.add(got)
        return got


# -- markup already in the source -------------------------------------------------------------
@dataclass(slots=True)
class _Existing:
    """Annotation elements already in ``<text>``, by (element or seg:type, span), fragments
    joined; each xml:id of the file -> its first element (its keys: the ids in use)."""

    by_key: Mapping[tuple[str, int, int], list[int]] = field(default_factory=dict)
    id_node: dict[str, int] = field(default_factory=dict)


def existing_annotations(ix: SourceIndex) -> _Existing:
    """The annotation elements of the file's text and its ids, as its map keeps them: a
    kept map's ``Annotations`` as they are, numbered only when a key is asked (most files'
    exports ask none: ``_settle_own`` reads their columns), not a dict made per file."""
    ex = _Existing(by_key=marked(ix.tm).annotations)
    for node, xid in ix.els.attrs[XML_ID].items():  # in document order
        ex.id_node.setdefault(xid, node)
    return ex


def _pointer(els: Elements, node: int) -> str | None:
    """The element's own pointer, which says who it is: the first of ``@ref``, ``@key`` and
    ``@corresp`` it has that is not empty."""
    kept = els.attrs
    return kept["ref"].get(node) or kept["key"].get(node) or kept["corresp"].get(node) or None


# -- building one export ----------------------------------------------------------------------
class _Look(NamedTuple):
    """How a span is marked up: element name and the attributes of every fragment."""

    tag: str
    attrs: tuple[tuple[str, str | None], ...]


# a mention with the span of an element of the file: (the element's chain of fragments, the
# mention's kind, whether the file's own markup gave it, its start and end, its row)
_Found = tuple[list[int], int, bool, int, int, int]


@dataclass(frozen=True, slots=True)
class _Spans:
    """Spans to wrap, as columns (mentions run to 100k); a span's owner number is its row."""

    start: Ints
    end: Ints
    rank: Ints
    look: Ints  # index into ``looks``
    looks: list[_Look]
    # the id of the first piece of each of its first rows (claims, passages: each has one)
    ids: list[str]
    # rows with the span of an element of the file that marks something else (``rs
    # type="art"``) -> that element: placed inside it
    inside: dict[int, int] = field(default_factory=dict)


class _Inline(NamedTuple):
    """A file's spans to wrap as ``_inline`` found them, made columns with the other files'
    by ``_span_columns``: its claims' and passages' (its ``_Spans``'s first rows) as lists,
    its mentions' the builder's (``_m_start``, ``_m_end``, ``_m_kind``); and the rest of its
    ``_Spans``."""

    start: list[int]
    end: list[int]
    rank: list[int]
    look: list[int]
    looks: list[_Look]
    ids: list[str]  # each of its rows' id: every claim and passage has one
    inside: dict[int, int]


class _Columns(NamedTuple):
    """The spans of many files' exports (``_span_columns``), each file's rows after those of
    the files before it."""

    start: Ints
    end: Ints
    rank: Ints
    look: Ints  # index into its file's ``_Spans.looks``
    file: Ints
    firsts: list[int]  # where each file's rows begin, and where the last's end
    claims: npt.NDArray[np.bool_] | None  # the rows of claims and passages (None: none)
    ids: list[str]  # the id of each of those (``_Inline.ids``), in row order


class _Pieces(NamedTuple):
    """``Piece`` fields as columns (an export has 100k pieces), without the tag."""

    rs: Ints
    re: Ints
    ps: Ints
    pe: Ints
    parent: Ints
    owner: Ints
    rank: Ints
    inner: Ints

    @classmethod
    def of(cls, pieces: Sequence[Piece]) -> _Pieces:
        rows = [(p.rs, p.re, p.ps, p.pe, p.parent, p.owner, p.rank, int(p.inner))
                for p in pieces]
        if not rows:
            return cls(*(np.zeros(0, np.int64) for _ in range(8)))
        return cls(*(np.array(col, dtype=np.int64) for col in zip(*rows)))


class _Builder:
    """Works out every insertion for one source."""

    def __init__(self, ix: SourceIndex, data: _Data, *, source_id: str,
                 existing: _Existing, register: str = "inline") -> None:
        self.ix = ix
        self.register = register
        self.entries = "inline" if register == URIS else register  # where entries are written
        self.out = ""  # the export, once built
        self.pointed: set[str] = set()  # entities that inserted markup points to
        self.own_entries: dict[str, int] = {}  # decided entity -> the file's own entry of it
        self.reached: set[str] = set()  # decided entities the file points to elsewhere
        # the ids of entries the file's own ``#id`` pointers name and the file lacks -> the
        # entity: written in its standOff (``_missing_entry``)
        self.missing: dict[str, str] = {}
        # names whose ``#x`` names no entry of the file, (row, element, x, entity): those
        # ``_reuse`` found, and the file's own nothing was decided of, (row, element, kind:
        # those ``_mention_looks`` looked at one by one; ``settled`` has the others), whose
        # pointers are read only when their entity's entry may be written; both settled once
        # the export knows what it inserts (``_settle_lacking``)
        self.lacking: list[tuple[int, int, str, str]] = []
        self.own_names: list[tuple[int, int, int]] = []
        self._missing_of: dict[str, str | None] = {}  # pointer -> ``_missing_entry``'s
        self._agents: dict[str, tuple[str | None, bool]] = {}  # entity -> ``agent_pointer``'s
        self._lacking_of: dict[str, str | None] = {}  # pointer -> ``_lacking``'s
        self.inserted_to: set[str] = set()  # entities inserted markup points to by such an #x
        # where the file's own pointers kept start (offsets), and the words of their names
        self.kept_at: list[int] = []
        self.kept_words: list[str] = []
        # mentions to nest in the file's element of their span that marks something else:
        # row of the mentions to wrap -> that element (``_mention_looks``)
        self.inside: dict[int, int] = {}
        # those that could not be written, inside or around it: (element, start, end, tag)
        self.unwritten: list[tuple[int, int, int, str]] = []
        self.dangling_at: list[int] = []  # names whose ``#x`` ``none`` leaves dangling, said
        self.data = data
        self.source_id = source_id
        self.text = ix.text
        self.ex = existing
        self.ids = _Ids(self.ex.id_node)
        self.written: set[str] = set()  # ids of the entries the standOff writes
        self.inserts: list[Insert] = []
        self.counts: Counter[str] = Counter()
        self.resps: dict[str, str] = {}  # provenance -> application xml:id
        self.resp_ids = _Ids(set())  # their own: the document's ids would renumber them
        self.claim_ids: dict[int, str] = {}
        # whether every claim's seg is new, of id ``claim-<id>`` (``inline``)
        self._claims_fresh = False
        # "\r" is found at once, "\r\n" is not; a file of lone CRs (no "\r\n") gets "\n"
        self.nl = "\r\n" if "\r" in self.text and ("\r\n" in self.text[:4096] or (
            "\r\n" in self.text and "\n" not in self.text.replace("\r\n", ""))) else "\n"
        self._prefix: dict[int, tuple[str, str]] = {}
        self._kids: dict[int, list[int]] = {}  # element -> its element children
        self._child_of: dict[tuple[int, str], int | None] = {}  # ``_child``'s, asked again
        self._unit_of: str | None = None  # the file's indent step
        self.batch: TagBatch | None = None  # the inline tags, as columns
        # the xml:id of the Julian calendar dates point to (the file's own, else one the
        # export writes), and whether an inserted date does
        self._julian: tuple[str, bool] | None = None  # (id, the file's own)
        self.julian_used = False
        self._m_start = self._m_end = self._m_kind = np.zeros(0, np.int64)
        self._inline: _Inline | None = None  # the spans to wrap, as ``_inline`` found them
        self.settled: _Settled | None = None  # the file's own names and dates (``_settle_own``)
        # the file's own standOff (None: none) and its new lists (``standoff_items``)
        self._standoff: tuple[int | None, list[tuple[str, list[Block]]]] | None = None

    def _has_claim_segs(self) -> bool:
        """Whether the file may mark a claim (``seg type="claim"``) already: a kept map's
        annotations say which elements they hold, without numbering them (``Annotations``)."""
        by_key = self.ex.by_key
        if isinstance(by_key, Annotations):
            return "seg:claim" in by_key.columns()[0]
        return bool(by_key)

    # names of new elements: the TEI namespace's prefix in force where they go
    def qname(self, node: int, local: str) -> tuple[str, str]:
        """(tag name, extra namespace declaration) for a new TEI element inside ``node``."""
        pre, decl = self.prefix(node)
        return f"{pre}{local}", decl

    def prefix(self, node: int) -> tuple[str, str]:
        """("" or "tei:", extra namespace declaration): how to name TEI inside ``node``."""
        node = int(self.ix.ns_scope[node])
        got = self._prefix.get(node)
        if got is None:
            nsmap = self.ix.els.nsmap(node) if node >= 0 else {}
            pre = next((p for p, u in nsmap.items() if u == TEI_NS and p), None)
            got = self._prefix[node] = ("", "") if nsmap.get("") == TEI_NS else (
                (f"{pre}:", "") if pre else ("", f' xmlns="{TEI_NS}"'))
        return got

    def resp(self, provenance: str) -> str:
        if provenance == APP_ID:
            return f"#{APP_ID}"
        rid = self.resps.get(provenance)
        if rid is None:  # two provenances may share a slug ("a_b", "a-b"): ids stay unique
            rid = self.resps[provenance] = self.resp_ids.take(resp_id(provenance))
        return f"#{rid}"

    def proposal_attrs(self, status: str, provenance: str,
                       undecided: tuple[str, ...] = ("proposed", "suggested")
                       ) -> tuple[tuple[str, str | None], ...]:
        if status in undecided:
            return (("cert", "unknown"), ("resp", self.resp(provenance)))
        return ()

    # -- inline -------------------------------------------------------------------------------
    def inline(self) -> None:
        """The claims and passages to wrap, as columns (an export has 1,500 claims), before
        the mentions (``inline_mentions``); their looks numbered as first met, claims of a
        kind alike."""
        start: list[int] = []
        end: list[int] = []
        look: list[int] = []
        row_ids: list[str] = []  # each row's id, that of its first piece
        few_looks: dict[_Look, int] = {}
        claim_looks: dict[int, int] = {}  # a claim's look (``_Claims.looks``) -> its index
        by_key, claim_ids = self.ex.by_key, self.claim_ids
        cl = self.data.claims

        def claim_look(li: int) -> int:
            got = claim_looks.get(li)
            if got is None:
                kind, status, provenance = cl.looks[li]
                got = claim_looks[li] = few_looks.setdefault(
                    _Look("seg", (("type", "claim"), ("subtype", kind),
                                  *self.proposal_attrs(status, provenance))),
                    len(few_looks))
            return got

        names = [f"claim-{cid}" for cid in cl.id]
        self._claims_fresh = bool(names) and not self._has_claim_segs() \
            and self.ids.used.isdisjoint(names)
        if self._claims_fresh:  # most files: none of their own, each its id: as columns
            self.ids.used.update(names)
            claim_ids.update(zip(cl.id, names))
            row_ids.extend(names)
            start.extend(cl.start)
            end.extend(cl.end)
            each = list(map(cl.look.__getitem__, cl.kind))
            look.extend(map({li: claim_look(li) for li in dict.fromkeys(each)}.__getitem__,
                            each))  # numbered as first met
        for cid, s, e, k in () if self._claims_fresh else zip(cl.id, cl.start, cl.end, cl.kind):
            chain = by_key.get(("seg:claim", s, e))
            if chain is not None:
                claim_ids[cid] = self._ensure_id(chain[0], f"claim-{cid}")
                self.counts["reused"] += 1
                continue
            row_ids.append(self.ids.take(f"claim-{cid}"))
            claim_ids[cid] = row_ids[-1]
            start.append(s)
            end.append(e)
            look.append(claim_look(cl.look[k]))
        if start:
            self.counts["claims"] += len(start)
        rank = [RANK_CLAIM] * len(start)
        passage = _Look("seg", (("type", "passage"),))
        for s, e in self.data.passages:
            if not 0 <= s < e <= len(self.ix.tm.text):
                continue
            if ("seg:passage", s, e) in self.ex.by_key:
                continue
            want = f"passage-{s}-{e}"
            if want in self.ex.id_node:
                continue
            row_ids.append(self.ids.take(want))
            start.append(s)
            end.append(e)
            rank.append(RANK_PASSAGE)
            look.append(few_looks.setdefault(passage, len(few_looks)))
            self.counts["passages"] += 1
        self._inline = _Inline(start, end, rank, look, [*few_looks], row_ids, {})

    def inline_mentions(self) -> None:
        """The mentions to wrap, after the claims and passages ``inline`` found."""
        got = self._inline
        assert got is not None
        got.looks.extend(self._mention_looks(len(got.looks)))
        self._inline = got._replace(inside={len(got.start) + i: node
                                            for i, node in self.inside.items()})

    def _mention_looks(self, first: int) -> list[_Look]:
        """The look of each kind of mention; sets the columns of the mentions to wrap, their
        looks numbered from ``first``.

        A mention with the span of an element the file already has that marks a name of its
        type, or a date (``persName``, ``rs type="person"``, a ``name`` or ``rs`` that does not
        say, ``settlement``...), is that element's: its tag is not written again. One whose
        element marks something else (``rs type="art"``, a ``placeName`` for a person, a
        ``date`` for a name; for a date, any name element: ``rs type="event"``, a ``name``
        that does not say) is an editor's word the file does not say: its element is written
        inside that one (``inside``), where TEI lets it go (``place``), else around it. A
        mention the file's own markup gave is never wrapped, even where no element has
        exactly its span."""
        m = self.data.mentions
        kinds = m.kinds
        start, end, kind = m.start, m.end, m.kind
        found: list[_Found] = []
        # its own dates, as columns: elements, kinds; whether one is Julian
        date_heads: list[int] = []
        date_kinds: list[int] = []
        julian = False
        settled = 0  # mentions of the file's own names and dates settled
        by_key = self.ex.by_key
        if self.settled is None:
            _settle_own([self])
        got = self.settled
        assert got is not None
        if got.rows:  # names or dates already marked in the source
            drop = got.drop
            date_heads, date_kinds, julian = got.date_heads, got.date_kinds, got.julian
            settled = got.settled
            inside: dict[int, int] = {}
            types = [kd.type for kd in kinds] if got.rest else []
            get = by_key.get
            # the others with the span of an element, or that the file's markup gave, one by
            # one: their type's own element (``persName``...), else another that marks it
            for j, i, s, e, k, from_file, how in got.rest:
                chain: list[int] | None = get((TAGS[types[k]], s, e))
                other: list[int] | None = None
                for local in _MARKING[types[k]] if chain is None else ():
                    el = get((local, s, e))
                    if el is None:
                        continue
                    said = self._marks(el[0], local) if local in _SAY_TYPE else _MARKS_OF[local]
                    # a name or rs that does not say what it marks is a name's, not a date's
                    if said == types[k] or said is None and types[k] != "date":
                        chain = el
                        break
                    other = other or el  # marks something else: the first, to nest in
                if chain is None:
                    if from_file:
                        drop.append(i)
                    elif other is not None:
                        inside[i] = other[0]
                    continue
                drop.append(i)
                if not (from_file and how):
                    found.append((chain, k, from_file, s, e, j))
                    continue
                settled += 1
                if how == 2:
                    date_heads.append(chain[0])
                    date_kinds.append(k)
                    julian = julian or bool(kinds[k].custom)
                else:
                    self.own_names.append((j, chain[0], k))
            if drop and got.kept is not None and len(drop) == got.settled and not inside:
                start, end, kind = got.kept  # as ``_settle_own`` cut them
            elif drop:
                keep = np.ones(len(start), dtype=bool)
                keep[drop] = False
                start, end, kind = start[keep], end[keep], kind[keep]
                if inside:  # their rows among those kept
                    row = np.cumsum(keep) - 1
                    inside = {int(row[i]): node for i, node in inside.items()}
            self.inside = inside
        self._m_start, self._m_end = start, end
        self.counts["mentions"] += len(start)
        present = list(dict.fromkeys(kind.tolist()))  # the kinds wrapped, in document order
        # each kind's look as every file of the export that points alike has it
        # (``_KindLooks``); where the file points to its entity itself, or a Julian date
        # takes the file's calendar, as the file alone has it (``_kind_attrs``, ``alone``).
        # A proposal's @resp id is taken in document order. Kinds that look alike (names of
        # entities pointed to alike, decided dates of a value) share one look: tags are made
        # once per look, not per kind
        data = self.data
        own_pointers, pointed, kl = data.own_pointers, self.pointed, data.kind_looks
        shared = kl.of(m.every, data.styles, self.register)
        every_kind = m.every_kind.tolist()
        extras: dict[int, tuple[tuple[str, str | None], ...]] = {}  # of those it has alone
        look_of = [0] * len(kinds)
        mine: dict[int, int] = {}  # the number of each of the file's looks -> its index
        marks: dict[tuple[str, str], tuple[tuple[str, str | None], ...]] = {}  # few of them
        made = m.made if m.made >= 0 else len(kinds)
        for k in present:
            key: _KindKey = every_kind[k] if k < made else (every_kind[k], kinds[k].custom,
                                                            kinds[k].stated)
            alike = shared.get(key)
            if alike is None:
                alike = shared[key] = self._shared_look(kinds[k])
            mark = marks.get(alike.proposal)
            if mark is None:
                mark = marks[alike.proposal] = self.proposal_attrs(*alike.proposal)
            if alike.custom or alike.entity_id in own_pointers:
                extras.update(self._kind_attrs(kinds, (k,)))
                number = kl.numbered(_Look(alike.tag, extras[k] + mark))
            else:
                number = alike.numbers.get(mark, -1)
                if number < 0:
                    number = alike.numbers[mark] = kl.numbered(_Look(alike.tag,
                                                                     alike.attrs + mark))
                if alike.pointed:
                    pointed.add(alike.pointed)
            look_of[k] = mine.setdefault(number, len(mine) + first)
        alone = sorted(extras)
        if found:
            extras.update(self._kind_attrs(kinds, [k for _, k, *_ in found]))
        if julian:
            self.julian_id()
        if found or settled:
            self.counts["reused"] += len(found) + settled
        if date_heads:
            self._kept_dates(date_heads, date_kinds, kinds)
        if found:
            self._reuse(found, kinds, extras, self.lacking)
        if any(kinds[k].custom for k in alone):
            self.julian_used = True
        for k in alone:  # ``_point_to`` of the entities the file points to itself
            eid = kinds[k].entity_id
            if eid in own_pointers and extras[k] and kinds[k].type != "date":
                self._point_to(eid)
        self._m_kind = np.array(look_of, np.int64)[kind] if present else kind
        return [kl.looks[number] for number in mine]

    def annotation_columns(self) -> tuple[Sequence[str], Sequence[int], Sequence[int],
                                          Sequence[int], Sequence[int], Sequence[int]]:
        """The file's annotation elements (``by_key``) as columns, in the order they are kept
        (``Annotations.columns``): element names; each one's name, an index into them; its
        start and end; where its fragments begin; the fragments."""
        found = marked(self.ix.tm).annotations
        if isinstance(found, Annotations):  # kept: columns, no key made a tuple
            return found.columns()
        by_key = self.ex.by_key
        names = list(dict.fromkeys(local for local, _, _ in by_key))
        number = {local: n for n, local in enumerate(names)}
        return (names, [number[local] for local, _, _ in by_key], [s for _, s, _ in by_key],
                [e for _, _, e in by_key], range(len(by_key) + 1),
                [chain[0] for chain in by_key.values()])

    def _marks(self, node: int, local: str) -> str | None:
        """The type of mention the file's element marks (``tei.marked.marks``)."""
        return marks(local, self.ix.els.get(node, "type") if local in ("name", "rs") else None)

    def _kind_attrs(self, kinds: list[_Kind], wanted: Iterable[int]
                    ) -> dict[int, tuple[tuple[str, str | None], ...]]:
        """The attributes of each kind ``wanted`` but its ``@cert``/``@resp`` as a proposal:
        a date's value, a name's pointer. Only those asked: most kinds of a marked file are
        its own names, kept as they are, which need none.

        A name's pointer is the file's own to its entity, when the file has one (but for
        ``none``, one naming an entry the file lacks, which ``none`` does not write); else,
        in the edition's form (``pointing``), its entry in this file's standOff (``inline``)
        or in ``register.xml`` (``file``), or its authority record (``none``: no register
        written; none when it has no id; ``uris``: its entry in the standOff when it has no
        id): the same in every file that points alike, found once per export
        (``_Data.new_pointers``), not per file and kind (an entity's kinds differ in status
        and provenance)."""
        data, register = self.data, self.register
        out: dict[int, tuple[tuple[str, str | None], ...]] = {}
        for i in sorted(set(wanted)):  # in the kinds' order, as when all were made
            k = kinds[i]
            if k.type == "date" and k.custom:
                out[i] = _date_attrs(k.date_value, k.date_cert, k.status == "confirmed",
                                     k.custom, self.julian_id(), k.stated)
                continue
            own = data.own_pointers.get(k.entity_id) if k.entity_id in data.entities and \
                k.type != "date" else None
            if own is not None and (register != "none" or self._missing_entry(own[1]) is None):
                out[i] = (own,)
                continue
            out[i] = self._attrs_alike(k)
        return out

    def _attrs_alike(self, k: _Kind) -> tuple[tuple[str, str | None], ...]:
        """``_kind_attrs`` of a kind whose entity the file does not point to itself, but a
        Julian date's: the same in every file of the export that points alike."""
        if k.type == "date":
            return _date_attrs(k.date_value, k.date_cert, k.status == "confirmed", k.custom,
                               "", k.stated)
        eid, data, register = k.entity_id, self.data, self.register
        if not eid or (ent := data.entities.get(eid)) is None:
            return ()
        form = data.style(k.type).form
        got = data.new_pointers.get((eid, form, register))
        if got is None:
            ref = _new_pointer(eid, ent.authority, form, register, self.entries)
            got = data.new_pointers[eid, form, register] = (ref,) if ref else ()
        return got

    def _shared_look(self, k: _Kind) -> _Shared:
        """How the kind's mentions are marked in every file of the export that points alike
        (``_KindLooks``)."""
        attrs = self._attrs_alike(k)
        eid = k.entity_id
        pointed = eid if eid and attrs and k.type != "date" and self._writes_entry(eid) \
            else None
        return _Shared(TAGS[k.type], attrs, (k.status, k.provenance), eid, bool(k.custom),
                       pointed, {})

    def _record(self, ent: Entity) -> tuple[bool, str | None]:
        """``_record_of`` the entity in this export's register."""
        return _record_of(ent.authority, self.register)

    def _missing_entry(self, pointer: str) -> str | None:
        """The id ``x`` of a file's own pointer ``#x`` that no element of the file has (an
        edition whose names point to an entry it never wrote), None for any other pointer or
        one that is not an xml:id. (Asked of each name's pointer: found once per pointer.)"""
        got = self._missing_of.get(pointer, "")
        if got == "":
            target = pointer.split()[0][1:] if pointer.startswith("#") else ""
            got = self._missing_of[pointer] = None if (
                not target or target in self.ex.id_node or ncname(target) != target) else target
        return got

    def _point_to(self, eid: str) -> None:
        """Note the entry inserted markup pointing to the entity needs: its entry written
        by the export (``pointed``), or, where the file's own ``#x`` names an entry the file
        lacks, that entry, written in the file's standOff in every mode but ``none`` (the
        only place ``#x`` resolves), so the file's own names and the inserted ones resolve
        and the entity's authority ids are exported."""
        own = self.data.own_pointers.get(eid)
        target = self._missing_entry(own[1]) if own is not None else None
        if target is not None:
            self.inserted_to.add(eid)
            if self.register != "none":
                self.missing.setdefault(target, eid)
        elif self._needs_entry(eid):
            self.pointed.add(eid)

    def _settle_lacking(self) -> None:
        """Where the file's own ``#x`` names an entry the file lacks, write that entry (in
        every mode but ``none``, which says the pointer leads nowhere) only for an entity an
        editor added to what the edition's files say (an authority id, a name, a note, a
        merge: ``enriched_entities``) or that inserted markup points to: an edition's
        pointers name the entries of its separate register files, and a register import's
        entities, or ones merely confirmed, leave the file as it is (``--register file``
        writes them in register.xml). The file's own names nothing was decided of are
        looked at only for those entities: most files have hundreds, and none of them."""
        lacking = self.lacking
        enriched, inserted_to = self.data.enriched, self.inserted_to
        settled = self.settled
        own_names = [*(settled.own_names() if settled else ()), *self.own_names] \
            if enriched or inserted_to else []
        if own_names:
            kinds = self.data.mentions.kinds
            eids = {k: eid for k in set(map(itemgetter(2), own_names))
                    if (eid := kinds[k].entity_id) and (eid in enriched or eid in inserted_to)}
            if eids:
                lacking_x = self._lacking
                # only its own #x naming no element of the file asks for the entry; its
                # pointer, as ``_pointer`` finds it, read of those names only:
                theirs = [(j, head, k) for j, head, k in own_names if k in eids]
                for (j, head, k), (ref, key, corresp) in zip(theirs, self.ix.els.values(
                        [head for _, head, _ in theirs], POINTER_ATTRS)):
                    pointer = ref or key or corresp
                    if pointer and "#" in pointer and (x := lacking_x(pointer)) is not None:
                        lacking.append((j, head, x, eids[k]))
        lacking.sort()  # in the order of the file's rows
        for _, node, target, eid in lacking:
            if eid in enriched or eid in inserted_to:
                if self.register != "none":
                    self.missing.setdefault(target, eid)
                else:
                    self.dangling_at.append(self.ix.element_range(node)[0])
            elif eid in self.data.decided:
                self.reached.add(eid)

    def _needs_entry(self, eid: str) -> bool:
        """Whether markup pointing to the entity points to an entry the export writes."""
        return eid not in self.data.own_pointers and self._writes_entry(eid)

    def _writes_entry(self, eid: str) -> bool:
        """``_needs_entry`` of an entity the file does not point to itself: the same in
        every file of the export that points alike."""
        if self.register not in ("none", URIS):  # no authority record pointed to
            return True
        ent = self.data.entities.get(eid)
        return ent is not None and not self._record(ent)[0]

    def agent_pointer(self, eid: str) -> tuple[str | None, bool]:
        """(``@corresp`` of a claim's agent note, whether it points to an entry the export
        writes). ``note`` has no ``@key``: a file that keys the agent gets a pointer to
        the entry the export writes for it. (Asked twice of each claim with an agent:
        found once per agent.)"""
        got = self._agents.get(eid)
        if got is None:
            got = self._agents[eid] = self._agent_pointer(eid)
        return got

    def _agent_pointer(self, eid: str) -> tuple[str | None, bool]:
        ent = self.data.entities[eid]
        own = self.data.own_pointers.get(eid)
        if own is not None and own[0] != "key":
            missing = self._missing_entry(own[1]) is not None  # its entry: the standOff's
            if not missing or self.register != "none":
                return own[1], missing
        to_record, uri = self._record(ent)
        if to_record:
            return uri, False
        return POINTER_STYLE.attr_value(ncname(ent.id), self.entries)[1], True


    def _lacking(self, pointer: str) -> str | None:
        """``_missing_entry`` of the first of an element's own pointers: the ``x`` of a
        ``#x`` that no element of the file has (asked of each name: found once per
        pointer)."""
        got = self._lacking_of.get(pointer, "")
        if got == "":
            target = pointer.split()[0]
            got = self._lacking_of[pointer] = (self._missing_entry(target) if target[0] == "#"
                                               else None)
        return got

    def _kept_dates(self, heads: list[int], of: list[int], kinds: list[_Kind]) -> None:
        """Count the file's own dates (elements ``heads``, of kinds ``of``) whose value differs
        from the store's (an editor's ``date set``): kept as the file writes it. Values are
        compared as ``DATE_ATTRS`` tuples, None where absent (``_values_of``): no dict made per
        date, nor the attributes the export would write for its kind (``_kind_attrs``)."""
        haves = self.ix.els.values(heads, DATE_ATTRS)
        wants = list(map(_values_of, [kinds[k].date_value for k in of]))
        if haves == wants:  # most files: every one as the store has it
            return
        differ = sum(have != _NO_DATE and have != want for have, want in zip(haves, wants))
        if differ:
            self.counts["dates_kept"] += differ

    def _reuse(self, found: list[_Found], kinds: list[_Kind],
               extras: dict[int, tuple[tuple[str, str | None], ...]],
               lacking: list[tuple[int, int, str, str]]) -> None:
        """For each (existing element's chain of fragments, kind of the mention it marks,
        whether the file's own markup gave the mention, its span, its row), add what the
        element lacks (``@ref``, a date value) when an editor decided it; keep what it has;
        ``lacking`` gets (row, element, x, entity) of a name whose ``#x`` names no element
        of the file.

        An element with a pointer of its own (``@ref``, ``@key``, ``@corresp``) keeps it; an
        authority id an editor gave its entity goes to the entry it points to (``standoff``).
        One without a pointer gets ``@ref`` when the mention is an editor's, or its entity was
        decided after the file was added (linked, merged, confirmed...): adding the file's
        markup to the store decides nothing. (All of a file's at once: the columns they read
        are found once. The file's own names nothing was decided of, and its own dates, are
        settled in ``_mention_looks``.)"""
        els = self.ix.els
        kept = els.attrs
        refs, keys, corresps = kept["ref"], kept["key"], kept["corresp"]
        dates = [(a, kept[a]) for a in DATE_ATTRS]
        decided, id_node = self.data.decided, self.ex.id_node
        for chain, k, from_file, s, e, row in found:
            kind, head = kinds[k], chain[0]
            eid = kind.entity_id
            extra = extras[k]
            if kind.type == "date":  # an editor's (the file's own: ``_kept_dates``)
                have = tuple(col.get(head) for _, col in dates)
                if have != _NO_DATE:
                    if have != _date_values(extra):
                        self.counts["dates_kept"] += 1
                elif extra:
                    for node in chain:  # not an attribute it has (``<date cert="low">``)
                        self._add_attrs(node, [(a, v) for a, v in extra
                                               if not self._has_attr(node, a)])
                    self.julian_used |= bool(kind.custom)
                continue
            own = refs.get(head) or keys.get(head) or corresps.get(head) or None  # _pointer
            if own is None:
                if extra and eid and (not from_file or eid in decided):
                    for node in chain:
                        if _pointer(els, node) is None:
                            self._add_attrs(node, extra)
                    self._point_to(eid)
                continue
            # kept where an editor's act links the name to another entity than it names:
            # not where one of its pointers, in any form, is the entity's (``ref="pl2373
            # pl2374"`` for pl2373), nor where nothing was decided (``persName
            # ref="pl0775"`` naming a place got a person of its own when it was added)
            if extra and (not from_file or eid in decided) \
                    and own != extra[0][1] and not (eid and eid in self.data.named(own)):
                self.counts["pointers_kept"] += 1
                self.kept_at.append(self.ix.element_range(head)[0])
                self.kept_words.append(" ".join(self.ix.tm.text[s:e].split()))
            if not eid:
                continue
            target = own.split()[0]
            if target[0] == "#":  # an entry of the file, or one it lacks
                entry = id_node.get(target[1:])
                if entry is not None:
                    if self.ix.local(entry) in _ENTRY_LISTS:
                        if eid in decided:
                            self.own_entries.setdefault(eid, entry)
                        continue
                else:
                    missing = self._missing_entry(target)
                    if missing is not None:
                        lacking.append((row, head, missing, eid))
                        continue
            if eid in decided:
                self.reached.add(eid)

    def _add_attrs(self, node: int, pairs: Sequence[tuple[str, str | None]]) -> None:
        if not pairs:
            return
        a, b, _, _ = self.ix.element_range(node)
        tag = self.text[a:b]
        pos = b - 2 if tag.endswith("/>") else b - 1
        while pos > a and self.text[pos - 1] in " \t\r\n":
            pos -= 1
        self.inserts.append(Insert(pos, 1, 0, attrs(pairs)))

    def _has_attr(self, node: int, name: str) -> bool:
        """Whether the start tag of ``node`` has attribute ``name`` (which its index may not
        keep): read from the tag's own text."""
        a, b, _, _ = self.ix.element_range(node)
        return re.search(rf"\s{re.escape(name)}\s*=", self.text[a:b]) is not None

    def _ensure_id(self, node: int, wanted: str) -> str:
        xid = self.ix.els.get(node, XML_ID)
        if xid:
            return xid
        xid = self.ids.take(wanted)
        self._add_attrs(node, (("xml:id", xid),))
        return xid

    def _place_slow(self, sp: _Spans, rows: list[int]) -> list[Piece]:
        """The pieces of the spans ``rows`` that ``place_group`` left (``_placed``), placed
        one by one."""
        slow: list[Piece] = []
        for row in rows:
            tag = sp.looks[int(sp.look[row])].tag
            s, e = int(sp.start[row]), int(sp.end[row])
            node = sp.inside.get(row)
            got, lost = place(self.ix, s, e, tag, owner=row, rank=int(sp.rank[row]),
                              within=node)
            if lost and node is not None:  # around the element, where TEI lets it be
                got, lost = place(self.ix, s, e, tag, owner=row, rank=int(sp.rank[row]))
                if lost:
                    self.unwritten.append((node, s, e, tag))
            if lost:
                log.warning("%s: %d characters of %s %d-%d have no place in the file",
                            self.source_id, lost, tag, s, e)
                self.counts["unplaced"] += 1
            slow.extend(got)
        return slow

    def _nest(self, sp: _Spans, p: _Pieces) -> _Pieces:
        """The pieces (in nesting order, ``_nested``), two of them crossing: ``nest`` cuts
        one."""
        nested, lost = nest(self.ix, [
            Piece(a, b, c, d, parent, sp.looks[int(sp.look[o])].tag, o, r, bool(i))
            for a, b, c, d, parent, o, r, i in zip(*(col.tolist() for col in p))])
        if lost:
            self.counts["unplaced"] += 1
        return _Pieces.of(nested)

    def _fragment_tags(self, sp: _Spans, p: _Pieces, made: npt.NDArray[np.bool_],
                       opens: TagBytes, closes: TagBytes) -> None:
        """Start and end tag of the pieces of spans cut into fragments (those ``_tags_of``
        did not make, ``made``), put in ``opens`` and ``closes`` in UTF-8: named one by one,
        each with its id and the ids of its neighbours."""
        cut = (~made).nonzero()[0]
        owner = p.owner[cut]
        look_attrs: dict[int, str] = {}  # the fragments of a look share its attributes
        by_owner: dict[int, list[int]] = {}  # the fragments of each span, in nesting order
        where: dict[int, tuple[int, int, int]] = {}  # piece -> (rs, ps, parent), as ints
        for i, o, rs, ps, parent in zip(cut.tolist(), owner.tolist(), p.rs[cut].tolist(),
                                        p.ps[cut].tolist(), p.parent[cut].tolist()):
            by_owner.setdefault(o, []).append(i)
            where[i] = (rs, ps, parent)
        for o, idx in by_owner.items():
            li = int(sp.look[o])
            look = sp.looks[li]
            head = look_attrs.get(li)
            if head is None:
                head = look_attrs[li] = attrs(look.attrs)
            m = len(idx)
            idx.sort(key=lambda i: where[i][:2])
            self.counts["split"] += 1
            self.counts["fragments"] += m
            base = sp.ids[o] if o < len(sp.ids) else self.ids.take(
                f"{TYPES.get(look.tag, 'seg')}-{sp.start[o]}-{sp.end[o]}")
            frag_ids = [base] + [self.ids.take(f"{base}-{j + 1}") for j in range(1, m)]
            for j, i in enumerate(idx):
                name, decl = self.qname(where[i][2], look.tag)
                linking = attrs((("xml:id", frag_ids[j]),
                                 ("prev", f"#{frag_ids[j - 1]}" if j else None),
                                 ("next", f"#{frag_ids[j + 1]}" if j + 1 < m else None)))
                opens[i], closes[i] = utf8([f"<{name}{decl}{head}{linking}>", f"</{name}>"])

    # -- header and standOff ------------------------------------------------------------------
    def _line_indent(self, pos: int) -> str:
        line = self.text.rfind("\n", 0, pos) + 1
        m = _INDENT.match(self.text, line, pos)
        return m.group() if m else ""

    def _unit(self) -> str:
        if self._unit_of is None:
            kids = self._children(0)
            self._unit_of = self._line_indent(self.ix.element_range(kids[0])[0]) or "  " \
                if kids else "  "
        return self._unit_of

    def _children(self, node: int) -> list[int]:
        """The element children of ``node``, found from its tags: from each child's start
        tag to the token after its end (the few children asked for, not every node's)."""
        got = self._kids.get(node)
        if got is None:
            ix = self.ix
            # the columns ``node_close.get`` reads (-1: an empty element), read here: every
            # export asks for the root's and the header's children
            kind, tok_node, close = ix.tok_kind, ix.tok_node, ix.node_close.column
            got = self._kids[node] = []
            k = ix.node_open[node] + 1
            stop = close[node] if close[node] >= 0 else k
            while k < stop:
                if kind[k] == START or kind[k] == EMPTY:
                    child = tok_node[k]
                    got.append(child)
                    if close[child] >= 0:
                        k = close[child]
                k += 1
        return got

    def _child(self, parent: int, local: str) -> int | None:
        """The first child ``local`` of ``parent`` (the header's are asked for three times)."""
        key = (parent, local)
        if key in self._child_of:
            return self._child_of[key]
        tag = f"{{{TEI_NS}}}{local}"
        tags = self.ix.els.tags
        got = None
        for c in self._children(parent):
            if tags[c] == tag:
                got = c
                break
        self._child_of[key] = got
        return got

    def _append_into(self, node: int, body: Callable[[str, str], list[str]]) -> bool:
        """Insert new children at the end of element ``node`` (not an empty-tag element)."""
        a, _, c, d = self.ix.element_range(node)
        if c == d:  # <x/>: no room inside without rewriting the tag
            return False
        pos = c
        while pos > 0 and self.text[pos - 1] in " \t\r\n":
            pos -= 1
        indent = self._line_indent(a) + self._unit()
        lines = body(indent, self._unit())
        if lines:
            self.inserts.append(Insert(pos, 3, len(self.inserts),
                                       self.nl + self.nl.join(lines)))
        return True

    def _insert_after(self, node: int, body: Callable[[str, str], list[str]]) -> None:
        a, _, _, d = self.ix.element_range(node)
        indent = self._line_indent(a)
        lines = body(indent, self._unit())
        if lines:
            self.inserts.append(Insert(d, 3, len(self.inserts),
                                       self.nl + self.nl.join(lines)))

    def header(self) -> None:
        head = self._child(0, "teiHeader")
        if head is None:
            return
        parts = self._header_parts
        enc = self._child(head, "encodingDesc")
        if enc is not None and self._append_into(enc, parts):
            return
        fdesc = self._child(head, "fileDesc")
        anchor = fdesc if fdesc is not None else None
        if anchor is None:
            return

        def wrapper(indent: str, unit: str) -> list[str]:
            inner = parts(indent + unit, unit)
            if not inner:
                return []
            name, decl = self.qname(head, "encodingDesc")
            return [f"{indent}<{name}{decl}>", *inner, f"{indent}</{name}>"]

        self._insert_after(anchor, wrapper)

    def julian_id(self) -> str:
        """The xml:id of the Julian calendar a date flagged julian points to: the file's own
        ``<calendar>`` for it (``names_julian``), else ``julian`` (or, taken, the next free
        id), written by ``calendar_desc``."""
        if self._julian is None:
            for node in self.ix.els.iter([f"{{{TEI_NS}}}calendar"]):
                xid = self.ix.els.get(node, XML_ID)
                _, b, c, _ = self.ix.element_range(node)
                if xid and names_julian(xid, re.sub(r"<[^>]*>", " ", self.text[b:c])):
                    self._julian = (xid, True)
                    break
            else:
                self._julian = (self.ids.take("julian"), False)
        return self._julian[0]

    def calendar_desc(self) -> None:
        """The header's ``calendarDesc`` entry of the Julian calendar inserted dates point to,
        where the file has none: into its ``calendarDesc``, else its ``profileDesc``, else a
        new ``profileDesc`` after its ``encodingDesc`` (or ``fileDesc``)."""
        if not self.julian_used or self._julian is None or self._julian[1]:
            return
        head = self._child(0, "teiHeader")
        if head is None:
            return
        pre = self.prefix(head)[0]
        entry = [f'<{pre}calendar xml:id="{self._julian[0]}">',
                 f"  <{pre}p>{esc(JULIAN_CALENDAR)}</{pre}p>", f"</{pre}calendar>"]
        lines = {"calendar": entry,
                 "calendarDesc": [f"<{pre}calendarDesc>", *("  " + ln for ln in entry),
                                  f"</{pre}calendarDesc>"]}
        lines["profileDesc"] = [f"<{pre}profileDesc>", *("  " + ln for ln in lines[
            "calendarDesc"]), f"</{pre}profileDesc>"]
        profile = self._child(head, "profileDesc")
        if profile is not None:
            cal = self._child(profile, "calendarDesc")
            if cal is not None and self._append_into(cal, _indented(lines["calendar"])):
                return
            if self._append_into(profile, _indented(lines["calendarDesc"])):
                return
        anchor = profile if profile is not None else (
            self._child(head, "encodingDesc") or self._child(head, "fileDesc"))
        if anchor is not None:
            self._insert_after(anchor, _indented(lines["profileDesc"]))

    def _header_parts(self, indent: str, unit: str) -> list[str]:
        """The header's new lines as one string (its lines joined by the file's line end):
        the same in every file of an edition, made once (``_header_text``)."""
        head = self._child(0, "teiHeader")
        assert head is not None  # header() only asks when there is one
        resps = tuple(sorted((rid, prov) for prov, rid in self.resps.items()
                             if not self._has_id(rid)))
        decl: tuple[str, bool] | None = None
        if not self._has_id(DECL_ID):
            # ``uris`` says where its entries are only when it wrote one: a file whose new
            # names all point to authority records says what ``none`` says
            said = self.register if self.register != URIS or self.pointed else "none"
            # entries written for the file's own ``#id`` pointers are in its standOff, which
            # only ``inline`` says already
            decl = (said, bool(self.missing) and said != "inline")
        text = _header_text(self.prefix(head)[0], indent, unit, not self._has_id(APP_ID),
                            resps, decl, self.nl)
        return [text] if text else []

    def standoff_items(self) -> None:
        """What the standOff gets (``_standoff_items``), before ``standoff`` writes it."""
        ours = self.ex.id_node.get(STANDOFF_ID)
        node = ours if ours is not None and self.ix.local(ours) == "standOff" else None
        self._standoff = (node, self._standoff_items(0 if node is None else node))

    def standoff(self) -> None:
        """The standOff's new entries (``standoff_items``): into the file's own (``xml:id``
        ``STANDOFF_ID``), else a new one after the root's last child (a corpus's header)."""
        els = self.ix.els
        assert self._standoff is not None
        node, items = self._standoff
        if node is not None:
            children = {self.ix.local(c): c for c in self._children(node)}
            new_lists: list[tuple[str, list[Block]]] = []
            for local, entries in items:
                if local in children and self._append_into(children[local],
                                                           self._entries(entries)):
                    continue
                new_lists.append((local, entries))
            if new_lists:
                self._append_into(node, lambda i, u: self._lists(node, new_lists, i, u))
            return
        if not items:
            return
        last = self._children(0)
        if els.tags[0] == f"{{{TEI_NS}}}teiCorpus":
            last = [c for c in last if els.tags[c] == f"{{{TEI_NS}}}teiHeader"]
        if not last:
            return
        anchor = last[-1]

        def body(indent: str, unit: str) -> list[str]:
            name, decl = self.qname(0, "standOff")
            return [f"{indent}<{name}{decl}{attrs((('xml:id', STANDOFF_ID),))}>",
                    *self._lists(0, items, indent + unit, unit), f"{indent}</{name}>"]

        self._insert_after(anchor, body)

    def _entries(self, blocks: list[Block]) -> Callable[[str, str], list[str]]:
        """``_blocks_text`` of new entries, once the place they go is known."""
        return lambda indent, unit: _blocks_text(blocks, indent, unit, self.nl)

    def _lists(self, node: int, lists: list[tuple[str, list[Block]]], indent: str,
               unit: str) -> list[str]:
        """The lines of new lists of entries (an entry's lines, joined, count as one)."""
        out: list[str] = []
        for local, items in lists:
            name = self.qname(node, local)[0]
            out.append(f"{indent}<{name}>")
            out.extend(_blocks_text(items, indent + unit, unit, self.nl))
            out.append(f"{indent}</{name}>")
        return out

    def _standoff_items(self, node: int) -> list[tuple[str, list[Block]]]:
        """(list element, its new entries, each its lines indented from 0) for the
        standOff."""
        pre = self.prefix(node)[0]  # how the names of its elements are written, found once

        def q(local: str) -> str:
            return pre + local

        out: list[tuple[str, list[Block]]] = []
        cl = self.data.claims
        kinds = cl.kinds
        # the kinds with an agent of the register (the claims of most files have none)
        agents = {k: eid for k in cl.said.agent.intersection(cl.kind)
                  if (eid := kinds[k][3]) is not None and eid in self.data.entities}
        if agents:  # the agents of the claims named (``inline``: all), each once, as first met
            named = self.claim_ids  # the file's claims' alone
            of_named = cl.kind if len(named) == len(cl.id) else [
                k for cid, k in zip(cl.id, cl.kind) if cid in named]
            for eid in dict.fromkeys(agents[k] for k in dict.fromkeys(of_named) if k in agents):
                if self.agent_pointer(eid)[1]:
                    if self.data.own_pointers.get(eid, ("",))[0] == "key":
                        self.pointed.add(eid)
                    else:
                        self._point_to(eid)
        self._settle_lacking()
        missing: dict[str, list[str]] = {}
        for xid, eid in sorted(self.missing.items()):
            missing.setdefault(eid, []).append(xid)
        # the entities an entry may be written for: those new markup points to, those the
        # file's own ``#x`` names (not every entity the file names)
        entities = self.data.entities
        inline = self.entries == "inline"
        of_type: dict[str, list[Entity]] = {}  # in id order
        for eid in sorted(self.pointed | missing.keys() if inline else missing):
            ent = entities.get(eid)
            if ent is not None:
                of_type.setdefault(ent.type, []).append(ent)
        made = self.data.entry_lines
        pointed = self.pointed if inline else set()
        proposed: tuple[tuple[str, str | None], ...] | None = None  # a proposal's @cert, @resp
        written = 0
        for etype, list_name, item in LISTS:
            blocks: list[Block] = []
            for ent in of_type.get(etype, ()):
                eid = ent.id
                xids = missing.get(eid, ())
                for xid in (ncname(eid), *xids) if eid in pointed else xids:
                    if not self._new_id(xid):
                        continue
                    written += 1
                    extra: tuple[tuple[str, str | None], ...] = ()
                    if ent.status == "proposed":
                        extra = proposed = proposed or self.proposal_attrs(
                            "proposed", "annotator", ("proposed",))
                    entry = made.get((eid, xid, item, pre, extra))
                    if entry is None:
                        entry = made[eid, xid, item, pre, extra] = _entry_lines(
                            ent, xid, item, pre, extra)
                    blocks.append(entry)
            if blocks:
                out.append((list_name, blocks))
        if written:
            self.counts["entities"] += written
        blocks = []
        for key in sorted(self.data.works):
            xid = ncname(key, "bib")
            if not self._new_id(xid):
                continue
            self.counts["works"] += 1
            work = self.data.works[key]
            fields = tuple((f, v) for f, v in work.fields if not private(f.lower()))
            blocks.append(tuple(bibl_lines(key, work.type, fields, xid, q)))
        if blocks:
            out.append(("listBibl", blocks))
        note, ann = q("note"), q("annotation")
        notes = self._annotations(q, note, ann)
        if notes:  # lists: an annotation is the claim's own, made once (``_blocks_text``)
            out.append(("listAnnotation", notes))
        return out

    def _new_id(self, xid: str) -> bool:
        """Take ``xid`` for an entry of the standOff, unless the file or the standOff has
        it already. Kept apart from the file's own ids (``ex``), which every render of the
        file shares."""
        if self._has_id(xid):
            return False
        self.written.add(xid)
        self.ids.used.add(xid)
        return True

    def _has_id(self, xid: str) -> bool:
        """Whether the file, or the standOff written for it, has an element of id ``xid``."""
        return xid in self.ex.id_node or xid in self.written

    def _annotations(self, q: Callable[[str], str], note: str, ann: str) -> list[Block]:
        """The lines of each claim's annotation that is new (``_annotation``). When every
        claim's seg is new and each annotation's id is free (most files), a claim without
        a link says its agent and its finder's notes: what a kind says is worked out once
        for the export (``_Said``), an agent's note once per kind in the file, not claim by
        claim (an export has 1,500 claims); when none has a link, they are one entry
        (``_ClaimNotes``)."""
        cl = self.data.claims
        wants = [f"claim-{cid}-annotation" for cid in cl.written] if self._claims_fresh \
            else []
        if not wants or not self.ids.used.isdisjoint(wants):
            return [got for j in range(len(cl.id))
                    if (got := self._annotation(cl.claim(j), q, note, ann))]
        kinds, links, used, said = cl.kinds, cl.links, self.ids.used, cl.said
        lines = said.lines(note)
        # what a claim of a kind with an agent says, in the file: as ``_annotation`` says
        # it, its agent before the finder's notes
        agents: dict[int, tuple[str, ...]] = {}
        for k in said.agent.intersection(cl.kind):
            eid = kinds[k][3]
            ref = self.agent_pointer(eid)[0] if eid and eid in self.data.entities else None
            agents[k] = (f"<{note}{attrs((('type', 'agent'), ('corresp', ref)))}>"
                         f"{esc(kinds[k][2])}</{note}>", *lines[k])
        if not links and said.silent(note).isdisjoint(cl.kind):  # most files: each claim
            used.update(wants)  # says something
            return [_ClaimNotes(ann, note, cl.written, cl.kind, agents, said)]
        end = f"</{ann}>"
        out: list[Block] = []
        for j, (cid, want, k) in enumerate(zip(cl.id, wants, cl.kind)):
            if cid in links:  # the file's own: ``claim-<id>``, free
                if got := self._annotation(cl.claim(j), q, note, ann):
                    out.append(got)
            elif each := agents[k] if k in agents else lines[k]:
                used.add(want)
                out.append([f'<{ann} xml:id="{want}" target="#claim-{cid}" '
                            'motivation="describing">', *each, end])
        return out

    def _annotation(self, c: _Claim, q: Callable[[str], str], note: str, ann: str
                    ) -> list[str]:
        """The lines of a claim's annotation (``note``, ``ann``: the names of its elements),
        or none when the file's own has them all, added to it (``_append_into``). Most
        claims' annotation is new and says two things: made without the sets and the
        attribute pairs that matching an existing one needs (an export has 1,500 claims)."""
        target = self.claim_ids.get(c.id)
        if target is None:
            return []
        want = f"{target}-annotation"
        existing = self._existing_annotation(target, want)
        if existing is None and not c.agent and not c.links:  # the finder's notes alone
            lines = _finder_notes(c.cue, c.confidence, c.candidate, note)[1]
            return self._annotation_of(target, want, ann, lines) if lines else []
        body: list[str] = []
        if existing is None:
            have_refs: set[tuple[str, str, str]] = set()
            have_notes: set[str] = set()  # the types of the annotation's notes
        else:
            have_refs, have_notes = self._annotated(existing)
        if c.agent and "agent" not in have_notes:
            eid = c.agent_entity_id
            agent_ref = self.agent_pointer(eid)[0] if eid and eid in self.data.entities \
                else None
            body.append(f"<{note}{attrs((('type', 'agent'), ('corresp', agent_ref)))}>"
                        f"{esc(c.agent)}</{note}>")
        types, lines = _finder_notes(c.cue, c.confidence, c.candidate, note)
        if have_notes:
            body += [line for type_, line in zip(types, lines) if type_ not in have_notes]
        else:
            body += lines
        for link in c.links:
            tgt = self._link_target(link)
            locus = " ".join(link.locus.split())
            if tgt is None or (link.rel, tgt, locus) in have_refs:
                continue
            have_refs.add((link.rel, tgt, locus))
            self.counts["links"] += 1
            extra = self.proposal_attrs(link.status, link.provenance)
            a = attrs((("type", link.rel), ("target", tgt), *extra))
            body.append(f"<{q('ref')}{a}>{esc(link.locus)}</{q('ref')}>" if link.locus
                        else f"<{q('ref')}{a}/>")
        if not body:
            return []
        if existing is not None:
            self._append_into(existing, lambda i, u: _indent(body, i, u))
            return []
        return self._annotation_of(target, want, ann, body)

    def _annotation_of(self, target: str, want: str, ann: str, body: Sequence[str]
                       ) -> list[str]:
        """A new annotation (``ann``: its element's name) of the claim whose seg has id
        ``target``, of id ``want`` if free, saying ``body``: its start and end tag outermost,
        the lines between them one step in (``_blocks_text``)."""
        xid = self.ids.take(want)
        return [f'<{ann} xml:id="{attr_value(xid)}" target="#{attr_value(target)}"'
                ' motivation="describing">', *body, f"</{ann}>"]

    def _annotated(self, node: int) -> tuple[set[tuple[str, str, str]], set[str]]:
        """What the file's own annotation ``node`` of a claim says: its refs (type, target,
        text) and the types of its notes, which the export does not repeat."""
        refs: set[tuple[str, str, str]] = set()
        notes: set[str] = set()
        for child in self.ix.nodes[node]:
            if child.tag == f"{{{TEI_NS}}}ref":
                refs.add((child.get("type", ""), child.get("target", ""), element_text(child)))
            elif child.tag == f"{{{TEI_NS}}}note":
                notes.add(child.get("type", ""))
        return refs, notes

    def _existing_annotation(self, target: str, xid: str) -> int | None:
        """The file's own annotation of the claim whose seg has id ``target``: the element
        of id ``xid`` (its ``-annotation``) that targets it."""
        node = self.ex.id_node.get(xid)
        if node is not None and self.ix.els.get(node, "target") == f"#{target}":
            return node
        return None

    def _link_target(self, link: _Link) -> str | None:
        if link.bib_key is not None:
            if link.bib_key not in self.data.works:
                return None
            return f"#{ncname(link.bib_key, 'bib')}"
        if link.target_source_id is None:
            return None
        frag = f"passage-{link.target_start}-{link.target_end}"
        if link.target_source_id == self.source_id:
            return f"#{frag}"
        return f"{self.data.files[link.target_source_id]}#{frag}"

    def own_idnos(self) -> None:
        """Authority ids an editor gave an entity that the file's own markup points to, into
        the file's own entry of it (``person``/``place``/``org`` in its ``listPerson``...):
        the original names keep their bytes and their pointer, and now reach the id.
        An ``idno`` goes where TEI allows it: last in a ``person`` (not one written as
        paragraphs), after the names of an ``org``, before the places nested in a ``place``."""
        for eid, node in sorted(self.own_entries.items()):
            ent = self.data.entities.get(eid)
            if ent is None or not ent.authority:
                continue
            el = self.ix.nodes[node]
            have = {scheme for e in read_entries(el, Path("."), strict=False)
                    for scheme, _ in e.authority}
            new = [(scheme, value) for scheme, value in ent.authority if scheme not in have]
            if not new:
                continue
            at = self._idno_place(node)
            if at is None:
                self.reached.add(eid)  # no room in its entry: the register file gets it
                continue
            q = self.qname(node, "idno")[0]
            lines = [f"<{q}{attrs((('type', scheme),))}>{esc(value)}</{q}>"
                     for scheme, value in new]
            self.counts["entities"] += 1
            if at < 0:
                self._append_into(node, _indented(lines))
            else:
                self._insert_before(at, lines)

    def _idno_place(self, node: int) -> int | None:
        """Where an idno goes in entry ``node``: -1 at its end, a child to put it before, or
        None when TEI gives it no place there."""
        kids = self._children(node)
        names = [self.ix.local(k) for k in kids]
        if self.ix.element_range(node)[2] == self.ix.element_range(node)[3] or "p" in names \
                or "ab" in names:
            return None
        local = self.ix.local(node)
        if local == "place":
            return next((k for k, n in zip(kids, names) if n in ("place", "listPlace")), -1)
        if local == "org":
            last = max((i for i, n in enumerate(names) if n in (*NAME_ELEMENTS, "idno")),
                       default=None)
            if last is None:
                return None
            return kids[last + 1] if last + 1 < len(kids) else -1
        return -1

    def _insert_before(self, node: int, lines: list[str]) -> None:
        a = self.ix.element_range(node)[0]
        indent = self._line_indent(a)
        self.inserts.append(Insert(a, 3, len(self.inserts),
                                   "".join(ln + self.nl + indent for ln in lines)))

    def build(self) -> str:
        _inline([self])
        _wrap([self])
        _finish([self])
        return splice(self.text, self.inserts, self.batch)

    def unwritten_said(self) -> tuple[tuple[int, str, str], ...]:
        """(line of the export, words, why) of each mention no tag could be written for inside
        or around the file's element of its span that marks something else."""
        if not self.unwritten:
            return ()
        lines = self.export_lines([self.ix.element_range(node)[0] for node, *_ in self.unwritten])
        said = []
        for line, (node, s, e, tag) in zip(lines, self.unwritten):
            local = self.ix.local(node)
            why = (f"TEI lets no <{tag}> go inside the file's own <{local}>, which has exactly "
                   "its words and marks something else" if not self.ix.hosts(node, tag) else
                   f"no <{tag}> can go inside or around the file's own <{local}>, which has "
                   f"exactly its words and marks something else (they are in CDATA, or hold "
                   f"an element a <{tag}> may not)")
            said.append((line, self.ix.tm.text[s:e], why))
        return tuple(said)

    def export_lines(self, offsets: Sequence[int]) -> tuple[int, ...]:
        """The line of the export each offset of the file is on: its line in the file, moved
        down by the lines inserted above it (a tag in the text inserts none)."""
        if not offsets:  # most files: none kept, none dangling
            return ()
        return tuple(self.text.count("\n", 0, a) + 1
                     + sum(i.text.count("\n") for i in self.inserts if i.pos < a)
                     for a in offsets)


def _inline(built: Sequence[_Builder]) -> None:
    """The spans many files' exports wrap: their claims and passages, then their mentions,
    each step over the files in a loop of its own (as ``_finish``: the looks the mentions'
    kinds share are numbered in the files' order all the same)."""
    for b in built:
        b.inline()
    for b in built:
        b.inline_mentions()


def _finish(built: Sequence[_Builder]) -> None:
    """The rest of many files' exports' inserts (``splice`` or ``spliced`` puts them in), once
    ``_inline`` has made the spans and ``_wrap`` queued their tags: each step over the files
    in a loop of its own, its code and data fresh in the caches from one file to the next
    (a step of one file changes nothing another file's sees: what they share is made alike
    whichever file asks first)."""
    for b in built:
        b.own_idnos()
    for b in built:
        b.standoff_items()  # before the header: it decides which @resp targets are needed
    for b in built:
        b.standoff()
    for b in built:
        if b.inserts or (b.batch is not None and len(b.batch.pos)):
            b.header()  # an export that inserts nothing is the file itself
            b.calendar_desc()


def _wrap(built: Sequence[_Builder]) -> None:
    """Place every span of many files' exports (``_inline`` made them), make the pieces nest,
    name them and queue their tags (``batch``): numpy's cost is per call, so the steps it
    does are done for all the files at once, their columns kept end to end, and the few
    that need Python one by one."""
    spans, cols, jobs = _span_columns(built)
    p, file, cut = _nested(*_placed(built, spans, cols, *place_group(jobs)), built, spans)
    made, opens, closes = _tags_of(built, spans, p, file, cols)
    for n in sorted(set(file[~made].tolist())):  # spans cut into fragments: a few files
        a, b = cut[n], cut[n + 1]
        built[n]._fragment_tags(spans[n], _Pieces(*(col[a:b] for col in p)), made[a:b],
                                opens[a:b], closes[a:b])
    for b, batch in zip(built, tag_batches(p.ps, p.pe, opens, closes, cut)):
        b.batch = batch


def _span_columns(built: Sequence[_Builder]) -> tuple[list[_Spans], _Columns, list[SimpleJob]]:
    """The spans of many files' exports (``_inline`` found them) as columns, each file's
    claims and passages then its mentions, the files' end to end, made for all the files at
    once (numpy's cost is per call, and a file has a few dozen spans); each file's
    ``_Spans``, views of them; and what ``place_group`` is asked of each file, its tags
    numbered among the files' names of tags."""
    made = [b._inline for b in built]
    assert all(m is not None for m in made)  # ``_inline`` first
    found = [m for m in made if m is not None]
    few = np.array([len(m.start) for m in found], np.int64)
    sizes = few + np.array([len(b._m_start) for b in built], np.int64)
    firsts = np.cumsum([0, *sizes.tolist()]).tolist()
    total = firsts[-1]
    file = np.repeat(np.arange(len(built)), sizes)
    claims = np.arange(total) - np.array(firsts[:-1], np.int64)[file] < few[file] \
        if few.any() else None  # the rows of claims and passages (none: most exports)

    n_claims = int(few.sum())

    def column(col: int, of_mentions: list[Ints] | None) -> Ints:
        """Column ``col`` of ``_Inline`` with the mentions' (None: each ``RANK_MENTION``)."""
        mentions = np.concatenate(of_mentions) if of_mentions else np.full(
            total - n_claims, RANK_MENTION, np.int64)
        if claims is None:
            return mentions
        out = np.empty(total, np.int64)
        out[claims] = np.fromiter(joined_lists.from_iterable([m[col] for m in found]), np.int64,
                                  n_claims)  # not a list of 1,500 made first
        out[~claims] = mentions
        return out

    start = column(0, [b._m_start for b in built])
    end = column(1, [b._m_end for b in built])
    rank = column(2, None)
    look = column(3, [b._m_kind for b in built])
    of_looks = [lk.tag for m in found for lk in m.looks]
    tag_names = sorted(set(of_looks))
    look_tag = np.array(list(map({tag: n for n, tag in enumerate(tag_names)}.__getitem__,
                                 of_looks)), np.int64)
    first_look = np.cumsum([0, *(len(m.looks) for m in found)])[:-1]
    tags = look_tag[look + first_look[file]] if total else look
    spans = [_Spans(start[a:z], end[a:z], rank[a:z], look[a:z], m.looks, m.ids, m.inside)
             for m, a, z in zip(found, firsts, firsts[1:])]
    jobs: list[SimpleJob] = [(b.ix, sp.start, sp.end, tags[a:z], tag_names)
                             for b, sp, a, z in zip(built, spans, firsts, firsts[1:])]
    ids = list(joined_lists.from_iterable([m.ids for m in found]))
    return spans, _Columns(start, end, rank, look, file, firsts, claims, ids), jobs


def _placed(built: Sequence[_Builder], spans: Sequence[_Spans], cols: _Columns, placed: Placed,
            halves: Halves) -> tuple[_Pieces, Ints]:
    """Most names lie inside one run of text: ``place_group`` placed those, every file's
    at once, and those across the edge of two elements in halves (``halves``), and each
    builder the rest, one by one (``_place_slow``). The pieces of all the files, those
    placed at once first, and the file of each."""
    simple, ps, pe, parent = placed
    firsts, file, start, end, rank = cols.firsts, cols.file, cols.start, cols.end, cols.rank
    cut = np.zeros(len(simple), dtype=bool)
    cut[halves.row] = True
    for n, sp in enumerate(spans):
        if sp.inside:  # inside the file's element of their span: one by one, below
            inside = [firsts[n] + row for row in sp.inside]
            simple[inside] = cut[inside] = False
    rows = simple.nonzero()[0]
    file_of = file[rows]
    first_row = np.array(firsts[:-1], np.int64)
    p = _Pieces(start[rows], end[rows], ps[rows], pe[rows], parent[rows],
                rows - first_row[file_of], rank[rows], np.zeros(len(rows), np.int64))
    if len(halves.row):
        keep = cut[halves.row]
        h = Halves(*(col[keep] for col in halves))
        half_file = file[h.row]
        p = _Pieces(*(np.concatenate(c) for c in zip(p, (
            h.rs, h.re, h.ps, h.pe, h.parent, h.row - first_row[half_file], rank[h.row],
            np.zeros(len(h.row), np.int64)))))
        file_of = np.concatenate([file_of, half_file])
        simple |= cut
    if simple.all():  # the common case: no piece to place one by one
        return p, file_of
    rest = (~simple).nonzero()[0]
    slow: list[Piece] = []
    slow_file: list[int] = []
    at = np.searchsorted(rest, firsts).tolist()
    for n in sorted(set(file[rest].tolist())):
        got = built[n]._place_slow(spans[n], [row - firsts[n] for row in
                                              rest[at[n]:at[n + 1]].tolist()])
        slow.extend(got)
        slow_file.extend([n] * len(got))
    return (_Pieces(*(np.concatenate(c) for c in zip(p, _Pieces.of(slow)))),
            np.concatenate([file_of, np.array(slow_file, np.int64)]))


@dataclass(slots=True)
class _Settled:
    """Of a file's mentions with the span of an element the file has, or that its own markup
    gave (``rows``: how many), those settled at once (``_settle_own``): the file's own names
    and dates with their type's own element (``persName``...), which are not wrapped again
    (``drop``: their rows), its dates compared (``date_heads``, ``date_kinds``: their
    elements and kinds; ``julian``: whether one is a Julian date's), its names,
    whose pointers ``_settle_lacking`` may look at (``own_names``); and the others,
    looked at one by one (``rest``: (row among ``rows``, row, start, end, kind, whether the
    file's markup gave it, how it is settled: 2 a date, 1 a name nothing was decided of, else
    0))."""

    rows: int = 0
    drop: list[int] = field(default_factory=list)
    date_heads: list[int] = field(default_factory=list)
    date_kinds: list[int] = field(default_factory=list)
    julian: bool = False
    rest: list[tuple[int, int, int, int, int, bool, int]] = field(default_factory=list)
    settled: int = 0
    # the file's mentions (start, end, kind) but those ``drop`` has: cut from the files'
    # columns at once (numpy's cost is per call), used when ``rest`` drops none
    kept: tuple[Ints, Ints, Ints] | None = None
    # its names: rows ``names_at`` of the group's columns ``names`` (row among ``rows``,
    # element, kind), made tuples only when asked (``own_names``: seldom)
    names: tuple[Ints, Ints, Ints] | None = None
    names_at: tuple[int, int] = (0, 0)

    def own_names(self) -> list[tuple[int, int, int]]:
        """(row among ``rows``, element, kind) of the file's names settled at once."""
        a, z = self.names_at
        return list(zip(*(c[a:z].tolist() for c in self.names))) if self.names else []


_TYPE_NAMES = sorted(TAGS)  # the types in ``_TYPE_ORDER``


def _settle_own(built: Sequence[_Builder]) -> None:
    """The first step of ``_mention_looks`` for many files' exports at once (``settled``):
    numpy's cost is per call, and a file has a few dozen such mentions. A mention has the span
    of an element when its (start, end) is an annotation's; it is its type's own when that
    element's name is its type's tag; the file's markup gave it when it is among the file's own
    (``own``): each a number, the files' positions shifted to follow each other (as in
    ``_nested``), so one sort and one search find them for all files. Builders that share the
    kinds of one read (an export's) share what is worked out per kind."""
    todo: dict[tuple[int, int], list[_Builder]] = {}
    for b in built:
        b.settled = _Settled()
        m = b.data.mentions
        if (b.ex.by_key or b.data.own) and len(m.start):
            todo.setdefault((id(m.every), id(b.data.decided)), []).append(b)
    for files in todo.values():
        _settle_files(files)


def _settle_files(files: list[_Builder]) -> None:
    """``_settle_own`` of files whose mentions index the same kinds (``_Mentions.every``):
    each file's columns joined as they are, the work done on the joined ones."""
    every, decided = files[0].data.mentions.every, files[0].data.decided
    from_source = np.array([k.provenance == "source" for k in every], dtype=bool)
    type_of = np.array([_TYPE_ORDER[k.type] for k in every], dtype=np.int64)
    how_of = np.array([2 if k.type == "date" else k.entity_id not in decided for k in every],
                      dtype=np.int64)
    names: dict[str, int] = {}
    codes: list[int] = []  # each file's element names, numbered across the files
    code_at: list[int] = []  # where each file's numbers begin in ``codes``
    found = []  # each file's annotation columns (``annotation_columns``), its names aside
    for b in files:
        local_names, *columns = b.annotation_columns()
        found.append(columns)
        code_at.append(len(codes))
        codes.extend(names.setdefault(n, len(names)) for n in local_names)
    name_cols, start_cols, end_cols, at_cols, node_cols = zip(*found)
    mentions, owns = [b.data.mentions for b in files], [b.data.own for b in files]

    def joined(parts: Iterable[Sequence[int]]) -> Ints:
        got = list(parts)
        return np.concatenate(got).astype(np.int64, copy=False) if got else \
            np.zeros(0, np.int64)

    name, start, end, nodes = map(joined, (name_cols, start_cols, end_cols, node_cols))
    at = joined(c[:-1] for c in at_cols)  # where each annotation's fragments begin
    m_start, m_end, kind, every_kind = (joined(getattr(m, col) for m in mentions)
                                        for col in ("start", "end", "kind", "every_kind"))
    o_start, o_end, o_type = (joined(getattr(o, col) for o in owns)
                              for col in ("start", "end", "type"))
    n_files = np.arange(len(files))
    a_file = np.repeat(n_files, [len(c) for c in name_cols])
    m_file = np.repeat(n_files, [len(m.start) for m in mentions])
    o_file = np.repeat(n_files, [len(o.start) for o in owns])
    # the files' positions shifted to follow each other: one number a span across them
    shifts = _file_starts(files)
    width = int(shifts[-1]) + 1
    a_shift, m_shift = shifts[a_file], shifts[m_file]
    spans = (start + a_shift) * width + end + a_shift
    a_names = np.array(codes, np.int64)[name + np.array(code_at, np.int64)[a_file]] \
        if len(name) else name
    a_firsts = nodes[at + np.cumsum([0, *map(len, node_cols)])[a_file]] \
        if len(at) else at
    keys = (m_start + m_shift) * width + m_end + m_shift
    gk = every_kind[kind + np.cumsum([0, *(len(m.every_kind) for m in mentions)])[m_file]]
    order = np.argsort(spans, kind="stable")  # at one span, as ``by_key`` keeps them: the last
    spans, a_names, a_firsts = spans[order], a_names[order], a_firsts[order]
    lo, hi = spans.searchsorted(keys), spans.searchsorted(keys, "right")
    has_own = np.array([bool(b.data.own) for b in files], dtype=bool)
    rows = ((hi > lo) | from_source[gk] & has_own[m_file]).nonzero()[0]
    gk, lo, hi, file = gk[rows], lo[rows], hi[rows], m_file[rows]
    types = type_of[gk]
    # the first fragment of the element of each row's span named as its type's own (-1: none)
    tag = np.array([names.get(TAGS[t], -2) for t in _TYPE_NAMES], dtype=np.int64)[types]
    head = np.full(len(rows), -1, np.int64)
    last = max(len(spans) - 1, 0)
    for step in range(int((hi - lo).max(initial=0))):
        pos = np.minimum(lo + step, last)
        hit = (lo + step < hi) & (a_names[pos] == tag)
        head[hit] = a_firsts[pos[hit]]
    o_shift = shifts[o_file]
    own_keys = np.sort(((o_start + o_shift) * width + o_end + o_shift) * len(_TYPE_ORDER)
                       + o_type)
    wanted = keys[rows] * len(_TYPE_ORDER) + types
    mine = own_keys[np.minimum(own_keys.searchsorted(wanted), max(len(own_keys) - 1, 0))] \
        == wanted if len(own_keys) else np.zeros(len(rows), dtype=bool)
    how = how_of[gk]
    fast = (head >= 0) & mine & (how > 0)
    # each row's place in its file's mentions and among its file's rows
    first_row = np.searchsorted(file, np.arange(len(files) + 1))
    mention_at = np.cumsum([0, *(len(m.start) for m in mentions)])
    local = rows - mention_at[:-1][file]
    j = np.arange(len(rows)) - first_row[:-1][file]
    kinds = kind[rows]

    def per_file(pick: npt.NDArray[np.bool_], *columns: Ints) -> list[list[Any]]:
        """The rows ``pick`` chooses, as lists of tuples of ``columns`` (one column: its
        values), a list a file."""
        chosen = pick.nonzero()[0]
        cut = np.searchsorted(file[chosen], np.arange(len(files) + 1)).tolist()
        lists = [c[chosen].tolist() for c in columns]
        made = lists[0] if len(lists) == 1 else list(zip(*lists))
        return [made[a:b] for a, b in zip(cut, cut[1:])]

    dates = fast & (how == 2)
    # which files have a Julian date among them (its kind's ``custom``): found per kind of
    # ``every`` (kinds read never have one; made up ones may), and for the kinds
    # ``_as_marked`` made, which a few files have, per date
    custom = [n for n, k in enumerate(every) if k.custom]
    julian = np.zeros(len(rows), dtype=bool)
    if custom:
        is_custom = np.zeros(len(every), dtype=bool)
        is_custom[custom] = True
        julian = dates & is_custom[gk]
    if any(m.made >= 0 for m in mentions):
        made_at = np.array([m.made if m.made >= 0 else len(m.kinds) for m in mentions])
        made_rows = (dates & (kinds >= made_at[file])).nonzero()[0]
        julian[made_rows] = [bool(mentions[f].kinds[k].custom) for f, k in zip(
            file[made_rows].tolist(), kinds[made_rows].tolist())]
    julian_files = (np.bincount(file[julian], minlength=len(files)) > 0).tolist() \
        if julian.any() else [False] * len(files)
    keep = np.ones(len(m_start), dtype=bool)
    keep[rows[fast]] = False
    cut = np.concatenate([[0], np.cumsum(keep)])[mention_at].tolist()  # of each file's kept
    k_start, k_end, k_kind = m_start[keep], m_end[keep], kind[keep]
    own_names = (fast & (how == 1)).nonzero()[0]  # left as columns (``_Settled.own_names``)
    name_cols = (j[own_names], head[own_names], kinds[own_names])
    name_cut = np.searchsorted(file[own_names], np.arange(len(files) + 1)).tolist()
    for b, n_rows, drop, date_heads, date_kinds, is_julian, rest, a, z, na, nz in zip(
            files, np.diff(first_row).tolist(), per_file(fast, local), per_file(dates, head),
            per_file(dates, kinds), julian_files,
            per_file(~fast, j, local, m_start[rows], m_end[rows], kinds, mine, how),
            cut, cut[1:], name_cut, name_cut[1:]):
        b.settled = _Settled(n_rows, drop, date_heads, date_kinds, is_julian, rest, len(drop),
                             (k_start[a:z], k_end[a:z], k_kind[a:z]), name_cols, (na, nz))


def _file_starts(built: Sequence[_Builder]) -> Ints:
    """Where each file's text starts when the files' texts follow each other, one character
    between them, and where the last ends: the positions of many files' spans shifted by
    their file's start never meet another file's (``_settle_files``, ``_nested``)."""
    return np.cumsum([0, *(len(b.text) + 1 for b in built)])


def _nested(p: _Pieces, file: Ints, built: Sequence[_Builder], spans: Sequence[_Spans]
            ) -> tuple[_Pieces, Ints, list[int]]:
    """The files' pieces (``_placed``) in nesting order, each file's after those of the
    files before it (start, longer first, rank, span); where two cross, its builder's
    ``_nest`` cuts one. The files' positions are shifted to follow each other, so one sort
    orders them all and no piece seems to cross another file's. Returns the pieces, the
    file of each and where each file's begin (and, last, where they end)."""
    if not len(p.ps):
        return p, file, [0] * (len(built) + 1)
    starts = _file_starts(built)
    shift = starts[file]
    ps, pe = p.ps + shift, p.pe + shift
    # (start, longer first) as one number: one sort, of one key (a sort a key costs as
    # much); rank and span only for pieces over the same characters (a claim that is a name)
    width = int(starts[-1]) + 1
    key = ps * width + (width - 1 - pe)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    if (ordered[1:] == ordered[:-1]).any():
        order = np.lexsort((p.owner, p.rank, key))
    p = _Pieces(*(col[order] for col in p))
    ps, pe, file = ps[order], pe[order], file[order]
    # a piece that overlaps no other cannot cross one: look at the rest
    ends_before = np.concatenate([[-1], np.maximum.accumulate(pe)[:-1]])
    next_start = np.concatenate([ps[1:], [int(ps[-1]) + 1]])
    busy = (ends_before > ps) | (pe > next_start)
    cut = np.searchsorted(file, np.arange(len(built) + 1)).tolist()
    crossed = unbalanced(ps[busy], pe[busy])  # the files' spans are apart: each is its own
    bad = sorted(set(file[busy][crossed].tolist()))  # the files with a crossing: few
    if not bad:
        return p, file, cut
    parts: list[_Pieces] = []
    at = 0
    for n in bad:
        a, b = cut[n], cut[n + 1]
        parts.append(_Pieces(*(col[at:a] for col in p)))
        parts.append(built[n]._nest(spans[n], _Pieces(*(col[a:b] for col in p))))
        at = b
    parts.append(_Pieces(*(col[at:] for col in p)))
    sizes = np.diff(cut)
    sizes[bad] = [len(x.ps) for x in parts[1::2]]
    return (_Pieces(*(np.concatenate(c) for c in zip(*parts))),
            np.repeat(np.arange(len(built)), sizes), np.cumsum([0, *sizes]).tolist())


def _tags_of(built: Sequence[_Builder], spans: Sequence[_Spans], p: _Pieces, file: Ints,
             cols: _Columns) -> tuple[npt.NDArray[np.bool_], TagBytes, TagBytes]:
    """Of the files' pieces (``_nested``), which are a span in one piece, and the tags of
    those: by look and the namespace prefix in force where each goes, made once per pair
    for all the files and shared, but for a span with an id (claims, passages), whose start
    tag is its pair's up to the id (1,500 claims an export: as one list, not a call a
    file). The pieces of spans cut into fragments are named by their builder
    (``_Builder._fragment_tags``). ``cols``: the spans (``_span_columns``)."""
    n_spans = np.array([len(sp.start) for sp in spans], np.int64)
    n_nodes = np.array([len(b.ix.ns_scope) for b in built], np.int64)  # with the -1 slot
    n_looks = np.array([len(sp.looks) for sp in spans], np.int64)
    first_span, first_node = np.cumsum(n_spans) - n_spans, np.cumsum(n_nodes) - n_nodes
    first_look = np.cumsum(n_looks) - n_looks
    owner = p.owner + first_span[file]
    counts = np.bincount(owner, minlength=int(n_spans.sum())) if len(owner) else owner
    one = counts[owner] == 1
    ns_scope = np.concatenate([b.ix.ns_scope for b in built])
    last = first_node + n_nodes - 1  # each file's -1 slot
    scope = ns_scope[np.where(p.parent >= 0, p.parent + first_node[file], last[file])]
    scope_at = np.where(scope >= 0, scope + first_node[file], last[file])
    scopes, at_scope = small_unique(scope_at)
    prefixes: dict[tuple[str, str], int] = {}
    of_file = np.searchsorted(first_node, scopes, side="right") - 1
    pre_ids = np.array([prefixes.setdefault(built[n].prefix(-1 if at == len(
        built[n].ix.ns_scope) - 1 else at), len(prefixes)) for n, at in zip(
            of_file.tolist(), (scopes - first_node[of_file]).tolist())], dtype=np.int64)
    pre_of = list(prefixes)
    width = max(len(prefixes), 1)
    # the files' looks numbered by value: an entity's names look alike in every file
    numbers: dict[_Look, int] = {}
    same = np.array([numbers.setdefault(look, len(numbers)) for sp in spans
                     for look in sp.looks], dtype=np.int64)
    looks = list(numbers)
    look_ids = same[cols.look[owner] + first_look[file]] \
        if len(owner) else owner
    # (look, prefix) pairs number a few hundred at most: counted, not sorted
    uniq, inverse = small_unique(look_ids * width + pre_ids[at_scope])
    pairs = [_tag_pair(pre_of[pair % width], looks[pair // width]) for pair in uniq.tolist()]
    opens = np.array([o for o, _ in pairs] or [b""], dtype=object)[inverse]
    closes = np.array([c for _, c in pairs] or [b""], dtype=object)[inverse]
    if cols.claims is not None:  # each of their rows has an id, the ids in row order
        rows = (one & cols.claims[owner]).nonzero()[0]
        nth = np.cumsum(cols.claims) - 1  # a row's place among them
        of_rows = inverse[rows].tolist()
        # ``_tag_pair``'s "<...>" up to ">", of the few pairs of claims and passages
        heads = {pair: pairs[pair][0][:-1].decode() + ' xml:id="' for pair in set(of_rows)}
        ids = cols.ids  # an xml:id is an NCName: nothing in it to escape
        opens[rows] = utf8([f'{heads[pair]}{ids[at]}">' for pair, at in
                            zip(of_rows, nth[owner[rows]].tolist())])
    return one, opens, closes


@lru_cache(maxsize=65536)
def _finder_notes(cue: str, confidence: float | None, candidate: str, note: str
                  ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The types and the lines of the notes a claim the finder proposed says why it proposed
    it with: ``note type="cue"`` its cue, ``@cert`` how sure it is (0..1), ``note
    type="candidate"`` who a described agent may be ("the Soviet premier": Stalin), so a
    re-added export's claim is the one it was (``reimport``), a proposal or one an editor
    decided since (it keeps them here too). A claim an editor marked has none. (``note``: the
    element's name where they go. Made once for claims alike, kept by what they say: was kept
    by claim and by the file's naming function, which held every file's export in memory.)"""
    types: list[str] = []
    lines: list[str] = []
    if cue or confidence is not None:
        cert = None if confidence is None else f"{confidence:g}"
        types.append("cue")
        lines.append(f"<{note}{attrs((('type', 'cue'), ('cert', cert)))}>{esc(cue)}</{note}>")
    if candidate:
        types.append("candidate")
        lines.append(f"<{note} type=\"candidate\">{esc(candidate)}</{note}>")
    return tuple(types), tuple(lines)


@lru_cache(maxsize=65536)
def _date_attrs(date_value: str | None, date_cert: str, confirmed: bool,
                custom: tuple[tuple[str, str], ...] = (), calendar: str = "",
                stated: bool = False) -> tuple[tuple[str, str | None], ...]:
    """A date's value attributes (from its JSON), with how certain a decided value is: made
    once per value, not per kind and source (its JSON is read once in an export, not for
    every file with a date of that value). A Julian date's (``custom``: its words' value,
    ``calendar``: the xml:id of the header's Julian calendar) says so as the TEI Guidelines
    do, ``calendar`` for its words and ``when-custom`` with ``datingMethod`` for their value
    (docs/export.md#old-style-dates). A value the text states with a doubt (``stated``,
    '12 May 1791?') has its @cert and no @evidence: internal would say it was inferred
    from the text's chronology (docs/export.md#how-certain-a-date-is)."""
    out: tuple[tuple[str, str | None], ...] = tuple(
        (a, v) for a, v in zip(DATE_ATTRS, _values_of(date_value)) if v is not None)
    if out and custom:
        out += (("calendar", f"#{calendar}"), *custom, ("datingMethod", f"#{calendar}"))
    if out and date_cert and confirmed:  # a proposal has its own how sure the value is,
        out += (("cert", date_cert),)
        if date_cert != "high" and not stated:  # an inferred one's evidence: the text
            out += (("evidence", "internal"),)
    return out


_NO_DATE = (None,) * len(DATE_ATTRS)  # an element without a value of its own


@lru_cache(maxsize=65536)
def _values_of(date_value: str | None) -> tuple[str | None, ...]:
    """Each of ``DATE_ATTRS`` in a date's value (JSON), None where it has none: what
    ``_date_attrs`` writes of it, and ``_date_values`` reads back (the other attributes a
    date is written with, @cert, @calendar, @when-custom..., are none of them)."""
    value = json.loads(date_value) if date_value else {}
    return tuple(str(value[a]) if value.get(a) else None for a in DATE_ATTRS)


@lru_cache(maxsize=65536)
def _date_values(attrs: tuple[tuple[str, str | None], ...]) -> tuple[str | None, ...]:
    """The value of each of ``DATE_ATTRS`` in a date's attributes (``_date_attrs``), None
    where it has none: made once per value."""
    value = dict(attrs)
    return tuple(value.get(a) for a in DATE_ATTRS)


def _entry_lines(ent: Entity, xid: str, item: str, pre: str,
                 extra: tuple[tuple[str, str | None], ...]) -> tuple[str, ...]:
    """The lines of an entity's entry in a standOff (``pre``: the TEI prefix there, ``extra``
    its ``@cert``/``@resp`` as a proposal): made once per entity in an export, for every
    file whose standOff has it (``_Data.entry_lines`` keeps them, by the entity's id)."""
    name = f"{pre}{TAGS[ent.type]}"
    out = [f"<{pre}{item}{attrs((('xml:id', xid), *extra))}>",
           f"  <{name}>{esc(ent.preferred)}</{name}>"]
    for v in ent.variants:
        if v != ent.preferred:
            out.append(f"  <{name} type=\"variant\">{esc(v)}</{name}>")
    for scheme, value in ent.authority:
        out.append(f"  <{pre}idno{attrs((('type', scheme),))}>{esc(value)}</{pre}idno>")
    if ent.note:
        out.append(f"  <{pre}note>{esc(ent.note)}</{pre}note>")
    out.append(f"</{pre}{item}>")
    return tuple(out)


@lru_cache(maxsize=65536)
def _new_pointer(eid: str, authority: tuple[tuple[str, str], ...], form: str, register: str,
                 entries: str) -> tuple[str, str] | None:
    """``_Builder.pointer`` for an entity the file has no pointer of its own to: made once
    per entity and style, not per file that names it (24,602 times at 16x, 769 sources)."""
    to_record, uri = _record_of(authority, register)
    if to_record:
        return ("ref", uri) if uri else None
    return Style(form).attr_value(ncname(eid), entries)


def _record_of(authority: tuple[tuple[str, str], ...], register: str
               ) -> tuple[bool, str | None]:
    """(whether new markup points to an entity's authority record rather than to an entry:
    always with ``none``, with ``uris`` when it has one; that record's URI)."""
    uri = _authority_uri(authority) if register in ("none", URIS) else None
    return uri is not None or register == "none", uri


@lru_cache(maxsize=65536)
def _authority_uri(authority: tuple[tuple[str, str], ...]) -> str | None:
    """The record URI of an entity's first authority id (in ``AUTHORITY_URIS``' order):
    made once per entity's ids, not per file that names it."""
    return next((AUTHORITY_URIS[scheme].format(value) for scheme, value
                 in sorted(authority, key=lambda a: list(AUTHORITY_URIS).index(a[0]))
                 if scheme in AUTHORITY_URIS), None)


@lru_cache(maxsize=65536)
def _tag_pair(prefix: tuple[str, str], look: _Look) -> tuple[bytes, bytes]:
    """Start and end tag of a piece of ``look`` where the TEI prefix and namespace
    declaration ``prefix`` (``_Builder.prefix``) are in force, in UTF-8 (``utf8``): made
    once per look, for every file whose new markup looks so (an entity's names, in every
    file that names it)."""
    pre, decl = prefix
    start, end = utf8([f"<{pre}{look.tag}{decl}{attrs(look.attrs)}>", f"</{pre}{look.tag}>"])
    return start, end


@lru_cache(maxsize=256)
def _header_text(pre: str, indent: str, unit: str, app: bool,
                 resps: tuple[tuple[str, str], ...], decl: tuple[str, bool] | None, nl: str
                 ) -> str:
    """``_header_lines`` joined by the file's line end ``nl``: one string, made once for the
    files of an edition."""
    return nl.join(_header_lines(pre, indent, unit, app, resps, decl))


def _header_lines(pre: str, indent: str, unit: str, app: bool,
                  resps: tuple[tuple[str, str], ...], decl: tuple[str, bool] | None
                  ) -> tuple[str, ...]:
    """The lines of the header's ``appInfo`` (annotator's, when ``app``, and the
    applications of ``resps``, (xml:id, provenance) pairs) and ``editorialDecl`` (when
    ``decl``: what its text says, ``_encoding_description``); TEI names prefixed with
    ``pre``. Files of an edition share them: made once, by ``_header_text``."""
    from annotator.version import __version__

    out: list[str] = []
    apps: list[tuple[str, str, str | None, str]] = []
    if app:
        apps.append((APP_ID, "annotator", __version__, "annotator"))
    for rid, prov in resps:
        apps.append((rid, *application(prov)))
    if apps:
        out.append(f"{indent}<{pre}appInfo>")
        for rid, ident, ver, label in apps:
            out.append(f"{indent}{unit}<{pre}application"
                       f"{attrs((('xml:id', rid), ('ident', ident), ('version', ver)))}>"
                       f"<{pre}label>{esc(label)}</{pre}label></{pre}application>")
        out.append(f"{indent}</{pre}appInfo>")
    if decl is not None:
        out.append(f"{indent}<{pre}editorialDecl{attrs((('xml:id', DECL_ID),))}>")
        for para in _encoding_description(f"{pre}gi", *decl):
            out.append(f"{indent}{unit}<{pre}p>{para}</{pre}p>")
        out.append(f"{indent}</{pre}editorialDecl>")
    return tuple(out)


_LABELS = {"model": "spaCy pipeline ", "rule": "annotator rule "}


def application(provenance: str) -> tuple[str, str, str]:
    """(@ident, @version, label) of the ``<application>`` the header names a proposal's
    provenance by: ``model:en_core_web_sm@3.8.0`` is ident ``en_core_web_sm``, version
    3.8.0, "spaCy pipeline en_core_web_sm"; ``provenance_of`` reads it back."""
    from annotator.version import __version__

    kind, _, what = provenance.partition(":")
    name, _, version = what.partition("@")
    numbered = _NUMBERED.fullmatch(version) is not None
    shown = name if numbered else what  # what it ran with, when not a version number
    if kind == "rule" or not numbered:
        # tei_all wants a version number: a rule (also one run over a model) and a
        # model the workspace trained (its hash in the label) are annotator's
        version = __version__
    label = f"{_LABELS[kind]}{shown}" if kind in _LABELS else provenance
    return name or kind, version, label


def provenance_of(version: str, label: str) -> str:
    """The provenance of proposals an ``<application>`` the export wrote (``application``)
    names, read back from its @version and label: a model's name and version, a rule's name
    and what it ran over (``rule:claims@en_core_web_sm@3.8.0``), anything else as labelled.
    (A rule's own version number, which the header does not keep, is lost.)"""
    for kind, head in _LABELS.items():
        if label.startswith(head):
            shown = label.removeprefix(head)
            if kind == "model" and "@" not in shown:  # a numbered version, in @version
                return f"model:{shown}@{version}"
            return f"{kind}:{shown}"
    return label


def _indented(lines: list[str]) -> Callable[[str, str], list[str]]:
    """``lines`` re-indented, once the place they go is known."""
    return lambda indent, unit: _indent(lines, indent, unit)


@dataclass(frozen=True, slots=True)
class _ClaimNotes:
    """The new annotations of a file's claims, none with a link, each saying what its kind
    says (most files' claims): written as one entry, each claim's from its id and its kind's
    text after the id, made once for the export (``_Said.tails``) but for a kind with an
    agent (the file's), once the indent is known, not from its lines (an export has 1,500)."""

    ann: str  # the annotation element's name
    note: str  # and the note's
    ids: Sequence[str]  # the claims', in order: each one's seg has the id ``claim-<id>``
    kind: Sequence[int]  # each one's kind
    agents: dict[int, tuple[str, ...]]  # kind with an agent -> the lines between the tags
    said: _Said  # what the others say

    def text(self, indent: str, unit: str, nl: str) -> str:
        """``_blocks_text`` of them all, one string: the entries joined by ``nl``."""
        tails = self.said.tails(self.note, self.ann, indent, unit, nl)
        if self.agents:
            tails = [*tails]
            for k, tail in zip(self.agents, _tails(self.agents.values(), self.ann, indent,
                                                   unit, nl)):
                tails[k] = tail
        head = f'{indent}<{self.ann} xml:id="claim-'
        return nl.join([f'{head}{cid}-annotation" target="#claim-{cid}{tails[k]}'
                        for cid, k in zip(self.ids, self.kind)])


def _tails(said: Iterable[Sequence[str]], ann: str, indent: str, unit: str, nl: str
           ) -> list[str]:
    """New annotations of claims after their target's id, each saying its lines: those one
    step in from ``indent``, then the end tag (``ann``: its name). Made in C: an export's
    kinds, each file's indent."""
    inner = nl + indent + unit
    return list(map("".join, zip(repeat(f'" motivation="describing">{inner}'),
                                 map(inner.join, said), repeat(f"{nl}{indent}</{ann}>"))))


# an entry of a standOff list: a tuple of its lines, indented from 0, when files share it
# (an entity's entry, a work's); a list when it is one file's alone (a claim's annotation:
# its first and last line outermost, the one or more between them one step in); a file's
# claims' annotations all at once (``_ClaimNotes``)
Block = tuple[str, ...] | list[str] | _ClaimNotes


def _blocks_text(blocks: list[Block], indent: str, unit: str, nl: str) -> list[str]:
    """Each entry's lines re-indented (``_indent``) and joined by ``nl``: one string an
    entry, which a caller joins with ``nl`` before each as it does lines. An entry files
    share is made once (``_block_text``); one file's own is not kept."""
    inner = nl + indent + unit
    return [b.text(indent, unit, nl) if isinstance(b, _ClaimNotes)
            else _block_text(b, indent, unit, nl) if isinstance(b, tuple)
            else f"{indent}{b[0]}{inner}{inner.join(b[1:-1])}{nl}{indent}{b[-1]}"
            for b in blocks]


@lru_cache(maxsize=4096)
def _block_text(block: tuple[str, ...], indent: str, unit: str, nl: str) -> str:
    """``_blocks_text`` of one entry: an entity's, the same in every file whose standOff has
    it (``_entry_lines``), is made once."""
    return nl.join(_indent(block, indent, unit))


def _indent(lines: Sequence[str], indent: str, unit: str) -> list[str]:
    """Lines written with two-space steps, re-indented to ``indent`` with ``unit`` steps."""
    out = []
    for ln in lines:
        stripped = ln.lstrip(" ")
        steps = (len(ln) - len(stripped)) // 2
        out.append(indent + unit * steps + stripped)
    return out


@lru_cache(maxsize=64)
def _encoding_description(gi_name: str, register: str = "inline",
                          lacked: bool = False) -> tuple[str, ...]:
    """The paragraphs of the export's ``editorialDecl``, ``gi_name`` the name ``gi`` has
    where they go (the same for every file of an edition: made once); ``lacked``: the export
    wrote, in the file's standOff, entries the file's own ``#id`` pointers named and it
    lacked, which the text of modes other than ``inline`` must say too."""
    def gi(name: str) -> str:
        return f"<{gi_name}>{name}</{gi_name}>"

    where = {"inline": f"the register entries in {gi('standOff')} ({gi('listPerson')}, "
                       f"{gi('listPlace')}, {gi('listOrg')}; {gi('idno')} for authority ids)",
             "file": f"the register entries of {REGISTER_FILE} beside this file "
                     f"({gi('listPerson')}, {gi('listPlace')}, {gi('listOrg')}; {gi('idno')} "
                     "for authority ids)",
             "none": "the authority record of the entity, where it has one",
             URIS: "the authority record of the entity, where it has one, else its register "
                   f"entry in {gi('standOff')} ({gi('listPerson')}, {gi('listPlace')}, "
                   f"{gi('listOrg')})"}[register]
    if lacked:
        where += (", and, where the file's own names point to an entry of this file that it "
                  f"did not have (#id), to that entry, written in {gi('standOff')}")
    return (
        f"Names, dates and claims the editors decided were marked with annotator; the "
        f"markup the file already had is its own. New {gi('persName')}, {gi('placeName')} and "
        f"{gi('orgName')} elements point as the file's own names do (the same pointer for "
        f"an entity they point to; else @ref or @key, in their form) to {where}; "
        f"{gi('date')} carries its "
        "normalised value in @when, @from/@to or @notBefore/@notAfter.",
        f"A claim is a {gi('seg')} of @type claim (@subtype: attributed, quoted, unattributed "
        f"or editorial); an {gi('annotation')} in {gi('listAnnotation')} targets it, names "
        f"who the claim is attributed to ({gi('note')} of @type agent) and holds its links "
        f"as {gi('ref')} elements of @type supports, contradicts or mentions, pointing to a "
        f"work of {gi('listBibl')} or to a {gi('seg')} of @type passage, with the locus as "
        "content.",
        "An element cut where the text's structure required it has an @xml:id and is joined "
        "to its other parts by @next and @prev. Elements with @resp are proposals no editor "
        "has decided yet, their @cert how sure the proposal is; on a decided date, @cert says "
        "how certain its value is (with @evidence internal when it was inferred from the "
        "text's own chronology). Every character of the source outside the added markup is "
        "unchanged.",
    )


# -- the export -------------------------------------------------------------------------------
def render_source(parsed: ParsedSource, tm: TextMap, data: _Data, *, source_id: str,
                  include_proposals: bool, register: str = "inline") -> tuple[str, Counter[str]]:
    """The annotated text of one source, and what went into it (``data`` holds only what to
    export: ``include_proposals`` is the one it was gathered with)."""
    builder = _render(_Source.of(index_source(parsed, tm)), data, source_id=source_id,
                      register=register)
    return builder.out, builder.counts


@dataclass(frozen=True, slots=True)
class _Source:
    """What an export needs of the file alone, made before the store's answer is needed."""

    ix: SourceIndex
    existing: _Existing

    @classmethod
    def of(cls, ix: SourceIndex) -> _Source:
        ix.warm()
        return cls(ix, existing_annotations(ix))


def _render(src: _Source, data: _Data, *, source_id: str, register: str) -> _Builder:
    """The builder of one export, run: ``text`` is the export."""
    builder = _Builder(src.ix, data, source_id=source_id, existing=src.existing,
                       register=register)
    builder.out = builder.build()
    return builder


@paused()  # many short-lived objects: the cycle collector would walk the live ones
def export_tei(ctx: ActContext, source_ids: Iterable[str] | None = None, *,
               include_proposals: bool = False, out_dir: str | Path | None = None,
               progress: Callable[[int, int], None] | None = None,
               register: str | None = None) -> ExportReport:
    """Write the annotated copy of each source (default: all) to ``out_dir`` (``exports/``).

    ``register``: where the entries new markup points to go (``REGISTERS``; default: where
    each source keeps its own, ``default_register`` of its names' pointers, else where the
    sources of its edition keep theirs, else where the workspace's do; for a source naming no
    edition, ``URIS`` where the workspace's sources point to authority records, else
    ``inline``; where that is ``none``, ``URIS``: an entity without an
    authority id still gets its entry, in the file's standOff). With ``file``,
    ``register.xml`` beside the exports holds them, and the entries an editor gave authority
    ids to that the sources point to elsewhere.
    Each file is written atomically; if one cannot be written, the files written before it
    are kept, the earlier export of the failing one is left intact, and ExportError says so.
    """
    target_dir = Path(out_dir) if out_dir is not None else ctx.exports_dir
    if register is not None and register not in REGISTERS:  # before any file is read
        raise ExportError(f"no register mode {register!r}",
                          hint=f"use one of {', '.join(REGISTERS)}", code="E023")
    every = {s.id: s for s in ctx.texts.sources()}
    ids = list(source_ids or ()) or list(every)
    # unknown ids fail before anything is written
    sources = [every[i] if i in every else ctx.texts.source(i) for i in ids]
    files: list[TeiExport] = []
    written: Written | None = None
    moved = False  # the staged files are in place
    try:
        # the kept maps' heads, and the first maps and files read
        file_forms, edition_of = ctx.texts.forms(every.values(), sources)
        # each edition's pointers together, else every source's; a source naming no edition
        # borrows none (was: every source's, so a .txt letter's new names took @key)
        everyone: Counter[tuple[str, str]] = Counter()
        edition_forms: dict[str, Counter[tuple[str, str]]] = {}
        for sid, counted in file_forms.items():
            everyone.update(counted)
            if edition_of[sid]:
                edition_forms.setdefault(edition_of[sid], Counter()).update(counted)
        edition_forms = {name: forms or everyone for name, forms in edition_forms.items()}
        # a source naming no edition borrows only the pointers that resolve from any file,
        # authority URIs, never another edition's keys or ids into its register
        edition_forms[""] = Counter({k: n for k, n in everyone.items() if k[1] == "uri"})
        edition_registers = {name: inferred_register([forms]) if forms else "inline"
                             for name, forms in edition_forms.items()}
        # what every file's export reads of the store, read at once, grouped by source
        if progress is not None:  # a count from the start, not a pulse while the store is read
            progress(0, len(sources))
        edition = _Edition.read(ctx.store, [(s.id, s.sha256) for s in sources], include_proposals)
        in_register: dict[str, Entity] = {}
        pointers = Pointers(ctx.store.conn)  # pointer -> entity, for every file
        edition_styles: dict[str, dict[str, Style]] = {}  # by edition, then type
        entry_lines: dict[Any, tuple[str, ...]] = {}  # ``_Data.entry_lines``
        new_pointers: dict[Any, tuple[tuple[str, str | None], ...]] = {}  # and ``new_pointers``
        # the files of an edition whose names point alike share ``_Data.styles`` (one dict)
        # and the register their own pointers give (``inferred_register``): by edition and
        # forms; and ``kind_looks``, which goes by them
        alike: dict[tuple[str, tuple[tuple[tuple[str, str], int], ...]],
                    tuple[dict[str, Style], str]] = {}
        kind_looks = _KindLooks()
        with ExportFiles(ctx.root) as out_files:
            # a group's files read, then their maps loaded, then indexed, gathered and made,
            # their spans placed at once, then finished, encoded and written: each step over
            # the group's files in a loop of its own, its code and data fresh in the caches
            # from one file to the next (was: every step of a file before the next file:
            # about 2.5 ms more CPU an export of the bench's 49 files, a tenth)
            ready: list[tuple[Source, Unparsed, _Data, _Builder]] = []
            read: list[SourceFile] = []
            in_hand = 0  # characters of the files read, not yet written
            for n, src in enumerate(sources):
                read.append(ctx.texts.read(src))
                in_hand += len(read[-1].text)
                if in_hand < _GROUP_CHARS and n + 1 < len(sources):
                    continue
                # their maps: a file is parsed only if an export reads the tree
                loaded = [(got.src, ctx.texts.unparsed(got)) for got in read]
                read = []
                indexed = [_Source.of(index_file(file.tm, file.tree)) for _, file in loaded]
                gathered = [gather(ctx, src.id, src.sha256, include_proposals=include_proposals,
                                   marked=bool(source.existing.by_key), edition=edition)
                            for (src, _), source in zip(loaded, indexed)]
                for k, ((src, file), source, data) in enumerate(
                        zip(loaded, indexed, gathered), n + 1 - len(loaded)):
                    data.named = Named(pointers, marked(file.tm).prefixes)
                    data.file_forms = file_forms.get(src.id, _NO_FORMS)
                    name = edition_of.get(src.id, "")
                    data.edition_forms = edition_forms.get(name, _NO_FORMS)
                    data.edition_styles = edition_styles.setdefault(name, {})
                    data.entry_lines, data.new_pointers = entry_lines, new_pointers
                    forms = (name, tuple(sorted(data.file_forms.items())))
                    if forms not in alike:
                        alike[forms] = ({}, inferred_register([data.file_forms]) if data.file_forms
                                        else edition_registers.get(name, "inline"))
                    data.styles, inferred = alike[forms]
                    data.kind_looks = kind_looks
                    mode = register or inferred
                    built = _Builder(source.ix, data, source_id=src.id, existing=source.existing,
                                     register=mode)
                    ready.append((src, file, data, built))
                    if progress is not None:  # made: what is left of it is quick
                        progress(k + 1, len(sources))
                group = [built for *_, built in ready]
                found = [marked(file.tm) for _, file, _, _ in ready]
                pointers.ask(found)  # what the group's own pointers mean, in one query
                for (_, _, data, _), own in zip(ready, found):
                    data.own_pointers = file_pointers(pointers, own)
                _settle_own(group)  # the group's own names and dates at once
                _inline(group)
                _wrap(group)  # and its spans
                _finish(group)
                outs = [spliced(built.text, file.data, file.codec, built.inserts, built.batch)
                        for _, file, _, built in ready]  # in each file's own encoding
                for (src, file, data, built), out in zip(ready, outs):
                    counts = built.counts
                    for eid in built.pointed | built.reached if built.register == "file" else ():
                        if eid in data.entities:
                            in_register.setdefault(eid, data.entities[eid])
                    action, as_shown = out_files.put(target_dir / export_name(src.file), out)
                    files.append(TeiExport(source_id=src.id, path=as_shown, action=action,
                                           pointers_kept_lines=built.export_lines(built.kept_at),
                                           pointers_kept_words=tuple(built.kept_words),
                                           dangling_lines=built.export_lines(built.dangling_at),
                                           unwritten=built.unwritten_said(),
                                           **counts))
                ready, in_hand = [], 0
            if in_register:
                if len(set(ids)) < len(file_forms):  # some sources only: keep what the
                    # others' exports point to
                    for ent in entity_rows.by_id(ctx.store.conn, written_register_ids(
                            target_dir / REGISTER_FILE) - in_register.keys()).values():
                        if ent.status != "rejected":
                            in_register[ent.id] = ent
                entries = [in_register[k] for k in sorted(in_register)]
                action, as_shown = out_files.put(target_dir / REGISTER_FILE, export_register(
                    entries, title="Register of the annotated sources",
                    known_pointers=of_entities(ctx.store.conn, in_register,
                                               written=True)))
                written = Written(path=as_shown, format="register", items=len(entries),
                                  action=action)
            with held():  # Ctrl-C waits for every file to be in place
                out_files.finish()
                moved = True
    except KeyboardInterrupt:
        made = ExportReport(files=tuple(files) if moved else (),
                            out_dir=shown(ctx.root, target_dir),
                            register=written if moved else None)
        raise Interrupted(f"all {len(files)} TEI files written" if moved else
                          f"no TEI file written ({len(files)} of {len(sources)} made, none put in "
                          f"place; {made.out_dir}/ as it was)",
                          hint="nothing is left to export" if moved else
                          "run the same command again to export", done=made) from None
    return ExportReport(files=tuple(files), out_dir=shown(ctx.root, target_dir),
                        register=written)


def export_name(stored: str) -> str:
    """The name a source's export is written under: its stored file's, which is the name the
    editor gave it (links between an edition's files and publishing go by it). (A stored
    file's path: its last part, without a Path made per file.)"""
    return os.path.basename(stored)
