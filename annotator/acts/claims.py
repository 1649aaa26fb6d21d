"""Claims and their support links in the store: the editor's claim acts and the claim rows.

The finder and the support status are pure (``annotator.nlp.claim_finder``); this module writes what
they find and what editors decide into the ``claims`` and ``links`` tables, and reads them back
as ``ClaimRow`` records with their place in the reading text. Every editor act is one
``Store.act`` (target ``claim:N`` or ``link:N``), so the generic ``undo`` takes it back;
writing proposals is bulk machine work in one transaction per source, with no decision row.

The workspace's claim methods delegate here; they document the contract.

DOCS: docs/claims.md
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from annotator.nlp import claim_finder as claims_mod
from annotator.entities.names import name_key
from annotator.errors import DecisionError, Location
from annotator.records import (CLAIM_KINDS, CLAIM_STATES, LINK_RELS, SUPPORT, BibEntry, row_id,
                             CheckReport, ClaimProposal, ClaimRow, Link, Source)
from annotator.store import Act, now
from annotator.text import refuse_not_xml, trim

if TYPE_CHECKING:
    from annotator.workspace import Workspace

log = logging.getLogger(__name__)

STALE_TEXT = "[stale: the source changed; mark the claim again]"


# -- claim acts -------------------------------------------------------------------------------
def add_claim(ws: Workspace, source_id: str, *, span: tuple[int, int] | None,
              quote: str | None, kind: str, agent: str, expected: str | None) -> ClaimRow:
    """Mark a claim by hand (a span, or a quotation found once); confirms a proposal there."""
    src = ws.source(source_id)
    tm = ws.textmap(source_id)
    if kind not in CLAIM_KINDS:
        raise DecisionError(f"unknown claim kind '{kind}'",
                            hint=f"use one of {', '.join(CLAIM_KINDS)}",
                            location=Location(ws.root / src.file), code="D305")
    if (span is None) == (quote is None):
        raise DecisionError("give either a span or a quotation",
                            hint="use --span START:END or --quote TEXT",
                            location=Location(ws.root / src.file), code="D303")
    if quote is not None:
        hits = claims_mod.find_quote(tm.text, quote)
        if len(hits) != 1:
            where = ", ".join(f"{a}:{b}" for a, b in hits[:5])
            raise DecisionError(
                f"quotation found {len(hits)} times in the reading text of '{source_id}'"
                + (f" (at {where}{', ...' if len(hits) > 5 else ''})" if hits else ""),
                hint="quote more of the text so it occurs once, or give --span START:END"
                if hits else "copy the words exactly as the reading view of 'annotator "
                             "serve' shows them, or give --span START:END",
                location=Location(ws.root / src.file), code="D302" if hits else "D301")
        start, end = hits[0]
    else:
        assert span is not None
        start, end = span
    if not 0 <= start < end <= len(tm.text):
        raise DecisionError(f"span {start}:{end} is not inside the reading text of "
                            f"'{source_id}' (0:{len(tm.text)})",
                            hint="give START < END within the reading text",
                            location=Location(ws.root / src.file), code="D303")
    start, end = trim(tm.text, start, end)
    old = ws.store.one("SELECT * FROM claims WHERE source_id = ? AND sha256 = ? AND "
                       "start = ? AND end = ?", (source_id, src.sha256, start, end))
    agent, agent_entity = _agent(ws, agent)
    values = {"kind": kind, "agent": agent, "agent_entity_id": agent_entity,
              "status": "confirmed"}
    payload = {"source": source_id, "start": start, "end": end, "kind": kind,
               "agent": agent}
    if old is not None and old["status"] == "confirmed":
        raise DecisionError(f"claim {old['id']} already covers {start}:{end}",
                            hint=f"link it with 'annotator claim link {old['id']} KEY'",
                            location=Location(ws.root / src.file), code="D304")
    for _attempt in range(3):
        cid = int(old["id"]) if old is not None else int(ws.store.query(
            "SELECT coalesce(max(id), 0) + 1 FROM claims")[0][0])
        try:
            with _claim_act(ws, "claim-add", f"claim:{cid}", payload, expected,
                            token_of=None) as act:
                if old is not None:
                    act.update("claims", {"id": cid}, values)
                else:
                    act.insert("claims", {"id": cid, "source_id": source_id,
                                          "sha256": src.sha256, "start": start, "end": end,
                                          "provenance": "editor", "created_at": now(),
                                          **values})
            break
        except sqlite3.IntegrityError:  # another writer took that id meanwhile
            if old is not None or _attempt == 2:
                raise
    return claim(ws, cid)


def set_agent(ws: Workspace, claim_id: int | str, agent: str, *,
              expected: str | None) -> ClaimRow:
    """Say who a claim is attributed to: a register entity by id (linked), or a name or
    description (linked when it names exactly one person or organisation)."""
    row = _claim_row(ws, claim_id)
    name, entity = _agent(ws, agent)
    with _claim_act(ws, "claim-agent", f"claim:{row['id']}",
                    {"agent": name, "entity": entity}, expected,
                    token_of=f"claim:{row['id']}") as act:
        values: dict[str, Any] = {"agent": name, "agent_entity_id": entity}
        if row["kind"] == "unattributed" and name:
            values["kind"] = "attributed"
        act.update("claims", {"id": row["id"]}, values)
    return claim(ws, row["id"])


def link_claim(ws: Workspace, claim_id: int | str, key: str | None, *,
               passage: tuple[str, int, int] | None, locus: str, rel: str,
               expected: str | None) -> Link:
    """Link a claim to a work or to a passage of another source; accepts a suggestion."""
    claim_row = _claim_row(ws, claim_id)
    if rel not in LINK_RELS:
        raise DecisionError(f"unknown relation '{rel}'",
                            hint=f"use one of {', '.join(LINK_RELS)}",
                            location=Location(ws.store.path), code="D308")
    if (key is None) == (passage is None):
        raise DecisionError("give either a bibliography key or a passage",
                            hint="use KEY, or --passage SOURCE:START:END",
                            location=Location(ws.store.path), code="D308")
    locus = " ".join(locus.split())
    row: dict[str, Any] = {"claim_id": claim_row["id"], "rel": rel, "locus": locus,
                           "status": "confirmed", "provenance": "editor"}
    if key is not None:
        row["bib_key"] = ws.bib_entry(key).key
        same = ws.store.one("SELECT * FROM links WHERE claim_id = ? AND bib_key = ? AND "
                            "rel = ? AND locus IN (?, '')",
                            (claim_row["id"], row["bib_key"], rel, locus))
    else:
        assert passage is not None
        sid, start, end = passage
        tm = ws.textmap(sid)
        src = ws.source(sid)
        if not 0 <= start < end <= len(tm.text):
            raise DecisionError(f"passage {start}:{end} is not inside the reading text of "
                                f"'{sid}' (0:{len(tm.text)})",
                                hint="give START < END within that reading text",
                                location=Location(ws.root / src.file), code="D303")
        if sid == claim_row["source_id"] and start < claim_row["end"] and claim_row["start"] < end:
            raise DecisionError("a claim cannot be supported by its own words",
                                hint="give a passage elsewhere, or a work's key",
                                location=Location(ws.root / src.file), code="D309")
        row.update(target_source_id=sid, target_start=start, target_end=end)
        same = ws.store.one("SELECT * FROM links WHERE claim_id = ? AND "
                            "target_source_id = ? AND target_start = ? AND "
                            "target_end = ? AND rel = ?",
                            (claim_row["id"], sid, start, end, rel))
    if same is not None and same["status"] == "confirmed" and same["locus"] == locus:
        raise DecisionError(f"claim {claim_row['id']} is already linked to "
                            f"{link_from_row(same).target} (link {same['id']})",
                            hint="nothing to do; 'annotator claim unlink' removes a link",
                            location=Location(ws.store.path), code="D309")
    with _claim_act(ws, "claim-link", f"claim:{claim_row['id']}",
                    {k: v for k, v in row.items() if v is not None}, expected,
                    token_of=f"claim:{claim_row['id']}") as act:
        if same is not None:
            act.update("links", {"id": same["id"]},
                       {"status": "confirmed", "locus": locus or same["locus"]})
            lid = int(same["id"])
        else:
            lid = act.insert("links", row)
    return link(ws, lid)


def accept_links(ws: Workspace, link_ids: Sequence[int | str], *, locus: str | None,
                 expected: str | None) -> list[Link]:
    """Accept suggested links (optionally giving their locus) as ONE act; an unknown id
    refuses it whole. ``expected`` is the state token of a single link's claim page."""
    found = _links(ws, link_ids, expected)
    values: dict[str, Any] = {"status": "confirmed"}
    if locus is not None:
        values["locus"] = " ".join(locus.split())
    with _claim_act(ws, "link-accept", _links_target(found), values, expected,
                    token_of=f"claim:{found[0].claim_id}") as act:
        for one in found:
            act.update("links", {"id": one.id}, values)
    return [link(ws, one.id) for one in found]


