"""annotator: annotate sources as TEI, keep a register, link claims to their sources.

The public API is re-exported here; nothing heavy is imported (spaCy loads only to propose).

DOCS: README.md
"""

from annotator.errors import (AnnotatorError, ConfigError, DecisionError, ExportError,
                              ModelError, ServerError, SourceError, StoreError)
from annotator.workspace import Workspace

__version__ = "0.1.0"

__all__ = ["AnnotatorError", "ConfigError", "DecisionError", "ExportError", "ModelError",
           "ServerError", "SourceError", "StoreError", "Workspace", "__version__"]
