"""How an export's new markup points to who a name means: the way the edition itself does.

Editions point from a name to its register entry in their own way: ``@ref="#id"`` to an entry
in the file, ``@ref="pe0238"`` (a bare id) or ``@key="w63g5f9w"`` into a register kept
elsewhere, ``@ref="persons.xml#p1"`` into another file, or an authority URI. An export follows
it, so the files stay one edition:

* an entity the file's own markup already points to is pointed to the same way, with the
  file's own attribute and value (``key="w63g5f9w"``): nothing new to resolve;
* any other entity gets the edition's form (``Style``: the attribute and the shape of its
  value, learned from the names of the file, else of its edition's, else of all the sources;
  none for a file naming no edition) with the id of the
  entry the export writes for it (in the file's standOff, or in ``register.xml``): a bare
  ``ref="person-wager"`` or ``key="person-wager"`` where the edition writes bare ids or keys
  (resolved, as the edition's are, by the entry of that id), ``#id`` or ``register.xml#id``
  where it writes pointers.

Pure functions over bytes, a file's elements and the store's pointer table.

DOCS: docs/export.md#where-the-register-goes
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast


from annotator.errors import AnnotatorError
from annotator.entities.pointers import normalise
from annotator.store import pointers as pointer_rows
from annotator.tei.marked import pointer_forms
from annotator.tei.parse import TEI_NS, XML_ID, decode_xml, parse_xml
from annotator.tei.prefixes import Prefixes
from annotator.tei.resolve import REGISTER_FILE as REGISTER_FILE  # where exports import it
from annotator.tei.textmap import Marked

REGISTERS = ("inline", "file", "none")
# The mode of a file whose edition points to authority records (``none``) when no mode was
# asked for: a new name whose entity has an authority id points to its record, one without
# points to an entry in the file's standOff (as ``inline``), so no name an editor decided is
# exported without a pointer. ``none`` asked for keeps its word: no entry is written.
URIS = "uris"
@dataclass(frozen=True, slots=True)
class Style:
    """How an edition writes a pointer: ``key`` (``@key="id"``), ``bare`` (``@ref="id"``),
    ``local`` (``@ref="#id"``), ``file`` (``@ref="other.xml#id"``, ``psn:id``) or ``uri``."""

    form: str

    def attr_value(self, rid: str, register: str) -> tuple[str, str]:
        """The attribute and value pointing to the entry ``rid`` the export writes
        (``register``: inline, in the file's standOff; file, in register.xml)."""
        if self.form == "key":
            return "key", rid
        if self.form == "bare":
            return "ref", rid
        return "ref", f"#{rid}" if register == "inline" else f"{REGISTER_FILE}#{rid}"


POINTERS = Style("local")  # no convention learned: TEI's own, a pointer to the entry


def style_of(counts: Counter[tuple[str, str]], type_: str, fallback: Style = POINTERS
             ) -> Style:
    """The edition's form for names of ``type_``: the most common among its names of that
    type (and untyped ``name``/``rs``), else among all, else ``fallback``. A URI is an
    authority's record, not a form for an entry the export writes: it is never chosen."""
    for types in ((type_, ""), None):
        votes = {f: n for (t, f), n in counts.items()
                 if (types is None or t in types) and f != "uri"}
        if votes:
            return Style(max(sorted(votes), key=votes.__getitem__))
    return fallback


def default_register(files: Iterable[bytes]) -> str:
    """Where the edition keeps its register, judged by the pointers of its names: ``inline``
    (``#id`` within the file, or no pointers), ``file`` (another file's entries: ``@key``,
    ``persons.xml#p1``, a bare or prefixed id) or ``none`` (authority records: http URIs)."""
    return register_of(pointer_forms(decode_xml(data, Path("source.xml"))[0]) for data in files)


def inferred_register(counts: Iterable[Counter[tuple[str, str]]]) -> str:
    """The mode of a file no ``--register`` was given for: ``register_of`` its pointers'
    ``counts`` (of its own names, else of all the sources'), ``uris`` for ``none``."""
    mode = register_of(counts)
    return URIS if mode == "none" else mode


def register_of(counts: Iterable[Counter[tuple[str, str]]]) -> str:
    """``default_register`` of files whose pointers ``marked.pointer_forms`` counted."""
    votes: Counter[str] = Counter()
    for c in counts:
        for (_, form), n in c.items():
            votes["inline" if form == "local" else "none" if form == "uri" else "file"] += n
    if not votes:
        return "inline"
    return max(REGISTERS, key=lambda r: (votes[r], -REGISTERS.index(r)))


class Pointers:
    """Which entity each pointer of the files of one export means, as the store knows it:
    asked of the store once per group of files (``ask``: the pointers they have that no file
    before them had), and each pointer as written made comparable (``normalise``) once per
    set of ``prefixDef`` declarations, not once per file (an edition's files repeat each
    other's pointers)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._of_key: dict[str, str | None] = {}  # normalised pointer -> entity
        # the files' prefixDef declarations -> pointer as written -> entity
        self._of_written: dict[tuple[tuple[str, str, str], ...], dict[str, str | None]] = {}

    def of_file(self, defs: tuple[tuple[str, str, str], ...], values: Sequence[str]
                ) -> dict[str, str | None]:
        """Pointer as a file with the ``prefixDef`` declarations ``defs`` (``Marked.prefixes``)
        writes it -> the entity it means (None: none known), for each of ``values`` and those
        asked before."""
        known = self._of_written.setdefault(defs, {})
        if known.keys() >= set(values):  # most files of an edition: asked before, all of them
            return known
        self._ask({defs: values})
        return known

    def ask(self, files: Iterable[Marked]) -> None:
        """Ask at once what the pointers of many files' names mean (``files``: what their
        markup says), so that ``file_pointers`` of each finds them asked: one query for the
        pointers of a group of files no file before them had (was: one a file with any)."""
        wanted: dict[tuple[tuple[str, str, str], ...], dict[str, None]] = {}
        for found in files:
            wanted.setdefault(found.prefixes, {}).update(
                dict.fromkeys(first for _, first in found.pointers))
        self._ask(wanted)

    def _ask(self, wanted: Mapping[tuple[tuple[str, str, str], ...], Iterable[str]]) -> None:
        """The entities of the pointers as files with those ``prefixDef`` declarations write
        them, those not asked before asked of the store in one query."""
        made: dict[tuple[tuple[str, str, str], ...], dict[str, str]] = {}
        for defs, values in wanted.items():
            known = self._of_written.setdefault(defs, {})
            new = [v for v in dict.fromkeys(values) if v not in known]
            if new:
                prefixes = Prefixes(defs)
                made[defs] = {v: normalise(v, prefixes) for v in new}
        asked = [k for k in dict.fromkeys(k for keys in made.values() for k in keys.values())
                 if k not in self._of_key]
        if asked:
            found = pointer_rows.owners(self.conn, asked)
            self._of_key.update((k, found.get(k)) for k in asked)
        for defs, keys in made.items():
            self._of_written[defs].update((v, self._of_key[k]) for v, k in keys.items())


def file_pointers(pointers: Pointers, found: Marked) -> dict[str, tuple[str, str]]:
    """Entity id -> (attribute, value) of the file's own pointer to it: the first name
    element of the file whose pointer the store knows as that entity's (``found``: what the
    file's markup says, kept with its map)."""
    firsts = [first for _, first in found.pointers]
    of = pointers.of_file(found.prefixes, firsts)
    # made from the last back, so that each entity keeps its first (a dict keeps the last)
    out: dict[str | None, tuple[str, str]] = dict(zip(map(of.__getitem__, reversed(firsts)),
                                                      reversed(found.pointers)))
    out.pop(None, None)  # the pointers no entity has
    return cast("dict[str, tuple[str, str]]", out)


@dataclass(slots=True)
class Named:
    """The entities a pointer attribute of a file names: each of its pointers (a group,
    ``ref="pl2373 pl2374"``), in whatever form it is written (``#id``, a bare id,
    ``psn:id`` by the file's ``prefixDef``), as the store knows it. An export asks only of
    an element whose pointer is not the one it would have written, so seldom."""

    pointers: Pointers
    prefixes: tuple[tuple[str, str, str], ...]  # the file's (``Marked.prefixes``)

    def __call__(self, value: str) -> set[str]:
        each = value.split()
        of = self.pointers.of_file(self.prefixes, each)
        return {eid for v in each if (eid := of[v])}


def written_register_ids(path: Path) -> set[str]:
    """The ids of the entries of a ``register.xml`` an earlier export wrote (none when there
    is none, or it is not one): an export of some sources keeps those the others point to."""
    try:
        root = parse_xml(path.read_bytes(), path)
    except (OSError, AnnotatorError):
        return set()
    return {xid for el in root.iter(*(f"{{{TEI_NS}}}{n}" for n in ("person", "place", "org")))
            if (xid := el.get(XML_ID))}
