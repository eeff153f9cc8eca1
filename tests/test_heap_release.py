"""A crawl's processes give their C heap's free memory back (crawler/heap_release.py): once it grew by more
than they keep, and not after every page (the pages given back fault in again)."""

from __future__ import annotations

import sys

import pytest

from quaero_desktop.crawler.heap_release import HeapRelease, resident_bytes

glibc_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
MB = 2**20


@glibc_only
def test_a_heap_grown_past_what_it_keeps_is_given_back() -> None:
    heap = HeapRelease(keep_bytes=16 * MB)
    heap.check()  # the first check sets where the heap stands
    chunks = [bytearray(1000) for _ in range(96 * 1024)]  # ~96 MB of small C allocations, as a parse's tree
    pinned = bytearray(1000)  # above them: their free chunks are not the heap's top, which free() trims itself
    grown = resident_bytes()
    del chunks
    assert heap.check()
    after = resident_bytes()
    assert grown is not None and after is not None
    assert after < grown - 64 * MB
    assert pinned


@glibc_only
def test_a_heap_that_grew_less_than_it_keeps_is_left_as_it_is() -> None:
    heap = HeapRelease(keep_bytes=64 * MB)
    heap.check()
    chunks = [bytearray(1000) for _ in range(8 * 1024)]  # ~8 MB: a page's tree, reused by the next page
    del chunks
    assert not heap.check()


def test_without_glibc_nothing_is_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    from quaero_desktop.crawler import heap_release

    monkeypatch.setattr(heap_release, "_glibc", lambda: None)
    assert not HeapRelease(keep_bytes=0).check()
