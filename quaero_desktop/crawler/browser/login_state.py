"""A saved login in and out of a browser context: cookies for Playwright, and back.

Playwright's rules (docs/contracts.md, "Pitfalls"): each cookie needs ``url`` or ``domain`` + ``path``;
sameSite is exactly Strict, Lax or None; SameSite=None without Secure and past expiry dates are
accepted and then silently dropped — so expired cookies are skipped here with a note, and the
caller reads the cookies back to report any the browser refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from quaero_desktop.domain.credential import Cookie, CredentialSecret

if TYPE_CHECKING:
    # Playwright's own TypedDicts for add_cookies() and storage_state; the package does not re-export them.
    from playwright._impl._api_structures import OriginState, SetCookieParam
    from playwright.async_api import StorageState


@dataclass(frozen=True)
class CookiePlan:
    cookies: list[SetCookieParam]  # Playwright add_cookies() entries
    expired: list[str]  # names of cookies skipped because they expired
    domains: list[str]  # the domains the injected cookies belong to, most cookies first


def playwright_cookies(secret: CredentialSecret, now: datetime | None = None) -> CookiePlan:
    """The secret's cookies in Playwright's form; host-only cookies stay bound to their host."""
    now = now or datetime.now(UTC)
    entries: list[SetCookieParam] = []
    expired: list[str] = []
    domains: Counter[str] = Counter()
    for cookie in secret.cookies:
        if cookie.is_expired(now):
            expired.append(cookie.name)
            continue
        entries.append(_entry(cookie))
        domains[cookie.domain if cookie.host_only else "." + cookie.domain] += 1
    return CookiePlan(entries, expired, [domain for domain, _ in domains.most_common()])


def _entry(cookie: Cookie) -> SetCookieParam:
    secure = cookie.secure or cookie.name.startswith(("__Secure-", "__Host-"))
    entry: SetCookieParam = {"name": cookie.name, "value": cookie.value, "httpOnly": cookie.http_only, "secure": secure}
    if cookie.host_only:
        # A URL (not a domain) makes a host-only cookie: sent to exactly this host.
        scheme = "https" if secure else "http"
        entry["url"] = f"{scheme}://{cookie.domain}{cookie.path or '/'}"
    else:
        entry["domain"] = "." + cookie.domain
        entry["path"] = cookie.path or "/"
    if cookie.expires is not None:
        entry["expires"] = float(cookie.expires)
    if cookie.same_site is not None:
        entry["sameSite"] = cookie.same_site
    return entry


def local_storage_origins(secret: CredentialSecret) -> list[OriginState]:
    """localStorage in Playwright's storage_state form."""
    return [
        {"origin": origin, "localStorage": [{"name": k, "value": v} for k, v in items.items()]}
        for origin, items in secret.local_storage.items()
        if items
    ]


def secret_from_storage_state(state: StorageState, user_agent: str = "") -> CredentialSecret:
    """What a browser context holds after a login (``context.storage_state()``) as a saved secret."""
    cookies = []
    for raw in state.get("cookies", []):
        domain = str(raw.get("domain", ""))
        expires = raw.get("expires", -1)
        same_site = raw.get("sameSite")
        cookies.append(
            Cookie(
                name=str(raw["name"]),
                value=str(raw.get("value", "")),
                domain=domain.lstrip(".").lower(),
                path=str(raw.get("path") or "/"),
                expires=float(expires) if expires > 0 else None,  # Playwright: -1 for a session cookie
                secure=bool(raw.get("secure")),
                http_only=bool(raw.get("httpOnly")),
                same_site=same_site if same_site in ("Strict", "Lax", "None") else None,
                host_only=not domain.startswith("."),
            )
        )
    local_storage = {
        str(origin["origin"]): {str(i["name"]): str(i["value"]) for i in origin.get("localStorage", [])}
        for origin in state.get("origins", [])
    }
    return CredentialSecret(cookies=tuple(cookies), local_storage=local_storage, user_agent=user_agent)
