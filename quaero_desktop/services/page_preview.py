"""The definition editor's preview: the Markdown a crawl of a definition would store for one URL.

The page is fetched over plain HTTP as the crawl's HTTP path fetches it — the definition's user
agent, headers and proxy over the app's defaults (``CrawlControls``), its saved login's cookies
(unexpired ones, scoped as the browser scopes them) and user agent — and converted with the
definition's content rules, as ``prepare_page`` converts a stored page (``content_rules``). No
browser starts: a page whose HTML shows it needs JavaScript is said so. The last page fetched is
kept for a minute, so changing the rules converts it again without asking the site again.

``preview`` blocks (network and conversion): the window calls it off its thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Protocol

from lxml.cssselect import CSSSelector

from quaero_desktop.crawler.converted_page import ContentRules
from quaero_desktop.crawler.fetched import FetchError, NonHtmlResponse, NotModified
from quaero_desktop.crawler.html_tree import parse_html
from quaero_desktop.crawler.http.client import HttpClientOptions, build_http_client
from quaero_desktop.crawler.http.cookie_jar import browser_like_jar, cookie_jar
from quaero_desktop.crawler.http.fetcher import HttpFetcher, HttpPage
from quaero_desktop.crawler.js_signals import js_signals
from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.crawler.request_options import RequestOptions, proxy_uses_login
from quaero_desktop.domain.crawl_defaults import CrawlControls, ProxyLogin
from quaero_desktop.domain.credential import Credential
from quaero_desktop.domain.definition import JobDefinition, RenderMode
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.engine.run.prepared_page import content_rules
from quaero_desktop.engine.run.retries import http_error
from quaero_desktop.settings import AppSettings

KEEP_PAGE_S: Final = 60.0
"""How long the last page fetched is converted again for new rules before the site is asked again."""


class LoginLoader(Protocol):
    def load(self, auth_id: str) -> Credential: ...


class ProxyLoginLoader(Protocol):
    def load(self, proxy_url: str) -> ProxyLogin | None: ...


class PreviewError(QuaeroError):
    """The page could not be previewed; the message says why (the site, its answer, the login)."""


@dataclass(frozen=True)
class PreviewRequest:
    """What a preview depends on: equal requests give the same preview (the definition's name, limits,
    patterns... do not count)."""

    url: str
    auth_id: str | None
    render: RenderMode
    user_agent: str
    headers: tuple[tuple[str, str], ...]
    proxy: str
    rules: ContentRules
    definition: JobDefinition = field(compare=False, repr=False)

    @classmethod
    def of(cls, url: str, definition: JobDefinition) -> PreviewRequest:
        return cls(
            url.strip(),
            definition.auth_id,
            definition.render,
            definition.user_agent,
            definition.headers,
            definition.proxy,
            content_rules(definition),
            definition,
        )

    def fetch_key(self) -> tuple[object, ...]:
        """What the page's bytes depend on (not the rules)."""
        return (self.url, self.auth_id, self.user_agent, self.headers, self.proxy)


@dataclass(frozen=True)
class PagePreview:
    """``markdown``: as a crawl would store it; ``notes``: what the user should know about it (the
    page needs JavaScript, a redirect, a content rule that matches nothing)."""

    url: str  # where the page was read (after redirects)
    markdown: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Fetched:
    key: tuple[object, ...]
    final_url: str
    html: str
    at: float


