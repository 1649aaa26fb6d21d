"""annotator bib add|list, claims [propose], claim add|link|unlink|accept|confirm|reject, check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, progress_bar, render, user_errors, workspace
from annotator.records import ClaimRow

bib_app = typer.Typer(help="The bibliography: works that support claims, with citation keys.",
                      no_args_is_help=True)
claim_app = typer.Typer(help="Mark, link and decide claims one by one.", no_args_is_help=True)
claims_app = typer.Typer(help="List claims with their location, status and linked works; "
                              "'annotator claims propose' finds candidates.",
                         invoke_without_command=True)
app.add_typer(bib_app, name="bib")
app.add_typer(claim_app, name="claim")
app.add_typer(claims_app, name="claims")

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format: table, json, "
                                                                  "csv or md (Markdown).")]


# -- bib ----------------------------------------------------------------------------------------
@bib_app.command("add")
def bib_add_cli(
    files: Annotated[list[Path], typer.Argument(help="BibTeX or BibLaTeX files (UTF-8), read "
                                                     "as one library: macros and crossrefs "
                                                     "may span them.")],
    *,
    replace: Annotated[bool, typer.Option("--replace", help="Update entries whose key is "
                                          "already in the bibliography (the key stays).")]
    = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse on any problem, even one "
                                         "biber tolerates; nothing is added.")] = False,
) -> None:
    """Add the works of .bib files as biber reads them: every entry that can be read comes in,
    every problem is listed by kind (file:line: entry 'key': what; what to do)."""
    with user_errors():
        ws = workspace()
        result = ws.bib_add(*files, replace=replace, strict=strict)
    for line in problem_report(result.problems):
        typer.echo(line, err=True)
    done = [f"{len(result.added)} entr{'y' if len(result.added) == 1 else 'ies'} added"]
    if result.updated:
        done.append(f"{len(result.updated)} updated")
    if result.unchanged:
        done.append(f"{result.unchanged} already there")
    typer.echo(f"{', '.join(str(f) for f in files)}: {', '.join(done)}", err=True)


_KINDS = {"refused": "Refused (nothing added)", "skipped": "Left out",
          "warning": "Warnings (biber tolerates these)"}


def problem_report(problems: Sequence[Any]) -> list[str]:
    """Problems grouped by how bad (refused, left out, warnings), then by what, counted."""
    from annotator.bibliography.library import LABELS

    lines: list[str] = []
    for severity, title in _KINDS.items():
        mine = [p for p in problems if p.severity == severity]
        if not mine:
            continue
        lines.append(f"{title}: {len(mine)}")
        by_code: dict[str, list[Any]] = {}
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
    from annotator.bibliography.entries import plain, year_of  # only for this listing

    with user_errors():
        entries = workspace().bib(query)
    if format is Format.json:
        rows: list[dict[str, Any]] = [{"key": e.key, "type": e.type, "fields": dict(e.fields),
                                       "origin": e.origin, "line": e.line} for e in entries]
    else:
        rows = [{"key": e.key, "type": e.type,
                 "author": plain(e.get("author") or e.get("editor")),
                 "year": year_of(e), "title": plain(e.get("title")),
                 "origin": e.origin + (f":{e.line}" if e.line and
                                       not e.origin.startswith("source:") else "")}
                for e in entries]
    render(rows, format, columns=["key", "type", "author", "year", "title", "origin"])


# -- claims -------------------------------------------------------------------------------------
def _claim_dict(row: ClaimRow, *, short: bool) -> dict[str, Any]:
    text = row.text
    if short and len(text) > 90:
        text = text[:89].rstrip() + "…"
    return {"id": row.id, "source": row.source_id, "location": row.location,
            "paragraph": row.paragraph, "line": row.line, "page": row.page,
            "start": row.start, "end": row.end, "text": text, "kind": row.kind,
            "status": row.status, "state": row.state, "agent": row.agent,
            "agent_entity": row.agent_entity_id, "works": list(row.works), "cue": row.cue,
            "links": [asdict(link) | {"target": link.target} for link in row.links]}


CLAIM_COLUMNS = ["id", "source", "location", "text", "kind", "status", "agent", "works"]


@claims_app.callback()
def claims_cli(
    ctx: typer.Context,
    *,
    status: Annotated[list[str] | None, typer.Option(
        "--status", "-s", help="supported, attributed or unsupported (repeat or comma-separate)."
    )] = None,
    state: Annotated[list[str] | None, typer.Option(
        "--state", help="proposed, confirmed, rejected or stale (default: all but rejected).")]
    = None,
    source: Annotated[str | None, typer.Option("--source", help="Only claims of this source.")]
    = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", "-k", help="attributed, quoted, unattributed or editorial.")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """List claims: id, source, location, text, kind, status, agent and linked works."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        rows = workspace().claims(status=status, state=state, source_id=source, kinds=kind)
    if format is Format.table:
        columns = ["id", "location", "state", "kind", "status", "agent", "text", "works"]
        if len({r.source_id for r in rows}) > 1:
            columns.insert(1, "source")
    else:
        columns = CLAIM_COLUMNS + ["state", "cue", "paragraph", "line", "page", "start", "end"]
    render([_claim_dict(r, short=format is Format.table) for r in rows], format,
           columns=columns)


@claims_app.command("propose")
def claims_propose_cli(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")]
    = None,
    *,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline (default: the workspace's)."
                                              )] = None,
) -> None:
    """Find candidate claims: attributions, quotations with their speaker, assertions of fact."""
    with user_errors():
        ws = workspace()
        with progress_bar("finding claims") as progress:
            found = ws.propose_claims(sources or None, model=model, progress=progress)
    kinds: dict[str, int] = {}
    for r in found:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none new"
    typer.echo(f"claim proposals: {summary}", err=True)


# -- claim --------------------------------------------------------------------------------------
def _span(value: str) -> tuple[int, int]:
    try:
        a, b = value.split(":")
        return int(a), int(b)
    except ValueError:
        raise typer.BadParameter("give START:END, e.g. 120:245") from None


def _passage(value: str) -> tuple[str, int, int]:
    try:
        sid, a, b = value.rsplit(":", 2)
        return sid, int(a), int(b)
    except ValueError:
        raise typer.BadParameter("give SOURCE:START:END, e.g. letter:10:80") from None


@claim_app.command("add")
def claim_add_cli(
    source: Annotated[str, typer.Argument(help="Source id.")],
    *,
    span: Annotated[str | None, typer.Option("--span", help="START:END in the reading text."
                                             )] = None,
    quote: Annotated[str | None, typer.Option("--quote", help="Exact words of the reading "
                                              "text; must occur once.")] = None,
    kind: Annotated[str, typer.Option("--kind", help="attributed, quoted, unattributed or "
                                      "editorial.")] = "unattributed",
    agent: Annotated[str, typer.Option("--agent", help="Who the claim is attributed to.")]
    = "",
) -> None:
    """Mark a claim by hand, by span or by quotation; it is confirmed at once."""
    with user_errors():
        row = workspace().add_claim(source, span=_span(span) if span else None, quote=quote,
                                    kind=kind, agent=agent)
    typer.echo(f"claim {row.id}: {row.source_id} {row.start}:{row.end} ({row.kind}, "
               f"{row.status}) {row.location}", err=True)
    typer.echo(str(row.id))


@claim_app.command("show")
def claim_show_cli(
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    *,
    format: FormatOpt = Format.table,
) -> None:
    """Show one claim in full: its text, where it is, who it is attributed to, its links."""
    with user_errors():
        row = workspace().claim(claim)
    if format is not Format.table:
        render([_claim_dict(row, short=False)], format, columns=CLAIM_COLUMNS + [
            "state", "cue", "paragraph", "line", "page", "start", "end"])
        return
    typer.echo(f"claim {row.id} in {row.source_id} {row.start}:{row.end}, {row.location}")
    typer.echo(f"  {row.state}, {row.kind}, {row.status}"
               + (f"; agent: {row.agent}" if row.agent else "")
               + (f" ({row.agent_entity_id})" if row.agent_entity_id else "")
               + (f"; proposed for: {row.cue}" if row.cue else ""))
    typer.echo(f"  {row.text}")
    for link in row.links:
        typer.echo(f"  link {link.id}: {link.rel} {link.target}"
                   + (f" ({link.locus})" if link.locus else "") + f" [{link.status}]")


