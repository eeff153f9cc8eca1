"""Giving a crawl's free heap memory back to the system (glibc's ``malloc_trim``; elsewhere nothing).

Parsing a page builds an lxml tree of many small C allocations (a 2.5 MB page: ~100 MB); freed, they
stay in the C heap as free chunks for reuse and the process keeps them resident. A conversion worker
that once converted a large page, or the crawl's process whose threads each parse pages in their own
malloc arena, holds that high-water mark for the rest of the crawl: on the Python manual over HTTP, the
crawl's process grew to ~250 MB (~55 MB of it Python objects) and each worker to ~140 MB. ``malloc_trim``
returns the free pages inside the heap too (``madvise``), not only its top.

Trimming costs more than the call (~0.5 ms in a worker, 5-10 ms in the crawl's process): the pages given
back fault in again, zeroed, when the next page is parsed. So ``HeapRelease`` trims only once the
process's resident memory grew by more than ``keep_bytes`` since it last trimmed: a page's working set
(a manual's page: under ``KEEP_BYTES``) is reused as it is, a large page's is given back. (glibc's
free-byte count, ``mallinfo2``, does not tell: chunks given back stay counted free.)

``process_heap`` is this process's (a conversion worker's own: forked with the module): the crawl's
process checks it every second while its conversion pool is up (not after each page it parses: a trim
there takes 5-10 ms and holds each malloc arena's lock while it walks it, the event loop's too), a
worker after each conversion.
"""

from __future__ import annotations

import mmap
import sys
import threading
from functools import cache
from typing import Any, Final

KEEP_BYTES: Final = 32 * 2**20


@cache
def _glibc() -> Any | None:
    """glibc's ``malloc_trim`` (ctypes), or None where the C library is another (musl has none; macOS,
    Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def resident_bytes() -> int | None:
    """This process's resident memory (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * mmap.PAGESIZE


class HeapRelease:
    """Trims this process's C heap when its resident memory grew by more than ``keep_bytes`` since the
    last trim (any thread: the GIL is released during the trim)."""

    def __init__(self, keep_bytes: int) -> None:
        self._keep_bytes = keep_bytes
        self._lock = threading.Lock()
        self._after_trim: int | None = None  # resident bytes after the last trim (or when first asked)

    def check(self) -> bool:
        """Trim if the heap grew past what it keeps; True if it trimmed."""
        trim = _glibc()
        if trim is None:
            return False
        with self._lock:
            resident = resident_bytes()
            if resident is None:
                return False
            if self._after_trim is not None and resident <= self._after_trim + self._keep_bytes:
                self._after_trim = min(self._after_trim, resident)
                return False
            trim(0)
            self._after_trim = resident_bytes()
            return True


process_heap: Final = HeapRelease(KEEP_BYTES)
