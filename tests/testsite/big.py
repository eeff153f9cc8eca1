"""The large generated site under /big/ (enabled with TestSite(big_pages=N)).

/big/ links to ceil(N/25) sections /big/s{S}/; each section links to its leaves /big/s{S}/p{P}
(25 per section, the last one may have fewer) so there are exactly N leaves. A leaf links to
the previous and next leaf of its section, to its section and to /big/. Nothing under /big/
links outside it, so a crawl from /big/ reaches exactly big_paths(N).
"""

from __future__ import annotations

import json
import random
import re

from .behaviours import not_found
from .core import Request, Response, Route, html_response, route
from .layout import document, link_list, page

SECTION_SIZE = 25
BIG_NAV = (("/big/", "Big Index"),)
WORDS = [
    "amber",
    "basin",
    "cedar",
    "delta",
    "ember",
    "fjord",
    "granite",
    "harbor",
    "island",
    "juniper",
    "kestrel",
    "lagoon",
    "meadow",
    "nectar",
    "oasis",
    "pebble",
    "quarry",
    "ridge",
    "summit",
    "timber",
    "upland",
    "valley",
    "willow",
    "yonder",
    "anchor",
    "beacon",
    "canyon",
    "dune",
    "estuary",
    "forest",
    "gully",
    "heather",
    "inlet",
    "jetty",
    "knoll",
    "ledge",
    "marsh",
    "north",
    "outcrop",
    "prairie",
    "quay",
    "reef",
    "spruce",
    "tundra",
    "umber",
    "vista",
    "wharf",
]


def section_count(pages: int) -> int:
    """Number of sections for ``pages`` leaves."""
    return -(-pages // SECTION_SIZE)


def section_size(pages: int, section: int) -> int:
    """Number of leaves in ``section`` (1-based); 0 if the section does not exist."""
    if not 1 <= section <= section_count(pages):
        return 0
    return min(SECTION_SIZE, pages - (section - 1) * SECTION_SIZE)


def big_paths(pages: int) -> list[str]:
    """Every path of the big site: the index, the sections, then the leaves; [] if pages == 0."""
    if pages <= 0:
        return []
    sections = range(1, section_count(pages) + 1)
    leaves = [f"/big/s{s}/p{p}" for s in sections for p in range(1, section_size(pages, s) + 1)]
    return ["/big/", *(f"/big/s{s}/" for s in sections), *leaves]


def _filler(section: int, leaf: int) -> str:
    """About 2 KB of deterministic text (five paragraphs) for one leaf."""
    rng = random.Random(f"big-{section}-{leaf}")
    paragraphs = []
    for _ in range(5):
        words = [rng.choice(WORDS) for _ in range(55)]
        paragraphs.append(f"<p>{' '.join(words).capitalize()}.</p>")
    return "\n".join(paragraphs)


def _big_page(title: str, main: str) -> Response:
    return html_response(page(title, main, nav=BIG_NAV, brand_href="/big/"))


def big_index(req: Request, _: re.Match[str]) -> Response:
    """Links to every section."""
    count = section_count(req.state.big_pages)
    if count == 0:
        return not_found(req)
    links = [(f"/big/s{s}/", f"Section {s}") for s in range(1, count + 1)]
    return _big_page("Big Index", f"<h1>Big Index</h1>\n{link_list(links)}")


def big_section(req: Request, match: re.Match[str]) -> Response:
    """Links to every leaf of one section."""
    section = int(match[1])
    size = section_size(req.state.big_pages, section)
    if size == 0:
        return not_found(req)
    links = [(f"/big/s{section}/p{p}", f"Page {section}-{p}") for p in range(1, size + 1)]
    main = f"<h1>Big Section {section}</h1>\n{link_list(links)}"
    return _big_page(f"Big Section {section}", main)


def big_leaf(req: Request, match: re.Match[str]) -> Response:
    """H1 "Big Page S-P", the token bigtoken-S-P, ~2 KB of text and its neighbours' links."""
    section, leaf = int(match[1]), int(match[2])
    size = section_size(req.state.big_pages, section)
    if not 1 <= leaf <= size:
        return not_found(req)
    links = []
    if leaf > 1:
        links.append((f"/big/s{section}/p{leaf - 1}", "Previous page"))
    if leaf < size:
        links.append((f"/big/s{section}/p{leaf + 1}", "Next page"))
    links += [(f"/big/s{section}/", f"Section {section}"), ("/big/", "Big index")]
    main = (
        f"<h1>Big Page {section}-{leaf}</h1>\n<p>Token: bigtoken-{section}-{leaf}</p>\n"
        f"{_filler(section, leaf)}\n{link_list(links)}"
    )
    every = req.state.big_js_every
    if every and ((section - 1) * SECTION_SIZE + leaf) % every == 0:
        return _js_only(f"Big Page {section}-{leaf}", main)
    return _big_page(f"Big Page {section}-{leaf}", main)


def is_js_only(path: str, every: int) -> bool:
    """Whether a big leaf is served as a JavaScript-only page (``big_js_every``)."""
    parts = path.rstrip("/").split("/")
    if not every or len(parts) != 4 or not parts[3].startswith("p"):
        return False
    section, leaf = int(parts[2][1:]), int(parts[3][1:])
    return ((section - 1) * SECTION_SIZE + leaf) % every == 0


def _js_only(title: str, main: str) -> Response:
    """The same page, but its HTML is an empty app root: the content and links come from its script."""
    script = f"<script>document.getElementById('app').innerHTML = {json.dumps(main)};</script>"
    return html_response(document(title, f'<main id="app"></main>\n{script}'))


ROUTES: list[Route] = [
    route(r"/big/", big_index),
    route(r"/big/s([1-9]\d*)/", big_section),
    route(r"/big/s([1-9]\d*)/p([1-9]\d*)", big_leaf),
]
