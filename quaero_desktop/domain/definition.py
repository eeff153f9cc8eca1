"""JobDefinition: what to crawl and how (docs/contracts.md, "Job definition format"), validated field by field."""

from __future__ import annotations

import dataclasses
import difflib
import enum
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from . import request_fields
from .durations import parse_duration
from .errors import ValidationError
from .field_rules import Check, Invalid, boolean, string_of
from .limits import CONCURRENCY, MAX_DEPTH, MAX_PAGES, Limit
from .schedule import CRON_EXPECTED, validate_cron

ID_PATTERN: Final = re.compile(r"[a-z0-9-]{1,64}")
AUTH_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

_ID_EXPECTED = 'an id of 1 to 64 characters from a-z, 0-9 and "-", such as "team-wiki"'
_NAME_EXPECTED = 'a non-empty name, such as "Team wiki"'
_URL_EXPECTED = 'an absolute http:// or https:// URL with a host, such as "https://wiki.example.com/start"'
_PATTERN_EXPECTED = 'a regular expression (a string), such as "/wiki/"'
_AUTH_ID_EXPECTED = (
    'a credential id of 1 to 64 characters from A-Z, a-z, 0-9, ".", "_" and "-" '
    'starting with a letter or digit, such as "wiki-sso", or "" for none'
)
_SCHEDULE_EXPECTED = f'{CRON_EXPECTED}, or "" for manual'
_TIMEOUT_EXPECTED = 'a duration greater than zero, such as "30m", "1h30m" or "45s" (units h, m, s, ms)'
_DESCRIPTION_EXPECTED = "a string (may be empty)"
_SELECTOR_EXPECTED = 'a CSS selector, such as "#user-menu" or "form.login", or "" for none'
_CONTENT_SELECTOR_EXPECTED = (
    'a CSS selector of the element holding the content, such as "main" or "#content", or "" for the page\'s own choice'
)
_EXCLUDE_SELECTOR_EXPECTED = 'a CSS selector of elements to leave out, such as ".comments" or "div.ad"'
_RENDER_EXPECTED = (
    '"auto" (plain HTTP, the browser only for pages that need JavaScript), "browser" (every page in '
    'the browser) or "http" (never the browser)'
)


class RenderMode(enum.StrEnum):
    """How a crawl fetches its pages (``render``): written in files as its value, read case-insensitively."""

    AUTO = "auto"  # plain HTTP, the browser only for the pages that need JavaScript
    BROWSER = "browser"  # every page in the browser
    HTTP = "http"  # never the browser


class _Missing:
    """Stands for the value of a required field that the input does not have."""

    def __repr__(self) -> str:
        return "<missing>"


# The ``value`` of a ValidationError raised for a required field that is absent.
MISSING: Final = _Missing()


