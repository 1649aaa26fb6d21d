"""Command line: thin wrappers over ``annotator.workspace``; only typer and light modules here."""

from annotator.cli import claims, propose, review, serve, sources  # noqa: F401  (registers commands)
from annotator.cli import dates, export, train  # noqa: F401
from annotator.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
