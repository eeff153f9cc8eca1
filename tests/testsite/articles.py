"""News pages built the ways real ones are that lost or kept the wrong text (issue 19, item 1).

Each page under /articles/ carries one story and the boilerplate real news sites put around it: a
menu, share links, a related-articles list, a "most popular" box, previous/next links and a footer.
What differs is where the story sits (see README.md): an ``<article>`` holding only ``<meta>`` tags
beside it, two ``<main>`` elements of which the first is an ad slot, a ``<main>`` holding the story
*and* its comment thread, no ``main``/``article`` at all with menus as plain lists, the site's name
as the first H1, and an empty ``<main>`` (filled by a script) beside the story.
"""

from __future__ import annotations

import re

from .behaviours import not_found
from .core import Request, Response, Route, html_response, route
from .layout import esc

# slug: (headline, [paragraphs]); every paragraph carries a phrase found nowhere else on the site.
STORIES: dict[str, tuple[str, list[str]]] = {
    "meta-only": (
        "Lighthouse keepers return to Skerry Point",
        [
            "After eleven years of automatic operation, the lighthouse at Skerry Point has keepers again: "
            "two volunteers from the harbour society moved into the cottage on Monday.",
            "The society says the lamp still runs by itself, but the keepers will log the weather, guide "
            "visitors up the spiral stair and repaint the gallery rail before winter.",
            "Funding came from a bequest left by a retired ferry captain, who asked that the light be "
            "looked after by people rather than sensors alone.",
        ],
    ),
    "two-mains": (
        "Ferry timetable changes for the winter months",
        [
            "From the first of November the morning ferry to Holm Island leaves twenty minutes earlier, "
            "so that school pupils reach the mainland before the bell.",
            "The evening crossing on Sundays is cancelled until March; the operator cites falling "
            "passenger numbers and the cost of a second crew.",
            "Islanders have asked for a review in January, when the operator publishes its figures for "
            "the autumn season.",
        ],
    ),
    "with-comments": (
        "Harbour wall repairs finish ahead of schedule",
        [
            "Repairs to the eastern harbour wall finished nine days early, the port authority said, "
            "after a calm October let divers work on every tide.",
            "The contractor replaced four hundred granite blocks and reset the iron mooring rings that "
            "storms had loosened last winter.",
            "Fishing boats can use the eastern berths again from Friday; the slipway reopens a week later.",
        ],
    ),
    "no-main": (
        "Seal pups counted on the outer sandbanks",
        [
            "Wardens counted one hundred and twelve grey seal pups on the outer sandbanks this season, "
            "the highest number since the count began.",
            "Visitors are asked to keep fifty metres away from the colony and to keep dogs on a lead "
            "along the dune path.",
            "The wardens will publish a full report, with photographs from the survey flights, at the "
            "end of the pupping season.",
        ],
    ),
    "site-name-h1": (
        "New tide gauge installed at the fish quay",
        [
            "A new tide gauge at the fish quay now reports the water level every minute to the "
            "harbour office and to a public page.",
            "The old gauge, a float in a stilling well, had drifted by almost a hand's width since it "
            "was last calibrated.",
            "Skippers say the live readings will help them judge the bar at the harbour mouth on a falling tide.",
        ],
    ),
    "empty-main": (
        "Lifeboat crew rescues kayakers off Gull Head",
        [
            "The volunteer lifeboat crew brought three kayakers ashore on Saturday after a sudden squall "
            "overturned two of their boats off Gull Head.",
            "All three were wearing buoyancy aids and were treated for cold at the station before going home.",
            "The coxswain reminded paddlers to check the inshore forecast and to carry a way to call for help.",
        ],
    ),
}

SITE_NAME = "Harbour Gazette"
MENU = ("News", "Weather", "Tides", "Shipping", "Letters", "Subscribe")
RELATED = ("Pier lights switched to LED", "Crab season opens early", "Mooring fees frozen for a year")
POPULAR = ("Storm closes the coast road", "Record catch for the mackerel fleet", "Ferry fares explained")
COMMENTS = (
    "Great news, the old wall was a danger to anyone walking there at night.",
    "Took them long enough, my boat has been in the western basin since June.",
)
FOOTER = "© 2026 Harbour Gazette. All rights reserved. Registered in the harbour district."
SHARE = ("Share on Facebook", "Share on X", "Email this story")
BOILERPLATE = (
    *MENU[1:],
    *RELATED,
    *POPULAR,
    *COMMENTS,
    FOOTER,
    *SHARE,
    "Previous article",
    "Next article",
    "Advertisement",
)
"""Text on every article page that is not the article: none of it may reach a stored document."""


