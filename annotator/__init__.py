"""annotator: annotate sources as TEI, keep a register, link claims to their sources.

The public API is re-exported here, lazily (PEP 562): ``import annotator.dates`` loads neither
the workspace nor lxml, and spaCy loads only to propose.

DOCS: README.md
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.errors import (AnnotatorError, ConfigError, DecisionError, ExportError,
                              ModelError, ServerError, SourceError, StoreError)
from annotator.version import __version__

if TYPE_CHECKING:
    from annotator.workspace import Workspace

__all__ = ["AnnotatorError", "ConfigError", "DecisionError", "ExportError", "ModelError",
           "ServerError", "SourceError", "StoreError", "Workspace", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from annotator.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'annotator' has no attribute {name!r}")