@dataclass(frozen=True, kw_only=True)
class JobDefinition:
    """A validated job definition; every instance obeys the rules, however it was built.

    Build one from a file's data with ``from_mapping``; the constructor and
    ``with_changes`` validate too and report the source as "definition '<id>'".
    Lists may be given as lists or tuples and are stored as tuples; surrounding
    whitespace is stripped from name, URLs, schedule and timeout; auth_id "" means None.
    """

    id: str
    name: str
    description: str = ""
    start_urls: tuple[str, ...]
    include_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    max_depth: int = 2
    max_pages: int = 100
    concurrency: int = 4
    follow_links: bool = True
    same_domain: bool = True
    use_default_excludes: bool = True
    auth_id: str | None = None
    schedule: str = ""
    timeout: str = "30m"
    enabled: bool = True
    auto_start: bool = False
    keep_hash_routes: bool = True
    stay_under_start_path: bool = False
    # Below: "" (or None) takes the app-wide default from Settings (domain/crawl_defaults.py).
    request_delay: str = ""
    obey_robots_txt: bool | None = None
    user_agent: str = ""
    headers: tuple[tuple[str, str], ...] = ()  # over the app's default headers, by name
    proxy: str = ""
    render: RenderMode = RenderMode.AUTO
    # The site's own signals (docs/architecture.md, "What a site says about its pages"): on unless turned off.
    obey_noindex: bool = True  # <meta name="robots" content="noindex"> / X-Robots-Tag: noindex pages not stored
    obey_nofollow: bool = True  # rel="nofollow" links and nofollow pages' links not followed
    obey_canonical: bool = True  # one document per rel="canonical" URL within scope
    # How a crawl with a login tells it is still logged in (CSS selectors; "" for none: a password field tells).
    logged_in_selector: str = ""
    logged_out_selector: str = ""
    # What of a page is stored (crawler/markdown.py's ContentRules; CSS): the content's root ("" for the
    # page's own choice) and the elements left out before it is converted.
    content_selector: str = ""
    exclude_selectors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        values = {name: getattr(self, name) for name in FIELD_NAMES}
        for name, value in _validated_fields(values, f"definition '{self.id}'").items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], source: str) -> JobDefinition:
        """Validate ``data`` (e.g. a parsed TOML table) and build a definition from it.

        Raises ValidationError(source, field, value, expected) for the first problem:
        an unknown field first, then each field in declaration order (missing, wrong
        type, bad value). A required field that is absent is reported with value MISSING.
        """
        for key, value in data.items():
            if key not in FIELD_NAMES:
                raise ValidationError(source, str(key), value, _unknown_field_expected(str(key)))
        return cls(**_validated_fields(data, source))

    def to_mapping(self) -> dict[str, object]:
        """All fields in declaration order, lists as lists, headers as a table; fields that are None
        (auth_id, obey_robots_txt: the default) left out, as TOML has no null."""
        mapping: dict[str, object] = {}
        for name in FIELD_NAMES:
            value = getattr(self, name)
            if value is None:
                continue
            if name == "headers":
                mapping[name] = dict(value)
            elif isinstance(value, enum.Enum):
                mapping[name] = value.value  # the plain string: files and stored snapshots stay as they were
            else:
                mapping[name] = list(value) if isinstance(value, tuple) else value
        return mapping

    def with_changes(self, **changes: Any) -> JobDefinition:
        """A copy with ``changes`` applied, validated again (ValidationError if now invalid)."""
        return dataclasses.replace(self, **changes)

    @property
    def timeout_seconds(self) -> float:
        """The whole-job timeout in seconds."""
        return parse_duration(self.timeout).total_seconds()

    @property
    def request_delay_seconds(self) -> float | None:
        """The delay between requests to one host, or None for the app's default."""
        return parse_duration(self.request_delay).total_seconds() if self.request_delay else None


FIELD_NAMES: Final = tuple(field.name for field in dataclasses.fields(JobDefinition))


def copy_id(definition_id: str, taken: Collection[str]) -> str:
    """A free id for a copy of a definition: "<id>-copy", "<id>-copy-2", … (cut to fit 64 characters)."""
    for number in range(1, 10_000):
        suffix = "-copy" + (f"-{number}" if number > 1 else "")
        candidate = definition_id[: 64 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    return definition_id


def _unknown_field_expected(key: str) -> str:
    """The message for an unknown field, with a suggestion when the key looks like a typo."""
    expected = f"not a known field; known fields are: {', '.join(FIELD_NAMES)}"
    close = difflib.get_close_matches(key, FIELD_NAMES, n=1)
    return f"{expected} (did you mean '{close[0]}'?)" if close else expected


def _validated_fields(values: Mapping[str, object], source: str) -> dict[str, Any]:
    """Check each field present in ``values``, in declaration order; return normalised values."""
    checked: dict[str, Any] = {}
    for name, check in _CHECKS.items():
        if name not in values:
            if name in _REQUIRED_EXPECTED:
                raise ValidationError(source, name, MISSING, f"this field is required: {_REQUIRED_EXPECTED[name]}")
            continue
        value = values[name]
        try:
            checked[name] = check(value)
        except Invalid as invalid:
            if invalid.index is None:
                raise ValidationError(source, name, request_fields.shown_value(name, value), invalid.expected) from None
            raise ValidationError(source, f"{name}[{invalid.index}]", invalid.item, invalid.expected) from None
    return checked


def _whole_number_check(limit: Limit) -> Check:
    """An int (not a bool) within ``limit``."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value not in limit:
            raise Invalid(limit.expected)
        return value

    return check


def _list_check(expected: str, check_item: Check, *, non_empty: bool = False) -> Check:
    """A list (or tuple) whose items each pass ``check_item``; stored as a tuple.

    A bare string is refused rather than taken as a one-element list.
    """

    def check(value: object) -> tuple[object, ...]:
        if not isinstance(value, (list, tuple)) or (non_empty and not value):
            raise Invalid(expected)
        items = []
        for index, item in enumerate(value):
            try:
                items.append(check_item(item))
            except Invalid as invalid:
                raise Invalid(invalid.expected, index, item) from None
        return tuple(items)

    return check


def _id(value: object) -> str:
    text = string_of(value, _ID_EXPECTED)
    if not ID_PATTERN.fullmatch(text):
        raise Invalid(_ID_EXPECTED)
    return text


def _description(value: object) -> str:
    return string_of(value, _DESCRIPTION_EXPECTED)


def _name(value: object) -> str:
    text = string_of(value, _NAME_EXPECTED).strip()
    if not text:
        raise Invalid(_NAME_EXPECTED)
    return text


def _start_url(value: object) -> str:
    url = string_of(value, _URL_EXPECTED).strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric or out-of-range port
    except ValueError:
        raise Invalid(_URL_EXPECTED) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise Invalid(_URL_EXPECTED)
    return url


def _pattern(value: object) -> str:
    pattern = string_of(value, _PATTERN_EXPECTED)
    if not pattern:
        raise Invalid("a non-empty regular expression (an empty pattern matches every URL)")
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        raise Invalid(f"a valid regular expression ({exc})") from None
    return pattern


def _auth_id(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not AUTH_ID_PATTERN.fullmatch(value):
        raise Invalid(_AUTH_ID_EXPECTED)
    return value


def _schedule(value: object) -> str:
    expr = string_of(value, _SCHEDULE_EXPECTED).strip()
    if expr:
        try:
            validate_cron(expr)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    return expr


def _timeout(value: object) -> str:
    text = string_of(value, _TIMEOUT_EXPECTED).strip()
    try:
        duration = parse_duration(text)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if not duration:
        raise Invalid(_TIMEOUT_EXPECTED)
    return text


def _css_selector(value: object) -> str:
    text = string_of(value, _SELECTOR_EXPECTED).strip()
    if text:
        import cssselect  # only for a definition that names a selector: every command loads definitions

        try:
            cssselect.parse(text)
        except cssselect.SelectorError as exc:
            raise Invalid(f"{_SELECTOR_EXPECTED} (this one does not parse: {exc})") from None
    return text


def _content_selector(expected: str, *, optional: bool) -> Check:
    """A CSS selector the Markdown writer can apply to a page's HTML (lxml, through cssselect's translation
    to XPath): what only a browser can apply, such as a pseudo-element (::before), is refused here, not at the
    crawl's first page."""

    def check(value: object) -> str:
        text = string_of(value, expected).strip()
        if not text:
            if optional:
                return text
            raise Invalid(expected)
        import cssselect

        try:
            cssselect.GenericTranslator().css_to_xpath(text)
        except cssselect.SelectorSyntaxError as exc:
            raise Invalid(f"{expected} (this one does not parse: {exc})") from None
        except cssselect.SelectorError as exc:
            raise Invalid(f"{expected} (this one cannot be applied to a page's HTML: {exc})") from None
        return text

    return check


