"""/hostile/: what hostile or broken servers send (issue 21, item 5).

* ``/hostile/binary``: the bytes of a program (NUL bytes, control characters) served as ``text/html``;
  linked from ``/hostile/`` beside an ordinary page, ``/hostile/fine``.
"""

from __future__ import annotations

import random
import re

from .core import HTML_TYPE, Request, Response, Route, html_response, route
from .layout import page

# 64 KB of a seeded generator's bytes, with the ELF header a program starts with: binary by any measure.
_BINARY = b"\x7fELF\x02\x01\x01\x00" + random.Random(21).randbytes(64 * 1024)


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
]
