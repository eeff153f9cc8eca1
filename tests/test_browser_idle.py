"""The browser holds no memory it does not use: an idle crawl context, an idle tab and an idle Chromium
close, and what the crawl sees does not change when they open again (real Chromium, the test site);
a browser start cut short leaves nothing running."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import time

import psutil
import pytest

from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.browser.settle import SettleTimings
from quaero_desktop.crawler.browser_sources import BrowserSource, SharedBrowser, TabSettings
from quaero_desktop.crawler.cookie_sync import CookieSync
from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.http.cookie_jar import browser_like_jar
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.engine import Engine
from quaero_desktop.engine.settings import EngineSettings
from tests.conftest import make_definition

pytestmark = pytest.mark.browser

TABS = TabSettings(page_timeout_s=30.0, settle=SettleTimings(), recycle_after=50)


def chromium_processes() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower():
                found.append(child)
        except psutil.Error:
            pass
    return found


async def until(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


def test_an_idle_crawl_context_closes_and_reopens_with_the_cookies_the_site_set(fresh_site):
    site = fresh_site

    async def scenario() -> None:
        service = BrowserService()
        shared = SharedBrowser(service.new_context, TABS, CookieSync(browser_like_jar()), idle_close_s=0.3)
        source = BrowserSource(shared)
        try:
            page = await source.render(site.url("/cookies/set"))  # Set-Cookie: crumb=oat
            assert isinstance(page, FetchedPage) and "A crumb for the jar" in page.html
            browser = await service.browser()
            assert await until(lambda: not shared.opened and not browser.contexts), "the idle context stayed open"
            shown = await source.render(site.url("/cookies/show"))  # a new context, a new tab
            assert isinstance(shown, FetchedPage) and "Cookies received: crumb=oat." in shown.html
            assert shared.opened
        finally:
            await source.close()
            await shared.close()
            await service.close()

    asyncio.run(scenario())


def test_workers_share_one_tab_while_they_take_turns_and_an_idle_one_closes(fresh_site):
    site = fresh_site

    async def scenario() -> None:
        service = BrowserService()
        shared = SharedBrowser(service.new_context, TABS, tab_idle_close_s=1.0)
        workers = [BrowserSource(shared) for _ in range(3)]
        try:
            first = await workers[0].render(site.url("/big/s1/p1"))
            others = [await worker.render(site.url(f"/big/s1/p{n}")) for n, worker in enumerate(workers[1:], 2)]
            context = await shared.context()
            assert len(context.pages) == 1  # one renderer for the three, one page at a time
            both = await asyncio.gather(*(worker.render(site.url("/big/s1/p4")) for worker in workers[:2]))
            assert len(context.pages) == 2  # two at once: two tabs
            assert await until(lambda: not context.pages), "the idle tabs were not closed"
            again = await workers[2].render(site.url("/big/s1/p1"))
            pages = [first, *others, *both, again]
            assert all(isinstance(page, FetchedPage) for page in pages)
            texts = [page.html for page in pages if isinstance(page, FetchedPage)]
            assert "bigtoken-1-2" in texts[1] and "bigtoken-1-3" in texts[2] and texts[3] == texts[4]
            assert texts[5] == texts[0] and "bigtoken-1-1" in texts[0]
        finally:
            for worker in workers:
                await worker.close()
            await shared.close()
            await service.close()

    asyncio.run(scenario())


def test_chromium_stops_once_no_crawl_uses_it_and_starts_again_for_the_next(app, fresh_site):
    site = fresh_site
    engine = Engine(app.database, EngineSettings(browser_idle_close_s=1.0))
    engine.start()
    try:
        urls = [site.url("/big/s1/")]
        for render in ("auto", "browser"):
            definition = make_definition(urls, max_depth=1, include_patterns=["/big/s1/"], render=render)
            job_id = engine.submit(definition).result(60)
            assert engine.wait(job_id).result(120) == JobStatus.COMPLETED
            job = app.jobs.get(job_id)
            assert job.document_count > 5
            stored = app.documents.get_by_url(site.url("/big/s1/p2")).markdown
            assert "bigtoken-1-2" in stored
            gone = asyncio.run(until(lambda: not chromium_processes(), timeout_s=15.0))
            assert gone, f"Chromium still runs after the {render} crawl: {chromium_processes()}"
    finally:
        engine.shutdown(detach=False)


def test_a_crawl_tab_asks_the_server_for_no_image_and_reads_the_same_text_as_one_that_does(fresh_site):
    site = fresh_site

    async def read(block_resources: bool) -> str:
        service = BrowserService(block_resources=block_resources)
        shared = SharedBrowser(service.new_context, TABS)
        source = BrowserSource(shared)
        try:
            page = await source.render(site.url("/docs/guide"))
            assert isinstance(page, FetchedPage)
            return page.html
        finally:
            await source.close()
            await shared.close()
            await service.close()

    site.reset_hits()
    blocked = asyncio.run(read(block_resources=True))
    assert site.hits("/docs/guide") == 1 and site.hits("/files/diagram.png") == 0
    loaded = asyncio.run(read(block_resources=False))
    assert site.hits("/files/diagram.png") == 1  # the page does ask for it: the switches keep it from going out
    assert "marzipan lighthouse" in blocked and blocked == loaded


def browser_processes() -> list[str]:
    """Playwright's driver (node) and Chromium, if any still runs under this process."""
    names = []
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if any(part in child.name().lower() for part in ("chrom", "node")):
                names.append(child.name())
    return names


@pytest.mark.parametrize("after_s", [0.05, 0.3, 1.0])
def test_a_browser_start_cut_short_leaves_nothing_running(monkeypatch, after_s):
    """A crawl stopped while the browser starts cancels that start part-way: the engine's close of the
    browser still stops the driver it started, so no process outlives the engine and nothing is left
    for the garbage collector to close after the loop ("Event loop is closed", issue 21)."""
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda failure: unraisable.append(repr(failure.exc_value)))

    async def scenario() -> None:
        service = BrowserService()
        starting = asyncio.ensure_future(service.browser())
        await asyncio.sleep(after_s)
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        await service.close()

    asyncio.run(scenario())
    gc.collect()
    assert asyncio.run(until(lambda: not browser_processes(), timeout_s=5.0)), browser_processes()
    assert unraisable == []