def unlink(ws: Workspace, link_ids: Sequence[int | str], *, expected: str | None) -> None:
    """Remove links as ONE act: an editor's link goes, a suggestion is kept as rejected so
    it is not made again. ``expected`` is the state token of a single link's claim page."""
    found = _links(ws, link_ids, expected)
    with _claim_act(ws, "unlink", _links_target(found),
                    {"links": {str(one.id): {"claim": one.claim_id, "target": one.target}
                               for one in found}} if len(found) > 1 else
                    {"claim": found[0].claim_id, "target": found[0].target}, expected,
                    token_of=f"claim:{found[0].claim_id}") as act:
        for one in found:
            if one.provenance == "editor":
                act.delete("links", {"id": one.id})
            else:
                act.update("links", {"id": one.id}, {"status": "rejected"})


def _links(ws: Workspace, link_ids: Sequence[int | str], expected: str | None) -> list[Link]:
    found = list({one.id: one for one in (link(ws, i) for i in link_ids)}.values())
    if not found:
        raise DecisionError("no links given", hint="give link ids (see 'annotator claims -f "
                            "json')", location=Location(ws.store.path), code="D306")
    if expected is not None and len({one.claim_id for one in found}) > 1:
        raise ValueError("a state token stands for one claim's page, not several claims")
    return found