def _render(value: object) -> RenderMode:
    try:
        return RenderMode(string_of(value, _RENDER_EXPECTED).strip().lower())
    except ValueError:
        raise Invalid(_RENDER_EXPECTED) from None


_START_URLS_EXPECTED = 'a non-empty list of http(s) URLs, such as ["https://wiki.example.com/start"]'
_REQUIRED_EXPECTED: Final = {"id": _ID_EXPECTED, "name": _NAME_EXPECTED, "start_urls": _START_URLS_EXPECTED}
_CHECKS: Final[dict[str, Check]] = {
    "id": _id,
    "name": _name,
    "description": _description,
    "start_urls": _list_check(_START_URLS_EXPECTED, _start_url, non_empty=True),
    "include_patterns": _list_check('a list of regular expressions, such as ["/wiki/"]', _pattern),
    "exclude_patterns": _list_check('a list of regular expressions, such as ["logout", "/admin"]', _pattern),
    "max_depth": _whole_number_check(MAX_DEPTH),
    "max_pages": _whole_number_check(MAX_PAGES),
    "concurrency": _whole_number_check(CONCURRENCY),
    "follow_links": boolean,
    "same_domain": boolean,
    "use_default_excludes": boolean,
    "auth_id": _auth_id,
    "schedule": _schedule,
    "timeout": _timeout,
    "enabled": boolean,
    "auto_start": boolean,
    "keep_hash_routes": boolean,
    "stay_under_start_path": boolean,
    "request_delay": request_fields.request_delay,
    "obey_robots_txt": request_fields.optional_boolean,
    "user_agent": request_fields.user_agent,
    "headers": request_fields.headers,
    "proxy": request_fields.proxy,
    "render": _render,
    "obey_noindex": boolean,
    "obey_nofollow": boolean,
    "obey_canonical": boolean,
    "logged_in_selector": _css_selector,
    "logged_out_selector": _css_selector,
    "content_selector": _content_selector(_CONTENT_SELECTOR_EXPECTED, optional=True),
    "exclude_selectors": _list_check(
        'a list of CSS selectors, such as [".comments", "#related"]',
        _content_selector(_EXCLUDE_SELECTOR_EXPECTED, optional=False),
    ),
}
