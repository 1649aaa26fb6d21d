"""What every command shares: errors as one line and exit 2, listings as table/json/csv."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer._click.globals import get_current_context  # typer carries its own click

from annotator.errors import AnnotatorError
from annotator.text import spreadsheet_safe

if TYPE_CHECKING:
    from annotator.workspace import Workspace


F = TypeVar("F", bound=Callable[..., Any])


# Listings longer than this are drawn as plain aligned columns, not a rich table.
PLAIN_ROWS = 200

# Columns of free text: they wrap; every other column stays on one line.
WRAP_COLUMNS = frozenset({"context", "text", "title", "claim", "works", "note", "variants",
                          "payload", "message", "reason"})


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format: table, json, "
                                                                  "csv or md (Markdown).")]


def authority_field(authority: Sequence[tuple[str, str]], fmt: Format) -> dict[str, str] | str:
    """An entry's authority ids as every listing shows them: in JSON an object by scheme
    (``{"wikidata": "Q352"}``, ``{}`` for none; the store holds one id a scheme, and a
    decisions file's ``link`` writes them so), elsewhere ``wikidata:Q352 gnd:118551655``."""
    if fmt is Format.json:
        return dict(authority)
    return " ".join(f"{scheme}:{value}" for scheme, value in authority)


def to_stdout(output: str | Path | None) -> bool:
    """``-o -``: standard output, as for most Unix tools, never a file named '-'."""
    return output is not None and str(output) == "-"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an AnnotatorError into its one-line message on stderr and exit status 2."""
    try:
        yield
    except AnnotatorError as err:
        for line in err.details:
            typer.echo(terminal_safe(line), err=True)
        line = str(err)
        if err.location is None:  # a command's own argument: the place is the command
            ctx = get_current_context(silent=True)
            if ctx is not None:
                line = f"{ctx.command_path}: {line}"
        typer.echo(terminal_safe(line), err=True)
        raise typer.Exit(2) from None


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def terminal_safe(line: str) -> str:
    """A message line with the control characters a name or path it quotes may hold shown as
    ``\\x01``: an escape sequence would drive the terminal, a newline break the one line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)


def workspace() -> Workspace:
    """The workspace of this invocation (from -w, $ANNOTATOR_WORKSPACE or the current folder)."""
    from annotator.cli._app import Globals
    from annotator.workspace import Workspace

    ws = Workspace.find(Globals.workspace) if Globals.workspace else Workspace.find()
    if Globals.editor is not None:  # --editor "" is refused, not taken as no --editor
        ws.editor = Globals.editor
    say_upgraded(ws)
    return ws


def say_upgraded(ws: Workspace) -> None:
    """What bringing an older store up to date changed (the sources it dated anew), a line
    each on stderr, once."""
    from annotator.config import STORE_FILE
    from annotator.files import reached

    for note in ws.upgraded:
        typer.echo(terminal_safe(f"{reached(ws.root / STORE_FILE)}: {note}"), err=True)
    ws.upgraded.clear()


