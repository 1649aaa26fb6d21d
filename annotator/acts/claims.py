"""Claims and their support links in the store: the editor's claim acts and the claim rows.

The finder and the support status are pure (``annotator.nlp.claim_finder``); this module writes what
they find and what editors decide into the ``claims`` and ``links`` tables, and reads them back
as ``ClaimRow`` records with their place in the reading text. Every editor act is one
``Store.act`` (target ``claim:N`` or ``link:N``), so the generic ``undo`` takes it back;
writing proposals is bulk machine work in one transaction per source, with no decision row.

The workspace's claim methods delegate here with an ``ActContext``; they document the
contract.

DOCS: docs/claims.md
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from typing import Any

from annotator.acts import bibliography
from annotator.acts.context import ActContext
from annotator.acts.quotes import quoted
from annotator.acts.source_dates import date_warnings
from annotator.entities.names import name_key
from annotator.errors import DecisionError, Interrupted
from annotator.filters import chosen
from annotator.interrupt import finishing
from annotator.nlp import claim_finder as claims_mod
from annotator.nlp.pipeline import chunks as text_chunks
from annotator.nlp.pipeline import load_parsing_pipeline, provenance_of
from annotator.records import (BibEntry, CheckReport, ClaimProposal, ClaimRow, ClaimsProposeReport,
                               Link, Linked, Nearest, Source, SourceWarning, mark_again,
                               row_id)
from annotator.store import Act, Store, now
from annotator.store import claims as rows_of
from annotator.store.claims import link_from_row
from annotator.store.decided import edited_claims
from annotator.store.entities import entity_row
from annotator.store.proposals import drop_orphans
from annotator.store.runs import record_run
from annotator.store.sources import before_stale, stale_places
from annotator.tei.voice import editor_spans, within
from annotator.text import refuse_not_xml, span_fault, word_span
from annotator.vocab import CLAIM_KINDS, CLAIM_STATES, ENTITY_TYPES, LINK_RELS, SUPPORT

log = logging.getLogger(__name__)

# a stale claim's text when the version it was made on cannot be read (its words are shown)
STALE_TEXT = "[stale: the source changed; mark the claim again]"


# -- claim acts -------------------------------------------------------------------------------
def add_claim(ctx: ActContext, source_id: str, *, span: tuple[int, int] | None = None,
              quote: str | None = None, nth: int | None = None, kind: str | None = None,
              agent: str = "", again: int | str | None = None,
              expected: str | None = None) -> ClaimRow:
    """Mark a claim by hand: a span of the reading text, or an exact quotation of it.

    A span is widened to the whole words its edges cut and trimmed, as a link's passage is
    ('held i' marks 'held in'); one with no word is refused (D318).

    The quotation must occur exactly once, or ``nth`` chooses among its occurrences
    (whitespace and the shape of quotation marks do not matter; ``acts.quotes.quoted``, as
    every command taking words instead of offsets). A claim the finder proposed on the same span is confirmed instead, with
    the kind and agent given here. The claim is confirmed: the editor made it. Without a
    kind it is editorial in the editor's voice (an editorial note, ``tei.voice``), else
    attributed when an agent is given (as 'claim agent' makes it), else unattributed: a
    claim with an agent is never listed as attributed to nobody. The claim
    answered carries the id of the decision this act wrote (``decision_id``).

    Marking a stale claim again (its words changed when its source was replaced): ``again``
    names it, or the span is where the words of exactly one stale claim of the source are now
    (``ClaimRow.now``). The new claim takes its links over (works and passages, with their
    loci and states), and its kind and agent unless given, and the stale one is set aside
    (rejected), all in this act, so one undo takes it back; the answer says which
    (``again``; ``stale_here``: the stale claims whose words are here when several are, none
    taken over).
    """
    src = ctx.texts.source(source_id)
    tm = ctx.texts.textmap(source_id)
    if kind is not None and kind not in CLAIM_KINDS:
        raise DecisionError(f"unknown claim kind '{kind}'",
                            hint=f"use one of {', '.join(CLAIM_KINDS)}",
                            location=ctx.texts.place(src), code="D305")
    if (span is None) == (quote is None):
        raise DecisionError("give either a span or a quotation",
                            hint="use --span START:END or --quote TEXT",
                            location=ctx.texts.place(src), code="D303")
    if nth is not None and quote is None:  # nothing to pick among: refused, not ignored
        raise DecisionError("nth picks one occurrence of a quotation's words: a span has none",
                            hint="use --quote TEXT with --nth N, or drop --nth",
                            location=ctx.texts.place(src), code="D303")
    if quote is not None:
        start, end = quoted(ctx, source_id, quote, nth=nth)
    else:
        assert span is not None
        start, end = span
    start, end = _words(ctx, src, tm.text, start, end, what="span", of="the claim")
    prior, here = _marked_again(ctx, source_id, start, end, again)
    old = rows_of.claim_at(ctx.store.conn, source_id, src.sha256, start, end)
    if prior is not None and not agent.strip():  # the stale claim's, as it had it
        agent, agent_entity = str(prior["agent"]), prior["agent_entity_id"]
    else:
        agent, agent_entity = _agent(ctx, agent)
    if kind is None:
        kind = str(prior["kind"]) if prior is not None else \
            "editorial" if within(editor_spans(tm), start, end) else \
            "attributed" if agent else "unattributed"
    values = {"kind": kind, "agent": agent, "agent_entity_id": agent_entity,
              "status": "confirmed"}
    payload: dict[str, Any] = {"source": source_id, "start": start, "end": end, "kind": kind,
                               "agent": agent}
    if prior is not None:
        payload["again"] = int(prior["id"])
    if old is not None and old["status"] == "confirmed":
        raise DecisionError(f"claim {old['id']} already covers {start}:{end}",
                            hint=f"link it with 'annotator claim link {old['id']} KEY'",
                            location=ctx.texts.place(src), code="D304")
    for _attempt in range(3):
        cid = int(old["id"]) if old is not None else rows_of.next_claim_id(ctx.store.conn)
        try:
            with _claim_act(ctx, "claim-add", f"claim:{cid}", payload, expected,
                            token_of=None) as act:
                if old is not None:
                    act.update("claims", {"id": cid}, values)
                else:
                    act.insert("claims", {"id": cid, "source_id": source_id,
                                          "sha256": src.sha256, "start": start, "end": end,
                                          "provenance": "editor", "created_at": now(),
                                          **values})
                if prior is not None:
                    _take_over(act, prior, cid, src.sha256, start, end)
            break
        except sqlite3.IntegrityError:  # another writer took that id meanwhile
            if old is not None or _attempt == 2:
                raise
    return replace(claim(ctx, cid), decision_id=act.decision_id,
                   again=int(prior["id"]) if prior is not None else None, stale_here=here)


def _marked_again(ctx: ActContext, source_id: str, start: int, end: int,
                  again: int | str | None) -> tuple[sqlite3.Row | None, tuple[int, ...]]:
    """The stale claim a claim marked on [start, end) marks again, and the stale claims whose
    words are there now when they are several (none is then taken): ``again`` (refused, D320,
    unless a stale claim of this source), else the one whose words are now there."""
    if again is not None:
        row = _claim_row(ctx, again)
        if row["status"] != "stale" or row["source_id"] != source_id:
            raise DecisionError(
                f"claim {row['id']} is not a stale claim of '{source_id}'"
                + (f" (it is {row['status']})" if row["status"] != "stale" else
                   f" (it is of '{row['source_id']}')"),
                hint="give --again the id of a stale claim of that source ('annotator claims "
                     "--state stale'), or leave it out", location=ctx.store.place,
                code="D320")
        return row, ()
    stale = rows_of.stale_claims(ctx.store.conn, source_id)
    now = _now(ctx, stale) if stale else {}
    here = tuple(cid for cid, near in sorted(now.items())
                 if near.start < end and start < near.end)
    if len(here) == 1:
        return next(r for r in stale if r["id"] == here[0]), ()
    return None, here


def _take_over(act: Act, prior: sqlite3.Row, cid: int, sha256: str, start: int,
               end: int) -> None:
    """The links of stale claim ``prior`` go to claim ``cid`` (marked on [start, end) of
    version ``sha256``), and ``prior`` is set aside: in the act that marks ``cid``. A link
    ``cid`` has already (a proposal's suggestion on the same work) is kept, the stale
    claim's replacing it when that one was an editor's decision; a passage of the new claim's
    own words is left with the stale claim, as it could not support it (D317)."""
    conn = act.conn
    have = {_link_key(r): r for r in rows_of.claim_links(conn, cid)}
    for link_row in rows_of.claim_links(conn, int(prior["id"])):
        if link_row.target_source_id == prior["source_id"] and \
                link_row.target_sha256 == sha256 and link_row.target_start is not None and \
                link_row.target_end is not None and link_row.target_start < end and \
                start < link_row.target_end:
            continue  # the claim's own words
        same = have.get(_link_key(link_row))
        if same is not None:
            if same.status == "confirmed" or link_row.status != "confirmed":
                continue  # the new claim has it already
            act.delete("links", {"id": same.id})
        act.update("links", {"id": link_row.id}, {"claim_id": cid})
    act.update("claims", {"id": prior["id"]}, {"status": "rejected"})


def _link_key(one: Link) -> tuple[object, ...]:
    """What makes two links of a claim the same link: relation, target and locus."""
    return (one.rel, one.bib_key, one.target_source_id, one.target_sha256, one.target_start,
            one.target_end, one.locus)


def set_agent(ctx: ActContext, claim_id: int | str, agent: str, *,
              expected: str | None = None) -> ClaimRow:
    """Correct who a claim is attributed to: an entity id links that person or organisation;
    other words are kept as written (and linked when they name exactly one). The finder's
    candidate for a description agent is settled by it (confirmed, or replaced)."""
    row = _claim_row(ctx, claim_id)
    name, entity = _agent(ctx, agent)
    with _claim_act(ctx, "claim-agent", f"claim:{row['id']}",
                    {"agent": name, "entity": entity}, expected,
                    token_of=f"claim:{row['id']}") as act:
        values: dict[str, Any] = {"agent": name, "agent_entity_id": entity,
                                  "agent_candidate": ""}
        if row["kind"] == "unattributed" and name:
            values["kind"] = "attributed"
        act.update("claims", {"id": row["id"]}, values)
    return claim(ctx, row["id"])


def link_claim(ctx: ActContext, claim_id: int | str, key: str | None = None, *,
               passage: tuple[str, int, int] | str | None = None, quote: str | None = None,
               nth: int | None = None, locus: str = "", rel: str = "supports",
               expected: str | None = None) -> Linked:
    """Link a claim to the work that supports (contradicts, mentions) it, with a locus
    such as 'p. 214' (the work named by its key, an alias of it or its DOI), or to a passage of another source: (source, start, end), or the source
    alone with ``quote``, the passage's words, found as ``add_claim`` finds a quotation (once,
    or the ``nth`` of several; ``acts.quotes.quoted``). A passage's offsets are widened to the
    whole words they cut and trimmed, as a reviewer quotes it.

    Linking to a work the finder suggested for this claim accepts the suggestion; linking
    to a work (or passage) the claim is linked to without a locus, with a locus, gives that
    link the locus rather than adding a second one. The result says which it was
    (``Linked.action``: added, accepted, locus).
    """
    if isinstance(passage, str) != (quote is not None):
        raise DecisionError("give a passage by its offsets (source, start, end), or by its "
                            "source and a quotation of its words",
                            hint="use --passage SOURCE:START:END, or --passage SOURCE --quote "
                                 "WORDS", location=ctx.store.place, code="D316")
    if nth is not None and quote is None:  # nothing to pick among: refused, not ignored
        raise DecisionError("nth picks one occurrence of a quotation's words: a passage given "
                            "by its offsets has none",
                            hint="give the passage by its source and --quote WORDS with "
                                 "--nth N, or drop --nth", location=ctx.store.place,
                            code="D316")
    if isinstance(passage, str):  # its words found first, as the command always did
        assert quote is not None
        passage = (passage, *quoted(ctx, passage, quote, nth=nth))
    claim_row = _claim_row(ctx, claim_id)
    if rel not in LINK_RELS:
        raise DecisionError(f"unknown relation '{rel}'",
                            hint=f"use one of {', '.join(LINK_RELS)}",
                            location=ctx.store.place, code="D308")
    if (key is None) == (passage is None):
        raise DecisionError("give either a bibliography key or a passage",
                            hint="use KEY, or --passage SOURCE:START:END",
                            location=ctx.store.place, code="D316")
    locus = _locus(ctx, locus)
    row: dict[str, Any] = {"claim_id": claim_row["id"], "rel": rel, "locus": locus,
                           "status": "confirmed", "provenance": "editor"}
    alias = ""
    if key is not None:
        work = bibliography.entry(ctx.store, key)
        row["bib_key"] = work.key
        alias = key if bibliography.alias_of(work, key) else ""
        same = rows_of.work_link(ctx.store.conn, claim_row["id"], row["bib_key"], rel, locus)
    else:
        assert passage is not None
        sid, start, end = passage
        tm = ctx.texts.textmap(sid)
        src = ctx.texts.source(sid)
        start, end = _words(ctx, src, tm.text, start, end, what="passage", of="the passage",
                            within="that reading text")
        if sid == claim_row["source_id"] and start < claim_row["end"] and claim_row["start"] < end:
            raise DecisionError("a claim cannot be supported by its own words",
                                hint="give a passage elsewhere, or a work's key",
                                location=ctx.texts.place(src), code="D317")
        row.update(target_source_id=sid, target_start=start, target_end=end,
                   target_sha256=src.sha256)
        same = rows_of.passage_link(ctx.store.conn, claim_row["id"], sid, src.sha256, start,
                                    end, rel)
    # a confirmed link given again: the same locus (or, for a passage, none) is nothing to do
    if same is not None and same["status"] == "confirmed" and (same["locus"] == locus
                                                               or not locus):
        raise DecisionError(f"claim {claim_row['id']} is already linked to "
                            f"{link_from_row(same).target} (link {same['id']})",
                            hint="nothing to do; 'annotator claim unlink' removes a link",
                            location=ctx.store.place, code="D309")
    with _claim_act(ctx, "claim-link", f"claim:{claim_row['id']}",
                    {k: v for k, v in row.items() if v is not None}, expected,
                    token_of=f"claim:{claim_row['id']}") as act:
        if same is not None:
            act.update("links", {"id": same["id"]},
                       {"status": "confirmed", "locus": locus or same["locus"]})
            lid = int(same["id"])
        else:
            lid = act.insert("links", row)
        _confirm_proposed(act, claim_row)
    done = link(ctx, lid)
    action = ("added" if same is None else "locus" if same["status"] == "confirmed"
              else "accepted")
    return Linked(**{f.name: getattr(done, f.name) for f in fields(Link)}, action=action,
                  was=same["locus"] if same is not None else "", alias=alias)


def _confirm_proposed(act: Act, claim_row: sqlite3.Row) -> None:
    """A proposed claim the editor links (or accepts a link of) is decided: confirmed in the
    same act, so it is in the tables and the check, and undone with the link."""
    if claim_row["status"] == "proposed":
        act.update("claims", {"id": claim_row["id"]}, {"status": "confirmed"})


def accept_links(ctx: ActContext, link_ids: Iterable[int | str], *, locus: str | None = None,
                 expected: str | None = None) -> list[Link]:
    """Accept suggested links (optionally giving their locus) as ONE act; an unknown id
    refuses it whole. ``expected`` is the state token of a single link's claim page."""
    found = _links(ctx, link_ids, expected)
    values: dict[str, Any] = {"status": "confirmed"}
    if locus is not None:
        values["locus"] = _locus(ctx, locus)
    with _claim_act(ctx, "link-accept", _links_target(found), values, expected,
                    token_of=f"claim:{found[0].claim_id}") as act:
        for one in found:
            act.update("links", {"id": one.id}, values)
        for cid in dict.fromkeys(one.claim_id for one in found):
            _confirm_proposed(act, _claim_row(ctx, cid))
    return [link(ctx, one.id) for one in found]


