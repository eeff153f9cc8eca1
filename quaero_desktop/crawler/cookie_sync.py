"""One cookie store for a crawl that uses both the HTTP client and the browser (auto mode).

The HTTP client's jar and the browser context start with the same login cookies. Whatever
Set-Cookie answers change on one side reaches the other before it next asks: the jar's cookies
go into the context before a browser render when the jar changed, and the context's cookies come
back into the jar after each render. (A cookie a server deletes on the HTTP side stays in the
context until it expires or is replaced: Playwright adds cookies but deletes only all at once.)
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import TYPE_CHECKING

from quaero_desktop.crawler.browser.login_state import playwright_cookies
from quaero_desktop.crawler.http.cookie_jar import from_jar_cookie, to_jar_cookie
from quaero_desktop.domain.credential import Cookie, CredentialSecret

if TYPE_CHECKING:  # Playwright loads with the first browser (crawler/browser/service.py)
    from playwright.async_api import BrowserContext


class CookieSync:
    def __init__(self, jar: CookieJar) -> None:
        self.jar = jar
        self._pushed: frozenset[tuple[str, str, str, str]] = self._snapshot()

    def _snapshot(self) -> frozenset[tuple[str, str, str, str]]:
        return frozenset((c.domain, c.path, c.name, c.value or "") for c in self.jar)

    async def to_browser(self, context: BrowserContext) -> None:
        """The jar's cookies into the context, if they changed since they last went there."""
        now = self._snapshot()
        if now == self._pushed:
            return
        secret = CredentialSecret(cookies=tuple(from_jar_cookie(c) for c in self.jar))
        plan = playwright_cookies(secret)
        if plan.cookies:
            await context.add_cookies(plan.cookies)
        self._pushed = now

    def new_context(self) -> None:
        """The browser context was opened anew (an idle one closed): the next ``to_browser`` sends every cookie."""
        self._pushed = frozenset()

    async def from_browser(self, context: BrowserContext) -> None:
        """The context's cookies (those its pages' answers set included) into the jar."""
        for raw in await context.cookies():
            domain = str(raw.get("domain", ""))
            expires = float(raw.get("expires", -1))
            same_site = raw.get("sameSite")
            cookie = Cookie(
                name=str(raw.get("name", "")),
                value=str(raw.get("value", "")),
                domain=domain.lstrip(".").lower(),
                path=str(raw.get("path") or "/"),
                expires=expires if expires > 0 else None,  # Playwright: -1 for a session cookie
                secure=bool(raw.get("secure")),
                http_only=bool(raw.get("httpOnly")),
                same_site=same_site if same_site in ("Strict", "Lax", "None") else None,
                host_only=not domain.startswith("."),
            )
            self.jar.set_cookie(to_jar_cookie(cookie))
        self._pushed = self._snapshot()