@claim_app.command("link")
def claim_link_cli(
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    key: Annotated[str | None, typer.Argument(help="Citation key of the work.")] = None,
    *,
    loc: Annotated[str, typer.Option("--loc", help="Where in the work, e.g. 'p. 214'.")] = "",
    rel: Annotated[str, typer.Option("--rel", help="supports, contradicts or mentions.")]
    = "supports",
    passage: Annotated[str | None, typer.Option(
        "--passage", help="SOURCE:START:END of another source instead of a work.")] = None,
) -> None:
    """Link a claim to a work of the bibliography (with a locus) or to a passage of a source."""
    with user_errors():
        link = workspace().link_claim(claim, key, passage=_passage(passage) if passage else None,
                                      locus=loc, rel=rel)
    typer.echo(f"link {link.id}: claim {link.claim_id} {link.rel} {link.target}"
               + (f" ({link.locus})" if link.locus else ""), err=True)
    typer.echo(str(link.id))


@claim_app.command("unlink")
def claim_unlink_cli(
    links: Annotated[list[str], typer.Argument(help="Link ids (see 'annotator claims -f json').")],
) -> None:
    """Remove links (one act); a rejected suggestion is not suggested again."""
    with user_errors():
        workspace().unlink_links(links)
    for link in links:
        typer.echo(f"unlinked {link}", err=True)


@claim_app.command("accept")
def claim_accept_cli(
    links: Annotated[list[str], typer.Argument(help="Ids of suggested links.")],
    *,
    loc: Annotated[str | None, typer.Option("--loc", help="Locus to record, e.g. 'p. 214'.")]
    = None,
) -> None:
    """Accept suggested links (one act): the works now support their claims."""
    with user_errors():
        accepted = workspace().accept_links(links, locus=loc)
    for link in accepted:
        typer.echo(f"link {link.id}: claim {link.claim_id} {link.rel} {link.target}", err=True)


@claim_app.command("confirm")
def claim_confirm_cli(claims: Annotated[list[str], typer.Argument(help="Claim ids.")]) -> None:
    """Confirm claim proposals (one act): 'annotator check' then requires their support."""
    with user_errors():
        rows = workspace().confirm_claims(claims)
    for row in rows:
        typer.echo(f"confirmed claim {row.id} ({row.status})", err=True)


@claim_app.command("reject")
def claim_reject_cli(claims: Annotated[list[str], typer.Argument(help="Claim ids.")]) -> None:
    """Reject claim proposals (one act): they are not claims and are not proposed again."""
    with user_errors():
        rows = workspace().reject_claims(claims)
    for row in rows:
        typer.echo(f"rejected claim {row.id}", err=True)


# -- check --------------------------------------------------------------------------------------
@app.command("check")
def check_cli(
    *,
    allow: Annotated[list[str] | None, typer.Option(
        "--allow", help="Statuses that pass too, e.g. 'attributed'.")] = None,
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="table, json, csv or md (default: one 'file:line: ...' line "
                               "per claim, as compilers print).")] = None,
) -> None:
    """Exit 0 when every confirmed claim is supported (or allowed), 1 otherwise, listing the
    claims that fall short with their location. For a Makefile or CI."""
    with user_errors():
        ws = workspace()
        report = ws.check(allow=allow or ())
        files = {s.id: s.file for s in ws.sources()}
    if report.failing and format is None:
        for r in report.failing:
            text = r.text if len(r.text) <= 100 else r.text[:99].rstrip() + "…"
            who = f", {r.agent}" if r.agent else ""
            typer.echo(f"{files.get(r.source_id, r.source_id)}:{r.line}: claim {r.id} "
                       f"{r.status} ({r.kind}{who}, {r.location}): {text}")
    elif format is not None:  # an empty list too: scripts parse what they asked for
        render([_claim_dict(r, short=format is Format.table) for r in report.failing], format,
               columns=["id", "source", "location", "status", "kind", "agent", "text"])
    typer.echo(f"{report.checked} confirmed claim{'s' if report.checked != 1 else ''} checked, "
               f"{len(report.failing)} not supported"
               + (f" (allowed: {', '.join(report.allowed)})" if report.allowed else "")
               + (f"; {report.undecided} proposals not decided yet" if report.undecided else ""),
               err=True)
    if report.failing:
        raise typer.Exit(1)