def unlink(ctx: ActContext, link_ids: Iterable[int | str], *,
           expected: str | None = None) -> None:
    """Remove links as ONE act: an editor's link goes, a suggestion is kept as rejected so
    it is not made again. ``expected`` is the state token of a single link's claim page."""
    found = _links(ctx, link_ids, expected)
    with _claim_act(ctx, "unlink", _links_target(found),
                    {"links": {str(one.id): {"claim": one.claim_id, "target": one.target}
                               for one in found}} if len(found) > 1 else
                    {"claim": found[0].claim_id, "target": found[0].target}, expected,
                    token_of=f"claim:{found[0].claim_id}") as act:
        for one in found:
            if one.provenance == "editor":
                act.delete("links", {"id": one.id})
            else:
                act.update("links", {"id": one.id}, {"status": "rejected"})


_RANGE = re.compile(r"(?<![\w.])(\d+)\s*(?:-+|[\u2010-\u2015])\s*(\d+)(?![\w.])")
_LABEL_ONLY = re.compile(r"(?:pp?|chaps?|ch|sec|secs|vol|vols|fol|fols|col|cols|n|nn|l|ll|"
                         r"para|§|¶|S|Bd|Kap|Anm)\.?", re.IGNORECASE)


def _locus(ctx: ActContext, locus: str) -> str:
    """The locus with its whitespace folded; one that cannot point anywhere is refused: a
    label with no number ('p.'), or a range that runs backwards ('pp. 20-10'). An abbreviated
    range ('pp. 180-82', as Chicago writes it) is read as citeproc reads it: 180 to 182."""
    refuse_not_xml([locus])  # before folding: NEL and U+001C-U+001F are spaces to split()
    locus = " ".join(locus.split())
    wrong = ""
    if _LABEL_ONLY.fullmatch(locus):
        wrong = "names no place: a label without a number"
    for m in _RANGE.finditer(locus):
        first, last = m.group(1), m.group(2)
        if len(last) < len(first):  # 180-82 is 180-182
            last = first[:len(first) - len(last)] + last
        if int(last) < int(first):
            wrong = f"has a range that runs backwards ({m.group()})"
    if wrong:
        raise DecisionError(f"locus '{locus}' {wrong}",
                            hint="give where in the work, e.g. 'p. 12', 'pp. 12-14', "
                                 "'chap. 3', or no locus",
                            location=ctx.store.place, code="D314")
    return locus


