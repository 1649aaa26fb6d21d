"""Errors an editor can act on.

Our exception hierarchy:

* AnnotatorError  - anything the user can fix; the CLI prints it on one line, exit status 2
  + SourceError   - a source file is missing, unreadable, not well-formed or not TEI
  + StoreError    - the workspace or its store cannot be used (not found, busy, too new)
  + ModelError    - a spaCy pipeline cannot be loaded
  + ExportError   - an export cannot be written
  + ConfigError   - annotator.toml or an option is wrong
  + DecisionError - an editor act refers to something that does not exist or changed
  + ServerError   - the review desk cannot listen where asked, or a page was out of date

Every error carries a stable code (tests assert the code, not the wording) and, where known, a
Location so the message starts with ``file:line:col:``.

DOCS: docs/errors.md
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, and a line and column (1-based) when known."""

    path: str | Path
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


class AnnotatorError(Exception):
    """Root of every error a user can fix. ``str(err)`` is the one line the CLI prints."""

    code = "A000"

    def __init__(self, message: str, *, hint: str = "", location: Location | None = None,
                 code: str | None = None) -> None:
        self.message = message
        self.hint = hint
        self.location = location
        if code is not None:
            self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text}; {self.hint}"
        if self.location is not None:
            text = f"{self.location}: {text}"
        return f"{text} [{self.code}]"


class SourceError(AnnotatorError):
    code = "S000"


class StoreError(AnnotatorError):
    code = "W000"


class ModelError(AnnotatorError):
    code = "M000"


class ExportError(AnnotatorError):
    code = "E000"


class ConfigError(AnnotatorError):
    code = "C000"


class DecisionError(AnnotatorError):
    code = "D000"


class ServerError(AnnotatorError):
    code = "W100"
