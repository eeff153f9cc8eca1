"""A latency-bound intranet for the team-mode tests, under /team/: page N answers after LATENCY_S and
links to its FANOUT children (pages N*FANOUT+1 …), PAGES pages in all, a tree of depth 2 from /team/0.
The site keeps, per page, how many times it was asked for, and the most pages it answered at once
(``peak_in_flight``): the workers' concurrency on the host, across all of them.
"""

from __future__ import annotations

import re
import threading
import time

from .core import Request, Response, html_response, route
from .layout import document, link_list

PAGES = 43  # 1 + 6 + 36: /team/0, its 6 children, and theirs
FANOUT = 6
LATENCY_S = 0.2

_lock = threading.Lock()
_in_flight = 0
_peak = 0


def reset() -> None:
    global _in_flight, _peak
    with _lock:
        _in_flight = _peak = 0


def peak_in_flight() -> int:
    """The most /team/ pages the site answered at the same time since ``reset``."""
    with _lock:
        return _peak


def _page(_req: Request, match: re.Match[str]) -> Response:
    global _in_flight, _peak
    number = int(match.group(1))
    with _lock:
        _in_flight += 1
        _peak = max(_peak, _in_flight)
    try:
        time.sleep(LATENCY_S)
    finally:
        with _lock:
            _in_flight -= 1
    if number >= PAGES:
        return html_response(document("Not found", "<main><h1>Not found</h1></main>"), 404)
    children = range(number * FANOUT + 1, min(PAGES, number * FANOUT + FANOUT + 1))
    links = [(f"/team/{child}", f"Team page {child}") for child in children]
    body = f"<main><h1>Team page {number}</h1><p>Shared by the team's workers: page {number}.</p>"
    return html_response(document(f"Team page {number}", body + link_list(links) + "</main>"))


ROUTES = [route(r"/team/(\d+)", _page)]
