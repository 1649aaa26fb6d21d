"""Reading the files an editor names, and writing files so that a crash or a full disk never
leaves half a file behind."""

from __future__ import annotations

import os
import re
import threading
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


_TMP = re.compile(r"\..+?\.(\d+)(?:\.t[0-9a-f]+)?\.tmp")  # .NAME.PID[.tTHREAD].tmp
_SWEPT: set[Path] = set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or no pid we can ask about: leave its file
    return True


def sweep_stale_tmp(folder: Path) -> None:
    """Remove the ``.NAME.PID.tmp`` files that a killed run of ours left in ``folder`` (its
    process is gone): once per folder and process, before the first write there."""
    _SWEPT.add(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _TMP.fullmatch(name)
        if m is not None and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            try:
                (folder / name).unlink()
            except OSError:
                pass


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write beside the target, fsync, then replace it: readers see the old file or the new."""
    p = Path(path)
    if p.parent not in _SWEPT:
        sweep_stale_tmp(p.parent)
    # the thread too: two threads of one process (a server, a test) may write the same file
    tmp = p.with_name(f".{p.name}.{os.getpid()}.t{threading.get_ident():x}.tmp")
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
