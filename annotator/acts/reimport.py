"""An exported file added to a workspace brings back its claims, their links and cited works.

``annotator export tei`` writes claims as ``<seg type="claim">`` (fragments joined by
``@next``), their agents and support links in ``standOff/listAnnotation`` and the works they
cite in ``standOff/listBibl``. This reads that encoding back inside the act that adds the file,
after the bibliography and markup readers ran, so names, the register and the works of the
source are already in the store:

* register entries of our standOff the export marks as proposals (``proposed_by``, the
  test of claims and links below and of mentions): still proposals;
* works of our ``listBibl``: the claims reader has made entries of them (keyed by ``xml:id``);
  their fields are replaced by the exact ones (``annotator.bibliography.tei_bibl.read_bibl``);
* claims with their kind (``@subtype``), state (``@cert="unknown"`` and ``@resp`` naming
  one of the export's ``proposers``: still a proposal, of the provenance it names), agent
  (``note[@type="agent"]``, ``@corresp`` to the register entry when it is there, in the file
  or in ``register.xml`` beside it) and a proposal's cue, confidence and candidate agent
  (``note[@type="cue"]`` with ``@cert``, ``note[@type="candidate"]``); a claim already there
  (carried over by a replace) takes them, unless an editor decided it in this workspace;
* links: ``ref[@type]`` to ``#key`` (a work, locus as content) or ``<source>.xml#passage-S-E``
  (a passage of another source, resolved when that source is in the workspace, now or when it
  is added later).

DOCS: docs/export.md#re-import
"""

from __future__ import annotations

import logging
import re
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from lxml import etree

from annotator.bibliography.tei_bibl import bibl_key, read_bibl
from annotator.export.insert import index_source
from annotator.export.pointing import REGISTER_FILE
from annotator.acts.register import proposed_by
from annotator.export.tei import existing_annotations, provenance_of
from annotator.store import Act, now
from annotator.store import bib as bib_rows
from annotator.store import claims as claim_rows
from annotator.store import sources as source_rows
from annotator.store.decided import edited_claims
from annotator.store.entities import entity_row
from annotator.tei.header import APP_ID, STANDOFF_ID, annotator_apps
from annotator.tei.parse import TEI_NS, XML_ID, ParsedSource, element_text, source_line
from annotator.tei.textmap import TextMap
from annotator.text import source_id as source_id_of

log = logging.getLogger(__name__)

_T = f"{{{TEI_NS}}}"
_PASSAGE = re.compile(
    r"(?:(?P<source>[^#/\s]+\.(?:xml|tei)))?#passage-(?P<start>\d+)-(?P<end>\d+)")
_CLAIM_ID = re.compile(r"claim-(\d+)")  # a claim's seg as the export names it
KINDS = ("attributed", "quoted", "unattributed", "editorial")
RELS = ("supports", "contradicts", "mentions")
T = TypeVar("T")


def proposers(root: etree._Element) -> dict[str, str]:
    """``@resp`` value -> provenance, of the applications an annotator export declares in
    the header as what made its proposals (``tei.header.annotator_apps``: ``#annotator``,
    ``#annotator-model-...``): an element marked ``@cert="unknown"`` with one of them is a
    proposal no editor decided (``proposed_by``). Empty for a file no annotator export
    wrote."""
    return {f"#{a.get(XML_ID)}": APP_ID if a.get(XML_ID) == APP_ID else
            provenance_of(a.get("version") or "", element_text(a.find(f"{_T}label")))
            for a in annotator_apps(root)}


