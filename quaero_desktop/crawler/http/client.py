"""The one place a crawl's HTTP client is built.

Everything that shapes a crawl's HTTP requests — connection pool, timeouts, HTTP/2, the login's
cookies, and the crawl's ``RequestOptions`` (user agent, the definition's headers, the proxy and its
login) — is applied here. The browser context takes the same ``RequestOptions``
(``BrowserService.new_context``), so both paths ask the server the same way.

httpx2 (the maintained continuation of httpx) with h2: asyncio, connection pooling, HTTP/2 by
ALPN where a server offers it, and cookies through the standard library's ``CookieJar``, whose
domain, path, secure and expiry rules are the browser's (docs/architecture.md, "HTTP fast path").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import httpx2

from quaero_desktop import __version__
from quaero_desktop.crawler.connection_errors import MAX_REDIRECTS
from quaero_desktop.crawler.http.tls import take_tls_context
from quaero_desktop.crawler.request_options import NO_PROXY, SYSTEM_PROXY, RequestOptions

# An honest crawler's name; a login's saved user agent replaces it (the one the login was made with,
# as on the browser path).
DEFAULT_USER_AGENT = f"Mozilla/5.0 (compatible; QuaeroDesktop/{__version__})"
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class HttpClientOptions:
    """What a crawl's HTTP client is made of (the crawl's settings and its login)."""

    concurrency: int = 4  # pages fetched at once: the pool keeps as many connections per host alive
    timeout_s: float = 30.0  # connect, read and write, each
    cookies: CookieJar | None = field(default=None, repr=False)  # the login's cookies (see cookie_jar.py)
    http2: bool = True
    # User agent ("" = DEFAULT_USER_AGENT), headers and proxy: the crawl's, after its login's user agent.
    requests: RequestOptions = field(default_factory=RequestOptions)


def build_http_client(options: HttpClientOptions) -> httpx2.AsyncClient:
    requests = options.requests
    headers = {
        "User-Agent": requests.user_agent or DEFAULT_USER_AGENT,
        "Accept": ACCEPT_HTML,
        "Accept-Language": "en-US,en;q=0.9",
        **dict(requests.headers),  # the definition's (over the app's defaults) win, by name
    }
    # "system": the environment's proxy settings (HTTP_PROXY, NO_PROXY...), as Chromium takes them on Linux.
    trust_env = requests.proxy == SYSTEM_PROXY
    return httpx2.AsyncClient(
        verify=take_tls_context(trust_env=trust_env),  # built ahead when a command prepared it (tls.py)
        http2=options.http2,
        headers=headers,
        cookies=options.cookies,
        proxy=_proxy(requests),
        trust_env=trust_env,
        timeout=httpx2.Timeout(options.timeout_s),
        limits=httpx2.Limits(
            max_connections=max(10, options.concurrency * 4),
            max_keepalive_connections=max(10, options.concurrency * 2),
        ),
        # Followed here for robots.txt and the page preview; a crawl's pages follow theirs one by one
        # (HttpFetcher: a loop told from a long chain, and no hop off the crawl's site).
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )


def _proxy(requests: RequestOptions) -> httpx2.Proxy | None:
    if requests.proxy in (SYSTEM_PROXY, NO_PROXY, ""):
        return None
    login = requests.proxy_login
    auth = (login.username, login.password) if login is not None else None
    return httpx2.Proxy(requests.proxy, auth=auth)
