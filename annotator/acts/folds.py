"""``annotator eval --folds K``: does training (or propagation) help this edition? Measure it.

The sources with decisions are split into K folds of about equal size (by words). Each fold is
held back once: the methods learn from the other folds' confirmed mentions only, propose on the
held fold's reading texts (in memory: the store is never written), and are scored against the
held fold's confirmed mentions with the one scoring function of annotator.acts.scoring (exact
and overlap, per type). Counts are summed over the folds, so every source is scored once.

A method is the pipeline that reads the text (the base pipeline, or one trained on the other
folds) and the steps applied to its spans. ``METHODS`` lists them; a new step is one entry.

DOCS: docs/proposals.md#cross-validation-on-the-edition
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.acts.context import ActContext
from annotator.acts.conventions import Edition, EditionConventions
from annotator.acts.queries import EditionView
from annotator.acts.scoring import SCORED, GoldSpan, score
from annotator.acts.train import train_texts, training_labels
from annotator.chronology import Dating
from annotator.config import Settings
from annotator.entities.names import KnownEntity, name_key
from annotator.errors import ConfigError, Interrupted
from annotator.nlp.training import TrainSettings
from annotator.records import FoldReport, FoldScores, Mention, MentionState, Proposal, TypeScore
from annotator.store import Store
from annotator.store.training import current_mentions
from annotator.tei.parse import ParsedSource
from annotator.tei.textmap import TextMap

if TYPE_CHECKING:
    from annotator.nlp.conventions import Conventions
    from annotator.nlp.pipeline import RawSpan

log = logging.getLogger(__name__)

Say = Callable[[str], None]  # progress: one line of what is being done


@dataclass(frozen=True, slots=True)
class Method:
    """How one method proposes: which pipeline reads the text, and which steps follow.

    ``pipeline``: "base" (the configured pipeline) or "trained" (resumed from it on the other
    folds). ``steps``, each learned from the other folds only: "propagation" (their confirmed
    names looked for everywhere, provenance rule:register), "conventions" (their span and
    dateline conventions shape the spans), "org_filter" (ORG spans below the confidence
    threshold dropped, their confirmed names counted as evidence).
    """

    pipeline: str
    steps: frozenset[str] = frozenset()


ALL_STEPS = frozenset({"propagation", "conventions", "org_filter"})
METHODS: dict[str, Method] = {
    "base": Method("base"),
    "propagation": Method("base", frozenset({"propagation"})),
    "conventions": Method("base", frozenset({"conventions"})),
    "org-filter": Method("base", frozenset({"org_filter"})),
    "all-steps": Method("base", ALL_STEPS),
    "trained": Method("trained"),
    "trained+propagation+conventions": Method("trained",
                                              frozenset({"propagation", "conventions"})),
    "trained+all-steps": Method("trained", ALL_STEPS),
}


@dataclass(frozen=True, slots=True)
class _FoldView:
    """The workspace as the other folds show it: conventions are learned from them alone."""

    ws: Edition
    learning: frozenset[str]  # the other folds' sources

    @property
    def root(self) -> Path:
        return self.ws.root

    @property
    def settings(self) -> Settings:
        return self.ws.settings

    def mentions(self, source_id: str | None = None, *, status: str | None = None,
                 types: Iterable[str] | None = None) -> list[Mention]:
        return [m for m in self.ws.mentions(source_id, status=status, types=types)
                if m.source_id in self.learning]

    def mention_spans(self, *, status: str | None = None, types: Iterable[str] | None = None
                      ) -> list[tuple[str, int, int, str, str]]:
        return [m for m in self.ws.mention_spans(status=status, types=types)
                if m[0] in self.learning]

    def textmap(self, source_id: str, parsed: ParsedSource | None = None) -> TextMap:
        return self.ws.textmap(source_id, parsed)

    def edition(self, source_id: str) -> str:
        return self.ws.edition(source_id)

    def conventions_edition(self, source_id: str) -> str:
        return self.ws.conventions_edition(source_id)


@dataclass(frozen=True, slots=True)
class _Learned:
    """What the other folds teach the steps."""

    known: list[KnownEntity]
    # held source -> its conventions, from the other folds' sources of its edition (else all)
    conventions: dict[str, Conventions]
    datelines: dict[str, list[tuple[int, int]]]  # held source -> datelines proposed whole
    # held source -> its editor's notes, where its edition marks no names there
    unnamed: dict[str, list[tuple[int, int]]]


def make_folds(sizes: dict[str, int], k: int) -> list[list[str]]:
    """Source ids in ``k`` folds of about equal words: largest first into the lightest fold."""
    folds: list[list[str]] = [[] for _ in range(k)]
    weight = [0] * k
    for sid in sorted(sizes, key=lambda s: (-sizes[s], s)):
        i = min(range(k), key=lambda j: (weight[j], j))
        folds[i].append(sid)
        weight[i] += sizes[sid]
    return [sorted(f) for f in folds]


def _known(states: Sequence[MentionState], text: Callable[[str], str]) -> list[KnownEntity]:
    """The other folds' confirmed names as entities of the register, one per (name, type)."""
    return _entities(_named(states, text))


