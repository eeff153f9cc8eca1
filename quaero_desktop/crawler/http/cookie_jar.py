"""A saved login's cookies as the HTTP client sends them: exactly those a browser context would.

The standard library's ``CookieJar`` applies the rules (domain and path matching, Secure only over
https, expiry, Set-Cookie updates and deletions); two things are set here so it decides as
Chromium does:

* **Host-only cookies** (no Domain attribute) go to exactly their host, never to its subdomains:
  the jar's policy is ``DomainStrictNonDomain``, and a host-only cookie is stored as the jar
  stores one it received itself (``domain_specified`` false, the jar's own name for the host).
* **Domain cookies** (``.example.com``) go to the domain and every subdomain.

Expired cookies are skipped before they reach the jar (the login's note names them, as for the
browser). SameSite does not change what a top-level GET carries (a crawl's navigations send
Strict, Lax and None cookies alike), so it is not modelled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http.cookiejar import Cookie as JarCookie
from http.cookiejar import CookieJar, DefaultCookiePolicy

from quaero_desktop.domain.credential import Cookie, SameSite

_SAME_SITE: dict[str, SameSite] = {"strict": "Strict", "lax": "Lax", "none": "None"}


def browser_like_jar() -> CookieJar:
    """An empty jar with the browser's rules (host-only cookies stay on their host)."""
    policy = DefaultCookiePolicy(strict_ns_domain=DefaultCookiePolicy.DomainStrictNonDomain)
    return CookieJar(policy)


def jar_host(host: str) -> str:
    """How the jar names a host it matches host-only cookies against (``eff_request_host``: a name
    without a dot, such as ``localhost``, gets ``.local``)."""
    host = host.lower()
    return host if "." in host else host + ".local"


def cookie_jar(cookies: tuple[Cookie, ...] | list[Cookie], now: datetime | None = None) -> CookieJar:
    """A jar holding the unexpired ``cookies`` (a login's), each scoped as the browser scopes it."""
    jar = browser_like_jar()
    moment = now or datetime.now(UTC)
    for cookie in cookies:
        if not cookie.is_expired(moment):
            jar.set_cookie(to_jar_cookie(cookie))
    return jar


def to_jar_cookie(cookie: Cookie) -> JarCookie:
    secure = cookie.secure or cookie.name.startswith(("__Secure-", "__Host-"))
    domain = jar_host(cookie.domain) if cookie.host_only else "." + cookie.domain.lower()
    rest: dict[str, str] = {"HttpOnly": ""} if cookie.http_only else {}
    if cookie.same_site:
        rest["SameSite"] = cookie.same_site
    return JarCookie(
        version=0,
        name=cookie.name,
        value=cookie.value,
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=not cookie.host_only,
        domain_initial_dot=not cookie.host_only,
        path=cookie.path or "/",
        path_specified=True,
        secure=secure,
        expires=int(cookie.expires) if cookie.expires is not None else None,
        discard=cookie.expires is None,
        comment=None,
        comment_url=None,
        rest=rest,
    )


def from_jar_cookie(cookie: JarCookie) -> Cookie:
    """A jar's cookie (one the login brought or a Set-Cookie made) in the credential's form."""
    host_only = not cookie.domain_specified
    domain = cookie.domain.lstrip(".")
    if host_only and domain.endswith(".local") and "." not in domain[: -len(".local")]:
        domain = domain[: -len(".local")]
    same_site = _SAME_SITE.get(str(cookie.get_nonstandard_attr("SameSite", "")).lower())
    return Cookie(
        name=cookie.name,
        value=cookie.value or "",
        domain=domain,
        path=cookie.path or "/",
        expires=float(cookie.expires) if cookie.expires is not None else None,
        secure=cookie.secure,
        http_only=cookie.has_nonstandard_attr("HttpOnly"),
        same_site=same_site,
        host_only=host_only,
    )
