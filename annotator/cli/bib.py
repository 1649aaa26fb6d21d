"""annotator bib"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._output import (Format, FormatOpt, render, terminal_safe, user_errors,
                                   workspace)

if TYPE_CHECKING:
    from annotator.acts.bibliography import BibAdded
    from annotator.bibliography.library import Problem
    from annotator.records import BibEntry

bib_app = Typer(cls=WorkGroup, no_args_is_help=True,
                      help="The bibliography: works that support claims, with citation keys.")
app.add_typer(bib_app, name="bib")


@bib_app.command("add")
def bib_add_cli(
    files: Annotated[list[Path], typer.Argument(help="BibTeX or BibLaTeX files (UTF-8), read "
                                                     "as one library: macros and crossrefs "
                                                     "may span them; or CSL-JSON (Zotero's "
                                                     "or pandoc's, known by what it holds: "
                                                     "a JSON list or object).")],
    *,
    replace: Annotated[bool, typer.Option("--replace", help="Update entries whose key is "
                                          "already in the bibliography (the key stays).")]
    = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse on any problem, even one "
                                         "biber tolerates; nothing is added.")] = False,
    format: Annotated[Format, typer.Option("--format", "-f", help="table (csv and md alike): "
                                           "the problems and a summary on stderr; json: on stdout, the "
                                           "decision (for 'annotator undo ID'), the "
                                           "entries added and updated (key, file, line), "
                                           "those bib fold folded (key, kept) and "
                                           "every problem, a key made for an entry (S326) "
                                           "among them.")] = Format.table,
) -> None:
    """Add the works of .bib files as biber reads them, or of CSL-JSON files (Zotero's "CSL
    JSON", Better CSL JSON, pandoc's, export csl's): every entry that can be read comes in
    (one that cannot, or holds a control character, is left out), every problem is listed by
    kind (file:line: entry 'key': what; what to do); a file that is not text, or JSON that is
    not CSL-JSON, adds nothing.
    Each entry left out is one line on stderr; the rest come in and the command exits 0, but
    when entries were left out and none came in it exits 2 (nothing to show for the file but
    its errors); --strict exits 2 on any problem, adding nothing."""
    with user_errors():
        ws = workspace()
        result = ws.bib_add(*files, replace=replace, strict=strict)
    left_out = sum(p.severity == "skipped" for p in result.problems)
    if format is Format.json:
        typer.echo(json.dumps(_added_json(result), ensure_ascii=False, indent=2))
        if left_out and not result.added and not result.updated:
            raise typer.Exit(2)
        return
    for line in problem_report(result.problems):  # not an error, escaped as one: a key or
        typer.echo(terminal_safe(line), err=True)   # path may hold a control character
    done = [f"{len(result.added)} entr{'y' if len(result.added) == 1 else 'ies'} added"]
    if result.updated:
        done.append(f"{len(result.updated)} updated")
    if result.unchanged:
        done.append(f"{result.unchanged} already there")
    if result.folded:
        done.append(f"{len(result.folded)} folded by bib fold, left so ("
                    + ", ".join(f"{key} in {kept}" for key, kept in result.folded) + ")")
    if left_out:
        done.append(f"{left_out} left out")
    for key, kept, origin, differ in result.edited_since:
        typer.echo(terminal_safe(
            f"{key} changed in {origin} since it was folded into {kept} ({', '.join(differ)}); "
            f"not taken: edit {kept}, or undo the fold"), err=True)
    typer.echo(terminal_safe(f"{', '.join(str(f) for f in files)}: {', '.join(done)}"), err=True)
    if left_out and not result.added and not result.updated:
        raise typer.Exit(2)  # every entry that was new is broken: the file as given failed


def _added_json(result: BibAdded) -> dict[str, Any]:
    """What bib add did, for scripts: the entries added and updated, how many were there, and
    every problem (a key made for an entry, S326, says which key an item got)."""
    def work(e: BibEntry) -> dict[str, Any]:
        return {"key": e.key, "type": e.type, "origin": e.origin, "line": e.line}

    return {"decision": result.decision, "added": [work(e) for e in result.added],
            "updated": [work(e) for e in result.updated], "unchanged": result.unchanged,
            "folded": [{"key": key, "kept": kept} for key, kept in result.folded],
            "edited_since_fold": [{"key": key, "kept": kept, "file": origin,
                                   "fields": list(differ)}
                                  for key, kept, origin, differ in result.edited_since],
            "problems": [{"path": p.path, "line": p.line, "key": p.key, "code": p.code,
                          "severity": p.severity, "what": p.what, "hint": p.hint}
                         for p in result.problems]}


# Each kind of problem (``Problem.severity``), most serious first, with the heading it is
# listed under, grouped by what and counted; None: listed without one, each problem its own
# line, as every bad-input message is (an entry left out).
_KINDS: dict[str, str | None] = {"refused": "Refused (nothing added)", "skipped": None,
                                 "warning": "Warnings (biber tolerates these)",
                                 "note": "Notes (worth a look, never refused)"}


def problem_report(problems: Sequence[Problem]) -> list[str]:
    """Problems grouped by how bad (refused, left out, warnings), then by what, counted."""
    from annotator.bibliography.library import LABELS

    lines: list[str] = []
    for severity, title in _KINDS.items():
        mine = [p for p in problems if p.severity == severity]
        if title is None:
            lines.extend(str(p) for p in mine)
            continue
        if not mine:
            continue
        lines.append(f"{title}: {len(mine)}")
        by_code: dict[str, list[Problem]] = {}
        for p in mine:
            by_code.setdefault(p.code, []).append(p)
        for code, group in sorted(by_code.items()):
            lines.append(f"  {LABELS.get(code, code)} [{code}]: {len(group)}")
            lines.extend(f"    {p}" for p in group)
    return lines


@bib_app.command("list")
def bib_list_cli(
    query: Annotated[str | None, typer.Argument(help="Only entries whose key or fields contain "
                                                     "this (case and accents ignored).")]
    = None,
    *,
    format: FormatOpt = Format.table,
) -> None:
    """List the bibliography: key, type, authors, year, title, where each entry came from."""
    from annotator.bibliography.entries import names_read, plain, year_written  # listing only

    with user_errors():
        entries = workspace().bib(query)
    if format is Format.json:
        rows: list[dict[str, Any]] = [{"key": e.key, "type": e.type, "fields": dict(e.fields),
                                       "origin": e.origin, "line": e.line} for e in entries]
    else:
        rows = [{"key": e.key, "type": e.type,
                 "author": names_read(e.get("author") or e.get("editor")),
                 "year": year_written(e), "title": plain(e.get("title")),
                 "origin": e.origin + (f":{e.line}" if e.line and
                                       not e.origin.startswith("source:") else "")}
                for e in entries]
    render(rows, format, columns=["key", "type", "author", "year", "title", "origin"])


@bib_app.command("fold")
def bib_fold_cli(
    keys: Annotated[list[str] | None, typer.Argument(
        metavar="KEPT OTHER", help="Fold these works by hand: the works under OTHER "
        "keys into the work KEPT, whatever they say (works the files cannot prove one). "
        "Without keys: the works the files prove one.", show_default=False)] = None,
    *,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be folded; "
                                          "change nothing (with any --format).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Fold a source's own record (the "
                                        "letter itself, not a work it cites) by hand too; "
                                        "refused without it.")] = False,
    format: Annotated[Format, typer.Option("--format", "-f", help="table: each fold on "
                                           "stdout, a summary on stderr; json: what was "
                                           "done (or, with --dry-run, would be), as an "
                                           "object on stdout; csv and md: the folds. Every "
                                           "format folds: look first with --dry-run.")]
    = Format.table,
) -> None:
    """Fold works stored more than once for one work into one: its key kept, the others its
    aliases (ids, which biber and 'claim link' resolve), every link moved to it. A kept work
    whose bibls point to an id no work has (<title ref="bi0032">) takes that id as its key,
    its old key an alias, as adding the source now keys it (shown '(was journeylondon)').

    Without keys, the works a store from before 0.39 keeps more than once for one work its
    sources cite (journeylondon, journeylondona, journeylondonb for one <title ref="bi0032">;
    an article each letter of an edition cites), into the first added: only where the files
    say so, the bibls at the works' lines pointing to one work, or saying the same with no
    pointer. Left as they are: works of other titles and no shared pointer, .bib and CSL
    entries, a source's own record, another edition's works; bib add's S325 notes likely
    twins. Fold those by hand, 'annotator bib fold KEPT OTHER...' (a source's own record
    only with --force). One act: 'annotator undo'
    takes it back. Every --format folds (json says what was done): look first with
    --dry-run."""
    with user_errors():
        folded = workspace().bib_fold(*(keys or ()), dry_run=dry_run, force=force)
    n = sum(len(f.folded) for f in folded)
    kept = sum(bool(f.folded) for f in folded)
    renamed = sum(bool(f.was) for f in folded)
    folds = [{"kept": f.kept, "was": f.was, "folded": list(f.folded), "why": f.why}
             for f in folded]
    decision = folded[0].decision if folded else None  # one act: 'annotator undo' takes its id
    if format is Format.json:  # what was done, as bib add says it: not a listing to look at
        typer.echo(json.dumps({"dry_run": dry_run, "decision": decision, "folded": n,
                               "kept": kept, "renamed": renamed, "folds": folds},
                              ensure_ascii=False, indent=2))
        return
    if format is Format.table:
        for f in folded:
            was = f" (was {f.was})" if f.was else ""
            into = f" <- {', '.join(f.folded)}" if f.folded else ""
            typer.echo(terminal_safe(f"{f.kept}{was}{into} ({f.why})"))
        said = [f"{n} work{'s' * (n != 1)} {'would fold' if dry_run else 'folded'} into {kept} "
                f"kept ({n + kept} -> {kept})"] if n else []
        if renamed:
            said.append(f"{renamed} key{'s' * (renamed != 1)} {'would be ' if dry_run else ''}"
                        f"renamed to {'its' if renamed == 1 else 'their'} pointer's id, the "
                        "old an alias")
        typer.echo(", ".join(said) + (f" (decision {decision})" if decision else "")
                   if folded else
                   "nothing to fold: no work of the sources' text is stored twice", err=True)
        return
    render(folds, format, columns=["kept", "was", "folded", "why"])
