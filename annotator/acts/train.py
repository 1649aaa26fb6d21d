"""``annotator train``: the workspace's decisions become examples, and a NER model kept inside it.

A source teaches what its editors decided: confirmed mentions are entities, rejected ones are
"no entity", undecided proposals are unknown. The rest of its text is "no entity" only when the
source counts as reviewed: it carries the edition's own markup (its encoders read it whole), or
every proposal in it has been decided. Otherwise the rest is unknown, so a name nobody has
looked at yet is never taught as no name.

The model is resumed from the configured pipeline, saved in ``<workspace>/models/<hash>/``
(``models/`` is git-ignored) and named by a hash of what it learned from: the base pipeline, the
reading texts, the decisions and the training settings. The same data trains the same model,
so training again with nothing changed does nothing. ``models/current.json`` names the model
``propose`` uses from then on (provenance ``model:workspace@<hash>``) while the configured
pipeline stays the one it was trained from. It is the editor's choice, kept until changed:
``use_model`` picks another kept model, or the configured pipeline ('base', which removes it);
``kept_models`` lists them. A file cannot say "the same pipeline, but untrained", so
annotator.toml's ``model`` goes back to a pipeline only when it names another one.

DOCS: docs/proposals.md#a-model-trained-on-the-edition
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from annotator.acts.context import ActContext
from annotator.config import Settings
from annotator.errors import Interrupted, Location, ModelError
from annotator.files import atomic_write
from annotator.interrupt import held
from annotator.nlp.training import TrainProgress, TrainSettings, TrainText
from annotator.records import KeptModel, MentionState, TrainReport
from annotator.store import Store, now
from annotator.store.training import current_mentions
from annotator.vocab import MENTION_TYPES

log = logging.getLogger(__name__)

MODELS_DIR = "models"
CURRENT = "current.json"
KEEP_MODELS = 3  # older workspace models are removed after a new one is saved
HASH_CHARS = 12


@dataclass(frozen=True, slots=True)
class WorkspaceModel:
    """The trained model ``propose`` uses: its folder, provenance and the pipeline it came from."""

    path: Path
    provenance: str
    base: str


def training_labels(labels: dict[str, str]) -> dict[str, str]:
    """Mention type -> the spaCy label it is trained as: the first label mapped to that type."""
    out: dict[str, str] = {}
    for label, type_ in labels.items():
        if type_ in MENTION_TYPES and type_ not in out:
            out[type_] = label
    return out


def is_reviewed(states: Sequence[MentionState]) -> bool:
    """A source whose undecided text counts as "no entity": the edition's own markup is in
    it, or every proposal in it has been decided (and something was)."""
    if any(m.provenance == "source" for m in states):
        return True
    return bool(states) and all(m.status != "proposed" for m in states)


def train_texts(mentions: Sequence[MentionState], reading_text: Callable[[str], str], *,
                labels: dict[str, str], source_ids: Iterable[str] | None = None,
                ) -> list[TrainText]:
    """One TrainText per source that has something to teach, in source order."""
    by_source: dict[str, list[MentionState]] = {}
    for m in mentions:
        by_source.setdefault(m.source_id, []).append(m)
    wanted = sorted(by_source) if source_ids is None else list(source_ids)
    out = []
    for sid in wanted:
        states = by_source.get(sid, [])
        reviewed = is_reviewed(states)
        entities = tuple((m.start, m.end, labels[m.type]) for m in states
                         if m.status == "confirmed" and m.type in labels)
        outside = tuple((m.start, m.end) for m in states if m.status == "rejected")
        if not entities and not outside and not reviewed:
            continue
        missing = tuple((m.start, m.end) for m in states if m.status == "proposed")
        out.append(TrainText(sid, reading_text(sid), entities, missing, outside, reviewed))
    return out


def data_hash(base: str, settings: TrainSettings, texts: Sequence[TrainText]) -> str:
    """The model's name: a hash of the base pipeline, the settings, the texts and decisions."""
    h = hashlib.sha256(json.dumps([base, settings.as_dict()], sort_keys=True).encode())
    for t in texts:
        h.update(json.dumps([t.key, hashlib.sha256(t.text.encode()).hexdigest(),
                             t.entities, t.missing, t.outside, t.reviewed]).encode())
    return h.hexdigest()[:HASH_CHARS]


