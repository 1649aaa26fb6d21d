"""annotator validate"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, render, user_errors

if TYPE_CHECKING:
    from annotator.records import Finding


@app.command("validate")
def validate_cli(
    files: Annotated[list[Path], typer.Argument(help="XML files to check.")],
    *,
    schema: Annotated[Path | None, typer.Option(
        "--schema", help="RELAX NG schema (.rng) (default: the local .rng named by "
                               "the file's <?xml-model?>, else TEI P5 tei_all).")] = None,
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="table, json, csv or md (default: one 'file:line:col: message' "
                               "line per finding, as compilers print).")] = None,
) -> None:
    """Validate files against a RELAX NG schema; print each error as file:line:col: message.

    Exit status: 0 when every file is valid, 1 when a file is invalid or not well-formed (a
    finding), 2 when the command cannot run (no such file, no usable schema).
    """
    from annotator.tei.validate import validate

    invalid = 0
    findings: list[Finding] = []
    with user_errors():
        for path in files:
            result = validate(path, schema)
            if format is None:
                for finding in result.findings:
                    typer.echo(str(finding))
            findings.extend(result.findings)
            invalid += not result.valid
    if format is not None:
        render([asdict(f) for f in findings], format, columns=["path", "line", "col", "message"])
    typer.echo(f"{len(files) - invalid} valid, {invalid} invalid", err=True)
    if invalid:
        raise typer.Exit(1)
