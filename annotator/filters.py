"""The filters of a listing over a closed set of names (types, statuses, states, kinds): one
name, several, or comma-separated, the same in the library, the CLI and the server.

DOCS: docs/review.md#listings
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.errors import DecisionError


def split(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """The names in ``value``: ``"person"``, ``["person", "place"]`` and ``"person,place"``
    alike; blanks dropped, each name once, in the order given."""
    if value is None:
        return ()
    given = [value] if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(n.strip() for part in given for n in part.split(",")
                               if n.strip()))


def unknown(names: Iterable[str], allowed: Sequence[str]) -> str | None:
    """The first of ``names`` not in ``allowed``, or None."""
    return next((n for n in names if n not in allowed), None)


def chosen(value: str | Iterable[str] | None, allowed: Sequence[str],
           what: str) -> tuple[str, ...] | None:
    """The names a filter keeps, or None when it keeps everything (nothing given); a name
    outside ``allowed`` is refused, naming ``what`` the filter is of."""
    names = split(value)
    bad = unknown(names, allowed)
    if bad is not None:
        raise DecisionError(f"unknown {what} '{bad}'", hint=f"use one of {', '.join(allowed)}",
                            code="D020")
    return names or None
