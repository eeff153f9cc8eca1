"""Engine knobs that are not part of a job definition (the app's settings feed them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSettings:
    browser_path: str | None = None
    headless: bool = True
    page_timeout_s: float = 30.0
    # After the load event, wait at most this long for requests the page started (JS content).
    network_idle_timeout_s: float = 2.0
    retries: int = 2  # extra attempts for timeouts, 429 and 5xx
    retry_backoff_s: float = 0.5  # doubled per attempt
    block_resources: bool = True  # images, media and fonts
    recycle_page_after: int = 50  # pages per tab before a fresh tab (memory stays flat)
    heartbeat_s: float = 2.0
    # The crawl as a whole fails when more than this share of finished pages failed,
    # once at least ``failure_min_pages`` pages finished.
    failure_ratio: float = 0.5
    failure_min_pages: int = 20
    log_flush_s: float = 0.5
