"""Fine-tune a pipeline's NER on an edition's own decisions, with spaCy's training loop on CPU.

Pure spaCy work: texts and spans in, a trained ``Language`` out; what counts as decided comes
from the caller (annotator.acts.train). Each source is cut into examples at sentence bounds,
never inside a mention or an undecided span. Text an editor has not reviewed is a *missing*
value ("-" in spaCy's BILUO tags), so the model is never taught that an unread name is no name;
only reviewed sources and rejected spans teach "no entity". Spans the base model gives labels
the edition does not train (NORP, WORK_OF_ART, CARDINAL, ...) are missing values too, so the
model keeps what it knew of them (titles still keep names out of proposals).

Training resumes the pipeline's own weights (``nlp.resume_training``), holds back a tenth of the
examples and stops when that tenth stops improving, keeping the best epoch. It is seeded: the
same texts and settings give the same model.

DOCS: docs/proposals.md#a-model-trained-on-the-edition
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from annotator.errors import ModelError
from annotator.records import TrainReport
from annotator.text import trim

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRecognizer
    from spacy.training import Example

TRAINING_VERSION = 1  # bump when examples or the loop change what a model learns
PIECE_CHARS = 600  # sentences are packed into examples of about this many characters
Char = tuple[int, int]
Labelled = tuple[int, int, str]
# (epoch, epochs, loss, held-back F1 or None): called after each epoch
TrainProgress = Callable[[int, int, float, "float | None"], None]


@dataclass(frozen=True, slots=True)
class TrainText:
    """One source's reading text and what its editors decided, in reading-text offsets.

    ``entities`` carry spaCy labels. Outside them, a ``reviewed`` text is "no entity"
    everywhere; an unreviewed one is unknown except where ``outside`` says "no entity"
    (rejected mentions). ``missing`` spans (undecided proposals) are unknown in both.
    """

    key: str
    text: str
    entities: tuple[Labelled, ...]
    missing: tuple[Char, ...] = ()
    outside: tuple[Char, ...] = ()
    reviewed: bool = False


@dataclass(frozen=True, slots=True)
class Piece:
    """An example: a run of whole sentences of one text, with its spans made relative."""

    key: str
    offset: int
    text: str
    entities: tuple[Labelled, ...]
    missing: tuple[Char, ...]
    outside: tuple[Char, ...]
    reviewed: bool


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """What a training run does; part of the model's name (its hash), with the data."""

    epochs: int = 20
    seed: int = 0
    dropout: float = 0.2
    patience: int = 3  # epochs without a better held-back score before stopping
    dev_share: float = 0.1

    def as_dict(self) -> dict[str, float | int]:
        return {"epochs": self.epochs, "seed": self.seed, "dropout": self.dropout,
                "patience": self.patience, "dev_share": self.dev_share,
                "version": TRAINING_VERSION}


# -- examples --------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[.!?]['\"”’)\]]*\s+|\n\s*\n\s*")


def _inside(spans: Sequence[Char], pos: int) -> bool:
    return any(s < pos < e for s, e in spans)


def sentence_cuts(text: str, keep: Sequence[Char] = ()) -> list[int]:
    """Offsets where a sentence (or a block) starts, never inside a span of ``keep``.

    A cut follows a sentence end (., !, ? with closing quotes or brackets) and whitespace, or
    a blank line; "Mr. Smith" stays whole when "Mr. Smith" is a mention.
    """
    cuts = []
    ordered = sorted(keep)
    for m in _SENTENCE_END.finditer(text):
        pos = m.end()
        if 0 < pos < len(text) and not _inside(ordered, pos):
            cuts.append(pos)
    return cuts


def _outermost(entities: Iterable[Labelled]) -> tuple[list[Labelled], list[Char]]:
    """Entities that nest or cross keep the longest; the rest of a crossing one is unknown."""
    kept: list[Labelled] = []
    unsure: list[Char] = []
    for s, e, label in sorted(entities, key=lambda x: (x[0], -(x[1] - x[0]))):
        if kept and s < kept[-1][1]:
            if e > kept[-1][1]:
                unsure.append((kept[-1][1], e))
            continue
        kept.append((s, e, label))
    return kept, unsure


