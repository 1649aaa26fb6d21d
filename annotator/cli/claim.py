"""annotator claim"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._claim_rows import CLAIM_COLUMNS, STORED, claim_dict, edited_of, warn_sources
from annotator.cli._complete import SourceArg
from annotator.cli._decisions import NthOpt, QuoteOpt, nth_needs_quote
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace
from annotator.errors import DecisionError
from annotator.text import widened_note

if TYPE_CHECKING:
    from annotator.records import Link, Linked
    from annotator.workspace import Workspace


def _passage(value: str, quote: str | None) -> tuple[str, int, int] | str:
    """SOURCE:START:END, or with --quote the SOURCE alone (its words found later)."""
    if quote is not None:
        if ":" in value:
            raise typer.BadParameter("with --quote give the SOURCE alone, e.g. --passage "
                                     "letter --quote WORDS", param_hint="'--passage'")
        return value
    try:
        sid, a, b = value.rsplit(":", 2)
        return sid, int(a), int(b)
    except ValueError:
        raise typer.BadParameter("give SOURCE:START:END, e.g. letter:10:80, or SOURCE with "
                                 "--quote WORDS", param_hint="'--passage'") from None


def _span(value: str) -> tuple[int, int]:
    try:
        a, b = value.split(":")
        return int(a), int(b)
    except ValueError:
        raise typer.BadParameter("give START:END, e.g. 120:245") from None
claim_app = Typer(
    cls=WorkGroup, help="Mark, link and decide claims one by one.", no_args_is_help=True)
app.add_typer(claim_app, name="claim")


@claim_app.command("add")
def claim_add_cli(
    source: SourceArg,
    *,
    span: Annotated[str | None, typer.Option("--span", help="START:END in the reading text."
                                             )] = None,
    quote: QuoteOpt = None,
    nth: NthOpt = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="attributed, quoted, unattributed or editorial (default: attributed "
                       "with --agent, else unattributed).")] = None,
    agent: Annotated[str, typer.Option("--agent", help="Who the claim is attributed to: an "
                                       "entity id (linked) or a name.")] = "",
    again: Annotated[str | None, typer.Option(
        "--again", help="The stale claim these words mark again: its links, kind and agent go "
                        "to the new claim, and it is set aside (by default, the stale claim "
                        "whose words are now there, if one).")] = None,
) -> None:
    """Mark a claim by hand, by span or by quotation; it is confirmed at once.

    A span that cuts a word is widened to the whole word, and said. Marking the words of a
    stale claim again takes its links over and sets it aside, and says so."""
    nth_needs_quote(nth, quote, "--quote WORDS")
    with user_errors():
        ws = workspace()
        asked = _span(span) if span else None
        row = ws.add_claim(source, span=asked, quote=quote, nth=nth, kind=kind, agent=agent,
                           again=again)
    typer.echo(f"claim {row.id}: {row.source_id} {row.start}:{row.end} ({row.kind}, "
               f"{row.status}) {row.location}", err=True)
    note = widened_note(ws.reading_text(source), asked, (row.start, row.end)) if asked else ""
    if note:
        typer.echo(note, err=True)
    from annotator.records import again_note  # not at start-up: 'annotator --help' is fast

    said = again_note(row)
    if said:
        typer.echo(said, err=True)
    typer.echo(str(row.id))


@claim_app.command("agent")
def claim_agent_cli(
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    agent: Annotated[str, typer.Argument(help="An entity id (person-darwin), linked; or the "
                                              "words of a name or description.")],
) -> None:
    """Correct who a claim is attributed to, linking it to a register entity."""
    with user_errors():
        row = workspace().set_claim_agent(claim, agent)
    typer.echo(f"claim {row.id}: agent {row.agent}"
               + (f" ({row.agent_entity_id})" if row.agent_entity_id else " (no entity)"),
               err=True)


@claim_app.command("show")
def claim_show_cli(
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    *,
    format: FormatOpt = Format.table,
) -> None:
    """Show one claim in full: its text, where it is, who it is attributed to, its links (a
    source's file edited by hand since it was added, S016: as the store keeps it, said so)."""
    with user_errors():
        ws = workspace()
        row = ws.claim(claim, stored=True)
        edited = edited_of(ws, [row])
        was = {link.id: ws.passage_words(link) for link in row.links if link.stale}
    stored = row.source_id in edited
    if format is not Format.table:
        render([claim_dict(row, short=False, stored=stored)], format, columns=CLAIM_COLUMNS + [
            "state", "cue", "paragraph", "line", "page", "start", "end", "read_from",
            "location_in"])
        warn_sources(edited.values())
        return
    typer.echo(f"claim {row.id} in {row.source_id} {row.start}:{row.end}, {row.location}"
               + (" (before the source was replaced)" if row.was else STORED * stored))
    typer.echo(f"  {row.state}" + (f" (was {row.was}: its words changed)" if row.was else "")
               + f", {row.kind}, {row.status}"
               + (f"; agent: {row.agent}" if row.agent else "")
               + (f" ({row.agent_entity_id})" if row.agent_entity_id else "")
               + (f"; proposed for: {row.cue}" if row.cue else "")
               + (f"; confidence {row.confidence:.2f}" if row.confidence is not None else ""))
    typer.echo(f"  {row.text}")
    if row.now is not None:  # where its words are in the text now
        from annotator.records import now_near  # not at start-up: 'annotator --help' is fast

        text = ws.reading_text(row.source_id, stored=True)
        typer.echo(f"  {now_near(row.now, text, STORED * stored)}")
    if row.agent_candidate:
        typer.echo(f"  {row.agent} may be {row.agent_candidate}: confirm with 'annotator claim "
                   f"agent {row.id} \"{row.agent_candidate}\"'")
    if row.was:
        from annotator.records import mark_again  # not at start-up: 'annotator --help' is fast

        file = edited[row.source_id].place if stored else None  # S016: 'claim add' refuses
        typer.echo(f"  {mark_again(row.source_id, row.id, row.now, edited=file)}")
    for link in row.links:
        if link.stale:  # the words it was linked to, which the text no longer has there
            typer.echo(f"  link {link.id}: {link.rel} {link.cited} [stale: the passage "
                       f"changed]\n    was: “{was[link.id]}”; link the passage "
                       "again, or unlink it")
            continue
        typer.echo(f"  link {link.id}: {link.rel} {link.cited} [{link.suggested or link.status}]")
    warn_sources(edited.values())


@claim_app.command("link")
def claim_link_cli(
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    key: Annotated[str | None, typer.Argument(help="Citation key of the work (or an alias "
                                                   "of it, its ids; or its DOI).")] = None,
    *,
    loc: Annotated[str, typer.Option("--loc", help="Where in the work, e.g. 'p. 214'.")] = "",
    rel: Annotated[str, typer.Option("--rel", help="supports, contradicts or mentions.")]
    = "supports",
    passage: Annotated[str | None, typer.Option(
        "--passage", help="SOURCE:START:END of another source instead of a work, or SOURCE "
                          "with --quote WORDS.")] = None,
    quote: QuoteOpt = None,
    nth: NthOpt = None,
) -> None:
    """Link a claim to a work of the bibliography (with a locus) or to a passage of a source.

    The passage is given by offsets or by its words (--passage SOURCE --quote WORDS, --nth of
    several)."""
    if quote is not None and passage is None:
        raise typer.BadParameter("--quote gives a passage's words: add --passage SOURCE",
                                 param_hint="'--quote'")
    nth_needs_quote(nth, quote, "--passage SOURCE --quote WORDS")
    with user_errors():
        ws = workspace()
        where = _passage(passage, quote) if passage else None
        link = ws.link_claim(claim, key, passage=where, quote=quote, nth=nth, locus=loc,
                             rel=rel)
    typer.echo(f"claim {link.claim_id}: {linked_line(link)}", err=True)
    typer.echo(str(link.id))


def linked_line(link: Linked) -> str:
    """What ``claim link`` did, said so: linking a work again may give an existing link
    its locus or accept a suggestion rather than add a link; a work named by an alias of
    its key is linked under its key, and the line says so."""
    if link.alias:
        return (f"'{link.alias}' is an alias of {link.bib_key} (its ids): "
                + linked_line(replace(link, alias="")))
    if link.action == "locus":
        return (f"link {link.id} to {link.target} now has locus {link.locus}"
                + (f" (was {link.was})" if link.was else ""))
    if link.action == "accepted":
        return f"link {link.id} to {link.cited} accepted ({link.rel}; was suggested)"
    return f"linked to {link.cited}, {link.rel} (link {link.id})"


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
        ws = workspace()
        accepted = ws.accept_links(links, locus=loc)
    for link in accepted:
        typer.echo(f"link {link.id}: claim {link.claim_id} {link.rel} {link.target}", err=True)
    _claim_ids_given(ws, accepted)


def _claim_ids_given(ws: Workspace, accepted: list[Link]) -> None:
    """A note where an id accepted as a link is also a claim that has suggestions of its own:
    every other claim command takes claim ids, so 'accept 1' may have meant claim 1's."""
    for link in accepted:
        if link.claim_id == link.id:
            continue
        try:
            own = [one.id for one in ws.claim(link.id).links if one.status == "suggested"]
        except DecisionError:  # no claim of that number
            continue
        if own:
            ids = " ".join(map(str, own))
            typer.echo(f"note: {link.id} is link {link.id}, of claim {link.claim_id}; claim "
                       f"accept takes link ids, and claim {link.id}'s suggested links are "
                       f"{ids}: 'annotator claim accept {ids}'; 'annotator undo' takes this "
                       "accept back", err=True)


@claim_app.command("confirm")
def claim_confirm_cli(claims: Annotated[list[str], typer.Argument(help="Claim ids.")]) -> None:
    """Confirm claim proposals (one act): 'annotator check' then requires their support."""
    with user_errors():
        ws = workspace()
        was = {c.id: c.state for c in map(ws.claim, claims)}  # "already confirmed" is said
        rows = ws.confirm_claims(claims)
    for row in rows:
        done = "already confirmed" if was.get(row.id) == "confirmed" else "confirmed"
        typer.echo(f"{done} claim {row.id} ({row.status})", err=True)


@claim_app.command("reject")
def claim_reject_cli(claims: Annotated[list[str], typer.Argument(help="Claim ids.")]) -> None:
    """Reject claim proposals (one act): they are not claims and are not proposed again."""
    with user_errors():
        rows = workspace().reject_claims(claims)
    for row in rows:
        typer.echo(f"rejected claim {row.id}", err=True)
