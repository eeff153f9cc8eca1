"""Cookie export files (quaero_desktop.vault.cookie_formats): partial drops, refusals that say what
was expected, no secret in any result, repr or message, and a large jar parsed whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.vault.cookie_formats import MAX_FILE_BYTES, describe, parse_cookie_file, parse_cookie_text
from tests.cookie_formats_support import FIXTURES, chrome_cookie, parse

ACCEPTED = "expected a cookie export: a Cookie-Editor/EditThisCookie JSON array, a Playwright storage_state JSON"
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


def refused(text: str, source: str = "export.json") -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_cookie_text(text, source)
    return info.value


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
