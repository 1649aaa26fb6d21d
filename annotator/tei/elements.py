"""A file's elements without its tree: tag, parent, attributes and namespaces of every node.

An export reads little of a file's tree (which element a tag is, an id, a pointer, the
namespaces in force) and parsing the file for it took as long as the rest of the export's
work on it. These facts are made when the text map is built, from the same ``root.iter()``
nodes its numbers refer to, and kept with it (``textmap_pack``): an export loads them, and
parses the file only for what they do not hold (the text of an element).

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import json
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, repeat
from operator import mul
from typing import TypeAlias, overload

from lxml import etree

from annotator.tei.parse import XML_ID

# the tag of a node that is no element (a comment, a processing instruction, an entity)
NOT_ELEMENT = ""
# the attributes kept: those that say what an element is (its id, the fragments it joins,
# who or what it points to, its type, who wrote it (a note's resp: ``tei.voice``), a date's
# value, a prefix's definition)
KEPT = (XML_ID, "prev", "next", "type", "resp", "ref", "key", "corresp", "target", "when",
        "from", "to", "notBefore", "notAfter", "ident", "matchPattern", "replacementPattern")


@dataclass(slots=True)
class Elements:
    """Every node of ``root.iter()``, by its number there."""

    table: tuple[str, ...]  # the tags, each once, in the order first met
    codes: Column  # each node's tag, as its index in ``table``
    parent: Column  # -1 for the root
    attrs: Mapping[str, dict[int, str]]  # KEPT name (as lxml names it) -> element -> value
    nsmaps: dict[int, dict[str, str]]  # the root's and where declarations change them ('' default)
    # each node's nearest node at or above it in ``nsmaps``: the namespaces in force there
    scope: Column
    # '{namespace}local' of each node, NOT_ELEMENT if none: read through ``codes`` (an export
    # asks a few nodes' tags; a list of every node's was made at each load)
    tags: Sequence[str] = field(init=False, repr=False, compare=False)
    _by_tag: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tags = _Tags(self.table, self.codes)

    @classmethod
    def of(cls, nodes: Sequence[etree._Element]) -> Elements:
        """The facts of ``nodes``, ``list(root.iter())``."""
        index = {id(n): i for i, n in enumerate(nodes)}
        tags: list[str] = []
        parent = array("q")
        scope = array("q")
        attrs: dict[str, dict[int, str]] = {name: {} for name in KEPT}
        nsmaps: dict[int, dict[str, str]] = {}
        seen: list[dict[str | None, str]] = []  # each node's nsmap (lxml makes it per call)
        for i, n in enumerate(nodes):
            up = n.getparent()
            parent.append(index[id(up)] if up is not None and id(up) in index else -1)
            if not isinstance(n.tag, str):
                tags.append(NOT_ELEMENT)
                seen.append({})
            else:
                tags.append(n.tag)
                if n.attrib:
                    for name, value in n.attrib.items():
                        if name in attrs:  # lxml gives str (its stubs say str | bytes)
                            attrs[str(name)][i] = str(value)
                ns = n.nsmap
                seen.append(ns)
                if i == 0 or ns != seen[parent[i]]:
                    nsmaps[i] = {p or "": u for p, u in ns.items()}
            scope.append(i if i in nsmaps else scope[parent[i]] if parent[i] >= 0 else -1)
        table = tuple(dict.fromkeys(tags))
        at = {t: i for i, t in enumerate(table)}
        return cls(table, array("q", map(at.__getitem__, tags)), parent, attrs, nsmaps, scope)

    def get(self, node: int, name: str) -> str | None:
        """Attribute ``name`` (one of ``KEPT``) of element ``node``, as ``el.get``."""
        return self.attrs[name].get(node)

    def values(self, nodes: Sequence[int], names: Sequence[str]
               ) -> list[tuple[str | None, ...]]:
        """Each of ``nodes``' attributes ``names`` (of ``KEPT``), None where it has none, as
        ``get`` of each: a kept map's read without a dict of an attribute's values made for
        a few of its elements, nor an empty one for an attribute no element has."""
        attrs = self.attrs
        if isinstance(attrs, _Kept):
            return list(zip(*[attrs.at_nodes(name, nodes) for name in names]))
        return list(zip(*[list(map(attrs[name].get, nodes)) for name in names]))

    def nsmap(self, node: int) -> dict[str, str]:
        """The namespaces in force on element ``node`` ('' for the default one)."""
        return self.nsmaps.get(self.scope[node], {})

    def iter(self, tags: Iterable[str]) -> list[int]:
        """The elements with one of ``tags``, in document order."""
        if self._by_tag is None:
            by_tag: dict[str, list[int]] = {}
            for i, t in enumerate(self.tags):
                by_tag.setdefault(t, []).append(i)
            self._by_tag = by_tag
        found = [self._by_tag.get(t, []) for t in dict.fromkeys(tags)]
        return found[0] if len(found) == 1 else sorted(i for f in found for i in f)

    def dump(self) -> bytes:
        """Sizes as little-endian 64-bit integers (``_SIZES``), the columns' widths, the
        namespace maps as JSON, the tags and each kept attribute's values as UTF-8, each ended
        by NUL (which XML never holds), then codes, parents, scopes and the elements of each
        attribute as little-endian integers (``kept_columns``: 32-bit where they fit):
        loading them is a few copies and a split of the tags, not a number, string or list
        parsed per node; an attribute's values are split when an export first reads it."""
        values = [self.attrs[name] for name in KEPT]
        tags = "".join(f"{t}\0" for t in self.table).encode("utf-8")
        texts = ["".join(f"{v}\0" for v in d.values()).encode("utf-8") for d in values]
        widths, kept = kept_columns([self.codes, self.parent, self.scope,
                                     *(array("q", v) for v in values)])
        nsmaps = json.dumps(list(self.nsmaps.items()), ensure_ascii=False,
                            separators=(",", ":")).encode("utf-8")
        sizes = little(array("q", [len(self.codes), len(self.table), len(nsmaps), len(tags),
                                   *(len(v) for v in values), *map(len, texts)]))
        return b"".join([sizes.tobytes(), widths.encode("ascii"), nsmaps, tags, *texts, kept])

    @classmethod
    def load(cls, blob: bytes, *, viewed: bool = False) -> Elements:
        """What ``dump`` wrote; ValueError when it is not that. ``viewed``: its columns are
        views of ``blob`` (``column_views``), not copies (an export's)."""
        try:
            view = memoryview(blob)
            sizes = array("q")
            sizes.frombytes(view[:_SIZES * 8])
            if SWAP:  # pragma: no cover
                sizes.byteswap()
            n, tags, ns_size, tags_size = sizes[:4]
            counts, text_sizes = sizes[4:4 + len(KEPT)], sizes[4 + len(KEPT):]
            at = _SIZES * 8 + 3 + len(KEPT)
            widths = str(view[_SIZES * 8:at], "ascii")
            nsmaps = _nsmaps(bytes(view[at:at + ns_size]))
            at += ns_size
            table = _table(bytes(view[at:at + tags_size]))
            at += tags_size
            if len(table) != tags:
                raise ValueError("tags do not fit")
            texts_at = at
            at += sum(text_sizes)
            if blob.count(0, texts_at, at) != sum(counts):  # read in place, not copied
                raise ValueError("values do not fit")
            if len(widths) != 3 + len(KEPT):
                raise ValueError(f"{len(widths)} widths")
            read = column_reader(viewed)
            (codes, parent, scope), at = read(view, at, (n, n, n), widths[:3])
            # each attribute's elements read with its values, when first asked for
            nodes_at = at
            at += sum(map(mul, counts, map(WIDTH.__getitem__, widths[3:])))
            if at != len(blob) or not all_below(codes, tags):
                raise ValueError("sizes do not fit")
            return cls(table, codes, parent, _Kept(view, texts_at, text_sizes, nodes_at,
                                                  counts, widths[3:], read),
                       dict(nsmaps), scope)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"not kept elements ({exc})") from None


