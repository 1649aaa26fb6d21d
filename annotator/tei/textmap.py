"""The reading text of a TEI source, and the map from each of its characters back to the file.

The reading text is what a model reads and what editors' offsets point into. It is built from
the raw characters of the file (not a re-serialisation), so every reading character knows the
exact characters of the source file it came from and its place in the lxml tree. That is what
lets exports insert tags and leave every other byte alone.

The policy lives in ``reading_role`` and nowhere else; the README ("The reading text") describes it:

* only the content of ``<text>`` is read (``teiHeader``, ``standOff``, ``facsimile`` are not);
* block elements (``p``, ``head``, ``div``, ``note``, ``l``, ``item``, ...) are separated by a
  blank line (``"\\n\\n"``); a ``<note>`` is read as its own block where it stands;
* an element TEI lets stand either between or within paragraphs (``quote``, ``cit``, ``bibl``,
  ``label``, ``stage``, ``list``...: ``model.inter``, ``tei.block_table``) is a block between
  them and inline in running text (among the text of a ``p``, ``l``, ``head``, ``note``...,
  or inside an inline element), unless it holds a block itself (a ``quote`` of ``p`` or ``l``,
  a ``list`` of ``item``);
* ``<lb/>``, ``<pb/>`` and ``<cb/>`` give a space, or nothing with ``break="no"``;
* ``<choice>`` reads ``reg``/``expan``/``corr`` and skips ``orig``/``abbr``/``sic`` (if none of
  the preferred children is there, the first child is read); ``<app>`` reads ``lem`` (or the first
  ``rdg`` when there is no ``lem``) and skips the other readings;
* ``del``, ``surplus``, ``fw``, ``am``, ``figDesc``, ``metamark``, comments and processing
  instructions are skipped; every other element is inline and gives its text;
* runs of XML whitespace (space, tab, CR, LF, also across tags) become one space, and whitespace
  at the start and end of a block is dropped;
* a character or entity reference (``&amp;``, ``&#x2014;``) and a CR LF pair are one character.

Offsets are code-point indices into ``TextMap.text``, half-open.

The same scan of the file records each node's reading role and every tag's place (``Markup``):
what an export needs to put new tags among the old ones, without reading the file again.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import NamedTuple, TypeVar, overload

from lxml import etree

from annotator.tei.block_table import INTER, MIXED
from annotator.tei.elements import Column, Elements
from annotator.tei.header import edition_name
from annotator.tei.parse import TEI_NS, ParsedSource

COPY, ONE, GEN = 0, 1, 2  # segment kinds: 1:1 copy, one char for a source run, generated
START, END, EMPTY, OTHER, CDATA = 0, 1, 2, 3, 4  # markup token kinds (OTHER: comment, PI...)
TEXT, TAIL = 0, 1  # which string of an lxml node holds the character

BLOCK = frozenset({
    "p", "ab", "head", "div", "div1", "div2", "div3", "div4", "div5", "div6", "div7", "note",
    "l", "lg", "item", "list", "label", "table", "row", "cell", "sp", "speaker", "stage",
    "opener", "closer", "salute", "signed", "dateline", "byline", "docTitle", "titlePart",
    "titlePage", "docAuthor", "docDate", "docImprint", "argument", "epigraph", "trailer",
    "figure", "castList", "castItem", "listBibl", "postscript", "front", "back", "body",
    "group", "text", "floatingText", "letter", "listPerson", "listPlace", "listOrg", "bibl",
    "biblStruct", "person", "place", "org", "quote", "cit",
})
# Blocks TEI also lets stand in running text (``model.inter``): block or inline by their place.
EITHER = BLOCK & INTER
# Read as blocks of their own wherever they stand: they make no element holding them a block.
OWN_BLOCKS = frozenset({"note", "figure"})
SKIP = frozenset({"del", "surplus", "fw", "am", "figDesc", "metamark", "teiHeader",
                  "standOff", "facsimile", "sourceDoc"})
BREAKS = frozenset({"lb", "pb", "cb"})
CHOICE_PREFERRED = ("reg", "expan", "corr")
_XML_WS = " \t\r\n"
ROLES = ("skip", "block", "break", "join", "inline")  # ``reading_role``s, as a map codes them
ROLE_CODE = {r: i for i, r in enumerate(ROLES)}

_TAGS = r"""
 (?P<comment><!--.*?-->)