class PagePreviews:
    def __init__(
        self,
        logins: Callable[[], LoginLoader],
        proxy_logins: Callable[[], ProxyLoginLoader],
        settings: Callable[[], AppSettings],
    ) -> None:
        self._logins = logins
        self._proxy_logins = proxy_logins
        self._settings = settings
        self._lock = threading.Lock()
        self._last: _Fetched | None = None

    def preview(self, request: PreviewRequest) -> PagePreview:
        """The page at ``request.url`` as a crawl of its definition would store it. Raises PreviewError."""
        fetched = self._fetched(request)
        rules = request.rules
        markdown = html_to_markdown(fetched.html, fetched.final_url, rules).markdown
        notes: list[str] = []
        if fetched.final_url.rstrip("/") != request.url.rstrip("/"):
            notes.append(f"Redirected to {fetched.final_url}.")
        needs = js_signals(fetched.html).needs_browser
        if needs is not None and request.render == RenderMode.HTTP:
            notes.append(f'This page needs JavaScript ({needs}): with render = "http" it is stored as its HTML reads.')
        elif needs is not None:
            notes.append(
                f"This page needs JavaScript ({needs}): a crawl renders it in the browser first; this preview "
                "reads its HTML only, so the stored page may hold more."
            )
        notes.extend(_unmatched_rules(fetched.html, rules))
        return PagePreview(fetched.final_url, markdown, tuple(notes))

    def _fetched(self, request: PreviewRequest) -> _Fetched:
        key = request.fetch_key()
        with self._lock:
            last = self._last
        if last is not None and last.key == key and time.monotonic() - last.at < KEEP_PAGE_S:
            return last
        final_url, html = asyncio.run(self._fetch(request))
        fetched = _Fetched(key, final_url, html, time.monotonic())
        with self._lock:
            self._last = fetched
        return fetched

    async def _fetch(self, request: PreviewRequest) -> tuple[str, str]:
        settings = self._settings()
        definition = request.definition
        controls = CrawlControls.of(definition, settings.crawl_defaults())
        proxy_login = None
        if proxy_uses_login(controls.proxy):
            try:
                proxy_login = await asyncio.to_thread(self._proxy_logins().load, controls.proxy)
            except QuaeroError:  # a locked keyring: the proxy may not need a login (as for a crawl)
                proxy_login = None
        options = RequestOptions.of(controls, proxy_login=proxy_login, user_agent_chosen=bool(definition.user_agent))
        jar = browser_like_jar()
        if request.auth_id:
            secret = (await asyncio.to_thread(self._login, request.auth_id)).secret
            jar = cookie_jar(secret.cookies)
            if not len(jar) and secret.cookies:
                raise PreviewError(
                    f"the login '{request.auth_id}' has expired (every cookie in it has): capture or import it again"
                )
            options = options.with_login_user_agent(secret.user_agent)
        client = build_http_client(
            HttpClientOptions(concurrency=1, timeout_s=settings.page_timeout_s, cookies=jar, requests=options)
        )
        async with client:
            try:
                result = await HttpFetcher(client, page_timeout_s=settings.page_timeout_s).fetch(request.url)
            except FetchError as exc:
                raise PreviewError(f"cannot read {request.url}: {exc}") from None
        if isinstance(result, NonHtmlResponse):
            if result.status is not None and result.status >= 400:
                raise PreviewError(self._refusal(request, result.status))
            raise PreviewError(f"not HTML ({result.content_type}): a crawl records it as skipped and stores nothing")
        if isinstance(result, NotModified):  # nothing was asked conditionally: a server's mistake
            raise PreviewError(f"the site answered {http_error(304)} to a plain request for {request.url}")
        page = result.page if isinstance(result, HttpPage) else result
        if page.status is not None and page.status >= 400:
            raise PreviewError(self._refusal(request, page.status))
        return page.final_url, page.html

    def _login(self, auth_id: str) -> Credential:
        try:
            return self._logins().load(auth_id)
        except QuaeroError as exc:
            raise PreviewError(f"cannot use the login '{auth_id}': {exc}") from None

    @staticmethod
    def _refusal(request: PreviewRequest, status: int) -> str:
        text = f"the site answered {http_error(status)}: a crawl stores nothing for {request.url}"
        if status in (401, 403) and request.auth_id:
            text += f" (has the login '{request.auth_id}' expired?)"
        return text


def _unmatched_rules(html: str, rules: ContentRules) -> list[str]:
    """The content rules that match nothing on this page, said so (a typo shows at once)."""
    root = parse_html(html)
    if root is None:
        return []
    notes = []
    if rules.content_selector and not CSSSelector(rules.content_selector)(root):
        notes.append(f"Content root “{rules.content_selector}” matches nothing here: the page's own choice is shown.")
    unmatched = [selector for selector in rules.exclude_selectors if not CSSSelector(selector)(root)]
    if unmatched:
        verb = "matches" if len(unmatched) == 1 else "match"
        notes.append(f"Leave out: {', '.join(f'“{selector}”' for selector in unmatched)} {verb} nothing here.")
    return notes