# the sizes at the start of kept elements: nodes, tags, the bytes of the namespace maps and
# of the tags, then each kept attribute's count of values and the bytes of its values
_SIZES = 4 + 2 * len(KEPT)


@lru_cache(maxsize=256)
def _nsmaps(kept: bytes) -> dict[int, dict[str, str]]:
    """The namespace maps as kept: an edition's files declare the same (decoded once; a
    load copies the outer dict, no caller writes into the maps themselves)."""
    return {int(k): dict(v) for k, v in json.loads(kept)}


@lru_cache(maxsize=256)
def _table(kept: bytes) -> tuple[str, ...]:
    """The tags as kept (each ended by NUL): an edition's files have a few tables between
    them, split once, their strings (and hashes) the same for every file that has them
    (``export.insert._tei_names`` is looked up by the table)."""
    *table, end = str(kept, "utf-8").split("\0")
    if end:
        raise ValueError("tags do not fit")
    return tuple(table)


_SLOT = {name: i for i, name in enumerate(KEPT)}


class _Tags(Sequence[str]):
    """Each node's tag, as its code in the table of tags says."""

    __slots__ = ("_table", "_codes")

    def __init__(self, table: Sequence[str], codes: Column) -> None:
        self._table = table
        self._codes = codes

    @overload
    def __getitem__(self, node: int) -> str: ...

    @overload
    def __getitem__(self, nodes: slice) -> list[str]: ...

    def __getitem__(self, node: int | slice) -> str | list[str]:
        if isinstance(node, slice):
            return list(map(self._table.__getitem__, self._codes[node]))
        return self._table[self._codes[node]]

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[str]:
        return map(self._table.__getitem__, self._codes)


