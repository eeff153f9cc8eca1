"""Pages that show the same text at several addresses (/docsapp/ and /same/): a crawl stores each once.

/docsapp/ is a hash-routed documentation app as docsify renders one: a sidebar with every page and,
under the current page, its headings as ``#/page?id=heading``; every route — with a heading's query
or not — renders the whole page (the query only scrolls). Its start page's contents link the first
heading of each other page, and the sidebar's tag routes (``#/tag/NAME``, as an API reference's)
render the start page again. /same/ holds server-side pages: identical and near-identical ones at
different URLs, and pages alike but different (two API operations, two short tickets, an article
with comments). See README.md.
"""

from __future__ import annotations

import json
import re

from .core import Request, Response, Route, html_response, route
from .layout import document, esc, link_list, page

# Each docs page: (title, phrase, [(heading id, heading, paragraph), ...]). "" is the start page.
DOC_PAGES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "": (
        "Docs App",
        "docsapp-home",
        [
            ("welcome", "Welcome", "This handbook explains the tidewater gauge from unpacking to daily readings."),
            ("features", "Features", "It records the tide every minute and keeps a year of readings on the device."),
            ("support", "Support", "Questions go to the harbour office, which answers within two working days."),
        ],
    ),
    "guide": (
        "Guide",
        "docsapp-guide",
        [
            ("install", "Install", "Fix the gauge to the pier with the four brass bolts from the box."),
            ("configure", "Configure", "Set the harbour's datum and the reading interval on the front dial."),
            ("calibrate", "Calibrate", "Compare three readings with the tide table before trusting the gauge."),
        ],
    ),
    "api": (
        "API",
        "docsapp-api",
        [
            ("endpoints", "Endpoints", "The gauge answers GET /readings and GET /status over its serial link."),
            ("errors", "Errors", "A reading the float could not take is sent as null, with the reason beside it."),
            ("limits", "Limits", "Ask at most once a second; faster requests get the previous reading again."),
        ],
    ),
    "faq": (
        "FAQ",
        "docsapp-faq",
        [
            ("general", "General", "The gauge needs no power cable: a small panel charges its battery."),
            ("storms", "Storms", "In a storm the float locks itself and readings pause until the sea calms."),
            ("cleaning", "Cleaning", "Rinse the float with fresh water each month to keep barnacles away."),
        ],
    ),
}
DOC_TAGS = ("setup", "usage")  # #/tag/NAME renders the start page, as an API reference's tag routes do
# What a crawl from /docsapp/ (max_depth 2, include /docsapp/) stores: each page once, under its route,
# and the other routes that render it as its aliases. No route to a page's own headings is fetched
# from that page (an anchor of it, not a page); the tag routes show the start page with its sidebar,
# so the start page's heading routes are met there, and are its aliases.
DOCSAPP_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "/docsapp/": (
        "/docsapp/#/?id=features",
        "/docsapp/#/?id=support",
        "/docsapp/#/?id=welcome",
        "/docsapp/#/tag/setup",
        "/docsapp/#/tag/usage",
    ),
    "/docsapp/#/guide": ("/docsapp/#/guide?id=install",),
    "/docsapp/#/api": ("/docsapp/#/api?id=endpoints",),
    "/docsapp/#/faq": ("/docsapp/#/faq?id=general",),
}

