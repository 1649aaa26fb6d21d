"""The filters of the listings, one option kind for all: ``--type person,place`` is ``--type
person --type place``, each value checked against its closed set while the options are read,
so a typo is a usage error (exit 2) before the workspace is opened.

DOCS: docs/review.md#listings
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click  # typer carries its own click; its classes are these
from typer.core import TyperOption

from annotator.cli._complete import source_ids
from annotator.filters import split, unknown


def filter_option(*decls: str, choices: Sequence[str], help: str) -> Any:
    """A repeatable, comma-separated option whose values are ``choices``; the command gets
    the names given (each once, in order) or None. Declare its parameter ``list[str] | None``:
    a plain list, read without pydantic (``_params``)."""

    def check(ctx: click.Context, param: TyperOption,
              value: list[str] | None) -> list[str] | None:
        names = split(value)
        bad = unknown(names, choices)
        if bad is not None:  # worded as typer words a bad choice
            raise typer.BadParameter(f"{bad!r} is not one of {', '.join(map(repr, choices))}",
                                     ctx=ctx, param=param)
        return list(names) or None

    def complete(incomplete: str) -> list[str]:
        """Shell completion of the name being typed after those before its comma."""
        done, _, typed = incomplete.rpartition(",")
        given = set(split(done))
        head = f"{done}," if done else ""
        return [head + c for c in choices if c.startswith(typed) and c not in given]

    return typer.Option(*decls, metavar=f"<{'|'.join(choices)}>[,...]", callback=check,
                        autocompletion=complete, help=f"{help}; repeat or comma-separate.")


def sources_option(help: str) -> Any:
    """``--source``, repeatable and comma-separated as the other filters, its ids checked by
    the library (S015, with the ids it may have meant); completed with the workspace's ids.
    Declare its parameter ``list[str] | None``."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        done, _, typed = incomplete.rpartition(",")
        head = f"{done}," if done else ""
        given = set(split(done))
        return [head + sid for sid in source_ids(ctx, typed) if sid not in given]

    return typer.Option("--source", metavar="<source>[,...]", autocompletion=complete,
                        help=f"{help}; repeat or comma-separate.")
