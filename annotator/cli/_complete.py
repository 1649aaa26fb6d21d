"""Shell completion of what only the workspace knows: its source ids.

``annotator --install-completion`` installs the script; a shell asking for completions runs
annotator with the words typed so far, and the source arguments and options answer with the ids
of the workspace they name (``-w``, ``$ANNOTATOR_WORKSPACE`` or the current folder). A
completion never fails aloud: no workspace, or one that cannot be read, completes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.errors import AnnotatorError


def source_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids of the workspace's sources that start with what is typed."""
    from annotator.workspace import Workspace

    given = ctx.find_root().params.get("workspace")
    try:
        with Workspace.find(Path(given) if given else None) as ws:
            return [s.id for s in ws.sources() if s.id.startswith(incomplete)]
    except (AnnotatorError, OSError):
        return []


# The source parameters of the commands, completed with the workspace's ids.
SourceArg = Annotated[str, typer.Argument(help="Source id.", autocompletion=source_ids)]
SourcesArg = Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).",
                                                        autocompletion=source_ids)]