def _links(ctx: ActContext, link_ids: Iterable[int | str], expected: str | None) -> list[Link]:
    found = list({one.id: one for one in (link(ctx, i) for i in link_ids)}.values())
    if not found:
        raise DecisionError("no links given", hint="give link ids (see 'annotator claims -f "
                            "json')", location=ctx.store.place, code="D315")
    if expected is not None and len({one.claim_id for one in found}) > 1:
        raise ValueError("a state token stands for one claim's page, not several claims")
    return found


def _links_target(found: Sequence[Link]) -> str:
    return f"link:{found[0].id}" if len(found) == 1 else "links:" + ",".join(
        str(one.id) for one in found)


def confirm_claims(ctx: ActContext, claim_ids: Iterable[int | str], *,
                   expected: str | None = None) -> list[ClaimRow]:
    """Confirm claims as ONE act (``expected``: the state token of a single claim's page)."""
    return set_claim_state(ctx, claim_ids, "confirmed", "claim-confirm", expected)


def reject_claims(ctx: ActContext, claim_ids: Iterable[int | str], *,
                  expected: str | None = None) -> list[ClaimRow]:
    """Reject claims as ONE act (``expected``: the state token of a single claim's page)."""
    return set_claim_state(ctx, claim_ids, "rejected", "claim-reject", expected)


