"""Command line: thin wrappers over ``annotator.workspace``; one module per top-level command,
named after it; only typer and light modules here."""

# importing a command's module registers it; the help lists them in the order of the work (_app)
from annotator.cli import (  # noqa: F401
    add,
    adjust,
    apply,
    bib,
    check,
    claim,
    claims,
    confirm,
    conventions,
    date,
    dates,
    entities,
    eval,
    export,
    history,
    init,
    link,
    mention,
    mentions,
    merge,
    note,
    prefer,
    propose,
    register,
    reject,
    relabel,
    review,
    serve,
    source,
    sources,
    split,
    train,
    undo,
    validate,
)
from annotator.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
