"""Where an editor's words are in a source's reading text: its blocks with their offsets, each
place some words occur, and the one span a quotation names (``--quote``, ``--nth``).

Every command that takes reading-text offsets (``mention add``, ``adjust``, ``claim add
--span``, ``claim link --passage``) takes the words instead, found here, one way.

DOCS: docs/review.md#offsets-and-words
"""

from __future__ import annotations

from annotator.acts.context import ActContext
from annotator.errors import DecisionError
from annotator.nlp.claim_finder import find_quote
from annotator.records import Placed
from annotator.tei.textmap import TextMap

# hits a refusal names one by one; the rest are counted
NAMED = 10


def blocks(ctx: ActContext, source_id: str, *, stored: bool = False) -> list[Placed]:
    """The blocks of a source's reading text (paragraphs, headings, notes...), each its span
    without the break after it, in reading order: where to read offsets from. ``stored``: a
    file edited by hand since it was added (S016) read as the store keeps it
    (``Texts.as_stored``), for ``text``, which warns of it."""
    tm = (ctx.texts.as_stored() if stored else ctx.texts).textmap(source_id)
    starts = [*tm.blocks, len(tm.text)]
    spans = [(a, a + len(tm.text[a:b].rstrip())) for a, b in zip(starts, starts[1:])]
    return [_placed(tm, a, b) for a, b in spans if b > a]


def find(ctx: ActContext, source_id: str, words: str, *, stored: bool = False
         ) -> list[Placed]:
    """Every place ``words`` occur in a source's reading text, in reading order (whitespace
    and the shape of quotation marks and dashes do not matter, as for a claim's quotation);
    ``stored`` as ``blocks`` takes it."""
    tm = (ctx.texts.as_stored() if stored else ctx.texts).textmap(source_id)
    return [_placed(tm, a, b) for a, b in find_quote(tm.text, words)]


def quoted(ctx: ActContext, source_id: str, words: str, *, nth: int | None = None,
           near: tuple[int, int] | None = None) -> tuple[int, int]:
    """The span of the reading text that ``words`` quote: their one occurrence, the ``nth``
    (1-based) of several, or (``near``, an adjusted mention's span) the one occurrence over
    that span. Refused, naming the hits with their offsets and places: words not in the text
    (D301), in it several times with no choice (D302), an ``nth`` beyond them (D321)."""
    src = ctx.texts.source(source_id)
    tm = ctx.texts.textmap(source_id)
    hits = find_quote(tm.text, words)
    said = f"'{' '.join(words.split())}'"
    if not hits:
        raise DecisionError(f"the words {said} are not in the reading text of '{source_id}'",
                            hint=f"copy them as 'annotator text {source_id}' shows them "
                                 "(--find part of them), or give offsets",
                            location=ctx.texts.place(src), code="D301")
    if nth is not None:
        if not 1 <= nth <= len(hits):
            raise DecisionError(f"--nth {nth}, but the words {said} occur {len(hits)} "
                                f"time{'s' * (len(hits) != 1)} in the reading text of "
                                f"'{source_id}': {_named(tm, hits)}",
                                hint=f"give --nth 1 to {len(hits)}",
                                location=ctx.texts.place(src), code="D321")
        return hits[nth - 1]
    if len(hits) > 1 and near is not None:
        over = [h for h in hits if h[0] < near[1] and near[0] < h[1]]
        if len(over) == 1:
            return over[0]
    if len(hits) > 1:
        raise DecisionError(f"the words {said} occur {len(hits)} times in the reading text "
                            f"of '{source_id}': {_named(tm, hits)}",
                            hint=f"choose one with --nth N (1 to {len(hits)}), or quote more "
                                 "of the text so it occurs once",
                            location=ctx.texts.place(src), code="D302")
    return hits[0]


def _named(tm: TextMap, hits: list[tuple[int, int]]) -> str:
    """'1 at 120:126 (¶ 2, line 14), 2 at ...', the first ``NAMED``, the rest counted."""
    named = ", ".join(f"{i} at {a}:{b} ({_placed(tm, a, b).location})"
                      for i, (a, b) in enumerate(hits[:NAMED], 1))
    return named + (f", and {len(hits) - NAMED} more" if len(hits) > NAMED else "")


def _placed(tm: TextMap, start: int, end: int) -> Placed:
    (paragraph, line, page), last = tm.span_places(start, end)
    return Placed(start, end, paragraph, line, page, last)
