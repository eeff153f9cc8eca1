"""The checks of a definition's request fields (issue 11): request_delay, obey_robots_txt, user_agent,
headers and proxy. Credentials never go in a definition: a header or proxy URL carrying one is refused
with where it belongs instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Final
from urllib.parse import urlsplit

from .durations import format_duration, parse_duration
from .field_rules import Check, Invalid, boolean, string_of
from .limits import REQUEST_DELAY, USER_AGENT_LENGTH

_REQUEST_DELAY_EXPECTED = (
    f"a duration from {REQUEST_DELAY.low} to {format_duration(timedelta(seconds=REQUEST_DELAY.high))} between two "
    'requests to the same host, such as "250ms" or "1s", or "" for the default in Settings'
)
_USER_AGENT_EXPECTED = (
    f'a user agent on one line (at most {USER_AGENT_LENGTH.high} characters), or "" for the default in Settings'
)
_HEADERS_EXPECTED = 'a table of header names and text values, such as { "Accept-Language" = "en" }'
_PROXY_EXPECTED = (
    '"" (the default in Settings), "system" (the system\'s proxy settings), "none" (no proxy), or a proxy URL '
    'such as "http://proxy.example.com:3128" or "socks5://127.0.0.1:1080"'
)
PROXY_SCHEMES: Final = ("http", "https", "socks4", "socks5")
_HEADER_NAME: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")
# Headers a definition may not set: credentials belong in the keyring (a saved login, the proxy's login),
# and the browser sets the rest itself.
FORBIDDEN_HEADERS: Final = {
    "cookie": "cookies belong in a saved login (auth_id), kept in the keyring",
    "authorization": "credentials never go in a definition (it is stored with every job): use a saved login",
    "proxy-authorization": "a proxy's login goes in the keyring: quaero-desktop auth proxy URL --username NAME",
    "user-agent": "use the user_agent field",
    "host": "the browser sets it from the URL",
    "content-length": "the browser sets it",
}


def shown_value(name: str, value: object) -> object:
    """The value as an error may show it: never a proxy's password or a header's value (a secret, maybe)."""
    if name == "proxy" and isinstance(value, str) and "@" in value:
        scheme, _, rest = value.partition("://")
        return f"{scheme}://***@{rest.rpartition('@')[2]}"
    if name == "headers" and isinstance(value, Mapping):
        return dict.fromkeys(value, "***")
    return value


def request_delay(value: object) -> str:
    text = string_of(value, _REQUEST_DELAY_EXPECTED).strip()
    if not text:
        return ""
    try:
        delay = parse_duration(text)
    except ValueError:
        raise Invalid(_REQUEST_DELAY_EXPECTED) from None
    if delay.total_seconds() not in REQUEST_DELAY:
        raise Invalid(_REQUEST_DELAY_EXPECTED)
    return text


def optional_boolean(value: object) -> bool | None:
    return None if value is None else boolean(value)


def user_agent(value: object) -> str:
    text = string_of(value, _USER_AGENT_EXPECTED).strip()
    if len(text) not in USER_AGENT_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise Invalid(_USER_AGENT_EXPECTED)
    return text


def headers(value: object) -> tuple[tuple[str, str], ...]:
    pairs = list(value.items()) if isinstance(value, Mapping) else value
    if not isinstance(pairs, (list, tuple)):
        raise Invalid(_HEADERS_EXPECTED)
    checked: dict[str, tuple[str, str]] = {}
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Invalid(_HEADERS_EXPECTED)
        name, text = pair
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise Invalid(f"{_HEADERS_EXPECTED}; {name!r} is not a header name (letters, digits and -)")
        why = FORBIDDEN_HEADERS.get(name.lower())
        if why is not None:
            raise Invalid(f"a table of headers without {name}: {why}")
        if not isinstance(text, str) or any(c in text for c in "\r\n\0") or len(text) > 4096:
            raise Invalid(f"{_HEADERS_EXPECTED}; the value of {name} must be text on one line")
        checked[name.lower()] = (name, text.strip())
    return tuple(checked.values())


def proxy(value: object) -> str:
    text = string_of(value, _PROXY_EXPECTED).strip()
    if text.lower() in ("", "system", "none"):
        return text.lower()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise Invalid(_PROXY_EXPECTED) from None
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        raise Invalid(_PROXY_EXPECTED)
    if parts.username or parts.password:
        raise Invalid(
            "a proxy URL without a user name or password: they go in the keyring, never in a definition "
            "(quaero-desktop auth proxy URL --username NAME, or Settings → Crawling)"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise Invalid(_PROXY_EXPECTED)
    return f"{parts.scheme.lower()}://{parts.netloc}"


# The request fields that are also app settings (their defaults, in Settings), checked by the same rules.
DEFAULTABLE_CHECKS: Final[dict[str, Check]] = {
    "request_delay": request_delay,
    "user_agent": user_agent,
    "headers": headers,
    "proxy": proxy,
}
