"""Cookie export files (quaero_desktop.vault.cookie_formats): the four formats, refusals, no secret in messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quaero_desktop.domain.credential import Cookie
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.vault.cookie_formats import (
    MAX_FILE_BYTES,
    ParsedLogin,
    describe,
    parse_cookie_file,
    parse_cookie_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "cookies"
ACCEPTED = "expected a cookie export: a Cookie-Editor/EditThisCookie JSON array, a Playwright storage_state JSON"
GOOD_FIXTURES = {
    "cookie_editor.json": "cookie-editor",
    "cookie_editor_partial.json": "cookie-editor",
    "storage_state.json": "playwright-storage-state",
    "cookies.txt": "netscape",
    "cookies_partial.txt": "netscape",
    "extension_payload.json": "quaero-extension",
}
BROKEN_FIXTURES = {
    "empty.txt": ("the file is empty", None),
    "saved_page.html": ("this looks like HTML or XML (a saved web page?)", None),
    "random_object.json": ("a JSON object with keys 'version', 'accounts', 'settings' and none of 'cookies'", None),
    "syntax_error.json": ("JSON syntax error: Expecting ',' delimiter (column 9)", 11),
    "cookies_all_broken.txt": ("no usable cookie in this Netscape cookies.txt [line 2: no tab-separated columns", None),
}
# Values held by the broken fixtures that the generic extractor below cannot find.
BROKEN_FIXTURE_SECRETS = (
    "hunter2-not-real",
    "hidden-csrf-0b1c2d3e4f5a",
    "4C1D9E7B2A6F03E8D5C4B3A29180F7E6",
    "GA1.1.555000111.1762300000",
    "z9x8c7v6b5n4m3l2k1j0h9g8f7d6s5a4",
    "Pq18sKd93Lm2Zx7Cv4Bn6Mq0Wr5Ty3Ui",
)


def parse(name: str) -> ParsedLogin:
    return parse_cookie_file(FIXTURES / name)


def refused(text: str, source: str = "export.json") -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_cookie_text(text, source)
    return info.value


def chrome_cookie(**changes: object) -> dict[str, object]:
    """One cookie as chrome.cookies / Cookie-Editor writes it."""
    cookie = {"domain": "wiki.example.com", "hostOnly": True, "httpOnly": False, "name": "sid", "path": "/",
              "secure": False, "session": True, "storeId": "0", "value": "v-0a1b2c3d4e5f"}  # fmt: skip
    return {**cookie, **changes}


def _values_in(text: str) -> set[str]:
    """Every value a fixture holds: JSON "value" fields and token values, or cookies.txt's last columns."""
    values: set[str] = set()
    try:
        stack = [json.loads(text)]
    except ValueError:
        values.update("\t".join(line.split("\t")[6:]) for line in text.splitlines())
        stack = []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            values.update(v for k, v in item.items() if k == "value" and isinstance(v, str))
            if isinstance(item.get("tokens"), dict):
                values.update(item["tokens"].values())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return {value for value in values if len(value) >= 6}


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


# --- partial drops and refusals -----------------------------------------------------------------


def test_bad_json_entries_are_dropped_with_notes_and_last_duplicate_wins() -> None:
    parsed = parse("cookie_editor_partial.json")
    assert [(c.name, c.value) for c in parsed.secret.cookies] == [("sid", "new-2b4d6f8a0c1e3a5c7e9b")]
    assert parsed.skipped == (
        "entry 2: is a string, not a cookie object",
        "cookie 'tracker' (entry 3): expiry is not a number",
        "cookie 'orphan' (entry 4): no domain",
        "entry 5: no name",
        "cookie 'sid' (entry 1): replaced by the one at entry 6 (same name, domain and path)",
    )


def test_bad_netscape_lines_are_dropped_with_notes() -> None:
    parsed = parse("cookies_partial.txt")
    assert [c.name for c in parsed.secret.cookies] == ["JSESSIONID"]
    assert parsed.skipped == (
        "cookie 'remember_me' (line 3): expiry is not a number",
        "line 4: 4 tab-separated columns, expected 7",
        "cookie 'theme' (line 5): include_subdomains is not TRUE or FALSE",
        "line 6: no tab-separated columns (were the tabs turned into spaces?)",
    )


