"""The spaCy side of proposing: load an installed pipeline, cut texts into chunks, run NER.

The only place (with the rest of ``annotator.nlp``) that imports spaCy, and only inside
functions, so ``annotator --help`` and every command that needs no model start fast. Nothing is
ever downloaded: a pipeline must be installed (or a folder with ``meta.json``).

DOCS: docs/proposals.md
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import ConfigError, ModelError
from annotator.interrupt import noted
from annotator.nlp.spans import TITLE
from annotator.vocab import MENTION_TYPES

if TYPE_CHECKING:
    from spacy.language import Language

CHUNK_CHARS = 5000  # texts go to the model in block-aligned chunks of about this size
# Components that never feed NER in spaCy's trained pipelines: excluded before loading.
NOT_FOR_NER = ("tagger", "parser", "attribute_ruler", "lemmatizer", "trainable_lemmatizer",
               "senter", "morphologizer", "textcat", "textcat_multilabel", "entity_linker",
               "spancat", "span_finder", "coref", "span_resolver")


# -- the pipeline ----------------------------------------------------------------------------
def meta_path(name: str) -> Path | None:
    """The meta.json of an installed pipeline (a package name or a folder), None when there
    is none: found without importing spaCy or the pipeline."""
    path = Path(name)
    if path.is_dir() and (path / "meta.json").is_file():
        return path / "meta.json"
    if not re.fullmatch(r"[A-Za-z_][\w]*", name):
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        meta = Path(folder) / "meta.json"
        if meta.is_file():
            return meta
    return None


def _missing(name: str) -> ModelError:
    return ModelError(f"spaCy pipeline '{name}' is not installed",
                      hint=f"install it with 'pip install {name.replace('_', '-')}' or give an "
                           "installed one with --model (or 'model' in annotator.toml); nothing is "
                           "ever downloaded", code="M001")


def pipeline_provenance(name: str) -> str:
    """``model:<lang>_<name>@<version>`` of an installed pipeline, read from its meta.json.

    Cheap (no spaCy import, no model load), so unchanged sources are skipped without loading.
    """
    meta = meta_path(name)
    if meta is None:
        raise _missing(name)
    return _provenance(json.loads(meta.read_text(encoding="utf-8")), name)


def load_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline with only the components its NER needs.

    Raises ModelError M001 when it is not installed (nothing is downloaded), M004 when it
    cannot be loaded, M002 when it has no ``ner``.
    """
    nlp = _load(name, exclude=NOT_FOR_NER, needs="ner",
                hint="choose a pipeline that recognises entities with --model")
    # Drop shared embedders nobody listens to any more (en_core_web_sm's ner has its own).
    for comp_name in list(nlp.pipe_names):
        comp = nlp.get_pipe(comp_name)
        listeners = getattr(comp, "listening_components", None)
        if listeners is not None and not [c for c in listeners if c in nlp.pipe_names]:
            nlp.remove_pipe(comp_name)
    return nlp


@functools.lru_cache(maxsize=2)
def cached_pipeline(name: str) -> Language:
    """``load_pipeline`` once per process and name: a server or notebook proposes many times."""
    return load_pipeline(name)


def load_parsing_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline whole: the claim finder needs its parser and lemmas.

    Same errors as ``load_pipeline`` (M001 not installed, M004 cannot load, M002 no parser).
    """
    return _load(name, exclude=(), needs="parser",
                 hint="claims need a pipeline with a dependency parser; choose one with --model")


def _load(name: str, *, exclude: Iterable[str], needs: str, hint: str) -> Language:
    """An installed pipeline (never downloaded) that has the component ``needs``."""
    if meta_path(name) is None:
        raise _missing(name)
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(exclude))
    except (OSError, ValueError) as exc:  # a file lost, or a meta.json spaCy cannot read
        raise ModelError(f"cannot load spaCy pipeline '{name}' ({exc})",
                         hint="reinstall it or choose another with --model", code="M004") from None
    if needs not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline '{name}' has no '{needs}' component", hint=hint,
                         code="M002")
    nlp.max_length = max(nlp.max_length, CHUNK_CHARS * 4)
    return nlp


def provenance_of(nlp: Language) -> str:
    return _provenance(nlp.meta, "pipeline")


def _provenance(meta: dict[str, Any], name: str) -> str:
    """A workspace model names itself (``model:workspace@<hash>``, annotator.nlp.training)."""
    own = meta.get("annotator")
    if isinstance(own, dict) and own.get("provenance"):
        return str(own["provenance"])
    return f"model:{meta.get('lang', 'xx')}_{meta.get('name', name)}@{meta.get('version', '0')}"


# -- chunks ----------------------------------------------------------------------------------
def chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) of a reading text, cut at block breaks, each about ``limit`` chars.

    Blocks longer than ``limit * 4`` are cut at a space, so no piece passes the model's limit.
    """
    start = 0
    n = len(text)
    while start < n:
        if n - start <= limit:
            yield start, text[start:]
            return
        cut = text.rfind("\n\n", start + 1, start + limit)
        if cut == -1:
            cut = text.find("\n\n", start + limit)
            if cut == -1 or cut - start > limit * 4:
                cut = text.rfind(" ", start + 1, start + limit * 4)
                if cut == -1:
                    cut = min(n, start + limit * 4)
        yield start, text[start:cut]
        start = cut


