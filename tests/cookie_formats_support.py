"""Shared by the cookie export tests (tests/test_cookie_formats*.py): the fixture folder and a
fixture's parse, and one cookie as a browser extension writes it."""

from __future__ import annotations

from pathlib import Path

from quaero_desktop.vault.cookie_formats import ParsedLogin, parse_cookie_file

FIXTURES = Path(__file__).parent / "fixtures" / "cookies"


def parse(name: str) -> ParsedLogin:
    return parse_cookie_file(FIXTURES / name)


def chrome_cookie(**changes: object) -> dict[str, object]:
    """One cookie as chrome.cookies / Cookie-Editor writes it."""
    cookie = {"domain": "wiki.example.com", "hostOnly": True, "httpOnly": False, "name": "sid", "path": "/",
              "secure": False, "session": True, "storeId": "0", "value": "v-0a1b2c3d4e5f"}  # fmt: skip
    return {**cookie, **changes}
