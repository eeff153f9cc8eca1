"""Readers for each cookie export format, and the normalisation into ``Cookie``.

Readers never raise for one bad entry: they drop it and add a note to ``Reading.skipped``.
Notes name the entry (index or line) and the cookie name, never a value. Deciding whether a
whole file is usable is left to ``cookie_formats``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from quaero_desktop.domain.credential import Cookie, SameSite

_HOST = re.compile(r"[a-z0-9_.:\[\]-]+")
_SAME_SITE: dict[str, SameSite] = {"no_restriction": "None", "none": "None", "lax": "Lax", "strict": "Strict"}
_SECURE_PREFIXES = ("__secure-", "__host-")
_HTTP_ONLY_PREFIX = "#HttpOnly_"
_NETSCAPE_FLAGS = {"TRUE": True, "FALSE": False}
_NAME_SHOWN = 60

CookieFormat = Literal["cookie-editor", "playwright-storage-state", "netscape", "quaero-extension"]
CookieKey = tuple[str, str, str]


class EntrySkipped(Exception):
    """One entry cannot be used; the message says why and never contains a value."""


@dataclass
class Reading:
    """What a reader found in one file, before the whole-file checks."""

    format: CookieFormat
    cookies: dict[CookieKey, Cookie] = field(default_factory=dict)
    local_storage: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    tokens: dict[str, str] = field(default_factory=dict, repr=False)
    user_agent: str = ""
    base_url: str = ""
    skipped: list[str] = field(default_factory=list)
    _found_at: dict[CookieKey, str] = field(default_factory=dict, init=False, repr=False)

    def add(self, cookie: Cookie, where: str) -> None:
        """Keep ``cookie``; an earlier one with the same name, domain and path is dropped."""
        key = (cookie.name, cookie.domain, cookie.path)
        if key in self.cookies:
            self.skip(self._found_at[key], cookie.name, f"replaced by the one at {where} (same name, domain and path)")
        self.cookies[key] = cookie
        self._found_at[key] = where

    def skip(self, where: str, name: object, reason: str) -> None:
        """Note a dropped entry; ``name`` is shown only when it is a non-empty string."""
        if isinstance(name, str) and name.strip():
            shown = name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 3] + "..."
            self.skipped.append(f"cookie {shown!r} ({where}): {reason}")
        else:
            self.skipped.append(f"{where}: {reason}")


def json_type(value: object) -> str:
    """How a JSON value is called in messages ("an object", "a string", ...)."""
    if isinstance(value, bool):
        return "true/false"
    names = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def make_cookie(
    name: str,
    value: str,
    raw_domain: str,
    *,
    host_only: bool,
    path: str,
    expires: float | None,
    secure: bool,
    http_only: bool,
    same_site: SameSite | None,
) -> Cookie:
    """A normalised Cookie: lower-case dot-less domain (a leading dot means not host-only),
    path "/" by default, and ``secure`` forced on for ``__Secure-``/``__Host-`` names."""
    if not name.strip():
        raise EntrySkipped("no name")
    domain = raw_domain.strip().lower()
    if domain.startswith("."):
        host_only = False
    domain = domain.strip(".")
    if not domain:
        raise EntrySkipped("no domain")
    if not _HOST.fullmatch(domain):
        raise EntrySkipped(f"domain {domain[:80]!r} is not a host name")
    return Cookie(
        name=name,
        value=value,
        domain=domain,
        path=path or "/",
        expires=expires,
        secure=secure or name.lower().startswith(_SECURE_PREFIXES),
        http_only=http_only,
        same_site=same_site,
        host_only=host_only,
    )


def expiry(raw: object) -> float | None:
    """Seconds since the epoch, or None for a session cookie (missing, zero or negative)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            raw = float(raw)
        except ValueError:
            raise EntrySkipped("expiry is not a number") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise EntrySkipped("expiry is not a number")
    return float(raw) if raw > 0 else None


def same_site(raw: object) -> SameSite | None:
    """Map browser/extension spellings to "Strict"/"Lax"/"None"; anything else is unspecified."""
    return _SAME_SITE.get(raw.strip().lower()) if isinstance(raw, str) else None


def read_json_cookies(entries: list[object], reading: Reading) -> None:
    """Cookies in Chrome's shape (Cookie-Editor, EditThisCookie, the extension) or Playwright's."""
    for index, entry in enumerate(entries, 1):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            reading.skip(where, None, f"is {json_type(entry)}, not a cookie object")
            continue
        try:
            reading.add(_json_cookie(entry), where)
        except EntrySkipped as problem:
            reading.skip(where, entry.get("name"), str(problem))


