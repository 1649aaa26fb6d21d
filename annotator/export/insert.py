"""Putting new markup into a source's characters, leaving every other character as it was.

An export is the source file with tags inserted: nothing is re-serialised, so attribute order,
quotes, character references, comments, whitespace and line endings stay byte for byte. This
module owns *where* a tag can go:

* ``SourceIndex`` knows every tag of the file (where it starts and ends, which element is open
  at any position) and, through the ``TextMap``, which file characters each reading character
  came from;
* ``place`` finds, for a reading span, the file positions of a start and an end tag that are
  siblings (so the result is well-formed) and swallow no block (so it stays valid). Between two
  reading characters there may be markup that is not read (``<abbr>``, ``<del>``, comments,
  ``<lb/>``): the tags go at the outermost level that takes phrase content, so a ``<choice>`` of
  ``Dr.``/``Doctor`` is wrapped whole. A span that crosses element or block boundaries becomes
  pieces, one per level, which the caller joins with ``@next``/``@prev``;
* ``nest`` makes the pieces of many spans nest (a claim crossing a name is cut at the name,
  never the name), and ``splice`` puts the strings into the text.

Positions are indices into the decoded source text (``ParsedSource.text``); encoded back in the
source's own encoding (``ParsedSource.encode``: UTF-8, UTF-16, ISO-8859-1...), the characters
between insertions are the source's own bytes (``spliced`` cuts a UTF-8 file's bytes at once).

DOCS: docs/export.md#how-tags-are-placed
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt
from lxml import etree

from annotator.tei.elements import Column, Elements
from annotator.tei.schema_table import CONTENT, HOSTS
from annotator.tei.parse import TEI_NS, ParsedSource, encoded
from annotator.tei.textmap import (CDATA, COPY, EMPTY, END, GEN, OTHER, ROLES, START, ByNode,
                                   KeptColumns, TextMap, ints)
from annotator.text import trim

_TEI = f"{{{TEI_NS}}}"
_BLOCK = ROLES.index("block")


@dataclass(slots=True)
class SourceIndex:
    """Every tag of a source file, and which element is open at any character position.

    What it says of elements comes from the text map's ``Elements``: the file is parsed
    (``tree``) only for what those do not hold, an element's content (``nodes``)."""

    text: str  # the file's characters
    tm: TextMap
    els: Elements
    tree: Callable[[], etree._Element]  # the file's root element, parsed when first asked
    tok_start: Column = field(default_factory=ints)
    tok_end: Column = field(default_factory=ints)
    tok_kind: Column = field(default_factory=ints)
    tok_node: Column = field(default_factory=ints)  # element of a tag token, else -1
    tok_after: Column = field(default_factory=ints)  # innermost open element after it
    node_open: ByNode = field(default_factory=ByNode)  # element -> its start-tag token
    node_close: ByNode = field(default_factory=ByNode)  # element -> its end-tag token
    node_depth: ByNode = field(default_factory=ByNode)
    _names: dict[int, str | None] = field(default_factory=dict)
    _nodes: list[etree._Element] | None = None
    _cols: FileColumns | None = None
    _tok_block: npt.NDArray[np.bool_] | None = None
    _node_names: tuple[Ints, tuple[str | None, ...]] | None = None
    _ns_scope: Ints | None = None

    @property
    def nodes(self) -> list[etree._Element]:
        """The lxml nodes, numbered as the map numbers them (the file is parsed now)."""
        if self._nodes is None:
            self._nodes = list(self.tree().iter())
        return self._nodes

    def warm(self) -> None:
        """Make now the columns placing many spans reads (an export, as it reads each file,
        before its group's spans are placed)."""
        _ = (self.cols, self.tok_block, self.node_names, self.ns_scope)

    @property
    def cols(self) -> FileColumns:
        """The token and segment lists as arrays, for placing many spans at once."""
        if self._cols is None and self.tm.kept is not None:
            # viewed where the kept map's bytes hold them, with what it holds ready
            tok, seg, gens, block, codes, scope = _kept_views(self.tm.kept, _VIEWED)
            self._cols = FileColumns(tok, seg, gens)
            self._tok_block = block != 0
            self._node_names = (codes, _tei_names(tuple(self.els.table)))
            self._ns_scope = scope
        if self._cols is None:
            kind = _view(self.tm.kind)
            self._cols = FileColumns(
                np.stack([_view(c) for c in (self.tok_start, self.tok_end, self.tok_kind,
                                             self.tok_node, self.tok_after)]),
                np.stack([_view(self.tm.r_start), _view(self.tm.s_start),
                          _view(self.tm.s_end), kind]),
                np.cumsum(kind == GEN))
        return self._cols

    @property
    def tok_block(self) -> npt.NDArray[np.bool_]:
        """Which tokens are tags of block elements (the node -1, outside the root, is one)."""
        if self._tok_block is None:
            block = np.append(_view(self.tm.roles) == _BLOCK, True)
            # START, END and EMPTY are the kinds of tags (textmap numbers them first)
            cols = self.cols.named()
            self._tok_block = (cols.tok_kind <= EMPTY) & block[cols.tok_node]
        return self._tok_block

    @property
    def node_names(self) -> tuple[Ints, tuple[str | None, ...]]:
        """``tei_name`` of every node (and of -1, at the end) as an index into names."""
        if self._node_names is None:  # a name per tag, not per node: 8k nodes have a dozen
            table = self.els.table
            self._node_names = (np.append(_view(self.els.codes), len(table)),
                                _tei_names(tuple(table)))
        return self._node_names

    @property
    def ns_scope(self) -> Ints:
        """For every node (and -1, at the end), the nearest element at or above it where the
        namespaces in force change (``Elements.scope``): below it, its names are in force."""
        if self._ns_scope is None:
            self._ns_scope = np.append(_view(self.els.scope), -1)
        return self._ns_scope

    def parent_at(self, pos: int) -> int | None:
        """The innermost element open at ``pos`` (-1 outside the root), None inside a token."""
        j = bisect_right(self.tok_end, pos)
        if j < len(self.tok_start) and self.tok_start[j] < pos:
            return None
        return self.tok_after[j - 1] if j else -1

    def role(self, node: int) -> str:
        return ROLES[self.tm.roles[node]] if node >= 0 else "block"

    def local(self, node: int) -> str:
        return self.els.tags[node].rpartition("}")[2] if node >= 0 else ""

    def tei_name(self, node: int) -> str | None:
        """Local name of a TEI element, None for anything else."""
        if node in self._names:
            return self._names[node]
        name = self._names[node] = _tei_local(self.els.tags[node] if node >= 0 else None)
        return name

    def hosts(self, node: int, tag: str) -> bool:
        """Whether TEI lets element ``node`` contain a new ``tag``."""
        return self.tei_name(node) in HOSTS[tag]

    def children_between(self, node: int, ps: int, pe: int) -> list[int]:
        """Child elements of ``node`` whose start tags lie in [ps, pe)."""
        depth = self.node_depth[node] + 1 if node >= 0 else 0
        out = []
        k = bisect_left(self.tok_start, ps)
        while k < len(self.tok_start) and self.tok_start[k] < pe:
            if self.tok_kind[k] in (START, EMPTY) and self.node_depth[self.tok_node[k]] == depth:
                out.append(self.tok_node[k])
            k += 1
        return out

    def element_range(self, node: int) -> tuple[int, int, int, int]:
        """File positions of an element: start tag [a, b), end tag [c, d) (c == b == d if empty)."""
        o = self.node_open[node]
        c = self.node_close[node]
        if c == o:
            return self.tok_start[o], self.tok_end[o], self.tok_end[o], self.tok_end[o]
        return self.tok_start[o], self.tok_end[o], self.tok_start[c], self.tok_end[c]


Ints = npt.NDArray[np.int64]


