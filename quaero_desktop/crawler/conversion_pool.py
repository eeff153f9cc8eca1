"""HTML -> Markdown for a crawl, off its event loop: in a small pool of worker processes (``ConversionPool``,
the engine's) or in a thread (``InThreadConversions``, a recorder or source built on its own).

Converting a page (markdown.py: lxml, the content choice, the writer) is most of a fast crawl's CPU. In
a thread it holds the GIL that the crawl's event loop and, in the app, the window's thread need; in a
worker process it holds none of theirs. The HTML goes in and the converted page comes out pickled (a
fraction of a millisecond for a manual's page beside the tens of milliseconds of its conversion).

* **Start**: lazily, with the first page to convert (a command that does not crawl imports not even
  ``multiprocessing``). ``forkserver`` on Linux: a server process started fresh (never a fork of this
  threaded process, which may run Qt, Playwright's driver, SQLite), with the conversion's modules
  imported once; each worker forks from it. ``spawn`` elsewhere. Packaged, ``freeze_support``
  (frozen.py) makes the program's own executable serve as the server.
* **Workers**: as many as the cores this process may use, at most ``MAX_WORKERS``: the crawl's own
  process mostly waits (the Python manual, 200 pages in auto: 7 s of its CPU in a 23-47 s crawl, the
  workers 21 s), so on 2 cores one worker left a core idle (0.88x the in-thread pages/s, two: 1.48x).
  They end once no page was converted for ``IDLE_CLOSE_S`` (a crawl's end), with the engine
  (``close``), and with the app's process however it ends (killed too: each watches it); the next
  conversion starts them again.
* **Memory**: a worker gives its C heap's free memory back after a conversion that left it larger
  (heap_release.py), and while the pool is up this process does too every ``RELEASE_EVERY_S``: else
  each keeps the high-water mark of its largest pages (the Python manual over HTTP, summed: 530 MB).
* **Errors**: an exception in a conversion reaches the page as a ``ConversionError`` naming the
  original's type and first line (the page fails with it; the crawl goes on).
* **Crashes**: a worker that dies (killed, out of memory, a crash in C) breaks the pool; every
  conversion waiting on it is asked once more of a new pool, and a page whose conversion breaks it
  again fails with ``ConversionError``: nothing waits forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future
from dataclasses import replace
from typing import TYPE_CHECKING, Final, Protocol

from quaero_desktop.crawler.heap_release import process_heap

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from quaero_desktop.crawler.converted_page import ContentRules, ConvertedPage

IDLE_CLOSE_S: Final = 20.0
"""Seconds without a conversion after which the workers end (a crawl's end, or a crawl waiting on slow
pages: starting one again is a fork of the server, a few milliseconds)."""
MAX_WORKERS: Final = 4  # beyond that a crawl's own process (fetching, SQLite, the index) is the limit
_ATTEMPTS: Final = 2  # a page whose conversion ends its worker twice is the page's fault
_RECENT: Final = 8  # conversions kept for the same page asked again (auto mode's sample, then its storing)
_RECENT_MAX_CHARS: Final = 2_000_000  # larger pages are not kept (their HTML would be held)
RELEASE_EVERY_S: Final = 1.0  # this process's heap (its threads' parses, the pickles of the pages)
_SERVER_MODULES: Final = ["quaero_desktop.crawler.markdown"]  # imported once, in the forkserver

Work = Callable[[str, str, "ContentRules"], "ConvertedPage"]


class ConversionError(Exception):
    """A page's conversion failed in its worker (the worker's exception, or the worker died)."""


class Conversions(Protocol):
    """Where a crawl converts its pages."""

    async def convert(self, html: str, url: str, rules: ContentRules) -> ConvertedPage:
        """``html_to_markdown(html, url, rules)``, off the event loop."""
        ...


class InThreadConversions:
    """Conversions in a thread of this process (a recorder or source not given the engine's pool)."""

    async def convert(self, html: str, url: str, rules: ContentRules) -> ConvertedPage:
        return await asyncio.to_thread(converted_and_digested, html, url, rules)


def worker_count() -> int:
    """The cores this process may use, at most ``MAX_WORKERS``."""
    if sys.platform.startswith("linux"):
        cores = len(os.sched_getaffinity(0))  # the cores this process may run on (a container's share)
    else:
        cores = os.cpu_count() or 1
    return min(MAX_WORKERS, cores)


def convert_page(html: str, url: str, rules: ContentRules) -> ConvertedPage:
    """In a worker: ``converted_and_digested``; any exception as a ``ConversionError`` (always picklable)."""
    try:
        return converted_and_digested(html, url, rules)
    except Exception as exc:
        raise ConversionError(_described(exc)) from None
    finally:
        process_heap.check()


def converted_and_digested(html: str, url: str, rules: ContentRules) -> ConvertedPage:
    """``html_to_markdown`` with its ``digest``: what the store derives from the Markdown is computed here
    too, off the crawl's process (text_digest.py)."""
    from quaero_desktop.crawler.markdown import html_to_markdown
    from quaero_desktop.crawler.text_digest import text_digest

    page = html_to_markdown(html, url, rules)
    return replace(page, digest=text_digest(page.markdown))


def _described(exc: BaseException) -> str:
    first = (str(exc) or "").strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__


def _end_with_the_crawl() -> None:
    """In a new worker: end as soon as the process it converts for ends, even killed. Nothing else would
    end it: it waits on the pipes of its queue, whose other ends it holds too, and it keeps the
    forkserver alive."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch(sentinel: int) -> None:
        wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, args=(parent.sentinel,), name="end-with-the-crawl", daemon=True).start()


def _start_context() -> BaseContext:
    import multiprocessing

    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        # The server takes this process's sys.path, so it imports the same package; workers fork from it
        # with the conversion's modules loaded (a few ms each, their pages shared until written).
        context.set_forkserver_preload(_SERVER_MODULES)
        return context
    return multiprocessing.get_context("spawn")


class ConversionPool:
    """The worker processes and the conversions asked of them (any thread, any event loop)."""

    def __init__(self, workers: int | None = None, idle_close_s: float = IDLE_CLOSE_S, work: Work = convert_page):
        self._workers = workers or worker_count()
        self._idle_close_s = idle_close_s
        self._work = work  # a module-level function (the workers import it by name)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._busy = 0  # conversions asked and not answered
        self._last_used = time.monotonic()
        self._watch: threading.Thread | None = None
        self._recent: OrderedDict[tuple[str, str, ContentRules], Future[ConvertedPage]] = OrderedDict()

    async def convert(self, html: str, url: str, rules: ContentRules) -> ConvertedPage:
        """``html_to_markdown(html, url, rules)`` in a worker process. The same page asked again while it
        converts or soon after (auto mode's sample, compared, then stored) is converted once."""
        key = (html, url, rules)
        for attempt in range(1, _ATTEMPTS + 1):
            executor, future = self._submit(key)
            try:
                return await _answer(future)
            except BrokenExecutor:
                self._discard(executor, key, future)
                if attempt == _ATTEMPTS:
                    raise ConversionError("the conversion's worker process ended while converting the page") from None
            finally:
                self._end()
        raise AssertionError("unreachable")

    def close(self) -> None:
        """End the workers (the engine stops). A conversion still under way ends with its worker."""
        with self._lock:
            executor, self._executor = self._executor, None
            self._recent.clear()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _submit(self, key: tuple[str, str, ContentRules]) -> tuple[ProcessPoolExecutor, Future[ConvertedPage]]:
        with self._lock:
            self._busy += 1
            if self._executor is None:
                from concurrent.futures import ProcessPoolExecutor

                self._executor = ProcessPoolExecutor(
                    self._workers, mp_context=_start_context(), initializer=_end_with_the_crawl
                )
            if self._watch is None:
                self._watch = threading.Thread(target=self._close_when_idle, name="conversion-pool-idle", daemon=True)
                self._watch.start()
            future = self._recent.get(key)
            if future is None:
                future = self._executor.submit(self._work, *key)
                if len(key[0]) <= _RECENT_MAX_CHARS:
                    self._recent[key] = future
                    while len(self._recent) > _RECENT:
                        self._recent.popitem(last=False)
            return self._executor, future

    def _end(self) -> None:
        with self._lock:
            self._busy -= 1
            self._last_used = time.monotonic()

    def _discard(
        self, broken: ProcessPoolExecutor, key: tuple[str, str, ContentRules], failed: Future[ConvertedPage]
    ) -> None:
        """A broken pool is replaced (by the next conversion asked); the others waiting on it ask again."""
        with self._lock:
            if self._executor is broken:
                self._executor = None
            if self._recent.get(key) is failed:
                del self._recent[key]
        broken.shutdown(wait=False, cancel_futures=True)

    def _close_when_idle(self) -> None:
        while True:
            with self._lock:
                idle_for = time.monotonic() - self._last_used
                executor = self._executor
                if executor is None:  # closed, or broken and not needed since
                    self._watch = None
                    return
                if self._busy == 0 and idle_for >= self._idle_close_s:
                    self._executor = self._watch = None
                    self._recent.clear()
                    break
            process_heap.check()
            time.sleep(
                min(RELEASE_EVERY_S, max(0.1, self._idle_close_s - idle_for if self._busy == 0 else self._idle_close_s))
            )
        executor.shutdown(wait=True, cancel_futures=True)


async def _answer(future: Future[ConvertedPage]) -> ConvertedPage:
    """``future``'s result, awaited on this loop. Cancelling the wait leaves ``future`` alone (another page
    may await it); a loop closed before it ends is not called back."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def wake() -> None:
        if not done.done():  # else the wait was cancelled
            done.set_result(None)

    def settle(_: Future[ConvertedPage]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits
            loop.call_soon_threadsafe(wake)

    future.add_done_callback(settle)
    await done
    return future.result()
