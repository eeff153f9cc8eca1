"""Shared by the tests of the test site and the demo server (tests/test_testsite.py,
tests/test_demo_server.py): plain-HTTP fetches without following redirects, a page's links, and a
breadth-first crawl over them."""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import urlencode, urljoin

from tests.testsite import TestSite


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str,
    *,
    method: str = "GET",
    form: dict[str, str] | None = None,
    cookie: str | None = None,
    follow: bool = False,
) -> tuple[int, http.client.HTTPMessage, str]:
    """(status, headers, body text) without raising on 4xx/5xx; redirects only if ``follow``."""
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if cookie:
        request.add_header("Cookie", f"{TestSite.SESSION_COOKIE}={cookie}")
    opener = urllib.request.build_opener() if follow else _OPENER
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def links(html: str) -> list[str]:
    """The href of every <a> in document order (the sites write them as <a href="...">)."""
    return [unescape(href) for href in re.findall(r'<a\b[^>]*?\shref="([^"]*)"', html)]


def crawl(start: str, prefix: str) -> dict[str, tuple[int, int]]:
    """Breadth-first over links that start with ``prefix``: url -> (status, depth)."""
    seen: dict[str, tuple[int, int]] = {}
    queue = [(start, 0)]
    while queue:
        url, depth = queue.pop(0)
        if url in seen:
            continue
        status, _, body = fetch(url)
        seen[url] = (status, depth)
        if status == 200:
            queue += [(u, depth + 1) for u in (urljoin(url, h) for h in links(body)) if u.startswith(prefix)]
    return seen