def _view(column: Column) -> Ints:
    """A map's column as a numpy array, without copying: the map's own, so never written."""
    # 32-bit when the map was loaded with narrow columns (``tei.elements.kept_columns``):
    # the same numbers, which numpy widens where they meet 64-bit ones
    view = np.frombuffer(column, dtype=np.int32 if column.itemsize == 4 else np.int64)
    view.flags.writeable = False
    return cast(Ints, view)


def _kept_views(kept: KeptColumns, wanted: tuple[tuple[int, int], ...]) -> list[Ints]:
    """A kept map's columns (``TextMap.kept``) from first to past last of each of ``wanted``
    as numpy arrays viewing its bytes, read-only as bytes are: a column's 1-D, several
    (of one size) 2-D, a row each, so a group joins them in one copy a file, not one a
    column. Stacked (copied) where a column of them is kept in other bytes a number."""
    bounds = [0, *accumulate(kept.sizes)]
    runs = _runs(kept.widths)
    if len(runs) == 1:  # one width (32-bit, as most maps keep all): one view, cut
        run = np.frombuffer(kept.blob, runs[0][2], bounds[-1], kept.at)
        return [run[bounds[a]:bounds[b]] if b == a + 1 else
                run[bounds[a]:bounds[b]].reshape(b - a, -1) for a, b in wanted]
    cols: dict[int, Ints] = {}
    at = kept.at
    for first, last, dtype in runs:
        run = np.frombuffer(kept.blob, dtype, bounds[last] - bounds[first], at)
        cols.update((n, run[bounds[n] - bounds[first]:bounds[n + 1] - bounds[first]])
                    for n in range(first, last))
        at += run.nbytes
    return [cols[a] if b == a + 1 else np.stack([cols[n] for n in range(a, b)])
            for a, b in wanted]


@lru_cache(maxsize=64)  # an edition's maps have a few layouts of widths between them
def _runs(widths: str) -> tuple[tuple[int, int, str], ...]:
    """The runs of kept columns of one width (``tei.elements.kept_columns``): first, past the
    last and their numpy type; found once a layout, not per map."""
    runs = []
    first = 0
    while first < len(widths):
        last = first + 1
        while last < len(widths) and widths[last] == widths[first]:
            last += 1
        runs.append((first, last, "<i4" if widths[first] == "i" else "<i8"))
        first = last
    return tuple(runs)


# what ``SourceIndex.cols`` views of a kept map (first column, past the last): of its 17
# columns (``textmap_pack.dump``), the tokens' start, end, kind, node and after (one 2-D
# view), r_start, s_start, s_end and kind (another); of ``READY``, each of the four
_VIEWED = ((8, 13), (0, 4), (17, 18), (18, 19), (19, 20), (20, 21))


@lru_cache(maxsize=256)  # an edition's files have a few tables of tags between them
def _tei_names(table: tuple[str, ...]) -> tuple[str | None, ...]:
    """``_tei_local`` of each tag of a table of tags, and None (of the node -1) after them."""
    return (*map(_tei_local, table), None)


@cache  # an edition has a few dozen tags, which every file's index names again
def _tei_local(tag: str | None) -> str | None:
    """The local name of a TEI element's tag, None for any other node."""
    if isinstance(tag, str) and tag.startswith(_TEI):
        return tag[len(_TEI):]
    return None


@dataclass(frozen=True, slots=True)
class Columns:
    """``SourceIndex`` tokens and ``TextMap`` segments as arrays."""

    tok_start: Ints
    tok_end: Ints
    tok_after: Ints
    tok_kind: Ints
    tok_node: Ints  # element of a tag token, else -1
    r_start: Ints
    s_start: Ints
    s_end: Ints
    kind: Ints
    gens: Ints  # generated segments up to and including each segment

    @classmethod
    def of_rows(cls, tok: Ints, seg: Ints, gens: Ints) -> Columns:
        """The rows of ``FileColumns``' blocks (a file's, or a group's joined), by name."""
        return cls(tok_start=tok[0], tok_end=tok[1], tok_kind=tok[2], tok_node=tok[3],
                   tok_after=tok[4], r_start=seg[0], s_start=seg[1], s_end=seg[2],
                   kind=seg[3], gens=gens)


class FileColumns(NamedTuple):
    """A file's ``Columns`` as ``SourceIndex.cols`` holds them for ``_joined``: a row a column,
    so a group joins each block of them in one copy a file."""

    tok: Ints  # tok_start, tok_end, tok_kind, tok_node, tok_after
    seg: Ints  # r_start, s_start, s_end, kind
    gens: Ints

    def named(self) -> Columns:
        """Each column by its name (a row: a view); ``_joined`` reads the blocks."""
        return Columns.of_rows(self.tok, self.seg, self.gens)


def index_source(parsed: ParsedSource, tm: TextMap) -> SourceIndex:
    """The tags of a parsed source, as the text map's scan found them."""
    return index_file(tm, lambda: parsed.root)


def index_file(tm: TextMap, tree: Callable[[], etree._Element]) -> SourceIndex:
    """The tags of the file of ``tm`` (its ``source_text``), as the text map's scan found
    them; ``tree``: its root element, asked for only when an element's content is read."""
    mk = tm.markup
    return SourceIndex(text=tm.source_text, tm=tm, els=tm.elements(), tree=tree,
                       tok_start=mk.start, tok_end=mk.end, tok_kind=mk.kind, tok_node=mk.node,
                       tok_after=mk.after, node_open=mk.node_open, node_close=mk.node_close,
                       node_depth=mk.node_depth)


# -- placing one span -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Piece:
    """What one start/end tag pair wraps: reading [rs, re), file [ps, pe), inside ``parent``."""

    rs: int
    re: int
    ps: int
    pe: int
    parent: int
    tag: str = "seg"
    owner: int = -1  # which span it belongs to
    rank: int = 0  # lower ranks are cut first when two spans cross
    inner: bool = False  # placed at the innermost level (after a conflict)


def _is_gen(tm: TextMap, i: int) -> bool:
    return tm.kind[bisect_right(tm.r_start, i) - 1] == GEN


def _gap_start(ix: SourceIndex, s: int) -> dict[int, int]:
    """Where a start tag for reading char ``s`` may go: {open element: latest position}."""
    tm = ix.tm
    hi = tm.char_source(s)[0]
    i = s - 1
    while i >= 0 and _is_gen(tm, i):
        i -= 1
    lo = tm.char_source(i)[1] if i >= 0 else 0
    out: dict[int, int] = {}
    par = ix.parent_at(hi)
    if par is None:
        return out
    out[par] = hi
    k = bisect_right(ix.tok_end, hi) - 1  # last token ending at or before hi
    while k >= 0 and ix.tok_start[k] >= lo:
        kind = ix.tok_kind[k]
        if kind == CDATA:
            break
        if kind != OTHER and ix.role(ix.tok_node[k]) == "block":
            break
        par = ix.tok_after[k - 1] if k else -1
        out.setdefault(par, ix.tok_start[k])
        k -= 1
    return out


def _gap_end(ix: SourceIndex, e: int) -> dict[int, int]:
    """Where an end tag after reading char ``e - 1`` may go: {open element: earliest position}."""
    tm = ix.tm
    lo = tm.char_source(e - 1)[1]
    j = e
    n = len(tm.text)
    while j < n and _is_gen(tm, j):
        j += 1
    hi = tm.char_source(j)[0] if j < n else len(ix.text)
    out: dict[int, int] = {}
    par = ix.parent_at(lo)
    if par is None:
        return out
    out[par] = lo
    k = bisect_left(ix.tok_start, lo)  # first token starting at or after lo
    while k < len(ix.tok_start) and ix.tok_end[k] <= hi:
        kind = ix.tok_kind[k]
        if kind == CDATA:
            break
        if kind != OTHER and ix.role(ix.tok_node[k]) == "block":
            break
        out.setdefault(ix.tok_after[k], ix.tok_end[k])
        k += 1
    return out


