"""Command line: thin wrappers over ``annotator.workspace``; one module per top-level command,
named after it; only typer and light modules here.

A command's module is imported when the command runs (``_app.Annotator``): ``annotator
entities`` loads the entities command, not the other thirty; the help loads them all, in the
order of the work (``_app.WORKFLOW``).
"""

from annotator.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
