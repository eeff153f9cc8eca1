"""The last bound on a rendered page: the memory of the renderer that draws it.

The page bounds (fetched.PageBound, document_size.py) hold what a page is *sent*; a page's scripts
can still build a DOM far past them from a few bytes (``'x'.repeat(60e6)`` appended to the page: a
60-million-character text node, which a renderer lays out into gigabytes long before the page settles
and could be measured from inside it). So while the crawl's browser runs, this watch reads the
resident memory of each renderer of the crawl's Chromium, every ``interval_s``, and kills one that
passes ``limit_bytes``. Its tabs crash; the page whose render saw the crash fails with
``page_too_heavy()`` (load_errors.py, not retried: it would grow as large again), the crawl goes on with a fresh tab.
Only the crawl's browser is watched (the process its launch added, ``new_browser_process``): a login
being captured in another Chromium of this program, or any other program's, is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import dataclass

import psutil

from quaero_desktop.crawler.browser.load_errors import MAX_RENDERER_BYTES

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 0.2


@dataclass(frozen=True)
class RendererKill:
    pid: int
    rss_bytes: int
    at: float  # time.monotonic() when it was killed


def browser_processes() -> set[int]:
    """The Chromium browser processes (no ``--type=``) below this process, by pid."""
    found = set()
    for child in psutil.Process(os.getpid()).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            line = child.cmdline()
            if any(part.startswith("--user-data-dir=") for part in line) and not any(
                part.startswith("--type=") for part in line
            ):
                found.add(child.pid)
    return found


def new_browser_process(before: set[int]) -> psutil.Process | None:
    """The browser process a launch added to ``before`` (``browser_processes()`` just before it)."""
    added = browser_processes() - before
    # A wrapper script that runs the browser without exec (Debian's chromium-headless-shell) is a
    # process with the browser's command line above it: the browser is the one below.
    for pid in list(added):
        with contextlib.suppress(psutil.Error):
            parent = psutil.Process(pid).ppid()
            added.discard(parent)
    if len(added) != 1:  # none found, or another launch at the same moment: not sure which is ours
        return None
    with contextlib.suppress(psutil.Error):
        return psutil.Process(added.pop())
    return None


def renderer_processes(root: psutil.Process) -> list[psutil.Process]:
    """Chromium's renderer processes below ``root`` (their command line says ``--type=renderer``)."""
    found = []
    for child in root.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # gone meanwhile, or not ours to read
            if _is_renderer(child):
                found.append(child)
    return found


def _is_renderer(process: psutil.Process) -> bool:
    return "--type=renderer" in process.cmdline()


def descendant_pids(root_pid: int) -> list[int] | None:
    """The processes below ``root_pid``, from the kernel's own lists (``/proc/PID/task/TID/children``):
    no read of every process on the machine, as psutil's ``children()`` does (4.6 ms with 109 processes,
    five times a second, on the crawl's loop). None where the kernel keeps no such list (not Linux)."""
    found: list[int] = []
    waiting = [root_pid]
    while waiting:
        pid = waiting.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            if pid == root_pid:
                return None
            continue  # ended meanwhile
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listing:
                    children = [int(child) for child in listing.read().split()]
            except FileNotFoundError:
                if pid == root_pid:
                    return None  # a kernel without CONFIG_PROC_CHILDREN
                continue
            except OSError:
                continue
            found.extend(children)
            waiting.extend(children)
    return found


class RendererGuard:
    """Kills any renderer of the watched browser whose memory passes ``limit_bytes`` while it runs."""

    def __init__(self, *, limit_bytes: int = MAX_RENDERER_BYTES, interval_s: float = CHECK_INTERVAL_S) -> None:
        self.limit_bytes = limit_bytes
        self._interval_s = interval_s
        self._root: psutil.Process | None = None
        self._renderers: dict[int, psutil.Process | None] = {}  # by pid: the renderer, or None for another kind
        self._task: asyncio.Task[None] | None = None
        self.kills: list[RendererKill] = []

    def start(self, browser: psutil.Process) -> None:
        """Watch ``browser``'s renderers (a browser started again: the new one's)."""
        self._root = browser
        self._renderers.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch(), name="renderer guard")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def killed_since(self, moment: float) -> bool:
        """Whether a renderer was killed at or after ``moment`` (time.monotonic())."""
        return any(kill.at >= moment for kill in self.kills)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                self.check()
            except psutil.Error:  # this process's own tree unreadable: nothing to guard with
                log.debug("could not read the browser's processes", exc_info=True)

    def check(self) -> list[RendererKill]:
        """One look at the renderers: kill those over the bound (and say so in the log)."""
        killed: list[RendererKill] = []
        if self._root is None:
            return killed
        for renderer in self._current_renderers(self._root):
            try:
                rss = renderer.memory_info().rss
                if rss <= self.limit_bytes:
                    continue
                renderer.kill()
            except psutil.Error:
                continue
            kill = RendererKill(renderer.pid, rss, time.monotonic())
            log.warning(
                "stopped a browser renderer at %s MB, past the bound of %s MB",
                f"{rss // 2**20:,}",
                f"{self.limit_bytes // 2**20:,}",
            )
            killed.append(kill)
        self.kills.extend(killed)
        del self.kills[:-50]  # the latest ones are all anyone asks about
        return killed

    def _current_renderers(self, root: psutil.Process) -> list[psutil.Process]:
        """``renderer_processes(root)``, each process's command line read once (a renderer stays one)."""
        pids = descendant_pids(root.pid)
        if pids is None:
            return renderer_processes(root)
        kinds: dict[int, psutil.Process | None] = {}
        for pid in pids:
            if pid in self._renderers:
                kinds[pid] = self._renderers[pid]
                continue
            with contextlib.suppress(psutil.Error):  # gone meanwhile, or not ours to read
                process = psutil.Process(pid)
                kinds[pid] = process if _is_renderer(process) else None
        self._renderers = kinds  # ended processes forgotten
        return [process for process in kinds.values() if process is not None]