def _place_one(ix: SourceIndex, s: int, e: int, tag: str, *, inner: bool,
               within: int | None = None) -> Piece | None:
    """One ``tag`` pair around reading [s, e) that TEI allows, outermost first (inside
    element ``within`` only, when given), or None."""
    quick = _place_within_text(ix, s, e, tag)
    if quick is not None and within in (None, quick.parent):
        return quick
    starts = _gap_start(ix, s)
    ends = _gap_end(ix, e)
    innermost = None  # asked only of a place at the innermost level
    if inner:
        tm = ix.tm
        innermost = ix.parent_at(tm.char_source(s)[0])
        if innermost != ix.parent_at(tm.char_source(e - 1)[1]):
            innermost = None
    common = sorted((n for n in starts if n in ends and starts[n] < ends[n]),
                    key=lambda n: ix.node_depth.get(n, -1))
    allowed = CONTENT[tag]
    for node in common:
        if (inner and node != innermost) or (within is not None and node != within):
            continue
        if not ix.hosts(node, tag):
            continue
        ps, pe = starts[node], ends[node]
        if all(ix.tei_name(c) in allowed for c in ix.children_between(node, ps, pe)):
            return Piece(s, e, ps, pe, node, tag, inner=inner)
    return None


def _place_within_text(ix: SourceIndex, s: int, e: int, tag: str) -> Piece | None:
    """The common case, without walking gaps: no tag inside the span and its neighbours
    touching it in the file, so the element holding its text is the only place for a tag."""
    tm = ix.tm
    ps0 = tm.char_source(s)[0]
    pe0 = tm.char_source(e - 1)[1]
    k = bisect_right(ix.tok_end, ps0)
    if k < len(ix.tok_start) and ix.tok_start[k] <= pe0:
        return None  # a tag inside or right after the span
    if s > 0 and (_is_gen(tm, s - 1) or tm.char_source(s - 1)[1] != ps0):
        return None
    if e < len(tm.text) and (_is_gen(tm, e) or tm.char_source(e)[0] != pe0):
        return None
    parent = ix.tok_after[k - 1] if k else -1
    if k and ix.tok_end[k - 1] == ps0:
        return None  # a tag right before the span
    if not ix.hosts(parent, tag):
        return None
    return Piece(s, e, ps0, pe0, parent, tag)


def _source_at(c: Columns, offsets: Ints, seg: Ints, *, end: bool = False
               ) -> tuple[Ints, Ints]:
    """``TextMap.char_source``'s start (``end``: its end) and the kind of the segment ``seg``
    of many reading offsets at once (``_last_at``): a copied character's own, else its
    segment's."""
    kind, first = c.kind[seg], c.s_start[seg]
    copy = kind == COPY
    at = first + offsets - c.r_start[seg]
    return (np.where(copy, at + 1, c.s_end[seg]) if end else np.where(copy, at, first)), kind


def _last_at(starts: Ints, values: Ints, near: Ints) -> Ints:
    """For each value, the last index whose start is at or before it (``starts.searchsorted(
    values, "right") - 1``, -1 for none), ``near`` the one it most often is: searched for
    only where it is not (a search costs more than the tests). Segments and tokens are not
    empty, so a guess next to a known one (the segment of a span's first character for its
    last, the token after its start for its end) is most often right."""
    last = len(starts) - 1
    wrong = (starts[near] > values) | (near < last) & (starts[np.minimum(near + 1, last)]
                                                       <= values)
    if wrong.any():
        near = near.copy()
        near[wrong] = starts.searchsorted(values[wrong], side="right") - 1
    return near


_SPACE = re.compile(r"\s")  # what str.isspace() finds, as _trim does

Placed = tuple[npt.NDArray[np.bool_], Ints, Ints, Ints]
# a file's spans to place: its index, starts, ends, tags (as indices into the names)
SimpleJob = tuple["SourceIndex", Ints, Ints, Ints, Sequence[str]]


def place_simple(ix: SourceIndex, starts: Ints, ends: Ints, tags: Ints, names: Sequence[str]
                 ) -> Placed:
    """``place_many`` of one file."""
    return place_many([(ix, starts, ends, tags, names)])[0]


class _Joined(NamedTuple):
    """Many files' ``Columns`` end to end: each file's reading offsets, file positions,
    tokens, segments and elements numbered after the files before it (one position apart, so
    no span's neighbour is another file's), its names of elements and of tags in one list;
    and for each span, the bounds of its file's of each."""

    c: Columns  # its ``gens`` counted in each file: compared only within one file
    texts: list[str]  # each file's reading text (not joined: a few of its characters read)
    spans_at: list[int]  # where each file's spans begin, and where the last's end
    tok_block: npt.NDArray[np.bool_]
    node_name: Ints  # of every element, then of -1 (none)
    node_names: list[str | None]
    tags: Ints  # of every span, in ``names``
    names: list[str]
    r0: Ints  # reading text: first offset, and past its last
    r1: Ints
    f0: Ints  # file characters
    f1: Ints
    t0: Ints  # tokens
    t1: Ints
    g1: Ints  # past the file's last segment


