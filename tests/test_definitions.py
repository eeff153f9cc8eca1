"""JobDefinition validation and definition files (quaero_desktop.domain.definition / .definition_io)."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Literal

import pytest

from quaero_desktop.domain.definition import FIELD_NAMES, MISSING, JobDefinition
from quaero_desktop.domain.definition_io import (
    detect_format,
    dump_definition,
    load_definition_file,
    parse_definition_text,
)  # fmt: skip
from quaero_desktop.domain.errors import ValidationError

CONTRACT_EXAMPLE_TOML = """\
id = "team-wiki"                   # required, [a-z0-9-]+
name = "Team wiki"                 # required
description = ""
start_urls = ["https://wiki.example.com/start"]   # required, http(s)
include_patterns = ["/wiki/"]      # regex on the full URL; empty = all
exclude_patterns = ["logout", "/admin"]           # applied first
max_depth = 2
max_pages = 100                    # across the whole crawl, not per page
concurrency = 5
follow_links = true
same_domain = true                 # only the start URLs' hosts
auth_id = "wiki-sso"               # optional: a credential in the vault
schedule = ""                      # cron, 5 fields; empty = manual
timeout = "30m"                    # whole job
enabled = true
auto_start = false
"""

CONTRACT_EXAMPLE_JSON = """\
{"id": "team-wiki", "name": "Team wiki", "description": "",
 "start_urls": ["https://wiki.example.com/start"],
 "include_patterns": ["/wiki/"], "exclude_patterns": ["logout", "/admin"],
 "max_depth": 2, "max_pages": 100, "concurrency": 5, "follow_links": true, "same_domain": true,
 "auth_id": "wiki-sso", "schedule": "", "timeout": "30m", "enabled": true, "auto_start": false}
