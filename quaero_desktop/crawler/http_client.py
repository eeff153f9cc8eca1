"""The one place a crawl's HTTP client is built.

Everything that shapes a crawl's HTTP requests — connection pool, timeouts, HTTP/2, the user
agent, the login's cookies, and later per-definition headers and a proxy — is an
``HttpClientOptions`` field, applied here. The browser path takes the same options where it has
an equivalent (user agent), so both paths ask the server the same way.

httpx2 (the maintained continuation of httpx) with h2: asyncio, connection pooling, HTTP/2 by
ALPN where a server offers it, and cookies through the standard library's ``CookieJar``, whose
domain, path, secure and expiry rules are the browser's (docs/architecture.md, "HTTP fast path").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import httpx2

from quaero_desktop import __version__

# An honest crawler's name; a login's saved user agent replaces it (the one the login was made with,
# as on the browser path).
DEFAULT_USER_AGENT = f"Mozilla/5.0 (compatible; QuaeroDesktop/{__version__})"
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MAX_REDIRECTS = 20  # Chromium's limit


@dataclass(frozen=True)
class HttpClientOptions:
    """What a crawl's HTTP client is made of (the crawl's settings and its login)."""

    concurrency: int = 4  # pages fetched at once: the pool keeps as many connections per host alive
    timeout_s: float = 30.0  # connect, read and write, each
    user_agent: str = ""  # "" = DEFAULT_USER_AGENT
    cookies: CookieJar | None = field(default=None, repr=False)  # the login's cookies (see cookie_jar.py)
    http2: bool = True
    extra_headers: tuple[tuple[str, str], ...] = ()


def build_http_client(options: HttpClientOptions) -> httpx2.AsyncClient:
    headers = {
        "User-Agent": options.user_agent or DEFAULT_USER_AGENT,
        "Accept": ACCEPT_HTML,
        "Accept-Language": "en-US,en;q=0.9",
        **dict(options.extra_headers),
    }
    return httpx2.AsyncClient(
        http2=options.http2,
        headers=headers,
        cookies=options.cookies,
        timeout=httpx2.Timeout(options.timeout_s),
        limits=httpx2.Limits(
            max_connections=max(10, options.concurrency * 4),
            max_keepalive_connections=max(10, options.concurrency * 2),
        ),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )
