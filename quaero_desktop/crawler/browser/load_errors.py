"""What a failed load or read in a tab says, in the crawl's words.

Playwright's messages are written for programmers ("page.goto: net::ERR_CONNECTION_REFUSED at …",
"Target page, context or browser has been closed", then a call log); a page's error is read by a
person, so each is said as a sentence here, in the HTTP path's words where both paths meet the same
fault (connection_errors.py). A message nothing here knows is still cut to its first line, without
Playwright's method name, and said as the browser's. Strings in, so that importing this loads no
Playwright (an HTTP crawl never does).
"""

from __future__ import annotations

import re

from quaero_desktop.crawler.connection_errors import describe_network_error, network_error_code
from quaero_desktop.crawler.fetched import FetchError
from quaero_desktop.domain.long_urls import shorten_urls

# Network errors worth another attempt; others (refused, DNS, bad certificate) are final.
_RETRYABLE_NET_ERRORS = (
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_EMPTY_RESPONSE",
    "ERR_NETWORK_CHANGED",
    "ERR_TIMED_OUT",
    "ERR_CONNECTION_TIMED_OUT",
    "ERR_HTTP2_PROTOCOL_ERROR",
)
_INTERRUPTED = re.compile(r"is interrupted by another navigation to")
# A load that failed before commits Chromium's error page late, into whatever the tab does next.
_ERROR_PAGE = re.compile(r"is interrupted by another navigation to \W*chrome-error:")
_CLOSED = re.compile(r"Target (?:page, context or browser )?(?:has been )?closed|Target crashed|Browser closed", re.I)
_INVALID_URL = re.compile(r"Cannot navigate to invalid URL", re.I)
_API_NAME = re.compile(r"^[A-Za-z]+\.[A-Za-z]+: ")  # "page.goto: ", "page.evaluate: "

# Measured: a renderer of an ordinary page holds 50-150 MB; the Python manual's largest pages
# (contents.html, 48,864 elements; genindex-all.html) 243-262 MB. 768 MiB is three times that, and
# keeps the crawl's processes together (Python, Playwright's driver, the browser process, this
# renderer) under 1.5 GB; a page past it is no document a person reads.
MAX_RENDERER_BYTES = 768 * 2**20


def page_too_heavy(limit_bytes: int = MAX_RENDERER_BYTES) -> FetchError:
    """The error of a page whose renderer passed ``limit_bytes`` (what its scripts built, most often)."""
    return FetchError(
        f"the page grew past {limit_bytes // 2**20:,} MB in the browser (what its scripts built is larger "
        "than a page a person reads); it was stopped",
        retryable=False,
    )


def timed_out(timeout_ms: float) -> FetchError:
    return FetchError(f"the page did not finish loading within {timeout_ms / 1000:g}s (timed out)", retryable=True)


def interrupted_by_navigation(message: str) -> bool:
    """The page sent the browser on (by script, or a refresh) before it finished loading."""
    return _INTERRUPTED.search(message) is not None and not interrupted_by_error_page(message)


def interrupted_by_error_page(message: str) -> bool:
    """The error page of an earlier failed load took the tab: the load is worth asking for again."""
    return _ERROR_PAGE.search(message) is not None


def navigated_away(message: str) -> bool:
    """The page's own script navigated while it was being read (the evaluation's context is gone)."""
    return "Execution context was destroyed" in message or "navigat" in message


def navigation_error(message: str, url: str) -> FetchError:
    """Why the tab could not load ``url``."""
    line = _first_line(message)
    code = network_error_code(line)
    if code is not None:
        at = line.split(" at ", 1)[1].strip() if " at " in line else url
        return FetchError(describe_network_error(code, at), retryable=code in _RETRYABLE_NET_ERRORS)
    if _INVALID_URL.search(line):
        return FetchError(f"the browser cannot load this address: {url}", retryable=False)
    if _CLOSED.search(line):
        return FetchError("the browser tab closed or crashed while the page loaded", retryable=True)
    if _INTERRUPTED.search(line):
        return FetchError("the browser could not load the page (another load took its place)", retryable=True)
    return FetchError(f"the browser could not load the page ({line})", retryable=False)


def read_error(message: str) -> FetchError:
    """Why a loaded page could not be read in its tab."""
    line = _first_line(message)
    if _CLOSED.search(line):
        return FetchError("the browser tab closed or crashed while the page was read", retryable=True)
    return FetchError(f"could not read the page in the browser ({line})", retryable=True)


def _first_line(message: str) -> str:
    """The message's first line without Playwright's method name, its URLs cut (a hostile page's)."""
    text = message.strip()
    line = text.splitlines()[0] if text else "unknown browser error"
    return shorten_urls(_API_NAME.sub("", line, count=1)).strip() or "unknown browser error"
