"""Pages that exercise crawler behaviour: JavaScript, redirects, errors, delays, files, traps."""

from __future__ import annotations

import calendar
import re
import time

from .assets import DIAGRAM_PNG, MANUAL_PDF
from .core import Request, Response, Route, html_response, json_response, redirect, route
from .layout import document, esc, page

JS_CONTENT_DELAY_S = 0.15
SLOW_DEFAULT_MS = 2500
SLOW_MAX_MS = 60_000
FLAKY_FAILURES = 2

JS_SCRIPT = """<script>
fetch("/api/js-content.json")
  .then((response) => response.json())
  .then((data) => {
    const app = document.getElementById("app");
    const heading = document.createElement("h1");
    heading.textContent = data.title;
    const text = document.createElement("p");
    text.textContent = data.text;
    const more = document.createElement("p");
    const link = document.createElement("a");
    link.href = data.link;
    link.textContent = data.link_text;
    more.append(link);
    app.append(heading, text, more);
    app.dataset.rendered = "true";
  });
</script>"""


def js_page(_req: Request, _: re.Match[str]) -> Response:
    """No header, nav or text in the HTML: only an empty <main id="app"> and a script."""
    body = f'<main id="app"></main>\n{JS_SCRIPT}'
    return html_response(document("JavaScript Page", body))


def js_content(_req: Request, _: re.Match[str]) -> Response:
    """The data /js-page renders, after a short delay (a crawler must wait for it)."""
    time.sleep(JS_CONTENT_DELAY_S)
    return json_response(
        {
            "title": "Rendered By JavaScript",
            "text": "Only a browser that runs scripts meets the velvet hummingbird.",
            "link": "/docs/reference",
            "link_text": "Reference",
        }
    )


def error_page(status: int, title: str, message: str) -> Response:
    """An HTML error page with the site's header and nav."""
    main = f"<h1>{esc(title)}</h1>\n<p>{esc(message)}</p>"
    return html_response(page(title, main), status)


def not_found(req: Request, _: re.Match[str] | None = None) -> Response:
    """The 404 page for every unknown path."""
    return error_page(404, "Page Not Found", f"There is no page at {req.path}.")


def error_500(_req: Request, _: re.Match[str]) -> Response:
    """Always fails."""
    return error_page(500, "Internal Server Error", "This page always fails.")


def flaky(req: Request, _: re.Match[str]) -> Response:
    """503 for the first two GETs since start or reset_hits(), then a page (HEAD only peeks)."""
    attempt = req.state.flaky_attempt(consume=req.method == "GET")
    if attempt <= FLAKY_FAILURES:
        return error_page(503, "Service Unavailable", f"Attempt {attempt} failed; try again.")
    main = "<h1>Flaky Page</h1>\n<p>Third time lucky: the persistent boomerang came back.</p>"
    return html_response(page("Flaky Page", main))


def slow(req: Request, _: re.Match[str]) -> Response:
    """Answers after 2.5 s, or after ?ms=N milliseconds (0..60000)."""
    try:
        delay_ms = min(max(int(req.query.get("ms", SLOW_DEFAULT_MS)), 0), SLOW_MAX_MS)
    except ValueError:
        delay_ms = SLOW_DEFAULT_MS
    time.sleep(delay_ms / 1000)
    # Each query its own page (``?ms=1500&n=3``): pages of the same text would be stored once, as duplicates.
    asked = "".join(f" {key}={value}" for key, value in sorted(req.query.items()) if key != "ms")
    main = f"<h1>Slow Page</h1>\n<p>The patient glacier answered after {delay_ms} ms.{asked}</p>"
    return html_response(page("Slow Page", main))


def manual_pdf(_req: Request, _: re.Match[str]) -> Response:
    """A one-page PDF."""
    return Response(200, MANUAL_PDF, "application/pdf")


