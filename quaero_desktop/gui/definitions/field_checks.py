"""The definition form's values and their validation, field by field, by asking the domain.

No rule lives here: each field is checked by ``JobDefinition.from_mapping`` on a minimal
valid mapping plus that one field, so every invalid field gets its own message (the domain
stops at the first problem of a whole mapping). List fields are checked line by line so the
message names the line and the editor can mark it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from quaero_desktop.domain.definition import FIELD_NAMES, JobDefinition
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.domain.schedule import next_run

FORM_SOURCE = "the form"
LIST_FIELDS = ("start_urls", "include_patterns", "exclude_patterns", "exclude_selectors")
NUMBER_FIELDS = ("max_depth", "max_pages", "concurrency")
TEXT_FIELDS = (
    "id",
    "name",
    "description",
    "auth_id",
    "schedule",
    "timeout",
    "request_delay",
    "user_agent",
    "proxy",
    "logged_in_selector",
    "logged_out_selector",
    "content_selector",
)
BOOL_FIELDS = (
    "follow_links",
    "same_domain",
    "use_default_excludes",
    "enabled",
    "auto_start",
    "keep_hash_routes",
    "stay_under_start_path",
    "obey_noindex",
    "obey_nofollow",
    "obey_canonical",
)
# Picked from a list: obey_robots_txt is None (the app's default), True or False; render a word.
CHOICE_FIELDS = ("obey_robots_txt", "render")
HEADER_FIELD = "headers"  # one "Name: value" per line
_VALID_BASE = {"id": "form-check", "name": "Form check", "start_urls": ["https://example.com/"]}
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")

assert set(LIST_FIELDS + NUMBER_FIELDS + TEXT_FIELDS + BOOL_FIELDS + CHOICE_FIELDS + (HEADER_FIELD,)) == set(
    FIELD_NAMES
), "the form covers every field"


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field; ``lines`` are the 0-based text lines at fault (list fields)."""

    message: str
    lines: tuple[int, ...] = ()


NumberedLines = list[tuple[int, str]]  # (0-based line in the text box, the line's text)


def numbered_lines(text: str) -> NumberedLines:
    """The non-blank lines of a multi-line field, stripped, with their line numbers."""
    return [(number, line.strip()) for number, line in enumerate(text.split("\n")) if line.strip()]


def number_value(text: str) -> int | str:
    """A typed whole number as an int; anything else as it is (the domain then says what it wants)."""
    stripped = text.strip()
    return int(stripped) if _WHOLE_NUMBER.fullmatch(stripped) else stripped


def definition_defaults(**overrides: object) -> dict[str, object]:
    """The mapping of a new definition: the domain's defaults, empty id/name/start URLs."""
    values: dict[str, object] = {"id": "", "name": "", "start_urls": []}
    for field in dataclasses.fields(JobDefinition):
        if field.default is not dataclasses.MISSING:
            values[field.name] = field.default
    values.update(overrides)
    return {name: values[name] for name in FIELD_NAMES}


def problem_with(field: str, value: object) -> FieldProblem | None:
    """What the domain says about ``value`` for ``field`` on its own, or None when it is valid."""
    try:
        JobDefinition.from_mapping({**_VALID_BASE, field: value}, FORM_SOURCE)
    except ValidationError as exc:
        return FieldProblem(expected_text(exc.expected))
    return None


def line_problems(field: str, lines: NumberedLines) -> FieldProblem | None:
    """Each bad line of a list field ("Line 2: …"), else the list's own problem (e.g. empty)."""
    bad: list[tuple[int, str]] = []
    for number, line in lines:
        problem = problem_with(field, [line])
        if problem is not None:
            bad.append((number, problem.message))
    if not bad:
        return problem_with(field, [line for _number, line in lines])
    messages = [f"Line {number + 1}: {message}" for number, message in bad]
    return FieldProblem("\n".join(messages), tuple(number for number, _message in bad))


def header_lines(lines: NumberedLines) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """ "Name: value" lines as a mapping, and the lines that are not of that form (number, text)."""
    headers: dict[str, str] = {}
    bad = []
    for number, line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            bad.append((number, line))
        else:
            headers[name.strip()] = value.strip()
    return headers, bad


def header_problems(lines: NumberedLines) -> FieldProblem | None:
    """Each bad header line ("Line 2: …"), checked by the domain one header at a time."""
    messages: list[tuple[int, str]] = []
    for number, line in lines:
        headers, malformed = header_lines([(number, line)])
        if malformed:
            messages.append((number, "Expected a header as Name: value, such as Accept-Language: en"))
            continue
        problem = problem_with(HEADER_FIELD, headers)
        if problem is not None:
            messages.append((number, problem.message))
    if not messages:
        return None
    return FieldProblem(
        "\n".join(f"Line {number + 1}: {message}" for number, message in messages),
        tuple(number for number, _message in messages),
    )


def form_problems(values: Mapping[str, object], lines: Mapping[str, NumberedLines]) -> dict[str, FieldProblem]:
    """Every field's problem at once (the form's ``values``; list fields also as numbered lines)."""
    problems: dict[str, FieldProblem] = {}
    for field in FIELD_NAMES:
        if field == HEADER_FIELD:
            problem = header_problems(lines[field])
        elif field in LIST_FIELDS:
            problem = line_problems(field, lines[field])
        else:
            problem = problem_with(field, values[field])
        if problem is not None:
            problems[field] = problem
    return problems


def definition_from_form(values: Mapping[str, object]) -> JobDefinition:
    """The definition the form describes; ValidationError (source "the form") if it is not valid."""
    return JobDefinition.from_mapping(values, FORM_SOURCE)


def field_of(error: ValidationError) -> str:
    """The form field a ValidationError is about ("include_patterns[1]" -> "include_patterns")."""
    return error.field.split("[", 1)[0]


def expected_text(expected: str) -> str:
    """The domain's "what is expected" text as a sentence for the form: "Expected a …"."""
    return f"Expected {expected}"


def upcoming_run(schedule: str, enabled: bool, now: datetime | None = None) -> datetime | None:
    """The next scheduled start (aware, local time), or None: manual, disabled or invalid."""
    if not enabled or not schedule.strip():
        return None
    try:
        return next_run(schedule.strip(), now or datetime.now().astimezone())
    except ValueError:
        return None
