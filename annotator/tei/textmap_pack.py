"""Text maps kept between runs, in the store: building one walks every tag of the file in
Python (about 60 ms for a million words), loading one is a few array copies.

A map depends only on the file's bytes and on the reading-text policy, so it is kept under the
file's hash and ``CODE``, a digest of the code that builds and keeps it (``textmap.py``,
``parse.py``, ``elements.py`` and this module): a change to any makes every kept map stale,
with no version number to forget. The format is a JSON head, the reading text in UTF-8 (kept
whole: rebuilding it from the file's slices cost an export more than any other step of loading),
little-endian 64-bit integer columns read with the standard library's ``array``, and the
file's ``Elements`` as JSON: no pickle, so a workspace from someone else
cannot run code, and no numpy, so commands that only read a text stay quick to start.

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from pathlib import Path

from annotator.tei import elements, parse, textmap
from annotator.tei.textmap import Markup, TextMap

# parse.py too: it makes the text (decoding) and the tree (parser options) a map points into;
# a change there with the same file bytes would leave kept offsets pointing at other characters
SOURCES = (Path(textmap.__file__), Path(parse.__file__), Path(elements.__file__),
           Path(__file__))
CODE = hashlib.sha256(b"".join(p.read_bytes() for p in SOURCES)).hexdigest()[:16]
ROLES = ("skip", "block", "break", "join", "inline")
_ROLE_CODE = {r: i for i, r in enumerate(ROLES)}
# the names ``TextMap.packed`` gives the columns, in the order ``dump`` writes them
PACKED = ("r_start", "s_start", "s_end", "kind", "node", "slot", "slot_off", "blocks",
          "tok_start", "tok_end", "tok_kind", "tok_node", "tok_after", "open_k", "open_v",
          "close_k", "close_v", "depth_k", "depth_v", "roles")
_SWAP = sys.byteorder != "little"


def dump(tm: TextMap) -> bytes:
    """The map as bytes (its source text and hash are the file's: not kept twice)."""
    mk = tm.markup
    columns = [tm.r_start, tm.s_start, tm.s_end, tm.kind, tm.node, tm.slot, tm.slot_off,
               tm.blocks, mk.start, mk.end, mk.kind, mk.node, mk.after,
               list(mk.node_open), list(mk.node_open.values()),
               list(mk.node_close), list(mk.node_close.values()),
               list(mk.node_depth), list(mk.node_depth.values()),
               [_ROLE_CODE[r] for r in tm.roles]]
    text = tm.text.encode("utf-8", "surrogatepass")
    kept = tm.elements_data or tm.elements().dump()
    head = json.dumps({"columns": [len(c) for c in columns], "text": len(text),
                       "pages": tm.pages, "elements": len(kept)}).encode("utf-8")
    out = [len(head).to_bytes(4, "little"), head, text]
    for col in columns:
        a = array("q", col)
        if _SWAP:  # pragma: no cover - no big-endian machine in CI
            a.byteswap()
        out.append(a.tobytes())
    out.append(kept)  # last, and read only by an export (``TextMap.elements``)
    return b"".join(out)


def load(blob: bytes, source_text: str, sha256: str) -> TextMap:
    """The map ``dump`` wrote; ValueError if the bytes are not one (then build it anew)."""
    try:
        view = memoryview(blob)
        size = int.from_bytes(view[:4], "little")
        head = json.loads(bytes(view[4:4 + size]))
        at = 4 + size + head["text"]
        text = str(view[4 + size:at], "utf-8", "surrogatepass")
        cols: list[list[int]] = []
        arrays: list[array[int]] = []
        for n in head["columns"]:
            a = array("q")
            a.frombytes(view[at:at + 8 * n])
            if _SWAP:  # pragma: no cover
                a.byteswap()
            arrays.append(a)
            cols.append(a.tolist())
            at += 8 * n
        (r_start, s_start, s_end, kind, node, slot, slot_off, blocks, start, end, tok_kind,
         tok_node, after, open_k, open_v, close_k, close_v, depth_k, depth_v, roles) = cols
        pages = [(int(p), str(n)) for p, n in head["pages"]]
        role_names = [ROLES[r] for r in roles]
        kept = bytes(view[at:at + head["elements"]])
        at += head["elements"]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"not a kept text map ({exc})") from None
    if at != len(blob) or len({len(c) for c in cols[:7]}) != 1 or len(
            {len(c) for c in cols[8:13]}) != 1 or (r_start and not (
                r_start[0] == 0 and r_start[-1] <= len(text) and s_end[-1] <= len(source_text))):
        raise ValueError("not a kept text map (columns do not fit)")
    return TextMap(
        text=text, source_text=source_text, sha256=sha256, r_start=r_start, s_start=s_start,
        s_end=s_end, kind=kind, node=node, slot=slot, slot_off=slot_off, blocks=blocks,
        pages=pages, roles=role_names,
        markup=Markup(start=start, end=end, kind=tok_kind, node=tok_node, after=after,
                      node_open=dict(zip(open_k, open_v)),
                      node_close=dict(zip(close_k, close_v)),
                      node_depth=dict(zip(depth_k, depth_v))),
        elements_data=kept, packed=dict(zip(PACKED, arrays)))