def _json_cookie(entry: dict[str, object]) -> Cookie:
    name, value, domain, path = (entry.get(key) for key in ("name", "value", "domain", "path"))
    if not isinstance(name, str):
        raise EntrySkipped("no name")
    if not isinstance(value, str):
        raise EntrySkipped("value is not text" if value is not None else "no value")
    if not isinstance(domain, str):
        raise EntrySkipped("no domain")
    host_only = entry.get("hostOnly")
    expires = expiry(entry["expirationDate"] if "expirationDate" in entry else entry.get("expires"))
    return make_cookie(
        name,
        value,
        domain,
        host_only=host_only if isinstance(host_only, bool) else True,
        path=path if isinstance(path, str) else "/",
        expires=None if entry.get("session") is True else expires,
        secure=entry.get("secure") is True,
        http_only=entry.get("httpOnly") is True,
        same_site=same_site(entry.get("sameSite")),
    )


def read_origins(origins: list[object], reading: Reading) -> None:
    """Playwright's ``origins``: localStorage items per origin; the first origin is the base URL."""
    for index, entry in enumerate(origins, 1):
        fields = entry if isinstance(entry, dict) else {}  # not an object: no origin, skipped below
        origin = fields.get("origin")
        if not isinstance(origin, str) or not origin:
            reading.skip(f"origin {index}", None, "no origin URL")
            continue
        reading.base_url = reading.base_url or origin
        items = fields.get("localStorage", [])
        if not isinstance(items, list):
            reading.skip(f"localStorage of {origin}", None, f"is {json_type(items)}, not an array")
            continue
        for number, item in enumerate(items, 1):
            key = item.get("name") if isinstance(item, dict) else None
            value = item.get("value") if isinstance(item, dict) else None
            if isinstance(key, str) and key and isinstance(value, str):
                reading.local_storage.setdefault(origin, {})[key] = value
            else:
                reading.skip(f"localStorage item {number} of {origin}", None, "needs a text name and value")


def read_extension_extras(payload: dict[str, object], reading: Reading) -> None:
    """The extension's ``tokens``, ``userAgent`` and ``baseUrl``."""
    tokens = payload.get("tokens")
    if isinstance(tokens, dict):
        for name, value in tokens.items():
            if name and isinstance(value, str):
                reading.tokens[name] = value
            else:
                reading.skip(f"token {name[:_NAME_SHOWN]!r}", None, "needs a name and a text value")
    elif tokens is not None:
        reading.skip("tokens", None, f"is {json_type(tokens)}, not an object")
    user_agent = payload.get("userAgent")
    if isinstance(user_agent, str):
        reading.user_agent = user_agent.strip()
    elif user_agent is not None:
        reading.skip("userAgent", None, "is not text")
    base_url = payload.get("baseUrl")
    if base_url is not None:
        reading.base_url = _web_url(base_url)
        if not reading.base_url:
            reading.skip("baseUrl", None, "is not an http(s) URL")


def _web_url(raw: object) -> str:
    """An http(s) URL without its query and fragment (they may carry a token), else ""."""
    if not isinstance(raw, str):
        return ""
    try:
        parts = urlsplit(raw.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", "", ""))


def read_netscape(text: str, reading: Reading) -> None:
    """Netscape cookies.txt: seven tab-separated columns; ``#HttpOnly_`` marks an HttpOnly cookie."""
    for number, line in enumerate(text.splitlines(), 1):
        http_only = line.startswith(_HTTP_ONLY_PREFIX)
        if http_only:
            line = line[len(_HTTP_ONLY_PREFIX) :]
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"line {number}"
        columns = line.split("\t")
        if len(columns) == 1:
            reading.skip(where, None, "no tab-separated columns (were the tabs turned into spaces?)")
            continue
        if len(columns) < 6:
            reading.skip(where, None, f"{len(columns)} tab-separated columns, expected 7")
            continue
        domain, subdomains, path, secure, expires, name = columns[:6]
        try:
            reading.add(
                make_cookie(
                    name,
                    "\t".join(columns[6:]),
                    domain,
                    host_only=not _netscape_flag(subdomains, "include_subdomains"),
                    path=path.strip(),
                    expires=expiry(expires.strip() or None),
                    secure=_netscape_flag(secure, "secure"),
                    http_only=http_only,
                    same_site=None,
                ),
                where,
            )
        except EntrySkipped as problem:
            reading.skip(where, name, str(problem))


def _netscape_flag(raw: str, column: str) -> bool:
    flag = _NETSCAPE_FLAGS.get(raw.strip().upper())
    if flag is None:
        raise EntrySkipped(f"{column} is not TRUE or FALSE")
    return flag