"""

MINIMAL = {"id": "team-wiki", "name": "Team wiki", "start_urls": ["https://wiki.example.com/start"]}
SOURCE = "defs/team-wiki.toml"


def build(**overrides: object) -> JobDefinition:
    """A definition from MINIMAL with ``overrides`` applied (a value of ... removes the field)."""
    data = {**MINIMAL, **overrides}
    return JobDefinition.from_mapping({k: v for k, v in data.items() if v is not ...}, SOURCE)


def refusal(**overrides: object) -> ValidationError:
    """The ValidationError that ``build(**overrides)`` raises."""
    with pytest.raises(ValidationError) as caught:
        build(**overrides)
    assert caught.value.source == SOURCE
    return caught.value


def full_definition() -> JobDefinition:
    """A definition with every field away from its default, including awkward characters."""
    return JobDefinition(
        id="team-wiki-2", name='Équipe "wiki" \\ notes', description="Line one\nline two",
        start_urls=("https://wiki.example.com/start", "http://docs.example.com:8080/a?b=c#d"),
        include_patterns=(r"/wiki/\d+", "(?i)docs"), exclude_patterns=("logout", r"/admin\b", '"quoted"'),
        max_depth=7, max_pages=5000, concurrency=16, follow_links=False, same_domain=False,
        use_default_excludes=False, auth_id="wiki.sso_2-x", schedule="*/15 9-17 * * mon-fri",
        timeout="1h30m", enabled=False, auto_start=True, keep_hash_routes=False, render="http",
        stay_under_start_path=True, request_delay="250ms", obey_robots_txt=False, user_agent="TeamBot/2 (+ops)",
        headers=(("Accept-Language", "fr"), ("X-Team", "docs")), proxy="socks5://127.0.0.1:1080",
    )  # fmt: skip


# --- the dataclass -----------------------------------------------------------------------


def test_fields_types_and_defaults_are_as_specified() -> None:
    assert FIELD_NAMES == (
        "id", "name", "description", "start_urls", "include_patterns", "exclude_patterns",
        "max_depth", "max_pages", "concurrency", "follow_links", "same_domain",
        "use_default_excludes", "auth_id", "schedule", "timeout", "enabled", "auto_start", "keep_hash_routes",
        "stay_under_start_path", "request_delay", "obey_robots_txt", "user_agent", "headers", "proxy", "render",
    )  # fmt: skip
    assert build().auth_id is None
    assert build().to_mapping() == {
        "id": "team-wiki", "name": "Team wiki", "description": "", "start_urls": ["https://wiki.example.com/start"],
        "include_patterns": [], "exclude_patterns": [], "max_depth": 2, "max_pages": 100, "concurrency": 4,
        "follow_links": True, "same_domain": True, "use_default_excludes": True, "schedule": "", "timeout": "30m",
        "enabled": True, "auto_start": False, "keep_hash_routes": True, "stay_under_start_path": False,
        "request_delay": "", "user_agent": "", "headers": {}, "proxy": "", "render": "auto",
    }  # fmt: skip


def test_definition_is_frozen_hashable_and_compared_by_value() -> None:
    first, second = full_definition(), full_definition()
    assert first == second and hash(first) == hash(second)
    assert len({first, second, build()}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.name = "other"  # type: ignore[misc]


def test_to_mapping_keeps_field_order_omits_a_null_auth_id_and_maps_back_equal() -> None:
    assert list(build().to_mapping()) == [name for name in FIELD_NAMES if name not in ("auth_id", "obey_robots_txt")]
    assert list(full_definition().to_mapping()) == list(FIELD_NAMES)
    for definition in (build(), full_definition()):
        assert JobDefinition.from_mapping(definition.to_mapping(), "copy") == definition


def test_with_changes_and_the_constructor_validate() -> None:
    original = build()
    changed = original.with_changes(max_pages=50, start_urls=["https://b.example.com/"])
    assert (changed.max_pages, changed.start_urls, original.max_pages) == (50, ("https://b.example.com/",), 100)
    with pytest.raises(ValidationError) as caught:
        original.with_changes(max_pages=0)
    assert (caught.value.source, caught.value.field, caught.value.value) == ("definition 'team-wiki'", "max_pages", 0)
    with pytest.raises(ValidationError, match=r"^definition 'x': field 'start_urls\[0\]' = 'ftp://x'"):
        JobDefinition(id="x", name="X", start_urls=("ftp://x",))
    with pytest.raises(TypeError):
        original.with_changes(no_such_field=1)


def test_timeout_seconds() -> None:
    assert build(timeout="90m").timeout_seconds == 5400.0 == build(timeout="1.5h").timeout_seconds


# --- from_mapping: order of checks -----------------------------------------------------------


def test_unknown_field_is_refused_with_the_known_fields() -> None:
    error = refusal(max_dept=3)
    assert (error.field, error.value) == ("max_dept", 3)
    assert error.expected.startswith("not a known field; known fields are: id, name, description, start_urls")
    assert "auto_start" in error.expected and "did you mean 'max_depth'?" in error.expected


@pytest.mark.parametrize("field", ["id", "name", "start_urls"])
def test_missing_required_field_is_refused(field: str) -> None:
    error = refusal(**{field: ...})
    assert (error.field, error.value) == (field, MISSING)
    assert f"field '{field}' = <missing>: this field is required" in str(error)


def test_unknown_fields_come_first_then_the_first_problem_in_field_order() -> None:
    assert refusal(id=..., colour="red").field == "colour"
    assert refusal(max_depth=-1, id="Bad Id", concurrency=0).field == "id"
    assert refusal(concurrency=0, max_depth=-1).field == "max_depth"
    assert refusal(start_urls=..., name="").field == "name"


# --- from_mapping: types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 5), ("name", None), ("description", 3),
        ("start_urls", "https://wiki.example.com/start"), ("start_urls", {"url": "https://wiki.example.com/"}),
        ("include_patterns", "/wiki/"), ("exclude_patterns", None),
        ("max_depth", True), ("max_depth", 2.0), ("max_pages", "100"), ("concurrency", False),
        ("follow_links", 1), ("same_domain", "true"), ("use_default_excludes", 0),
        ("auth_id", 5), ("schedule", 5), ("timeout", 30), ("enabled", "yes"), ("auto_start", 1),
        ("keep_hash_routes", "false"), ("render", True), ("render", "fast"), ("render", ""),
    ],
)  # fmt: skip
def test_wrong_type_is_refused(field: str, value: object) -> None:
    error = refusal(**{field: value})
    assert (error.field, error.value) == (field, value)


@pytest.mark.parametrize("field", ["start_urls", "include_patterns", "exclude_patterns"])
def test_non_string_list_item_is_refused_by_index(field: str) -> None:
    good = "https://wiki.example.com/start" if field == "start_urls" else "ok"
    error = refusal(**{field: [good, 42]})
    assert (error.field, error.value) == (f"{field}[1]", 42)


# --- from_mapping: value rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("id", "a", "a"), ("id", "0", "0"), ("id", "-", "-"), ("id", "a" * 64, "a" * 64), ("id", "wiki-2-", "wiki-2-"),
        ("name", "  Team wiki ", "Team wiki"),
        ("start_urls", ["http://localhost:8080/"], ("http://localhost:8080/",)),
        ("start_urls", ("HTTPS://Example.com", "http://[::1]/x"), ("HTTPS://Example.com", "http://[::1]/x")),
        ("start_urls", ["  https://a.example/start \n"], ("https://a.example/start",)),
        ("include_patterns", [r"/wiki/\d+", "(?i)docs"], (r"/wiki/\d+", "(?i)docs")),
        ("exclude_patterns", ["logout", "/admin"], ("logout", "/admin")),
        ("max_depth", 0, 0), ("max_depth", 100, 100), ("max_pages", 1, 1), ("max_pages", 10**6, 10**6),
        ("concurrency", 1, 1), ("concurrency", 32, 32),
        ("follow_links", False, False), ("same_domain", False, False), ("use_default_excludes", False, False),
        ("enabled", False, False), ("auto_start", True, True), ("keep_hash_routes", False, False),
        ("auth_id", "", None), ("auth_id", None, None), ("auth_id", "wiki-sso", "wiki-sso"),
        ("auth_id", "A.b_c-1", "A.b_c-1"), ("auth_id", "9", "9"), ("auth_id", "x" * 64, "x" * 64),
        ("schedule", "", ""), ("schedule", " 0 3 * * * ", "0 3 * * *"),
        ("timeout", "90m", "90m"), ("timeout", " 1.5h ", "1.5h"),
        ("render", "auto", "auto"), ("render", " Browser ", "browser"), ("render", "http", "http"),
    ],
)  # fmt: skip
def test_valid_value_is_stored(field: str, value: object, stored: object) -> None:
    assert getattr(build(**{field: value}), field) == stored


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        *[("id", bad, "1 to 64 characters") for bad in ("", "Team", "team_wiki", "a b", "a" * 65, "a\n", "wïki")],
        ("name", "   ", "a non-empty name"),
        ("start_urls", [], "a non-empty list of http(s) URLs"),
        ("max_depth", -1, "a whole number from 0 to 100"), ("max_depth", 101, "a whole number from 0 to 100"),
        ("max_pages", 0, "a whole number from 1 to 1000000"), ("max_pages", 10**6 + 1, "from 1 to 1000000"),
        ("concurrency", 0, "a whole number from 1 to 32"), ("concurrency", 33, "a whole number from 1 to 32"),
        *[("auth_id", bad, "credential id") for bad in ("-a", ".a", "a b", "a/b", "x" * 65, "wïki", "a\n")],
        *[("schedule", bad, "a 5-field cron expression") for bad in ("0 3 * * * *", "@daily", "60 * * * *")],
        ("schedule", "0 0 30 2 *", "never fires"),
        *[("timeout", bad, 'a duration such as "30m"') for bad in ("30", "thirty minutes", "-5m", "1d")],
        *[("timeout", zero, "a duration greater than zero") for zero in ("0s", "0m0s")],
    ],
)  # fmt: skip
def test_invalid_value_is_refused(field: str, value: object, expected: str) -> None:
    error = refusal(**{field: value})
    assert (error.field, error.value) == (field, value)
    assert expected in error.expected


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://wiki.example.com/", "wiki.example.com/start", "/start", "https://", "http:///path",
        "https://wiki example.com/", "http://wiki.example.com:99999/", "http://wiki.example.com:port/",
        "http://[::1/", "mailto:someone@example.com", "",
    ],
)  # fmt: skip
def test_start_urls_refuse_non_web_urls_naming_the_index(bad: str) -> None:
    error = refusal(start_urls=["https://wiki.example.com/start", bad])
    assert (error.field, error.value) == ("start_urls[1]", bad)
    assert "an absolute http:// or https:// URL" in error.expected


@pytest.mark.parametrize("field", ["include_patterns", "exclude_patterns"])
def test_patterns_must_compile_and_report_the_regex_error(field: str) -> None:
    error = refusal(**{field: ["ok", "abc[de"]})
    assert (error.field, error.value) == (f"{field}[1]", "abc[de")
    assert error.expected == "a valid regular expression (unterminated character set at position 3)"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [("", "matches every URL"), ("a{4294967296}", "a valid regular expression ("), ("(" * 5000 + ")" * 5000, "(")],
)
def test_empty_patterns_and_patterns_too_big_for_the_regex_engine_are_refused(bad: str, expected: str) -> None:
    error = refusal(exclude_patterns=[bad])
    assert (error.field, error.value) == ("exclude_patterns[0]", bad) and expected in error.expected


# --- files ---------------------------------------------------------------------------------


def write(directory: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = directory / name
    path.write_text(text, encoding=encoding)
    return path


def load_refusal(path: Path) -> ValidationError:
    """The ValidationError that loading ``path`` raises; it always names the file."""
    with pytest.raises(ValidationError) as caught:
        load_definition_file(path)
    assert caught.value.source == str(path)
    return caught.value


def test_design_example_toml_loads(tmp_path: Path) -> None:
    assert load_definition_file(write(tmp_path, "team-wiki.toml", CONTRACT_EXAMPLE_TOML)) == JobDefinition(
        id="team-wiki", name="Team wiki", start_urls=("https://wiki.example.com/start",),
        include_patterns=("/wiki/",), exclude_patterns=("logout", "/admin"), concurrency=5, auth_id="wiki-sso",
    )  # fmt: skip


def test_json_equivalent_loads_equal(tmp_path: Path) -> None:
    from_json = load_definition_file(write(tmp_path, "a.json", CONTRACT_EXAMPLE_JSON))
    assert from_json == load_definition_file(write(tmp_path, "a.toml", CONTRACT_EXAMPLE_TOML))


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_dump_then_load_round_trips(tmp_path: Path, fmt: Literal["toml", "json"]) -> None:
    for definition in (build(), full_definition()):
        assert load_definition_file(write(tmp_path, f"d.{fmt}", dump_definition(definition, fmt))) == definition


def test_dump_json_is_indented_with_trailing_newline_and_toml_parses_back() -> None:
    text = dump_definition(build(), "json")
    assert text.endswith("}\n") and '\n  "id": "team-wiki",\n' in text
    assert json.loads(text) == build().to_mapping()
    assert tomllib.loads(dump_definition(full_definition(), "toml")) == full_definition().to_mapping()


def test_detect_format_by_extension_then_by_content(tmp_path: Path) -> None:
    assert (detect_format("x.toml"), detect_format("x.TOML"), detect_format(Path("x.Json"))) == ("toml", "toml", "json")
    assert detect_format("x.def", text='  {"id": "a"}') == "json"
    assert detect_format("x.def", text='id = "a"') == "toml"
    assert detect_format(write(tmp_path, "team.def", '\n{"id": "a"}')) == "json"


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        ("a.conf", CONTRACT_EXAMPLE_JSON, "utf-8"),
        ("a", CONTRACT_EXAMPLE_TOML, "utf-8"),
        ("a.json", CONTRACT_EXAMPLE_JSON, "utf-8-sig"),
    ],
)
def test_other_extensions_are_sniffed_and_a_byte_order_mark_is_ignored(
    tmp_path: Path, name: str, text: str, encoding: str
) -> None:
    assert load_definition_file(write(tmp_path, name, text, encoding)).id == "team-wiki"


def test_missing_file_is_reported_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    error = load_refusal(path)
    assert (error.field, error.value, error.expected) == ("", None, "cannot read file: No such file or directory")
    assert str(error) == f"{path}: cannot read file: No such file or directory"


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    error = load_refusal(write(tmp_path, "latin1.toml", 'name = "Équipe"\n', "latin-1"))
    assert error.expected.startswith("cannot read file: it is not UTF-8 text")


def test_toml_syntax_error_reports_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", 'id = "team-wiki"\nname = "Team wiki"\n\nmax_depth = = 3\n')
    error = load_refusal(path)
    assert (error.field, error.line) == ("", 4)
    assert error.expected.startswith("TOML syntax error: ") and "(at line" not in error.expected
    assert str(error).startswith(f"{path}, line 4: TOML syntax error: ")


def test_toml_error_at_end_of_file_reports_last_line() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_definition_text('id = "a"\nstart_urls = [\n  "https://a.example"', "toml", "x.toml")
    assert caught.value.line == 3 and "(at end of file)" in caught.value.expected


def test_json_syntax_error_reports_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "id": "team-wiki",\n  "name": "Team wiki",,\n}\n')
    error = load_refusal(path)
    assert (error.field, error.line) == ("", 3)
    assert str(error).startswith(f"{path}, line 3: JSON syntax error: ")


@pytest.mark.parametrize(("text", "found"), [('["team-wiki"]', "an array"), ('"x"', "a string"), ("null", "null")])
def test_json_top_level_must_be_an_object(text: str, found: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_definition_text(text, "json", "x.json")
    assert caught.value.expected.endswith(f"at the top level, not {found}")


@pytest.mark.parametrize(("fmt", "text"), [("json", "[" * 100_000), ("toml", "a = " + "[" * 100_000)])
def test_absurd_nesting_is_a_validation_error(fmt: Literal["toml", "json"], text: str) -> None:
    with pytest.raises(ValidationError, match="nested too deeply"):
        parse_definition_text(text, fmt, "x")


def test_field_error_message_names_file_field_value_and_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, "w.toml", CONTRACT_EXAMPLE_TOML.replace('["/wiki/"]', '["/wiki/", "docs[0-9"]'))
    assert str(load_refusal(path)) == (
        f"{path}: field 'include_patterns[1]' = 'docs[0-9': "
        "a valid regular expression (unterminated character set at position 4)"
    )


def test_unknown_field_in_a_file_is_reported_with_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "w.json", CONTRACT_EXAMPLE_JSON.replace('"max_depth"', '"depth"'))
    assert str(load_refusal(path)).startswith(f"{path}: field 'depth' = 2: not a known field; known fields are: id,")


# --- the crawl controls (issue 11) -------------------------------------------------------


def test_crawl_controls_are_checked_and_never_echo_a_secret() -> None:
    assert build(headers={"X-Team": " docs "}).headers == (("X-Team", "docs"),)
    assert build(proxy="HTTP://Proxy.example.com:3128").proxy == "http://Proxy.example.com:3128"
    assert build(proxy="System").proxy == "system" and build(proxy="none").proxy == "none"
    assert build(request_delay="250ms").request_delay_seconds == 0.25 and build().request_delay_seconds is None
    for field, value, expected in [
        ("request_delay", "11m", "from 0 to 10m"),
        ("request_delay", "soon", "a duration"),
        ("user_agent", "Bot\nX-Evil: 1", "on one line"),
        ("proxy", "ftp://proxy:21", "a proxy URL"),
        ("proxy", "http://ada:s3cret@proxy:3128", "they go in the keyring"),
        ("headers", {"Cookie": "session=s3cret"}, "a saved login"),
        ("headers", {"Authorization": "Bearer s3cret"}, "never go in a definition"),
        ("headers", {"Bad Name": "x"}, "not a header name"),
        ("headers", "X-Team: docs", "a table of header names"),
        ("obey_robots_txt", "yes", "true or false"),
    ]:
        error = refusal(**{field: value})
        assert error.field == field and expected in error.expected, (field, value, str(error))
        assert "s3cret" not in str(error)


def test_stay_under_start_path_keeps_to_the_start_folder_and_the_tester_says_why() -> None:
    from quaero_desktop.engine.page_pipeline import CrawlScope

    definition = build(start_urls=["https://docs.example.com/signals/index.html"], stay_under_start_path=True)
    scope = CrawlScope.from_definition(definition)
    kept = scope.explain("https://docs.example.com/signals/fog#top", definition.start_urls)
    assert kept.kept and kept.normalised == "https://docs.example.com/signals/fog"
    assert "under a start URL's folder" in kept.reason
    left = scope.explain("https://docs.example.com/lamps/", definition.start_urls)
    assert not left.kept and left.reason == "not under the start URL's folder (/signals/)"
    assert scope.explain("https://docs.example.com/signals/index.html", definition.start_urls).reason.startswith(
        "a start URL"
    )
    assert not scope.explain("mailto:keeper@example.com").kept
    assert scope.links_to_follow(["/lamps/", "fog", "/signals/"], "https://docs.example.com/signals/x", 0) == [
        "https://docs.example.com/signals/fog",
        "https://docs.example.com/signals/",
    ]
    excluded = CrawlScope.from_definition(build(exclude_patterns=["/admin"])).explain(
        "https://wiki.example.com/admin/x"
    )
    assert not excluded.kept and excluded.reason == "excluded by pattern '/admin'"


def test_app_defaults_fill_what_a_definition_leaves_open() -> None:
    from quaero_desktop.domain.crawl_defaults import CrawlControls, CrawlDefaults

    defaults = CrawlDefaults(request_delay="1s", user_agent="Default/1", headers=(("Accept-Language", "en"),))
    plain = CrawlControls.of(build(), defaults)
    assert (plain.request_delay_s, plain.obey_robots_txt, plain.user_agent, plain.proxy) == (
        1.0,
        True,
        "Default/1",
        "system",
    )
    own = CrawlControls.of(
        build(request_delay="0s", obey_robots_txt=False, headers={"accept-language": "fr"}, proxy="none"), defaults
    )
    assert (own.request_delay_s, own.obey_robots_txt, own.headers, own.proxy) == (
        0.0,
        False,
        (("accept-language", "fr"),),
        "none",
    )
