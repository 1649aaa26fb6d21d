"""Writing export files: atomic, unchanged files left alone, failures said in one line.

A file is written beside its target and moved over it (``annotator.files.atomic_write``), so a
full disk or an unwritable folder leaves the earlier export as it was; the ``ExportError``
says so (E001: cannot write there, E002: disk full), with the files already written in this
run. A file whose bytes would not change is not touched (its action is 'unchanged').

DOCS: docs/export.md#files
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from annotator.errors import ExportError, Location
from annotator.files import CommitError, StagedFiles, atomic_write, relative, swept
from annotator.records import Written


def write_file(path: Path, data: bytes, *, written: Sequence[str] = ()) -> str:
    """Write one export file; returns 'written' or 'unchanged'."""
    if same_bytes(path, data):
        return "unchanged"
    try:
        _make_parent(path)
        atomic_write(path, data)
    except OSError as exc:
        raise _failed(exc, path, written) from None
    return "written"


class ExportFiles:
    """The files of one export run, written beside their targets and moved over them at
    ``finish`` (``annotator.files.StagedFiles``: synced together, not one by one). When one
    cannot be written, the ones before it are put in place and the ExportError names them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staged = StagedFiles()
        self.written: list[str] = []  # as shown, in the order written
        # by its folder's name (a str: a Path made per file hashes its parts each time)
        self._folders: dict[str, str] = {}  # folder -> as shown: resolved once, not per file
        self._swept: set[str] = set()  # folders swept (``swept``): once, not per file
        self._made: set[str] = set()  # folders made or found: checked once, not per file

    def put(self, path: Path, data: bytes) -> tuple[str, str]:
        """Stage one export file: 'written' or 'unchanged', and the path as the report shows
        it (``shown(root, path)``: its folder resolved once per export, not per file)."""
        folder = os.path.dirname(path)
        if folder not in self._swept:  # before the first file there, written or not
            swept(path.parent)
            self._swept.add(folder)
        if _holds(path, data):
            return "unchanged", self._shown(folder, path)
        try:
            if folder not in self._made:
                _make_parent(path)
                self._made.add(folder)
            self.staged.stage(path, data, sweep=False)
        except OSError as exc:
            self.finish()
            raise _failed(exc, path, self.written) from None
        as_shown = self._shown(folder, path)
        self.written.append(as_shown)
        return "written", as_shown

    def _shown(self, key: str, path: Path) -> str:
        """``shown(root, path)`` of a file written here, in folder ``key``."""
        folder = self._folders.get(key)
        if folder is None:
            folder = self._folders[key] = shown(self.root, path.parent)
        return path.name if folder == "." else f"{folder}/{path.name}"

    def finish(self) -> None:
        """Sync and move every staged file over its target."""
        try:
            self.staged.commit()
        except CommitError as err:
            raise _failed(err.cause, err.path,
                          [self._shown(os.path.dirname(p), p) for p in err.moved]) from None

    def __enter__(self) -> ExportFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.staged.discard()  # an export that failed on the way moves nothing


def _make_parent(path: Path) -> None:
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)


def _failed(exc: OSError, path: Path, written: Sequence[str]) -> ExportError:
    """The ExportError of a file that could not be written, naming those that were."""
    before = f" (already written: {', '.join(written)})" if written else ""
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    what = "the disk is full" if full else (exc.strerror or str(exc))
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # mkdir says 'File exists', open 'Not a directory'
        what = f"{blocker} is a file, not a folder"
    elif exc.errno == errno.ENOENT and not path.parent.exists():  # removed while exporting
        what = f"its folder {path.parent} is gone"
    kept = "the earlier export is unchanged" if path.exists() else "nothing was written"
    return ExportError(f"cannot write the export ({what}); {kept}{before}",
                       hint="free some disk space and export again" if full else
                       "make the folder and the file writable (or, for one format, write "
                       "elsewhere with -o) and export again",
                       location=Location(path), code="E002" if full else "E001")


def target(out: str | Path | None, exports_dir: Path, name: str) -> Path:
    """Where a one-file export goes: ``out``, but into a folder (one that exists, or a path
    written with a separator at its end, ``exports/print/``, made if missing) under its
    default ``name``, as ``cp`` does; without ``out``, ``exports_dir/name``."""
    if out is None or str(out) == "":
        return exports_dir / name
    path = Path(out)
    folder = str(out).endswith(("/", os.sep)) or path.is_dir()
    return path / name if folder else path


def write_export(root: Path, path: Path, data: bytes, *, format: str, items: int,
                 notes: tuple[str, ...] = ()) -> Written:
    """Write a one-file export (.bib, CSL-JSON, a claims table) and say what was written."""
    action = write_file(path, data)
    return Written(path=shown(root, path), format=format, items=items, action=action,
                   notes=notes)


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a file holding ``data``: one stat says no for a missing file or
    another size, the file is read only when the size is the same. A killed run's temporary
    files beside it are removed first, even when nothing is written there."""
    swept(path.parent)
    return _holds(path, data)


def _holds(path: Path, data: bytes) -> bool:
    """``same_bytes`` without the sweep (an export sweeps each folder once)."""
    try:
        st = os.stat(path)
        return (stat.S_ISREG(st.st_mode) and st.st_size == len(data)
                and path.read_bytes() == data)
    except OSError:
        return False


def shown(root: Path, path: Path) -> str:
    """A path as the editor reads it: relative to the workspace (``root``) when inside it."""
    return relative(path, root) or str(path)
