"""annotator check"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._claim_rows import STORED, claim_dict, nearest_dict, read_from, warn_sources
from annotator.cli._filters import filter_option
from annotator.cli._output import Format, clipped, render, terminal_safe, user_errors, workspace
from annotator.vocab import SUPPORT

if TYPE_CHECKING:
    from annotator.records import ClaimRow, StaleMention


@app.command("check")
def check_cli(
    *,
    allow: Annotated[list[str] | None, filter_option(
        "--allow", choices=SUPPORT, help="Support statuses that pass too, e.g. 'attributed'")]
    = None,
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="table, json, csv or md (default: one 'file:line: ...' line "
                               "per claim, as compilers print).")] = None,
) -> None:
    """Exit 0 when every confirmed claim is supported (or allowed), 1 otherwise, listing the
    claims that fall short with their location. For a Makefile or CI. Confirmed names and
    dates whose words changed in a replaced source (stale: in no export until marked again)
    are warned of on stderr with the command that marks them again, and so are sources whose
    header and dateline disagree on the date (S026) or whose file was edited since it was
    added (S016: its claims are checked as the store keeps the file) (--format json: listed in
    its stale_mentions and source_warnings, beside its claims); warnings fail nothing. A stale
    name or date whose words are gone, or written over with other words, is said so: set it
    aside with 'annotator reject mention:N', or mark the words there now as one of their own
    (never as its entity's)."""
    from annotator.records import mark_again  # not at start-up: 'annotator --help' is fast

    with user_errors():
        ws = workspace()
        report = ws.check(allow=allow or ())
        files = {s.id: s.file for s in ws.sources()}
    # a file edited by hand (S016): its claims are read as the store keeps it, so their lines
    # are that version's, said so, never a line of the file as it is now
    edited = {w.source_id: w.place for w in report.warnings if w.code == "S016"}
    if format is None:
        for r in report.failing:
            at = "" if r.source_id in edited else f":{r.line}"
            typer.echo(f"{files.get(r.source_id, r.source_id)}{at}: claim {r.id} "
                       f"{r.status} ({r.kind}{_who(r)}, {r.location}"
                       f"{STORED * (r.source_id in edited)}): {clipped(r.text, 100)}")
        for r in report.stale:  # where it was and what it said, on the text before; the
            # line is where its words are now (none when the store does not know it), never
            # its old line, which is another line of the file now
            now = r.now
            line = f":{now.line}" if now and r.source_id not in edited else ""
            typer.echo(f"{files.get(r.source_id, r.source_id)}{line}"
                       f": claim {r.id} stale: its words changed (was {r.was}, {r.kind}"
                       f"{_who(r)}, {r.location} before the source was replaced"
                       f"{f'; now near {now.location}' if now else ''}"
                       f"{STORED * bool(now and r.source_id in edited)}): "
                       f"{clipped(r.text, 100)}; "
                       f"{mark_again(r.source_id, r.id, now, edited=edited.get(r.source_id))}")
    elif format is Format.json:  # the stale mentions too, which no claim row can carry
        import json

        typer.echo(json.dumps({
            "claims": [claim_dict(r, short=False, stored=r.source_id in edited)
                       for r in (*report.failing, *report.stale)],
            "stale_mentions": [_stale_mention(s, files) | {
                "read_from": read_from(s.mention.source_id in edited)}
                for s in report.stale_mentions],
            "source_warnings": [{"code": w.code, "source": w.source_id, "place": w.place,
                                 "message": w.message, "hint": w.hint}
                                for w in report.warnings]},
            ensure_ascii=False, indent=2))
    else:  # an empty list too: scripts parse what they asked for
        render([claim_dict(r, short=format is Format.table, stored=r.source_id in edited)
                for r in (*report.failing, *report.stale)], format,
               columns=["id", "source", "location", "state", "status", "kind", "agent",
                        "text", *([] if format is Format.table else ["read_from", "location_in"])])
    # the sources' warnings, failing nothing; and as a stale claim is said, where a stale
    # mention's words are now (JSON has both on stdout)
    # (S016's hint says what reads the edited file meanwhile and that export refuses it)
    warn_sources(() if format is Format.json else report.warnings)
    for s in () if format is Format.json else report.stale_mentions:
        m = s.mention
        line = "" if m.source_id in edited else f":{s.now.line}"
        typer.echo(terminal_safe(
            f"{files.get(m.source_id, m.source_id)}{line}: warning: mention {m.id} "
            f"stale: its words {'are gone from the text now' if s.gone else 'changed'} (was "
            f"confirmed, {m.type}{f' {m.entity_id}' if m.entity_id else ''} "
            f"{clipped(m.surface, 60)!r}, {s.was_at} before the source was replaced; "
            f"{_now_at(s)} {s.now.location}{STORED * (m.source_id in edited)}), so no export "
            f"has it; {s.mark_again()}"), err=True)
    typer.echo(f"{report.checked} confirmed claim{'s' if report.checked != 1 else ''} checked, "
               f"{len(report.failing)} not supported"
               + (f", {len(report.stale)} stale" if report.stale else "")
               + (f"; {len(report.stale_mentions)} confirmed mention"
                  f"{'s' * (len(report.stale_mentions) != 1)} stale (warning"
                  f"{'s' * (len(report.stale_mentions) != 1)})"
                  if report.stale_mentions else "")
               + (f" (allowed: {', '.join(report.allowed)})" if report.allowed else "")
               + (f"; {report.undecided} proposals not decided yet" if report.undecided else "")
               + (f"; {len(report.warnings)} source warning{'s' * (len(report.warnings) != 1)}"
                  if report.warnings else ""),
               err=True)
    if not report.ok:
        raise typer.Exit(1)


def _stale_mention(s: StaleMention, files: dict[str, str]) -> dict[str, Any]:
    """A stale confirmed mention for scripts: what it was (its span and place in the version
    before), where its words are now (``gone``: where they stood, ``now_text`` the other
    words written there, '' for none), and the command that marks them again (gone: that
    marks the words there now as a name of their own; null where none are)."""
    m, now = s.mention, s.now
    return {"id": m.id, "source": m.source_id, "file": files.get(m.source_id), "type": m.type,
            "entity": m.entity_id, "text": m.surface, "start": m.start, "end": m.end,
            "was": s.was_at, "now": nearest_dict(now), "gone": s.gone,
            "now_text": s.now_words if s.gone else None, "command": s.command}


def _now_at(s: StaleMention) -> str:
    """How a stale mention's place in the text now is said: where its words stood (gone),
    written again elsewhere, or where they are nearest."""
    return ("they stood near" if s.gone else "the text now writes them elsewhere, at"
            if s.elsewhere else "now near")


def _who(row: ClaimRow) -> str:
    """', AGENT' after a claim's kind when it names one."""
    return f", {row.agent}" if row.agent else ""
