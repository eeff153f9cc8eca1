"""Pages over the page-size bound (crawler.fetched.MAX_HTML_BYTES, 50 MB) under /huge/.

/huge/ links to /huge/fine (an ordinary page), /huge/long (20,000 paragraphs: long, within the
bounds) and the pages a crawl must refuse whole:
/huge/page is 60 MB of HTML, streamed in 1 MiB chunks so the server never holds it;
/huge/bomb is a gzip bomb, about 1 MB on the wire that inflates to a 1 GiB comment (built once, on first use);
/huge/dense is a gzip bomb of tiny paragraphs ("<p>a</p>"), 256 MiB inflated (built once, on first use);
/huge/crowded is 9 MB of tiny paragraphs: within the byte bound, a million elements;
/huge/framed is a small page whose frame is /huge/page;
/huge/built is a small page whose script builds a 60-million-character DOM; /huge/built-elements one whose
script builds 105,000 empty elements.
/huge/paragraphs/N (not linked) is N tiny paragraphs.
Nothing under /huge/ links outside it.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator

from .core import HTML_TYPE, Request, Response, html_response, route
from .layout import document, link_list

HUGE_PAGE_BYTES = 60 * 2**20
BOMB_BYTES = 2**30
DENSE_BOMB_BYTES = 2**28
CROWDED_PARAGRAPHS = 1_000_000
LONG_PARAGRAPHS = 20_000
_CHUNK = 2**20
_HEAD = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Huge</title></head><body><main>\n'
_TAIL = b"</main></body></html>\n"
_LINE = b"<p>Amber basin cedar delta ember fjord granite harbor island juniper kestrel lagoon.</p>\n"

_TINY = b"<p>a</p>\n"

_bombs: dict[str, bytes] = {}
_bomb_lock = threading.Lock()


def _index(req: Request, match: object) -> Response:
    links = [
        ("/huge/fine", "A fine page"),
        ("/huge/long", "A long page"),
        ("/huge/page", "60 MB"),
        ("/huge/bomb", "Bomb"),
        ("/huge/dense", "Dense bomb"),
        ("/huge/crowded", "Crowded"),
        ("/huge/framed", "Framed"),
        ("/huge/built", "Built"),
        ("/huge/built-elements", "Built of elements"),
    ]
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


def _gzip_bomb(name: str, opening: bytes, block: bytes, size: int, closing: bytes) -> bytes:
    """``opening``, ``block`` repeated to ``size`` bytes, ``closing``: gzip-compressed (deflate's best
    ratio is ~1000:1), built once."""
    with _bomb_lock:
        if name not in _bombs:
            packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: the gzip wrapper
            parts = [packer.compress(_HEAD + opening)]
            parts.extend(packer.compress(block) for _ in range(size // len(block)))
            parts.append(packer.compress(closing + _TAIL) + packer.flush())
            _bombs[name] = b"".join(parts)
        return _bombs[name]


def bomb_body() -> bytes:
    """A comment of BOMB_BYTES, gzip-compressed (about 1 MB). One comment: a renderer reads it at
    the network's pace (paragraphs it would lay out at a few MB a second under load)."""
    return _gzip_bomb("comment", b"<!--", b"a" * _CHUNK, BOMB_BYTES, b"-->")


def dense_bomb_body() -> bytes:
    """DENSE_BOMB_BYTES of tiny paragraphs, gzip-compressed: the most elements a byte makes."""
    return _gzip_bomb("dense", b"", _TINY * (_CHUNK // len(_TINY)), DENSE_BOMB_BYTES, b"")


def _bomb_page(req: Request, match: object) -> Response:
    return Response(200, bomb_body(), HTML_TYPE, [("Content-Encoding", "gzip")])


def _dense_page(req: Request, match: object) -> Response:
    return Response(200, dense_bomb_body(), HTML_TYPE, [("Content-Encoding", "gzip")])


def _tiny_paragraphs(count: int) -> Response:
    def chunks() -> Iterator[bytes]:
        yield _HEAD
        per_chunk = _CHUNK // len(_TINY)
        for start in range(0, count, per_chunk):
            yield _TINY * min(per_chunk, count - start)
        yield _TAIL

    return Response(200, b"", HTML_TYPE, [], chunks=chunks, length=len(_HEAD) + count * len(_TINY) + len(_TAIL))


def _crowded(req: Request, match: object) -> Response:
    return _tiny_paragraphs(CROWDED_PARAGRAPHS)


def _paragraphs(req: Request, match: re.Match[str]) -> Response:
    """/huge/paragraphs/N: N tiny paragraphs (not linked: benchmarks measure a page just within the bounds)."""
    return _tiny_paragraphs(min(int(match.group(1)), CROWDED_PARAGRAPHS))


def _long(req: Request, match: object) -> Response:
    paragraphs = "".join(f"<p>Paragraph {n} of a long page.</p>\n" for n in range(LONG_PARAGRAPHS))
    return html_response(document("A long page", f"<main><h1>A long page</h1>{paragraphs}</main>"))


def _framed(req: Request, match: object) -> Response:
    body = '<main><h1>Framed</h1><p>A page with a huge frame.</p><iframe src="/huge/page"></iframe></main>'
    return html_response(document("Framed", body))


_BUILD = f"document.querySelector('main').append('x'.repeat({HUGE_PAGE_BYTES}));"


def _built(req: Request, match: object) -> Response:
    body = f"<main><h1>Built</h1></main><script>{_BUILD}</script>"
    return html_response(document("Built", body))


# 105,000 empty elements made by script: past the element bound, though the HTML stays small; parsed
# from one string (as a framework's render does), its renderer stays within renderer_guard.py's bound
# (made one by one, with text, 105,000 elements grew it past 768 MB first).
_BUILD_ELEMENTS = "document.querySelector('main').insertAdjacentHTML('beforeend', '<i></i>'.repeat(105000));"


def _built_elements(req: Request, match: object) -> Response:
    body = f"<main><h1>Built of elements</h1></main><script>{_BUILD_ELEMENTS}</script>"
    return html_response(document("Built of elements", body))


ROUTES = [
    route(r"/huge/", _index),
    route(r"/huge/fine", _fine),
    route(r"/huge/page", _page),
    route(r"/huge/long", _long),
    route(r"/huge/bomb", _bomb_page),
    route(r"/huge/dense", _dense_page),
    route(r"/huge/crowded", _crowded),
    route(r"/huge/framed", _framed),
    route(r"/huge/paragraphs/(\d+)", _paragraphs),
    route(r"/huge/built", _built),
    route(r"/huge/built-elements", _built_elements),
]
