"""Pages for the crawl controls: robots.txt, a rate-limited section, a section that can go down.

Their own nav (``/polite/`` only), so a crawl started at ``/polite/`` stays in this section.
"""

from __future__ import annotations

import re

from .behaviours import error_page, not_found
from .core import Request, Response, Route, html_response, route
from .layout import page

POLITE_NAV = [("/polite/", "Polite")]
ROBOTS_AGENT = "QuaeroTestBot"  # the user agent robots.txt names on its own
RETRY_AFTER_S = 1
LIMITED_PAGES = 3

ROBOTS_TXT = f"""# The test site's robots.txt: /polite/hidden/ is closed to every robot,
# /polite/agent-only also to {ROBOTS_AGENT} (a group of its own replaces the * group).
User-agent: {ROBOTS_AGENT}
Disallow: /polite/hidden/
Disallow: /polite/agent-only

User-agent: *
Disallow: /polite/hidden/
"""


def robots_txt(_req: Request, _: re.Match[str]) -> Response:
    return Response(200, ROBOTS_TXT.encode("utf-8"), "text/plain; charset=utf-8")


def _polite_page(title: str, text: str, links: list[tuple[str, str]] | None = None) -> Response:
    items = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in links or [])
    main = f"<h1>{title}</h1>\n<p>{text}</p>\n" + (f"<ul>{items}</ul>" if items else "")
    return html_response(page(title, main, nav=POLITE_NAV, brand_href="/polite/"))


def polite_index(_req: Request, _: re.Match[str]) -> Response:
    links = [
        ("/polite/open", "Open page"),
        ("/polite/hidden/secret", "Hidden page"),
        ("/polite/agent-only", "Agent-only page"),
        *[(f"/limited/{n}", f"Limited {n}") for n in range(1, LIMITED_PAGES + 1)],
    ]
    return _polite_page("Polite Section", "A courteous heron bows to every robot.", links)


def polite_leaf(req: Request, match: re.Match[str]) -> Response:
    name = match[1]
    texts = {
        "open": "An open meadow welcomes the crawler.",
        "hidden/secret": "A hidden grotto no robot should see.",
        "agent-only": "A velvet rope keeps the test bot out.",
    }
    if name not in texts:
        return not_found(req)
    return _polite_page(f"Polite {name}", texts[name])


def limited(req: Request, match: re.Match[str]) -> Response:
    """The first GET of each page answers 429 with Retry-After: 1; later ones the page."""
    number = int(match[1])
    if not 1 <= number <= LIMITED_PAGES:
        return not_found(req)
    if req.method == "GET" and req.state.limited_attempt(req.path) == 1:
        response = error_page(429, "Too Many Requests", "Slow down, then try again.")
        response.headers.append(("Retry-After", str(RETRY_AFTER_S)))
        return response
    return _polite_page(f"Limited {number}", f"A patient tortoise number {number} was let through.")


def outage(req: Request, match: re.Match[str]) -> Response:
    """503 while the test has this page in an outage (TestSite.start_outage), else a page."""
    name = match[1]
    if name in req.state.outages:
        return error_page(503, "Service Unavailable", "Down for maintenance.")
    return _polite_page(f"Outage {name}", f"The lighthouse {name} shines again.")


ROUTES: list[Route] = [
    route(r"/robots\.txt", robots_txt),
    route(r"/polite/", polite_index),
    route(r"/polite/(open|hidden/secret|agent-only|[^/]+)", polite_leaf),
    route(r"/limited/(\d+)", limited),
    route(r"/outage/([a-z0-9-]+)", outage),
]
