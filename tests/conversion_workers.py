"""Work for the conversion pool's workers that dies as an out-of-memory kill would (tests/test_conversion_pool.py).
A module of its own: each new worker imports it, and it imports only what a conversion needs."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from quaero_desktop.crawler.converted_page import ContentRules, ConvertedPage
from quaero_desktop.crawler.markdown import html_to_markdown


def killed_once(html: str, mark: str, rules: ContentRules) -> ConvertedPage:
    """The first conversion kills its worker (SIGKILL; ``mark`` is a file that says it did), the next converts."""
    if not os.path.exists(mark):
        Path(mark).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return html_to_markdown(html, "https://example.com/boats", rules)


def killed_always(html: str, url: str, rules: ContentRules) -> ConvertedPage:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("killed")