def import_exported(act: Act, source_id: str, parsed: ParsedSource, tm: TextMap
                    ) -> tuple[int, ...]:
    """Within the act that adds a source: its exported claims, links and exact works.

    A claim already on the span (a replace carried it over, or the file was read before)
    takes the file's decision, its state and agent, as adding the file gives them, unless an
    editor's act in force changed it in this workspace (``edited_claims``): that decision
    stays. Returns the ids of those kept claims the file decides otherwise (their state or
    agent), for the replaced line to name. A file with no annotator standOff and no claim
    segs costs one scan of its tags.
    """
    root = parsed.root
    standoff = next((el for el in root.iter(f"{_T}standOff") if el.get(XML_ID) == STANDOFF_ID),
                    None)
    exported = proposers(root)
    if standoff is not None and exported:
        _still_proposed(act, standoff, exported)
    if root.find(f".//{_T}seg[@type='claim']") is None:
        return ()
    segs = _claim_segs(parsed, tm)
    keys = _exact_works(act, source_id, standoff)
    conn = act.conn
    claim_of: dict[str, int] = {}
    edited: frozenset[int] | None = None  # read once, when a claim is found on its span
    there: dict[int, tuple[sqlite3.Row, dict[str, str]]] = {}  # claims there before: row, file's
    free = _free_ids(act)
    for start, end, head, ids in segs:
        row = claim_rows.claim_at(conn, source_id, tm.sha256, start, end)
        proposer = proposed_by(head, exported)
        subtype = head.get("subtype", "")
        decided = {"kind": subtype if subtype in KINDS else "unattributed",
                   "status": "confirmed" if proposer is None else "proposed",
                   "provenance": proposer or "source"}
        if row is None:
            given = _CLAIM_ID.fullmatch(head.get(XML_ID) or "")
            wanted = int(given.group(1)) if given else None
            cid = act.insert("claims", {
                **({"id": wanted} if wanted is not None and free(wanted) else {}),
                "source_id": source_id, "sha256": tm.sha256, "start": start, "end": end,
                **decided, "agent": "", "created_at": now()})
        else:
            cid = row["id"]
            there[cid] = row, decided
        claim_of.update(dict.fromkeys(ids, cid))
    agents = {found: agent for ann, found in _annotations(root, claim_of)
              if (agent := _read_annotation(act, source_id, found, ann, keys, exported))}
    if there:
        edited = edited_claims(conn)
    otherwise: list[int] = []  # claims an editor decided here that the file decides otherwise
    for cid in sorted({*claim_of.values()}):
        row, decided = there.get(cid, (None, {}))
        want = {**decided, **agents.get(cid, {"agent": "", "agent_entity_id": None})}
        if row is None:
            want = agents.get(cid, {})
        changed = {c: v for c, v in want.items() if row is None or row[c] != v}
        if edited is not None and cid in edited:  # an agent the file does not link: the same
            if changed.keys() - {"provenance"} - ({"agent_entity_id"} if not
                                                  want.get("agent_entity_id") else set()):
                otherwise.append(cid)
        elif changed:
            act.update("claims", {"id": cid}, changed)
    return tuple(otherwise)


def _free_ids(act: Act) -> Callable[[int], bool]:
    """Whether a claim the file gives may take the id its export wrote (``claim-N``), as an
    entity keeps its ``xml:id``: when no claim here was ever given it (above
    ``next_claim_id``'s count, read once, before this file's claims take theirs), or when
    this act took away the claim that had it (a replace reading the file's proposal again)
    and no other took it since. An id a claim here had before is another claim's, in the
    log and in exports: such a claim takes a new id."""
    conn = act.conn
    above = claim_rows.next_claim_id(conn) - 1
    gone = {ch["key"]["id"] for ch in act.changes
            if ch["table"] == "claims" and ch["after"] is None}

    def free(claim_id: int) -> bool:
        return (claim_id > above or claim_id in gone) \
            and claim_rows.claim_row(conn, claim_id) is None
    return free


def proposed_claims(parsed: ParsedSource, tm: TextMap, exported: dict[str, str]
                    ) -> tuple[frozenset[tuple[int, int, str]],
                               frozenset[tuple[int, int, str, str, str]]]:
    """The claims and links an annotator export's file gives as proposals (``proposed_by``
    its ``exported`` proposers), as ``import_exported`` reads them: (start, end, provenance)
    of each proposed claim, (its claim's start, end, rel, locus, provenance) of each
    suggested link. What a replace reads again from the new file, not carried over."""
    root = parsed.root
    if not exported or root.find(f".//{_T}seg[@type='claim']") is None:
        return frozenset(), frozenset()
    claims: set[tuple[int, int, str]] = set()
    span_of: dict[str, tuple[int, int]] = {}
    for start, end, head, ids in _claim_segs(parsed, tm):
        if (proposer := proposed_by(head, exported)) is not None:
            claims.add((start, end, proposer))
        span_of.update(dict.fromkeys(ids, (start, end)))
    links = {(*span, ref.get("type", ""), element_text(ref), proposer)
             for ann, span in _annotations(root, span_of) for ref in ann
             if ref.tag == f"{_T}ref" and ref.get("type") in RELS
             and (proposer := proposed_by(ref, exported)) is not None}
    return frozenset(claims), frozenset(links)