def diagram_png(_req: Request, _: re.Match[str]) -> Response:
    """A 16x16 PNG."""
    return Response(200, DIAGRAM_PNG, "image/png")


def calendar_month(req: Request, match: re.Match[str]) -> Response:
    """The crawler trap: every month links to the previous and the next month, forever."""
    year, month = int(match[1]), int(match[2])
    if not 1 <= year <= 9999 or not 1 <= month <= 12:
        return not_found(req)
    prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
    next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
    label = f"{calendar.month_name[month]} {year}"
    links = []
    if prev_y >= 1:
        links.append(f'<a rel="prev" href="/calendar/{prev_y:04d}/{prev_m:02d}">Previous month</a>')
    if next_y <= 9999:
        links.append(f'<a rel="next" href="/calendar/{next_y:04d}/{next_m:02d}">Next month</a>')
    main = f"<h1>Calendar: {label}</h1>\n<p>No events in {label}.</p>\n<p>{' | '.join(links)}</p>"
    return html_response(page(f"Calendar: {label}", main))


def search(req: Request, _: re.Match[str]) -> Response:
    """Echoes ?q= (escaped), so a crawler that drops the query gets a different page."""
    query = req.query.get("q", "")
    result = f"You searched for: {esc(query)}" if query else "No query given."
    main = f"<h1>Search</h1>\n<p>{result}</p>\n<p>The haystack compass points nowhere yet.</p>"
    return html_response(page("Search", main))


def elsewhere(req: Request, _: re.Match[str]) -> Response:
    """A page that exists only under the other host name (localhost); links only to 127.0.0.1."""
    if req.host != "localhost":
        return not_found(req)
    home = req.state.base_url + "/"
    main = (
        "<h1>Elsewhere</h1>\n<p>Greetings from the distant archipelago.</p>\n"
        f'<p><a href="{esc(home)}">Back to the test site</a></p>'
    )
    return html_response(page("Elsewhere", main, nav=[(home, "Home")], brand_href=home))


def cookies_set(_req: Request, _: re.Match[str]) -> Response:
    """Sets a cookie for /cookies/ only (Set-Cookie) and links to the page that shows it."""
    main = '<h1>Cookie Set</h1>\n<p>A crumb for the jar.</p>\n<p><a href="/cookies/show">Show the cookies</a></p>'
    return html_response(page("Cookie Set", main), headers=[("Set-Cookie", "crumb=oat; Path=/cookies/; HttpOnly")])


def cookies_show(req: Request, _: re.Match[str]) -> Response:
    """Lists the cookies the request carried (name=value, sorted)."""
    shown = ", ".join(f"{esc(name)}={esc(value)}" for name, value in sorted(req.cookies.items())) or "none"
    return html_response(page("Cookie Show", f"<h1>Cookie Show</h1>\n<p>Cookies received: {shown}.</p>"))


def redirect_old(_req: Request, _: re.Match[str]) -> Response:
    """Permanent redirect to the page's new address."""
    return redirect("/docs/moved-target", 301)


def redirect_chain(_req: Request, _: re.Match[str]) -> Response:
    """Two hops: /redirect-chain -> /redirect-old -> /docs/moved-target."""
    return redirect("/redirect-old", 302)


ROUTES: list[Route] = [
    route(r"/js-page", js_page),
    route(r"/api/js-content\.json", js_content),
    route(r"/redirect-old", redirect_old),
    route(r"/redirect-chain", redirect_chain),
    route(r"/error-500", error_500),
    route(r"/flaky", flaky),
    route(r"/slow", slow),
    route(r"/files/manual\.pdf", manual_pdf),
    route(r"/files/diagram\.png", diagram_png),
    route(r"/calendar/(\d{4})/(\d{2})", calendar_month),
    route(r"/search", search),
    route(r"/elsewhere", elsewhere),
    route(r"/cookies/set", cookies_set),
    route(r"/cookies/show", cookies_show),
]