def provenance_for(digest: str) -> str:
    return f"model:workspace@{digest}"


def current_model(root: Path, base: str) -> WorkspaceModel | None:
    """The workspace model trained from pipeline ``base``, if there is one (no spaCy needed)."""
    path = root / MODELS_DIR / CURRENT
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = root / MODELS_DIR / str(data.get("hash", ""))
    if data.get("base") != base or not (folder / "meta.json").is_file():
        return None
    return WorkspaceModel(folder, str(data.get("provenance", "")), base)


def kept_models(root: Path, base: str) -> list[KeptModel]:
    """The models kept in the workspace, newest first, then the configured pipeline ``base``
    itself (id 'base'); the one ``propose`` uses is ``in_use`` (no spaCy needed)."""
    models = root / MODELS_DIR
    current = current_model(root, base)
    folders = sorted((p for p in models.iterdir() if (p / "meta.json").is_file()
                      and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True) if models.is_dir() else []
    out = []
    for folder in folders:
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        info = meta.get("annotator", {}) if isinstance(meta, dict) else {}
        if not isinstance(info, dict) or not info.get("provenance"):
            continue  # not a model annotator trained
        report = info.get("report", {}) if isinstance(info.get("report"), dict) else {}
        at = datetime.fromtimestamp(folder.stat().st_mtime, timezone.utc)
        out.append(KeptModel(folder.name, str(info["provenance"]), str(info.get("base", "")),
                             at.strftime("%Y-%m-%dT%H:%M:%SZ"), int(report.get("examples", 0)),
                             report.get("best_f1"),
                             current is not None and current.path.name == folder.name))
    out.append(KeptModel("base", base, "", "", None, None, current is None))
    return out


def use_model(root: Path, base: str, choice: str) -> KeptModel:
    """Make ``choice`` the model ``propose`` uses from now on: a kept model's id (or a prefix
    of it that names one model, or its provenance), or 'base' for the configured pipeline
    ``base``. A model trained from another pipeline than ``base`` is refused (M012): propose
    would not take it."""
    models = kept_models(root, base)
    wanted = choice.strip().removeprefix("model:workspace@")
    if wanted == "base":
        (root / MODELS_DIR / CURRENT).unlink(missing_ok=True)
        return replace(models[-1], in_use=True)
    found = [m for m in models[:-1] if wanted and m.id.startswith(wanted)]
    if len(found) != 1:
        ids = ", ".join(m.id for m in models[:-1])
        raise ModelError(f"no kept model '{choice}'" if not found else
                         f"'{choice}' begins {len(found)} kept models' ids",
                         hint=f"give one of {ids} ('annotator train --list'), or base" if ids
                         else "no model is kept: 'annotator train' makes one; base is the "
                              "configured pipeline", location=Location(root / MODELS_DIR),
                         code="M011")
    model = found[0]
    from annotator.nlp.pipeline import pipeline_provenance

    if model.base != pipeline_provenance(base):
        raise ModelError(f"model {model.id} was trained from {model.base}, not from "
                         f"{pipeline_provenance(base)} ('model' in annotator.toml)",
                         hint="set model to the pipeline it was trained from, or choose "
                              "another with 'annotator train --list'",
                         location=Location(root / MODELS_DIR / model.id), code="M012")
    _make_current(root, model.id, base)
    return replace(model, in_use=True)


def _make_current(root: Path, digest: str, base: str) -> None:
    models = root / MODELS_DIR
    atomic_write(models / CURRENT, json.dumps(
        {"hash": digest, "provenance": provenance_for(digest), "base": base, "at": now()},
        indent=2).encode())
    kept = sorted((p for p in models.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP_MODELS:]:
        if old.name != digest:
            shutil.rmtree(old, ignore_errors=True)


def train(store: Store, reading_text: Callable[[str], str], settings: Settings, root: Path, *,
          train_settings: TrainSettings = TrainSettings(), force: bool = False,
          progress: TrainProgress | None = None) -> TrainReport:
    """Fine-tune the configured pipeline's NER on the workspace's decisions and keep it.
    Ctrl-C stops it (``Interrupted``): while it trains, with no model kept and the one
    ``propose`` used still in use; while it saves, once the model is kept and in use."""
    from annotator.nlp.pipeline import check_labels, load_pipeline, pipeline_provenance
    from annotator.nlp.training import save_model, train_pipeline

    check_labels(settings.labels)
    base_provenance = pipeline_provenance(settings.model)
    labels = training_labels(settings.labels)
    texts = train_texts(current_mentions(store.conn), reading_text, labels=labels)
    digest = data_hash(base_provenance, train_settings, texts)
    folder = root / MODELS_DIR / digest
    provenance = provenance_for(digest)
    if not force and (folder / "meta.json").is_file():
        info = json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("annotator", {})
        _make_current(root, digest, settings.model)
        return TrainReport(**{**info.get("report", {}), "model": provenance, "path": str(folder),
                              "base": base_provenance, "reused": True})
    epochs = [0]  # the epochs done

    def epoch(done: int, of: int, loss: float, f1: float | None) -> None:
        epochs[0] = done
        if progress is not None:
            progress(done, of, loss, f1)

    report: TrainReport | None = None
    try:
        nlp, trained = train_pipeline(load_pipeline(settings.model), texts,
                                      settings=train_settings, progress=epoch)
        with held():  # the model whole in models/ and in use, then Ctrl-C
            models = root / MODELS_DIR
            models.mkdir(exist_ok=True)
            if not (models / ".gitignore").exists():
                atomic_write(models / ".gitignore",
                             b"# trained models: rebuilt by 'annotator train'\n*\n")
            save_model(nlp, folder, provenance=provenance,
                       info={"base": base_provenance, "settings": train_settings.as_dict(),
                             "report": _report_fields(trained)})
            _make_current(root, digest, settings.model)
            report = replace(trained, model=provenance, path=str(folder), base=base_provenance)
    except KeyboardInterrupt:
        if report is not None:
            raise Interrupted(f"{provenance} trained and kept",
                              hint="'annotator propose' uses it from now on",
                              done=report) from None
        before = current_model(root, settings.model)
        raise Interrupted(
            f"training stopped after epoch {epochs[0]} of {train_settings.epochs}, no model "
            f"kept ('annotator propose' uses "
            f"{before.provenance if before else base_provenance} as before)",
            hint="run the same command again to train") from None
    log.info("trained %s on %d examples in %.1f s", provenance, report.examples, report.seconds)
    return report


def models(ctx: ActContext) -> list[KeptModel]:
    """The models ``annotator train`` kept, newest first, and the configured pipeline last
    (id 'base'); ``in_use`` marks the one ``propose`` uses when no ``--model`` is given.

    DOCS: docs/proposals.md#choosing-the-model-propose-uses
    """
    return kept_models(ctx.root, ctx.settings.model)


def choose_model(ctx: ActContext, choice: str) -> KeptModel:
    """Make a kept model (its id, or a prefix naming one) or 'base' (the configured pipeline)
    the one ``propose`` uses from now on, until the next choice or ``train``.

    DOCS: docs/proposals.md#choosing-the-model-propose-uses
    """
    return use_model(ctx.root, ctx.settings.model, choice)


def _report_fields(report: TrainReport) -> dict[str, object]:
    skip = {"model", "path", "base", "reused"}
    return {f: getattr(report, f) for f in report.__dataclass_fields__ if f not in skip}


def train_model(ctx: ActContext, *, epochs: int = 20, seed: int = 0, patience: int = 3,
                dropout: float = 0.2, force: bool = False,
                progress: TrainProgress | None = None) -> TrainReport:
    """Fine-tune the configured pipeline's NER on this workspace's decisions; ``propose``
    uses the model from then on. ``progress(epoch, epochs, loss, held_back_f1)``.

    DOCS: docs/proposals.md#a-model-trained-on-the-edition
    """
    return train(ctx.store, ctx.texts.reading_text, ctx.settings, ctx.root,
                 train_settings=TrainSettings(epochs=epochs, seed=seed, patience=patience,
                                              dropout=dropout),
                 force=force, progress=progress)