def _joined(jobs: Sequence[SimpleJob]) -> tuple[_Joined, Ints, Ints, Ints, Ints]:
    """The files of ``jobs`` end to end, and the spans' starts and ends in it; with the file
    position and element each span's numbers are counted from. (A few calls a block of
    columns, not a few a file: numpy's cost is per call.)"""
    ixs = [job[0] for job in jobs]
    cols = [ix.cols for ix in ixs]
    n_tok = np.array([c.tok.shape[1] for c in cols], np.int64)
    n_seg = np.array([c.seg.shape[1] for c in cols], np.int64)
    n_read = np.array([len(ix.tm.text) for ix in ixs], np.int64)
    n_file = np.array([len(ix.text) for ix in ixs], np.int64)
    n_node = np.array([len(ix.node_names[0]) - 1 for ix in ixs], np.int64)
    sizes = np.array([len(job[1]) for job in jobs], np.int64)

    def firsts(counts: Ints) -> Ints:
        return np.cumsum(counts) - counts

    r_at, f_at, t_at = firsts(n_read + 1), firsts(n_file + 1), firsts(n_tok)
    n_at, g_at = firsts(n_node), firsts(n_seg)

    # each file's numbers after the files' before it (a shift per token or segment), 32-bit
    # where the group's numbers fit: fewer bytes made and added
    narrow = np.int32 if max(r_at[-1] + n_read[-1], f_at[-1] + n_file[-1],
                             n_at[-1] + n_node[-1]) < 2**30 else np.int64
    f_at_n = f_at.astype(narrow)
    # the files' token columns, then their segment columns, joined in one block: a copy a
    # file of each (``FileColumns``), not one a column; one allocation, not nine, of a
    # group's largest arrays: once freed, glibc keeps a block that size in its heap (its
    # mmap threshold follows the largest freed), so exports one after another fault fewer
    # fresh pages in (b1's: 370 here, 17 since; with lxml's work between them, as the bench
    # runs, fewer or as many: the heap's state decides)
    n_t, n_s = int(t_at[-1] + n_tok[-1]), int(g_at[-1] + n_seg[-1])
    block = np.empty(5 * n_t + 4 * n_s, np.int64)
    tok, seg = block[:5 * n_t].reshape(5, n_t), block[5 * n_t:].reshape(4, n_s)
    np.concatenate([c.tok for c in cols], axis=1, out=tok)
    np.concatenate([c.seg for c in cols], axis=1, out=seg)
    tok[:2] += np.repeat(f_at_n, n_tok)  # start, end: file positions
    node = tok[3:]  # node, after: elements (-1, none, stays)
    np.add(node, np.repeat(n_at.astype(narrow), n_tok), out=node, where=node >= 0)
    seg[0] += np.repeat(r_at.astype(narrow), n_seg)  # reading offsets
    seg[1:3] += np.repeat(f_at_n, n_seg)  # file positions
    # each file's count of generated segments, not shifted: compared only within one span
    c = Columns.of_rows(tok, seg, np.concatenate([f.gens for f in cols]))
    # names of elements and of tags: the files' lists end to end, each list once (files of
    # one table of tags share its names, ``_tei_names``; most share their tags' names), a
    # file's numbers after the lists' before its own: a pair of names in many files is
    # tested once (a name in many lists is tested once a list: cheaper than one list)
    node_names: list[str | None] = []
    names: list[str] = []
    node_at: dict[int, int] = {}  # a list of names (by identity: cached) -> where it begins
    tag_at: dict[tuple[str, ...], int] = {}
    node_first, tag_first = [], []
    for ix, job in zip(ixs, jobs):
        listed = ix.node_names[1]
        at = node_at.get(id(listed))
        if at is None:
            at = node_at[id(listed)] = len(node_names)
            node_names.extend(listed)
        node_first.append(at)
        tag_list = tuple(job[4])
        at = tag_at.get(tag_list)
        if at is None:
            at = tag_at[tag_list] = len(names)
            names.extend(tag_list)
        tag_first.append(at)
    node_names.append(None)
    # each element's name, then -1's (none), made where they end up, not appended to a copy
    node_name = np.empty(int(n_node.sum()) + 1, np.int64)
    np.concatenate([ix.node_names[0][:-1] for ix in ixs], out=node_name[:-1])
    node_name[:-1] += np.repeat(np.array(node_first, narrow), n_node)
    node_name[-1] = len(node_names) - 1
    tags = np.concatenate([job[3] for job in jobs]).astype(np.int64) + np.repeat(
        np.array(tag_first, np.int64), sizes)
    each = np.repeat(np.arange(len(ixs)), sizes)
    r0, f0 = r_at[each], f_at[each]
    j = _Joined(c=c, texts=[ix.tm.text for ix in ixs],
                spans_at=np.cumsum([0, *sizes]).tolist(),
                # a token of no element is a block's (the -1 slot of each file's): as it was
                tok_block=np.concatenate([ix.tok_block for ix in ixs]),
                node_name=node_name, node_names=node_names,
                tags=tags, names=names,
                r0=r0, r1=r0 + n_read[each], f0=f0, f1=f0 + n_file[each], t0=t_at[each],
                t1=(t_at + n_tok)[each], g1=(g_at + n_seg)[each])
    starts = np.concatenate([job[1] for job in jobs]).astype(np.int64) + r0
    ends = np.concatenate([job[2] for job in jobs]).astype(np.int64) + r0
    return j, starts, ends, f0, n_at[each]


def place_many(jobs: Sequence[SimpleJob]) -> list[Placed]:
    """``place`` for the spans of many files at once (span i of a job in a
    ``names[tags[i]]``), where the answer is plain: numpy's cost is per call, not per span,
    so an export places every file's spans together, their columns end to end.

    Plain: no markup inside the span, and on one side at least either text or markup that
    ends the search for a wider place (a block's tags, CDATA), so the element holding the
    span's text is the only place for a tag that both sides share, as ``_place_one`` would
    find. Or one level more: the span is the whole content of an inline element (``<head>
    <supplied>June 1824</supplied></head>``), or of a chain of them each the whole content of
    the next (``(<q><foreign>...</foreign></q>)``), their start and end tags the only markup
    between the span and its neighbours on one side at least, so the places both sides share
    are the outermost's parent, around it (taken when it may hold the tag and the tag that
    element), and the element itself. Or one level more on one side, the other plain:
    the span starts right after an inline element's start tag and ends in its parent (a claim
    from a name on), or ends right before its end tag, so the parent is the one place both
    sides share, the element's tag inside the new one. Returns for each file a mask of the
    spans placed and, for those, the file positions of their start and end tags and the
    element holding them. The others (whitespace at an edge, deeper or other inline markup
    next to the span, a parent that may not hold the tag) go to ``place``, one by one.
    """
    out: list[Placed] = []
    at = 0
    ok, ps, pe, parent = place_group(jobs)[0]
    for job in jobs:
        b = at + len(job[1])
        out.append((ok[at:b], ps[at:b], pe[at:b], parent[at:b]))
        at = b
    return out


def place_group(jobs: Sequence[SimpleJob]) -> tuple[Placed, Halves]:
    """``place_many``'s answers end to end, each job's rows after those before it: an
    export keeps its group's columns joined (numpy's cost is per call, not per file). And
    of the spans it leaves, those ``place`` would cut in two at the edge of two elements,
    in halves (``_halves``; rows of the group, each file's positions)."""
    sizes = [len(job[1]) for job in jobs]
    total = sum(sizes)
    # the jobs with spans in a file with text (and so tags)
    placing = [n for n, (ix, starts, _, _, _) in enumerate(jobs)
               if len(ix.tm.text) and len(starts) and len(ix.tok_start)]
    if len(placing) < len(jobs) or not jobs:  # nothing to place in, or nothing to place
        ok = np.zeros(total, dtype=bool)
        ps = np.concatenate([job[1] for job in jobs]).astype(np.int64) if total else \
            np.zeros(0, np.int64)
        pe = np.concatenate([job[2] for job in jobs]).astype(np.int64) if total else ps
        parent = ps.copy()
        none = np.zeros(0, np.int64)
        if not placing:
            return (ok, ps, pe, parent), Halves(none, none, none, none, none, none)
        firsts = np.cumsum([0, *sizes]).tolist()
        rows = np.concatenate([np.arange(firsts[n], firsts[n + 1]) for n in placing])
        got, halves = place_group([jobs[n] for n in placing])
        for col, part in zip((ok, ps, pe, parent), got):
            col[rows] = part
        return (ok, ps, pe, parent), halves._replace(row=rows[halves.row])
    j, s, e, f0, n0 = _joined(jobs)
    # a span off its file's reading text is not placed: [0, 1) stands in for it
    ok_in = (s >= j.r0) & (s < e) & (e <= j.r1)
    if not ok_in.all():
        s, e = np.where(ok_in, s, j.r0), np.where(ok_in, e, j.r0 + 1)
    (ok, ps, pe, parent), h = _place_joined(j, s, e, ok_in)
    r0, f0h, n0h = j.r0[h.row], f0[h.row], n0[h.row]
    return (ok, ps - f0, pe - f0, np.where(parent >= 0, parent - n0, -1)), h._replace(
        rs=h.rs - r0, re=h.re - r0, ps=h.ps - f0h, pe=h.pe - f0h,
        parent=np.where(h.parent >= 0, h.parent - n0h, -1))


def _plain_edges(j: _Joined, s: Ints, e: Ints) -> npt.NDArray[np.bool_]:
    """Which spans neither start nor end with whitespace (``place`` trims it first): their
    first and last characters read from each file's text (joining the texts costs more)."""
    ok = np.ones(len(s), dtype=bool)
    firsts, lasts = (s - j.r0).tolist(), (e - 1 - j.r0).tolist()
    at = j.spans_at
    chars = "".join([*("".join(itemgetter(*firsts[a:b])(text))
                       for text, a, b in zip(j.texts, at, at[1:]) if a < b),
                     *("".join(itemgetter(*lasts[a:b])(text))
                       for text, a, b in zip(j.texts, at, at[1:]) if a < b)])
    ok[[m.start() % len(s) for m in _SPACE.finditer(chars)]] = False
    return ok