def _claim_segs(parsed: ParsedSource, tm: TextMap
                ) -> list[tuple[int, int, etree._Element, list[str]]]:
    """(start, end, first part, the xml:ids of its parts) of each claim the file marks (a
    ``seg type="claim"``, fragments joined by ``@next``), by place."""
    ix = index_source(parsed, tm)
    out = []
    for (kind, start, end), chain in sorted(existing_annotations(ix).by_key.items(),
                                            key=lambda kv: (kv[0][1], kv[0][2])):
        if kind == "seg:claim":
            parts = [ix.nodes[node] for node in chain]
            out.append((start, end, parts[0], [x for el in parts if (x := el.get(XML_ID))]))
    return out


def _annotations(root: etree._Element, claim_of: Mapping[str, T]
                 ) -> Iterator[tuple[etree._Element, T]]:
    """Each ``annotation`` of a claim in ``claim_of`` (by a part's xml:id), with its value."""
    for ann in root.iter(f"{_T}annotation"):
        found = claim_of.get((ann.get("target") or "").removeprefix("#"))
        if found is not None:
            yield ann, found


def _still_proposed(act: Act, standoff: etree._Element, exported: dict[str, str]) -> None:
    """Register entries the export marks as proposals (``proposed_by`` its ``exported``
    proposers, as a mention, claim or link is) stay proposals: the register and markup
    readers confirm the entities they read, so undo that for entries this very act added or
    found proposed (the same proposal in a second exported file). An entity known before the
    act (an editor's, or one a file's pointer identified) stays known, and so does an entry
    whose ``@cert`` is the edition's own (``cert="high"``, ``@resp`` to its editor)."""
    was: dict[str, str | None] = {}  # entity -> its status before this act, None: new
    for ch in act.changes:
        if ch["table"] == "entities":
            was.setdefault(ch["key"]["id"], ch["before"] and ch["before"]["status"])
    for el in standoff.iter(f"{_T}person", f"{_T}place", f"{_T}org"):
        xid = el.get(XML_ID)
        if xid in was and was[xid] in (None, "proposed") \
                and proposed_by(el, exported) is not None:
            act.update("entities", {"id": xid}, {"status": "proposed"})


def _exact_works(act: Act, source_id: str, standoff: etree._Element | None) -> dict[str, str]:
    """Give the works of our listBibl their exact fields; returns xml:id -> citation key."""
    conn = act.conn
    keys: dict[str, str] = {}
    if standoff is None:
        return keys
    origin = f"source:{source_id}"
    # the entries the bibliography reader wrote in this act, by the line it read each from:
    # added, or a work this source gave that its bibl, read again by a replace, updated
    read = {ch["after"]["line"]: ch["key"]["key"] for ch in act.changes
            if ch["table"] == "bib" and ch["after"] is not None
            and ch["after"]["origin"] == origin}
    for bibl in standoff.iter(f"{_T}bibl"):
        xid = bibl.get(XML_ID)
        if not xid:
            continue
        key = bibl_key(bibl) or xid
        type_, fields = read_bibl(bibl)
        exact = {"type": type_, "fields": json.dumps(fields, ensure_ascii=False)}
        row = bib_rows.bib_row(conn, key)
        # the entry the bibliography reader made of this element in this act, if any
        mine = bib_rows.bib_row(conn, read[source_line(bibl)]) \
            if source_line(bibl) in read else None
        if row is not None and (mine is None or row["key"] != mine["key"]):
            # the key is held by an entry not read from this element
            if row["type"] == type_ and json.loads(row["fields"]) == fields:
                keys[xid] = key  # the same work: use it, drop the reader's duplicate
                if mine is not None:
                    act.delete("bib", {"key": mine["key"]})
            elif mine is not None:  # another work has the key: keep the reader's key
                act.update("bib", {"key": mine["key"]}, exact)
                keys[xid] = mine["key"]
            else:
                log.warning("work %s: the key is another work's here; its links are left out",
                            key)
        elif row is not None:  # the reader's own entry under the key: make it exact
            act.update("bib", {"key": key}, exact)
            keys[xid] = key
        else:  # the reader keyed it otherwise (or not at all): the export's key wins
            if mine is not None:
                act.delete("bib", {"key": mine["key"]})
            act.insert("bib", {"key": key, "origin": origin, "line": bibl.sourceline,
                               "added_at": now(), **exact})
            keys[xid] = key
    return keys


