"""The review queue: which candidate to decide next, and what the editor sees of it.

Candidates come most mentions first, the ones this editor skipped last; each is shown with a
few mentions in context (from as many sources as possible) and the confirmed register entries
it may be the same as. A known (confirmed) entity with undecided proposals is a candidate too:
its card shows those and decides them only (``Workspace.confirm_proposed``).

DOCS: docs/review.md#the-terminal-review
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from annotator.acts.similar import similar
from annotator.acts.targets import ENTITY, state_digest
from annotator.entities.names import family_keys, name_key
from annotator.filters import chosen
from annotator.records import Candidate, Context, Entity, MergeSuggestion, Queued
from annotator.store import Store, entities, mentions, pointers
from annotator.store import decisions as log
from annotator.store.mentions import CURRENT_COLUMNS, STATE_COLUMNS
from annotator.tei.textmap import context
from annotator.vocab import ENTITY_TYPES


def queue(store: Store, editor: str, *, type_: str | Iterable[str] | None = None,
          by: str = "mentions") -> list[str]:
    """Candidate entities to decide, most mentions first (``by="confidence"``: the surest
    proposals first); ones this editor skipped last. A known (confirmed) entity with
    undecided proposals (a register import or ``propose`` linked the model's mentions to it)
    is a candidate too, counted by those: every proposal is reached from the queue.
    ``type_``: one type, several, or comma-separated (``annotator.filters``)."""
    return [i for i, _n, _skipped in _counted(store, editor, type_, by)]


def queued(store: Store, editor: str, *, load: Callable[..., list[Entity]],
           type_: str | Iterable[str] | None = None, by: str = "mentions") -> list[Queued]:
    """The queue in its order (``queue``), each entity with how many of its mentions are to
    decide and whether this editor skipped it: what ``annotator review --list`` shows.
    ``load``: the entities of some ids, with their counts (``Workspace.entities``)."""
    rows = _counted(store, editor, type_, by)
    loaded = {e.id: e for e in load(ids=[i for i, _n, _s in rows])}
    return [Queued(loaded[i], n, skipped) for i, n, skipped in rows if i in loaded]


def _counted(store: Store, editor: str, type_: str | Iterable[str] | None,
             by: str) -> list[tuple[str, int, bool]]:
    types = chosen(type_, ENTITY_TYPES, "type")
    skipped = {t[len(ENTITY):] for t in log.skipped(store.conn, editor)}
    counted = entities.by_mentions(store.conn, types, by_confidence=by == "confidence")
    return ([(i, n, False) for i, n in counted if i not in skipped]
            + [(i, n, True) for i, n in counted if i in skipped])


def _contexts(rows: Sequence[tuple[Any, ...]],
              reading_text: Callable[[str], str], *, limit: int | None,
              width: int = 60) -> tuple[Context, ...]:
    """Up to ``limit`` (None: all) of ``rows`` in context, from as many sources as possible
    first; ``rows``: ``mentions.current_of_state``."""
    picked: list[Any] = []
    seen: set[str] = set()
    for r in rows:  # one per source first, then the rest in order
        if r[1] not in seen:
            seen.add(r[1])
            picked.append(r)
    chosen = {r[0] for r in picked}
    picked += [r for r in rows if r[0] not in chosen]
    out = []
    texts: dict[str, str] = {}  # an entity of a thousand mentions is in a few dozen sources
    for mid, sid, a, b, status, provenance in picked[:limit]:
        text = texts.get(sid)
        if text is None:
            text = texts[sid] = reading_text(sid)
        before, after = context(text, a, b, width)
        out.append(Context(mid, sid, a, b, before, text[a:b], after, status, provenance))
    return tuple(out)


def matches(store: Store, entity: Entity, *, limit: int = 3,
            load: Callable[[str], Entity]) -> tuple[Entity, ...]:
    """Confirmed register entries that may be the same as a candidate, best first: a name
    close to one of the candidate's (``similarity``), or whose words hold all of its words
    or are all among them (0.9); the same type counts 0.05 more."""
    keys = sorted({name_key(v) for v in (entity.preferred, *entity.variants)})
    tokens = {t for k in keys for t in k.split()}
    rows = entities.confirmed_names(store.conn, entity.id)
    close = similarity(keys, [r["key"] for r in rows])
    scored: dict[str, float] = {}
    for r, sim in zip(rows, close):
        best = sim
        words = set(r["key"].split())
        if tokens and words and (tokens <= words or words <= tokens):
            best = max(best, 0.9)
        if r["type"] == entity.type:
            best += _SAME_TYPE
        if best >= _CLOSE:
            scored[r["entity_id"]] = max(scored.get(r["entity_id"], 0.0), best)
    ranked = heapq.nsmallest(limit, scored, key=lambda i: (-scored[i], i))
    return tuple(load(i) for i in ranked)


# a name this close may be the same; a register entry of the same type needs 0.05 less
_CLOSE, _SAME_TYPE = 0.8, 0.05


def similarity(keys: Sequence[str], names: Sequence[str]) -> list[float]:
    """For each of ``names``, its best similarity to one of ``keys``: 2 * LCS / (len a +
    len b), rapidfuzz's Indel ratio, computed in C for the whole register at once (difflib's
    ratio, name by name in Python, took 250 ms a card with a register of 5,000 names). Under
    0.75, too far even for the same type, is 0."""
    if not keys or not names:
        return [0.0] * len(names)
    import numpy as np
    from rapidfuzz import fuzz, process  # only for a card with a register to compare with

    # in double: rapidfuzz's default float32 gives 0.85714287 for 6/7 and 0.80000001 for 0.8
    got = process.cdist(keys, names, scorer=fuzz.ratio, dtype=np.float64, workers=1,
                        score_cutoff=100 * (_CLOSE - _SAME_TYPE) - 1e-6)
    return [float(v) / 100 for v in got.max(axis=0)]


def candidate(store: Store, reading_text: Callable[[str], str], entity_id: str, *,
              load: Callable[..., Entity], limit: int | None = 3) -> Candidate:
    """One entity as the review shows it: up to ``limit`` (None: all) mentions in context,
    register matches, the pointers the sources' own markup gave it (``@ref="#nowhere"``: what
    the edition meant), how many mentions there are, and up to 5 entities it is probably the
    same as (merge suggestions, by index, each with its state token)."""
    conn = store.conn
    every = mentions.state_of_entity(conn, entity_id)  # read once: shown, counted, its token
    status, source = STATE_COLUMNS.index("status"), STATE_COLUMNS.index("source_id")
    counted = [r for r in every if r[status] != "rejected"]  # as ``entities`` counts them
    ent = replace(load(entity_id, counts=False), mentions=len(counted),
                  sources=len({r[source] for r in counted}))
    rows = mentions.current_of_state(conn, every)
    row = entities.entity_row(conn, entity_id)
    assert row is not None  # load() refused an unknown id
    state = state_digest([log.entity_state_rows(conn, row, every)])
    refs = tuple(pointers.of_entity(conn, entity_id, origin="markup", written=True))
    if ent.status == "confirmed":  # known: the card decides its new mentions, nothing else
        new = [r for r in rows if r[CURRENT_COLUMNS.index("status")] == "proposed"]
        return Candidate(ent, _contexts(new, reading_text, limit=limit), refs=refs,
                         total=len(new), state=state, new=len(new),
                         register=pointers.is_entry(conn, entity_id))
    # each suggestion's token as drawn: a merge either way is refused if either side changed
    alike = tuple(replace(s, other_state=_token(conn, s.other.id))
                  for s in similar(store, ent, limit=5))
    flags = STATE_COLUMNS.index("flags")
    flagged = {r[0] for r in every if "ambiguous" in (r[flags] or "").split(",")}
    keys = {name_key(reading_text(sid)[a:b]) for mid, sid, a, b, *_ in rows if mid in flagged}
    return Candidate(ent, _contexts(rows, reading_text, limit=limit),
                     matches(store, ent, load=load), refs,
                     total=len(rows), state=state, similar=alike, ambiguous=bool(keys),
                     could_be=_could_be(keys, alike))


def _could_be(keys: set[str], alike: Sequence[MergeSuggestion]) -> tuple[Entity, ...]:
    """The merge suggestions a name flagged ``ambiguous`` fits (``keys``: its name keys): the
    entities propose could not choose between, by a name or variant, or for a person by the
    surname of one (a lone "Hitler" fits "Adolf Hitler")."""
    def fits(other: Entity) -> bool:
        written = (other.preferred, *other.variants)
        names = {name_key(v) for v in written}
        tails = {t for v in written for t in family_keys(v)} if other.type == "person" else set()
        return bool(keys & (names | tails))

    return tuple(s.other for s in alike if keys and fits(s.other))


def _token(conn: Any, entity_id: str) -> str:
    row = entities.entity_row(conn, entity_id)
    return state_digest([log.entity_state_rows(conn, row)]) if row is not None else ""


def known_line(cand: Candidate) -> str:
    """A known entity's card says what is to decide, in the terminal and the browser alike:
    ``Gestapo (register entry, confirmed): 12 new mentions proposed``; "" for a proposed
    entity's card."""
    if cand.entity.status != "confirmed":
        return ""
    what = "register entry, confirmed" if cand.register else "confirmed"
    return (f"{cand.entity.preferred} ({what}): {cand.new} new mention{'s' * (cand.new != 1)} "
            "proposed")
