"""The one scoring of proposals against gold spans (P/R/F1 per type, exact and overlap), which
``eval`` against a gold file and ``eval --folds`` share.

DOCS: docs/proposals.md#evaluation
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from annotator.records import TypeScore

SCORED = ("person", "place", "org", "date")


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One gold annotation in the gold text's own offsets."""

    start: int
    end: int
    type: str  # person, place, org, date or ignore
    value: tuple[tuple[str, str], ...] = ()


class Predicted(Protocol):
    """What is scored: a stored mention, or a proposal made in memory (cross-validation)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def type(self) -> str: ...


P = TypeVar("P", bound=Predicted)


def score(gold: Sequence[GoldSpan], predicted: Sequence[P], *,
          types: Sequence[str] = SCORED) -> tuple[list[TypeScore], list[tuple[GoldSpan, P | None]]]:
    """Per-type scores, and each gold date with its best overlapping predicted date (or None).

    Predictions that overlap an IGNORE span (and no gold span of their type) are not scored.
    Overlap matching is one to one, gold in text order. ``types``: the types scored (an
    edition that marks persons and dates only is scored for those).
    """
    ignore = [g for g in gold if g.type == "ignore"]
    scores = []
    date_pairs: list[tuple[GoldSpan, P | None]] = []
    for type_ in types:
        g = [x for x in gold if x.type == type_]
        p = [m for m in predicted if m.type == type_]
        p = [m for m in p if not any(m.start < i.end and i.start < m.end for i in ignore) or
             any(m.start < x.end and x.start < m.end for x in g)]
        exact = len({(x.start, x.end) for x in g} & {(m.start, m.end) for m in p})
        used: set[int] = set()
        overlap = 0
        for x in g:
            best = None
            for j, m in enumerate(p):
                if j in used or not (m.start < x.end and x.start < m.end):
                    continue
                size = min(m.end, x.end) - max(m.start, x.start)
                if best is None or size > best[0]:
                    best = (size, j)
            if best is not None:
                used.add(best[1])
                overlap += 1
            if type_ == "date" and x.value:
                date_pairs.append((x, p[best[1]] if best is not None else None))
        scores.append(TypeScore(type_, len(g), len(p), exact, overlap))
    return scores, date_pairs