def pieces(doc: TrainText, size: int = PIECE_CHARS) -> list[Piece]:
    """The examples of one text: whole sentences packed up to ``size`` characters.

    Pieces that teach nothing (no entity, nothing known to be outside, text unreviewed) are
    left out.
    """
    ents: list[Labelled] = []
    for s, e, label in doc.entities:
        a, b = trim(doc.text, s, e)
        if b > a:
            ents.append((a, b, label))
    ents, unsure = _outermost(ents)
    missing = [*doc.missing, *unsure]
    cuts = sentence_cuts(doc.text, [*((s, e) for s, e, _ in ents), *missing])
    bounds: list[Char] = []
    start = 0
    for cut in cuts:
        if cut - start >= size:
            bounds.append((start, cut))
            start = cut
    bounds.append((start, len(doc.text)))
    out = []
    for a, b in bounds:
        b = a + len(doc.text[a:b].rstrip())
        if b <= a:
            continue

        def within(spans: Iterable[Char]) -> tuple[Char, ...]:
            return tuple((max(s, a) - a, min(e, b) - a) for s, e in spans if s < b and a < e)

        p_ents = tuple((s - a, e - a, lab) for s, e, lab in ents if a <= s and e <= b)
        p_out = within(doc.outside)
        if not doc.reviewed and not p_ents and not p_out:
            continue
        out.append(Piece(doc.key, a, doc.text[a:b], p_ents, within(missing), p_out,
                         doc.reviewed))
    return out


def biluo_tags(nlp: Language, piece: Piece, keep: Sequence[Char] = ()) -> list[str]:
    """spaCy BILUO tags of a piece's tokens; "-" where nothing is known.

    ``keep``: spans of labels the edition does not train, left unknown unless decided.
    An entity whose edges fall inside a token (a name inside a longer word) is unknown too.
    """
    doc = nlp.make_doc(piece.text)
    tags = ["O" if piece.reviewed else "-"] * len(doc)

    def mark(spans: Iterable[Char], tag: str, mode: str) -> None:
        for s, e in spans:
            span = doc.char_span(s, e, alignment_mode=mode)
            if span is not None:
                tags[span.start:span.end] = [tag] * (span.end - span.start)

    mark(keep, "-", "expand")
    mark(piece.outside, "O", "contract")
    mark(piece.missing, "-", "expand")
    for s, e, label in piece.entities:
        span = doc.char_span(s, e, alignment_mode="strict")
        if span is None:
            mark([(s, e)], "-", "expand")
        elif len(span) == 1:
            tags[span.start] = f"U-{label}"
        else:
            tags[span.start:span.end] = ([f"B-{label}"] + [f"I-{label}"] * (len(span) - 2)
                                         + [f"L-{label}"])
    return tags


def make_examples(nlp: Language, docs: Sequence[TrainText], *,
                  labels: Iterable[str]) -> list[Example]:
    """spaCy Examples of every piece of ``docs``; ``labels``: the labels being trained.

    The pipeline's own predictions of other labels become missing values (see module doc).
    """
    from spacy.training import Example

    trained = set(labels)
    all_pieces = [p for d in docs for p in pieces(d)]
    ner_only = [n for n in nlp.pipe_names if n != "ner"]
    with nlp.select_pipes(disable=ner_only):
        predicted = nlp.pipe((p.text for p in all_pieces), batch_size=64)
        keeps = [[(e.start_char, e.end_char) for e in d.ents if e.label_ not in trained]
                 for d in predicted]
    out = []
    for piece, keep in zip(all_pieces, keeps):
        tags = biluo_tags(nlp, piece, keep)
        if all(t == "-" for t in tags):
            continue
        out.append(Example.from_dict(nlp.make_doc(piece.text), {"entities": tags}))
    return out


# -- the loop --------------------------------------------------------------------------------
T = TypeVar("T")