def set_claim_state(ctx: ActContext, claim_ids: Iterable[int | str], state: str, act_name: str,
                    expected: str | None) -> list[ClaimRow]:
    """Confirm or reject claims (``state``) as ONE act ``act_name``; an unknown claim, or a
    stale one to confirm, refuses the whole act. ``expected`` is the state token of a single
    claim's page.

    A stale claim's words changed when its source was replaced: its offsets read the text
    before, so it is never confirmed again; the editor marks it again on the text now and
    rejects the stale one, which sets it aside (``check`` fails on it until then)."""
    rows = [_claim_row(ctx, cid) for cid in claim_ids]
    if not rows:
        raise DecisionError("no claims given", hint="give claim ids (see 'annotator claims')",
                            location=ctx.store.place, code="D315")
    for row in rows:
        if row["status"] == "stale" and state != "rejected":
            raise DecisionError(f"claim {row['id']} is stale (its source changed)",
                                hint=mark_again(row["source_id"], row["id"],
                                                _now(ctx, [row]).get(int(row["id"]))),
                                location=ctx.store.place, code="D310")
    ids = list(dict.fromkeys(int(r["id"]) for r in rows))
    if expected is not None and len(ids) > 1:
        raise ValueError("a state token stands for one claim's page, not several claims")
    target = f"claim:{ids[0]}" if len(ids) == 1 else "claims:" + ",".join(map(str, ids))
    with _claim_act(ctx, act_name, target, {"from": {str(r["id"]): r["status"] for r in rows}},
                    expected, token_of=f"claim:{ids[0]}") as act:
        for cid in ids:
            act.update("claims", {"id": cid}, {"status": state})
    return [claim(ctx, cid) for cid in ids]


