"""The app-wide defaults of the crawl controls (Settings), which a definition's own values override.

A definition's ``request_delay``, ``user_agent`` and ``proxy`` of "" and ``obey_robots_txt`` left
out take these; its ``headers`` are added to these, a header of the same name replacing the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.durations import parse_duration


@dataclass(frozen=True)
class CrawlDefaults:
    request_delay: str = "0s"  # between two requests to the same host
    obey_robots_txt: bool = True
    user_agent: str = ""  # "": the browser's own
    headers: tuple[tuple[str, str], ...] = ()
    proxy: str = "system"  # "system", "none" or a proxy URL (its login, if any, in the keyring)


@dataclass(frozen=True)
class CrawlControls:
    """What one crawl does, its definition's values over the app's defaults."""

    request_delay_s: float
    obey_robots_txt: bool
    user_agent: str
    headers: tuple[tuple[str, str], ...]
    proxy: str  # "system", "none" or a proxy URL

    @classmethod
    def of(cls, definition: JobDefinition, defaults: CrawlDefaults) -> CrawlControls:
        headers = {name.lower(): (name, value) for name, value in defaults.headers}
        headers.update({name.lower(): (name, value) for name, value in definition.headers})
        delay = definition.request_delay_seconds
        if delay is None:
            delay = parse_duration(defaults.request_delay or "0s").total_seconds()
        robots = definition.obey_robots_txt
        return cls(
            request_delay_s=delay,
            obey_robots_txt=defaults.obey_robots_txt if robots is None else robots,
            user_agent=definition.user_agent or defaults.user_agent,
            headers=tuple(headers.values()),
            proxy=definition.proxy or defaults.proxy or "system",
        )


@dataclass(frozen=True)
class ProxyLogin:
    """A proxy's user name and password, as kept in the keyring (never in the database or a definition)."""

    username: str
    password: str = field(repr=False)


def proxy_key(proxy_url: str) -> str:
    """The keyring entry of a proxy's login: one per proxy host and port, whatever the scheme."""
    parts = urlsplit(proxy_url)
    default = {"http": 80, "https": 443}.get(parts.scheme, 1080)
    return f"proxy@{(parts.hostname or '').lower()}:{parts.port or default}"