def _batches(items: Sequence[T], start: float = 4.0, stop: float = 32.0,
             rate: float = 1.001) -> Iterator[Sequence[T]]:
    """Batches growing from ``start`` to ``stop`` items (spaCy's compounding schedule)."""
    size, i = start, 0
    while i < len(items):
        n = int(size)
        yield items[i:i + n]
        i += n
        size = min(stop, size * rate)


def train_ner(nlp: Language, docs: Sequence[TrainText], *,
              settings: TrainSettings = TrainSettings(),
              progress: TrainProgress | None = None) -> TrainReport:
    """Resume training ``nlp``'s NER on ``docs`` in place; the best epoch's weights are kept.
    The report's model, path and base are left for the caller.

    Examples are shuffled with the seed; a tenth is held back (with ten examples or more) and
    scored after each epoch (spaCy's NER F1, unknown tokens not counted); training stops
    when it has not improved for ``settings.patience`` epochs.
    """
    from thinc.api import fix_random_seed

    t0, cpu = time.perf_counter(), time.process_time()
    fix_random_seed(settings.seed)
    rng = random.Random(settings.seed)
    labels = sorted({label for d in docs for _, _, label in d.entities})
    ner = cast("EntityRecognizer", nlp.get_pipe("ner"))
    for label in labels:
        ner.add_label(label)
    examples = make_examples(nlp, docs, labels=labels)
    rng.shuffle(examples)
    n_dev = int(len(examples) * settings.dev_share) if len(examples) >= 10 else 0
    dev, train = examples[:n_dev], examples[n_dev:]
    tokens = sum(len(eg.reference) for eg in examples)
    optimizer = nlp.resume_training()
    best: tuple[float, int, bytes] | None = None
    epoch = 0
    other = [n for n in nlp.pipe_names if n != "ner"]
    with nlp.select_pipes(disable=other):
        for epoch in range(1, settings.epochs + 1):
            rng.shuffle(train)
            losses: dict[str, float] = {}
            for batch in _batches(train):
                nlp.update(batch, drop=settings.dropout, sgd=optimizer, losses=losses)
            loss = float(losses.get("ner", 0.0))
            f1 = float(nlp.evaluate(dev)["ents_f"] or 0.0) if dev else None
            if progress is not None:
                progress(epoch, settings.epochs, loss, f1)
            if f1 is None:
                continue
            if best is None or f1 > best[0]:
                best = (f1, epoch, ner.to_bytes())
            elif epoch - best[1] >= settings.patience:
                break
    if best is not None and best[1] != epoch:
        ner.from_bytes(best[2])
    return TrainReport(model="", path="", base="", sources=len(docs),
                       reviewed=sum(d.reviewed for d in docs), examples=len(examples),
                       held_back=len(dev), tokens=tokens, epochs_run=epoch,
                       best_epoch=best[1] if best else epoch,
                       best_f1=best[0] if best else None, seconds=time.perf_counter() - t0,
                       cpu_seconds=time.process_time() - cpu)


def train_pipeline(base: Language, texts: Sequence[TrainText], *, settings: TrainSettings,
                   progress: TrainProgress | None = None) -> tuple[Language, TrainReport]:
    """Train ``base`` (changed in place) on ``texts``, timed: what ``annotator train`` and the
    folds of ``annotator eval --folds`` share. The report's model, path and base are left
    for the caller."""
    if not any(t.entities for t in texts):
        raise ModelError("nothing to train on: no confirmed mention in any source",
                         hint="confirm proposals (or add sources with their own markup) first",
                         code="M010")
    return base, train_ner(base, texts, settings=settings, progress=progress)


def save_model(nlp: Language, folder: Path, *, provenance: str,
               info: dict[str, object]) -> None:
    """Write the trained pipeline to ``folder`` whole or not at all (a sibling, then rename).

    ``provenance`` goes into meta.json, where ``pipeline_provenance`` reads it without spaCy.
    """
    nlp.meta["annotator"] = {"provenance": provenance, **info}
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
