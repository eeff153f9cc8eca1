"""Cookie export files (quaero_desktop.vault.cookie_formats): the four formats, told apart by content,
read and normalised, and how each is described. Refusals and secrets: test_cookie_formats_refusals.py."""

from __future__ import annotations

import json

import pytest

from quaero_desktop.domain.credential import Cookie
from quaero_desktop.vault.cookie_formats import describe, parse_cookie_text
from tests.cookie_formats_support import FIXTURES, chrome_cookie, parse

GOOD_FIXTURES = {
    "cookie_editor.json": "cookie-editor",
    "cookie_editor_partial.json": "cookie-editor",
    "storage_state.json": "playwright-storage-state",
    "cookies.txt": "netscape",
    "cookies_partial.txt": "netscape",
    "extension_payload.json": "quaero-extension",
}


# --- the four formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), GOOD_FIXTURES.items())
def test_format_is_detected_from_content_not_file_name(name: str, fmt: str) -> None:
    assert parse(name).format == fmt
    misleading = "cookies.txt" if name.endswith(".json") else "cookies.json"
    assert parse_cookie_text((FIXTURES / name).read_text(encoding="utf-8"), misleading).format == fmt


def test_cookie_editor_array() -> None:
    parsed = parse("cookie_editor.json")
    assert parsed.secret.cookies == (
        Cookie("_ga", "GA1.2.1843301122.1761993600", "example.com", "/", 1832457600.5, False, False, None, False),
        Cookie(
            "JSESSIONID", "8A3F0C2E9B7D41E6A5C3F19D0B2E7A64", "wiki.example.com", "/", None, True, True, "None", True
        ),
        Cookie(
            "seraph.confluence",
            "14155777:5f2d8e0c1b9a4d7e6c3b2a1f0e9d8c7b6a5f4e3d",
            "wiki.example.com",
            "/wiki",
            1769904000.0,
            True,
            True,
            "Lax",
            True,
        ),
        Cookie(
            "atlassian.xsrf.token",
            "B7Q2-KX4M-9TZR-WL3N_5e1c0a9f8d7b6e5c4a3b2d1f_lin",
            "wiki.example.com",
            "/",
            1769904000.0,
            True,
            False,
            "Strict",
            True,
        ),
        Cookie(
            "__Host-wiki.sid",
            "s%3AQm9vVGhpc0lzTWFkZVVw.Zx8kP2rL9vN4qT7wY1bE6hJ3mC5fA0dG",
            "wiki.example.com",
            "/",
            1769904000.0,
            True,
            True,
            None,
            True,
        ),
        Cookie(
            "__Secure-sso.pref",
            "theme=dark&tz=Europe%2FBerlin",
            "example.com",
            "/",
            1798761600.0,
            True,
            False,
            None,
            False,
        ),
        Cookie("_gat_UA-1234567-1", "1", "example.com", "/", 1700000000.0, False, False, None, False),
        Cookie("wiki.lang", "en-GB", "wiki.example.com", "/", 1798761600.0, False, False, "Lax", True),
    )
    assert parsed.secret.cookies[6].is_expired()  # kept: the crawler decides, with a log line
    assert (parsed.site_domain, parsed.base_url, parsed.skipped) == ("wiki.example.com", "", ())
    assert (parsed.secret.local_storage, parsed.secret.tokens, parsed.secret.user_agent) == ({}, {}, "")


def test_playwright_storage_state() -> None:
    parsed = parse("storage_state.json")
    assert parsed.secret.cookies == (
        Cookie(
            "session",
            "Fe26.2**0c9e1f3a7b5d2e8f4a6c1b3d5e7f9a0b*kT4mP8qR2vX6zB1n",
            "app.example.com",
            "/",
            None,
            True,
            True,
            "Lax",
            True,
        ),
        Cookie(
            "__Host-csrf",
            "a4f1e8c2d9b7365e0f1a2b3c4d5e6f7a",
            "app.example.com",
            "/",
            1769904000.75,
            True,
            False,
            "Strict",
            True,
        ),
        Cookie(
            "ajs_anonymous_id",
            "5b8e2c1a-7d3f-4e9b-a6c0-1f2e3d4c5b6a",
            "example.com",
            "/",
            1798761600.0,
            True,
            False,
            "None",
            False,
        ),
        Cookie(
            "AWSALB",
            "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1sb2FkLWJhbGFuY2Vy",
            "app.example.com",
            "/",
            1762905600.0,
            False,
            False,
            "Lax",
            True,
        ),
        Cookie(
            "intercom-session-x1y2z3",
            "dGVzdC1pbnRlcmNvbS1zZXNzaW9u--b7c6d5e4f3a2",
            "example.com",
            "/",
            1763510400.0,
            False,
            False,
            "Lax",
            False,
        ),
    )
    assert parsed.secret.local_storage == {
        "https://app.example.com": {
            "auth.accessToken": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqZG9lIn0.bWFkZS11cC1zaWduYXR1cmU",
            "ui.sidebar": '{"collapsed":true}',
        },
        "https://help.example.com": {"recentArticles": '["getting-started","sso-setup"]'},
    }
    assert (parsed.site_domain, parsed.base_url, parsed.skipped) == ("app.example.com", "https://app.example.com", ())


