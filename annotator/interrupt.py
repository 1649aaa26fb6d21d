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
        if previous or threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return  # held further out (that block raises at its end), or not Python's to take
        previous.append(signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum)))

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


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C waits for the end of the block (``finishing`` begun at once): one item, done
    and counted whole, then the KeyboardInterrupt."""
    with finishing() as begin:
        begin()
        yield