def _place_joined(j: _Joined, s: Ints, e: Ints, ok: npt.NDArray[np.bool_]
                  ) -> tuple[Placed, Halves]:
    """``place_group`` of the spans [s, e) of files end to end (``_joined``)."""
    c, tags, names = j.c, j.tags, j.names
    m = len(s)
    # the reading characters before and after the span (over a generated break), and the
    # file positions of all four: the segment of its first character searched for, those
    # of the others found next to it
    r_start = c.r_start
    seg_s = r_start.searchsorted(s, side="right") - 1
    seg_e = _last_at(r_start, e - 1, seg_s)  # most spans lie in one segment
    at_p, at_n = np.maximum(s - 1, j.r0), np.minimum(e, j.r1 - 1)
    seg_after = np.minimum(seg_e + 1, j.g1 - 1)
    seg_pn = _last_at(r_start, np.concatenate([at_p, at_n]), np.concatenate(
        [seg_s - (r_start[seg_s] > at_p),
         np.where(r_start[seg_after] <= at_n, seg_after, seg_e)]))
    seg_p, seg_n = seg_pn[:m], seg_pn[m:]
    gen = c.kind[seg_pn] == GEN
    if gen.any():  # over it: the segment before (after) it
        i_prev = np.where(gen[:m], r_start[seg_p] - 1, s - 1)
        i_next = np.where(gen[m:], r_start[np.minimum(seg_n + 1, j.g1 - 1)], e)
        at_p, at_n = np.maximum(i_prev, j.r0), np.minimum(i_next, j.r1 - 1)
        seg_pn = _last_at(r_start, np.concatenate([at_p, at_n]), np.concatenate(
            [np.where(gen[:m], np.maximum(seg_p - 1, 0), seg_p),
             np.where(gen[m:], np.minimum(seg_n + 1, j.g1 - 1), seg_n)]))
        seg_p, seg_n = seg_pn[:m], seg_pn[m:]
    else:  # no generated break next to any span
        i_prev, i_next = s - 1, e
    # where the span's first character and the one after it start in the file, where its
    # last and the one before it end
    src_s, kind_s = _source_at(c, np.concatenate([s, at_n]), np.concatenate([seg_s, seg_n]))
    src_e, kind_e = _source_at(c, np.concatenate([e - 1, at_p]), np.concatenate([seg_e, seg_p]),
                               end=True)
    ps0, pe0 = src_s[:m], src_e[:m]
    # no generated character in the span: nor a blank line, at which ``place`` would cut it
    # (the reading text has a line break only in a generated break between blocks: the
    # file's whitespace is read as one space, ``textmap._runs``)
    ok &= (kind_s[:m] != GEN) & (kind_e[:m] != GEN) & (
        c.gens[seg_s] == c.gens[seg_e])
    ok &= _plain_edges(j, s, e)
    k = c.tok_end.searchsorted(ps0, side="right")  # tokens before k end by ps0
    # tokens from k2 start at pe0 or later: most often k (no markup inside)
    k2 = _last_at(c.tok_start, pe0 - 1, np.maximum(k - 1, 0)) + 1
    jj = np.maximum(k - 1, j.t0)
    parent = np.where(k > j.t0, c.tok_after[jj], -1)
    last = np.maximum(k2 - 1, j.t0)
    parent_end = np.where(k2 > j.t0, c.tok_after[last], -1)
    ok &= (k2 <= k) | ((c.tok_start[np.minimum(k, j.t1 - 1)] > ps0) & (c.tok_end[last] < pe0))
    # before the span: back to the last reading character (over a generated break)
    lo = np.where(i_prev >= j.r0, src_e[m:], j.f0)
    before = (k == j.t0) | (c.tok_start[jj] < lo) | _stops(j, jj)
    # after it: on to the next reading character
    hi = np.where(i_next < j.r1, src_s[m:], j.f1)
    j2 = np.minimum(k2, j.t1 - 1)
    after = (k2 >= j.t1) | (c.tok_end[j2] > hi) | _stops(j, j2)
    # across the edge of two elements, no other markup inside nor next to it: no place for
    # the whole (``Haddenfield</addrLine> <addrLine>To``), ``place`` cuts it (``_halves``)
    edge = (ok & before & after & (k2 - k == 2)).nonzero()[0]
    edge = edge[(c.tok_kind[k[edge]] == END) & (c.tok_kind[k[edge] + 1] == START)]
    edge_at = (s[edge], e[edge], k[edge], parent[edge], parent_end[edge], ps0[edge], pe0[edge])
    # markup inside: the element open at both edges is open throughout, so what lies
    # between is whole elements, its children, each of which the new tag must be able to
    # hold (or the place is around the element, below); an edge in CDATA is in no element.
    # Or one level more on one side, the other plain: a span that starts right after an
    # inline element's start tag and ends in that element's parent (a claim from a name on),
    # whose start tag goes before the element's, the parent the one place both sides share;
    # or ends right before its end tag, having started in its parent (``_place_one``'s walk:
    # the element's own is no place the other side has). A few spans: looked at alone.
    first = k  # the first token inside the new tags
    rows = (ok & (parent != parent_end)).nonzero()[0]
    if len(rows):
        a, b, t0 = jj[rows], j2[rows], j.t0[rows]
        up_start = after[rows] & (k[rows] - 1 > t0) & (c.tok_kind[a] == START) & (
            c.tok_end[a] == ps0[rows]) & (c.tok_start[a] >= lo[rows]) & ~j.tok_block[a] & (
            c.tok_after[np.maximum(a - 1, t0)] == parent_end[rows])
        up_end = before[rows] & (k2[rows] < j.t1[rows]) & (c.tok_kind[b] == END) & (
            c.tok_start[b] == pe0[rows]) & (c.tok_end[b] <= hi[rows]) & ~j.tok_block[b] & (
            c.tok_after[b] == parent[rows])
        ok[rows[~(up_start | up_end)]] = False
        at, up = rows[up_start], rows[up_end]
        ps0[at], parent[at] = c.tok_start[jj[at]], parent_end[at]
        first = k.copy()
        first[at] = jj[at]
        pe0[up] = c.tok_end[j2[up]]
    refused = np.zeros(m, dtype=bool)  # a child inside the new tag may not hold
    inside = (ok & (k2 > first)).nonzero()[0]
    if len(inside):
        refused[inside[_children_refused(j, first[inside], k2[inside], parent[inside],
                                         tags[inside], j.t0[inside])]] = True
    # one plain side is enough: the other side's wider places are not shared
    wrapped = (ok & ~before & ~after).nonzero()[0]
    ok &= before | after
    width = len(names)
    ok &= ~refused & _each(j.node_name[parent] * width + tags,
                           lambda v: j.node_names[v // width] in HOSTS[names[v % width]])
    if len(wrapped):
        _place_around(j, wrapped, jj, j2, lo, hi, parent, refused, ok, ps0, pe0)
    left = ~ok[edge]
    return (ok, ps0, pe0, parent), _halves(j, edge[left], *(col[left] for col in edge_at))


class Halves(NamedTuple):
    """Spans ``place`` cuts in two at the edge of two elements, found at once (``_halves``):
    for each, its row among the group's spans, then the same for its second half; and each
    half's reading span, file positions of its tags and the element holding them."""

    row: Ints
    rs: Ints
    re: Ints
    ps: Ints
    pe: Ints
    parent: Ints


def _halves(j: _Joined, rows: Ints, s: Ints, e: Ints, tok: Ints, first: Ints, second: Ints,
            ps: Ints, pe: Ints) -> Halves:
    """Of spans [s, e) that no tag pair can wrap, crossing only the end tag of element
    ``first`` (token ``tok``) and the start tag of its sibling ``second`` after it, with no
    markup next to them, no whitespace at either edge and no generated character inside
    (``_place_joined``): those ``place`` cuts at the tags (``_structural_cuts``) into two
    halves, each placed in its element (a place both sides of it share, its other edge being
    the span's own), with only whitespace between them, and both elements may hold the tag.
    Each span's characters are looked at (a few spans an export, of a few words)."""
    if not len(rows):
        return Halves(rows, rows, rows, rows, rows, rows)
    c = j.c
    n = e - s
    at = np.cumsum(n) - n
    row = np.repeat(np.arange(len(rows)), n)
    r = np.arange(len(row)) - at[row] + s[row]  # each span's reading offsets
    seg = c.r_start.searchsorted(r, side="right") - 1
    copy = c.kind[seg] == COPY
    src = np.where(copy, c.s_start[seg] + r - c.r_start[seg], c.s_start[seg])
    chars = "".join([j.texts[bisect_right(j.spans_at, i) - 1][a:b] for i, a, b in zip(
        rows.tolist(), (s - j.r0[rows]).tolist(), (e - j.r0[rows]).tolist())])
    text = np.ones(len(r), dtype=bool)
    text[[m.start() for m in _SPACE.finditer(chars)]] = False
    # the first cut: at the first character at or after the end tag (``_offsets_at``); the
    # first half ends at its last text before it (``trim``); the second starts at the first
    # text after it, which must lie past the start tag: then the second cut, the first
    # character at or after that tag, is at or before it and only whitespace lies between
    # the cuts (trimmed to nothing: no piece)
    end_tag, none = c.tok_start[tok], 1 << 62
    cut1 = np.minimum.reduceat(np.where(src >= end_tag[row], r, none), at)
    end1 = np.maximum.reduceat(np.where(text & (r < cut1[row]), r, -1), at) + 1
    start2 = np.minimum.reduceat(np.where(text & (r >= cut1[row]), r, none), at)
    ok = start2 < e
    i1, i2 = end1 - 1 - s + at, np.minimum(start2 - s + at, len(r) - 1)
    pe1 = np.where(copy[i1], src[i1] + 1, c.s_end[seg[i1]])
    ps2 = src[i2]
    width = len(j.names)
    el, span = np.concatenate([first, second, rows, rows]).reshape(2, -1)  # both halves'
    ok &= (pe1 <= end_tag) & (ps2 >= c.tok_end[tok + 1]) & _each(
        j.node_name[el] * width + j.tags[span],
        lambda v: j.node_names[v // width] in HOSTS[j.names[v % width]]).reshape(2, -1).all(0)
    # the first halves, then the second: (2, 6, n) to (6, 2n) (a few calls, not a few a column)
    both = np.array([rows, s, end1, ps, pe1, first, rows, start2, e, ps2, pe, second])[:, ok]
    return Halves(*both.reshape(2, 6, -1).transpose(1, 0, 2).reshape(6, -1))


def _place_around(j: _Joined, rows: Ints, a_tok: Ints, b_tok: Ints, lo: Ints, hi: Ints,
                  parent: Ints, refused: npt.NDArray[np.bool_], ok: npt.NDArray[np.bool_],
                  ps: Ints, pe: Ints) -> None:
    """``place_many``'s spans ``rows`` with markup on both sides: those that are the whole
    content of their parent (tokens ``a_tok`` and ``b_tok`` its start and end tags), or of
    a chain of inline elements each the whole content of the next (``(<q><foreign>Menschliches
    Verstaendnis</foreign></q>)``), one side's search for a wider place ending right past the
    outermost's tag, are placed (set in ``ok``, ``ps``, ``pe``, ``parent``) as ``_place_one``
    would: around the outermost element whose parent may hold the tag and the tag the
    element, else inside the innermost when it may hold the tag. A few spans an export: one
    by one (numpy's cost is per call)."""
    c = j.c
    kind, node, start, end = c.tok_kind, c.tok_node, c.tok_start, c.tok_end

    def stops(tok: int) -> bool:
        return bool(kind[tok] == CDATA or j.tok_block[tok])

    def name(node: int) -> str | None:
        return j.node_names[int(j.node_name[node])]

    for i, a, b, p, before, after, first, end_tok in zip(
            rows.tolist(), a_tok[rows].tolist(), b_tok[rows].tolist(), parent[rows].tolist(),
            lo[rows].tolist(), hi[rows].tolist(), j.t0[rows].tolist(), j.t1[rows].tolist()):
        chain: list[tuple[int, int, int]] = []  # (element, start tag, end tag), inner first
        cur = p
        while kind[a] == START and node[a] == cur and kind[b] == END and node[b] == cur:
            chain.append((cur, a, b))
            if (a == first or start[a - 1] < before or stops(a - 1)
                    or b == end_tok - 1 or end[b + 1] > after or stops(b + 1)):
                break  # the searches share no wider place
            cur, a, b = int(c.tok_after[a - 1]), a - 1, b + 1
        else:
            continue  # markup of other kinds, or on one side only: place() decides
        tag = j.names[j.tags[i]]
        host = HOSTS[tag]
        for el, a, b in reversed(chain):  # around the outermost element it may go around
            grand = int(c.tok_after[a - 1]) if a > first else -1
            if name(grand) in host and name(el) in CONTENT[tag]:
                ok[i], ps[i], pe[i], parent[i] = True, start[a], end[b], grand
                break
        else:
            if not refused[i] and name(p) in host:
                ok[i] = True


def _children_refused(j: _Joined, first: Ints, stop: Ints, parent: Ints, tags: Ints,
                      t0: Ints) -> npt.NDArray[np.bool_]:
    """For spans holding tokens [first, stop) whole inside element ``parent`` (of a file
    whose tokens start at ``t0``): whether a child element among them may not go in the
    span's new tag (``_place_one`` looks for another place then). The elements a tag may
    not hold are found first, over every element starting among the tokens: most spans
    hold none, and only theirs are asked whether they are children."""
    c = j.c
    count = stop - first
    row = np.repeat(np.arange(len(first)), count)
    tok = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count) + first[row]
    kind = c.tok_kind[tok]
    starts = ((kind == START) | (kind == EMPTY)).nonzero()[0]
    tok, row = tok[starts], row[starts]
    width = len(j.names)
    refused = (~_each(j.node_name[c.tok_node[tok]] * width + tags[row],
                      lambda v: j.node_names[v // width] in CONTENT[j.names[v % width]])
               ).nonzero()[0]
    refused_rows = np.zeros(len(first), dtype=bool)
    if len(refused):
        tok, row = tok[refused], row[refused]
        above = np.where(tok > t0[row], c.tok_after[np.maximum(tok - 1, t0[row])], -1)
        refused_rows[row[above == parent[row]]] = True
    return refused_rows


def _stops(j: _Joined, toks: Ints) -> npt.NDArray[np.bool_]:
    """Which tokens end the search for a wider place for a tag: CDATA and a block's tags."""
    out: npt.NDArray[np.bool_] = (j.c.tok_kind[toks] == CDATA) | j.tok_block[toks]
    return out


def small_unique(values: Ints) -> tuple[Ints, Ints]:
    """``np.unique(values, return_inverse=True)`` for ids in a small range, by counting: no
    sort of every value (5 ms for 100k)."""
    if not len(values):
        return values, values
    lo = int(values.min())
    if lo == values.max():  # one value (one namespace scope: most files)
        return values[:1], np.zeros(len(values), np.int64)
    present = np.bincount(values - lo) > 0
    rank = np.cumsum(present) - 1
    return present.nonzero()[0] + lo, rank[values - lo]


def _each(values: Ints, test: Callable[[int], bool]) -> npt.NDArray[np.bool_]:
    """``test`` of every value (not negative: ids of names), asked once per value."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    top = int(values.max())
    if top > 8 * len(values) + 1024:  # few values far apart (many files' names): sorted
        uniq, inverse = np.unique(values, return_inverse=True)
        return np.array([test(v) for v in uniq.tolist()], dtype=bool)[inverse.reshape(-1)]
    table = np.zeros(top + 1, dtype=bool)
    for v in np.bincount(values).nonzero()[0].tolist():
        table[v] = test(v)
    return table[values]


def _child_cuts(ix: SourceIndex, s: int, e: int, tag: str) -> list[int]:
    """Reading offsets around the children a new ``tag`` may not hold (a ``<list>`` in a name)."""
    tm = ix.tm
    ps0 = tm.char_source(s)[0]
    pe0 = tm.char_source(e - 1)[1]
    node = ix.parent_at(ps0)
    if node is None or node != ix.parent_at(pe0):
        return []
    edges: list[int] = []
    for child in ix.children_between(node, ps0, pe0):
        if ix.tei_name(child) not in CONTENT[tag]:
            a, _, _, d = ix.element_range(child)
            edges.extend((a, d))
    return _offsets_at(ix, s, e, sorted(edges))


def _offsets_at(ix: SourceIndex, s: int, e: int, positions: list[int]) -> list[int]:
    """Reading offsets in (s, e) of the first reading character at or after each file position.
    (Not generated, its ``char_source`` start at the position or after: found a segment at a
    time, where a copied one's characters follow the file's one for one.)"""
    tm = ix.tm
    r_start, kinds, s_start, n = tm.r_start, tm.kind, tm.s_start, len(tm.r_start)
    out: list[int] = []
    r = s
    for pos in positions:
        while r < e:
            seg = bisect_right(r_start, r) - 1
            kind = kinds[seg]
            after = r_start[seg + 1] if seg + 1 < n else e  # the next segment's first
            if kind == COPY:
                at = s_start[seg] + r - r_start[seg]
                if at >= pos:
                    break
                r = min(r + pos - at, after)  # its character at pos, else the next segment
            elif kind != GEN and s_start[seg] >= pos:
                break
            else:
                r = after
        r = min(r, e)
        if s < r < e and (not out or out[-1] != r):
            out.append(r)
    return out


def _structural_cuts(ix: SourceIndex, s: int, e: int) -> list[int]:
    """Reading offsets inside (s, e) where the span must be cut to follow the element tree."""
    tm = ix.tm
    ps0 = tm.char_source(s)[0]
    pe0 = tm.char_source(e - 1)[1]
    cuts_at: list[int] = []
    stack: list[int] = []
    k = bisect_right(ix.tok_end, ps0)  # the first token ending after ps0
    while k < len(ix.tok_start) and ix.tok_start[k] < pe0:
        kind = ix.tok_kind[k]
        if kind == START:
            stack.append(k)
        elif kind == END:
            if stack:
                stack.pop()
            else:
                cuts_at.append(ix.tok_start[k])  # closes an element open where the span starts
        elif kind == CDATA:  # no tag can go inside: cut around it, its part stays unmarked
            cuts_at.extend(p for p in (ix.tok_start[k], ix.tok_end[k]) if ps0 < p < pe0)
        k += 1
    cuts_at.extend(ix.tok_start[t] for t in stack)  # opens an element still open at the end
    return _offsets_at(ix, s, e, sorted(cuts_at))


def place(ix: SourceIndex, start: int, end: int, tag: str, *, owner: int = -1, rank: int = 0,
          inner: bool = False, within: int | None = None) -> tuple[list[Piece], int]:
    """Pieces that wrap reading span [start, end) in ``tag``s, in document order, and how many
    characters could not be wrapped at all (0 unless TEI allows no ``tag`` there). ``within``:
    the element the tags must go in, as children (an element of the file with exactly the
    span's words that marks something else), else nowhere.
    """
    text = ix.tm.text
    blocks: list[tuple[int, int]] = []
    s = start
    i = text.find("\n\n", start, end)
    while i != -1:
        blocks.append((s, i))
        s = i + 2
        i = text.find("\n\n", s, end)
    blocks.append((s, end))
    pieces: list[Piece] = []
    lost = 0
    for bs, be in blocks:
        bs, be = trim(text, bs, be)
        if bs >= be:
            continue
        got, miss = _place_block(ix, bs, be, tag, inner=inner, depth=0, within=within)
        if owner != -1 or rank:
            got = [Piece(p.rs, p.re, p.ps, p.pe, p.parent, p.tag, owner, rank, p.inner)
                   for p in got]
        pieces.extend(got)
        lost += miss
    return pieces, lost


def _place_block(ix: SourceIndex, s: int, e: int, tag: str, *, inner: bool,
                 depth: int, within: int | None = None) -> tuple[list[Piece], int]:
    one = _place_one(ix, s, e, tag, inner=inner, within=within)
    if one is not None:
        return [one], 0
    cuts: list[int] = []
    if depth < 12:
        cuts = _structural_cuts(ix, s, e) or _child_cuts(ix, s, e, tag)
    if not cuts:
        if not inner:
            return _place_block(ix, s, e, tag, inner=True, depth=depth + 1, within=within)
        return [], e - s
    out: list[Piece] = []
    lost = 0
    bounds = [s, *cuts, e]
    for a, b in zip(bounds, bounds[1:]):
        a, b = trim(ix.tm.text, a, b)
        if a < b:
            got, miss = _place_block(ix, a, b, tag, inner=inner, depth=depth + 1,
                                     within=within)
            out.extend(got)
            lost += miss
    return out, lost


# -- many spans -------------------------------------------------------------------------------
def _order(p: Piece) -> tuple[int, int, int, int]:
    return (p.ps, -p.pe, p.rank, p.owner)


def nest(ix: SourceIndex, pieces: list[Piece], *, max_rounds: int = 10000) -> tuple[
        list[Piece], int]:
    """Make pieces nest: where two cross, cut the one of lower rank (or the later one) at the
    other's edge and place its parts again. Returns the pieces in nesting order (outer first at
    equal positions) and how many reading characters could not be placed.
    """
    pieces = sorted(pieces, key=_order)
    lost = 0
    for _ in range(max_rounds):
        clash = first_crossing([p.ps for p in pieces], [p.pe for p in pieces])
        if clash is None:
            return pieces, lost
        a, b = clash  # a opened first, b starts inside a and ends after it
        pa, pb = pieces[a], pieces[b]
        if pb.rank <= pa.rank:  # cut b at a's end
            victim, cut = b, pa.re
        else:  # cut a at b's start
            victim, cut = a, pb.rs
        v = pieces[victim]
        parts: list[Piece] = []
        if v.rs < cut < v.re:
            for x, y in ((v.rs, cut), (cut, v.re)):
                got, miss = place(ix, x, y, v.tag, owner=v.owner, rank=v.rank, inner=v.inner)
                parts.extend(got)
                lost += miss
        elif not v.inner:
            got, miss = place(ix, v.rs, v.re, v.tag, owner=v.owner, rank=v.rank, inner=True)
            parts.extend(got)
            lost += miss
        else:
            lost += v.re - v.rs  # cannot be nested: left out, and counted
        del pieces[victim]
        pieces.extend(parts)
        pieces.sort(key=_order)
    raise RuntimeError("pieces did not settle")  # pragma: no cover


def first_crossing(ps: Sequence[int], pe: Sequence[int]) -> tuple[int, int] | None:
    """The first pair of spans (in nesting order) where the second starts inside the first and
    ends after it, or None when they all nest."""
    open_ends: list[int] = []
    open_ids: list[int] = []
    for i, (s, e) in enumerate(zip(ps, pe)):
        while open_ends and open_ends[-1] <= s:
            open_ends.pop()
            open_ids.pop()
        if open_ends and e > open_ends[-1]:
            return open_ids[-1], i
        open_ends.append(e)
        open_ids.append(i)
    return None


def unbalanced(ps: Ints, pe: Ints) -> npt.NDArray[np.bool_]:
    """Of spans in nesting order (start, longer first), those whose start and end tags
    would hold an unequal number of other start and end tags: another span crosses each of
    them, and spans with a crossing (``first_crossing``) have one at least. (A few numpy
    calls: with a claim around most names, the spans that meet another are thousands.)
    Empty spans cross none and are not looked at.

    The tags in file order: at one position, end tags before start tags; ends of spans
    ending together, inner first; starts of spans starting together, outer first. A span
    is balanced when the depth after its start tag is the depth before its end tag. If
    every span is, none crosses another: one that starts inside span X and ends after it
    would need, to leave X balanced, one that starts before X and ends inside it, which
    starts earlier than X; and so on, with no end."""
    n = len(ps)
    out = np.zeros(n, dtype=bool)
    full = (pe > ps).nonzero()[0]
    if len(full) < 2:
        return out
    m = len(full)
    # one number a tag: its position, then end tags before start tags; the end tags listed
    # last span first, so one stable sort puts, at one position, the inner spans' end tags
    # first and the outer spans' start tags first (as ``tag_batches`` does)
    order = np.argsort(np.concatenate([pe[full][::-1] * 2, ps[full] * 2 + 1]), kind="stable")
    depth = np.cumsum(np.where(order < m, -1, 1))
    at = np.empty(2 * m, dtype=np.int64)
    at[order] = np.arange(2 * m, dtype=np.int64)
    # after its start, before its end (the end tags' rows reversed back)
    out[full] = depth[at[m:]] != depth[at[m - 1::-1]] + 1
    return out


class Insert(NamedTuple):
    """A string to put at a file position; ``phase`` orders strings at the same position:
    end tags (0) before attributes (1) before start tags (2) before whole blocks (3).
    (A named tuple: an export makes two per tag, and tuples sort as they are.)"""

    pos: int
    phase: int
    order: int
    text: str


@dataclass(frozen=True, slots=True)
class TagBatch:
    """Start and end tags of many pieces as columns: ``Insert`` fields, two rows per piece,
    in ``Insert`` order (``tag_batches``), each tag's text as a UTF-8 file holds it
    (``utf8``): made once where the tags are made, for a few hundred looks, not encoded again
    for each tag of each file."""

    pos: Ints
    phase: Ints
    texts: TagBytes


TagBytes = npt.NDArray[np.object_]  # of bytes: reordered by numpy at C speed, unlike a list


def utf8(texts: list[str]) -> list[bytes]:
    """Strings as a UTF-8 file holds them (``encoded``: a lone surrogate, which UTF-8 does
    not take, as a character reference)."""
    try:
        return list(map(str.encode, texts))
    except UnicodeEncodeError:
        return [encoded(t, "utf-8") for t in texts]


def tag_batches(ps: Ints, pe: Ints, opens: TagBytes, closes: TagBytes, cut: Sequence[int]
                ) -> list[TagBatch]:
    """For each file, the start and end tags of its nested pieces (``ps``, ``pe``, in ``nest``
    order, outer ones outside; ``opens``, ``closes``), in ``Insert`` order: the files' pieces
    end to end, file n's from ``cut[n]`` to ``cut[n + 1]``, sorted at once (numpy's cost is
    per call), each file's rows a slice of them. A piece's ``Insert.order`` is its row: the
    rows of a file are in its nesting order."""
    if len(cut) < 2:
        return []
    total = len(ps)
    file = np.repeat(np.arange(len(cut) - 1, dtype=np.int64), np.diff(cut))
    # one number a tag: its position, each file's after those before it, then its phase;
    # the end tags listed last row first, so one stable sort puts, at one position, the
    # inner pieces' end tags first and the outer pieces' start tags first (as they are in
    # a file's rows): ``Insert`` order, by one key (a sort a key costs as much)
    width = int(max(ps.max(), pe.max())) + 1 if total else 1
    perm = np.argsort(np.concatenate([((file * width + pe) * 2)[::-1],
                                      (file * width + ps) * 2 + 1]), kind="stable")
    pos = np.concatenate([pe[::-1], ps])[perm]
    phase = np.where(perm < total, 0, 2)
    texts = np.concatenate([closes[::-1], opens])[perm]
    return [TagBatch(pos=pos[2 * a:2 * b], phase=phase[2 * a:2 * b], texts=texts[2 * a:2 * b])
            for a, b in zip(cut, cut[1:])]


def splice(text: str, inserts: Iterable[Insert], batch: TagBatch | None = None) -> str:
    """The text with every insert put in place, in ``Insert`` order; nothing else changes
    (but a lone surrogate inserted, which no file holds, is its character reference, as
    ``encoded`` writes it: the same bytes in any codec)."""
    at, texts = _inserted(inserts, batch)
    parts = [""] * (2 * len(at) + 1)
    parts[0::2] = [text[a:b] for a, b in zip([0, *at], [*at, len(text)])]
    parts[1::2] = [t.decode() for t in texts]
    return "".join(parts)


def spliced(text: str, data: bytes, codec: str, inserts: Iterable[Insert],
            batch: TagBatch | None = None) -> bytes:
    """``splice`` in the file's own encoding (``encoded``), ``text`` being ``data`` decoded
    with ``codec``. Of a UTF-8 file, its own bytes are cut where the inserts go and the
    inserted bytes put between: a text with a character past U+00FF takes two or four bytes
    a character, which slicing, joining and encoding the whole of it walk over each time."""
    if codec != "utf-8":
        return encoded(splice(text, inserts, batch), codec)
    if len(data) == len(text):  # ASCII: a byte a character
        at, tags = _inserted(inserts, batch)
    else:
        # the characters that start before each continuation byte (0b10xxxxxx: below -64
        # as int8): a character's byte offset is its own plus the continuation bytes with
        # at most as many characters before them
        extra = np.flatnonzero(np.frombuffer(data, np.int8) < -64)
        extra -= np.arange(len(extra))
        at, tags = _inserted(inserts, batch,
                             lambda pos: pos + np.searchsorted(extra, pos, "right"))
    if not at:
        return data
    parts = [b""] * (2 * len(at) + 1)
    parts[0::2] = [data[a:b] for a, b in zip([0, *at], [*at, len(data)])]
    parts[1::2] = tags
    return b"".join(parts)


def _inserted(inserts: Iterable[Insert], batch: TagBatch | None,
              moved: Callable[[Ints], Ints] | None = None) -> tuple[list[int], list[bytes]]:
    """Where each insert goes and its bytes in UTF-8 (``utf8``), in ``Insert`` order: at a
    character of the text, or with ``moved`` (``spliced``), at the byte of the file that
    character starts at. The batch's tags are ordered by numpy; the few other inserts (a
    header's lines, a standOff, an attribute or two) are merged into them one by one: they
    share no phase with a tag, so each goes after the batch's strings at its position of a
    lower phase and before the rest."""
    few = sorted(inserts)
    places = [i.pos for i in few]
    said = utf8([i.text for i in few])
    if moved is not None and few:
        places = moved(np.array(places, dtype=np.int64)).tolist()
    if batch is None or not len(batch.pos):
        return places, said
    at = (batch.pos if moved is None else moved(batch.pos)).tolist()  # in Insert order
    texts = batch.texts.tolist()
    if few:
        phase = batch.phase
        cuts = []
        for pos, ins in zip(places, few):
            lo, hi = bisect_left(at, pos), bisect_right(at, pos)
            cuts.append(lo + int(np.count_nonzero(phase[lo:hi] < ins.phase)) if lo < hi
                        else lo)
        # the later first: an earlier one put at the same place goes before it
        for cut, pos, text in zip(reversed(cuts), reversed(places), reversed(said)):
            at.insert(cut, pos)
            texts.insert(cut, text)
    return at, texts