_DOCSAPP_SCRIPT = """
const PAGES = %(pages)s;
const TAGS = %(tags)s;
function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\\/?/, ''));
  const [path, query] = hash.split('?');
  const anchor = new URLSearchParams(query || '').get('id');
  const tag = path.startsWith('tag/') ? path.slice(4) : null;
  return {name: tag !== null ? '' : path.replace(/\\/$/, ''), tag: tag, anchor: anchor};
}
function heading(name, id, text, level) {
  return `<h${level} id="${id}"><a href="#/${name}?id=${id}" class="anchor"><span>${text}</span></a></h${level}>`;
}
function render() {
  const current = route();
  const page = PAGES[current.name];
  const article = document.getElementById('main');
  const sidebar = document.getElementById('sidebar');
  if (!page) { article.innerHTML = '<h1>404 - Not found</h1>'; return; }
  let items = '';
  for (const [name, other] of Object.entries(PAGES)) {
    items += `<li><a href="#/${name}">${other.title}</a>`;
    if (name === current.name) {
      const subs = other.sections.map(s => `<li><a href="#/${name}?id=${s[0]}">${s[1]}</a></li>`);
      items += '<ul>' + subs.join('') + '</ul>';
    }
    items += '</li>';
  }
  items += TAGS.map(tag => `<li><a href="#/tag/${tag}">Tag: ${tag}</a></li>`).join('');
  sidebar.innerHTML = `<div class="sidebar-nav"><ul>${items}</ul></div>`;
  let html = `<h1 id="${page.id}">${page.title}</h1><p>Phrase: ${page.phrase}.</p>`;
  for (const [id, text, paragraph] of page.sections) {
    html += heading(current.name, id, text, 2) + `<p>${paragraph}</p>`;
  }
  if (current.name === '') {
    const firsts = Object.entries(PAGES).filter(([name]) => name !== '');
    const entries = firsts.map(([name, other]) =>
      `<li><a href="#/${name}?id=${other.sections[0][0]}">${other.title}: ${other.sections[0][1]}</a></li>`);
    html += '<h2 id="contents">Contents</h2><ul>' + entries.join('') + '</ul>';
  }
  article.innerHTML = html;
  const active = current.anchor && page.sections.find(s => s[0] === current.anchor);
  document.title = (current.tag ? `Tag ${current.tag}` : active ? active[1] : page.title) + ' - Docs App';
  if (current.anchor) { const target = document.getElementById(current.anchor); if (target) target.scrollIntoView(); }
}
window.addEventListener('hashchange', render);
window.addEventListener('load', () => setTimeout(render, 20));
"""


def docsapp(_req: Request, _: re.Match[str]) -> Response:
    """The app's one HTML page: an empty sidebar and article that its script fills for the route."""
    pages = {
        name: {"title": title, "id": title.lower().replace(" ", "-"), "phrase": phrase, "sections": sections}
        for name, (title, phrase, sections) in DOC_PAGES.items()
    }
    script = _DOCSAPP_SCRIPT % {"pages": json.dumps(pages), "tags": json.dumps(DOC_TAGS)}
    body = (
        '<main><aside class="sidebar" id="sidebar"></aside>\n'
        '<section class="content"><article class="markdown-section" id="main"></article></section></main>\n'
        f"<script>{script}</script>"
    )
    return html_response(document("Docs App", body))


# ----- /same/: server-side pages -----

_SAME_NAV = (("/same/", "Same Text"),)
_ARTICLE_SECTIONS = (
    (
        "The lamp",
        "The keeper lit the lamp at dusk and trimmed its wick twice before midnight. The oil came by boat "
        "every second Tuesday in barrels marked with the lighthouse's own sign, and each barrel was weighed "
        "on the landing before it was carried up the hundred and twelve steps of the tower. A full barrel "
        "lasted nine nights in winter and fourteen in summer, when the nights were short and the lamp burned "
        "for fewer hours.",
    ),
    (
        "The weather",
        "Every four hours the keeper wrote down the wind, the sea and the sky in the log. Fog was the worst "
        "of it: the horn had to sound every thirty seconds for as long as it lasted, sometimes two days "
        "without a pause, and the keeper and his assistant took turns at the crank through the night. Clear "
        "nights were for cleaning the lens, which gathered salt faster than anyone who has not lived by the "
        "sea would believe.",
    ),
    (
        "The visitors",
        "Few people came to the island. The inspector visited once a year and read the whole log, page by "
        "page, asking about every gap. Fishermen sometimes landed to wait out a squall and were given tea "
        "and a place by the stove. Once a painter stayed for a week, drawing the tower from every side, and "
        "left a small picture of the lamp room that still hangs beside the stairs.",
    ),
)
_SCHEMA = (
    "A pet has an id, a whole number the store gives it and never changes; a name of up to sixty "
    "characters; a category, one of dog, cat, bird, fish or other; a list of photo addresses; a list of "
    "tags, each a short word the staff chose; and a status, one of available, pending or sold. The store "
    "answers in JSON with these fields in this order, leaving out the photo list when it is empty. Dates "
    "are written as year, month and day, and every answer carries the time it was made so that a client "
    "can tell a fresh answer from one a cache kept. A client that sends a field the store does not know "
    "gets an error naming the field; one that leaves out a required field gets an error naming that field "
    "too. Names are compared without regard to case, so Rex and rex are the same pet to the search. "
    "Every request needs the key the store issued to the client, sent in the header the guide describes; "
    "a request without it is refused before anything else is looked at. The store keeps a pet for seven "
    "years after it was sold and then removes it with its photos. "
)
_OPERATIONS = {
    "get-pet": ("GET /pets/{petId}", "Returns one pet by its id."),
    "delete-pet": ("DELETE /pets/{petId}", "Deletes one pet by its id."),
}


