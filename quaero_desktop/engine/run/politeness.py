"""Politeness, decided before a page is fetched and whatever fetches it: the pause between two
requests to one host (``request_delay``, a robots.txt Crawl-delay, a Retry-After), and robots.txt.

One ``HostPacer`` and one ``RobotsRules`` per crawl, shared by its workers on the engine's loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from quaero_desktop.crawler.fetched import TextResponse

# Loads a text file; awaits its second argument just before the request goes out.
TextFetch = Callable[[str, Callable[[], Awaitable[object]]], Awaitable[TextResponse]]
MAX_CRAWL_DELAY_S = 60.0  # a robots.txt asking for more is obeyed up to this
MAX_RETRY_AFTER_S = 120.0  # a site asking to wait longer fails the page instead (said in its error)


def origin_of(url: str) -> str:
    """scheme://host[:port]: what robots.txt and the pause between requests are kept per."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class HostPacer:
    """Spaces the requests of a crawl to each host, across its workers.

    Each request to a host takes the next free slot: at least ``delay`` after the previous one
    (the larger of the definition's request_delay and the host's robots.txt Crawl-delay); a
    Retry-After answer pushes the host's next slot back for every worker.
    """

    def __init__(self, delay_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._delay_s = delay_s
        self._clock = clock
        self._next: dict[str, float] = {}
        self._host_delays: dict[str, float] = {}

    def set_host_delay(self, url: str, delay_s: float) -> None:
        self._host_delays[origin_of(url)] = min(delay_s, MAX_CRAWL_DELAY_S)

    def delay_for(self, url: str) -> float:
        return max(self._delay_s, self._host_delays.get(origin_of(url), 0.0))

    def hold(self, url: str, seconds: float) -> None:
        """The host asked for a pause (Retry-After): no request to it before then."""
        origin = origin_of(url)
        self._next[origin] = max(self._next.get(origin, 0.0), self._clock() + seconds)

    async def wait_turn(self, url: str) -> float:
        """Wait for this request's slot to ``url``'s host; returns the seconds waited."""
        origin = origin_of(url)
        now = self._clock()
        slot = max(now, self._next.get(origin, 0.0))
        self._next[origin] = slot + self.delay_for(url)  # reserved before sleeping: workers queue up
        wait = slot - now
        if wait > 0:
            await asyncio.sleep(wait)
        return wait


@dataclass(frozen=True)
class RobotsVerdict:
    allowed: bool
    reason: str = ""  # why not, for the page's note and the log


class RobotsRules:
    """robots.txt per origin, fetched once per crawl the way pages are (same context, proxy, headers).

    RFC 9309: a missing robots.txt (4xx) allows everything; a server error (5xx) means "everything
    disallowed" for now; a robots.txt that cannot be loaded at all (network error) is treated as
    absent, so the page's own fetch reports the real problem.
    """

    def __init__(
        self, user_agent: str, pacer: HostPacer, on_loaded: Callable[[str, str], None] = lambda _origin, _what: None
    ) -> None:
        self._agent = user_agent or "*"
        self._pacer = pacer
        self._on_loaded = on_loaded
        self._rules: dict[str, asyncio.Future[Protego | str | None]] = {}

    async def verdict(self, url: str, fetch_text: TextFetch) -> RobotsVerdict:
        """May ``url`` be crawled? ``fetch_text`` loads robots.txt (the asking worker's tab) the first time."""
        origin = origin_of(url)
        rules = await self._rules_for(origin, fetch_text)
        robots_url = f"{origin}/robots.txt"
        if rules is None:
            return RobotsVerdict(True)
        if isinstance(rules, str):
            return RobotsVerdict(False, f"not crawled: {robots_url} answered {rules}, so robots.txt disallows all")
        if rules.can_fetch(url, self._agent):
            return RobotsVerdict(True)
        return RobotsVerdict(False, f"not crawled: disallowed by {robots_url}")

    async def _rules_for(self, origin: str, fetch_text: TextFetch) -> Protego | str | None:
        """Parsed rules, an HTTP status text meaning "disallow all", or None for "no rules"."""
        future = self._rules.get(origin)
        if future is None:
            future = self._rules[origin] = asyncio.get_running_loop().create_future()
            try:
                future.set_result(await self._load(origin, fetch_text))
            except BaseException as exc:
                del self._rules[origin]  # the next page asks again
                if isinstance(exc, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(exc)
                    future.exception()  # retrieved: the waiters see it, nobody else has to
                raise
        return await future

    async def _load(self, origin: str, fetch_text: TextFetch) -> Protego | str | None:
        robots_url = f"{origin}/robots.txt"
        response = await fetch_text(robots_url, lambda: self._pacer.wait_turn(robots_url))
        status = response.status
        if status is None:
            self._on_loaded(origin, f"{robots_url} could not be loaded: crawling as if it had none")
            return None
        if status >= 500 or status == 429:
            self._on_loaded(origin, f"{robots_url} answered HTTP {status}: every page there is disallowed for now")
            return f"HTTP {status}"
        if status >= 400:
            self._on_loaded(origin, f"{robots_url}: none (HTTP {status}), every page allowed")
            return None
        rules = Protego.parse(response.text)
        delay = rules.crawl_delay(self._agent)
        if delay:
            self._pacer.set_host_delay(origin, float(delay))
        extra = f"; Crawl-delay {float(delay):g}s" if delay else ""
        self._on_loaded(origin, f"{robots_url} read for user agent {self._agent!r}{extra}")
        return rules