@contextmanager
def _claim_act(ctx: ActContext, act: str, target: str, payload: dict[str, Any],
               expected: str | None, *, token_of: str | None) -> Iterator[Act]:
    """One claim act; with ``expected`` (``state_token(token_of)`` as the page saw it: the
    claim and its links, or the whole workspace when ``token_of`` is None), refused inside the
    act's transaction when that changed meanwhile."""
    refuse_not_xml([target, payload])
    review = ctx.review()
    with ctx.store.act(act, target, editor=ctx.editor, payload=payload) as rec:
        if expected is not None and expected != (
                review.state_token(token_of) if token_of else review.state_token()):
            raise DecisionError(f"{target} may have changed since you loaded it",
                                hint="reload and try again", code="D010")
        yield rec


# -- proposals --------------------------------------------------------------------------------
CLAIM_BATCH = 8  # chunks parsed at once: memory stays flat with the size of the edition


def propose_claims(ctx: ActContext, source_ids: Iterable[str] | None = None, *,
                   model: str | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   nlp: Any = None) -> ClaimsProposeReport:
    """Find candidate claims in the reading texts, with agents and suggested works.

    Attributions, quotations with their speaker and assertions of fact (see
    ``annotator.nlp.claim_finder``). Re-running replaces what the finder made and nobody
    decided with what it finds now: it adds what is new, refreshes proposals and their
    suggested links, and removes the proposals and suggestions it no longer makes; decided
    claims and links stay as they are, and a rejected claim or suggestion is not made again.
    An agent whose surname matches an author of the bibliography gets a suggested link to
    that work. ``nlp``: a loaded spaCy pipeline (else ``model`` or the workspace's is
    loaded). ``progress(words_done, words_total)``.

    Sources are read, parsed and stored one after another (each in its own transaction, none
    open while the model runs): memory stays flat with the size of the edition, and a run
    stopped midway keeps what it stored; Ctrl-C raises ``Interrupted`` with the counts of the
    sources stored.
    """
    ids = list(source_ids) if source_ids else [s.id for s in ctx.texts.sources()]
    sources = [ctx.texts.source(i) for i in ids]
    for src in sources:
        ctx.texts.check_unchanged(src)  # before the model loads: an edited file is refused
    if nlp is None:
        nlp = load_parsing_pipeline(model or ctx.settings.model)
    provenance = "rule:claims@" + provenance_of(nlp).removeprefix("model:")
    works = bibliography.entries(ctx.store, None)
    known = claims_mod.cited_as(works)
    places = rows_of.place_and_org_keys(ctx.store.conn)
    total = sum(src.words for src in sources)

    def pieces() -> Iterator[tuple[str, tuple[Source, int, bool, int, list[tuple[int, int]]]]]:
        for src in sources:  # a text is read when the model comes to it, and not kept
            tm = ctx.texts.passing(src)
            editors = editor_spans(tm)
            parts = list(text_chunks(tm.text)) or [(0, "")]
            for k, (offset, text) in enumerate(parts):
                yield text, (src, offset, k == len(parts) - 1,
                             len(text.split()) if progress else 0, editors)

    found: list[ClaimProposal] = []
    run = _ClaimsRun(provenance)
    done = 0
    try:
        # a few chunks at a time: spaCy's default batch (1000 chunks of 5000 characters) held
        # every parse of an edition at once (2.7 GiB)
        for doc, (src, offset, last, words, editors) in nlp.pipe(
                pieces(), as_tuples=True, batch_size=CLAIM_BATCH):
            found.extend(_voiced(claims_mod.shift(p, offset), editors)
                         for p in claims_mod.find_claims(doc, known, places))
            if last:
                with finishing() as finish:  # Ctrl-C after finish() waits for the commit
                    with ctx.store.transaction() as conn:
                        counts = _store_source(conn, src, found, provenance, works)
                        finish()
                    run.add(counts)
                found = []
            if progress is not None:
                done += words
                progress(done, max(total, done))
    except KeyboardInterrupt:
        raise Interrupted(f"claims proposed in {run.sources} of {len(sources)} source"
                          f"{'s' * (len(sources) != 1)}",
                          hint="run the same command again to propose them in all"
                          if run.sources < len(sources) else "nothing is left to propose",
                          done=run.report()) from None
    log.info("claims: %d new proposals in %d sources, %d withdrawn", len(run.new),
             len(sources), run.withdrawn)
    return run.report()


def _voiced(p: ClaimProposal, editors: Sequence[tuple[int, int]]) -> ClaimProposal:
    """A proposal in the editor's voice (``tei.voice``: an editorial note) is the edition's
    claim, kind 'editorial', whoever it names as saying it; not the source's."""
    return replace(p, kind="editorial") if within(editors, p.start, p.end) else p


