"""Ctrl-C in a long run: the item under way ends whole, then the run stops and says what it did.

A long run (adding files, proposing, exporting, training) works item by item, each whole or
not at all: a source's row and its file, a batch of proposals, a set of export files. SIGINT
that comes while an item is being finished waits (``held``) until it is done and counted; the
run then raises ``annotator.errors.Interrupted`` with what it finished. Only the main thread
receives signals: elsewhere (the review desk's threads) these do nothing, and so they do where
SIGINT is not Python's to handle (ignored, or taken over by an event loop).

DOCS: docs/errors.md
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def finishing() -> Iterator[Callable[[], None]]:
    """A block whose end Ctrl-C does not cut once it has begun: until the block calls what
    this yields, Ctrl-C interrupts as ever; from then to the block's end it waits, and is
    raised (KeyboardInterrupt) when the block has ended, so what the block did after the call
    (a commit, and counting it) is whole. An error of the block with a Ctrl-C waiting becomes
    the KeyboardInterrupt: the run stops, as asked, and does not go on to the next item."""
    caught: list[int] = []
    previous: list[Any] = []  # the handler held over, while held

    def begin() -> None:
        if not previous:
            previous.extend(_take(caught))

    def restore() -> None:
        if previous:
            signal.signal(signal.SIGINT, previous.pop())

    try:
        yield begin
    except BaseException as err:
        restore()
        if caught and not isinstance(err, KeyboardInterrupt):
            raise KeyboardInterrupt from err
        raise
    restore()
    if caught:
        raise KeyboardInterrupt


def _take(caught: list[int]) -> list[Any]:
    """SIGINT noted in ``caught`` from now on: the handler it replaced, in a list, or none
    where it is not ours to take (another thread; held further out, whose block raises at
    its end; ignored, or an event loop's)."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return []
    return [signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))]


@contextmanager
def noted() -> Iterator[Callable[[], bool]]:
    """Ctrl-C noted, not raised, while the block runs: the block asks (what this yields)
    whether one came, and stops where it can. For work in other hands: spaCy's worker
    processes, forked inside the block, keep its handler and leave a Ctrl-C (which a terminal
    sends to them all) to this process, which stops them."""
    caught: list[int] = []
    previous = _take(caught)
    try:
        yield lambda: bool(caught)
    finally:
        if previous:
            signal.signal(signal.SIGINT, previous[0])


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C waits for the end of the block (``finishing`` begun at once): one item, done
    and counted whole, then the KeyboardInterrupt."""
    with finishing() as begin:
        begin()
        yield