def _links_target(found: Sequence[Link]) -> str:
    return f"link:{found[0].id}" if len(found) == 1 else "links:" + ",".join(
        str(one.id) for one in found)


def set_claim_state(ws: Workspace, claim_ids: Sequence[int | str], state: str, act_name: str,
                    expected: str | None) -> list[ClaimRow]:
    """Confirm or reject claims (``state``) as ONE act ``act_name``; a stale or unknown claim
    refuses the whole act. ``expected`` is the state token of a single claim's page."""
    rows = [_claim_row(ws, cid) for cid in claim_ids]
    if not rows:
        raise DecisionError("no claims given", hint="give claim ids (see 'annotator claims')",
                            location=Location(ws.store.path), code="D306")
    for row in rows:
        if row["status"] == "stale":
            raise DecisionError(f"claim {row['id']} is stale (its source changed)",
                                hint="mark the claim again with 'annotator claim add'",
                                location=Location(ws.store.path), code="D310")
    ids = list(dict.fromkeys(int(r["id"]) for r in rows))
    if expected is not None and len(ids) > 1:
        raise ValueError("a state token stands for one claim's page, not several claims")
    target = f"claim:{ids[0]}" if len(ids) == 1 else "claims:" + ",".join(map(str, ids))
    with _claim_act(ws, act_name, target, {"from": {str(r["id"]): r["status"] for r in rows}},
                    expected, token_of=f"claim:{ids[0]}") as act:
        for cid in ids:
            act.update("claims", {"id": cid}, {"status": state})
    return [claim(ws, cid) for cid in ids]


