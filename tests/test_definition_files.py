"""Definition files (quaero_desktop.domain.definition_io): the contract's TOML example and its JSON
equivalent, dump and load round trips, format detection, and read and syntax errors that name the
file, the line or the field."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Literal

import pytest

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.definition_io import (
    detect_format,
    dump_definition,
    load_definition_file,
    parse_definition_text,
)  # fmt: skip
from quaero_desktop.domain.errors import ValidationError
from tests.definitions_support import build, full_definition

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
