"""Parameters coerced without pydantic where the coercion is plain.

typer (0.29) coerces every parameter with a pydantic ``TypeAdapter`` that it builds on first
use and caches on the parameter (``get_runtime_param`` fills ``_runtime_param``). Importing
pydantic for that costs about 0.1 s at every run of every command, to turn strings into
strings. Before parsing, ``plain_params`` fills that cache of each parameter of a plain kind
(str, int, bool, an enum, a path, a list of these) with ``Plain``, which answers the plain
values (a string, ASCII digits, an enum's value, a path) as typer's adapter would: with the
same steps, calling typer's own choice and path functions. Anything else (a bad value, whose
message typer words; a bound it would refuse) goes to the runtime parameter typer builds
itself, so behaviour and messages stay typer's. Nothing of typer is replaced: with a typer
without these names nothing is filled and typer coerces as it does (tests/test_cli.py then
finds pydantic imported); tests/test_cli.py compares ``Plain`` with typer's own on many values.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from typer import _click as click

try:
    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
except ImportError:  # another typer: it coerces every parameter itself
    build_runtime_param = None  # type: ignore[assignment]

UNSURE = object()  # not a plain value: typer's own coercion answers
Leaf = Callable[[Any, click.Parameter, click.Context | None], Any]


class Plain:
    """A parameter's coercion: ``leaf`` for each plain value, typer's own for the rest."""

    def __init__(self, leaf: Leaf, *, is_list: bool) -> None:
        self.leaf = leaf
        self.is_list = is_list
        self.own: Any = None  # typer's runtime parameter, built (with pydantic) when needed

    def coerce(self, value: Any, param: click.Parameter, ctx: click.Context | None) -> Any:
        """As typer's ``RuntimeParam.coerce``: None is None (or ``()`` for many values)."""
        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        if self.is_list:  # typer takes each item of a list or tuple as one value
            done: Any = UNSURE
            if isinstance(value, (list, tuple)):
                done = [self.leaf(v, param, ctx) for v in value]
                done = UNSURE if any(v is UNSURE for v in done) else done
        else:
            done = self.leaf(value, param, ctx)
        if done is not UNSURE:
            return done
        if self.own is None:
            self.own = build_runtime_param(getattr(param, "type_descriptor"))
        return self.own.coerce(value, param=param, ctx=ctx)


def _leaf(annotation: Any, info: Any) -> Leaf | None:
    """The plain coercion of one value of ``annotation``, or None: typer's own for all."""
    if info.parser is not None:
        return None
    if annotation is str:
        return lambda v, p, c: v if type(v) is str else UNSURE
    if annotation is bool:
        return lambda v, p, c: v if type(v) is bool else UNSURE
    if annotation is int and not info.clamp:
        def integer(v: Any, p: click.Parameter, c: click.Context | None) -> Any:
            if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) <= 18:
                v = int(v)  # what pydantic reads from ASCII digits; anything else is typer's
            if type(v) is not int or (info.min is not None and v < info.min) \
                    or (info.max is not None and v > info.max):
                return UNSURE
            return v
        return integer
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        choices = list(annotation)

        def choice(v: Any, p: click.Parameter, c: click.Context | None) -> Any:
            try:
                return coerce_cli_choice(v, choices=choices, case_sensitive=info.case_sensitive,
                                         ctx=c)
            except Exception:  # noqa: BLE001  (typer words the refusal)
                return UNSURE
        return choice
    if annotation is Path and info.path_type is None and routes_to_path(annotation, info):
        def path(v: Any, p: click.Parameter, c: click.Context | None) -> Any:
            if isinstance(v, str):
                v = Path(v)  # pydantic's Path of a string
            if not isinstance(v, Path):
                return UNSURE
            try:  # typer's own checks (exists, readable...), given the Path
                return coerce_cli_path(v, info, path_type=Path, param=p,  # type: ignore[arg-type]
                                       ctx=c)
            except Exception:  # noqa: BLE001  (typer words the refusal, naming the string)
                return UNSURE
        return path
    return None


def plain_params(params: Iterable[click.Parameter]) -> None:
    """Fill the coercion cache of each plain parameter of ``params`` (a command's, before it
    parses: ``_app.Command``)."""
    if build_runtime_param is None:
        return
    for param in params:
        desc = getattr(param, "type_descriptor", None)
        if desc is None or getattr(param, "_runtime_param", False) is not None \
                or desc.file_annotation is not None:
            continue
        annotation, is_list = desc.annotation, desc.is_list
        if is_list:
            annotation = annotation.__args__[0]
        leaf = _leaf(annotation, desc.parameter_info)
        if leaf is not None:
            setattr(param, "_runtime_param", Plain(leaf, is_list=is_list))
