"""Pages over the page-size bound (crawler.fetched.MAX_HTML_BYTES, 50 MB) under /huge/.

/huge/ links to /huge/fine (an ordinary page) and three pages a crawl must refuse whole:
/huge/page is 60 MB of HTML, streamed in 1 MiB chunks so the server never holds it;
/huge/bomb is a gzip bomb, about 1 MB on the wire that inflates to a 1 GiB comment (built once, on first use);
/huge/built is a small page whose script builds a 60-million-character DOM.
Nothing under /huge/ links outside it.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator

from .core import HTML_TYPE, Request, Response, html_response, route
from .layout import document, link_list

HUGE_PAGE_BYTES = 60 * 2**20
BOMB_BYTES = 2**30
_CHUNK = 2**20
_HEAD = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Huge</title></head><body><main>\n'
_TAIL = b"</main></body></html>\n"
_LINE = b"<p>Amber basin cedar delta ember fjord granite harbor island juniper kestrel lagoon.</p>\n"

_bomb: bytes | None = None
_bomb_lock = threading.Lock()


def _index(req: Request, match: object) -> Response:
    links = [("/huge/fine", "A fine page"), ("/huge/page", "60 MB"), ("/huge/bomb", "Bomb"), ("/huge/built", "Built")]
    return html_response(document("Huge pages", "<main><h1>Huge pages</h1>" + link_list(links) + "</main>"))


def _fine(req: Request, match: object) -> Response:
    return html_response(document("A fine page", "<main><h1>A fine page</h1><p>Small and whole.</p></main>"))


def _page_chunks() -> Iterator[bytes]:
    yield _HEAD
    block = _LINE * (_CHUNK // len(_LINE))
    left = HUGE_PAGE_BYTES - len(_HEAD) - len(_TAIL)
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece
    yield _TAIL


def _page(req: Request, match: object) -> Response:
    return Response(200, b"", HTML_TYPE, [], chunks=_page_chunks, length=HUGE_PAGE_BYTES)


def bomb_body() -> bytes:
    """A comment of BOMB_BYTES, gzip-compressed (about 1 MB: deflate's best ratio is ~1000:1)."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: the gzip wrapper
            # One comment: the renderer reads it at the network's pace (paragraphs it would lay out
            # at a few MB a second under load, slower than the page's timeout).
            parts = [packer.compress(_HEAD + b"<!--")]
            block = b"a" * _CHUNK
            parts.extend(packer.compress(block) for _ in range(BOMB_BYTES // _CHUNK))
            parts.append(packer.compress(b"-->" + _TAIL) + packer.flush())
            _bomb = b"".join(parts)
        return _bomb


def _bomb_page(req: Request, match: object) -> Response:
    return Response(200, bomb_body(), HTML_TYPE, [("Content-Encoding", "gzip")])


_BUILD = f"document.querySelector('main').append('x'.repeat({HUGE_PAGE_BYTES}));"


def _built(req: Request, match: object) -> Response:
    body = f"<main><h1>Built</h1></main><script>{_BUILD}</script>"
    return html_response(document("Built", body))


ROUTES = [
    route(r"/huge/", _index),
    route(r"/huge/fine", _fine),
    route(r"/huge/page", _page),
    route(r"/huge/bomb", _bomb_page),
    route(r"/huge/built", _built),
]
