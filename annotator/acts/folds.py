"""``annotator eval --folds K``: does training (or propagation) help this edition? Measure it.

The sources with decisions are split into K folds of about equal size (by words). Each fold is
held back once: the methods learn from the other folds' confirmed mentions only, propose on the
held fold's reading texts (in memory: the store is never written), and are scored against the
held fold's confirmed mentions with the one scoring function of annotator.acts.evaluate (exact
and overlap, per type). Counts are summed over the folds, so every source is scored once.

A method is the pipeline that reads the text (the base pipeline, or one trained on the other
folds) and the steps applied to its spans. ``METHODS`` lists them; a new step is one entry.

DOCS: docs/proposals.md#cross-validation-on-the-edition
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.acts.evaluate import SCORED, GoldSpan, score
from annotator.acts.train import train_texts, training_labels
from annotator.config import Settings
from annotator.entities.names import KnownEntity, name_key
from annotator.errors import ConfigError
from annotator.nlp.conventions import DEFAULT, Conventions, Marked, learn, span_rules
from annotator.nlp.training import TrainSettings
from annotator.records import FoldReport, FoldScores, MentionState, Proposal, TypeScore
from annotator.store import Store
from annotator.store.training import current_mentions

if TYPE_CHECKING:
    from annotator.nlp.pipeline import RawSpan

log = logging.getLogger(__name__)

Say = Callable[[str], None]  # progress: one line of what is being done


@dataclass(frozen=True, slots=True)
class Method:
    """How one method proposes: which pipeline reads the text, and which steps follow.

    ``pipeline``: "base" (the configured pipeline) or "trained" (resumed from it on the other
    folds). ``steps``: "propagation" (names confirmed in the other folds are looked for
    everywhere, provenance rule:register, and the ORG filter knows their types);
    "conventions" (the span conventions learned from the other folds' confirmed mentions,
    nlp.conventions, with annotator.toml's overrides).
    """

    pipeline: str
    steps: frozenset[str] = frozenset()


METHODS: dict[str, Method] = {
    "base": Method("base"),
    "propagation": Method("base", frozenset({"propagation"})),
    "conventions": Method("base", frozenset({"conventions"})),
    "propagation+conventions": Method("base", frozenset({"propagation", "conventions"})),
    "trained": Method("trained"),
    "trained+propagation": Method("trained", frozenset({"propagation"})),
    "trained+propagation+conventions": Method("trained",
                                              frozenset({"propagation", "conventions"})),
}


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
    keys: dict[tuple[str, str], None] = {}
    for m in states:
        if m.status == "confirmed" and m.type != "date":
            key = name_key(text(m.source_id)[m.start:m.end])
            if key:
                keys[(key, m.type)] = None
    return [KnownEntity(f"{t}-{i}", t, "confirmed", (k,)) for i, (k, t) in enumerate(keys)]


def _conventions(states: Sequence[MentionState], text: Callable[[str], str],
                 overrides: Mapping[str, str]) -> Conventions:
    """The conventions the other folds' confirmed mentions show (datelines are not read here:
    the folds have reading texts, not the files)."""
    return learn(Marked(text(m.source_id), m.start, m.end, m.type) for m in states
                 if m.status == "confirmed").with_overrides(overrides)


def _proposals(text: str, spans: Sequence[RawSpan], steps: frozenset[str], *,
               labels: dict[str, str], known: Sequence[KnownEntity],
               conventions: Conventions) -> list[Proposal]:
    from annotator.acts.propose import build_proposals, confirmed_names, register_index

    propagate = "propagation" in steps
    return build_proposals(
        text, spans, labels=labels, provenance="eval",
        register=register_index(known) if propagate else None,
        known=known if propagate else (),
        confirmed=confirmed_names(known, frozenset(e.id for e in known)) if propagate else None,
        rules=span_rules(conventions if "conventions" in steps else DEFAULT))


def cross_validate(store: Store, reading_text: Callable[[str], str], settings: Settings, *,
                   k: int, methods: Sequence[str] | None = None,
                   types: Sequence[str] = SCORED,
                   train_settings: TrainSettings = TrainSettings(),
                   say: Say | None = None) -> FoldReport:
    """Score each method on every fold held back in turn; nothing is written to the store."""
    from annotator.acts.propose import check_labels
    from annotator.nlp.pipeline import cached_pipeline, load_pipeline, run_ner
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
    for n, held in enumerate(folds, 1):
        rest = [sid for sid in texts if sid not in held]
        train_states = [m for m in states if m.source_id in set(rest)]
        known = _known(train_states, reading_text)
        conventions = _conventions(train_states, reading_text, settings.conventions)
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
                                       method.steps, labels=settings.labels, known=known,
                                       conventions=conventions)
                for s in score(gold[sid], predicted, types=types)[0]:
                    row = totals[name][s.type]
                    for i, v in enumerate((s.gold, s.predicted, s.exact_tp, s.overlap_tp)):
                        row[i] += v
            seconds[name] += time.perf_counter() - t0 + (
                base_time if method.pipeline == "base" else trained_time)
        if say is not None:
            say(f"fold {n}/{k} scored")
    return FoldReport(
        folds=tuple(tuple(f) for f in folds),
        methods=tuple(FoldScores(m, tuple(TypeScore(t, *totals[m][t]) for t in types),
                                 seconds[m]) for m in chosen),
        train_seconds=tuple(train_seconds), train_cpu_seconds=tuple(train_cpu),
        train_tokens=tuple(train_tokens))


def _gold(states: Sequence[MentionState], sid: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.type) for m in states
            if m.source_id == sid and m.status == "confirmed"]
