"""The reading text as HTML: paragraphs, page numbers in the margin, mentions and claims marked.

One pass over the sorted boundaries of every highlight: the text between two boundaries is one
segment, written once, inside the claims and mentions that cover it (claims outside, as an
underline; mentions inside, as a coloured mark). Overlapping highlights therefore never need
crossing tags, and a 50,000-word source with 5,000 mentions renders in a few milliseconds.

Every character of the reading text is written exactly once, escaped, and nothing else is
written as text (page numbers are CSS generated content), so the browser script can turn a
selection back into reading-text offsets by counting characters from the paragraph's
``data-o`` (its offset). The "\\n\\n" between blocks is the only text left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

CLAIM, MENTION = 0, 1  # layers, outermost first


@dataclass(frozen=True, slots=True)
class Highlight:
    """One marked span of the reading text: a claim (underline) or a mention (coloured)."""

    start: int
    end: int
    layer: int
    ident: int
    classes: str = ""
    title: str = ""


def _open(h: Highlight, a: int, b: int) -> str:
    ends = (" hs" if a == h.start else "") + (" he" if b == h.end else "")
    title = f' title="{escape(h.title)}"' if h.title else ""
    if h.layer == CLAIM:
        return f'<span class="c {escape(h.classes)}{ends}" data-c="{h.ident}"{title}>'
    return f'<mark class="m {escape(h.classes)}{ends}" data-m="{h.ident}"{title}>'


def render_reading(text: str, blocks: Sequence[int], pages: Sequence[tuple[int, str]],
                   highlights: Iterable[Highlight], *,
                   block_kinds: Sequence[str] | None = None) -> str:
    """HTML for the reading text: one ``<p>`` per block, highlights nested per segment.

    ``blocks`` are the reading offsets where blocks start (``TextMap.blocks``), ``pages`` the
    ``(offset, n)`` of each ``<pb/>`` (``TextMap.pages``), ``block_kinds`` an optional CSS class
    per block (e.g. ``head``).
    """
    n = len(text)
    starts = list(blocks) or [0]
    ends = [s - 2 for s in starts[1:]] + [n]
    opens: dict[int, list[Highlight]] = defaultdict(list)
    closes: dict[int, list[Highlight]] = defaultdict(list)
    for h in highlights:
        if 0 <= h.start < h.end <= n:
            opens[h.start].append(h)
            closes[h.end].append(h)
    # a page break standing between blocks is shown at the start of the next block
    page_at: dict[int, list[str]] = defaultdict(list)
    bi = 0
    for pos, num in pages:
        while bi < len(starts) and ends[bi] < pos:
            bi += 1
        if bi < len(starts) and pos >= ends[bi] and bi + 1 < len(starts):
            pos = starts[bi + 1]
        elif bi < len(starts) and pos < starts[bi]:
            pos = starts[bi]
        page_at[pos].append(num)
    cuts = sorted({0, n, *starts, *ends, *opens, *closes, *page_at})
    block_start = {s: i for i, s in enumerate(starts)}
    block_end = set(ends)
    active: dict[tuple[int, int], Highlight] = {}
    out: list[str] = []
    inside = False
    for k, a in enumerate(cuts):
        for h in closes.get(a, ()):
            active.pop((h.layer, h.ident), None)
        for h in opens.get(a, ()):
            active[(h.layer, h.ident)] = h
        if inside and a in block_end:
            out.append("</p>")
            inside = False
        if a in block_start:
            i = block_start[a]
            kind = f" {escape(block_kinds[i])}" if block_kinds and i < len(block_kinds) else ""
            out.append(f'<p class="b{kind}" data-o="{a}">')
            inside = True
        for num in page_at.get(a, ()):
            out.append(f'<span class="pb" data-n="{escape(num)}" '
                       f'title="page {escape(num)}"></span>')
        if not inside or k + 1 == len(cuts):
            continue
        b = cuts[k + 1]
        chunk = escape(text[a:b], quote=False)
        if not active:
            out.append(chunk)
            continue
        layered = sorted(active.values(), key=lambda h: (h.layer, h.start, -h.end))
        out.extend(_open(h, a, b) for h in layered)
        out.append(chunk)
        out.extend("</mark>" if h.layer == MENTION else "</span>" for h in reversed(layered))
    if inside:
        out.append("</p>")
    return "".join(out)