class _Kept(Mapping[str, dict[int, str]]):
    """The kept attributes as ``Elements.load`` read them: each name's elements and values
    decoded and made a dict when it is first read (an export reads a few of the names, not
    ``@type``'s thousands)."""

    __slots__ = ("_view", "_first", "_nodes_at", "_counts", "_widths", "_read", "_made")

    def __init__(self, view: memoryview, at: int, sizes: Sequence[int], nodes_at: int,
                 counts: Sequence[int], widths: str, read: _Read) -> None:
        if not len(sizes) == len(counts) == len(widths) == len(KEPT):
            raise ValueError(f"{len(counts)} kept attributes, not {len(KEPT)}")
        self._view = view
        # where each name's values start in the kept bytes (in ``KEPT`` order), and end
        self._first = list(accumulate(sizes, initial=at))
        # where each name's elements start (``columns``), how many, and their width
        self._nodes_at, self._counts, self._widths = nodes_at, counts, widths
        self._read = read  # ``columns`` or ``column_views``
        self._made: dict[str, dict[int, str]] = {}

    def __getitem__(self, name: str) -> dict[int, str]:
        made = self._made.get(name)
        if made is None:
            at = _SLOT[name]
            made = self._made[name] = dict(zip(*self._read_values(at))) \
                if self._counts[at] else {}
        return made

    def at_nodes(self, name: str, nodes: Sequence[int]) -> Iterable[str | None]:
        """``self[name].get`` of each of ``nodes``; for a few of its elements (a file's
        pointers an export looks at), found in its elements (in document order, as
        ``Elements.of`` kept them) without the dict of every one made."""
        made = self._made.get(name)
        if made is not None:
            return map(made.get, nodes)
        at = _SLOT[name]
        if not self._counts[at]:
            return repeat(None, len(nodes))
        if 4 * len(nodes) >= self._counts[at]:  # most of them (a file's dates): the dict
            return map(self[name].get, nodes)
        of, values = self._read_values(at)
        places = [bisect_left(of, node) for node in nodes]
        return [values[i] if i < len(of) and of[i] == node else None
                for i, node in zip(places, nodes)]

    def _read_values(self, at: int) -> tuple[Column, list[str]]:
        """The elements and values of ``KEPT[at]``; ValueError if they do not fit."""
        start = self._nodes_at + sum(map(mul, self._counts[:at],
                                         map(WIDTH.__getitem__, self._widths)))
        (of,), _ = self._read(self._view, start, self._counts[at:at + 1], self._widths[at])
        values = str(self._view[self._first[at]:self._first[at + 1]], "utf-8").split("\0")
        if values.pop() or len(values) != len(of):
            raise ValueError(f"the kept values of {KEPT[at]} do not fit")
        return of, values

    def __iter__(self) -> Iterator[str]:
        return iter(KEPT)

    def __len__(self) -> int:
        return len(KEPT)


