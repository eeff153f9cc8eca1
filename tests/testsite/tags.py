"""What pages tell crawlers about themselves: robots meta tags, X-Robots-Tag, rel="nofollow" links and
rel="canonical" (``/tags/``; not linked from home).

``/tags/`` links: ``noindex`` (meta noindex; its link to ``behind-noindex`` is still followed),
``header-noindex`` (X-Robots-Tag: noindex), ``nofollow-page`` (meta nofollow; links
``behind-nofollow``, never to be crawled), ``rel-nofollow-target`` (linked only with
rel="nofollow"), ``article`` and its variants ``article?sort=asc`` / ``article?print=1`` (canonical:
``article``), ``variant?v=1`` (canonical: ``canonical-only``, linked nowhere), ``loop-a`` and
``loop-b`` (each names the other as canonical), ``googlebot-only`` (a googlebot noindex: not ours).
``/tags/live`` (not linked) shows breadcrumbs, a relative time and a view count that change with every visit.
"""

from __future__ import annotations

import re

from .behaviours import not_found
from .core import Request, Response, Route, html_response, route
from .layout import esc, link_list, page

NAV = (("/tags/", "Tags Home"),)

# page -> (title, phrase, head, links); "C:" in head marks the canonical path
PAGES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "": ("Tags Home", "semaphore orchard", "", ()),
    "noindex": ("Not For Indexes", "hidden heron", '<meta name="robots" content="noindex">', ("behind-noindex",)),
    "behind-noindex": ("Behind Noindex", "tunnel lantern", "", ()),
    "header-noindex": ("Header Noindex", "whispering kiln", "", ()),
    "nofollow-page": (
        "Nofollow Page",
        "quiet sluice",
        '<meta name="robots" content="index, nofollow">',
        ("behind-nofollow",),
    ),
    "behind-nofollow": ("Behind Nofollow", "forbidden greenhouse", "", ()),
    "rel-nofollow-target": ("Rel Nofollow Target", "untrodden meadow", "", ()),
    "article": ("The Article", "canonical walnut", "C:/tags/article", ()),
    "variant": ("A Variant", "variant thimble", "C:/tags/canonical-only", ()),
    "canonical-only": ("Canonical Only", "lonely capstan", "C:/tags/canonical-only", ()),
    "loop-a": ("Loop A", "looping kestrel", "C:/tags/loop-b", ()),
    "loop-b": ("Loop B", "looping kestrel", "C:/tags/loop-a", ()),
    "googlebot-only": ("Googlebot Only", "selective badger", '<meta name="googlebot" content="noindex">', ()),
    "live": ("Live Page", "ticking abacus", "", ()),  # not linked: its counters change with every visit
}
INDEX_LINKS = (
    ("/tags/noindex", "Noindex"),
    ("/tags/header-noindex", "Header noindex"),
    ("/tags/nofollow-page", "Nofollow page"),
    ("/tags/article", "Article"),
    ("/tags/article?sort=asc", "Article, sorted"),
    ("/tags/article?print=1", "Article, printable"),
    ("/tags/variant?v=1", "A variant"),
    ("/tags/loop-a", "Loop A"),
    ("/tags/loop-b", "Loop B"),
    ("/tags/googlebot-only", "Googlebot only"),
)


def tags_page(req: Request, match: re.Match[str]) -> Response:
    name = match[1]
    if name not in PAGES:
        return not_found(req)
    title, phrase, head, links = PAGES[name]
    if head.startswith("C:"):
        head = f'<link rel="canonical" href="{req.state.base_url}{esc(head[2:])}">'
    body = f"<h1>{esc(title)}</h1>\n<p>This page keeps the {esc(phrase)} for the tests.</p>\n"
    if name == "":
        body += link_list(INDEX_LINKS)
        body += '<p><a href="/tags/rel-nofollow-target" rel="nofollow">A link crawlers are asked not to follow</a></p>'
    else:
        body += link_list([(f"/tags/{link}", link) for link in links])
    if name == "live":  # what changes with every visit, not with the page
        visits = req.state.wiki_visit()
        body = (
            f'<div class="breadcrumbs">You are here: <a href="/tags/">Tags</a> › Live (visit {visits})</div>\n{body}'
            f"<p>Updated {visits} minutes ago · {visits * 7:,} views</p>"
        )
    if name == "article" and req.query:
        body += f"<p>Shown with {esc(', '.join(sorted(req.query)))}.</p>"
    headers = [("X-Robots-Tag", "noindex")] if name == "header-noindex" else []
    headers += [("X-Robots-Tag", "googlebot: nofollow")] if name == "googlebot-only" else []
    return html_response(page(title, body, nav=NAV, head=head, brand_href="/tags/"), headers=headers)


ROUTES: list[Route] = [route(r"/tags/([\w-]*)", tags_page)]
