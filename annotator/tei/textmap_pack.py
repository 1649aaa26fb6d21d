"""Text maps kept between runs, in the store: building one walks every tag of the file in
Python (about 60 ms for a million words), loading one is a few array copies.

A map depends only on the file's bytes and on the reading-text policy, so it is kept under the
file's hash and ``CODE``, a digest of the code that builds and keeps it (``textmap.py``,
``parse.py``, ``elements.py``, ``marked.py``, ``block_table.py``, ``header.py`` and this
module): a change to any makes every kept map stale, with no version number to forget. The
format is a JSON head (with the file's pointer forms, ``tei.marked``, and its edition,
``tei.header``), the reading text in UTF-8 (kept whole: rebuilding it from the file's slices
cost an export more than any other step of loading), little-endian integer columns (32-bit
where their numbers fit, else 64-bit: ``elements.kept_columns``) read with the standard
library's ``array``, or by an export viewed where they are (``memoryview``, and numpy's
views), the file's ``Elements``,
its annotation elements and its names' first pointers (``tei.marked``): no pickle, so a
workspace from someone else cannot run code, and no numpy, so commands that only read a text
stay quick to start.

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections import Counter
from collections.abc import Callable
from itertools import accumulate
from operator import mul
from pathlib import Path
from typing import Any, TypeVar

from annotator.tei import block_table, elements, header, marked, parse, textmap
from annotator.tei.elements import kept_columns
from annotator.tei.textmap import (EMPTY, GEN, ROLES, Annotations, ByNode, KeptColumns, Marked,
                                   Markup, TextMap)

T = TypeVar("T")
Head = dict[str, Any]  # a kept map's head, decoded: ``load`` takes it so as not to decode it twice

# parse.py too: it makes the text (decoding) and the tree (parser options) a map points into;
# a change there with the same file bytes would leave kept offsets pointing at other characters
SOURCES = (Path(textmap.__file__), Path(parse.__file__), Path(elements.__file__),
           Path(marked.__file__), Path(block_table.__file__), Path(header.__file__),
           Path(__file__))
CODE = hashlib.sha256(b"".join(p.read_bytes() for p in SOURCES)).hexdigest()[:16]


def dump(tm: TextMap) -> bytes:
    """The map as bytes (its source text and hash are the file's: not kept twice)."""
    mk = tm.markup
    columns = [tm.r_start, tm.s_start, tm.s_end, tm.kind, tm.node, tm.slot, tm.slot_off,
               array("q", tm.blocks), mk.start, mk.end, mk.kind, mk.node, mk.after,
               mk.node_open.column, mk.node_close.column, mk.node_depth.column, tm.roles]
    text = tm.text.encode("utf-8", "surrogatepass")
    kept = tm.elements_data or tm.elements().dump()
    found = marked.marked(tm)
    kinds = list(dict.fromkeys(k for k, _, _ in found.annotations))
    code = {k: i for i, k in enumerate(kinds)}
    # each chain's offset among the fragments: a load reads them as they are
    # (``textmap.Annotations``)
    chains = list(found.annotations.values())
    notes = [array("q", [code[k] for k, _, _ in found.annotations]),
             array("q", [s for _, s, _ in found.annotations]),
             array("q", [e for _, _, e in found.annotations]),
             array("q", accumulate(map(len, chains), initial=0)),
             array("q", [n for c in chains for n in c])]
    # each name's pointer and its attribute, NUL-ended (XML never holds one)
    pointers = "".join(f"{a}\0{v}\0" for a, v in found.pointers).encode("utf-8")
    widths, kept_cols = kept_columns([*columns, *ready(tm)])
    note_widths, kept_notes = kept_columns(notes)
    head = json.dumps({"columns": [len(c) for c in columns], "widths": widths,
                       "ready": [len(tm.kind), len(mk.kind), len(tm.roles) + 1,
                                 len(tm.roles) + 1],
                       "text": len(text), "note_widths": note_widths,
                       "pages": tm.pages, "elements": len(kept), "kinds": kinds,
                       "annotations": [len(c) for c in notes],
                       "forms": [[*k, n] for k, n in found.forms.items()],
                       "pointers": len(pointers), "prefixes": found.prefixes,
                       "edition": tm.edition},
                      ensure_ascii=False).encode("utf-8")
    # the elements, annotations and pointers last, and read only by an export
    return b"".join([len(head).to_bytes(4, "little"), head, text, kept_cols, kept, kept_notes,
                     pointers])


def ready(tm: TextMap) -> list[array[int]]:
    """``textmap.READY``, made at dump: an export viewed and computed them at each load."""
    block = [r == BLOCK for r in tm.roles]
    try:
        els = tm.elements()
        codes, scope = array("q", [*els.codes, len(els.table)]), array("q", [*els.scope, -1])
    except ValueError:  # elements not this map's: an export rebuilds it, never reads these
        codes = scope = array("q", [-1] * (len(tm.roles) + 1))
    return [array("q", accumulate(k == GEN for k in tm.kind)),
            array("q", [k <= EMPTY and (block[n] if n >= 0 else True)
                        for k, n in zip(tm.markup.kind, tm.markup.node)]), codes, scope]


BLOCK = ROLES.index("block")


def head_size(start: bytes | memoryview) -> int:
    """How many bytes the head of a kept map takes after its first ``HEAD`` (``start``):
    a pass over every source of an edition reads no more of each (``forms``)."""
    return int.from_bytes(start[:HEAD], "little")


HEAD = 4


def _head(view: memoryview) -> tuple[dict[str, Any], int]:
    size = head_size(view[:HEAD])
    return json.loads(bytes(view[HEAD:HEAD + size])), HEAD + size


def forms(blob: bytes) -> Counter[tuple[str, str]]:
    """The ``marked.pointer_forms`` of a kept map's file, read from its head alone (``blob``:
    the map, or as much of its start as ``head_size`` says); ValueError if it is no kept map."""
    return _from_head(blob, _forms)


def edition(blob: bytes) -> str:
    """The edition its header names (``tei.header.edition_name``) of a kept map's file, read
    from its head alone, as ``forms``; ValueError if it is no kept map."""
    return _from_head(blob, _edition)


def forms_and_edition(blob: bytes | Head) -> tuple[Counter[tuple[str, str]], str]:
    """``forms`` and ``edition`` at once, from one decode of the head (an export asks both of
    every source); ``blob`` may be the head as ``head`` decoded it."""
    return _from_head(blob, lambda head: (_forms(head), _edition(head)))


def head(blob: bytes) -> Head:
    """The decoded head of a kept map (``blob``: the map, or its start as far as its head);
    ValueError if it is no kept map."""
    def whole(decoded: Head) -> Head:
        if not isinstance(decoded, dict):
            raise TypeError("the head is no object")
        return decoded
    return _from_head(blob, whole)

def _from_head(blob: bytes | Head, read: Callable[[Head], T]) -> T:
    try:
        return read(blob if isinstance(blob, dict) else _head(memoryview(blob))[0])
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"not a kept text map ({exc})") from None


