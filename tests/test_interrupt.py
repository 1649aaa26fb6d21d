"""Ctrl-C inside an item: the item ends whole, then the KeyboardInterrupt (annotator.interrupt).

Real signals, sent to this process (``os.kill``): Python's handler runs them between two
bytecodes of the main thread, as it runs a Ctrl-C from the terminal.
"""

from __future__ import annotations

import os
import signal
import threading

import pytest

from annotator.interrupt import finishing, held, noted


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):  # the handler runs at the next check of the main thread
        pass


def test_interrupt_held_finishes_the_block_then_stops():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with held():
            _ctrl_c()
            done.append("after the Ctrl-C")
    assert done == ["after the Ctrl-C"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_interrupt_finishing_stops_at_once_before_it_begins():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with finishing() as begin:
            _ctrl_c()
            done.append("not reached")
            begin()
    assert done == []
    with pytest.raises(KeyboardInterrupt):
        with finishing() as begin:
            begin()
            _ctrl_c()
            done.append("the commit and its count")
    assert done == ["the commit and its count"]


def test_interrupt_without_ctrl_c_changes_nothing():
    with held():
        pass
    with finishing() as begin:
        begin()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_interrupt_an_error_with_a_ctrl_c_waiting_stops_the_run():
    """A failed item (a bad file, which ``add`` reports and goes on after) with a Ctrl-C
    waiting: the run stops, as asked, the error its cause."""
    with pytest.raises(KeyboardInterrupt) as stop:
        with held():
            _ctrl_c()
            raise ValueError("a bad file")
    assert isinstance(stop.value.__cause__, ValueError)
    with pytest.raises(ValueError):  # without a Ctrl-C the error is the error
        with held():
            raise ValueError("a bad file")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_interrupt_nested_blocks_stop_at_the_outer_end():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with held():
            with held():
                _ctrl_c()
            done.append("the outer block's rest")
    assert done == ["the outer block's rest"]


def test_interrupt_off_the_main_thread_does_nothing():
    """Signals go to the main thread: the review desk's threads hold nothing."""
    seen = []

    def work() -> None:
        with held():
            seen.append(signal.getsignal(signal.SIGINT) is signal.default_int_handler)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen == [True]


def test_interrupt_noted_is_asked_for_not_raised():
    """Work in other hands (spaCy's worker processes) asks between two docs whether a Ctrl-C
    came, and stops there itself."""
    with noted() as came:
        assert not came()
        _ctrl_c()
        assert came()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with held():  # within a held block the Ctrl-C is the block's to raise at its end
        with noted() as came:
            assert not came()
