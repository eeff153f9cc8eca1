"""JobDefinition validation (quaero_desktop.domain.definition): the dataclass, from_mapping's order
of checks, types and value rules, and the crawl controls. Definition files: test_definition_files.py."""

from __future__ import annotations

import dataclasses

import pytest

from quaero_desktop.domain.definition import FIELD_NAMES, MISSING, JobDefinition
from quaero_desktop.domain.errors import ValidationError
from tests.definitions_support import SOURCE, build, full_definition


def refusal(**overrides: object) -> ValidationError:
    """The ValidationError that ``build(**overrides)`` raises."""
    with pytest.raises(ValidationError) as caught:
        build(**overrides)
    assert caught.value.source == SOURCE
    return caught.value


# --- the dataclass -----------------------------------------------------------------------


def test_fields_types_and_defaults_are_as_specified() -> None:
    assert FIELD_NAMES == (
        "id", "name", "description", "start_urls", "include_patterns", "exclude_patterns",
        "max_depth", "max_pages", "concurrency", "follow_links", "same_domain",
        "use_default_excludes", "auth_id", "schedule", "timeout", "enabled", "auto_start", "keep_hash_routes",
        "stay_under_start_path", "request_delay", "obey_robots_txt", "user_agent", "headers", "proxy", "render",
        "obey_noindex", "obey_nofollow", "obey_canonical", "logged_in_selector", "logged_out_selector",
        "content_selector", "exclude_selectors",
    )  # fmt: skip
    assert build().auth_id is None
    assert build().to_mapping() == {
        "id": "team-wiki", "name": "Team wiki", "description": "", "start_urls": ["https://wiki.example.com/start"],
        "include_patterns": [], "exclude_patterns": [], "max_depth": 2, "max_pages": 100, "concurrency": 4,
        "follow_links": True, "same_domain": True, "use_default_excludes": True, "schedule": "", "timeout": "30m",
        "enabled": True, "auto_start": False, "keep_hash_routes": True, "stay_under_start_path": False,
        "request_delay": "", "user_agent": "", "headers": {}, "proxy": "", "render": "auto",
        "obey_noindex": True, "obey_nofollow": True, "obey_canonical": True, "logged_in_selector": "",
        "logged_out_selector": "", "content_selector": "", "exclude_selectors": [],
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


@pytest.mark.parametrize("field", ["start_urls", "include_patterns", "exclude_patterns", "exclude_selectors"])
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


# --- what of a page is stored: content_selector, exclude_selectors ---------------------------


def test_content_rules_are_css_selectors_stripped_and_stored() -> None:
    definition = build(content_selector=" article.post ", exclude_selectors=[" .comments", "#related > ul"])
    assert definition.content_selector == "article.post"
    assert definition.exclude_selectors == (".comments", "#related > ul")
    assert build(content_selector="").content_selector == "" and build().exclude_selectors == ()


@pytest.mark.parametrize(
    ("overrides", "field", "value", "expected"),
    [
        ({"content_selector": "div["}, "content_selector", "div[", "does not parse: Expected ident"),
        ({"content_selector": "p::first-line"}, "content_selector", "p::first-line", "cannot be applied to a page"),
        ({"content_selector": ["main"]}, "content_selector", ["main"], 'such as "main" or "#content"'),
        ({"exclude_selectors": [".ad", "nav >"]}, "exclude_selectors[1]", "nav >", "does not parse"),
        ({"exclude_selectors": [".ad", " "]}, "exclude_selectors[1]", " ", "a CSS selector of elements to leave out"),
        ({"exclude_selectors": ".ad"}, "exclude_selectors", ".ad", "a list of CSS selectors"),
    ],
)  # fmt: skip
def test_a_bad_content_rule_is_refused_naming_the_field_and_the_selector(
    overrides: dict[str, object], field: str, value: object, expected: str
) -> None:
    error = refusal(**overrides)
    assert (error.field, error.value) == (field, value)
    assert expected in error.expected
    assert f"field '{field}' = {value!r}" in str(error)


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
    from quaero_desktop.crawler.scope import CrawlScope

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
    assert scope.links_in_scope(["/lamps/", "fog", "/signals/"], "https://docs.example.com/signals/x") == [
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


def test_a_copy_gets_the_first_free_id_that_fits_64_characters() -> None:
    from quaero_desktop.domain.definition import ID_PATTERN, copy_id

    assert copy_id("docs", {"docs"}) == "docs-copy"
    assert copy_id("docs", {"docs", "docs-copy", "docs-copy-2"}) == "docs-copy-3"
    long = "a" * 64
    copied = copy_id(long, {long, "a" * 59 + "-copy"})
    assert copied == "a" * 57 + "-copy-2"
    assert ID_PATTERN.fullmatch(copied)
