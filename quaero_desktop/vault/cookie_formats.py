"""Read the cookie files users export from their browser into a ``CredentialSecret``.

Four formats, told apart by content (never by file name): a Cookie-Editor/EditThisCookie JSON
array, a Playwright storage_state JSON, a Netscape cookies.txt and the Quaero extension
payload. A file that cannot be used raises ``ValidationError``; one bad entry is dropped
with a note. No cookie, token or localStorage value ever appears in a message or a repr.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections import Counter
from dataclasses import dataclass

from quaero_desktop.domain.credential import Cookie, CredentialSecret
from quaero_desktop.domain.errors import ValidationError

from .cookie_readers import (
    CookieFormat,
    Reading,
    json_type,
    read_extension_extras,
    read_json_cookies,
    read_netscape,
    read_origins,
)  # fmt: skip

FORMAT_LABELS: dict[CookieFormat, str] = {
    "cookie-editor": "Cookie-Editor/EditThisCookie JSON",
    "playwright-storage-state": "Playwright storage_state JSON",
    "netscape": "Netscape cookies.txt",
    "quaero-extension": "Quaero extension payload",
}
MAX_FILE_BYTES = 10 * 1024 * 1024
_ACCEPTED = (
    "expected a cookie export: a Cookie-Editor/EditThisCookie JSON array, a Playwright storage_state JSON, "
    "a Netscape cookies.txt, or the Quaero extension payload {cookies, tokens, userAgent, baseUrl}"
)
_NETSCAPE_HEADER = re.compile(r"#\s*(netscape\s+)?http\s+cookie\s+file", re.IGNORECASE)
_EXTENSION_KEYS = frozenset({"tokens", "userAgent", "baseUrl"})
_KNOWN_KEYS = frozenset({"cookies", "origins", "tokens"})
_NOTES_IN_ERROR = 3
_KEYS_IN_ERROR = 8


@dataclass(frozen=True)
class ParsedLogin:
    """A cookie file's content: the secret to save, and what to show about it."""

    format: CookieFormat
    secret: CredentialSecret
    base_url: str
    site_domain: str
    skipped: tuple[str, ...] = ()


def parse_cookie_file(path: str | os.PathLike[str]) -> ParsedLogin:
    """Read and parse a cookie export; errors name the file."""
    source = str(path)
    return parse_cookie_text(_read_text(path, source), source)


def parse_cookie_text(text: str, source: str) -> ParsedLogin:
    """Parse a cookie export's text; ``source`` (the file name) names it in errors."""
    text = text.removeprefix("\ufeff")
    content = text.strip()
    if not content:
        raise _refusal(source, "the file is empty")
    if content[0] in '[{"':
        reading = _read_json(_load_json(text, source), source)
    elif not content.startswith("<") and (_NETSCAPE_HEADER.match(content) or "\t" in content):
        reading = Reading("netscape")
        read_netscape(text, reading)
    else:
        raise _refusal(source, _not_a_cookie_file(content))
    return _finish(reading, source)


def describe(parsed: ParsedLogin) -> str:
    """One line without values, e.g. "12 cookies for example.com (Netscape cookies.txt); 2 entries skipped"."""
    domains = _ranked_domains(parsed.secret.cookies)
    shown = ", ".join(domains[:3]) + (f" and {len(domains) - 3} more" if len(domains) > 3 else "")
    cookies = f"{_count(len(parsed.secret.cookies), 'cookie')} for {shown}" if domains else "no cookies"
    parts = [f"{cookies} ({FORMAT_LABELS[parsed.format]})"]
    if parsed.secret.local_storage:
        parts.append(_count(len(parsed.secret.local_storage), "localStorage origin"))
    if parsed.secret.tokens:
        parts.append(_count(len(parsed.secret.tokens), "token"))
    if parsed.skipped:
        parts.append(f"{_count(len(parsed.skipped), 'entry', 'entries')} skipped")
    return "; ".join(parts)


def _refusal(source: str, problem: str, *, line: int | None = None) -> ValidationError:
    """The error for a file that cannot be used: what was wrong, then the accepted formats."""
    return ValidationError(source, "", None, f"{problem}; {_ACCEPTED}", line=line)


