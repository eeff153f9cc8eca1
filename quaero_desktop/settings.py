"""User settings, kept as TOML in the data directory (``settings.toml``)."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from quaero_desktop.domain.crawl_defaults import CrawlDefaults
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.engine.settings import EngineSettings
from quaero_desktop.files import write_text_atomically

SETTINGS_FILENAME = "settings.toml"


@dataclass(frozen=True)
class AppSettings:
    browser_path: str = ""  # empty: detect
    default_concurrency: int = 4
    page_timeout_s: float = 30.0
    notifications: bool = True  # the switch for every kind below
    close_to_tray: bool = True  # closing the window keeps Quaero running in the background
    notify_completed: bool = True
    notify_failed: bool = True
    notify_login_expired: bool = True  # pages needed a login again (session expired?)
    ask_when_no_tray: bool = True  # no tray: closing the window asks (until "don't ask again")
    schedules_paused: bool = False  # the tray's "Pause schedules", kept across starts
    mcp_allow_crawl: bool = False  # AI assistants (quaero-desktop mcp) may start crawls
    # The crawl controls' defaults: a definition's own values win (domain/crawl_defaults.py).
    request_delay: str = "0s"
    obey_robots_txt: bool = True
    user_agent: str = ""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    proxy: str = "system"

    def engine_settings(self) -> EngineSettings:
        return EngineSettings(
            browser_path=self.browser_path or None,
            page_timeout_s=self.page_timeout_s,
            crawl_defaults=self.crawl_defaults(),
        )

    def crawl_defaults(self) -> CrawlDefaults:
        return CrawlDefaults(
            request_delay=self.request_delay or "0s",
            obey_robots_txt=self.obey_robots_txt,
            user_agent=self.user_agent,
            headers=tuple(self.headers.items()),
            proxy=self.proxy or "system",
        )


_RULES: dict[str, tuple[type | tuple[type, ...], str]] = {  # key: (accepted types, what is expected)
    "browser_path": (str, 'a path to a Chromium-based browser, or "" to detect one'),
    "default_concurrency": (int, "a whole number from 1 to 32"),
    "page_timeout_s": ((int, float), "a number of seconds from 1 to 600"),
    "notifications": (bool, "true or false"),
    "close_to_tray": (bool, "true or false"),
    "notify_completed": (bool, "true or false"),
    "notify_failed": (bool, "true or false"),
    "notify_login_expired": (bool, "true or false"),
    "ask_when_no_tray": (bool, "true or false"),
    "schedules_paused": (bool, "true or false"),
    "mcp_allow_crawl": (bool, "true or false"),
    "request_delay": (str, 'a duration such as "0s" or "250ms"'),
    "obey_robots_txt": (bool, "true or false"),
    "user_agent": (str, 'a user agent, or "" for the browser\'s own'),
    "headers": (dict, 'a table of header names and values, such as { "Accept-Language" = "en" }'),
    "proxy": (str, '"system", "none" or a proxy URL such as "http://proxy.example.com:3128"'),
}
# Settings that are crawl controls: checked by the definition's own rules for the same field.
_CONTROL_FIELDS = ("request_delay", "user_agent", "headers", "proxy")


def load_settings(data_dir: Path) -> AppSettings:
    path = data_dir / SETTINGS_FILENAME
    if not path.exists():
        return AppSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(str(path), "", None, f"cannot read settings: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(str(path), "", None, f"TOML syntax error: {exc}") from None
    return settings_from_mapping(data, str(path))


def settings_from_mapping(data: dict[str, Any], source: str) -> AppSettings:
    for key, value in data.items():
        if key not in _RULES:
            raise ValidationError(source, key, value, "not a known setting; known: " + ", ".join(_RULES))
        types, expected = _RULES[key]
        if (isinstance(value, bool) and types is not bool) or not isinstance(value, types):
            raise ValidationError(source, key, value, expected)
    for key in _CONTROL_FIELDS:
        if key in data:
            _check_control(source, key, data[key])
    settings = AppSettings(**data)
    if not 1 <= settings.default_concurrency <= 32:
        raise ValidationError(
            source, "default_concurrency", settings.default_concurrency, _RULES["default_concurrency"][1]
        )
    if not 1 <= settings.page_timeout_s <= 600:
        raise ValidationError(source, "page_timeout_s", settings.page_timeout_s, _RULES["page_timeout_s"][1])
    return settings


def _check_control(source: str, key: str, value: object) -> None:
    try:
        JobDefinition.from_mapping(
            {"id": "settings", "name": "Settings", "start_urls": ["https://example.com/"], key: value}, source
        )
    except ValidationError as exc:
        raise ValidationError(source, key, exc.value, exc.expected) from None


def save_settings(data_dir: Path, settings: AppSettings) -> None:
    """Write atomically: a crash never leaves a half-written settings file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    text = tomli_w.dumps({**dataclasses.asdict(settings), "headers": dict(settings.headers)})
    write_text_atomically(data_dir / SETTINGS_FILENAME, text)
