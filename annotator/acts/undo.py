"""Undo and history: the decisions log read back and put back.

``undo`` restores the before images of an earlier act in a new act of its own (so an undo can
be undone: a redo), and refuses when a row it would restore has changed since, naming the later
decision to undo first: it never overwrites later work. A plain undo (no id) takes back the
newest act in force, as an editor's undo stack does, and only that one: when its rows changed
since (a source's replacement, which is not undone, changed them) it refuses, saying why and
naming the newest act that can be undone by id, so the editor chooses; it never takes back an
older act, perhaps on another source, that was not asked for. ``redo`` takes back the newest
undo.

DOCS: docs/review.md#undo
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from functools import cached_property
from typing import Any, NamedTuple

from annotator.acts.claims import agent_entity
from annotator.acts.entity_edits import rename
from annotator.acts.register import kept_apart, source_editions
from annotator.acts.remove import redone, redoing
from annotator.acts.review import Review, located
from annotator.acts.targets import ENTITY, MENTION, target_name
from annotator.errors import SEE_HISTORY, DecisionError
from annotator.records import Decision
from annotator.store import Store
from annotator.store import claims as claim_rows
from annotator.store import decided as decided_rows
from annotator.store import decisions as log
from annotator.store import entities as entity_rows
from annotator.store import mentions as mention_rows
from annotator.store import pointers as pointer_rows
from annotator.store import proposals as proposal_rows
from annotator.store.connection import dependents, row_at
from annotator.store.logged import DERIVED, IMPORT_ACTS
from annotator.store.runs import forget_runs


def undo(review: Review, decision_id: int | None = None, *,
         expected: str | None = None, among: Sequence[int] | None = None) -> Decision:
    """Undo the newest act (or a given one), putting back the earlier rows.

    A plain undo takes back the newest act in force (``among``: the newest of these, a
    session's own) only when it can be undone; when its rows changed since: D007, why, what to
    do, and the newest act that can be undone with the command that takes it back."""
    store = review.store
    with located(store):
        with store.transaction() as conn:
            if decision_id is None:
                row, blocked = _plain_pick(conn, among)
                if row is None and not blocked and among is None:
                    # nothing in force: the editor's newest act may be a source's add or
                    # replacement, which is said with its way back, not 'nothing to undo'
                    newest = log.source_act_after(conn, 0)
                    blocked = [newest] if newest is not None else []
                if blocked:
                    raise _blocked_refusal(conn, blocked, row)
            else:
                row = log.decision_row(conn, decision_id)
        if row is None:
            if decision_id is None:
                raise DecisionError("nothing to undo", hint=SEE_HISTORY, code="D007")
            raise DecisionError(f"no decision {decision_id}", hint=SEE_HISTORY, code="D015")
        target = row["target"]
        payload: dict[str, Any] = {"decision": row["id"], "act": row["act"]}
        with store.act("undo", target, editor=review.editor, payload=payload) as rec:
            fresh = log.decision_row(rec.conn, row["id"])
            assert fresh is not None
            renamed = _check_undoable(rec.conn, fresh)
            if expected is not None:
                names = [t for t in target.split() if t.startswith((ENTITY, MENTION))]
                if review.token(rec.conn, names) != expected:
                    raise DecisionError(f"{target} changed since you loaded it",
                                        hint="reload and try again", code="D010")
            changes = carried(rec.conn, _names_aside(redoing(rec.conn, store.place,
                                                             json.loads(fresh["changes"])),
                                                     renamed))
            root, depth, began = log.chain_root(rec.conn, fresh["id"])
            away, back = _entities_restored(rec.conn, changes)
            hanging = proposal_rows.undecided_on(rec.conn, away)  # on none once they go
            agents = claim_rows.proposed_agents(rec.conn, away)
            try:
                rec.restore(changes)
            except sqlite3.IntegrityError:  # e.g. a work still cited by a claim's link
                raise DecisionError(f"decision {row['id']} cannot be undone: other rows still "
                                    "refer to what it added", hint="undo or remove those first "
                                    "(e.g. unlink the claims linked to the work)",
                                    code="D312") from None
            payload.update(_proposals_anew(rec.conn, changes, hanging))
            if root == "import" and depth % 2:  # a redo: the import's merges by name again
                _joined_anew(rec.conn, back, json.loads(began).get("edition", ""))
            _agents_anew(rec.conn, agents, back)
            rename(rec, review.reading_text, renamed)  # named as their mentions write them now
            rec.undoes = fresh["id"]
        return log.decision(store.conn, rec.decision_id)


def _entities_restored(conn: sqlite3.Connection, changes: list[dict[str, Any]]
                       ) -> tuple[list[str], list[str]]:
    """Before the restore: the entities it takes away (the act made them: its first change
    of them has no before image) and those it puts back (gone now, the act's first change of
    them has one)."""
    first: dict[str, dict[str, Any]] = {}
    for ch in changes:
        if ch["table"] == "entities":
            first.setdefault(str(ch["key"]["id"]), ch)
    away = [eid for eid, ch in first.items() if ch["before"] is None]
    back = [eid for eid, ch in first.items()
            if ch["before"] is not None and row_at(conn, "entities", {"id": eid}) is None]
    return away, back


def _proposals_anew(conn: sqlite3.Connection, changes: list[dict[str, Any]],
                    hanging: Sequence[sqlite3.Row]) -> dict[str, Any]:
    """After the restore: the proposals no editor decided that hung on the entities it took
    away (``hanging``, read before: left on none by the schema's SET NULL), which a proposal
    run made since the act (the act's own are logged, and put back), go, and their sources'
    runs are forgotten, so the next ``propose`` proposes them anew against the register as it
    is now (not left on no entity, the source skipped as unchanged). Proposals are the
    machine's, so they never block an undo; what an editor decided is logged and refuses it
    (D008). Nothing else is touched: a proposed entity the act never changed keeps its
    proposals, whatever its name."""
    own = {ch["key"]["id"] for ch in changes if ch["table"] == "mentions"}
    going = [r for r in hanging if r["id"] not in own]
    if not going:
        return {}
    proposal_rows.delete_mentions(conn, [r["id"] for r in going])
    sources = sorted({r["source_id"] for r in going})
    forget_runs(conn, sources)
    return {"proposals": len(going), "propose_again": sources}


def _joined_anew(conn: sqlite3.Connection, back: Sequence[str], edition: str) -> None:
    """After a register import's redo put its entries back: a proposed entity sharing a name
    with one, which a proposal run made since the undo (the import's own merges are logged,
    and done again), is merged into it as the import merges one (``register.kept_apart``: not
    when the sources' markup points to it otherwise, its mentions are flagged ambiguous, or
    it shares one word alone with the entry and is named in another ``edition``):
    its undecided proposals join the entry, as after the import, and the entity goes when
    nothing else holds it (no decision, no claim names it). Machine work, unlogged."""
    home = (mention_rows.sources_marking(conn, back), edition, source_editions(conn))
    for eid in back:
        row = entity_rows.entity_row(conn, eid)
        keys = [v["key"] for v in entity_rows.variants(conn, eid)]
        if row is None or row["status"] != "confirmed" or not keys:
            continue
        entry = pointer_rows.of_entity(conn, eid)
        joining = [other for other in entity_rows.proposed_sharing(conn, row["type"], keys, eid)
                   if not kept_apart(conn, entry, keys, other, home)]
        proposal_rows.move_undecided(conn, joining, eid)
        proposal_rows.drop_orphans(conn, joining)


def _agents_anew(conn: sqlite3.Connection, agents: Sequence[sqlite3.Row],
                 back: Sequence[str]) -> None:
    """After the restore: the finder's proposed claims whose agent was an entity it took away
    (``agents``, read before: left on none by the schema's SET NULL), and, when it puts
    entities back, those whose named agent is on no entity, are given the agent entity the
    finder gives that name now (``claims propose``'s rule), as the next run would: on none, the
    proposed entity of the name the act had merged away, or the entry put back. An agent an
    editor set was logged, and refuses the undo (D008)."""
    taken = {int(r["id"]) for r in agents}  # left on none by the restore: read again below
    rows = {int(r["id"]): r for r in
            [*agents, *(claim_rows.proposed_agents(conn, None) if back else ())]}
    for claim_id, row in rows.items():
        found = agent_entity(conn, row["agent"])
        if claim_id in taken or found in back:
            claim_rows.set_agent_entity(conn, claim_id, found)


def history(store: Store, *, target: str | None = None,
            limit: int | None = None) -> list[Decision]:
    """The decisions log, newest first; with ``target``, the acts that touched it."""
    if limit is not None and limit <= 0:
        return []
    want = target_name(target) if target else None
    key = want.split(":", 1)[1] if want else None
    # SQLite passes only acts that name the key somewhere, _touches decides on those
    out: list[Decision] = []
    for row in log.naming(store.conn, key):
        if want is not None and not _touches(row, want):
            continue
        out.append(log.decision_from_row(row))
        if limit is not None and len(out) >= limit:
            break
    return out


class Blocked(NamedTuple):
    """Why a plain undo takes nothing back, in the words ``undo`` refuses with: the newest act
    in force (``decision``), why it cannot be undone (``claim 36 changed since by decision
    40``), how many of the newest cannot be, what to do (``undo 40 first``; for a source's
    replacement, ``decide again instead``), and the newest act that can be undone (``older``;
    None: none), which only ``undo ID`` takes back: a page says what the CLI says."""

    decision: Decision
    why: str
    how_many: int
    remedy: str
    older: Decision | None


def undo_next(store: Store, *, among: Sequence[int] | None = None
              ) -> tuple[Decision | None, Blocked | None]:
    """What a plain ``undo`` would take back now (None: nothing), or why it takes nothing back
    though acts are in force (``Blocked``; None: not blocked), from one look at the log: a page
    names it beside its undo button, and the button takes back that one, not whatever came
    after the page was drawn. ``among``: only these decisions (a page's own), by the same rule,
    so a page's ``u`` never names one it cannot take back, nor an older one past its newest."""
    row, blocked = _plain_pick(store.conn, among)
    if not blocked:
        return None if row is None else log.decision_from_row(row), None
    why, remedy = _why(store.conn, blocked[0])
    return None, Blocked(log.decision_from_row(blocked[0]), why, len(blocked), remedy,
                         None if row is None else log.decision_from_row(row))


def decision(store: Store, decision_id: int) -> Decision | None:
    """One decision of the log by id (None: no such decision): a page names what its undo
    would take back."""
    row = log.decision_row(store.conn, decision_id)
    return None if row is None else log.decision_from_row(row)


def in_force(store: Store, ids: Sequence[int]) -> list[int]:
    """Those of ``ids`` logged and not undone, in their order: a page's decisions less those
    undone since (from History, the CLI, another tab), in one query."""
    return log.in_force(store.conn, ids)


def redo_target(store: Store) -> int:
    """The act a redo takes back: the newest undo not taken back yet, as an editor's redo
    does (its act in force again; ``undo`` of it refuses the same way when rows changed)."""
    with located(store), store.transaction() as conn:
        newest = log.newest_undo(conn)
    if newest is None:
        raise DecisionError("nothing to redo", hint=SEE_HISTORY, location=store.place,
                            code="D036")
    return newest


def _plain_pick(conn: sqlite3.Connection, among: Sequence[int] | None = None
                ) -> tuple[sqlite3.Row | None, list[sqlite3.Row]]:
    """The newest act in force (not undone, and a forward act or a redo) whose rows are as it
    left them, and the newer acts in force that are not, newest first (they block a plain
    undo: taking back an older act past them is what no editor asked for). Without ``among``
    a blocked act traces back to a source's replacement (an act in force that changed its rows
    would be newer); with it (some acts only), also to a later act not among them. Without
    ``among``, a source's add or replacement newer than the newest act in force comes first
    among them (it is the editor's newest act, which is not undone: ``_not_undone``), whether
    or not it changed that act's rows, so ``add --replace`` then ``undo`` is refused naming
    the replacement, and never takes back an older act, perhaps on another source, in its
    stead."""
    blocked: list[sqlite3.Row] = []
    found: sqlite3.Row | None = None
    for row in log.in_force_acts(conn, among):
        if _changed_row(conn, row) is None:
            found = row
            break
        blocked.append(row)
    newest = blocked[0] if blocked else found
    if among is None and newest is not None and (
            newer := log.source_act_after(conn, newest["id"])) is not None:
        blocked.insert(0, newer)
    return found, blocked


def _blocked_refusal(conn: sqlite3.Connection, blocked: list[sqlite3.Row],
                     older: sqlite3.Row | None) -> DecisionError:
    """D007 for a plain undo whose newest act cannot be undone: which, why, what to do, and the
    newest act that can be undone (``older``), with the command that takes it back: the editor
    chooses, the undo takes nothing back unasked."""
    why, remedy = _why(conn, blocked[0])
    more = f" (nor can {len(blocked) - 1} older act(s))" if len(blocked) > 1 else ""
    can = (f"; the newest that can be undone is decision {_named(older)}: 'annotator undo "
           f"{older['id']}' takes it back" if older is not None else "")
    head = "nothing to undo" if older is None else "undo refused"
    return DecisionError(f"{head}: decision {_named(blocked[0])} cannot be undone: {why}{more}",
                         hint=remedy + can, code="D007")


def _source_added(row: sqlite3.Row) -> bool:
    """A source added or replaced (D009: not undone; the editor's acts on a source, its
    removal, its date, and their undos, are: the rule ``log.in_force_acts`` keeps in SQL)."""
    return bool(row["act"] in IMPORT_ACTS)


def _not_undone(row: sqlite3.Row) -> tuple[str, str]:
    """Why a source's add or replacement is not undone, and what to do instead: the editor's
    way back to the earlier file is to add it again (the decisions on words it leaves as they
    were are kept), as a replacement is made."""
    source_id = row["target"].split(":", 1)[1]
    remove = f"take the source out with 'annotator source remove {source_id}'"
    if row["act"] == "replace":
        return ("a source's replacement is not undone", "write the earlier file with "
                f"'annotator source versions {source_id} --write N -o FOLDER/' and add it again "
                f"with 'annotator add --replace FILE' to go back to it, or {remove}")
    return "adding a source is not undone", f"{remove}, or change its file with 'annotator " \
        "add --replace FILE'"


def _check_undoable(conn: sqlite3.Connection, row: sqlite3.Row) -> set[str]:
    """Refused (D009, D008) unless the act can be undone; else the entities whose row later
    acts changed beside a name the store derives (``_compared``), to be named anew after."""
    if _source_added(row):
        why, remedy = _not_undone(row)
        raise DecisionError(f"decision {_named(row)} cannot be undone: {why}", hint=remedy,
                            code="D009")
    if row["undone_by"] is not None:
        raise DecisionError(f"decision {row['id']} is already undone (by "
                            f"{row['undone_by']})", hint=SEE_HISTORY,
                            code="D008")
    changed, renamed = _compared(conn, row)
    if changed is not None:
        raise _refusal(conn, row)
    return renamed


def _named(row: sqlite3.Row) -> str:
    """A decision as a message names it: '5 (add-claim claim:1)'."""
    return f"{row['id']} ({row['act']} {row['target']})"


def _changed_row(conn: sqlite3.Connection, row: sqlite3.Row) -> str | None:
    """The first row the act changed that is no longer as it left it ('claim 36'), or a row a
    later act made on one the act added ('authority id person-x/wikidata'), or None."""
    return _compared(conn, row)[0]


def _compared(conn: sqlite3.Connection, row: sqlite3.Row) -> tuple[str | None, set[str]]:
    """``_changed_row``, and the entities (ids) whose rows later acts changed in a way that
    does not refuse the undo: only the name, which the store derives anew as the mentions
    write it (``entity_edits.rename``), or, on an entity of which the act only derived the
    name, any column: undo puts back the rest and names them anew. Refused instead when an
    editor chose the name since, or it is a register entry's (``entities.to_name``): that
    choice is no name the store may derive, and undo never overwrites it. A source's proposal
    runs (a removal's, its undo's) are the machine's bookkeeping, which a proposal run records
    anew, unlogged: never a reason to refuse (as proposals are not)."""
    first: dict[str, dict[str, Any]] = {}
    final: dict[str, dict[str, Any]] = {}
    derived: dict[str, bool] = {}  # a row the act changed only by names it derived
    for ch in redone(conn, json.loads(row["changes"])):
        k = _change_key(ch)
        first.setdefault(k, ch)
        final[k] = ch
        derived[k] = derived.get(k, True) and ch.get("naming") == DERIVED
    renamed: dict[str, str] = {}  # entity id -> its row as a refusal names it
    linked: dict[int, str] = {}  # claim id -> its row as a refusal names it
    moves = _Moves(conn, row)
    for k, ch in final.items():
        if ch["table"] == "runs":
            continue
        now = row_at(conn, ch["table"], ch["key"])
        if _as_left(now, ch["after"]) or _moved_by_replacements(moves, ch, now, ch["after"]):
            continue
        if ch["table"] == "entities" and now is not None and ch["after"] is not None and (
                derived[k] or _as_left(_unnamed(now), _unnamed(ch["after"]))):
            renamed[str(ch["key"]["id"])] = k
            continue
        if _agent_link_only(now, ch["after"]):
            linked[int(ch["key"]["id"])] = k
            continue
        return k, set()
    decided = decided_rows.claims_decided_after(conn, linked, row["id"]) if linked else set()
    if decided:
        return linked[min(decided)], set()
    nameable = {r[0] for r in entity_rows.to_name(conn, renamed)} if renamed else set()
    chosen = next((k for eid, k in renamed.items() if eid not in nameable), None)
    changed = chosen or _taken_along(conn, row["id"], first)
    return changed, set() if changed else set(renamed)


def _agent_link_only(now: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """A claim the finder proposed, still undecided, that differs from the act's image only in
    the entity its agent's name is linked to: the machine's link (``claims propose``, an
    undo's ``_agents_anew``, unlogged), which a later act that undid a relabel moved or
    cleared. It never refuses an undo, as proposals do not (``_compared``), unless an editor's
    claim act decided the claim since; the undo puts the act's link back and links anew."""
    if now is None or after is None or now.get("status") != "proposed" \
            or now.get("provenance") == "editor":
        return False
    return _as_left({c: v for c, v in now.items() if c != "agent_entity_id"},
                    {c: v for c, v in after.items() if c != "agent_entity_id"})


def _unnamed(image: dict[str, Any] | None) -> dict[str, Any] | None:
    """An entity's row image but its name."""
    return None if image is None else {c: v for c, v in image.items() if c != "preferred"}


def _names_aside(changes: list[dict[str, Any]], renamed: set[str]) -> list[dict[str, Any]]:
    """The act's changes as undo puts them back when later acts changed the rows of the
    entities ``renamed`` (``_compared``): each change of such a row puts back its columns but
    the name (as the act left them, checked), and the name apart, logged ``derived`` as a name
    the store chose, which ``rename`` then chooses anew from the mentions as they are."""
    out: list[dict[str, Any]] = []
    for ch in changes:
        if ch["table"] != "entities" or str(ch["key"]["id"]) not in renamed \
                or ch["before"] is None or ch["after"] is None:
            out.append(ch)
            continue
        if ch.get("naming") != DERIVED:
            out.append({**ch, "before": _unnamed(ch["before"])})
        out.append({**ch, "before": {"preferred": ch["before"]["preferred"]}, "naming": DERIVED})
    return out


def _taken_along(conn: sqlite3.Connection, decision_id: int,
                 first: dict[str, dict[str, Any]]) -> str | None:
    """A row a later act made on a row this act added (an authority id, a name, a mention or a
    claim agent on its new entity, a link of its new claim), which deleting what it added would
    take along by a cascade, unlogged: the newest such row a later decision logged, or None.
    Proposals hanging on it, which no act logs, go with it (``_proposals_anew``)."""
    added: dict[str, list[dict[str, Any]]] = {}
    for ch in first.values():
        if ch["before"] is None:
            added.setdefault(ch["table"], []).append(ch["key"])
    foreign = {k for table, keys in added.items() for child, key in dependents(conn, table, keys)
               if (k := _change_key({"table": child, "key": key})) not in first}
    if foreign:
        for _, changes in log.changes_after(conn, decision_id):
            for ch in changes:
                if _change_key(ch) in foreign:
                    return _change_key(ch)
    return None


def _as_left(now: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """A row is as an act left it: gone as it left it, or the same in the columns of its image
    (an act logged before a column was added, as ``variants.loose`` at version 11, lacks it)."""
    if now is None or after is None:
        return now is None and after is None
    return all(c in now and now[c] == v for c, v in after.items())


def _refusal(conn: sqlite3.Connection, row: sqlite3.Row) -> DecisionError:
    """D008 for an act a row of which changed since: which row, by which decision, what to do."""
    why, first = _why(conn, row)
    return DecisionError(f"decision {row['id']} cannot be undone: {why}", hint=first,
                         code="D008")


def _why(conn: sqlite3.Connection, row: sqlite3.Row) -> tuple[str, str]:
    """Why an act cannot be undone ('claim 36 changed since by decision 40'), what to do."""
    if _source_added(row):
        return _not_undone(row)
    k = _changed_row(conn, row)
    later = _later_change(conn, row["id"], k) if k else None
    by = f" by decision {later}" if later else ""
    first = f"undo {later} first" if later else "decide again instead"
    later_row = log.decision_row(conn, later) if later else None
    if later_row is not None and _source_added(later_row):
        # a source added again or replaced is not undone (D009): never advise it
        by = f" by decision {later} ({later_row['act']} {later_row['target']})"
        first = "a source's replacement cannot be undone; decide again instead"
    return f"{k} changed since{by}", first


# what a replacement changes of a row it carries over to the new text with its words: a
# mention's and a claim's place, a passage link's target
MOVED = {"mentions": ("sha256", "start", "end"), "claims": ("sha256", "start", "end"),
         "links": ("target_sha256", "target_start", "target_end")}


class _Moves:
    """The rows acts moved (changed their ``MOVED`` columns), read once for a check of all an
    act changed, and only when a row it changed lies elsewhere now."""

    def __init__(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        self.conn, self.row = conn, row

    @cached_property
    def own(self) -> set[str]:
        """Those the act itself moved (an ``adjust``)."""
        return _moved(json.loads(self.row["changes"]))

    @cached_property
    def not_by_replacements(self) -> set[str]:
        """Those a later act other than a source's add or replacement moved."""
        out: set[str] = set()
        for decision_id, changes in log.changes_after(self.conn, self.row["id"]):
            moved = _moved(changes)
            if moved:
                later = log.decision_row(self.conn, decision_id)
                if later is None or not _source_added(later):
                    out |= moved
        return out


def _moved_by_replacements(moves: _Moves, ch: dict[str, Any], now: dict[str, Any] | None,
                           after: dict[str, Any] | None) -> bool:
    """Whether the row of ``ch`` (a mention, claim or passage link) differs from the act's
    image of it only in where it lies, and only source replacements moved it since (not an
    editor's ``adjust``): the same words, carried to the new text. Undoing the act puts its
    other columns back there (``carried``)."""
    where = MOVED.get(ch["table"])
    k = _change_key(ch)
    if where is None or now is None or after is None or \
            not all(c in now and now[c] == v for c, v in after.items() if c not in where) or \
            k in moves.own:  # the act's own move (adjust) goes back
        return False
    return k not in moves.not_by_replacements


def _moved(changes: list[dict[str, Any]]) -> set[str]:
    """The rows ('mention 10', 'claim 3') some of ``changes`` move: change their ``MOVED``
    columns."""
    return {_change_key(ch) for ch in changes
            if ch["table"] in MOVED and ch["before"] is not None and ch["after"] is not None
            and any(ch["before"].get(c) != ch["after"].get(c) for c in MOVED[ch["table"]])}


def carried(conn: sqlite3.Connection, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An act's changes with each row's place (``MOVED``) as it is now, so undoing it leaves a
    mention, claim or passage a replacement carried to the new text where it is (the check
    let only replacements move it since)."""
    out = []
    for ch in changes:
        where = MOVED.get(ch["table"])
        now = row_at(conn, ch["table"], ch["key"]) if where else None
        if now is not None and where and ch["before"] is not None and \
                ch["after"] is not None and not _moved([ch]):  # an act's own move goes back
            here = {c: now[c] for c in where}
            ch = {**ch, "before": {**ch["before"], **here},
                  "after": ch["after"] and {**ch["after"], **here}}
        out.append(ch)
    return out


# a row as a refusal names it: one claim, not 'claims 36'
_ROW_NAMES = {"entities": "entity", "bib": "work", "authority_ids": "authority id",
              "source_rejections": "source rejection", "pending_passages": "pending passage"}


def _change_key(ch: dict[str, Any]) -> str:
    """The changed row in the editor's words ('claim 36', 'entity person-x', 'mention 5')."""
    table = ch["table"]
    name = _ROW_NAMES.get(table, table.removesuffix("s"))
    return f"{name} " + "/".join(str(v) for v in ch["key"].values())


def _later_change(conn: sqlite3.Connection, after_id: int, key: str) -> int | None:
    for decision_id, changes in log.changes_after(conn, after_id):
        if any(_change_key(ch) == key for ch in changes):
            return decision_id
    return None


def _touches(row: sqlite3.Row, target: str) -> bool:
    if target in row["target"].split():
        return True
    kind, key = target.split(":", 1)
    table = "entities" if kind == "entity" else "mentions"
    for ch in json.loads(row["changes"]):
        if ch["table"] == table and str(ch["key"].get("id")) == key:
            return True
        if kind == "entity" and ch["table"] in ("mentions", "variants", "authority_ids"):
            for image in (ch["before"], ch["after"]):
                if image and image.get("entity_id") == key:
                    return True
    return False
