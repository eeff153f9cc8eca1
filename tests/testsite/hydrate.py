"""/hydrate/: server-rendered pages whose scripts add more (the HTTP fast path's host check).

Each page's HTML has plenty of text and links, so nothing in it says it needs a browser; its
script then adds a paragraph and a link to a page only the rendered view links to
(``/hydrate/extra-NAME``). A crawl in auto mode must notice (it checks a sample of each host's
pages in the browser), switch the host to the browser, and store every extra page.
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


ROUTES: list[Route] = [
    route(r"/hydrate/extra-([a-z]+)", extra_page),
    route(r"/hydrate/(?:([a-z]+))?", hydrate_page),
]