@contextmanager
def progress_bar(what: str, *, unit: str = "") -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr when it is a terminal; nothing otherwise.

    With a ``unit`` ("words") it counts done/total in that unit and its speed instead of a
    percentage.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, Task, TaskProgressColumn
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Task) -> Text:
            total = f"/{task.total:,.0f}" if task.total is not None else ""
            speed = f", {task.speed:,.0f} {unit}/s" if task.speed else ""
            return Text(f"{task.completed:,.0f}{total} {unit}{speed}")

    columns = [Count() if unit and isinstance(c, TaskProgressColumn) else c
               for c in Progress.get_default_columns()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def status_line() -> Iterator[Callable[[str], None] | None]:
    """A transient one-line status on stderr (what a long run is doing) when it is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status("") as status:
        yield lambda text: status.update(text)


WRAP_MIN = 12  # the narrowest a column of long text is drawn


def render(rows: Sequence[dict[str, Any]], fmt: Format | str, *, columns: Sequence[str],
           title: str | None = None, empty: str | None = None) -> None:
    """Print rows to stdout: a rich table for people, JSON or CSV for scripts, Markdown for
    documents. No rows and an ``empty`` line (``none_matched``): the table is that line on
    stderr, not a table of headers; scripts still get their empty list or header row."""
    fmt = Format(fmt)
    if not rows and empty is not None and fmt is Format.table:
        typer.echo(empty, err=True)
        return
    if fmt is Format.md:
        def esc(value: Any) -> str:
            return _cell(value).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(esc(row.get(c)) for c in columns) + " |" for row in rows]
        if title:  # a heading, and a blank line after: tables printed in a row stay apart
            lines = [f"### {title}", "", *lines, ""]
        typer.echo("\n".join(lines))
        return
    if fmt is Format.json:
        typer.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    if fmt is Format.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore",
                                lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _csv_cell(row.get(c)) for c in columns})
        sys.stdout.write(buf.getvalue())
        return
    if len(rows) > PLAIN_ROWS:
        _plain_table(rows, columns, title)
        return
    from rich.console import Console
    from rich.table import Table

    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    # short columns never wrap and are never squeezed out of sight (an id the next command
    # needs, a mention's text); long text (context, titles) takes the rest and wraps. A
    # terminal too narrow for that gets the plain columns, whose lines run on
    short = {i: min(40, max([len(c)] + [len(line[i]) for line in cells]))
             for i, c in enumerate(columns) if c not in WRAP_COLUMNS}
    console = Console(soft_wrap=False, markup=False, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(soft_wrap=False, markup=False, highlight=False, width=160)
    need = sum(short.values()) + WRAP_MIN * (len(columns) - len(short)) + 3 * len(columns) + 1
    if need > console.width:
        _plain_table(rows, columns, title)
        return
    table = Table(title=title, show_lines=False)
    for i, c in enumerate(columns):
        table.add_column(c, no_wrap=i in short, overflow="ellipsis" if i in short else "fold",
                         min_width=short.get(i, WRAP_MIN), max_width=40 if i in short else None)
    for line in cells:
        table.add_row(*line)
    console.print(table)


def none_matched(what: str, *filters: tuple[str, str | Sequence[str] | None]) -> str:
    """The line of a listing with no rows, naming the filters given (option, value):
    ``no claims match --status unsupported --source letter``; ``no claims`` without any."""
    given = [f"{opt} {v if isinstance(v, str) else ','.join(v)}" for opt, v in filters if v]
    return f"no {what} match {' '.join(given)}" if given else f"no {what}"


def _plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[str],
                 title: str | None) -> None:
    """Aligned plain columns: rich lays out every cell of every row (seconds at thousands of
    rows); this is one pass. Short columns are cut at 40 characters, free text is not."""
    cells = [[_cell(row.get(c)).replace("\n", " ") for c in columns] for row in rows]
    cells = [[v if c in WRAP_COLUMNS or len(v) <= 40 else v[:39] + "…"
              for c, v in zip(columns, line)] for line in cells]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    out = [title] if title else []
    for line in [list(columns), ["-" * w for w in widths], *cells]:
        out.append("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip())
    sys.stdout.write("\n".join(out) + "\n")


def clipped(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters with an ellipsis: a listing's row stays
    one row however long a title or claim is (json and csv keep it whole)."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv_cell(value: Any) -> str:
    """A CSV cell: text that a spreadsheet would run as a formula is neutralised (numbers,
    negative ones too, stay numbers)."""
    if isinstance(value, (int, float)):
        return str(value)
    return spreadsheet_safe(_cell(value))


def context_of(text: str, start: int, end: int, width: int = 30) -> str:
    """The words around a span, the span in [brackets], on one line."""
    from annotator.tei.textmap import context

    before, after = context(text, start, end, width)
    return " ".join(f"{before}[{text[start:end]}]{after}".split())

