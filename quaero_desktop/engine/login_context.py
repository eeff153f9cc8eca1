"""The browser context a crawl runs in: logged in with the parent job's saved login, if it has one.

The auth_id comes from the parent's metadata as stored (lesson 1 in docs/contracts.md): the run reads its parent
from the store, fresh or resumed, in this process or another. A login that cannot be used
fails the crawl before any page is fetched; it never crawls logged-out.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol

from playwright.async_api import BrowserContext

from quaero_desktop.crawler.browser import BrowserService
from quaero_desktop.crawler.login_state import local_storage_origins, playwright_cookies
from quaero_desktop.crawler.request_options import RequestOptions
from quaero_desktop.domain.credential import Credential
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.engine.job_log import JobLog

if TYPE_CHECKING:
    # Playwright's TypedDict for add_cookies() entries; the package does not re-export it.
    from playwright._impl._api_structures import SetCookieParam


class LoginSource(Protocol):
    def load(self, auth_id: str) -> Credential: ...


class LoginUnusableError(QuaeroError):
    """The crawl's login cannot be used; the message names the auth_id and the cause."""


async def open_crawl_context(
    browser: BrowserService,
    logins: LoginSource | None,
    auth_id: str | None,
    job_log: JobLog,
    job_id: str,
    options: RequestOptions | None = None,
) -> BrowserContext:
    options = options or RequestOptions()
    if not auth_id:
        return await browser.new_context(options)
    if logins is None:
        raise LoginUnusableError(f"the crawl needs the login '{auth_id}', but no credential vault is available")
    try:
        credential = await asyncio.to_thread(logins.load, auth_id)
    except QuaeroError as exc:
        raise LoginUnusableError(f"cannot use the login '{auth_id}': {exc}") from None
    secret = credential.secret
    job_log.redactor.add_secrets(secret.secret_values())
    plan = playwright_cookies(secret)
    if plan.expired:
        job_log.warning(
            job_id, f"login '{auth_id}': skipped {len(plan.expired)} expired cookie(s): {', '.join(plan.expired)}"
        )
    if not plan.cookies and not secret.local_storage:
        raise LoginUnusableError(
            f"cannot use the login '{auth_id}': every cookie in it has expired; capture or import the login again"
        )
    origins = local_storage_origins(secret)
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
    job_log.info(
        job_id,
        f"login '{auth_id}': injected {injected} cookie(s) for {', '.join(plan.domains) or 'no domain'}"
        + (f"; localStorage for {len(origins)} origin(s)" if origins else ""),
    )
    if refused:
        job_log.warning(
            job_id,
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
