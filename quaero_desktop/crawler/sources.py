"""How a crawl's workers fetch pages: one protocol, three ways (``render`` in a definition).

* ``BrowserSource`` — every page in a browser tab (``browser_sources.py``: ``Tab``/``PageFetcher``).
* ``HttpSource`` — every page over plain HTTP (``HttpFetcher``); never starts a browser.
* ``AutoSource`` — over HTTP, and in the browser only the pages that need it
  (``render_check.py`` has the rule: per kind of page, not per host).

Over HTTP, a ``<meta http-equiv=refresh>`` stub's target is one of its links (``meta_refresh.py``):
the crawl follows it as a browser would.

A source returns a ``FetchedPage``, a ``NonHtmlResponse`` or a ``NotModified`` (a 304 to a
conditional request), or raises ``FetchError``; retries, outcomes and storing are the engine's.
Auto mode's checks still open when a page was read are handed over beside it (``take_host_checks``),
never carried by the page itself (a value, without running tasks).
Politeness is the engine's too: a source awaits ``before`` just before its request goes out (the
request's turn at the host), and loads robots.txt (``fetch_text``) the way it loads pages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urldefrag

from quaero_desktop.crawler.browser_sources import BrowserSource, SharedBrowser, SharedTab
from quaero_desktop.crawler.conversion_pool import Conversions, InThreadConversions
from quaero_desktop.crawler.converted_page import ContentRules
from quaero_desktop.crawler.fetched import (
    FetchedPage,
    FetchError,
    NonHtmlResponse,
    SourceResult,
    TextResponse,
    Turn,
    Validators,
)
from quaero_desktop.crawler.http.fetcher import HttpFetcher, HttpPage
from quaero_desktop.crawler.js_signals import EMPTY_SHELL
from quaero_desktop.crawler.meta_refresh import refresh_target
from quaero_desktop.crawler.render_check import Check, Difference, HostChecks, RenderDecisions, compare

if TYPE_CHECKING:  # Playwright loads with the first page a browser renders
    pass

log = logging.getLogger(__name__)


class PageSource(Protocol):
    """One worker's way of fetching pages."""

    async def fetch(self, url: str, validators: Validators | None = None, before: Turn | None = None) -> SourceResult:
        """The page at ``url``; ``validators`` (from the stored document) make the request conditional."""
        ...

    async def fetch_text(self, url: str, before: Turn | None = None) -> TextResponse:
        """A small text file (robots.txt), asked for as pages are; status None when it could not be loaded."""
        ...

    def take_host_checks(self, url: str) -> HostChecks | None:
        """Auto mode: the checks of its host's first samples still open when this source last read ``url``
        over HTTP (render_check.HostChecks), handed over once. None for any other page, and in other modes."""
        ...

    async def close(self) -> None: ...


# ----- plain HTTP -----


class HttpSource:
    """Every page over HTTP, read from its HTML as the server sent it."""

    def __init__(self, fetcher: HttpFetcher) -> None:
        self._fetcher = fetcher

    async def fetch(self, url: str, validators: Validators | None = None, before: Turn | None = None) -> SourceResult:
        result = await self._fetcher.fetch(url, validators, before)
        if not isinstance(result, HttpPage):
            return result
        page, _ = with_refresh_target(result.page)
        signals = result.signals
        if signals.needs_browser is None:
            return page
        # Stored as read, with a note; an empty app shell counts as rendered empty, as in a browser.
        empty = signals.needs_browser == EMPTY_SHELL
        return dataclasses.replace(page, needs_javascript=signals.needs_browser, rendered_empty=empty)

    async def fetch_text(self, url: str, before: Turn | None = None) -> TextResponse:
        return await self._fetcher.fetch_text(url, before)

    def take_host_checks(self, url: str) -> HostChecks | None:
        return None

    async def close(self) -> None:
        return None


def with_refresh_target(page: FetchedPage) -> tuple[FetchedPage, str | None]:
    """``page`` with the target of its meta refresh among its links (followed like a redirect), and
    that target (None: the page sends the browser nowhere else)."""
    target = refresh_target(page.html, page.final_url)
    if target is None or target in page.links:
        return page, target
    return dataclasses.replace(page, links=[*page.links, target]), target


# ----- auto: HTTP first, the browser where the page needs it -----


