"""Reading the files an editor names, and writing files so that a crash or a full disk never
leaves half a file behind."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.errors import Location, SourceError


def read_named(path: Path, *, code: str) -> bytes:
    """The bytes of a file an editor named (a .bib, a register); a missing or unreadable file
    is a ``SourceError`` with the caller's ``code``."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError("file not found", hint="check the path", location=Location(path),
                          code=code) from None
    except OSError as exc:
        raise SourceError(f"cannot read file ({exc.strerror})", hint="check the file",
                          location=Location(path), code=code) from None


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write beside the target, fsync, then replace it: readers see the old file or the new."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def relative(path: Path, root: Path) -> str | None:
    """``path`` as the workspace names it (POSIX, relative to ``root``), or None when outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
