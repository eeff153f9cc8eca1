"""Fetch one page in a real browser tab and read what a crawl needs from it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from playwright.async_api import BrowserContext, Page, Response
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

HTML_TYPES = ("text/html", "application/xhtml+xml")

# Network errors worth another attempt; others (refused, DNS, bad certificate) are final.
_RETRYABLE_NET_ERRORS = (
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_EMPTY_RESPONSE",
    "ERR_NETWORK_CHANGED",
    "ERR_TIMED_OUT",
    "ERR_CONNECTION_TIMED_OUT",
    "ERR_HTTP2_PROTOCOL_ERROR",
)

# Added to every document before its own scripts: counts the fetch/XHR requests the page makes,
# so the crawler can wait for content that JavaScript loads after the load event (a network-idle
# wait without per-request events crossing to Python). Pages that make no such request pay nothing.
SETTLE_INIT_JS = """(() => {
  if (window.__quaeroSettle) return;
  let inFlight = 0, started = 0, lastDone = 0;
  const done = () => { inFlight--; lastDone = performance.now(); };
  const originalFetch = window.fetch;
  if (originalFetch) {
    window.fetch = function (...args) {
      inFlight++; started++;
      return originalFetch.apply(this, args).finally(done);
    };
  }
  const originalSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    inFlight++; started++;
    this.addEventListener('loadend', done, { once: true });
    return originalSend.apply(this, args);
  };
  Object.defineProperty(window, '__quaeroSettle', {
    value: (quietMs, maxMs) => new Promise((resolve) => {
      const deadline = performance.now() + maxMs;
      const check = () => {
        const now = performance.now();
        if (started === 0 || now >= deadline || (inFlight === 0 && now - lastDone >= quietMs)) resolve();
        else setTimeout(check, 20);
      };
      check();
    }),
  });
})();"""

# One round trip: wait for JS-loaded content to settle, then read everything the crawl needs.
_EXTRACT_JS = """async ([quietMs, maxMs]) => {
  if (window.__quaeroSettle) await window.__quaeroSettle(quietMs, maxMs);
  const attr = (selector, name) => {
    const el = document.querySelector(selector);
    return el ? (el.getAttribute(name) || '') : '';
  };
  const canonical = document.querySelector('link[rel~="canonical" i][href]');
  const links = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (typeof a.href === 'string') links.push(a.href);
  }
  return {
    title: document.title || '',
    description: attr('meta[name="description" i]', 'content'),
    canonical: canonical ? canonical.href : '',
    language: document.documentElement.getAttribute('lang') || '',
    contentType: document.contentType || '',
    hasPasswordField: !!document.querySelector('input[type="password" i]'),
    links,
    html: document.documentElement.outerHTML,
  };
}"""
_SETTLE_QUIET_MS = 100  # after the last fetch/XHR finished, time for the page to render what arrived


@dataclass(frozen=True)
class FetchedPage:
    """An HTML page as the browser rendered it (JavaScript included)."""

    requested_url: str
    final_url: str
    status: int | None
    content_type: str
    title: str
    description: str
    canonical: str
    language: str
    has_password_field: bool
    links: list[str] = field(repr=False)
    html: str = field(repr=False)


@dataclass(frozen=True)
class NonHtmlResponse:
    """A PDF, image, download...: recorded, never stored as a document."""

    requested_url: str
    final_url: str
    status: int | None
    content_type: str


class FetchError(Exception):
    """The page could not be loaded. ``retryable`` for timeouts and transient network faults."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class PageFetcher:
    """One reusable browser tab. Recycled by the caller after ``uses`` pages to keep memory flat."""

    def __init__(self, page: Page, *, page_timeout_s: float, idle_timeout_s: float) -> None:
        self._page = page
        self._page_timeout_ms = page_timeout_s * 1000
        self._idle_timeout_ms = idle_timeout_s * 1000
        self.uses = 0

    @classmethod
    async def open(cls, context: BrowserContext, *, page_timeout_s: float, idle_timeout_s: float) -> PageFetcher:
        """A new tab in ``context`` (whose pages run SETTLE_INIT_JS: see ``prepare_context``)."""
        return cls(await context.new_page(), page_timeout_s=page_timeout_s, idle_timeout_s=idle_timeout_s)

    @property
    def closed(self) -> bool:
        return self._page.is_closed()

    async def close(self) -> None:
        if not self._page.is_closed():
            with contextlib.suppress(PlaywrightError):
                await self._page.close()

    async def fetch(self, url: str) -> FetchedPage | NonHtmlResponse:
        """Navigate to ``url``, wait for it to load and settle, and read it."""
        self.uses += 1
        try:
            response = await self._page.goto(url, wait_until="load", timeout=self._page_timeout_ms)
        except PlaywrightTimeoutError:
            raise FetchError(f"timed out after {self._page_timeout_ms / 1000:g}s", retryable=True) from None
        except PlaywrightError as exc:
            if "Download is starting" in exc.message:
                return await self._download(url)
            raise _navigation_error(exc) from None
        content_type = _content_type(response)
        if content_type and not content_type.startswith(HTML_TYPES):
            return NonHtmlResponse(url, self._page.url, response.status if response else None, content_type)
        try:
            data = await self._page.evaluate(_EXTRACT_JS, [_SETTLE_QUIET_MS, self._idle_timeout_ms])
        except PlaywrightError as exc:
            raise FetchError(f"could not read the page: {_first_line(exc.message)}", retryable=True) from None
        content_type = content_type or data["contentType"]
        if not content_type.startswith(HTML_TYPES):
            return NonHtmlResponse(url, self._page.url, response.status if response else None, content_type)
        return FetchedPage(
            requested_url=url,
            final_url=self._page.url,
            status=response.status if response else None,
            content_type=content_type,
            title=data["title"],
            description=data["description"],
            canonical=data["canonical"],
            language=data["language"],
            has_password_field=data["hasPasswordField"],
            links=data["links"],
            html=data["html"],
        )

    async def _download(self, url: str) -> NonHtmlResponse:
        """The server sent a file to save, not a page: ask (HEAD) what it is."""
        try:
            response = await self._page.context.request.head(url, timeout=self._page_timeout_ms)
        except PlaywrightError:
            return NonHtmlResponse(url, url, None, "download")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower() or "download"
        return NonHtmlResponse(url, response.url, response.status, content_type)


async def prepare_context(context: BrowserContext) -> None:
    """Install what every crawl tab needs (the settle helper) in a new browser context."""
    await context.add_init_script(SETTLE_INIT_JS)


def _content_type(response: Response | None) -> str:
    if response is None:
        return ""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _navigation_error(exc: PlaywrightError) -> FetchError:
    message = _first_line(exc.message)
    if message.startswith("page.goto: "):
        message = message[len("page.goto: ") :]
    retryable = any(code in message for code in _RETRYABLE_NET_ERRORS)
    return FetchError(message, retryable=retryable)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown browser error"
