"""The public content pages: home, the three docs pages and the redirect target.

Each page carries one unique phrase (see README.md) so full-text search can find exactly it.
"""

from __future__ import annotations

import re

from .core import Request, Response, Route, html_response, route
from .layout import esc, link_list, page


def home(req: Request, _: re.Match[str]) -> Response:
    """The start page: one link for every behaviour a crawler must handle."""
    elsewhere = req.state.other_base_url + "/elsewhere"
    links = [
        ("/docs/getting-started", "Getting started"),
        ("/docs/guide", "Guide"),
        ("/js-page", "A page rendered by JavaScript"),
        ("/redirect-old", "Old address (permanent redirect)"),
        ("/missing", "A missing page"),
        ("/error-500", "A broken page"),
        ("/flaky", "A flaky page"),
        ("/slow", "A slow page"),
        ("/files/manual.pdf", "Manual (PDF)"),
        ("/files/diagram.png", "Diagram (PNG)"),
        ("/calendar/2026/01", "Calendar"),
        ("/account/logout", "Sign out"),
        (elsewhere, "The same server under another host name"),
        ("mailto:team@example.com", "Email the team"),
        ("tel:+15550100", "Call the team"),
        ("javascript:void(0)", "Does nothing"),
        ("/docs/guide#section-2", "Guide, section 2"),
        ("/docs/guide?utm_source=news&utm_medium=email&fbclid=abc", "Guide from the newsletter"),
        ("/search?q=kept", "Search with a query string"),
        ("docs/reference", "Reference (relative link)"),
    ]
    main = (
        "<h1>Test Site Home</h1>\n"
        "<p>Welcome to the copper kettle orchestra, the home page of the test site.</p>\n"
        f"{link_list(links)}"
    )
    return html_response(page("Test Site Home", main))


def getting_started(_req: Request, _: re.Match[str]) -> Response:
    """First docs page."""
    main = (
        "<h1>Getting Started</h1>\n"
        "<p>Start here. Our mascot is a zebra-striped flamingo who reads every page twice.</p>\n"
        "<h2>Next steps</h2>\n"
        '<p>Continue with the <a href="/docs/guide">guide</a>, then look things up in the '
        '<a href="/docs/reference">reference</a>.</p>\n'
        '<p><a href="/">Back to the home page</a></p>'
    )
    return html_response(page("Getting Started", main))


GUIDE_BODY = """<h1>The Guide</h1>
<div class="cookie-banner">We use biscuit consent banners. <button>Accept all</button></div>
<p>This guide explains the marzipan lighthouse method in two sections.</p>
<img src="/files/diagram.png" alt="Diagram of the test site" width="16" height="16">
<h2 id="section-1">Section 1: Settings</h2>
<table>
<thead><tr><th>Setting</th><th>Default</th><th>Meaning</th></tr></thead>
<tbody>
<tr><td>depth</td><td>2</td><td>How many links away from the start</td></tr>
<tr><td>pages</td><td>100</td><td>Pages across the whole crawl</td></tr>
<tr><td>workers</td><td>5</td><td>Pages fetched at the same time</td></tr>
</tbody>
</table>
<h2 id="section-2">Section 2: Steps</h2>
<ol>
<li>Prepare
<ul><li>Choose the start page</li><li>Choose the limits
<ul><li>Depth first</li><li>Pages second</li></ul></li></ul></li>
<li>Run the crawl</li>
<li>Search the results</li>
</ol>
<pre><code class="language-python">def greet(name: str) -&gt; str:
    return f"Hello, {name}!"
</code></pre>
<p>See also <a href="/docs/getting-started">getting started</a> and the
<a href="/docs/reference">reference</a>.</p>"""


def guide(req: Request, _: re.Match[str]) -> Response:
    """The rich page: table, code block, nested lists, image, cookie banner, meta tags."""
    head = (
        '<meta name="description" content="How to use the test site, step by step.">\n'
        f'<link rel="canonical" href="{esc(req.state.base_url)}/docs/guide">\n'
    )
    return html_response(page("The Guide", GUIDE_BODY, head=head))


def reference(_req: Request, _: re.Match[str]) -> Response:
    """Third docs page; also the target of the relative link and of the JavaScript page."""
    main = (
        "<h1>Reference</h1>\n"
        "<p>Every term is filed in the quartz tortoise almanac.</p>\n"
        "<dl><dt>Crawl</dt><dd>Visiting pages by following links.</dd>"
        "<dt>Frontier</dt><dd>The pages waiting to be visited.</dd></dl>\n"
        '<p>Back to <a href="/docs/getting-started">getting started</a> or the '
        '<a href="/docs/guide">guide</a>.</p>'
    )
    return html_response(page("Reference", main))


def moved_target(_req: Request, _: re.Match[str]) -> Response:
    """Where /redirect-old (and /redirect-chain) end up."""
    main = "<h1>Moved Target</h1>\n<p>This page used to live at /redirect-old; ask the relocated walrus.</p>"
    return html_response(page("Moved Target", main))


ROUTES: list[Route] = [
    route(r"/", home),
    route(r"/docs/getting-started", getting_started),
    route(r"/docs/guide", guide),
    route(r"/docs/reference", reference),
    route(r"/docs/moved-target", moved_target),
]
