"""User settings, kept as TOML in the data directory (``settings.toml``)."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from quaero_desktop.domain import request_fields
from quaero_desktop.domain.crawl_defaults import CrawlDefaults
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.domain.field_rules import Invalid
from quaero_desktop.domain.limits import CONCURRENCY, KEEP_RUNS, PAGE_TIMEOUT
from quaero_desktop.files import write_text_atomically

if TYPE_CHECKING:
    from quaero_desktop.engine.settings import EngineSettings

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
    ask_before_quit: bool = True  # quitting while crawls run asks (until "don't ask again")
    schedules_paused: bool = False  # the tray's "Pause schedules", kept across starts
    mcp_allow_crawl: bool = False  # AI assistants (quaero-desktop mcp) may start crawls
    # A definition's runs kept in the Jobs list: starting a run removes its older ones beyond this many (their
    # documents stay). 0: keep every run.
    keep_runs_per_definition: int = 50
    # The crawl controls' defaults: a definition's own values win (domain/crawl_defaults.py).
    request_delay: str = "0s"
    obey_robots_txt: bool = True
    user_agent: str = ""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    proxy: str = "system"
    # A team store: a PostgreSQL database's SQLAlchemy URL (postgresql+psycopg://ROLE@HOST:PORT/DATABASE);
    # "" keeps the SQLite file in the data directory. --database-url and QUAERO_DATABASE_URL win over it.
    database_url: str = ""
    # Team mode: a file holding the team key (readable by its owner only), for a worker without a keyring;
    # QUAERO_TEAM_KEY_FILE wins over it. Empty: the team key is in the keyring (vault/team_key_store.py).
    team_key_file: str = ""

    def engine_settings(self) -> EngineSettings:
        # Imported here: the engine's settings bring the page settling's timings (and lxml) along.
        from quaero_desktop.engine.settings import EngineSettings

        return EngineSettings(
            browser_path=self.browser_path or None,
            page_timeout_s=self.page_timeout_s,
            crawl_defaults=self.crawl_defaults(),
            keep_runs_per_definition=self.keep_runs_per_definition,
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
    "default_concurrency": (int, CONCURRENCY.expected),
    "page_timeout_s": ((int, float), PAGE_TIMEOUT.expected),
    "notifications": (bool, "true or false"),
    "close_to_tray": (bool, "true or false"),
    "notify_completed": (bool, "true or false"),
    "notify_failed": (bool, "true or false"),
    "notify_login_expired": (bool, "true or false"),
    "ask_when_no_tray": (bool, "true or false"),
    "ask_before_quit": (bool, "true or false"),
    "schedules_paused": (bool, "true or false"),
    "mcp_allow_crawl": (bool, "true or false"),
    "keep_runs_per_definition": (int, KEEP_RUNS.expected),
    "request_delay": (str, 'a duration such as "0s" or "250ms"'),
    "obey_robots_txt": (bool, "true or false"),
    "user_agent": (str, 'a user agent, or "" for the browser\'s own'),
    "headers": (dict, 'a table of header names and values, such as { "Accept-Language" = "en" }'),
    "proxy": (str, '"system", "none" or a proxy URL such as "http://proxy.example.com:3128"'),
    "database_url": (str, 'a PostgreSQL URL such as "postgresql+psycopg://quaero@db.example.com:5432/quaero", or ""'),
    "team_key_file": (str, 'the path of a team key file (chmod 600), or "" for the keyring'),
}


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
    for key in request_fields.DEFAULTABLE_CHECKS:
        if key in data:
            check_crawl_default(key, data[key], source)
    settings = AppSettings(**data)
    if settings.default_concurrency not in CONCURRENCY:
        raise ValidationError(source, "default_concurrency", settings.default_concurrency, CONCURRENCY.expected)
    if settings.keep_runs_per_definition not in KEEP_RUNS:
        raise ValidationError(source, "keep_runs_per_definition", settings.keep_runs_per_definition, KEEP_RUNS.expected)
    if settings.page_timeout_s not in PAGE_TIMEOUT:
        raise ValidationError(source, "page_timeout_s", settings.page_timeout_s, PAGE_TIMEOUT.expected)
    return settings


def check_crawl_default(key: str, value: object, source: str) -> Any:
    """A crawl control's default (request_delay, user_agent, headers, proxy) checked by the definition field's
    own rule, normalised as a definition stores it; ValidationError names ``key`` and shows no secret of the value."""
    try:
        return request_fields.DEFAULTABLE_CHECKS[key](value)
    except Invalid as invalid:
        raise ValidationError(source, key, request_fields.shown_value(key, value), invalid.expected) from None


def save_settings(data_dir: Path, settings: AppSettings) -> None:
    """Write atomically: a crash never leaves a half-written settings file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    text = tomli_w.dumps({**dataclasses.asdict(settings), "headers": dict(settings.headers)})
    write_text_atomically(data_dir / SETTINGS_FILENAME, text)