@contextmanager
def _claim_act(ws: Workspace, act: str, target: str, payload: dict[str, Any],
               expected: str | None, *, token_of: str | None) -> Iterator[Act]:
    """One claim act; with ``expected`` (``ws.state_token(token_of)`` as the page saw it: the
    claim and its links, or the whole workspace when ``token_of`` is None), refused inside the
    act's transaction when that changed meanwhile."""
    refuse_not_xml([target, payload])
    with ws.store.act(act, target, editor=ws.editor, payload=payload) as rec:
        if expected is not None and expected != (
                ws.state_token(token_of) if token_of else ws.state_token()):
            raise DecisionError(f"{target} may have changed since you loaded it",
                                hint="reload and try again", code="D010")
        yield rec


# -- proposals --------------------------------------------------------------------------------
def propose_claims(ws: Workspace, source_ids: Iterable[str] | None, *, model: str | None,
                   progress: Callable[[int, int], None] | None, nlp: Any) -> list[ClaimRow]:
    """Run the finder over the reading texts and keep what it finds as proposals."""
    ids = list(source_ids) if source_ids else [s.id for s in ws.sources()]
    sources = [ws.source(i) for i in ids]
    for src in sources:
        ws.check_unchanged(src)  # before the model loads: an edited file is refused (S016)
    from annotator.nlp.pipeline import chunks as text_chunks
    from annotator.acts.propose import record_run
    from annotator.nlp.pipeline import load_parsing_pipeline, provenance_of

    if nlp is None:
        nlp = load_parsing_pipeline(model or ws.settings.model)
    provenance = "rule:claims@" + provenance_of(nlp).removeprefix("model:")
    works = ws.bib()
    chunks = [(src, start, text) for src in sources
              for start, text in text_chunks(ws.textmap(src.id).text)]
    found: dict[str, list[ClaimProposal]] = {src.id: [] for src in sources}
    docs = nlp.pipe(text for _, _, text in chunks)
    for n, ((src, offset, _text), doc) in enumerate(zip(chunks, docs, strict=True)):
        found[src.id].extend(claims_mod.shift(p, offset) for p in
                             claims_mod.find_claims(doc))
        if progress is not None:
            progress(n + 1, len(chunks))
    new_ids: list[int] = []
    for src in sources:
        with ws.store.transaction() as conn:
            for p in found[src.id]:
                new_ids.extend(_store_proposal(ws, conn, src, p, provenance, works))
            record_run(conn, src.id, src.sha256, "claims", provenance,
                       json.dumps({"proposals": len(found[src.id])}))
    log.info("claims: %d new proposals in %d sources", len(new_ids), len(sources))
    return [claim(ws, i) for i in new_ids]


def _store_proposal(ws: Workspace, conn: Any, src: Source, p: ClaimProposal, provenance: str,
                    works: list[BibEntry]) -> list[int]:
    """Write one proposal (bulk machine work, no decision row); [id] when it is new."""
    old = conn.execute("SELECT * FROM claims WHERE source_id = ? AND sha256 = ? AND "
                       "start = ? AND end = ?", (src.id, src.sha256, p.start, p.end)
                       ).fetchone()
    values = {"kind": p.kind, "agent": p.agent, "cue": p.cue,
              "agent_entity_id": _agent_entity(ws, p.agent)}
    new: list[int] = []
    if old is None:
        cur = conn.execute(
            "INSERT INTO claims (source_id, sha256, start, end, kind, status, agent, "
            "agent_entity_id, cue, provenance, created_at) VALUES (?, ?, ?, ?, ?, "
            "'proposed', ?, ?, ?, ?, ?)",
            (src.id, src.sha256, p.start, p.end, p.kind, p.agent, values["agent_entity_id"],
             p.cue, provenance, now()))
        cid = int(cur.lastrowid or 0)
        new.append(cid)
    elif old["status"] == "proposed" and old["provenance"] != "editor":
        cid = int(old["id"])
        conn.execute("UPDATE claims SET kind = ?, agent = ?, agent_entity_id = ?, cue = ?, "
                     "provenance = ? WHERE id = ?",
                     (p.kind, p.agent, values["agent_entity_id"], p.cue, provenance, cid))
    else:
        return []  # decided by an editor: left as it is
    for work, locus, rule in claims_mod.suggest_works(p.agent, works, p.citations):
        seen = conn.execute("SELECT 1 FROM links WHERE claim_id = ? AND bib_key = ?",
                            (cid, work.key)).fetchone()
        if seen is None:
            conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status, "
                         "provenance) VALUES (?, ?, 'supports', ?, 'suggested', ?)",
                         (cid, work.key, locus, rule))
    return new


