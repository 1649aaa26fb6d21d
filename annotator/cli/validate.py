"""annotator validate"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, render, user_errors
from annotator.text import first_few

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
    schema_only: Annotated[bool, typer.Option(
        "--schema-only", help="Check against the schema only, not whether the files' "
                              "pointers (@ref=\"#id\", @target...) name an xml:id.")] = False,
    strict_pointers: Annotated[bool, typer.Option(
        "--strict-pointers", help="Count a pointer that leads nowhere in the file (#id it "
                                  "does not hold) as an error, not a warning.")] = False,
) -> None:
    """Validate files against a RELAX NG schema and check that their pointers resolve; print
    each error as file:line:col: message.

    A pointer #id that names no xml:id of the file is a warning (file:line:col: warning:
    ...): editions keep their registers in other files; but on markup an annotator export
    wrote (a proposal, its standOff) it is an error: the export lacks what it names.
    other.xml#id must name one of other.xml when that file is beside it (an error if not;
    one that is not beside it is named on stderr, not checked); absolute URIs are not
    checked. Exit status: 0 when every file is valid (warnings or not), 1 when a file is
    invalid against the schema, not well-formed or has a pointer that leads nowhere that is
    an error (with --strict-pointers: or a warning), 2 when the command cannot run (no such
    file, no usable schema).
    """
    from annotator.tei.validate import validate

    invalid = warned = 0
    findings: list[Finding] = []
    with user_errors():
        for path in files:
            result = validate(path, schema, pointers=not schema_only)
            if format is None:
                for finding in result.findings:
                    typer.echo(str(finding))
            if result.elsewhere:
                typer.echo(_elsewhere(path, result.elsewhere), err=True)
            if result.bare:
                typer.echo(_bare(path, result.bare), err=True)
            findings.extend(result.findings)
            warned += bool(result.warnings)
            invalid += not result.valid or strict_pointers and bool(result.warnings)
    if format is not None:
        render([asdict(f) for f in findings], format,
               columns=["path", "line", "col", "warning", "code", "message", "hint"])
    typer.echo(_summary(len(files), invalid, warned, strict_pointers), err=True)
    if invalid:
        raise typer.Exit(1)


def _summary(files: int, invalid: int, warned: int, strict: bool) -> str:
    """``2 valid, 0 invalid; 2 with pointers that lead nowhere in the file (warnings)``:
    schema validity first, as an editor reads "invalid" as "the schema refuses it"."""
    line = f"{files - invalid} valid, {invalid} invalid"
    if warned:
        line += (f"; {warned} with pointers that lead nowhere in the file "
                 f"({'errors: --strict-pointers' if strict else 'warnings'})")
    return line


def _bare(path: Path, ids: tuple[str, ...]) -> str:
    """The stderr note on bare ids (``pe1267``) the file does not hold: looked up in the
    register of the workspace the file is in, if it is in one."""
    from annotator.errors import AnnotatorError
    from annotator.workspace import Workspace

    note = (f"{path}: {len(ids)} bare id(s) the file does not hold (its edition's register's, "
            "not files)")
    try:
        with Workspace.find(path.resolve().parent) as ws:
            known = ws.pointer_owners(ids)
    except AnnotatorError:
        return f"{note}, no workspace to check them against: {first_few(ids)}"
    unknown = [i for i in ids if i not in known]
    if not unknown:
        return f"{note}: all in the workspace's register"
    return (f"{note}: {len(ids) - len(unknown)} in the workspace's register, {len(unknown)} "
            f"not: {first_few(unknown)}")


def _elsewhere(path: Path, files: tuple[str, ...]) -> str:
    """The stderr note on pointers into files that are not beside ``path``."""
    return (f"{path}: pointers into {len(files)} file(s) not beside it, not checked: "
            f"{first_few(files)}")
