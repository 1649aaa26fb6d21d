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

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from html import escape
from typing import NamedTuple

CLAIM, MENTION = 0, 1  # layers, outermost first


class Highlight(NamedTuple):
    """One marked span of the reading text: a claim (underline) or a mention (coloured).

    A named tuple, not a dataclass: a long source has thousands and they live for one page.
    """

    start: int
    end: int
    layer: int
    ident: int
    classes: str = ""
    title: str = ""


def _tags(h: Highlight, heads: dict[tuple[int, str], str]) -> tuple[str, str, str]:
    """The opening tag of a highlight cut in two (the 'hs'/'he' classes go between), and its
    closing tag. ``heads`` shares the escaped first half between highlights of one class."""
    head = heads.get((h.layer, h.classes))
    if head is None:
        cls = escape(h.classes)
        head = f'<span class="c {cls}' if h.layer == CLAIM else f'<mark class="m {cls}'
        heads[(h.layer, h.classes)] = head
    title = f' title="{escape(h.title)}"' if h.title else ""
    if h.layer == CLAIM:
        return head, f'" data-c="{h.ident}"{title}>', "</span>"
    return head, f'" data-m="{h.ident}"{title}>', "</mark>"


class Reading:
    """One source version's reading text as HTML, drawn block by block.

    ``render(highlights)`` gives the whole text; a block whose highlights are the same as last
    time is not drawn again, so after one decision only the paragraphs it touched are.
    ``blocks`` are the reading offsets where blocks start (``TextMap.blocks``), ``pages`` the
    ``(offset, n)`` of each ``<pb/>`` (``TextMap.pages``), ``block_kinds`` an optional CSS
    class per block (e.g. ``head``).
    """

    def __init__(self, text: str, blocks: Sequence[int], pages: Sequence[tuple[int, str]],
                 block_kinds: Sequence[str] | None = None) -> None:
        self.text = text
        n = len(text)
        self.starts = list(blocks) or [0]
        self.ends = [s - 2 for s in self.starts[1:]] + [n]
        self.kinds = [escape(k) for k in block_kinds or ()]
        # a page break standing between blocks is shown at the start of the next block
        self.pages: list[list[tuple[int, str]]] = [[] for _ in self.starts]
        for pos, num in pages:
            i = max(0, bisect_right(self.starts, pos) - 1)
            if pos >= self.ends[i] and i + 1 < len(self.starts):
                i, pos = i + 1, self.starts[i + 1]
            self.pages[i].append((max(pos, self.starts[i]), num))
        self._drawn: list[tuple[tuple[Highlight, ...], str] | None] = [None] * len(self.starts)

    def render(self, highlights: Iterable[Highlight]) -> str:
        """HTML for the whole reading text with these highlights."""
        n = len(self.text)
        starts = self.starts
        per_block: list[list[Highlight]] = [[] for _ in starts]
        for h in highlights:
            if not 0 <= h.start < h.end <= n:
                continue
            first = bisect_right(starts, h.start) - 1
            last = bisect_right(starts, h.end - 1) - 1
            for i in range(first, last + 1):
                if h.start < self.ends[i] and self.starts[i] < h.end:
                    per_block[i].append(h)
        out = []
        for i, marks in enumerate(per_block):
            key = tuple(marks)
            drawn = self._drawn[i]
            if drawn is None or drawn[0] != key:
                drawn = (key, self._block(i, key))
                self._drawn[i] = drawn
            out.append(drawn[1])
        return "".join(out)

    def _block(self, i: int, highlights: Sequence[Highlight]) -> str:
        """One block: segments between the highlights' boundaries, each nested in the claims
        and mentions covering it."""
        text = self.text
        a0, a1 = self.starts[i], self.ends[i]
        opens: dict[int, list[Highlight]] = defaultdict(list)
        closes: dict[int, list[Highlight]] = defaultdict(list)
        for h in highlights:
            opens[max(h.start, a0)].append(h)
            closes[min(h.end, a1)].append(h)
        page_at: dict[int, list[str]] = defaultdict(list)
        for pos, num in self.pages[i]:
            page_at[pos].append(num)
        cuts = sorted({a0, a1, *opens, *closes, *page_at})
        kind = f" {self.kinds[i]}" if i < len(self.kinds) else ""
        out = [f'<p class="b{kind}" data-o="{a0}">']
        push = out.append
        tags: dict[tuple[int, int], tuple[str, str, str]] = {}
        heads: dict[tuple[int, str], str] = {}
        active: dict[tuple[int, int], Highlight] = {}
        last = len(cuts) - 1
        for k, a in enumerate(cuts):
            if a in closes:
                for h in closes[a]:
                    active.pop((h.layer, h.ident), None)
            if a in opens:
                for h in opens[a]:
                    key = (h.layer, h.ident)
                    active[key] = h
                    if key not in tags:
                        tags[key] = _tags(h, heads)
            if a in page_at:
                for num in page_at[a]:
                    push(f'<span class="pb" data-n="{escape(num)}" '
                         f'title="page {escape(num)}"></span>')
            if k == last:
                break
            b = cuts[k + 1]
            chunk = text[a:b]
            if "&" in chunk or "<" in chunk or ">" in chunk:
                chunk = escape(chunk, quote=False)
            if not active:
                push(chunk)
                continue
            layered = (sorted(active.values(), key=lambda h: (h.layer, h.start, -h.end))
                       if len(active) > 1 else list(active.values()))
            for h in layered:
                head, tail, _ = tags[(h.layer, h.ident)]
                push(head)
                if a == h.start:
                    push(" hs")
                if b == h.end:
                    push(" he")
                push(tail)
            push(chunk)
            for h in reversed(layered):
                push(tags[(h.layer, h.ident)][2])
        push("</p>")
        return "".join(out)


def render_reading(text: str, blocks: Sequence[int], pages: Sequence[tuple[int, str]],
                   highlights: Iterable[Highlight], *,
                   block_kinds: Sequence[str] | None = None) -> str:
    """HTML for the reading text: one ``<p>`` per block, highlights nested per segment."""
    return Reading(text, blocks, pages, block_kinds).render(highlights)