@dataclass(slots=True)
class _ClaimsRun:
    """What a claims run has committed so far, source by source."""

    model: str
    sources: int = 0
    new: list[int] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    refreshed: int = 0
    withdrawn: int = 0
    unsuggested: int = 0

    def add(self, one: _ClaimsRun) -> None:
        self.sources += 1
        self.new += one.new
        self.kinds.update(one.kinds)
        self.refreshed += one.refreshed
        self.withdrawn += one.withdrawn
        self.unsuggested += one.unsuggested

    def report(self) -> ClaimsProposeReport:
        return ClaimsProposeReport(model=self.model, sources=self.sources, new=tuple(self.new),
                                   kinds=tuple(sorted(self.kinds.items())),
                                   refreshed=self.refreshed, withdrawn=self.withdrawn,
                                   unsuggested=self.unsuggested)


def _store_source(conn: sqlite3.Connection, src: Source, found: list[ClaimProposal],
                  provenance: str, works: list[BibEntry]) -> _ClaimsRun:
    """One source's claim proposals written (in the caller's transaction), and what that
    did: what the finder made before and makes no more, nobody having decided it, goes."""
    counts = _ClaimsRun(provenance)
    edited = edited_claims(conn)
    agents = rows_of.agents_in(conn, src.id)  # before: an agent it takes away may hold nothing
    earlier = rows_of.finder_proposals(conn, src.id, src.sha256)
    kept: set[int] = set()
    for p in found:
        got = _store_proposal(conn, src, p, provenance, works, edited)
        if got is None:
            continue
        cid, is_new, gone = got
        kept.add(cid)
        counts.unsuggested += gone
        if is_new:
            counts.new.append(cid)
            counts.kinds[p.kind] += 1
        else:
            counts.refreshed += 1
    stale = [cid for cid in earlier if cid not in kept and cid not in edited]
    # proposals whose words changed in a replace before 'add --replace' withdrew them
    old = [cid for cid in rows_of.stale_finder_claims(conn, src.id) if cid not in edited]
    if old:
        stale += [cid for cid, was in before_stale(conn, "claims", old).items()
                  if was == "proposed"]
    rows_of.delete_claims(conn, stale)
    drop_orphans(conn, agents)  # a proposed entity only these claims held, say a run emptied
    counts.withdrawn = len(stale)
    record_run(conn, src.id, src.sha256, "claims", provenance,
               json.dumps({"proposals": len(found)}))
    return counts


def _store_proposal(conn: sqlite3.Connection, src: Source, p: ClaimProposal, provenance: str,
                    works: list[BibEntry], edited: frozenset[int]
                    ) -> tuple[int, bool, int] | None:
    """Write one proposal (bulk machine work, no decision row): its id, whether it is new and
    how many of its suggestions the finder no longer makes were withdrawn; None when the
    claim at its place is decided (confirmed, rejected, stale, the editor's own). A proposal
    an editor acted on (its agent set, a suggestion rejected) keeps what it has, but its
    suggestions are brought up to date as those of any proposal, and so is whether its kind
    is the editor's voice ('editorial')."""
    old = rows_of.claim_at(conn, src.id, src.sha256, p.start, p.end)
    agent_id = agent_entity(conn, p.agent)
    acted_on = old is not None and int(old["id"]) in edited
    if old is None:
        cid = rows_of.insert_proposal(conn, src.id, src.sha256, p.start, p.end, p.kind,
                                      p.agent, agent_id, p.cue, provenance, now(),
                                      p.confidence, p.candidate)
    elif old["status"] == "proposed" and old["provenance"] != "editor":
        cid = int(old["id"])
        if not acted_on:
            rows_of.refresh_proposal(conn, cid, p.kind, p.agent, agent_id, p.cue, provenance,
                                     p.confidence, p.candidate)
        elif (p.kind == "editorial") != (old["kind"] == "editorial"):
            # whose voice it is, the editor's or the source's, is where the words stand, which
            # no act on the proposal (an agent set) judged: made before the editor's voice
            # was read, it is brought up to date (was: kept 'attributed' in an editor's note)
            kind = "attributed" if p.kind == "unattributed" and old["agent"] else p.kind
            rows_of.set_kind(conn, cid, kind)
    else:
        return None  # decided by an editor: left as it is
    agent = old["agent"] if old is not None and acted_on else p.agent  # the editor's
    wanted = claims_mod.suggest_works(agent, works, p.citations)
    gone = rows_of.withdraw_suggestions(conn, cid, {(w.key, locus, rule)
                                                    for w, locus, rule in wanted})
    for work, locus, rule in wanted:
        rows_of.suggest_work(conn, cid, work.key, locus, rule)
    return cid, old is None, gone


# -- reading claims ---------------------------------------------------------------------------
def claims(ctx: ActContext, *, status: str | Iterable[str] | None = None,
           source_id: str | Iterable[str] | None = None,
           kinds: str | Iterable[str] | None = None,
           state: str | Iterable[str] | None = None, stored: bool = False) -> list[ClaimRow]:
    """Claims with their location, text, kind, agent, links and computed status, in reading
    order, the unattributed ones (nobody is named for them) after all the others.

    ``status``: supported / attributed / unsupported; ``state``: proposed / confirmed /
    rejected / stale (default: all but rejected); ``source_id``: of these sources; each filter
    one name, several, or comma-separated (``annotator.filters``). ``stored``: a file edited
    by hand since it was added (S016) is read as the store keeps it (``Texts.as_stored``), as
    ``check`` reads it, instead of refused: for the listings, which warn of it; an export
    leaves it False and refuses the file.
    """
    if stored:
        ctx = replace(ctx, texts=ctx.texts.as_stored())
    statuses = chosen(status, SUPPORT, "status")
    states = chosen(state, CLAIM_STATES, "state") or ("proposed", "confirmed", "stale")
    kind_set = chosen(kinds, CLAIM_KINDS, "kind")
    kept = ctx.texts.chosen(source_id)
    rows = [r for r in rows_of.claim_rows(ctx.store.conn, kept)
            if r["status"] in states and (not kind_set or r["kind"] in kind_set)]
    links = rows_of.links_by_claim(ctx.store.conn, kept)
    sources = {src.id: src for src in ctx.texts.sources()}
    was = _was(ctx, rows)
    now = _now(ctx, rows)
    out = []
    for r in rows:
        item = _claim_item(ctx, r, links.get(r["id"], []), sources[r["source_id"]],
                           was=was.get(r["id"], ""), now=now.get(r["id"]))
        if statuses and item.status not in statuses:
            continue
        out.append(item)
    out.sort(key=lambda c: c.kind == "unattributed")  # nobody named for it: last
    return out