|(?P<cdata><!\[CDATA\[.*?\]\]>)
|(?P<pi><\?.*?\?>)
|(?P<doctype><!DOCTYPE[^>]*>)
|(?P<end></[^>]+>)
|(?P<start><[^\s/>!?]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(?P<empty>/)?>)
"""
TOKEN = re.compile(_TAGS + r"""
|(?P<ref>&[^;]+;)
|(?P<text>[^<&]+)
""", re.S | re.X)
# The markup tokens only: each match is the text before a token (never holding a "<") and the
# token, found at ``m.start(m.lastgroup)``. Skipping the text inside the pattern lets the
# scanner run over it at C speed.
MARKUP = re.compile(f"[^<]*+(?:{_TAGS})", re.S | re.X)
# Words joined by single spaces are one run: a lone space maps to itself, so one COPY segment
# covers them (the same offsets as a segment per word, at a fraction of the calls).
_WS_RUN = re.compile(r"[^ \t\r\n]+(?: [^ \t\r\n]+)*|[ \t\r\n]+")


def local_name(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def reading_roles(nodes: list[etree._Element], parent: Sequence[int]) -> list[str]:
    """``reading_role`` of each of ``nodes`` (``root.iter()``), whose ``parent`` numbers come
    before them: each node's role is read with its parent's."""
    roles: list[str] = []
    for i, node in enumerate(nodes):
        roles.append(reading_role(node, roles[parent[i]] if parent[i] >= 0 else "block"))
    return roles


def reading_role(el: etree._Element, parent_role: str) -> str:
    """The reading-text policy for one node: skip, block, break, join or inline.
    ``parent_role``: its parent's, which decides where an element of ``EITHER`` stands."""
    if not isinstance(el.tag, str):
        return "skip"  # comments and processing instructions
    name = local_name(el)
    tei = el.tag.startswith(f"{{{TEI_NS}}}")
    parent = el.getparent()
    pname = local_name(parent) if parent is not None else ""
    if tei and name in SKIP:
        return "skip"
    if tei and parent is not None and pname == "choice":
        kids = [c for c in parent if isinstance(c.tag, str)]
        preferred = [c for c in kids if local_name(c) in CHOICE_PREFERRED]
        keep = preferred[0] if preferred else (kids[0] if kids else None)
        return "inline" if el is keep else "skip"
    if tei and parent is not None and pname in ("app", "rdgGrp") and name in (
            "lem", "rdg", "rdgGrp", "wit", "note"):
        app = parent if pname == "app" else parent.getparent()
        if app is None:
            return "skip"  # an rdgGrp at the root: no apparatus to read
        lem = app.find(f"{{{TEI_NS}}}lem")
        if name == "lem":
            return "inline"
        if lem is None and name == "rdg":
            first = app.find(f".//{{{TEI_NS}}}rdg")
            return "inline" if el is first else "skip"
        if lem is None and name == "rdgGrp":
            first = app.find(f".//{{{TEI_NS}}}rdg")
            return "inline" if first is not None and first.getparent() is el else "skip"
        return "skip"
    if tei and name in BREAKS:
        return "join" if el.get("break") == "no" else "break"
    if tei and name in BLOCK:
        if name in EITHER and parent is not None and _in_running_text(parent, parent_role) \
                and not holds_blocks(el):
            return "inline"
        return "block"
    return "inline"


def _in_running_text(parent: etree._Element, parent_role: str) -> bool:
    """Whether a child of ``parent`` stands in running text: the parent holds text (TEI lets
    its content have text: a ``p``, an ``l``, a ``note``) or is read inline itself."""
    return parent_role == "inline" or (
        isinstance(parent.tag, str) and parent.tag.startswith(f"{{{TEI_NS}}}")
        and local_name(parent) in MIXED)