SWAP = sys.byteorder != "little"
# an integer column: an array, or kept bytes viewed as one (``column_views``)
Column: TypeAlias = "array[int] | memoryview"
# ``columns`` or ``column_views``: kept columns of these sizes and widths from there
_Read: TypeAlias = "Callable[[memoryview, int, Sequence[int], str], tuple[Sequence[Column], int]]"
# a column whose numbers all fit in 32 bits is kept in 4 bytes a number, else in 8: a kept map
# is a third smaller (an export reads every source's)
NARROW = "i" if array("i").itemsize == 4 else "q"
WIDTH = {code: array(code).itemsize for code in (NARROW, "q")}  # a kept column's bytes a number


def narrowed(values: Column) -> array[int]:
    """A column in the narrowest kept width its numbers fit (``NARROW``, else 64-bit)."""
    if isinstance(values, memoryview):  # a kept map's, viewed
        values = array("q", values)
    if NARROW == "q" or (values and not -2**31 <= min(values) <= max(values) < 2**31):
        return values if values.typecode == "q" else array("q", values)
    return values if values.typecode == NARROW else array(NARROW, values)


def all_below(values: Column, bound: int) -> bool:
    """Whether every number of a column is in [0, ``bound``): for a bound of a byte (a
    file's tags, a map's kinds of annotations) told from its bytes, each number's lowest
    below it and its others nought, not an int made of each (an export's load checks two
    columns of every file's map)."""
    if SWAP or bound > 256:  # the bytes say less: the numbers compared
        return not values or 0 <= min(values) and max(values) < bound
    raw = values.tobytes()
    low = raw[::values.itemsize]
    return not low.translate(None, bytes(range(bound))) and \
        raw.count(0) == len(raw) - len(low) + low.count(0)


def little(values: array[int]) -> array[int]:
    """A column as kept: little-endian whatever the machine."""
    if SWAP:  # pragma: no cover - no big-endian machine in CI
        values = array(values.typecode, values)
        values.byteswap()
    return values


def kept_columns(values: Sequence[Column]) -> tuple[str, bytes]:
    """Columns as kept (``narrowed``, ``little``): the width of each, one letter a column,
    for the head, and their bytes one after the other, which ``columns`` reads."""
    kept = [narrowed(c) for c in values]
    return "".join(c.typecode for c in kept), b"".join(little(c).tobytes() for c in kept)


def columns(view: memoryview, at: int, sizes: Iterable[int], widths: str | None = None
            ) -> tuple[list[array[int]], int]:
    """Kept columns (``little``) of these sizes, one after the other from ``at``, as this
    machine's integers, and where they end; ``widths``: each one's typecode
    (``kept_columns``), 64-bit for all when None; ValueError if the bytes are cut."""
    sizes = list(sizes)
    codes = widths or "q" * len(sizes)
    if len(codes) != len(sizes):
        raise ValueError(f"{len(sizes)} columns, {len(codes)} widths")
    out: list[array[int]] = []
    first = 0
    while first < len(sizes):  # each run of columns of one width read at once, then cut
        code = codes[first]
        last = first + 1
        while last < len(sizes) and codes[last] == code:
            last += 1
        run = array(code)
        end = at + run.itemsize * sum(sizes[first:last])
        run.frombytes(view[at:end])
        if SWAP:  # pragma: no cover
            run.byteswap()
        if last == first + 1:
            out.append(run)
        else:
            bounds = [0, *accumulate(sizes[first:last])]
            out.extend(run[a:b] for a, b in zip(bounds, bounds[1:]))
        at, first = end, last
    return out, at


def column_views(view: memoryview, at: int, sizes: Iterable[int], widths: str
                 ) -> tuple[list[Column], int]:
    """``columns``, viewed where the bytes hold them (``view``'s, which must not change), not
    copied: no array made per column (an export's load of a kept map, which reads a few of
    each column's numbers). Only on a little-endian machine (``SWAP``: ``columns``)."""
    out: list[Column] = []
    for size, code in zip(sizes, widths, strict=True):
        end = at + size * WIDTH[code]
        out.append(view[at:end].cast("i" if code == "i" else "q"))  # as ``WIDTH`` has them
        at = end
    return out, at


def column_reader(viewed: bool) -> _Read:
    """How kept columns are read: viewed where the bytes hold them (``column_views``) for
    an export, when this machine reads them as kept; else copied (``columns``)."""
    return column_views if viewed and not SWAP else columns
