"""How a crawl's requests go out: user agent, extra headers, proxy (and the proxy's login).

One small value, built once per crawl from the definition over the app's defaults (``CrawlControls``)
and the proxy's login from the keyring. The browser context takes it today; an HTTP client takes the
same value (so pages, robots.txt and any other request of a crawl leave alike).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quaero_desktop.domain.crawl_defaults import CrawlControls, ProxyLogin

if TYPE_CHECKING:
    from playwright.async_api import ProxySettings

SYSTEM_PROXY = "system"
NO_PROXY = "none"


@dataclass(frozen=True)
class RequestOptions:
    user_agent: str = ""  # "": the browser's own (or the saved login's)
    headers: tuple[tuple[str, str], ...] = ()
    proxy: str = SYSTEM_PROXY  # "system", "none" or a proxy URL
    proxy_login: ProxyLogin | None = field(default=None, repr=False)
    user_agent_chosen: bool = False  # set by the definition itself: wins over a saved login's user agent

    @classmethod
    def of(
        cls, controls: CrawlControls, *, proxy_login: ProxyLogin | None = None, user_agent_chosen: bool = False
    ) -> RequestOptions:
        return cls(
            user_agent=controls.user_agent,
            headers=controls.headers,
            proxy=controls.proxy,
            proxy_login=proxy_login if proxy_uses_login(controls.proxy) else None,
            user_agent_chosen=user_agent_chosen,
        )

    def with_login_user_agent(self, login_user_agent: str | None) -> RequestOptions:
        """The user agent a saved login was captured with (sessions may be tied to it), unless the
        definition names its own."""
        if self.user_agent_chosen or not login_user_agent:
            return self
        return dataclasses.replace(self, user_agent=login_user_agent)

    def playwright_proxy(self) -> ProxySettings | None:
        """Playwright's proxy for a browser context; None keeps the system's settings."""
        if self.proxy == SYSTEM_PROXY:
            return None
        if self.proxy == NO_PROXY:
            return {"server": "direct://"}
        settings: ProxySettings = {"server": self.proxy}
        if self.proxy_login is not None:
            settings["username"] = self.proxy_login.username
            settings["password"] = self.proxy_login.password
        return settings

    @property
    def secrets(self) -> list[str]:
        """What a log must never show."""
        return [self.proxy_login.password] if self.proxy_login is not None and self.proxy_login.password else []

    def describe(self) -> str:
        """For the job log: what the requests carry (never the proxy's password)."""
        parts = [f"user agent {self.user_agent!r}" if self.user_agent else "the browser's user agent"]
        if self.headers:
            parts.append("headers " + ", ".join(name for name, _value in self.headers))
        if self.proxy == SYSTEM_PROXY:
            parts.append("the system's proxy settings")
        elif self.proxy == NO_PROXY:
            parts.append("no proxy")
        else:
            login = f" as {self.proxy_login.username}" if self.proxy_login is not None else ""
            parts.append(f"proxy {self.proxy}{login}")
        return ", ".join(parts)


def proxy_uses_login(proxy: str) -> bool:
    return proxy not in (SYSTEM_PROXY, NO_PROXY, "")