@pytest.mark.parametrize(("name", "problem", "line"), [(n, *expected) for n, expected in BROKEN_FIXTURES.items()])
def test_broken_fixtures_are_refused(name: str, problem: str, line: int | None) -> None:
    with pytest.raises(ValidationError) as info:
        parse(name)
    error = info.value
    assert (error.source, error.field, error.value, error.line) == (str(FIXTURES / name), "", None, line)
    assert problem in str(error)
    assert ACCEPTED in str(error)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('"[{\\"name\\": \\"sid\\"}]"', "the JSON is a string, not an array or an object"),
        ("{}", "a JSON object with no keys and none of 'cookies'"),
        ('{"cookies": {"sid": "x"}}', "'cookies' is an object, not an array"),
        ('{"cookies": [], "origins": "none"}', "'origins' is a string, not an array"),
        ("[]", "no usable cookie in this Cookie-Editor/EditThisCookie JSON [it lists none]"),
        ('{"userAgent": "UA", "baseUrl": "https://x.example", "tokens": {}}', "no usable cookie in this Quaero"),
        (
            "[1, 2, 3, 4]",
            "[entry 1: is a number, not a cookie object; entry 2: is a number, not a cookie object; "
            "entry 3: is a number, not a cookie object; 1 more dropped]",
        ),
        ("sid=abc123; theme=dark", "this looks like a Cookie header (name=value; ...)"),
        ("just some notes\nabout cookies", "neither JSON nor a Netscape cookies.txt"),
    ],
)
def test_unusable_text_is_refused(text: str, problem: str) -> None:
    error = refused(text)
    assert problem in str(error)
    assert ACCEPTED in str(error)


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "Cookies").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "video.mp4").write_bytes(bytes(MAX_FILE_BYTES + 1))
    cases = {
        "video.mp4": "the file is larger than 10 MB",
        "missing.json": "cannot read the file: No such file or directory",
        "Cookies": "this is a browser's own cookie database, not an export",
        "latin1.txt": "the file is not UTF-8 text",
    }
    for name, problem in cases.items():
        with pytest.raises(ValidationError, match=ACCEPTED) as info:
            parse_cookie_file(tmp_path / name)
        assert problem in str(info.value)


def test_byte_order_marks_are_accepted(tmp_path: Path) -> None:
    text = (FIXTURES / "cookie_editor.json").read_text(encoding="utf-8")
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{encoding}.json"
        path.write_text(text, encoding=encoding)
        assert len(parse_cookie_file(path).secret.cookies) == 8


# --- secrets and size ---------------------------------------------------------------------------


def _broken_variants(name: str, text: str) -> list[str]:
    """Texts derived from a good fixture, each refused, each still holding the fixture's values."""
    if not name.endswith(".json"):
        bad_flags = text.replace("\tTRUE\t", "\tYES\t").replace("\tFALSE\t", "\tNO\t")
        return ["<pre>" + text, text.replace("\t", "  "), bad_flags]
    data = json.loads(text)
    cookies = data if isinstance(data, list) else data.get("cookies", [])
    tokens = data.get("tokens", {}) if isinstance(data, dict) else {}
    return [
        "<pre>" + text,
        text[: len(text) // 2],
        json.dumps({"export": data}),
        json.dumps([{k: v for k, v in c.items() if k != "domain"} for c in cookies if isinstance(c, dict)]),
        json.dumps([{**c, "expirationDate": "soon", "expires": "soon"} for c in cookies if isinstance(c, dict)]),
        json.dumps({"cookies": [json.dumps(c) for c in cookies], "tokens": list(tokens.values())}),
        json.dumps({"cookies": cookies[0]["value"]}),
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_no_secret_value_in_results_reprs_or_errors(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if name in BROKEN_FIXTURES:
        shown = [str(refused(text, name))]
        secrets = set(BROKEN_FIXTURE_SECRETS)
    else:
        parsed = parse(name)
        secrets = _values_in(text) | {v for v in parsed.secret.secret_values() if len(v) >= 6}
        assert secrets, "the fixture should hold values to look for"
        shown = [str(parsed), repr(parsed), describe(parsed), *parsed.skipped]
        for variant in _broken_variants(name, text):
            error = refused(variant, name)
            shown += [str(error), repr(error), repr(error.value)]
    leaks = [secret for secret in secrets for message in shown if secret in message]
    assert not leaks


@pytest.mark.parametrize("fmt", ["netscape", "cookie-editor"])
def test_a_64_kb_cookie_jar_parses_whole(fmt: str) -> None:
    long_value = "x" * 120
    if fmt == "netscape":
        lines = [f".example.com\tTRUE\t/\tTRUE\t1798761600\tcookie_{i}\t{long_value}{i:06d}" for i in range(400)]
        text = "# Netscape HTTP Cookie File\n" + "\n".join(lines)
    else:
        text = json.dumps([chrome_cookie(name=f"cookie_{i}", value=f"{long_value}{i:06d}") for i in range(400)])
    assert len(text) >= 64 * 1024
    parsed = parse_cookie_text(text, "big")
    assert (len(parsed.secret.cookies), parsed.format) == (400, fmt)
