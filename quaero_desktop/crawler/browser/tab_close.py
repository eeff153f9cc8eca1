"""Closing a crawl's browser tab so that the close cannot be lost.

Chromium acknowledges a ``Target.closeTarget`` that arrives while the tab commits a navigation, and
drops it (crbug.com/536385539): the tab lives on, and Playwright's ``page.close()``, which returns
once the tab is gone, never returns. A crawl closes tabs at just such moments: a stopped crawl's tab
whose page is still arriving (the browser goes on loading it when the ``goto`` waiting for it is
cancelled), a tab replaced after a page that navigates by itself (a refresh, a script's redirect).
Measured (real Chromium, the test site): of tabs closed as their page's response reached the
renderer, more than half were never closed by ``page.close()`` (tests/test_tab_close.py); of tabs
closed while their page kept loading itself again, 35 of 80.

So the tab is closed through its own DevTools session, and the close asked again every
``CLOSE_AGAIN_S`` until the tab is gone (asking a closing tab again changes nothing): each of those
tabs closed at a later ask, most at the second. A tab still open after ``CLOSE_ASKS`` asks is
left to its context's close, which ends all of its tabs at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

log = logging.getLogger(__name__)

CLOSE_AGAIN_S = 0.5  # a tab closes in 0.05-0.3 s on a busy machine; asking again sooner is harmless
CLOSE_ASKS = 16  # 8 s in all: within a stopping crawl's bound on one close (engine/run/fetching.py)


async def close_tab(page: Page, session: CDPSession) -> bool:
    """Close ``page`` (``session``: its DevTools session); True once it is gone, False when it was
    still open after every ask (its context's close ends it)."""
    if page.is_closed():
        return True
    gone = asyncio.Event()
    page.once("close", lambda _: gone.set())
    target = await _target_id(session)
    for ask in range(1, CLOSE_ASKS + 1):
        try:
            async with asyncio.timeout(CLOSE_AGAIN_S):
                await _ask_to_close(page, session, target)
                await gone.wait()
        except TimeoutError:
            if not page.is_closed():
                continue
        if ask > 1:
            log.debug("a browser tab closed at ask %d (the earlier ones were dropped, or slow)", ask)
        return True
    log.warning("a browser tab did not close after %d asks; its context's close ends it", CLOSE_ASKS)
    return False


async def _target_id(session: CDPSession) -> str | None:
    try:
        info = await session.send("Target.getTargetInfo")
    except PlaywrightError:  # the session is gone (the tab crashed): Playwright's own close will do
        return None
    return str(info["targetInfo"]["targetId"])


async def _ask_to_close(page: Page, session: CDPSession, target: str | None) -> None:
    if target is not None:
        try:
            await session.send("Target.closeTarget", {"targetId": target})
            return
        except PlaywrightError:  # the session went (a crash, or the tab is going): Playwright's own close
            pass
    with contextlib.suppress(PlaywrightError):  # closed meanwhile
        await page.close()