# -- reading claims ---------------------------------------------------------------------------
def claims(ws: Workspace, *, status: str | Iterable[str] | None, source_id: str | None,
           kinds: Iterable[str] | None, state: str | Iterable[str] | None) -> list[ClaimRow]:
    """Claims filtered by support status, review state, source and kind."""
    statuses = _names(status, SUPPORT, "status")
    states = _names(state, CLAIM_STATES, "state") or {"proposed", "confirmed", "stale"}
    kind_set = _names(kinds, CLAIM_KINDS, "kind")
    if source_id is not None:
        ws.source(source_id)
    rows = ws.store.query("SELECT * FROM claims WHERE (? IS NULL OR source_id = ?) "
                          "ORDER BY source_id, start, end", (source_id, source_id))
    links = _links_by_claim(ws, source_id)
    sources = {src.id: src for src in ws.sources()}
    out = []
    for r in rows:
        if r["status"] not in states or (kind_set and r["kind"] not in kind_set):
            continue
        item = _claim_item(ws, r, links.get(r["id"], []), sources[r["source_id"]])
        if statuses and item.status not in statuses:
            continue
        out.append(item)
    return out


def status_counts(ws: Workspace) -> dict[str, dict[str, int]]:
    """Claims (not rejected) by source and support status, without reading any source."""
    links = _links_by_claim(ws, None)
    out: dict[str, dict[str, int]] = {}
    for r in ws.store.query("SELECT id, source_id, agent FROM claims WHERE status != 'rejected'"):
        status = claims_mod.support_status(r["agent"], links.get(r["id"], []))
        counts = out.setdefault(r["source_id"], {})
        counts[status] = counts.get(status, 0) + 1
    return out


def _links_by_claim(ws: Workspace, source_id: str | None) -> dict[int, list[Link]]:
    links: dict[int, list[Link]] = {}
    for lr in ws.store.query("SELECT l.* FROM links l JOIN claims c ON c.id = l.claim_id "
                             "WHERE ? IS NULL OR c.source_id = ? ORDER BY l.id",
                             (source_id, source_id)):
        links.setdefault(lr["claim_id"], []).append(link_from_row(lr))
    return links


def claim(ws: Workspace, claim_id: int | str) -> ClaimRow:
    """One claim (``12`` or ``claim:12``) with its links."""
    row = _claim_row(ws, claim_id)
    links = [link_from_row(lr) for lr in ws.store.query(
        "SELECT * FROM links WHERE claim_id = ? ORDER BY id", (row["id"],))]
    return _claim_item(ws, row, links)


def check(ws: Workspace, *, allow: Iterable[str]) -> CheckReport:
    """Confirmed claims that are not supported (nor of an allowed status), and the count of
    proposals nobody decided."""
    allowed = tuple(sorted(_names(allow, SUPPORT, "status") - {"supported"}))
    rows = claims(ws, status=None, source_id=None, kinds=None, state="confirmed")
    failing = tuple(r for r in rows if r.status != "supported" and r.status not in allowed)
    undecided = ws.store.one("SELECT count(*) FROM claims WHERE status = 'proposed'")
    return CheckReport(checked=len(rows), failing=failing, allowed=allowed,
                       undecided=int(undecided[0]) if undecided else 0)