def status_counts(store: Store) -> dict[str, dict[str, int]]:
    """Claims (not rejected) by source and support status, without reading any source."""
    links = rows_of.links_by_claim(store.conn, None)
    out: dict[str, dict[str, int]] = {}
    for r in rows_of.unrejected(store.conn):
        status = claims_mod.support_status(r["agent"], links.get(r["id"], []))
        counts = out.setdefault(r["source_id"], {})
        counts[status] = counts.get(status, 0) + 1
    return out


def claim(ctx: ActContext, claim_id: int | str, *, stored: bool = False) -> ClaimRow:
    """One claim (``12`` or ``claim:12``) with its links; ``stored`` as ``claims`` takes it."""
    if stored:
        ctx = replace(ctx, texts=ctx.texts.as_stored())
    row = _claim_row(ctx, claim_id)
    return _claim_item(ctx, row, rows_of.claim_links(ctx.store.conn, row["id"]),
                       was=_was(ctx, [row]).get(row["id"], ""),
                       now=_now(ctx, [row]).get(row["id"]))


def check(ctx: ActContext, *, allow: str | Iterable[str] = ()) -> CheckReport:
    """Every confirmed claim supported? The ones that are not (unless their status is
    allowed, e.g. 'attributed'), with their locations, the claims confirmed before their
    words changed in a replaced source (``stale``: they fail whatever their status, until
    marked again), and the count of proposals nobody decided: for reviewers and a paper's
    build. The names and dates confirmed before their words changed, which no export holds
    until they are marked again (``stale_mentions``, ``acts.stale``), and the
    sources' warnings, those ``sources`` gives (S026: a header and dateline that disagree on
    the date; S016: a file edited by hand since it was added), are said with it, and fail
    nothing: an edited file's claims are checked where the store's version has them."""
    from annotator.acts.stale import stale_mentions

    ctx = replace(ctx, texts=ctx.texts.as_stored())  # its stale mentions' words too
    allowed = tuple(sorted(set(chosen(allow, SUPPORT, "status") or ()) - {"supported"}))
    rows = claims(ctx, status=None, source_id=None, kinds=None, state=("confirmed", "stale"))
    confirmed = [r for r in rows if r.state == "confirmed"]
    stale = tuple(r for r in rows if r.state == "stale" and r.was == "confirmed")
    failing = tuple(r for r in confirmed if r.status != "supported" and r.status not in allowed)
    return CheckReport(checked=len(confirmed) + len(stale), failing=failing, allowed=allowed,
                       undecided=rows_of.proposed_count(ctx.store.conn), stale=stale,
                       warnings=_source_warnings(ctx),
                       stale_mentions=tuple(stale_mentions(ctx)))


def _source_warnings(ctx: ActContext) -> tuple[SourceWarning, ...]:
    """The sources' warnings as ``sources`` marks them, source by source: its date (S026),
    then its file edited since it was added (S016)."""
    listed = ctx.texts.sources()
    dated = date_warnings(ctx, listed)
    return tuple(w for src in listed for w in (dated.get(src.id), ctx.texts.edited(src))
                 if w is not None)


def passage_words(ctx: ActContext, link: Link) -> str:
    """The words a passage link points at, whitespace folded, read from the version of its
    source its offsets hold for: a stale passage's are the words it was linked to, not what
    the text now has there. '' for a work, or a version that cannot be read."""
    sid, start, end = link.target_source_id, link.target_start, link.target_end
    if sid is None or start is None or end is None:
        return ""
    src = ctx.texts.source(sid)
    tm = ctx.texts.textmap(src) if link.target_sha256 in (None, src.sha256) else \
        ctx.texts.version_of(sid, link.target_sha256)
    return "" if tm is None else " ".join(tm.text[start:end].split())


def link(ctx: ActContext, link_id: int | str) -> Link:
    """One link (``3`` or ``link:3``)."""
    lid = _number(link_id, prefix="link:")
    row = rows_of.link_row(ctx.store.conn, lid) if lid else None
    if row is None:
        raise DecisionError(f"no link {link_id}",
                            hint="see the links of a claim with 'annotator claims "
                                 "--format json'",
                            location=ctx.store.place, code="D311")
    return link_from_row(row)


