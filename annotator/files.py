"""Reading the files an editor names, and writing files so that a crash or a full disk never
leaves half a file behind."""

from __future__ import annotations

import errno
import functools
import os
import re
import threading
import time
from collections.abc import Callable
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
_SWEPT: dict[Path, float] = {}  # folder -> when it was last swept (time.monotonic)
SWEEP_EVERY = 60.0  # seconds: a server running for days still clears a killed run's files
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC  # a temporary file, as open(..., 'wb')


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
    process is gone): before the first write there, and again a minute later at the soonest."""
    _SWEPT[folder] = time.monotonic()
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


def swept(folder: Path) -> None:
    """``sweep_stale_tmp(folder)`` before a file there is written, or found unchanged (a run
    that writes nothing clears a killed run's files too): once per folder and minute (adding
    2,000 sources lists ``sources/`` once, not 2,000 times)."""
    last = _SWEPT.get(folder)
    if last is None or time.monotonic() - last >= SWEEP_EVERY:
        sweep_stale_tmp(folder)


def _tmp_beside(p: Path, *, sweep: bool = True) -> str:
    """The temporary file ``p`` is written to, beside it: a string, as the system calls take
    it (a Path made per file is parsed, hashed and turned back into a string by each call)."""
    if sweep:
        swept(p.parent)
    folder, name = os.path.split(p)
    # the thread too: two threads of one process (a server, a test) may write the same file
    return os.path.join(folder, f".{name}.{os.getpid()}.t{threading.get_ident():x}.tmp")


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class StagedFiles:
    """Files written beside their targets now and moved over them together (``commit``):
    a sync per file waits for the disk every time, syncing many at once lets it take them
    together (a fifth of the time for a hundred exports). Readers see old files or new ones."""

    SYNCS = 8  # files synced at once

    def __init__(self) -> None:
        self.staged: list[tuple[str, Path]] = []  # (temporary file, target)

    def stage(self, path: Path, data: bytes, *, sweep: bool = True) -> None:
        """Write ``data`` beside ``path``; an OSError leaves nothing behind. ``sweep``: False
        when the caller swept its folder already (``swept``: an export, once per folder)."""
        tmp = _tmp_beside(path, sweep=sweep)
        # listed before it is made: a Ctrl-C at any point leaves it for ``discard`` to remove
        self.staged.append((tmp, path))
        try:
            fd = os.open(tmp, _CREATE, 0o666)  # fails before anything is made (a folder there)
            try:
                view = memoryview(data)
                while view:  # a write may take part (a limit reached): the next one says why
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except BaseException:
            _unlink(tmp)
            self.staged.pop()
            raise

    def commit(self) -> list[Path]:
        """Sync every staged file, then move each over its target, in the order staged; the
        targets moved. One that cannot be synced or moved stops there (``CommitError``): the
        ones before it are in place, it and the later ones are removed."""
        failed = _synced([tmp for tmp, _ in self.staged], self.SYNCS)
        moved: list[Path] = []
        for k, ((tmp, path), err) in enumerate(zip(self.staged, failed)):
            if err is None:
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    err = exc
            if err is not None:
                self.staged = self.staged[k:]
                self.discard()
                raise CommitError(path, err, moved)
            moved.append(path)
        self.staged = []
        return moved

    def discard(self) -> None:
        """Remove every staged file not moved yet: nothing (more) is moved. Also after a
        commit stopped on the way (Ctrl-C while it synced)."""
        for tmp, _ in self.staged:
            _unlink(tmp)
        self.staged = []



class CommitError(Exception):
    """A staged file that could not be synced or moved (``cause``), and the targets moved
    before it."""

    def __init__(self, path: Path, cause: OSError, moved: list[Path]) -> None:
        super().__init__(str(cause))
        self.path, self.cause, self.moved = path, cause, moved


def _synced(paths: list[str], at_once: int) -> list[OSError | None]:
    """Sync each file (its error, or None). Many files on one disk are synced by one
    ``syncfs`` of it (``_synced_whole``: a fifth of the time of a sync per file, which waits
    for the disk's journal once per file); else, or when it fails, up to ``at_once`` files
    together: plain threads taking the next file in turn (a pool's queue and futures cost more
    than the syncs they wait for), so an error is said of its file. A file no thread reports
    on (a thread ended by a bug) counts as not synced."""
    if len(paths) >= at_once and _synced_whole(paths):
        return [None] * len(paths)
    errors: list[OSError | None] = [OSError(errno.EIO, "not synced")] * len(paths)
    turns = iter(range(len(paths)))  # shared: each next() is one step under the GIL

    def work() -> None:
        for k in turns:
            errors[k] = _sync(paths[k])

    threads = [threading.Thread(target=work, daemon=True)
               for _ in range(min(at_once, len(paths)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` where it says whether the data reached the disk (Linux 5.8 on:
    earlier kernels return 0 after a write error, which a sync per file would report)."""
    try:
        release = tuple(int(n) for n in re.findall(r"\d+", os.uname().release)[:2])
        if release < (5, 8):
            return None
        import ctypes  # only an export of many files pays for it
        call: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError, ValueError):  # not Linux, no glibc
        return None
    return call


def _synced_whole(paths: list[str]) -> bool:
    """Whether one ``syncfs`` of each file system the files are on synced them all (False:
    none to call, or one failed; the files are then synced one by one)."""
    call = _syncfs()
    if call is None:
        return False
    folders: dict[int, str] = {}  # st_dev -> a folder of the files on it
    try:
        for folder in {os.path.dirname(p) or "." for p in paths}:
            folders.setdefault(os.stat(folder).st_dev, folder)
        for folder in folders.values():
            fd = os.open(folder, os.O_RDONLY)
            try:
                if call(fd) != 0:
                    return False
            finally:
                os.close(fd)
    except OSError:
        return False
    return True


def _sync(tmp: str) -> OSError | None:
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return exc
    return None


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write beside the target, fsync, then replace it: readers see the old file or the new
    (one file staged and committed)."""
    staged = StagedFiles()
    staged.stage(Path(path), data)
    try:
        staged.commit()
    except CommitError as err:
        raise err.cause from None
    finally:
        staged.discard()


def relative(path: Path, root: Path) -> str | None:
    """``path`` as the workspace names it (POSIX, relative to ``root``), or None when outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def reached(path: Path) -> str:
    """``path`` as the editor reaches it: relative to the current folder when inside it, else
    absolute, so a message of a command run with ``-w`` elsewhere names a file that opens."""
    try:
        here = relative(path, Path.cwd())
    except OSError:  # the current folder was removed
        here = None
    return here or str(path.resolve())
