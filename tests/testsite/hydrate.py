"""/hydrate/: server-rendered pages whose scripts add more (the HTTP fast path's host check).

Each page's HTML has plenty of text and links, so nothing in it says it needs a browser; its
script then adds a paragraph and a link to a page only the rendered view links to
(``/hydrate/extra-NAME``). A crawl in auto mode must notice (it checks a sample of each host's
pages in the browser), switch the host to the browser, and store every extra page.

/hydrate/mixed/: one host, two kinds of page. ``app/NAME`` pages are hydrated as above (their
script adds a link to ``app/extra-NAME``); ``static/pN`` pages have no script, and each loads its own
stylesheet (``style-pN.css``), which only a browser asks for: its hits say whether it was rendered.
``moved/old`` is a Texinfo-style redirect stub (a meta refresh to ``static/p9``, which no other
page links to), the first page of its kind. Auto mode must send the app pages to the browser and
keep the static ones on HTTP.
"""

from __future__ import annotations

import json
import re

from .behaviours import not_found
from .core import Request, Response, Route, html_response, route
from .layout import page

NAMES = ("a", "b", "c", "d")
STATIC_TEXT = (
    "This page was rendered on the server, like most documentation sites. It has a heading, several "
    "sentences of text and links to its neighbours, so its HTML looks complete to anyone who reads it "
    "without running scripts. The crawler must still find out that its script adds more."
)


def _script(name: str) -> str:
    extra = (
        f"<p>Hydrated {name}: the orchard telescope hums a lullaby only scripts can hear, while the paper "
        "lanterns drift over the quiet harbour and the ferryman counts every lantern twice before dawn "
        f'breaks.</p><p><a href="/hydrate/extra-{name}">More about {name}</a></p>'
    )
    return (
        "<script>window.addEventListener('load', () => {"
        f"document.querySelector('main').insertAdjacentHTML('beforeend', {json.dumps(extra)});"
        "});</script>"
    )


def hydrate_page(req: Request, match: re.Match[str]) -> Response:
    name = match[1] or "index"
    if name != "index" and name not in NAMES:
        return not_found(req)
    links = "".join(f'<li><a href="/hydrate/{n}">Page {n}</a></li>' for n in NAMES)
    main = f"<h1>Hydrated {name}</h1>\n<p>{STATIC_TEXT}</p>\n<ul>{links}</ul>"
    return html_response(page(f"Hydrated {name}", main).replace("</body>", _script(name) + "</body>"))


def extra_page(req: Request, match: re.Match[str]) -> Response:
    name = match[1]
    if name != "index" and name not in NAMES:
        return not_found(req)
    main = f"<h1>Extra {name}</h1>\n<p>Only the rendered page links here: hydrated-extra-{name}.</p>"
    return html_response(page(f"Extra {name}", main))


MIXED_STATIC = tuple(f"p{number}" for number in range(1, 9))  # linked from static/; p9 only by the stub


def mixed_index(req: Request, match: re.Match[str]) -> Response:
    links = "".join(f'<li><a href="/hydrate/mixed/app/{name}">App page {name}</a></li>' for name in NAMES)
    main = f'<h1>Mixed</h1>\n<p>{STATIC_TEXT}</p>\n<ul>{links}<li><a href="/hydrate/mixed/static/">Static</a></li></ul>'
    return html_response(page("Mixed", main))


def mixed_app(req: Request, match: re.Match[str]) -> Response:
    name = match[1]
    if name not in NAMES:
        return not_found(req)
    links = "".join(f'<li><a href="/hydrate/mixed/app/{n}">App page {n}</a></li>' for n in NAMES)
    main = f"<h1>App {name}</h1>\n<p>{STATIC_TEXT}</p>\n<ul>{links}</ul>"
    script = _script(name).replace("/hydrate/extra-", "/hydrate/mixed/app/extra-")
    return html_response(page(f"App {name}", main).replace("</body>", script + "</body>"))


def mixed_static(req: Request, match: re.Match[str]) -> Response:
    name = match[1]
    if name and name not in (*MIXED_STATIC, "p9"):
        return not_found(req)
    links = "".join(f'<li><a href="/hydrate/mixed/static/{n}">Static {n}</a></li>' for n in MIXED_STATIC)
    links += '<li><a href="/hydrate/mixed/moved/old">An old name</a></li>'
    title = f"Static {name or 'index'}"
    main = f"<h1>{title}</h1>\n<p>{STATIC_TEXT} Static-{name or 'index'} words.</p>\n<ul>{links}</ul>"
    head = f'<link rel="stylesheet" href="/hydrate/mixed/style-{name or "index"}.css">'
    return html_response(page(title, main, head=head))


def mixed_moved(req: Request, match: re.Match[str]) -> Response:
    """A redirect stub, as GNU Texinfo writes them for renamed nodes: the first page of its kind."""
    head = '<meta http-equiv="Refresh" content="0; url=../static/p9">'
    return html_response(page("Old", "<p>This node moved.</p>", head=head))


def mixed_style(req: Request, match: re.Match[str]) -> Response:
    return Response(200, b"main { color: #222; }", "text/css")


def mixed_extra(req: Request, match: re.Match[str]) -> Response:
    main = f"<h1>Extra {match[1]}</h1>\n<p>Only the rendered app page links here: mixed-extra-{match[1]}.</p>"
    return html_response(page(f"Extra {match[1]}", main))


ROUTES: list[Route] = [
    route(r"/hydrate/mixed/", mixed_index),
    route(r"/hydrate/mixed/app/extra-([a-z]+)", mixed_extra),
    route(r"/hydrate/mixed/app/([a-z]+)", mixed_app),
    route(r"/hydrate/mixed/static/(?:([a-z0-9]+))?", mixed_static),
    route(r"/hydrate/mixed/moved/old", mixed_moved),
    route(r"/hydrate/mixed/style-([a-z0-9]+)\.css", mixed_style),
    route(r"/hydrate/extra-([a-z]+)", extra_page),
    route(r"/hydrate/(?:([a-z]+))?", hydrate_page),
]