def _words(ctx: ActContext, src: Source, text: str, start: int, end: int, *, what: str,
           of: str, within: str = "the reading text") -> tuple[int, int]:
    """Offsets a claim or passage was given, widened to the whole words their edges cut and
    trimmed ('held i' typed or selected is 'held in'); refused (D318) outside the reading
    text or around no word."""
    fault = span_fault(start, end, len(text))
    if fault is not None:
        raise DecisionError(f"{what} {start}:{end} of '{src.id}' {fault}",
                            hint=f"give START < END within {within}",
                            location=ctx.texts.place(src), code="D318")
    words = word_span(text, start, end)
    if words is None:
        raise DecisionError(f"{what} {start}:{end} of '{src.id}' holds no words",
                            hint=f"give START:END around the words of {of}",
                            location=ctx.texts.place(src), code="D318")
    return words


def _claim_row(ctx: ActContext, claim_id: int | str) -> sqlite3.Row:
    cid = _number(claim_id)
    row = rows_of.claim_row(ctx.store.conn, cid) if cid else None
    if row is None:
        raise DecisionError(f"no claim {claim_id}",
                            hint="see 'annotator claims' for claim ids",
                            location=ctx.store.place, code="D306")
    return row


def _was(ctx: ActContext, rows: Sequence[sqlite3.Row]) -> dict[int, str]:
    """The state each stale claim among ``rows`` had when its source was replaced, by id."""
    stale = [int(r["id"]) for r in rows if r["status"] == "stale"]
    return before_stale(ctx.store.conn, "claims", stale) if stale else {}


def _now(ctx: ActContext, rows: Sequence[sqlite3.Row]) -> dict[int, Nearest]:
    """Where the words of each stale claim among ``rows`` are nearest in its source's text now,
    by id, as the replace recorded it (``store.sources.stale_places``); a claim it did not
    record (a store from before) is left out."""
    from annotator.acts.stale import near

    out: dict[int, Nearest] = {}
    stale: dict[str, list[int]] = {}
    for r in rows:
        if r["status"] == "stale":
            stale.setdefault(r["source_id"], []).append(int(r["id"]))
    for sid, ids in stale.items():
        src = ctx.texts.source(sid)
        places = stale_places(ctx.store.conn, sid, src.sha256)
        if not any(cid in places for cid in ids):
            continue
        tm = ctx.texts.textmap(sid)
        for cid in ids:
            if cid not in places:
                continue
            out[cid] = near(tm, *places[cid])
    return out


def _claim_item(ctx: ActContext, r: sqlite3.Row, links: list[Link], src: Source | None = None,
                *, was: str = "", now: Nearest | None = None) -> ClaimRow:
    """A stored claim as a record: its text and place (paragraph, line, page) in its source,
    and its last character's, so a claim that crosses blocks names its range. A stale claim's
    are read from the version it was made on (``was``: its state then), where its offsets
    hold; ``STALE_TEXT`` at no place only when that version cannot be read."""
    src = src or ctx.texts.source(r["source_id"])
    text, paragraph, line, page = STALE_TEXT, 0, 0, None
    last: tuple[int, int, str | None] | None = None
    tm = ctx.texts.textmap(r["source_id"]) if r["sha256"] == src.sha256 else \
        ctx.texts.version_of(r["source_id"], r["sha256"])
    if tm is not None:
        text = " ".join(tm.text[r["start"]:r["end"]].split())
        (paragraph, line, page), last = tm.span_places(r["start"], r["end"])
    return ClaimRow(id=r["id"], source_id=r["source_id"], start=r["start"], end=r["end"],
                    text=text, kind=r["kind"], state=r["status"],
                    status=claims_mod.support_status(r["agent"], links), agent=r["agent"],
                    agent_entity_id=r["agent_entity_id"], paragraph=paragraph, line=line,
                    page=page, last=last, cue=r["cue"], provenance=r["provenance"],
                    links=tuple(links), confidence=r["confidence"],
                    agent_candidate=r["agent_candidate"], was=was, sha256=r["sha256"],
                    now=now)


def _agent(ctx: ActContext, agent: str) -> tuple[str, str | None]:
    """(name, entity id) of an agent given as an entity id ('person-darwin': its preferred
    name, linked) or as words (linked to the entity they name, if any)."""
    refuse_not_xml([agent])  # before folding, as a locus
    agent = " ".join(agent.split())
    row = entity_row(ctx.store.conn, agent) if agent else None
    if row is not None and row["status"] != "rejected" and row["type"] in ("person", "org"):
        return str(row["preferred"]), str(row["id"])
    if _ENTITY_ID.fullmatch(agent):  # meant as an id: kept as words, it would name nobody
        raise DecisionError(f"no entity '{agent}'" if row is None else
                            f"{agent} is rejected" if row["status"] == "rejected" else
                            f"{agent} is a {row['type']}, not a person or an organisation",
                            hint="give a person's or organisation's id from 'annotator "
                                 "entities', or the agent's name in words",
                            location=ctx.store.place,
                            code="D021" if row is None else "D313")
    return agent, agent_entity(ctx.store.conn, agent)


_ENTITY_ID = re.compile(rf"(?:{'|'.join(ENTITY_TYPES)})-[a-z0-9]+(?:-[a-z0-9]+)*")


def agent_entity(conn: sqlite3.Connection, agent: str) -> str | None:
    """The register entity (or candidate) an agent's name stands for, if any."""
    if not agent:
        return None
    keys = [name_key(agent)]
    if len(agent.split()) > 1:
        keys.append(name_key(agent.split()[-1]))
    return rows_of.agent_entity(conn, keys)


def _number(value: int | str, prefix: str = "claim:") -> int | None:
    return row_id(value, prefix)