def _read_annotation(act: Act, source_id: str, claim_id: int, ann: etree._Element,
                     keys: dict[str, str], exported: dict[str, str]) -> dict[str, Any]:
    """A claim's links, and its agent as the file gives it (``source_id``: the source the
    claim is in; ``exported``: the export's ``proposers``): ``agent`` and
    ``agent_entity_id``, empty without an agent note; the caller sets it, or keeps an
    editor's."""
    agent: dict[str, Any] = {}
    for child in ann:
        if child.tag == f"{_T}note" and child.get("type") == "agent":
            agent = {"agent": element_text(child),
                     "agent_entity_id": _agent_entity(act.conn, child.get("corresp") or "")}
        elif child.tag == f"{_T}note" and child.get("type") == "cue":
            act.update("claims", {"id": claim_id}, {"cue": element_text(child),
                                                    "confidence": _confidence(child)})
        elif child.tag == f"{_T}note" and child.get("type") == "candidate":
            act.update("claims", {"id": claim_id}, {"agent_candidate": element_text(child)})
        elif child.tag == f"{_T}ref" and child.get("type") in RELS:
            _read_link(act, source_id, claim_id, child, keys, exported)
    return agent


def _agent_entity(conn: sqlite3.Connection, corresp: str) -> str | None:
    """The entity a claim's agent note points to (``#id``; ``register.xml#id``, as an
    export with ``--register file`` writes it: the register beside the file, whose entries
    are read with the export folder, by their xml:id), None when it is none here."""
    where, sign, ref = corresp.partition("#")
    if not sign:
        where, ref = "", where
    if where not in ("", REGISTER_FILE) or not ref:
        return None
    return ref if entity_row(conn, ref) is not None else None


def _confidence(note: etree._Element) -> float | None:
    """How sure the finder was of a proposed claim: its cue note's ``@cert`` (0..1), None
    for another value (TEI's ``high``...), which no finder wrote."""
    try:
        value = float(note.get("cert") or "")
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def _read_link(act: Act, source_id: str, claim_id: int, ref: etree._Element,
               keys: dict[str, str], exported: dict[str, str]) -> None:
    conn = act.conn
    target = ref.get("target") or ""
    proposer = proposed_by(ref, exported)
    values: dict[str, Any] = {
        "claim_id": claim_id, "rel": ref.get("type"),
        "locus": element_text(ref),
        "status": "confirmed" if proposer is None else "suggested",
        "provenance": proposer or "source"}
    m = _PASSAGE.fullmatch(target)
    if m is not None:
        # the file of another source (its exported name) or none: a passage of this very one
        sid = source_id_of(m.group("source")) if m.group("source") else source_id
        if not source_rows.is_source(conn, sid):
            log.info("claim %s: passage of %s kept for when that source is added", claim_id, sid)
            if not claim_rows.is_pending(conn, source_id, sid):
                act.insert("pending_passages", {"source_id": source_id, "target_source_id": sid})
            return
        version = source_rows.source_row(conn, sid)
        assert version is not None  # is_source above
        values.update(target_source_id=sid, target_start=int(m.group("start")),
                      target_end=int(m.group("end")), target_sha256=version["sha256"])
        same = claim_rows.passage_link(conn, claim_id, sid, version["sha256"],
                                       values["target_start"], values["target_end"],
                                       values["rel"])
    elif target.startswith("#") and target[1:] in keys:
        values["bib_key"] = keys[target[1:]]
        same = claim_rows.work_link(conn, claim_id, values["bib_key"], values["rel"],
                                    values["locus"], exact=True)
    else:
        log.info("claim %s: link target %s is not a work or passage of the export", claim_id,
                 target)
        return
    if same is None:
        act.insert("links", values)
