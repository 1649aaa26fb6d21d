"""What an act or an export works with: the store, the sources' texts, who acts, the settings.

The workspace makes one ``ActContext`` per call and hands it down; nothing below the workspace
takes a ``Workspace``, so the acts and exports import nothing above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.acts.texts import Texts
from annotator.config import EXPORTS_DIR, Settings
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.acts.review import Review


@dataclass(frozen=True, slots=True)
class ActContext:
    """One workspace's store, texts, editor and settings; ``root`` is its folder."""

    store: Store
    texts: Texts
    editor: str
    settings: Settings
    root: Path

    @property
    def exports_dir(self) -> Path:
        return self.root / EXPORTS_DIR

    def review(self) -> Review:
        """The decision engine acting as this editor (imported here: listings never decide)."""
        from annotator.acts.review import Review

        return Review(self.store, self.editor, self.texts.reading_text)
