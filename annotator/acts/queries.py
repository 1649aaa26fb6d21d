"""What the workspace answers without acting: mentions with their surface read from the
reading text, entities with their names and counts, the register, how far each source is.

DOCS: docs/review.md
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.acts.context import ActContext
from annotator.acts.targets import parse_mention_id
from annotator.config import Settings
from annotator.errors import DecisionError
from annotator.filters import chosen
from annotator.records import Entity, Mention, MergeSuggestion, row_id
from annotator.store import entities as entity_rows
from annotator.store import mentions as rows_of
from annotator.tei.parse import ParsedSource
from annotator.tei.textmap import TextMap
from annotator.vocab import ENTITY_STATUSES, ENTITY_TYPES, MENTION_STATUSES, MENTION_TYPES


def mentions(ctx: ActContext, source_id: str | Iterable[str] | None = None, *,
             status: str | Iterable[str] | None = None,
             types: str | Iterable[str] | None = None) -> list[Mention]:
    """Mentions in reading order, with their surface taken from the reading text.

    ``source_id``, ``status`` and ``types``: one name, several, or comma-separated
    (``annotator.filters``).
    """
    statuses = chosen(status, MENTION_STATUSES, "status")
    kept = chosen(types, MENTION_TYPES, "type")
    sources = ctx.texts.chosen(source_id)
    surface = ctx.texts.surface
    return [rows_of.mention_from_row(r, surface(r["source_id"], r["sha256"], r["start"],
                                                r["end"]))
            for r in rows_of.mention_rows(ctx.store.conn, sources, status=statuses,
                                          types=kept)]


def mention_spans(ctx: ActContext, *, status: str | Iterable[str] | None = None,
                  types: str | Iterable[str] | None = None
                  ) -> list[tuple[str, int, int, str, str]]:
    """``(source_id, start, end, type, provenance)`` of the mentions (of some statuses and
    types) in ``mentions``' order, without their surface: what learning conventions reads
    (was: a whole ``Mention`` each, its surface cut from the reading text)."""
    return rows_of.span_rows(ctx.store.conn, status=chosen(status, MENTION_STATUSES, "status"),
                             types=chosen(types, MENTION_TYPES, "type"))


def shown_mentions(ctx: ActContext, preferred: dict[str, str],
                   source_id: str | Iterable[str] | None = None
                   ) -> dict[str, tuple[str, int, int]]:
    """For each entity of ``preferred`` (id -> name), the mention a listing shows it by, as
    ``(source_id, start, end)``: the first in reading order whose surface is the name, else
    the first; of the current versions of their sources only (a stale mention's offsets hold
    in the text it was made on, not in the one a listing shows). One narrow query, no
    ``Mention`` made: a listing of 100k mentions needs these."""
    sources = ctx.texts.chosen(source_id)
    surface = ctx.texts.surface
    current = {s.id: s.sha256 for s in ctx.texts.sources()}
    first: dict[str, tuple[str, int, int]] = {}
    named: dict[str, tuple[str, int, int]] = {}
    for eid, sid, sha, start, end in rows_of.entity_spans(ctx.store.conn, sources):
        name = preferred.get(eid)
        if name is None or eid in named or current.get(sid) != sha:
            continue
        first.setdefault(eid, (sid, start, end))
        if end - start == len(name) and surface(sid, sha, start, end) == name:
            named[eid] = (sid, start, end)
    return {**first, **named}


def mention(ctx: ActContext, mention_id: int | str) -> Mention:
    """One mention by id (``12`` or ``mention:12``), with its surface."""
    mid = parse_mention_id(mention_id)  # a malformed id is the caller's: no place, as acts say
    row = rows_of.mention_row(ctx.store.conn, mid)
    if row is None:
        raise DecisionError(f"no mention {mention_id}", hint="list them with 'annotator "
                            "entities' or in the browser",
                            location=ctx.store.place, code="D028")
    return rows_of.mention_from_row(row, ctx.texts.surface(row["source_id"], row["sha256"],
                                                           row["start"], row["end"]))


def mention_gone(ctx: ActContext, mention_id: int | str) -> bool:
    """Whether a mention that is not in the store now was once: removed by an undo of the act
    that added it, an act that replaced it, or proposing again. A page drawn before names it
    (stale: "changed meanwhile"); an id never given out is a wrong address.

    Told from the id: no id is given twice, so an absent one at or below the highest ever
    given was a mention.
    """
    mid = row_id(mention_id, "mention:")
    if mid is None or rows_of.mention_row(ctx.store.conn, mid) is not None:
        return False
    return mid <= rows_of.highest_id(ctx.store.conn)


def mention_marks(ctx: ActContext, source_id: str) -> list[tuple[int, int, int, str, str]]:
    """What the reading view marks: ``(id, start, end, type, status)`` of every mention of the
    source's current version, in reading order.

    Plain tuples from one narrow query, because a long source has thousands of mentions
    and the page must answer fast (``mentions()`` gives the full records).
    """
    return rows_of.marks(ctx.store.conn, source_id, ctx.texts.source(source_id).sha256)


def source_counts(ctx: ActContext) -> dict[str, dict[str, dict[str, int]]]:
    """How far each source is: its mentions by decision, its claims by support.

    ``{"letter": {"mentions": {"confirmed": 12, "proposed": 40},
    "claims": {"supported": 3, "unsupported": 5}}}``; only the current version counts,
    rejected claims not at all.
    """
    out: dict[str, dict[str, dict[str, int]]] = {}
    for sid, status, n in rows_of.status_counts(ctx.store.conn):
        out.setdefault(sid, {"mentions": {}, "claims": {}})["mentions"][status] = n
    from annotator.acts import claims as claim_acts  # the claims' module, only to count them

    for sid, counts in claim_acts.status_counts(ctx.store).items():
        out.setdefault(sid, {"mentions": {}, "claims": {}})["claims"] = counts
    return out


def entities(ctx: ActContext, *, status: str | Iterable[str] | None = None,
             type: str | Iterable[str] | None = None,  # noqa: A002
             source_id: str | Iterable[str] | None = None,
             ids: Iterable[str] | None = None,
             counts: bool = True) -> list[Entity]:
    """Entities (candidates and register) with their variants and mention/source counts.

    ``status``, ``type`` and ``source_id`` (entities named there): one name, several, or
    comma-separated (``annotator.filters``). ``counts=False`` leaves the counts at 0: counting reads every mention of every entity,
    which an export of 100k names does not need.
    """
    statuses = chosen(status, ENTITY_STATUSES, "status")
    types = chosen(type, ENTITY_TYPES, "type")
    return entity_rows.entities(ctx.store.conn, status=statuses, type=types,
                                source_id=ctx.texts.chosen(source_id), ids=ids, counts=counts)


def entity(ctx: ActContext, entity_id: str, *, counts: bool = True) -> Entity:
    """One entity by id, with its variants, authority ids and (``counts``) how many mentions
    and sources it has."""
    found = entities(ctx, ids=[entity_id], counts=counts)
    if not found:
        raise DecisionError(f"no entity '{entity_id}'",
                            hint="list them with 'annotator entities'", code="D021")
    return found[0]


def mention_tally(ctx: ActContext, entity_id: str) -> dict[str, int]:
    """An entity's mentions on the current versions of their sources, by status: what it had
    when it is rejected (``Entity.mentions`` counts the live ones only, 0 then)."""
    return rows_of.tally_of_entity(ctx.store.conn, entity_id)


def pointer_owners(ctx: ActContext, pointers: Iterable[str]) -> dict[str, str]:
    """The entity of the register each of an edition's ``pointers`` (its bare ids,
    ``pe1267``) means, for those the workspace knows: how ``validate`` checks the ids a file
    does not hold."""
    from annotator.store import pointers as pointer_rows

    return pointer_rows.owners(ctx.store.conn, pointers)


def register(ctx: ActContext, *, type: str | Iterable[str] | None = None,  # noqa: A002
             query: str | None = None) -> list[Entity]:
    """The register: confirmed persons, places and organisations (``query``: any name, id or
    authority id)."""
    from annotator.acts import register as register_acts  # lxml: only for the register

    return register_acts.search(entities(ctx, status="confirmed", type=type), query)


def export_register(ctx: ActContext) -> bytes:
    """The register as a TEI document (listPerson, listPlace, listOrg with idno), with every
    pointer the store knows for an entry, so importing it again gives the same register."""
    from annotator.acts import register as register_acts
    from annotator.store import pointers

    entries = entities(ctx, status="confirmed")
    return register_acts.export_register(entries, known_pointers=pointers.of_entities(
        ctx.store.conn, [e.id for e in entries], written=True))


class EditionView:
    """An ``ActContext`` as learning conventions reads a workspace (``acts.conventions.Edition``:
    its folder, settings, mentions and texts)."""

    def __init__(self, ctx: ActContext) -> None:
        self.ctx = ctx

    @property
    def root(self) -> Path:
        return self.ctx.root

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def mentions(self, source_id: str | None = None, *,
                 status: str | Iterable[str] | None = None,
                 types: str | Iterable[str] | None = None) -> list[Mention]:
        return mentions(self.ctx, source_id, status=status, types=types)

    def mention_spans(self, *, status: str | Iterable[str] | None = None,
                      types: str | Iterable[str] | None = None
                      ) -> list[tuple[str, int, int, str, str]]:
        return mention_spans(self.ctx, status=status, types=types)

    def textmap(self, source_id: str, parsed: ParsedSource | None = None) -> TextMap:
        return self.ctx.texts.textmap(source_id, parsed)

    def edition(self, source_id: str) -> str:
        return self.ctx.texts.edition(source_id)

    def conventions_edition(self, source_id: str) -> str:
        return self.ctx.texts.conventions_edition(source_id)


def similar(ctx: ActContext, entity_id: str, *, limit: int | None = None
            ) -> list[MergeSuggestion]:
    """The entities of its type that ``entity_id`` is probably the same as, the surest first,
    each with the reason in words (a shared name, a family name ending the other's full name,
    the same authority id, a place's or organisation's name written another way): merge
    suggestions, ``merge(entity_id, s.other.id)``. DOCS: docs/review.md#merge-suggestions"""
    from annotator.acts import similar as suggestions  # the review's, not every listing's

    return list(suggestions.similar(ctx.store, entity(ctx, entity_id, counts=False),
                                    limit=limit))


def merge_suggestions(ctx: ActContext, *, type: str | Iterable[str] | None = None,  # noqa: A002
                      status: str | Iterable[str] | None = None) -> list[MergeSuggestion]:
    """Every pair of entities that are probably one, once each, the surest first: merge
    ``s.entity`` into ``s.other`` (the register entry, else the fuller name). ``status``:
    pairs with at least one entity of these statuses; ``type`` and ``status`` as in
    ``entities``. DOCS: docs/review.md#merge-suggestions"""
    from annotator.acts import similar as suggestions  # the review's, not every listing's

    return suggestions.pairs(ctx.store, types=chosen(type, ENTITY_TYPES, "type"),
                             statuses=chosen(status, ENTITY_STATUSES, "status"))