def pipe_batch_size(batch_size: int, n_process: int, chars: int) -> int:
    """Chunks per batch: with several processes, small enough that each gets several batches.

    spaCy hands whole batches to the workers in turn, so 130 chunks in batches of 64 would
    leave one worker idle.
    """
    if n_process <= 1:
        return batch_size
    n_chunks = max(1, chars // CHUNK_CHARS + 1)
    return max(1, min(batch_size, -(-n_chunks // (n_process * 4))))


@dataclass(frozen=True, slots=True)
class RawSpan:
    """An entity span straight from the model, in reading-text offsets."""

    start: int
    end: int
    label: str


def run_ner(nlp: Language, items: Iterable[tuple[str, str]], *, batch_size: int = 64,
            n_process: int = 1,
            on_chunk: Callable[[int], None] | None = None) -> Iterator[tuple[str, list[RawSpan]]]:
    """Stream (key, text) pairs through ``nlp.pipe``; yield (key, spans) per text, in order.

    Texts are cut into chunks; only one text's spans are held at a time. ``on_chunk`` gets
    the number of words of each chunk done. With ``n_process`` > 1 a Ctrl-C is taken
    between docs: spaCy's worker processes leave it to this one (a terminal sends it to them
    all), which ends them, so that none prints a traceback and none is waited for.
    """
    stopping = False  # stopped early: no more texts for spaCy

    def feed() -> Iterator[tuple[str, tuple[str, int, bool, int]]]:
        for key, text in items:
            parts = list(chunks(text)) or [(0, "")]
            for i, (offset, piece) in enumerate(parts):
                if stopping:
                    return
                yield piece, (key, offset, i == len(parts) - 1,
                              len(piece.split()) if on_chunk else 0)

    pipe = nlp.pipe(feed(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    ended = False
    # spaCy's workers are forked at the first doc asked for, with the handler ``noted`` puts
    # in: a Ctrl-C (a terminal sends it to them all) is left to this process, which asks for
    # it between docs, never inside spaCy's waiting for its workers
    with noted() if n_process > 1 else nullcontext(lambda: False) as came:
        try:
            current: list[RawSpan] = []
            for doc, (key, offset, last, words) in pipe:
                if came():
                    raise KeyboardInterrupt
                current.extend(RawSpan(offset + e.start_char, offset + e.end_char, e.label_)
                               for e in doc.ents)
                if on_chunk is not None:
                    on_chunk(words)
                if last:
                    yield key, current
                    current = []
            ended = True
        finally:
            if not ended and n_process > 1:  # stopped early: the workers get no more texts,
                # and what they hold is read and dropped, so they end as at the end of a run
                # (spaCy waits for them, and they wait to hand over what they made)
                stopping = True
                for _ in pipe:
                    pass
    if came():  # after the last doc
        raise KeyboardInterrupt


def check_labels(labels: dict[str, str]) -> None:
    """The label map sends spaCy labels to mention types, to 'title' (names inside its spans
    are not proposed) or to '' (dropped), nothing else."""
    for label, type_ in labels.items():
        if type_ not in (*MENTION_TYPES, TITLE, ""):
            raise ConfigError(f"label {label} maps to unknown type '{type_}'",
                              hint=f"use one of {', '.join(MENTION_TYPES)}, {TITLE} or \"\" in "
                                   "[annotator.labels] of annotator.toml", code="M003")