def _read_text(path: str | os.PathLike[str], source: str) -> str:
    """The file's text: UTF-8 (a byte-order mark ignored) or UTF-16 with a byte-order mark."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _refusal(source, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _refusal(source, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB, far more than a cookie export")
    if data.startswith(b"SQLite format 3\x00"):
        raise _refusal(source, "this is a browser's own cookie database, not an export")
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refusal(source, f"the file is not UTF-8 text ({exc.reason})") from None


def _load_json(text: str, source: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refusal(source, f"JSON syntax error: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise _refusal(source, "JSON syntax error: brackets nested too deeply") from None


def _read_json(data: object, source: str) -> Reading:
    """Tell the three JSON formats apart by their keys and the shape of their cookies."""
    if isinstance(data, list):
        reading = Reading("cookie-editor")
        read_json_cookies(data, reading)
        return reading
    if not isinstance(data, dict):
        raise _refusal(source, f"the JSON is {json_type(data)}, not an array or an object")
    if not data.keys() & _KNOWN_KEYS:
        raise _refusal(source, f"a JSON object with {_key_list(data)} and none of 'cookies', 'origins', 'tokens'")
    cookies = data.get("cookies", [])
    if not isinstance(cookies, list):
        raise _refusal(source, f"'cookies' is {json_type(cookies)}, not an array")
    if data.keys() & _EXTENSION_KEYS or ("origins" not in data and _chrome_shaped(cookies)):
        reading = Reading("quaero-extension")
        read_json_cookies(cookies, reading)
        read_extension_extras(data, reading)
        return reading
    origins = data.get("origins", [])
    if not isinstance(origins, list):
        raise _refusal(source, f"'origins' is {json_type(origins)}, not an array")
    reading = Reading("playwright-storage-state")
    read_json_cookies(cookies, reading)
    read_origins(origins, reading)
    return reading


def _chrome_shaped(cookies: list[object]) -> bool:
    """Do the cookies use chrome.cookies keys (expirationDate, hostOnly) rather than Playwright's?"""
    return any(isinstance(c, dict) and ("expirationDate" in c or "hostOnly" in c) for c in cookies)


def _key_list(data: dict[str, object]) -> str:
    if not data:
        return "no keys"
    names = [repr(key[:40]) for key in list(data)[:_KEYS_IN_ERROR]]
    more = f" and {len(data) - _KEYS_IN_ERROR} more" if len(data) > _KEYS_IN_ERROR else ""
    return f"keys {', '.join(names)}{more}"


def _not_a_cookie_file(content: str) -> str:
    """Why text that is neither JSON nor tab-separated is refused (its content is not shown)."""
    if content.startswith("<"):
        return "this looks like HTML or XML (a saved web page?), not a cookie export"
    if "\n" not in content and "=" in content:
        return "this looks like a Cookie header (name=value; ...), which does not say which site the cookies are for"
    return "the file is neither JSON nor a Netscape cookies.txt (it has no tab-separated lines)"


def _finish(reading: Reading, source: str) -> ParsedLogin:
    """The ParsedLogin, or a refusal when nothing usable is left."""
    cookies = tuple(reading.cookies.values())
    if not (cookies or reading.local_storage or reading.tokens):
        raise _refusal(source, f"no usable cookie in this {FORMAT_LABELS[reading.format]} [{_why_empty(reading)}]")
    secret = CredentialSecret(
        cookies=cookies,
        local_storage=reading.local_storage,
        tokens=reading.tokens,
        user_agent=reading.user_agent,
    )
    domains = _ranked_domains(cookies)
    return ParsedLogin(reading.format, secret, reading.base_url, domains[0] if domains else "", tuple(reading.skipped))


def _why_empty(reading: Reading) -> str:
    notes = reading.skipped
    if not notes:
        return "it lists none"
    more = f"; {len(notes) - _NOTES_IN_ERROR} more dropped" if len(notes) > _NOTES_IN_ERROR else ""
    return "; ".join(notes[:_NOTES_IN_ERROR]) + more


def _ranked_domains(cookies: tuple[Cookie, ...]) -> list[str]:
    """Distinct cookie domains, the most cookies first; ties: the shortest, then alphabetical."""
    counts = Counter(cookie.domain for cookie in cookies)
    return sorted(counts, key=lambda domain: (-counts[domain], len(domain), domain))


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
