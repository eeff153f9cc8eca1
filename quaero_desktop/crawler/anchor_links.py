"""Links that only scroll a hash-routed page to one of its headings.

Documentation apps that route in the fragment write a heading's link as a query of the route:
``#/guide?id=install`` is ``#/guide`` scrolled to its heading ``id="install"``. ``normalise_url``
keeps a hash route, query and all, as a page's identity (the app decides what its query means), so
each such link would be a page of its own: a crawl stored every page once per heading linked from
its sidebar. A link is an anchor of the page it is found on when it names the page's own route
with a query of one parameter whose value is the id of one of the page's headings (h1-h6): it is
the page itself, not a page to fetch. Links to another route's headings cannot be judged before
that route is read; a page that turns out to show the same text as a stored one is stored once
all the same (engine/run/same_content.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import unquote

# A heading's id: <h2 id="install">, <h3 class="x" id='setup'>, <h4 id=faq>.
_HEADING_IDS: Final = re.compile(r"""<h[1-6]\b[^>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def heading_anchor_links(page_url: str, links: Iterable[str], html: str) -> set[str]:
    """The normalised ``links`` of the page at ``page_url`` (normalised) that are anchors of its headings
    in ``html``: its own route with a one-parameter query naming a heading's id."""
    base, _, route = page_url.partition("#")
    own_path = route.partition("?")[0] or "/"
    candidates: dict[str, str] = {}
    for link in links:
        anchor = _anchor_value(link, base, own_path)
        if anchor is not None:
            candidates[link] = anchor
    if not candidates:
        return set()
    ids = {
        unquote(next(value for value in match.groups() if value is not None)) for match in _HEADING_IDS.finditer(html)
    }
    return {link for link, anchor in candidates.items() if anchor in ids}


def _anchor_value(link: str, base: str, own_path: str) -> str | None:
    """The value of ``link``'s one route parameter when it is ``base``'s route ``own_path`` with one; else None."""
    link_base, hash_mark, route = link.partition("#")
    if not hash_mark or link_base != base:
        return None
    path, question, query = route.partition("?")
    if not question or path != own_path or "&" in query:
        return None
    value = query.partition("=")[2]
    return unquote(value) if value else None
