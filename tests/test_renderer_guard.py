"""The renderer bound (crawler/browser/renderer_guard.py): a page whose scripts build far more than it
was sent is stopped when its renderer passes the bound; ordinary pages are left alone."""

from __future__ import annotations

import asyncio

import psutil
import pytest

from quaero_desktop.crawler.browser.load_errors import page_too_heavy
from quaero_desktop.crawler.browser.renderer_guard import (
    RendererGuard,
    browser_processes,
    new_browser_process,
    renderer_processes,
)
from quaero_desktop.crawler.browser.service import BrowserService

pytestmark = pytest.mark.browser
LIMIT = 200 * 2**20
# A 60-million-character text node: a few bytes sent, gigabytes once laid out (the test site's /huge/built).
BUILD = "document.body.append('x'.repeat(60_000_000));"


def test_a_renderer_past_the_bound_is_stopped_and_an_ordinary_one_is_not():
    async def scenario() -> None:
        service = BrowserService()
        guard = RendererGuard(limit_bytes=LIMIT, interval_s=0.1)
        other = BrowserService()  # another Chromium of this program (a login being captured, say)
        try:
            await other.new_context()
            before = browser_processes()
            context = await service.new_context()
            crawl_browser = new_browser_process(before)
            assert crawl_browser is not None
            others_renderers = await other.new_context()
            heavy_elsewhere = await others_renderers.new_page()
            await heavy_elsewhere.set_content("<h1>Not ours</h1>")
            await heavy_elsewhere.evaluate("document.body.append('y'.repeat(6_000_000))")  # past LIMIT too
            ordinary, heavy = await context.new_page(), await context.new_page()
            await ordinary.set_content("<h1>Fine</h1><p>An ordinary page.</p>")
            crashed = asyncio.get_running_loop().create_future()
            heavy.on("crash", lambda _page: crashed.done() or crashed.set_result(True))
            guard.start(crawl_browser)
            await heavy.set_content("<h1>Built</h1>")
            await heavy.evaluate(f"setTimeout(() => {{ {BUILD} }}, 0)")
            await asyncio.wait_for(crashed, timeout=120)
            assert guard.kills and all(kill.rss_bytes > LIMIT for kill in guard.kills)
            assert await ordinary.text_content("h1") == "Fine"  # its own renderer, untouched
            assert all(p.memory_info().rss <= LIMIT for p in renderer_processes(crawl_browser))
            # The other browser's renderer is past the bound as well, and never looked at.
            assert await heavy_elsewhere.text_content("h1") == "Not ours"
            assert max(p.memory_info().rss for p in renderer_processes(psutil.Process())) > LIMIT
            await context.close()
        finally:
            await guard.stop()
            await service.close()
            await other.close()

    asyncio.run(scenario())


def test_the_message_names_the_bound():
    error = page_too_heavy(LIMIT)
    assert not error.retryable and str(error).startswith("the page grew past 200 MB in the browser")
