"""annotator conventions"""

from __future__ import annotations

from annotator.cli._app import app
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace


@app.command("conventions")
def conventions_cli(
    *,
    format: FormatOpt = Format.table,
) -> None:
    """The edition's conventions learned from its confirmed markup: titles, kin terms, articles,
    'city of', possessives inside or outside the element, dates wrapping whole datelines.

    Proposals' spans follow them; override one in annotator.toml under [annotator.conventions]
    (e.g. titles = "inside").
    """
    with user_errors():
        rows = workspace().conventions().rows()
    render(rows, format, columns=["convention", "value", "source", "evidence", "about"], title="conventions")
