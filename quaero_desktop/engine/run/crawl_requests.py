"""A crawl's requests, set up once when it starts: the request options (user agent, headers, proxy
with its login from the keyring) and its politeness (the pause per host, robots.txt)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from quaero_desktop.crawler.request_options import RequestOptions, proxy_uses_login
from quaero_desktop.domain.crawl_defaults import CrawlControls, CrawlDefaults, ProxyLogin
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.engine.run.politeness import HostPacer, RobotsRules


class ProxyLoginSource(Protocol):
    def load(self, proxy_url: str) -> ProxyLogin | None: ...


@dataclass(frozen=True)
class CrawlRequests:
    options: RequestOptions
    pacer: HostPacer
    robots: RobotsRules | None  # None: robots.txt is not obeyed
    summary: str  # for the job's log, after its "started" line


async def crawl_requests(
    definition: JobDefinition,
    defaults: CrawlDefaults,
    proxy_logins: ProxyLoginSource | None,
    run_log: RunLog,
    *,
    pacer_for: Callable[[float], HostPacer] = HostPacer,
) -> CrawlRequests:
    """``pacer_for``: the pacer of a request delay (a team crawl's shares it across workers)."""
    controls = CrawlControls.of(definition, defaults)
    login = None
    if proxy_uses_login(controls.proxy) and proxy_logins is not None:
        try:
            login = await asyncio.to_thread(proxy_logins.load, controls.proxy)
        except QuaeroError as exc:  # a locked keyring: the proxy may not need a login; say so
            run_log.warning(f"the proxy's login could not be read from the keyring: {exc}")
    options = RequestOptions.of(controls, proxy_login=login, user_agent_chosen=bool(definition.user_agent))
    run_log.redactor.add_secrets(options.secrets)
    pacer = pacer_for(controls.request_delay_s)
    robots = None
    if controls.obey_robots_txt:
        robots = RobotsRules(options.user_agent, pacer, on_loaded=lambda _origin, what: run_log.info(what))
    delay = f"{controls.request_delay_s:g}s between requests to a host" if controls.request_delay_s else "no delay"
    obeying = "obeying robots.txt" if controls.obey_robots_txt else "ignoring robots.txt"
    return CrawlRequests(options, pacer, robots, f"requests: {options.describe()}; {delay}; {obeying}")