def _named(states: Sequence[MentionState], text: Callable[[str], str]
           ) -> list[tuple[str, str, str]]:
    """(source id, name key, type) of each confirmed name, in the states' order: the keys
    are made once, however many held-out sources leave out their own (``held_out``)."""
    out = []
    for m in states:
        if m.status == "confirmed" and m.type != "date":
            key = name_key(text(m.source_id)[m.start:m.end])
            if key:
                out.append((m.source_id, key, m.type))
    return out


def _entities(named: Iterable[tuple[str, str, str]]) -> list[KnownEntity]:
    keys = dict.fromkeys((k, t) for _, k, t in named)
    return [KnownEntity(f"{t}-{i}", t, "confirmed", (k,)) for i, (k, t) in enumerate(keys)]


def _proposals(text: str, spans: Sequence[RawSpan], steps: frozenset[str], *,
               settings: Settings, learned: _Learned, source_id: str,
               dating: Dating) -> list[Proposal]:
    """The held source's proposals by one method; ``dating`` is what its dates lean on, as
    propose gives it (``acts.propose.source_dating``), its weekday headings as the method's
    conventions say."""
    from annotator.acts.propose import build_proposals, register_index
    from annotator.nlp.conventions import MARKED, span_rules
    from annotator.nlp.spans import RULES

    known = learned.known
    conv = "conventions" in steps
    org = "org_filter" in steps
    return build_proposals(
        text, spans, labels=settings.labels, provenance="eval", known=known,
        register=register_index(known) if "propagation" in steps else None,
        rules=span_rules(learned.conventions[source_id]) if conv else RULES,
        datelines=learned.datelines.get(source_id, ()) if conv else (),
        org_threshold=settings.org_threshold if org else 0.0,
        confirmed={k: e.type for e in known for k in e.keys} if org else None,
        unnamed=learned.unnamed.get(source_id, ()) if conv else (),
        dating=replace(dating, weekday_headings=conv and learned.conventions[
            source_id].weekday_headings == MARKED))


def _learn(ws: Edition, rest: Sequence[str], held: Sequence[str],
           states: Sequence[MentionState], steps: frozenset[str]) -> _Learned:
    from annotator.acts.conventions import edition_conventions

    train_states = [m for m in states if m.source_id in set(rest)]
    known = _known(train_states, lambda sid: ws.textmap(sid).text)
    learned = edition_conventions(_FoldView(ws, frozenset(rest))) if "conventions" in steps \
        else None
    return _taught(ws, known, learned, held)


def _taught(ws: Edition, known: list[KnownEntity], learned: EditionConventions | None,
            held: Sequence[str]) -> _Learned:
    """What ``known`` and the conventions ``learned`` without the held sources' markup
    (None: no conventions step) teach the steps on each held source."""
    from annotator.acts.conventions import whole_datelines
    from annotator.nlp.conventions import UNMARKED, WHOLE
    from annotator.tei.voice import editor_spans

    conventions, lines, unnamed = {}, {}, {}
    if learned is not None:
        for sid in held:
            conventions[sid] = learned.source(sid)  # its own mentions are held back
            if conventions[sid].datelines == WHOLE:
                lines[sid] = whole_datelines(ws.textmap(sid))
            if conventions[sid].editor_notes == UNMARKED:
                unnamed[sid] = editor_spans(ws.textmap(sid))
    return _Learned(known, conventions, lines, unnamed)


