"""/redirects/: redirects a crawl must end, tell apart and keep on the site (issue 21, item 5).

* ``/redirects/chain/N``: a 302 to ``chain/N+1`` up to ``chain/50``, an ordinary page: from ``chain/0``
  a chain of 50 redirects (more than the 20 a browser follows), from ``chain/30`` one of 20 (followed).
* ``/redirects/loop/a`` and ``loop/b``: each a 302 to the other (a loop).
* ``/redirects/refresh/a`` and ``refresh/b``: each a page whose ``<meta http-equiv="refresh">`` sends
  the browser on to the other at once (a loop written in HTML).
* ``/redirects/script/a`` and ``script/b``: each a page whose script sends the browser on to the other.
* ``/redirects/off-site``: a 302 to ``/redirects/landed`` on another host (``localhost``, the same
  server): off the site of a crawl that started on 127.0.0.1.
* ``/redirects/off-site-far``: the same, with a query of ``FAR_QUERY_CHARS`` characters (a hostile URL).
* ``/redirects/off-address``: a 302 to ``/redirects/landed`` on ``127.0.0.2`` (the same port), where
  nothing answers: another site, and one a browser that followed the redirect could not even reach.
* ``/redirects/sso``: a 302 to ``/redirects/idp`` on ``localhost`` (a sign-in service on another host),
  which sends the browser on to that host's ``/login``, as a session that ran out would be.
* ``/redirects/mailto`` and ``/redirects/no-url``: a 302 to ``mailto:someone@example.com``, and one to
  ``http://[no-url/``, which is no URL.
* ``/redirects/other-port``: a page linking to the same host on another port (``127.0.0.1:8000``:
  another site) beside a page of its own site, ``/redirects/landed``.
* ``/redirects/``: links to ``chain/0``, ``loop/a``, ``refresh/a``, ``script/a``, ``off-site``,
  ``off-address`` and ``landed``.
"""

from __future__ import annotations

import re

from .behaviours import not_found
from .core import Request, Response, Route, html_response, redirect, route
from .layout import page

CHAIN_END = 50
FAR_QUERY_CHARS = 5000
OTHER_PORT_URL = "http://127.0.0.1:8000/docs/"

_CASES = (
    ("/redirects/chain/0", "A long chain"),
    ("/redirects/loop/a", "A loop"),
    ("/redirects/refresh/a", "A refresh loop"),
    ("/redirects/script/a", "A script loop"),
    ("/redirects/off-site", "Off the site"),
    ("/redirects/off-address", "Off the address"),
    ("/redirects/landed", "Landed"),
)
_OTHER = {"a": "b", "b": "a"}
# Redirects to no page a crawl can read: an e-mail address, and a Location that is no URL.
_ELSEWHERE = {"mailto": "mailto:someone@example.com", "no-url": "http://[no-url/"}


def index(req: Request, match: re.Match[str]) -> Response:
    links = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in _CASES)
    return html_response(page("Redirects", f"<h1>Redirects</h1>\n<ul>{links}</ul>\n"))


def chain(req: Request, match: re.Match[str]) -> Response:
    step = int(match[1])
    if step > CHAIN_END:
        return not_found(req)
    if step < CHAIN_END:
        return redirect(f"/redirects/chain/{step + 1}", 302)
    return html_response(page("Chain end", "<h1>Chain end</h1>\n<p>The end of a long chain of redirects.</p>\n"))


def loop(req: Request, match: re.Match[str]) -> Response:
    return redirect(f"/redirects/loop/{_OTHER[match[1]]}", 302)


def refresh(req: Request, match: re.Match[str]) -> Response:
    head = f'<meta http-equiv="refresh" content="0; url=/redirects/refresh/{_OTHER[match[1]]}">'
    return html_response(page(f"Refresh {match[1]}", "<p>This page moved.</p>\n", head=head))


def script(req: Request, match: re.Match[str]) -> Response:
    head = f'<script>location.replace("/redirects/script/{_OTHER[match[1]]}")</script>'
    return html_response(page(f"Script {match[1]}", "<p>This page moved.</p>\n", head=head))


def off_site(req: Request, match: re.Match[str]) -> Response:
    query = "?q=" + "a" * FAR_QUERY_CHARS if match[1] else ""
    return redirect(req.state.other_base_url + "/redirects/landed" + query, 302)


def off_address(req: Request, match: re.Match[str]) -> Response:
    return redirect(req.state.base_url.replace("//127.0.0.1:", "//127.0.0.2:") + "/redirects/landed", 302)


def single_sign_on(req: Request, match: re.Match[str]) -> Response:
    if match[1] == "sso":
        return redirect(req.state.other_base_url + "/redirects/idp", 302)
    return redirect("/login?next=/redirects/sso", 302)


def elsewhere(req: Request, match: re.Match[str]) -> Response:
    return redirect(_ELSEWHERE[match[1]], 302)


def other_port(req: Request, match: re.Match[str]) -> Response:
    main = (
        "<h1>Other port</h1>\n"
        f'<p><a href="{OTHER_PORT_URL}">The same host on another port</a> · '
        '<a href="/redirects/landed">Landed</a></p>\n'
    )
    return html_response(page("Other port", main))


def landed(req: Request, match: re.Match[str]) -> Response:
    return html_response(page("Landed", "<h1>Landed</h1>\n<p>Where the off-site redirect lands.</p>\n"))


ROUTES: list[Route] = [
    route(r"/redirects/", index),
    route(r"/redirects/chain/([0-9]{1,3})", chain),
    route(r"/redirects/loop/(a|b)", loop),
    route(r"/redirects/refresh/(a|b)", refresh),
    route(r"/redirects/script/(a|b)", script),
    route(r"/redirects/off-site(-far)?", off_site),
    route(r"/redirects/off-address", off_address),
    route(r"/redirects/(mailto|no-url)", elsewhere),
    route(r"/redirects/(sso|idp)", single_sign_on),
    route(r"/redirects/other-port", other_port),
    route(r"/redirects/landed", landed),
]
