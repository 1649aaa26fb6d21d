"""Python's cycle collector kept from work that finds nothing: paused while a long act makes
many short-lived objects, or kept off the objects alive before it (the model's).

An export makes hundreds of thousands of tuples, lists, strings and arrays, nearly all freed by
reference counting as soon as a file is written. Counting them, the cycle collector runs again
and again, each time walking every live object (the store's rows, the maps of the files in
hand), and finds almost nothing: 5 ms of an 80 ms export of 49 files. While ``paused`` it does
not run; cycles made meanwhile are collected at its next run, as ever. (Mercurial's
``util.nogc`` does the same for the same reason.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The block runs with the cycle collector off, unless the caller had turned it off."""
    if not gc.isenabled():  # nested, or the caller's choice: left as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """The objects alive when the block begins (the model's, the workspace's) are left out of
    the cycle collector's passes until it ends (``gc.freeze``): a propose run makes objects by
    the hundred thousand, and each full pass they set off walked the model's as well (about
    0.05 s CPU a run of 49 letters, a tenth of its own work). Collection goes on for the
    block's own objects. A caller's own freeze is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
