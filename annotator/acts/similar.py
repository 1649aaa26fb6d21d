"""Merge suggestions: the entities each entity is probably the same as, ranked, with the reason
in words, for the review card, ``Workspace.similar`` and ``annotator entities --similar``.

The store finds the look-alikes by index (a name ending in the same word, the same name
without spaces, the same authority id); ``annotator.entities.similar`` judges each pair.

DOCS: docs/review.md#merge-suggestions
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.entities.names import name_key
from annotator.entities.similar import Named, judge
from annotator.records import Entity, MergeSuggestion
from annotator.store import Store
from annotator.store import entities as entity_rows
from annotator.store import pointers


def _named(e: Entity, marked: dict[str, tuple[str, ...]]) -> Named:
    names = tuple(dict.fromkeys((v, name_key(v)) for v in (e.preferred, *e.variants)))
    return Named(e.id, e.type, e.status, e.preferred, names, e.authority, marked.get(e.id, ()))


def _marked(store: Store, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The pointers the sources' markup gives each entity: two entities the edition's own
    @ref tells apart are never suggested as one."""
    return pointers.of_entities(store.conn, ids, origin="markup")


def _loaded(store: Store, ids: Iterable[str]) -> dict[str, Entity]:
    return {e.id: e for e in entity_rows.entities(store.conn, ids=ids, counts=False)}


def _rank(s: MergeSuggestion) -> tuple[float, int, str, str]:
    return (-s.score, s.other.status != "confirmed", s.other.preferred.casefold(), s.other.id)


def similar(store: Store, entity: Entity, *, limit: int | None = None
            ) -> tuple[MergeSuggestion, ...]:
    """The entities ``entity`` is probably the same as, the surest first (the register before
    proposals at equal odds): a few indexed look-ups, fast enough for every queue card."""
    others = entity_rows.look_alikes(store.conn, entity.id)
    if not others:
        return ()
    marked = _marked(store, [entity.id, *others])
    me = _named(entity, marked)
    out = []
    for other in _loaded(store, others).values():
        verdict = judge(me, _named(other, marked))
        if verdict is not None:
            out.append(MergeSuggestion(entity, other, *verdict))
    return tuple(sorted(out, key=_rank)[:limit])


def _kept(a: Entity, b: Entity) -> bool:
    """Whether ``b`` is the one to keep of the two: the register's, else the fuller name."""
    def weight(e: Entity) -> tuple[bool, int, int, str]:
        return (e.status == "confirmed", len(e.preferred.split()), len(e.preferred), e.id)
    return weight(b) >= weight(a)


def pairs(store: Store, *, types: Sequence[str] | None = None,
          statuses: Sequence[str] | None = None) -> list[MergeSuggestion]:
    """Every pair of entities that are probably one, once each, the surest first; ``other`` is
    the one to keep. ``statuses``: pairs with at least one entity of these statuses."""
    found = entity_rows.look_alike_pairs(store.conn, types)
    loaded = _loaded(store, {i for pair in found for i in pair})
    marked = _marked(store, loaded)
    named = {i: _named(e, marked) for i, e in loaded.items()}
    out = []
    for x, y in found:
        a, b = loaded[x], loaded[y]
        if statuses is not None and a.status not in statuses and b.status not in statuses:
            continue
        if not _kept(a, b):
            a, b = b, a
        verdict = judge(named[a.id], named[b.id])
        if verdict is not None:
            out.append(MergeSuggestion(a, b, *verdict))
    return sorted(out, key=lambda s: (-s.score, s.entity.type, s.other.preferred.casefold(),
                                      s.entity.preferred.casefold(), s.entity.id))
