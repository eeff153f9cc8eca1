"""The desktop program's hold on the garbage collector (gui/garbage_collector.py): a pause turns automatic
collection off for its block only, shared by nested and concurrent pauses, and never turns on a collector
that someone else turned off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from quaero_desktop.gui.garbage_collector import collector_paused


@pytest.fixture(autouse=True)
def collector_enabled_after() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()


def test_a_pause_disables_collection_for_its_block_only() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_after_an_error_in_the_block() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("read failed")
    assert gc.isenabled()


def test_nested_pauses_share_one() -> None:
    gc.enable()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_pauses_on_two_threads_overlap_and_end_with_the_last() -> None:
    gc.enable()
    first_in, second_out = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_out.wait(5)
            seen.append(gc.isenabled())  # the second pause ended, this one has not

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collector_paused():
        pass
    second_out.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()