class AutoSource:
    """HTTP first; the browser for pages that need scripts, for samples, and for the kinds of page
    (or hosts) that switched."""

    def __init__(
        self,
        fetcher: HttpFetcher,
        browser: SharedBrowser,
        decisions: RenderDecisions,
        *,
        checking_tab: SharedTab,
        scope_links: Callable[[list[str], str], list[str]],
        on_switch: Callable[[str], None],
        known_urls: Callable[[list[str]], Awaitable[set[str]]] | None = None,
        rules: ContentRules,
        conversions: Conversions | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._rules = rules  # the definition's content rules: the two versions are compared as they'd be stored
        self._conversions = conversions or InThreadConversions()  # the engine's pool of processes
        self._browser_source = BrowserSource(browser)
        self._checking_tab = checking_tab
        self._decisions = decisions
        self._scope_links = scope_links
        self._on_switch = on_switch  # told the job log's line when pages switch to the browser
        self._known_urls = known_urls  # which of these URLs the crawl has met already
        self._host_checks: tuple[str, HostChecks] | None = None  # those of the page read last, by its URL

    async def fetch(self, url: str, validators: Validators | None = None, before: Turn | None = None) -> SourceResult:
        self._host_checks = None
        if self._decisions.browser_reason(url) is not None:
            return await self._browser_source.fetch(url, before=before)
        # The browser renders what this request got (``_render``): one request, one turn at the host.
        result = await self._fetcher.fetch(url, validators, before)
        if not isinstance(result, HttpPage):
            return result
        page = result.page
        if page.status is not None and page.status >= 400:  # an error page: the crawl records the status
            return page
        if self._decisions.browser_reason(page.final_url) is not None:
            return await self._render(url, result)
        page, refresh = with_refresh_target(page)
        if refresh is not None:  # a redirect written in HTML: the browser would show another page
            return self._with_open_checks(url, page)
        signals = result.signals  # read from the HTML with the page (html_page.py)
        if signals.needs_browser is not None:
            log.debug("%s needs the browser: %s", url, signals.needs_browser)
            return await self._render(url, result)
        alike = signals.alike_key
        first = self._decisions.in_first_samples(page.final_url, alike)
        if not self._decisions.sample(
            page.final_url, framework=signals.framework, scripted=signals.scripted, alike_key=alike
        ):
            return self._with_open_checks(url, page, alike_key=alike)
        if first:  # checked in the background: the crawl goes on meanwhile (render_check.HostChecks)
            check: Check = asyncio.ensure_future(self._check(url, result, tab=self._checking_tab))
            self._decisions.add_first_check(page.final_url, check, alike)
            return self._with_open_checks(url, page, check, alike)
        # A later sample is checked in this worker's own tab, the page waiting for it.
        return await self._check(url, result, tab=None) or self._with_open_checks(url, page, alike_key=alike)

    def _with_open_checks(
        self, url: str, page: FetchedPage, own: Check | None = None, alike_key: str = ""
    ) -> FetchedPage:
        """``page``, its host's open checks kept for ``take_host_checks(url)``."""
        checks = self._decisions.open_checks(page.final_url, own, alike_key)
        self._host_checks = None if checks is None else (url, checks)
        return page

    def take_host_checks(self, url: str) -> HostChecks | None:
        held, self._host_checks = self._host_checks, None
        return held[1] if held is not None and held[0] == url else None

    async def _check(self, url: str, fetched: HttpPage, *, tab: SharedTab | None) -> FetchedPage | None:
        """A sample in the browser (``tab``: the crawl's checking tab; None: this worker's own): the
        rendered page if it differs from the HTML (pages like it then switch), else None."""
        page = fetched.page
        try:
            rendered = await self._render(url, fetched, tab=tab)
        except FetchError as exc:  # the check failed, not the page: keep what HTTP read
            log.info("could not check %s in the browser (%s); kept as read over HTTP", url, exc)
            return None
        if not isinstance(rendered, FetchedPage):
            return None
        if urldefrag(rendered.final_url)[0] not in (urldefrag(page.final_url)[0], urldefrag(url)[0]):
            # The browser ended elsewhere (a meta refresh, a script's redirect): a redirect, which shows
            # a whole other page, not this page's missing content. The target is a link of its own.
            log.debug("%s sends the browser on to %s: a redirect, not a difference", url, rendered.final_url)
            return None
        difference = await self._difference(page, rendered)
        if difference is not None and difference.missing_links:
            # A link to the page itself (under any of its names, or to one of its anchors), or to a page the
            # crawl has met, adds nothing to find (a self-link, a session's "recently visited" list, a
            # language switcher's current page).
            own = self._scope_links([url, page.final_url, rendered.final_url], page.final_url)
            difference = difference.without_own_links(own, rendered.html)
        if difference is not None and difference.missing_links and self._known_urls is not None:
            difference = difference.without_links(await self._known_urls(list(difference.missing_links)))
        if difference is None:
            return None
        reason = f"{rendered.final_url} shows more in the browser than in its HTML: {difference.describe()}"
        switched = self._decisions.switch_to_browser(page.final_url, reason, fetched.signals.alike_key)
        if switched is not None:
            self._on_switch(switched)
        return rendered

    async def _render(
        self, url: str, fetched: HttpPage, *, tab: SharedTab | None = None
    ) -> FetchedPage | NonHtmlResponse:
        """The page in the browser, from the bytes HTTP got (unless its answer set cookies: then the
        browser asks itself, so its cookie store takes them as a browser's would)."""
        from quaero_desktop.crawler.browser.page_fetcher import ServedDocument

        page = fetched.page
        served = None
        if not fetched.sets_cookies and page.status is not None:
            headers = {
                name: value
                for name, value in fetched.headers.items()
                if name not in ("content-encoding", "content-length", "transfer-encoding", "connection")
            }
            served = ServedDocument(page.status, headers, fetched.body)
        if tab is not None:
            rendered = await tab.render(page.final_url, served)
        else:
            rendered = await self._browser_source.render(page.final_url, served)
        if not isinstance(rendered, FetchedPage):
            return rendered
        return dataclasses.replace(rendered, requested_url=url, status=rendered.status or page.status)

    async def fetch_text(self, url: str, before: Turn | None = None) -> TextResponse:
        return await self._fetcher.fetch_text(url, before)

    async def _difference(self, page: FetchedPage, rendered: FetchedPage) -> Difference | None:
        """The two versions as they would be stored, compared (the engine's pool converts the HTML's once
        for the comparison and the store: conversion_pool.py keeps it a while)."""
        http_text, browser_text = await asyncio.gather(
            self._conversions.convert(page.html, page.final_url, self._rules),
            self._conversions.convert(rendered.html, rendered.final_url, self._rules),
        )
        http_links = self._scope_links(page.links, page.final_url)
        browser_links = self._scope_links(rendered.links, rendered.final_url)
        return compare(http_text.markdown, http_links, browser_text.markdown, browser_links)

    async def close(self) -> None:
        await self._browser_source.close()
