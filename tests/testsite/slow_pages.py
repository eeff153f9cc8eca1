"""Pages that are still arriving, or never settle, when a crawl stops, under /slow-pages/ (the stop
tests' and the stop stress benchmark's site).

/slow-pages/ links to /slow-pages/trickle/N, /slow-pages/late/N, /slow-pages/app/N and
/slow-pages/restless/N (N = 1..PAGES, in turn); /slow-pages/?restless=K lists K more restless pages
first (a crawl's first pages are those). A trickle page sends its headers at once and then
its body a small piece every TRICKLE_STEP_S, for TRICKLE_S in all: a crawl that stops meanwhile stops
in the middle of reading a body. A late page answers nothing for LATE_S, then all of it: a crawl that
stops meanwhile stops while waiting for the answer. An app page is an empty shell whose script
(/slow-pages/app.js) trickles like a trickle page, then writes the page: a browser (and auto mode,
which renders shells in it) is stopped while the page loads. A restless page loads itself again as
soon as it runs, for ever (as a page whose script redirects at once, or a refresh of 0 s, may): a tab
showing it is always about to commit its next navigation, and a crawl that stops closes it then. A
page whose reader went away stops being sent (its thread ends at its next write). Each page links to
the index only.

``in_flight(since)`` counts the requests for these pages the server is still answering (sleeping
before a late page's answer, or sending a body), among those that came after ``since``
(``time.monotonic()``): a crawl stopped now stops that many requests in the middle.
``restless_loads(since)`` counts the loads of restless pages by their own script since then (a
tab shows one).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

from .core import HTML_TYPE, Request, Response, html_response, route
from .layout import document, link_list

PAGES = 100
TRICKLE_S = 4.0
TRICKLE_STEP_S = 0.05
LATE_S = 3.0
_FILLER = b"<p>Slow river, patient heron, a page that takes its time.</p>\n"

_lock = threading.Lock()
_answering: dict[int, float] = {}  # the requests being answered: an id -> when it came
_ids = iter(range(1, 2**62))
_restless_loads: list[float] = []  # when a restless page was asked for again by its script
_restless_loaded = threading.Condition(_lock)


def in_flight(since: float = 0.0) -> int:
    """The requests for these pages still being answered, of those that came after ``since``."""
    with _lock:
        return sum(1 for came in _answering.values() if came >= since)


def restless_loads(since: float = 0.0) -> int:
    """How many times a browser loaded a restless page again (its script ran) after ``since``."""
    with _lock:
        return sum(1 for came in _restless_loads if came >= since)


def next_restless_load(timeout_s: float) -> bool:
    """Wait until a browser asks for a restless page again (a tab is about to commit its next
    navigation); False after ``timeout_s`` without one."""
    with _restless_loaded:
        seen = len(_restless_loads)
        return _restless_loaded.wait_for(lambda: len(_restless_loads) > seen, timeout_s)


def _began() -> int:
    with _lock:
        request = next(_ids)
        _answering[request] = time.monotonic()
        return request


def _ended(request: int) -> None:
    with _lock:
        _answering.pop(request, None)


def _index(req: Request, _: re.Match[str]) -> Response:
    first = int(req.query.get("restless", "0"))  # restless pages listed first: a crawl's first pages
    links = [(f"/slow-pages/restless/{n}", f"Restless {n}") for n in range(PAGES + 1, PAGES + 1 + first)]
    for n in range(1, PAGES + 1):
        links.append((f"/slow-pages/trickle/{n}", f"Trickle {n}"))
        links.append((f"/slow-pages/late/{n}", f"Late {n}"))
        links.append((f"/slow-pages/app/{n}", f"App {n}"))
        links.append((f"/slow-pages/restless/{n}", f"Restless {n}"))
    return html_response(document("Slow pages", "<main><h1>Slow pages</h1>" + link_list(links) + "</main>"))


def _page_head(title: str) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="icon" href="data:,"></head><body><main><h1>{title}</h1>'
        '<p><a href="/slow-pages/">Slow pages</a></p>\n'
    ).encode()


_TAIL = b"</main></body></html>\n"


def _trickled(content_type: str, head: bytes, filler: bytes, tail: bytes) -> Response:
    """``head`` at once, then ``filler`` every TRICKLE_STEP_S for TRICKLE_S, then ``tail``."""
    steps = int(TRICKLE_S / TRICKLE_STEP_S)

    def chunks() -> Iterator[bytes]:
        request = _began()
        try:
            yield head
            for _ in range(steps):
                time.sleep(TRICKLE_STEP_S)
                yield filler
            yield tail
        finally:  # sent whole, or its reader went away (the server drops the generator)
            _ended(request)

    return Response(200, b"", content_type, [], chunks=chunks, length=len(head) + steps * len(filler) + len(tail))


def _trickle(_req: Request, match: re.Match[str]) -> Response:
    return _trickled(HTML_TYPE, _page_head(f"Trickle {match.group(1)}"), _FILLER, _TAIL)


def _app(_req: Request, match: re.Match[str]) -> Response:
    title = f"App {match.group(1)}"
    shell = '<div id="app"></div><script src="/slow-pages/app.js"></script>'
    return html_response(document(title, shell))


def _app_script(_req: Request, _: re.Match[str]) -> Response:
    write = b"document.getElementById('app').innerHTML = '<h1>App</h1><p>Written at last.</p>';\n"
    return _trickled("text/javascript", b"// slow\n", b"// still coming\n", write)


def _restless(req: Request, match: re.Match[str]) -> Response:
    if "again" in req.query:  # loaded again by its script: a browser shows it
        with _restless_loaded:
            _restless_loads.append(time.monotonic())
            _restless_loaded.notify_all()
    title = f"Restless {match.group(1)}"
    again = "<script>location.replace(location.pathname + '?again=' + Date.now());</script>"
    body = f"<main><h1>{title}</h1><p>A page that never stays.</p>{again}</main>"
    return html_response(document(title, body))


def _late(_req: Request, match: re.Match[str]) -> Response:
    request = _began()
    try:
        time.sleep(LATE_S)
    finally:
        _ended(request)
    return Response(200, _page_head(f"Late {match.group(1)}") + _FILLER + _TAIL, HTML_TYPE)


ROUTES = [
    route(r"/slow-pages/", _index),
    route(r"/slow-pages/trickle/(\d+)", _trickle),
    route(r"/slow-pages/late/(\d+)", _late),
    route(r"/slow-pages/app/(\d+)", _app),
    route(r"/slow-pages/app.js", _app_script),
    route(r"/slow-pages/restless/(\d+)", _restless),
]
