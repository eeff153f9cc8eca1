"""The browser context a crawl runs in: logged in with the parent job's saved login, if it has one.

The auth_id comes from the parent's metadata as stored (lesson 1 in docs/contracts.md): the run reads its parent
from the store, fresh or resumed, in this process or another. A login that cannot be used
fails the crawl before any page is fetched; it never crawls logged-out.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING, Protocol

from quaero_desktop.crawler.browser.login_state import CookiePlan, local_storage_origins, playwright_cookies
from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.http.cookie_jar import browser_like_jar, cookie_jar
from quaero_desktop.crawler.request_options import RequestOptions
from quaero_desktop.domain.credential import Credential, CredentialSecret
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.engine.job_log import RunLog

if TYPE_CHECKING:
    # Playwright's TypedDict for add_cookies() entries; the package does not re-export it.
    from playwright._impl._api_structures import OriginState, SetCookieParam
    from playwright.async_api import BrowserContext


class LoginSource(Protocol):
    def load(self, auth_id: str) -> Credential: ...


class LoginUnusableError(QuaeroError):
    """The crawl's login cannot be used; the message names the auth_id and the cause."""


@dataclass(frozen=True)
class CrawlLogin:
    """A crawl's login, loaded once from the vault: its cookies as the browser and the HTTP client take them."""

    auth_id: str
    secret: CredentialSecret = field(repr=False)
    plan: CookiePlan = field(repr=False)
    origins: list[OriginState] = field(repr=False)


async def load_crawl_login(logins: LoginSource | None, auth_id: str | None, run_log: RunLog) -> CrawlLogin | None:
    """The login named by the parent's stored auth_id (None: the crawl runs logged out).

    Raises LoginUnusableError when it cannot be used: the crawl fails before any page is fetched."""
    if not auth_id:
        return None
    if logins is None:
        raise LoginUnusableError(f"the crawl needs the login '{auth_id}', but no credential vault is available")
    try:
        credential = await asyncio.to_thread(logins.load, auth_id)
    except QuaeroError as exc:
        raise LoginUnusableError(f"cannot use the login '{auth_id}': {exc}") from None
    secret = credential.secret
    run_log.redactor.add_secrets(secret.secret_values())
    plan = playwright_cookies(secret)
    if plan.expired:
        run_log.warning(f"login '{auth_id}': skipped {len(plan.expired)} expired cookie(s): {', '.join(plan.expired)}")
    if not plan.cookies and not secret.local_storage:
        raise LoginUnusableError(
            f"cannot use the login '{auth_id}': every cookie in it has expired; capture or import the login again"
        )
    return CrawlLogin(auth_id, secret, plan, local_storage_origins(secret))


def login_cookie_jar(login: CrawlLogin | None, run_log: RunLog) -> CookieJar:
    """The HTTP client's cookie jar: the login's unexpired cookies, scoped as the browser scopes them."""
    if login is None:
        return browser_like_jar()
    jar = cookie_jar(login.secret.cookies)
    domains = ", ".join(login.plan.domains) or "no domain"
    run_log.info(f"login '{login.auth_id}': {len(jar)} cookie(s) for HTTP requests to {domains}")
    if login.origins:
        run_log.warning(
            f"login '{login.auth_id}' also holds localStorage, which only the browser can use: pages read over "
            'HTTP get its cookies alone (use render = "browser" if the site needs more)',
        )
    return jar


async def open_login_context(
    browser: BrowserService,
    login: CrawlLogin | None,
    run_log: RunLog,
    options: RequestOptions | None = None,
) -> BrowserContext:
    """A browser context for the crawl's requests (``options``), logged in with ``login`` if any."""
    options = options or RequestOptions()
    if login is None:
        return await browser.new_context(options)
    auth_id, secret, plan, origins = login.auth_id, login.secret, login.plan, login.origins
    context = await browser.new_context(
        options.with_login_user_agent(secret.user_agent),
        storage_state={"cookies": [], "origins": origins} if origins else None,
    )
    try:
        await context.add_cookies(plan.cookies)
        accepted = {(c["name"], c["domain"].lstrip(".")) for c in await context.cookies()}
    except Exception:
        await context.close()
        raise
    refused = [c["name"] for c in plan.cookies if (c["name"], _domain(c)) not in accepted]
    injected = len(plan.cookies) - len(refused)
    run_log.info(
        f"login '{auth_id}': injected {injected} cookie(s) for {', '.join(plan.domains) or 'no domain'}"
        + (f"; localStorage for {len(origins)} origin(s)" if origins else ""),
    )
    if refused:
        run_log.warning(
            f"login '{auth_id}': the browser refused {len(refused)} cookie(s): {', '.join(refused)} "
            "(SameSite=None cookies must be Secure)",
        )
    if plan.cookies and not injected:
        await context.close()
        raise LoginUnusableError(f"cannot use the login '{auth_id}': the browser accepted none of its cookies")
    return context


def _domain(entry: SetCookieParam) -> str:
    """The domain (without its dot) or host an add_cookies() entry is for."""
    domain = entry.get("domain")
    if domain is not None:
        return domain.lstrip(".")
    url = entry.get("url")
    assert url is not None, "playwright_cookies() gives every entry a domain or a url"
    return url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