def load(blob: bytes, source_text: str, sha256: str, decoded: Head | None = None,
         forms: Counter[tuple[str, str]] | None = None, *, viewed: bool = False) -> TextMap:
    """The map ``dump`` wrote; ValueError if the bytes are not one (then build it anew).
    Its columns are copied as they are: no number is made an object until it is read.
    ``decoded``: its head as ``head`` decoded it (an export's ``Texts.forms`` did), and
    ``forms``: the pointer forms it holds, as ``forms_and_edition`` counted them there;
    ``viewed``: the map holds on to ``blob`` for an export to view its columns there
    (``TextMap.kept``), not a map kept in memory for its text; its columns and annotations
    are views of ``blob`` (``elements.column_views``), not copies."""
    try:
        view = memoryview(blob)
        if decoded is None:
            head, at = _head(view)
        else:
            head, at = decoded, HEAD + head_size(view)
        text = str(view[at:at + head["text"]], "utf-8", "surrogatepass")
        at += head["text"]
        # the 17 columns copied (an export's viewed where the bytes hold them: it reads a few
        # numbers of most, none of some), ``textmap.READY`` after them left for it to view
        sizes, widths, ready_sizes = head["columns"], head["widths"], tuple(head["ready"])
        n = len(sizes)
        if len(widths) != n + len(ready_sizes):
            raise ValueError(f"{len(widths)} widths")
        kept_at = KeptColumns(blob, at, (*sizes, *ready_sizes), widths) if \
            viewed and isinstance(blob, bytes) else None
        read = elements.column_reader(kept_at is not None)
        cols, cols_end = read(view, at, sizes, widths[:n])
        at = cols_end + sum(map(mul, ready_sizes, map(elements.WIDTH.__getitem__, widths[n:])))
        (r_start, s_start, s_end, kind, node, slot, slot_off, blocks, start, end, tok_kind,
         tok_node, after, node_open, node_close, node_depth, roles) = cols
        pages = [(int(p), str(n)) for p, n in head["pages"]]
        kept = bytes(view[at:at + head["elements"]])
        at += head["elements"]
        notes, at = read(view, at, head["annotations"], head["note_widths"])
        annotations = Annotations([str(k) for k in head["kinds"]], *notes)
        pointers = str(view[at:at + head["pointers"]], "utf-8").split("\0")
        at += head["pointers"]
        if pointers.pop() or len(pointers) % 2:
            raise ValueError("pointers do not fit")
        paired = iter(pointers)
        found = Marked(annotations, _forms(head) if forms is None else forms,
                       list(zip(paired, paired)),
                       tuple((str(i), str(m), str(r)) for i, m, r in head["prefixes"]))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"not a kept text map ({exc})") from None
    kinds_fit = elements.all_below(notes[0], len(head["kinds"]))
    # the columns as long as the head says (every byte read, none past the end: ``at``), so
    # their sizes, not the columns, are compared
    if at != len(blob) or not kinds_fit or ready_sizes != (
            sizes[3], sizes[10], sizes[16] + 1, sizes[16] + 1) or len(set(sizes[:7])) != 1 or len(
                set(sizes[8:13])) != 1 or len(set(sizes[13:])) != 1 or (r_start and not (
                    r_start[0] == 0 and r_start[-1] <= len(text) and
                    s_end[-1] <= len(source_text))):
        raise ValueError("not a kept text map (columns do not fit)")
    return TextMap(
        text=text, source_text=source_text, sha256=sha256, r_start=r_start, s_start=s_start,
        s_end=s_end, kind=kind, node=node, slot=slot, slot_off=slot_off, blocks=blocks.tolist(),
        pages=pages, roles=roles,
        markup=Markup(start=start, end=end, kind=tok_kind, node=tok_node, after=after,
                      node_open=ByNode(node_open), node_close=ByNode(node_close),
                      node_depth=ByNode(node_depth)),
        elements_data=kept, marked=found, edition=_edition(head), kept=kept_at)


def _edition(head: dict[str, Any]) -> str:
    name = head["edition"]
    if not isinstance(name, str):
        raise TypeError(f"edition {name!r} is no name")
    return name


def _forms(head: dict[str, Any]) -> Counter[tuple[str, str]]:
    """The pointer forms a kept map's JSON head holds, as ``marked.pointer_forms`` counted them."""
    return Counter({(t, f): int(n) for t, f, n in head["forms"]})