def _menu(plain: bool) -> str:
    items = "".join(f'<li><a href="/articles/?section={esc(name.lower())}">{esc(name)}</a></li>' for name in MENU)
    return f'<ul class="menu">{items}</ul>' if plain else f"<nav><ul>{items}</ul></nav>"


def _share() -> str:
    return '<div class="share">' + "".join(f'<a href="#share">{esc(label)}</a> ' for label in SHARE) + "</div>"


def _links_box(heading: str, titles: tuple[str, ...]) -> str:
    items = "".join(
        f'<li><a href="/articles/?story={index}">{esc(title)}</a></li>' for index, title in enumerate(titles)
    )
    return f'<div class="box"><h3>{esc(heading)}</h3><ul>{items}</ul></div>'


def _story(slug: str, heading: str = "h1") -> str:
    headline, paragraphs = STORIES[slug]
    body = "".join(f"<p>{esc(paragraph)}</p>" for paragraph in paragraphs)
    return f'<{heading} class="headline">{esc(headline)}</{heading}><p class="byline">By the news desk</p>{body}'


def _after_story() -> str:
    return (
        f"{_share()}"
        '<div class="prevnext"><a href="/articles/?story=prev">Previous article</a> '
        '<a href="/articles/?story=next">Next article</a></div>'
        f"{_links_box('Related', RELATED)}"
    )


def _comments() -> str:
    items = "".join(
        f'<div class="comment"><p class="author">Reader {index}</p><p>{esc(text)}</p></div>'
        for index, text in enumerate(COMMENTS, 1)
    )
    return f'<section class="comments"><h2>{len(COMMENTS)} comments</h2>{items}</section>'


def _body(slug: str) -> str:
    popular = _links_box("Most popular", POPULAR)
    footer = f"<footer><p>{esc(FOOTER)}</p></footer>"
    header = f'<header><a class="logo" href="/articles/">{SITE_NAME}</a>{_menu(plain=False)}</header>'
    if slug == "meta-only":
        headline = STORIES[slug][0]
        return (
            f'{header}<article itemscope itemtype="https://schema.org/NewsArticle">'
            f'<meta itemprop="headline" content="{esc(headline)}"><meta itemprop="datePublished" content="2026-10-02">'
            f'</article><div class="story">{_story(slug)}{_after_story()}</div>{popular}{footer}'
        )
    if slug == "two-mains":
        ad = '<main class="ad-slot"><p class="label">Advertisement</p><script>window.ads = [];</script></main>'
        return f"{header}{ad}<main><article>{_story(slug)}</article>{_after_story()}</main>{popular}{footer}"
    if slug == "with-comments":
        return f"{header}<main><article>{_story(slug)}</article>{_after_story()}{_comments()}</main>{popular}{footer}"
    if slug == "no-main":
        return (
            f'<div id="top"><a href="/articles/">{SITE_NAME}</a>{_menu(plain=True)}</div>'
            f'<div class="wrap"><div class="column">{_story(slug)}{_after_story()}</div>'
            f'<div class="side">{popular}</div></div>'
            f'<div id="footer">{_menu(plain=True)}<p>{esc(FOOTER)}</p></div>'
        )
    if slug == "site-name-h1":
        named = (
            f'<div class="masthead"><h1 class="site"><a href="/articles/">{SITE_NAME}</a></h1>{_menu(plain=True)}</div>'
        )
        return f'{named}<div class="post">{_story(slug)}{_after_story()}</div>{popular}{footer}'
    # empty-main: the page's <main> is filled by a script; the story sits beside it
    return f'{header}<main id="app"></main><div class="content">{_story(slug)}{_after_story()}</div>{popular}{footer}'


def article_page(req: Request, match: re.Match[str]) -> Response:
    slug = match[1]
    if not slug:
        links = "".join(
            f'<li><a href="/articles/{slug}">{esc(headline)}</a></li>' for slug, (headline, _) in STORIES.items()
        )
        return html_response(
            f'<!DOCTYPE html><html lang="en"><head><title>{SITE_NAME}</title><link rel="icon" href="data:,"></head>'
            f"<body><main><h1>{SITE_NAME}</h1><ul>{links}</ul></main></body></html>"
        )
    if slug not in STORIES:
        return not_found(req)
    return html_response(article_html(slug))


def article_html(slug: str) -> str:
    """The page of the story ``slug`` (a key of STORIES)."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{esc(STORIES[slug][0])} | {SITE_NAME}</title>'
        f'<link rel="icon" href="data:,"></head><body>{_body(slug)}</body></html>'
    )


ROUTES: list[Route] = [route(r"/articles/([\w-]*)", article_page)]