def _article_html(extra: str = "") -> str:
    sections = "".join(f"<h2>{esc(h)}</h2>\n<p>{esc(text)}</p>\n" for h, text in _ARTICLE_SECTIONS)
    links = link_list((("/same/article?ref=sidebar", "This article"), ("/same/article/print", "Print it")))
    return f"<h1>The Lighthouse Keeper's Log</h1>\n{sections}{extra}{links}"


def same_index(_req: Request, _: re.Match[str]) -> Response:
    links = (
        ("/same/article", "The article"),
        ("/same/article-with-comments", "The article with its comments"),
        ("/same/ops/get-pet", "Get a pet"),
        ("/same/ops/delete-pet", "Delete a pet"),
        ("/same/status-open", "Ticket 7 (open)"),
        ("/same/status-closed", "Ticket 7 (closed)"),
        ("/same/notice", "Notice"),
    )
    main = f"<h1>Same Text Index</h1>\n<p>Pages alike and pages the same.</p>\n{link_list(links)}"
    return html_response(page("Same Text Index", main, nav=_SAME_NAV))


def same_article(req: Request, match: re.Match[str]) -> Response:
    """The article; ?ref=... is the same page, /print the same text and one line more."""
    variant = match[1] or ""
    extra = ""
    if variant == "/print":
        extra = "<p>Printer-friendly version.</p>\n"
    elif variant == "-with-comments":
        extra = (
            "<p>Anna wrote: my grandfather kept this light for eleven years and never once let the lamp go "
            "out, not even in the great storm. Tom answered: the painter's picture is still there, I saw it "
            "last summer when the ferry stopped at the island for an hour on its way north.</p>\n"
        )
    return html_response(page("The Lighthouse Keeper's Log", _article_html(extra), nav=_SAME_NAV))


def same_operation(_req: Request, match: re.Match[str]) -> Response:
    heading, summary = _OPERATIONS[match[1]]
    main = f"<h1>{esc(heading)}</h1>\n<p>{esc(summary)}</p>\n<h2>The pet</h2>\n<p>{esc(_SCHEMA)}</p>"
    return html_response(page(heading, main, nav=_SAME_NAV))


def same_short(_req: Request, match: re.Match[str]) -> Response:
    """Two tickets alike but for one word, and a notice linked to its copy (the same short text)."""
    name = match[1]
    if name.startswith("status-"):
        main = f"<h1>Ticket 7</h1>\n<p>Status: {name.removeprefix('status-')}.</p>"
        return html_response(page("Ticket 7", main, nav=_SAME_NAV))
    copy = '<p><a href="/same/notice-copy">Notice</a></p>'
    main = f"<h1>Notice</h1>\n<p>Closed for the holidays; back on Monday.</p>\n{copy}"
    return html_response(page("Notice", main, nav=_SAME_NAV))


ROUTES: list[Route] = [
    route(r"/docsapp/", docsapp),
    route(r"/same/", same_index),
    route(r"/same/article(/print|-with-comments)?", same_article),
    route(r"/same/ops/(get-pet|delete-pet)", same_operation),
    route(r"/same/(status-open|status-closed|notice|notice-copy)", same_short),
]