def holds_blocks(el: etree._Element) -> bool:
    """Whether an element holds a block no running text can hold (a ``p``, an ``l``, an
    ``item``), as a child or within an element of ``EITHER`` it holds: a ``quote`` of verse
    lines is a block wherever it stands. A ``note`` or ``figure`` makes nothing a block."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or not tag.startswith(f"{{{TEI_NS}}}"):
            continue
        name = local_name(child)
        if name in EITHER:
            if holds_blocks(child):
                return True
        elif name in BLOCK and name not in OWN_BLOCKS:
            return True
    return False


@dataclass(frozen=True, slots=True)
class TreePos:
    """Where a reading character sits in the lxml tree: ``nodes[node].text`` or ``.tail``."""

    node: int  # index in ``root.iter()`` order (elements, comments and PIs)
    slot: int  # TEXT or TAIL
    offset: int  # index into that string


def ints() -> array[int]:
    """An empty column (64-bit integers: kept and loaded as bytes, viewed by numpy as they are)."""
    return array("q")


_T = TypeVar("_T")


class ByNode(Mapping[int, int]):
    """A number per element, -1 for the nodes that have none (comments...), as a column: a
    kept map loads it as it is, not a dict entry made per element."""

    __slots__ = ("column",)

    def __init__(self, column: Column | None = None) -> None:
        self.column = ints() if column is None else column

    def __getitem__(self, node: int) -> int:
        got = self.column[node] if 0 <= node < len(self.column) else -1
        if got < 0:
            raise KeyError(node)
        return got

    @overload
    def get(self, node: int, /) -> int | None: ...

    @overload
    def get(self, node: int, /, default: int | _T) -> int | _T: ...

    def get(self, node: int, /, default: object = None) -> object:
        """``Mapping.get`` in one call, not through ``__getitem__`` and a KeyError (asked of
        a file's header elements by every export)."""
        got = self.column[node] if 0 <= node < len(self.column) else -1
        return default if got < 0 else got

    def __iter__(self) -> Iterator[int]:
        return (i for i, v in enumerate(self.column) if v >= 0)

    def __len__(self) -> int:
        return sum(1 for v in self.column if v >= 0)


@dataclass(slots=True)
class Markup:
    """Every markup token of the file in order, as parallel lists, and where each element's
    tags are: what an export needs to put new tags among the old ones."""

    start: Column = field(default_factory=ints)
    end: Column = field(default_factory=ints)
    kind: Column = field(default_factory=ints)
    node: Column = field(default_factory=ints)  # the element a tag opens or closes, else -1
    after: Column = field(default_factory=ints)  # innermost element open after the token
    node_open: ByNode = field(default_factory=ByNode)  # element -> its start-tag token
    node_close: ByNode = field(default_factory=ByNode)  # element -> its end-tag token
    node_depth: ByNode = field(default_factory=ByNode)  # element -> elements it is inside


@dataclass(frozen=True, slots=True)
class Marked:
    """What a file's own markup says (``tei.marked`` finds it): ``annotations``, (element or
    seg:type, reading start, end) -> the element and the fragments ``@next`` joins to it, of
    the annotation elements in ``<text>`` (the first of a kind and span only); ``forms``,
    (entity type or '', form) of every pointer on a name element, with how often it occurs;
    ``pointers``, (attribute, first pointer) of the name elements, each pointer once, where
    it is first written; ``prefixes``, the (ident, matchPattern, replacementPattern) of its
    ``prefixDef`` declarations."""

    annotations: Mapping[tuple[str, int, int], list[int]]  # a dict, or ``Annotations`` kept
    forms: Counter[tuple[str, str]]
    pointers: list[tuple[str, str]]
    prefixes: tuple[tuple[str, str, str], ...]


class KeptColumns(NamedTuple):
    """Where a kept map's integer columns are in its bytes: ``TextMap``'s 17 (``COLUMNS``)
    then ``READY``, from ``at`` on, of these sizes and widths (``elements.kept_columns``)."""

    blob: bytes
    at: int
    sizes: tuple[int, ...]
    widths: str


# the columns a kept map holds ready for an export to view (``export.insert.SourceIndex``),
# after its 17: the generated segments up to each segment, whether each token is a block's
# tag, each node's tag code and namespace scope with the node -1's (a tag code past the
# table, -1) at the end
READY = ("gens", "tok_block", "codes", "ns_scope")


class Annotations(Mapping[tuple[str, int, int], list[int]]):
    """``Marked.annotations`` as a kept map holds them: columns, each chain's fragments from
    its offset in ``at`` to the next. Keys are numbered in one dict when first asked for (an
    export asks a few of a source's, many times), a chain cut when asked: no list made per
    chain at each load, nor a dict when none is asked."""

    __slots__ = ("_kinds", "_kind", "_start", "_end", "_at", "_nodes", "_index")

    def __init__(self, kinds: Sequence[str], kind: Column, start: Column,
                 end: Column, at: Column, nodes: Column) -> None:
        if not len(kind) == len(start) == len(end) == len(at) - 1 or at[0] != 0 or (
                at[-1] != len(nodes)):
            raise ValueError("annotations do not fit")
        self._kinds, self._kind, self._start, self._end = kinds, kind, start, end
        self._at, self._nodes = at, nodes
        self._index: dict[object, int] | None = None

    def columns(self) -> tuple[Sequence[str], Column, Column, Column, Column, Column]:
        """The columns as kept (element names; each one's, an index into them; starts; ends;
        where each chain's fragments begin; the fragments): for a caller matching thousands
        of spans at once (an export's mentions)."""
        return self._kinds, self._kind, self._start, self._end, self._at, self._nodes

    def _find(self, key: object) -> int:
        if self._index is None:
            self._index = dict(zip(self, range(len(self._start))))
        return self._index.get(key, -1)

    def __getitem__(self, key: tuple[str, int, int]) -> list[int]:
        i = self._find(key)
        if i < 0:
            raise KeyError(key)
        return self._nodes[self._at[i]:self._at[i + 1]].tolist()

    def get(self, key: tuple[str, int, int], default: list[int] | None = None  # type: ignore[override]
            ) -> list[int] | None:
        i = self._find(key)
        return default if i < 0 else self._nodes[self._at[i]:self._at[i + 1]].tolist()

    def __contains__(self, key: object) -> bool:
        return self._find(key) >= 0

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        return zip(map(self._kinds.__getitem__, self._kind), self._start, self._end)

    def __len__(self) -> int:
        return len(self._start)


@dataclass(slots=True)
class TextMap:
    """Reading text plus, for every character, its source characters and tree position."""

    text: str
    source_text: str
    sha256: str
    # segments, parallel lists sorted by r_start
    r_start: Column = field(default_factory=ints)
    s_start: Column = field(default_factory=ints)
    s_end: Column = field(default_factory=ints)
    kind: Column = field(default_factory=ints)
    node: Column = field(default_factory=ints)
    slot: Column = field(default_factory=ints)
    slot_off: Column = field(default_factory=ints)
    blocks: list[int] = field(default_factory=list)  # reading offset where each block starts
    pages: list[tuple[int, str]] = field(default_factory=list)  # (reading offset, pb/@n)
    roles: Column = field(default_factory=ints)  # code in ROLES of each node's reading_role
    markup: Markup = field(default_factory=Markup)
    _line_starts: list[int] = field(default_factory=list)
    # the file's elements (``tei.elements``), as kept: decoded when an export asks for them
    elements_data: bytes = field(default=b"", compare=False, repr=False)
    _elements: Elements | None = field(default=None, compare=False, repr=False)
    # what the file's markup says (``tei.marked``), as kept; found when first asked otherwise
    marked: Marked | None = field(default=None, compare=False, repr=False)
    # the edition the file's header names (``tei.header.edition_name``), found from the tree
    # the map is built from and kept in its head: a pass over every source parses none for it
    edition: str = ""
    # the kept map's integer columns as its bytes hold them (an export's load): numpy views
    # them there, read-only, without a copy or a view per column (``export.insert``)
    kept: KeptColumns | None = field(default=None, compare=False, repr=False)
    # each node's own reading span (``owned_spans``), found when first asked
    _owned: dict[int, tuple[int, int]] | None = field(default=None, compare=False, repr=False)
    # each node's reading span with its descendants' (``subtree_spans``), found when first asked
    _subtree: dict[int, tuple[int, int, int]] | None = field(default=None, compare=False,
                                                             repr=False)

    def elements(self) -> Elements:
        """The kept elements, decoded now; ValueError when they are not this map's nodes."""
        if self._elements is None:
            els = Elements.load(self.elements_data, viewed=self.kept is not None)
            if len(els.codes) != len(self.roles):
                raise ValueError(f"kept elements of {len(els.codes)} nodes, not "
                                 f"{len(self.roles)}")
            self._elements = els
        return self._elements

    def owned_spans(self) -> dict[int, tuple[int, int]]:
        """[first, last) reading offsets of each node's own segments (its text, its children's
        tails), in the order the first ones go by: one walk over the map for every
        ``element_spans`` of it (a propose run asks for three sets of elements)."""
        if self._owned is None:
            parent = self.elements().parent
            first: dict[int, int] = {}
            last: dict[int, int] = {}
            r_start, slot = self.r_start, self.slot
            ends = [*r_start[1:], len(self.text)]
            for k, node in enumerate(self.node):
                if node < 0:
                    continue
                owner = parent[node] if slot[k] == TAIL else node
                if owner < 0:
                    continue
                if owner not in first:
                    first[owner] = r_start[k]
                last[owner] = ends[k]
            self._owned = {owner: (r0, last[owner]) for owner, r0 in first.items()}
        return self._owned

    def subtree_spans(self) -> dict[int, tuple[int, int, int]]:
        """[first, last) reading offsets of each node's content (its own segments and its
        descendants'), and the place in ``owned_spans`` of the first of them: one pass up
        from the last node to the first (a node's number is above its parent's, as in
        ``root.iter()``) for every ``element_spans`` of the map (was: a walk over every
        node's ancestors in each, three a propose run)."""
        if self._subtree is None:
            parent = self.elements().parent
            spans = {owner: (r0, r1, k) for k, (owner, (r0, r1)) in
                     enumerate(self.owned_spans().items())}
            get = spans.get
            for i in range(len(parent) - 1, 0, -1):
                if (s := get(i)) is not None and (up := parent[i]) >= 0:
                    t = get(up)
                    spans[up] = s if t is None else (min(s[0], t[0]), max(s[1], t[1]),
                                                     min(s[2], t[2]))
            self._subtree = spans
        return self._subtree

    def _seg(self, offset: int) -> int:
        if not 0 <= offset < len(self.text):
            raise IndexError(f"offset {offset} outside reading text of {len(self.text)} chars")
        return bisect_right(self.r_start, offset) - 1

    def char_source(self, offset: int) -> tuple[int, int]:
        """Source character range [start, end) that reading character ``offset`` came from.

        A generated character (a block break or a ``<lb/>`` space) has an empty range at the
        place it stands for.
        """
        i = self._seg(offset)
        k = self.kind[i]
        if k == COPY:
            pos = self.s_start[i] + offset - self.r_start[i]
            return pos, pos + 1
        return self.s_start[i], self.s_end[i]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source character range covering reading span [start, end) (end > start)."""
        if end <= start:
            raise ValueError(f"empty span {start}:{end}")
        return self.char_source(start)[0], self.char_source(end - 1)[1]

    def tree_pos(self, offset: int) -> TreePos | None:
        """Tree position of a reading character, or None for a generated one."""
        i = self._seg(offset)
        k = self.kind[i]
        if k == GEN:
            return None
        extra = offset - self.r_start[i] if k == COPY else 0
        return TreePos(self.node[i], self.slot[i], self.slot_off[i] + extra)

    def line_col(self, source_pos: int) -> tuple[int, int]:
        """1-based line and column of a source character position."""
        if not self._line_starts:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.source_text))
            self._line_starts = starts
        line = bisect_right(self._line_starts, source_pos)
        return line, source_pos - self._line_starts[line - 1] + 1

    def block_of(self, offset: int) -> int:
        """1-based number of the block (paragraph, head, note...) holding ``offset``."""
        return bisect_right(self.blocks, offset)

    def page_of(self, offset: int) -> str | None:
        """The ``<pb n>`` in force at ``offset``, if the source has page breaks."""
        i = bisect_right([p for p, _ in self.pages], offset) - 1
        return self.pages[i][1] if i >= 0 else None

    def span_places(self, start: int, end: int
                    ) -> tuple[tuple[int, int, str | None], tuple[int, int, str | None]]:
        """(block, source line, page) of the first and of the last character of reading
        span [start, end) (end > start): where ``records.location`` says a claim or passage
        is, its range when it crosses blocks."""
        first, last = self.source_span(start, end)
        return ((self.block_of(start), self.line_col(first)[0], self.page_of(start)),
                (self.block_of(end - 1), self.line_col(last - 1)[0], self.page_of(end - 1)))

    def place(self, offset: int) -> str:
        """Where an editor finds reading offset ``offset``: 'p. 12, line 41' or 'line 41'
        (the source file's line; a page only when the source has page breaks)."""
        line = self.line_col(self.char_source(offset)[0])[0]
        page = self.page_of(offset)
        return f"p. {page}, line {line}" if page else f"line {line}"


class _Builder:
    """Appends reading characters and their segments, applying the whitespace policy."""

    def __init__(self, tm: TextMap) -> None:
        self.tm = tm
        # the segments' columns, made here and appended to (the map's are any ``Column``)
        (self.r_start, self.s_start, self.s_end, self.kind, self.node, self.slot,
         self.slot_off) = (tm.r_start, tm.s_start, tm.s_end, tm.kind, tm.node, tm.slot,
                           tm.slot_off) = tuple(ints() for _ in range(7))
        self.out: list[str] = []
        self.pos = 0
        self.pending_ws: tuple[int, int, int, int, int] | None = None
        self.pending_gen = ""

    def _add(self, chars: str, kind: int, s0: int, s1: int, node: int, slot: int,
             off: int) -> None:
        self.r_start.append(self.pos)
        self.s_start.append(s0)
        self.s_end.append(s1)
        self.kind.append(kind)
        self.node.append(node)
        self.slot.append(slot)
        self.slot_off.append(off)
        self.out.append(chars)
        self.pos += len(chars)

    def brk(self, chars: str) -> None:
        if chars == "\n\n" or not self.pending_gen:
            self.pending_gen = chars

    def ws(self, s0: int, s1: int, node: int, slot: int, off: int) -> None:
        if self.pending_ws is None:
            self.pending_ws = (s0, s1, node, slot, off)

    def _flush(self, at: int) -> None:
        if self.pos > 0:
            if self.pending_gen == "\n\n":
                self._add("\n\n", GEN, at, at, -1, TEXT, 0)
                self.tm.blocks.append(self.pos)
            elif self.pending_ws is not None:
                s0, s1, node, slot, off = self.pending_ws
                self._add(" ", ONE, s0, s1, node, slot, off)
            elif self.pending_gen == " ":
                self._add(" ", GEN, at, at, -1, TEXT, 0)
        self.pending_ws = None
        self.pending_gen = ""

    def copy(self, chars: str, s0: int, node: int, slot: int, off: int) -> None:
        self._flush(s0)
        self._add(chars, COPY, s0, s0 + len(chars), node, slot, off)

    def one(self, char: str, s0: int, s1: int, node: int, slot: int, off: int) -> None:
        self._flush(s0)
        self._add(char, ONE, s0, s1, node, slot, off)


def build_textmap(src: ParsedSource) -> TextMap:
    """Build the reading text of a parsed TEI source (see the module docstring for the policy),
    with its offset map and the place of every tag."""
    nodes = list(src.root.iter())
    elements = Elements.of(nodes)
    roles = reading_roles(nodes, elements.parent)
    in_text = [False] * len(nodes)
    for i, n in enumerate(nodes):
        if isinstance(n.tag, str) and n.tag == f"{{{TEI_NS}}}text":
            in_text[i] = True
    tm = TextMap(text="", source_text=src.text, sha256=src.sha256,
                 roles=array("q", map(ROLE_CODE.__getitem__, roles)),
                 _elements=elements, edition=edition_name(src.root))
    tm.blocks.append(0)
    b = _Builder(tm)
    text = src.text
    counter = -1  # index of the last node seen, in root.iter() order
    depth = 0
    stack: list[int] = []
    muted = 0  # open skipped elements
    texts = 0  # open <text> elements
    slot_node, slot, slot_off = -1, TEXT, 0

    def reading() -> bool:
        return texts > 0 and muted == 0

    def chars(kind: str, body_start: int, body: str, end: int) -> None:
        """Text, CDATA content or a reference, at ``body_start`` in the file."""
        nonlocal slot_off
        if kind == "ref":
            char = _decode_ref(body)
            if reading():
                if char in _XML_WS:
                    b.ws(body_start, end, slot_node, slot, slot_off)
                else:
                    b.one(char, body_start, end, slot_node, slot, slot_off)
            slot_off += len(char)
            return
        if not reading():
            slot_off += len(body.replace("\r\n", "\n"))
            return
        for at, r in _runs(body):
            rs = body_start + at
            if r[0] in _XML_WS:
                first = 2 if r.startswith("\r\n") else 1
                b.ws(rs, rs + first, slot_node, slot, slot_off)
                slot_off += len(r.replace("\r\n", "\n"))
            else:
                b.copy(r, rs, slot_node, slot, slot_off)
                slot_off += len(r)

    def between(lo: int, hi: int) -> None:
        """The characters between two tags: text, and references if there is an "&"."""
        if depth == 0 or lo == hi:
            return  # whitespace outside the root element
        if text.find("&", lo, hi) < 0:
            chars("text", lo, text[lo:hi], hi)
            return
        for t in TOKEN.finditer(text, lo, hi):
            chars(t.lastgroup or "text", t.start(), t.group(), t.end())

    mk = tm.markup
    # the tokens' columns, made here and appended to (the map's are any ``Column``)
    tokens = tok_start, tok_end, tok_kind, tok_node, tok_after = tuple(ints() for _ in range(5))
    mk.start, mk.end, mk.kind, mk.node, mk.after = tokens
    node_open, node_close, node_depth = (array("q", [-1]) * len(nodes) for _ in range(3))
    mk.node_open, mk.node_close, mk.node_depth = map(ByNode, (node_open, node_close, node_depth))
    last = 0
    for m in MARKUP.finditer(text):
        kind = m.lastgroup or ""
        s0 = m.start(kind)
        between(last, s0)
        last = m.end()
        node, token = -1, OTHER
        if kind == "start":
            counter += 1
            i = node = counter
            node_open[i] = len(tok_start)
            node_depth[i] = len(stack)
            depth += 1
            role = roles[i]
            if reading():
                if role == "block":
                    b.brk("\n\n")
                elif role == "break":
                    b.brk(" ")
                    if local_name(nodes[i]) == "pb":
                        tm.pages.append((b.pos, nodes[i].get("n") or ""))
            empty = m.group("empty") is not None
            if empty:
                token = EMPTY
                node_close[i] = len(tok_start)
                depth -= 1
                slot_node, slot, slot_off = i, TAIL, 0
                if role == "block" and reading():
                    b.brk("\n\n")
            else:
                token = START
                stack.append(i)
                if role == "skip":
                    muted += 1
                if in_text[i]:
                    texts += 1
                slot_node, slot, slot_off = i, TEXT, 0
        elif kind == "end":
            i = node = stack.pop()
            token = END
            node_close[i] = len(tok_start)
            depth -= 1
            if in_text[i]:
                texts -= 1
            if roles[i] == "skip":
                muted -= 1
            elif roles[i] == "block" and reading():
                b.brk("\n\n")
            slot_node, slot, slot_off = i, TAIL, 0
        elif kind in ("comment", "pi"):
            if depth > 0:
                counter += 1
                slot_node, slot, slot_off = counter, TAIL, 0
        elif kind == "cdata":
            token = CDATA
            if depth > 0:
                chars("cdata", s0 + 9, text[s0 + 9:m.end() - 3], m.end())
        tok_start.append(s0)
        tok_end.append(last)
        tok_kind.append(token)
        tok_node.append(node)
        tok_after.append(stack[-1] if stack else -1)
    between(last, len(text))
    if counter + 1 != len(nodes):  # pragma: no cover - scanner and lxml disagree: a bug
        raise ValueError(f"markup scan found {counter + 1} nodes, lxml {len(nodes)}")
    tm.text = "".join(b.out)
    if tm.blocks and tm.blocks[-1] >= len(tm.text) and len(tm.blocks) > 1:
        tm.blocks.pop()
    return tm


def element_spans(tm: TextMap, wanted: Collection[int]) -> dict[int, list[int]]:
    """[first, last) reading offsets of the content of each ``wanted`` node (numbered as in
    ``root.iter()``) that has any, from the map's ``subtree_spans`` (parents are the map's
    ``elements``, so no caller walks the tree for them); in the order their first segments
    go by, a node before its ancestors where they begin with the same one."""
    spans = tm.subtree_spans()
    found = sorted((spans[i][2], -i) for i in wanted if i in spans)
    return {-j: [spans[-j][0], spans[-j][1]] for _, j in found}


def context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """The reading text before and after a span, to show it where it stands: at most ``width``
    characters each side, within its block, cut at a word ("…" where cut), on one line."""
    first = text.rfind("\n\n", 0, start)
    first = 0 if first < 0 else first + 2
    last = text.find("\n\n", end)
    last = len(text) if last < 0 else last
    lo, hi = max(first, start - width), min(last, end + width)
    before, after = text[lo:start], text[end:hi]
    if lo > first:
        before = "…" + before.split(" ", 1)[-1]
    if hi < last:
        after = after.rsplit(" ", 1)[0] + "…"
    return before.replace("\n", " "), after.replace("\n", " ")


def _runs(body: str) -> list[tuple[int, str]]:
    """(offset, run) of the runs ``_WS_RUN`` finds: words joined by single spaces, whitespace.

    Whitespace alone (between blocks) is one run, and text without a tab, line break or double
    space (a paragraph on one line) is one run of words with at most a space at each edge:
    finding those needs no regular expression.
    """
    if body and not body.strip(" \t\r\n"):  # whitespace only, as between blocks
        return [(0, body)]
    if "  " in body or "\n" in body or "\t" in body or "\r" in body:
        return [(m.start(), m.group()) for m in _WS_RUN.finditer(body)]
    lead = 1 if body.startswith(" ") else 0
    trail = 1 if len(body) > lead and body.endswith(" ") else 0
    out = [(0, " ")] if lead else []
    if len(body) - trail > lead:
        out.append((lead, body[lead:len(body) - trail]))
    if trail:
        out.append((len(body) - 1, " "))
    return out


def _decode_ref(ref: str) -> str:
    char = unescape(ref)
    if char == ref:  # not a known reference; lxml has already refused undeclared entities
        raise ValueError(f"cannot decode reference {ref}")
    return char