def _without(learned: EditionConventions, source_id: str) -> EditionConventions:
    """The conventions learned from every source as they are with one source's markup held
    back: its cases taken off its edition's and the workspace's (cases add up), what
    learning again from the others gives, once for the edition, not once per held source."""
    from annotator.nlp.conventions import summed

    own = learned.by_source.get(source_id, {})
    edition = learned.sharing(source_id)
    less = {name: (-inside, -outside) for name, (inside, outside) in own.items()}
    return replace(learned, by_source={}, everywhere=summed([learned.everywhere, less]),
                   by_edition={edition: summed([learned.by_edition[edition], less])}
                   if edition in learned.by_edition else {})


def cross_validate(ws: Edition, store: Store, *, k: int, methods: Sequence[str] | None = None,
                   types: Sequence[str] = SCORED,
                   train_settings: TrainSettings = TrainSettings(),
                   say: Say | None = None,
                   dating: Callable[[str], Dating] | None = None) -> FoldReport:
    """Score each method on every fold held back in turn; nothing is written to the store.
    ``dating``: what a source's dates lean on, as propose gives it (none: nothing)."""
    settings = ws.settings

    def reading_text(sid: str) -> str:
        return ws.textmap(sid).text

    from annotator.nlp.pipeline import cached_pipeline, check_labels, load_pipeline, run_ner
    from annotator.nlp.training import train_pipeline

    chosen = list(methods) if methods else list(METHODS)
    unknown = [m for m in chosen if m not in METHODS]
    if unknown:
        raise ConfigError(f"unknown method '{unknown[0]}'",
                          hint=f"choose from {', '.join(METHODS)}", code="C011")
    bad = [t for t in types if t not in SCORED]
    if bad:
        raise ConfigError(f"unknown type '{bad[0]}'", hint=f"choose from {', '.join(SCORED)}",
                          code="C011")
    check_labels(settings.labels)
    states = current_mentions(store.conn)
    labels = training_labels(settings.labels)
    texts = {t.key: t for t in train_texts(states, reading_text, labels=labels)
             if t.entities}
    if k < 2 or len(texts) < k:
        raise ConfigError(f"--folds {k} needs at least {max(k, 2)} sources with confirmed "
                          f"mentions; this workspace has {len(texts)}",
                          hint="give a smaller --folds (at least 2) or confirm more sources",
                          code="C010")
    folds = make_folds({sid: len(t.text.split()) for sid, t in texts.items()}, k)
    totals: dict[str, dict[str, list[int]]] = {m: {t: [0, 0, 0, 0] for t in types}
                                               for m in chosen}
    seconds = dict.fromkeys(chosen, 0.0)
    train_seconds: list[float] = []
    train_cpu: list[float] = []
    train_tokens: list[int] = []
    base = cached_pipeline(settings.model) if any(
        METHODS[m].pipeline == "base" for m in chosen) else None
    n = 0
    try:
        for n, held in enumerate(folds, 1):
            rest = [sid for sid in texts if sid not in held]
            learned = _learn(ws, rest, held, states,
                             frozenset().union(*(METHODS[m].steps for m in chosen)))
            gold = {sid: [GoldSpan(s, e, t) for s, e, t in _gold(states, sid)] for sid in held}
            spans: dict[str, dict[str, list[RawSpan]]] = {}
            base_time = trained_time = 0.0
            if base is not None:
                t0 = time.perf_counter()
                spans["base"] = dict(run_ner(base, ((s, reading_text(s)) for s in held),
                                             batch_size=settings.batch_size))
                base_time = time.perf_counter() - t0
            if any(METHODS[m].pipeline == "trained" for m in chosen):
                if say is not None:
                    say(f"fold {n}/{k}: training on {len(rest)} sources")
                t0 = time.perf_counter()

                def epoch(e: int, total: int, loss: float, f1: float | None) -> None:
                    if say is not None:
                        held_f1 = f", held-back F1 {f1:.3f}" if f1 is not None else ""
                        say(f"fold {n}/{k}: epoch {e}/{total}, loss {loss:.1f}{held_f1}")

                trained, report = train_pipeline(load_pipeline(settings.model),
                                                 [texts[s] for s in rest],
                                                 settings=train_settings, progress=epoch)
                train_seconds.append(report.seconds)
                train_cpu.append(report.cpu_seconds)
                train_tokens.append(report.tokens)
                spans["trained"] = dict(run_ner(trained, ((s, reading_text(s)) for s in held),
                                                batch_size=settings.batch_size))
                trained_time = time.perf_counter() - t0
            for name in chosen:
                method = METHODS[name]
                t0 = time.perf_counter()
                for sid in held:
                    predicted = _proposals(reading_text(sid), spans[method.pipeline][sid],
                                           method.steps, settings=settings, learned=learned,
                                           source_id=sid,
                                           dating=dating(sid) if dating else Dating())
                    for s in score(gold[sid], predicted, types=types)[0]:
                        row = totals[name][s.type]
                        for i, v in enumerate((s.gold, s.predicted, s.exact_tp, s.overlap_tp)):
                            row[i] += v
                seconds[name] += time.perf_counter() - t0 + (
                    base_time if method.pipeline == "base" else trained_time)
            if say is not None:
                say(f"fold {n}/{k} scored")
    except KeyboardInterrupt:
        raise Interrupted(f"cross-validation stopped in fold {max(n, 1)} of {k}, no figures "
                          "(it changes nothing)", hint="run the same command again") from None
    return FoldReport(
        folds=tuple(tuple(f) for f in folds),
        methods=tuple(FoldScores(m, tuple(TypeScore(t, *totals[m][t]) for t in types),
                                 seconds[m]) for m in chosen),
        train_seconds=tuple(train_seconds), train_cpu_seconds=tuple(train_cpu),
        train_tokens=tuple(train_tokens))