def test_netscape_cookies_txt() -> None:
    parsed = parse("cookies.txt")
    assert parsed.secret.cookies == (
        Cookie("_ga", "GA1.1.902137465.1762300000", "example.org", "/", 1798761600.0, False, False, None, False),
        Cookie(
            "__Secure-3PSID",
            "g.a000kQhYb3Fz8pL2vN7xR4tW9mC1dE6sJ0uA5yK",
            "example.org",
            "/",
            1798761600.0,
            True,
            False,
            None,
            False,
        ),
        Cookie("sessionid", "q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4h3", "docs.example.org", "/", None, True, True, None, True),
        Cookie(
            "csrftoken",
            "Xk29fLm4Qp7Rt1Vw8Yz3Ab6Cd0Ef5Gh2",
            "docs.example.org",
            "/",
            1769904000.0,
            True,
            False,
            None,
            True,
        ),
        Cookie(
            "__Host-docs_auth",
            "eyJ1c2VyIjoiamRvZSJ9.c2lnbmF0dXJl",
            "docs.example.org",
            "/",
            1769904000.0,
            True,
            True,
            None,
            True,
        ),
        Cookie(
            "last_query", "release notes 2025 q3", "docs.example.org", "/search", 1769904000.0, False, False, None, True
        ),
        Cookie("consent", "", "docs.example.org", "/", 1769904000.0, False, False, None, True),
        Cookie("tz", "Europe/Berlin", "docs.example.org", "/", 1769904000.0, False, False, None, False),
    )
    assert (parsed.site_domain, parsed.base_url, parsed.skipped) == ("docs.example.org", "", ())


def test_quaero_extension_payload() -> None:
    parsed = parse("extension_payload.json")
    assert parsed.secret.cookies == (
        Cookie(
            "portal_session", "ps_91c3e5a7b9d1f3e5a7c9b1d3", "portal.example.io", "/", None, True, True, "Lax", True
        ),
        Cookie("locale", "de-DE", "example.io", "/", 1798761600.224, False, False, None, False),
        Cookie(
            "__Host-portal_auth",
            "pa.6e4c2a0f8d6b4a2c0e8f6d4b2a0c8e6f",
            "portal.example.io",
            "/",
            1769904000.0,
            True,
            True,
            "Strict",
            True,
        ),
        Cookie("sso_token", "sso.3f5a7c9e1b3d5f7a9c1e3b5d", "example.io", "/", 1769904000.0, True, True, "None", False),
    )
    assert parsed.secret.tokens == {
        "csrfToken": "c5f0e1d2-9a8b-4c7d-b6e5-f4a3b2c1d0e9",
        "bearer": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqZG9lQGV4YW1wbGUuaW8ifQ.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Rz",
    }
    assert parsed.secret.user_agent.startswith("Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
    assert parsed.base_url == "https://portal.example.io/dashboard"  # query and fragment dropped
    assert parsed.site_domain == "example.io"  # 2 cookies each: the shorter domain wins


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("no_restriction", "None"), ("lax", "Lax"), ("strict", "Strict"), ("unspecified", None), (None, None),
     ("LAX", "Lax"), ("Strict", "Strict"), ("none", "None"), ("bogus", None)],
)  # fmt: skip
def test_same_site_spellings(raw: str | None, expected: str | None) -> None:
    parsed = parse_cookie_text(json.dumps([chrome_cookie(sameSite=raw)]), "export.json")
    assert parsed.secret.cookies[0].same_site == expected


def test_normalisation_of_json_cookies() -> None:
    entries = [
        chrome_cookie(name="a", domain=".Wiki.Example.COM", hostOnly=True),  # a leading dot wins over hostOnly
        chrome_cookie(name="b", domain="wiki.example.com", hostOnly=False, path=""),
        chrome_cookie(name="__host-c", secure=False, session=False, expirationDate=0),
    ]
    a, b, c = parse_cookie_text(json.dumps(entries), "export.json").secret.cookies
    assert (a.domain, a.host_only) == ("wiki.example.com", False)
    assert (b.host_only, b.path) == (False, "/")
    assert (c.secure, c.expires) == (True, None)


def test_netscape_without_header_with_crlf_tabs_in_value_and_six_columns() -> None:
    text = (
        "wiki.example.com\tFALSE\t/\tFALSE\t1769904000\tprefs\tcols=a\tb\r\n"
        "wiki.example.com\tTRUE\t/\tFALSE\t0\tflag\r\n"
    )
    prefs, flag = parse_cookie_text(text, "cookies.txt").secret.cookies
    assert (prefs.value, prefs.expires) == ("cols=a\tb", 1769904000.0)
    assert (flag.value, flag.host_only, flag.expires) == ("", False, None)


def test_storage_state_with_only_local_storage_is_accepted() -> None:
    data = {
        "cookies": [],
        "origins": [{"origin": "https://app.example.com", "localStorage": [{"name": "k", "value": "v"}]}],
    }
    parsed = parse_cookie_text(json.dumps(data), "state.json")
    assert (parsed.secret.cookies, parsed.site_domain, parsed.base_url) == ((), "", "https://app.example.com")
    assert describe(parsed) == "no cookies (Playwright storage_state JSON); 1 localStorage origin"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cookie_editor.json", "8 cookies for wiki.example.com, example.com (Cookie-Editor/EditThisCookie JSON)"),
        ("cookies_partial.txt", "1 cookie for intranet.example.net (Netscape cookies.txt); 4 entries skipped"),
        (
            "storage_state.json",
            "5 cookies for app.example.com, example.com (Playwright storage_state JSON); 2 localStorage origins",
        ),
        ("extension_payload.json", "4 cookies for example.io, portal.example.io (Quaero extension payload); 2 tokens"),
    ],
)
def test_describe(name: str, expected: str) -> None:
    assert describe(parse(name)) == expected
