"""/hostile/: what hostile or broken servers send (issue 21, item 5).

* ``/hostile/binary``: the bytes of a program (NUL bytes, control characters) served as ``text/html``;
  linked from ``/hostile/`` beside an ordinary page, ``/hostile/fine``.
* ``/hostile/long-url``: links to a URL of ``LONG_URL_CHARS`` characters (the server refuses it, as
  real ones do: 414).
"""

from __future__ import annotations

import random
import re

from .core import HTML_TYPE, Request, Response, Route, html_response, route
from .layout import page

# 64 KB of a seeded generator's bytes, with the ELF header a program starts with: binary by any measure.
_BINARY = b"\x7fELF\x02\x01\x01\x00" + random.Random(21).randbytes(64 * 1024)


LONG_URL_CHARS = 100_000


def long_url(req: Request, match: re.Match[str]) -> Response:
    target = "/hostile/far?q=" + "a" * (LONG_URL_CHARS - 15)
    return html_response(page("Long URL", f'<h1>Long URL</h1>\n<p><a href="{target}">Far away</a></p>\n'))


def index(req: Request, match: re.Match[str]) -> Response:
    main = '<h1>Hostile</h1>\n<p><a href="/hostile/binary">A download</a> · <a href="/hostile/fine">A page</a></p>\n'
    return html_response(page("Hostile", main))


def binary(req: Request, match: re.Match[str]) -> Response:
    return Response(200, _BINARY, HTML_TYPE)


def fine(req: Request, match: re.Match[str]) -> Response:
    return html_response(page("Fine", "<h1>Fine</h1>\n<p>An ordinary page beside the hostile ones.</p>\n"))


ROUTES: list[Route] = [
    route(r"/hostile/", index),
    route(r"/hostile/binary", binary),
    route(r"/hostile/fine", fine),
    route(r"/hostile/long-url", long_url),
]