def _gold(states: Sequence[MentionState], sid: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.type) for m in states
            if m.source_id == sid and m.status == "confirmed"]


def evaluate_folds(ctx: ActContext, k: int, *, methods: Sequence[str] | None = None,
                   types: Sequence[str] | None = None, epochs: int = 20, seed: int = 0,
                   say: Say | None = None) -> FoldReport:
    """K-fold cross-validation on this workspace's confirmed mentions: each method (base
    pipeline, propagation, trained model, ...) scored on every fold held back in turn.

    DOCS: docs/proposals.md#cross-validation-on-the-edition
    """
    from annotator.acts.propose import source_dating

    return cross_validate(EditionView(ctx), ctx.store, k=k,
                          methods=methods, types=tuple(types) if types else SCORED,
                          train_settings=TrainSettings(epochs=epochs, seed=seed), say=say,
                          dating=lambda sid: source_dating(ctx.texts, sid,
                                                           ctx.texts.textmap(sid)))


def held_out(ctx: ActContext, held: Sequence[str],
             say: Say | None = None) -> dict[str, list[Proposal]]:
    """Source id -> proposals for it made in memory without its file's markup: what ``eval``
    scores where the gold file is a source's own file, whose markup, stored as its confirmed
    mentions, would otherwise score itself (recall 1.0 that says nothing of the model).

    Made as ``propose`` makes them with the configured pipeline (not a workspace model,
    which learned from that markup) and every step (``all-steps``). Each source is held out
    alone and its steps learned from every other source of the workspace, as ``eval --folds``
    with one source a fold, so its figure is the same whatever other gold files are scored
    with it (held out together, ``eval EDITION/*.xml`` learned from nothing); dates lean on
    the source's own date and blocks as ``propose``'s do, not on the dates its markup values.
    Nothing is written to the store.
    """
    from annotator.acts.propose import source_dating
    from annotator.nlp.pipeline import cached_pipeline, check_labels, run_ner

    from annotator.acts.conventions import edition_conventions

    ws = EditionView(ctx)
    settings = ws.settings
    check_labels(settings.labels)
    held = list(dict.fromkeys(held))
    ids = sorted(src.id for src in ctx.texts.sources())
    if say is not None:
        say(f"reading {len(held)} held-out source{'s' * (len(held) != 1)} with the pipeline")
    nlp = cached_pipeline(settings.model)
    spans = dict(run_ner(nlp, ((s, ws.textmap(s).text) for s in held),
                         batch_size=settings.batch_size))
    # learned once from every source, each held source's own markup taken off in turn (was:
    # learned again from the N-1 others for each: quadratic in the edition's size)
    named = _named(current_mentions(ctx.store.conn), lambda sid: ws.textmap(sid).text)
    everything = edition_conventions(ws)
    out = {}
    for n, sid in enumerate(held, 1):
        if say is not None:
            say(f"held out {n}/{len(held)}: {sid}, steps learned from the "
                f"{len(ids) - 1} other sources")
        learned = _taught(ws, _entities(x for x in named if x[0] != sid),
                          _without(everything, sid), [sid])
        tm = ws.textmap(sid)
        out[sid] = _proposals(tm.text, spans[sid], ALL_STEPS, settings=settings,
                              learned=learned, source_id=sid,
                              dating=source_dating(ctx.texts, sid, tm))
    return out