def link(ws: Workspace, link_id: int | str) -> Link:
    """One link (``3`` or ``link:3``)."""
    lid = _number(link_id, prefix="link:")
    row = ws.store.one("SELECT * FROM links WHERE id = ?", (lid,)) if lid else None
    if row is None:
        raise DecisionError(f"no link {link_id}",
                            hint="see the links of a claim with 'annotator claims "
                                 "--format json'",
                            location=Location(ws.store.path), code="D311")
    return link_from_row(row)


def link_from_row(row: Any) -> Link:
    return Link(id=row["id"], claim_id=row["claim_id"], rel=row["rel"], status=row["status"],
                bib_key=row["bib_key"], locus=row["locus"],
                target_source_id=row["target_source_id"], target_start=row["target_start"],
                target_end=row["target_end"], provenance=row["provenance"])


def _claim_row(ws: Workspace, claim_id: int | str) -> Any:
    cid = _number(claim_id)
    row = ws.store.one("SELECT * FROM claims WHERE id = ?", (cid,)) if cid else None
    if row is None:
        raise DecisionError(f"no claim {claim_id}",
                            hint="see 'annotator claims' for claim ids",
                            location=Location(ws.store.path), code="D306")
    return row


def _claim_item(ws: Workspace, r: Any, links: list[Link], src: Source | None = None
                ) -> ClaimRow:
    """A stored claim as a record: its text and place (paragraph, line, page) in its source."""
    src = src or ws.source(r["source_id"])
    text, paragraph, line, page = STALE_TEXT, 0, 0, None
    if r["sha256"] == src.sha256:
        tm = ws.textmap(r["source_id"])
        text = " ".join(tm.text[r["start"]:r["end"]].split())
        paragraph = tm.block_of(r["start"])
        line = tm.line_col(tm.source_span(r["start"], r["end"])[0])[0]
        page = tm.page_of(r["start"])
    return ClaimRow(id=r["id"], source_id=r["source_id"], start=r["start"], end=r["end"],
                    text=text, kind=r["kind"], state=r["status"],
                    status=claims_mod.support_status(r["agent"], links), agent=r["agent"],
                    agent_entity_id=r["agent_entity_id"], paragraph=paragraph, line=line,
                    page=page, cue=r["cue"], provenance=r["provenance"],
                    links=tuple(links))


def _agent(ws: Workspace, agent: str) -> tuple[str, str | None]:
    """(name, entity id) of an agent given as an entity id ('person-darwin': its preferred
    name, linked) or as words (linked to the entity they name, if any)."""
    from annotator.store.entities import entity_row

    agent = " ".join(agent.split())
    row = entity_row(ws.store.conn, agent) if agent else None
    if row is not None and row["status"] != "rejected" and row["type"] in ("person", "org"):
        return str(row["preferred"]), str(row["id"])
    return agent, _agent_entity(ws, agent)


def _agent_entity(ws: Workspace, agent: str) -> str | None:
    """The register entity (or candidate) an agent's name stands for, if any."""
    if not agent:
        return None
    keys = [name_key(agent)]
    if len(agent.split()) > 1:
        keys.append(name_key(agent.split()[-1]))
    for key in keys:
        row = ws.store.one(
            "SELECT e.id FROM variants v JOIN entities e ON e.id = v.entity_id "
            "WHERE v.key = ? AND e.status != 'rejected' AND e.type IN ('person', 'org') "
            "ORDER BY e.status = 'confirmed' DESC, e.id LIMIT 1", (key,))
        if row is not None:
            return str(row["id"])
    return None


def _names(value: str | Iterable[str] | None, allowed: tuple[str, ...], what: str) -> set[str]:
    """Filter values given as one, several or comma-separated; an unknown one is refused."""
    if value is None:
        return set()
    names = {value} if isinstance(value, str) else set(value)
    names = {n.strip() for part in names for n in part.split(",") if n.strip()}
    bad = names - set(allowed)
    if bad:
        raise DecisionError(f"unknown {what} '{sorted(bad)[0]}'",
                            hint=f"use one of {', '.join(allowed)}", code="D305")
    return names


def _number(value: int | str, prefix: str = "claim:") -> int | None:
    return row_id(value, prefix)
