"""annotator confirm / reject / relabel / merge / split / adjust / mention add / link / prefer /
note / undo / history / register / apply / review: editors' decisions from the command line."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, render, user_errors, workspace
from annotator.records import Decision

EXPECTED = typer.Option("--expected", help="State token read earlier (annotator history "
                        "--token); refuse if the target changed since.")


def _done(decision: Decision) -> None:
    typer.echo(f"decision {decision.id}: {decision.act} {decision.target}", err=True)


@app.command("confirm")
def confirm_cli(
    targets: Annotated[list[str], typer.Argument(help="Entity ids or mention:<id>.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Confirm entities (with all their undecided mentions) or single mentions."""
    with user_errors():
        _done(workspace().confirm(*targets, expected=expected))


@app.command("reject")
def reject_cli(
    targets: Annotated[list[str], typer.Argument(help="Entity ids or mention:<id>.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Reject entities (their names are never proposed again for that type) or mentions."""
    with user_errors():
        _done(workspace().reject(*targets, expected=expected))


@app.command("relabel")
def relabel_cli(
    target: Annotated[str, typer.Argument(help="Entity id or mention:<id>.")],
    new_type: Annotated[str, typer.Argument(help="person, place or org (date for a mention).")],
    *,
    confirm: Annotated[bool, typer.Option("--confirm", help="Also confirm it.")] = False,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Change the type of an entity (and its mentions) or of one mention."""
    with user_errors():
        _done(workspace().relabel(target, new_type, confirm=confirm, expected=expected))


@app.command("merge")
def merge_cli(
    entity: Annotated[str, typer.Argument(help="Entity to fold in (it disappears).")],
    into: Annotated[str, typer.Argument(help="Entity that stays.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Merge an entity into another: mentions, spellings and authority ids move over."""
    with user_errors():
        _done(workspace().merge(entity, into, expected=expected))


@app.command("split")
def split_cli(
    entity: Annotated[str, typer.Argument(help="Entity to split.")],
    mentions: Annotated[list[str], typer.Argument(help="Mention ids to move to a new entity.")],
    *,
    preferred: Annotated[str | None, typer.Option(help="Name of the new entity.")] = None,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Move some mentions off an entity to a new entity (two people of one name...)."""
    with user_errors():
        _done(workspace().split(entity, mentions, preferred=preferred, expected=expected))


@app.command("adjust")
def adjust_cli(
    mention: Annotated[str, typer.Argument(help="Mention id (or mention:<id>).")],
    start: Annotated[int, typer.Argument(help="New start (reading-text offset).")],
    end: Annotated[int, typer.Argument(help="New end (exclusive).")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Correct a mention's span; the corrected mention counts as confirmed."""
    with user_errors():
        _done(workspace().adjust(mention, start, end, expected=expected))


mention_app = typer.Typer(help="Mentions one by one.", no_args_is_help=True)
app.add_typer(mention_app, name="mention")


@mention_app.command("add")
def mention_add_cli(
    source: Annotated[str, typer.Argument(help="Source id.")],
    start: Annotated[int, typer.Argument(help="Start (reading-text offset).")],
    end: Annotated[int, typer.Argument(help="End (exclusive).")],
    type_: Annotated[str, typer.Argument(metavar="TYPE", help="person, place, org or date.")],
    *,
    entity: Annotated[str | None, typer.Option(help="Entity it names (default: by name).")]
    = None,
    date: Annotated[str | None, typer.Option(
        help='Date value: 1940-11-12, or JSON {"from": "1940-11-12", "to": "1940-11-14"}.')]
    = None,
) -> None:
    """Add a mention the model missed, confirmed; a name joins (or starts) an entity."""
    with user_errors():
        _done(workspace().add_mention(source, start, end, type_, entity_id=entity,
                                      date_value=date))


@app.command("link")
def link_cli(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    scheme: Annotated[str, typer.Argument(help="wikidata, viaf, geonames or gnd.")],
    value: Annotated[str, typer.Argument(help="The id (or its URL); \"\" removes the link.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Link an entity to an authority file; the id's shape is checked."""
    with user_errors():
        _done(workspace().link(entity, scheme, value, expected=expected))


@app.command("prefer")
def prefer_cli(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    name: Annotated[str, typer.Argument(help="Preferred name.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Set the name the register shows and exports first."""
    with user_errors():
        _done(workspace().set_preferred(entity, name, expected=expected))


@app.command("note")
def note_cli(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    text: Annotated[str, typer.Argument(help="The note (\"\" clears it).")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Set an entity's editorial note (exported with the register)."""
    with user_errors():
        _done(workspace().set_note(entity, text, expected=expected))


@app.command("undo")
def undo_cli(
    decision: Annotated[int | None, typer.Argument(help="Decision id (default: the last act "
                                                        "still in force).")] = None,
) -> None:
    """Undo the last act, or a given one; the rows it changed get their earlier values back."""
    with user_errors():
        d = workspace().undo(decision)
        typer.echo(f"decision {d.id}: undid {d.undoes} ({d.payload.get('act')} {d.target})",
                   err=True)


@app.command("history")
def history_cli(
    *,
    target: Annotated[str | None, typer.Option(help="Only acts on this entity or "
                                                    "mention:<id>.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many, newest first.")
                     ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
    = Format.table,
) -> None:
    """The decisions log, newest first: who did what, when, and what was undone."""
    with user_errors():
        rows = [asdict(d) for d in workspace().history(target=target, limit=limit)]
    if format is Format.table:
        for r in rows:
            r["payload"] = " ".join(f"{k}={v}" for k, v in r["payload"].items()
                                    if v not in (None, "", False))
    render(rows, format, columns=["id", "at", "editor", "act", "target", "payload", "undoes",
                                  "undone_by"])


register_app = typer.Typer(help="The register of persons, places and organisations.",
                           invoke_without_command=True)
app.add_typer(register_app, name="register")


@register_app.callback()
def register_cli(
    ctx: typer.Context,
    *,
    type_: Annotated[str | None, typer.Option("--type", help="person, place or org.")] = None,
    search: Annotated[str | None, typer.Option(help="Name (any spelling), id or authority "
                                                    "id.")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
    = Format.table,
) -> None:
    """List the register: confirmed persons, places and organisations with names and ids."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        entries = workspace().register(type=type_, query=search)
    rows = [asdict(e) | {"variants": list(e.variants),
                         "authority": [f"{s}:{v}" for s, v in e.authority]} for e in entries]
    render(rows, format, columns=["id", "type", "preferred", "variants", "authority",
                                  "mentions", "note"])


@register_app.command("import")
def register_import_cli(
    file: Annotated[Path, typer.Argument(help="TEI file with listPerson/listPlace/listOrg.")],
) -> None:
    """Import a TEI register: entries become confirmed, their xml:ids kept."""
    with user_errors():
        r = workspace().import_register(file)
    typer.echo(f"register: {r.added} added, {r.updated} updated, {r.merged} candidates merged "
               f"(decision {r.decision_id})", err=True)


@register_app.command("export")
def register_export_cli(
    *,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write "
                                                "(default: stdout).")] = None,
) -> None:
    """Export the register as TEI (listPerson, listPlace, listOrg with idno)."""
    from annotator.export.output import write_file

    with user_errors():
        data = workspace().export_register()
        if output is not None:
            write_file(output, data)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        typer.echo(f"wrote {output}", err=True)


@app.command("apply")
def apply_cli(
    file: Annotated[Path, typer.Argument(help="Decisions file (TOML); see docs/review.md.")],
) -> None:
    """Apply a readable decisions file (confirm, reject, relabel, merge, link... by name)."""
    with user_errors():
        r = workspace().apply_decisions(file)
    if r.register is not None:
        typer.echo(f"register: {r.register.added} added, {r.register.merged} candidates merged",
                   err=True)
    typer.echo(f"applied {r.applied} lines (decision {r.decision_id})", err=True)
    for line in r.missing:
        typer.echo(f"{file}: nothing matches '{line}' (nothing proposed under that name)",
                   err=True)


@app.command("review")
def review_cli(
    *,
    type_: Annotated[str | None, typer.Option("--type", help="Only person, place or org.")]
    = None,
) -> None:
    """Review candidates one by one with single keys: a accept, x reject, t type, m merge,
    s skip, u undo, q quit."""
    from annotator.cli.terminal import run_review

    with user_errors():
        ws = workspace()
        ws.store  # noqa: B018 - open it now, so a missing store is reported before the screen
        run_review(ws, type_=type_)
