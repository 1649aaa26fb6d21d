"""The store layer: the only code that speaks SQL.

DOCS: docs/store.md
"""

from annotator.store.connection import KEYS, SCHEMA_VERSION, Act, Store, now

__all__ = ["KEYS", "SCHEMA_VERSION", "Act", "Store", "now"]
