"""Engine knobs that are not part of a job definition (the app's settings feed them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from quaero_desktop.crawler.browser.settle import SettleTimings
from quaero_desktop.domain.crawl_defaults import CrawlDefaults


@dataclass(frozen=True)
class EngineSettings:
    browser_path: str | None = None
    headless: bool = True
    page_timeout_s: float = 30.0
    # How long a page may take to render after its load event (JavaScript apps).
    settle: SettleTimings = field(default_factory=SettleTimings)
    retries: int = 2  # extra attempts for timeouts, 429 and 5xx
    retry_backoff_s: float = 0.5  # doubled per attempt
    block_resources: bool = True  # images, media and fonts
    recycle_page_after: int = 50  # pages per tab before a fresh tab (memory stays flat)
    # An auto crawl closes its browser context after this long without a page to render (reopened,
    # logged in again, by the next page that needs it); Chromium and Playwright's driver stop once no
    # crawl has had a context open for this long. None: both stay until the crawl / the engine ends.
    browser_idle_close_s: float | None = 45.0
    heartbeat_s: float = 2.0
    # The crawl as a whole fails when more than this share of finished pages failed,
    # once at least ``failure_min_pages`` pages finished.
    failure_ratio: float = 0.5
    failure_min_pages: int = 20
    log_flush_s: float = 0.5
    # A new run removes its definition's older stopped runs beyond this many (documents stay); 0 keeps all.
    keep_runs_per_definition: int = 50
    # The crawl controls a definition does not set itself (Settings → Crawling).
    crawl_defaults: CrawlDefaults = field(default_factory=CrawlDefaults)
