"""TestSite: a threaded HTTP/1.1 server on 127.0.0.1 that serves the routes of this package."""

from __future__ import annotations

import contextlib
import hashlib
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from quaero_desktop.demo.background_server import BackgroundServer, QuietHTTPServer

from . import (
    api_reference,
    apps,
    articles,
    auth,
    behaviours,
    big,
    duplicates,
    hostile,
    huge,
    hydrate,
    ledger,
    manual,
    pages,
    polite,
    redirects,
    secret_links,
    slow_pages,
    tags,
    team_pages,
    wiki,
)
from .behaviours import not_found
from .big import big_paths
from .core import SESSION_COOKIE, Request, Response, Route, SeenRequest, SiteState, html_response

ROUTES: list[Route] = [
    *pages.ROUTES,
    *behaviours.ROUTES,
    *apps.ROUTES,
    *ledger.ROUTES,
    *auth.ROUTES,
    *big.ROUTES,
    *huge.ROUTES,
    *polite.ROUTES,
    *hydrate.ROUTES,
    *manual.ROUTES,
    *tags.ROUTES,
    *wiki.ROUTES,
    *duplicates.ROUTES,
    *api_reference.ROUTES,
    *articles.ROUTES,
    *secret_links.ROUTES,
    *hostile.ROUTES,
    *redirects.ROUTES,
    *slow_pages.ROUTES,
    *team_pages.ROUTES,
]
IDLE_CONNECTION_TIMEOUT_S = 30
POLL_INTERVAL_S = 0.05  # how quickly stop() takes effect


def _first_values(query: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}


def _parse_cookies(header: str) -> dict[str, str]:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in cookies.items()}


def _host_name(header: str) -> str:
    return (urlsplit("//" + header).hostname or "") if header else ""


class _Handler(BaseHTTPRequestHandler):
    """Parses a request, dispatches it to the first matching route and writes the response."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_TIMEOUT_S  # closes idle keep-alive connections
    server: QuietHTTPServer  # with .state (see TestSite.make_server)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: no access log on stderr."""

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _request(self, method: str) -> Request:
        target = urlsplit(self.path)
        body = self._read_body()
        form = {}
        if method == "POST" and self.headers.get_content_type() == "application/x-www-form-urlencoded":
            form = _first_values(body.decode("utf-8", "replace"))
        return Request(
            method=method,
            path=unquote(target.path) or "/",
            query=_first_values(target.query),
            host=_host_name(self.headers.get("Host", "")),
            cookies=_parse_cookies(self.headers.get("Cookie", "")),
            form=form,
            state=self.server.state,
            headers={name.lower(): value for name, value in self.headers.items()},
        )

    def _serve(self, method: str) -> None:
        req = self._request(method)
        if method == "GET":
            req.state.record_hit(req.host, req.path, req.headers, urlsplit(self.path).query)
        response = self._dispatch(req)
        response = _versioned(req, response, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(response.length if response.chunks else len(response.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close" if self.close_connection else "keep-alive")
        self.end_headers()
        if method != "HEAD" and response.chunks is not None:
            with contextlib.suppress(ConnectionError):  # the client stopped reading (a page over the size bound)
                for chunk in response.chunks():
                    self.wfile.write(chunk)
            self.close_connection = True
        elif method != "HEAD" and response.body_delay_s:  # data arriving late: the body in two parts
            half = len(response.body) // 2
            self.wfile.write(response.body[:half])
            self.wfile.flush()
            time.sleep(response.body_delay_s)
            self.wfile.write(response.body[half:])
        elif method != "HEAD":
            self.wfile.write(response.body)

    @staticmethod
    def _dispatch(req: Request) -> Response:
        for candidate in ROUTES:
            match = candidate.pattern.fullmatch(req.path)
            if match is None:
                continue
            if req.method not in candidate.methods:
                allow = ", ".join(candidate.methods)
                text = "<!DOCTYPE html><title>Method Not Allowed</title><h1>Method Not Allowed</h1>"
                return html_response(text, 405, [("Allow", allow)])
            return candidate.handler(req, match)
        return not_found(req)


_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _versioned(req: Request, response: Response, if_none_match: str | None, if_modified_since: str | None) -> Response:
    """Pages changed or removed by the test (``change_page``/``remove_page``), and validators: every
    200 HTML page has an ETag (a hash of its body) and a Last-Modified (its revision's date), and a
    conditional GET or HEAD that still matches gets 304 Not Modified."""
    if req.state.removed(req.path):
        return behaviours.error_page(410, "Gone", f"The page at {req.path} was removed.")
    if response.status != 200 or not response.content_type.startswith("text/html") or response.chunks is not None:
        return response
    revision = req.state.revision(req.path)
    if revision:
        note = f"<p>Revision {revision} of this page.</p>\n</main>".encode()
        response = Response(200, response.body.replace(b"</main>", note, 1), response.content_type, response.headers)
    etag = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
    modified = format_datetime(_EPOCH + timedelta(days=revision), usegmt=True)
    headers = [*response.headers, ("ETag", etag), ("Last-Modified", modified)]
    not_modified = if_none_match is not None and etag in [tag.strip() for tag in if_none_match.split(",")]
    if if_none_match is None and if_modified_since:
        try:
            not_modified = parsedate_to_datetime(if_modified_since) >= _EPOCH + timedelta(days=revision)
        except (TypeError, ValueError):
            not_modified = False
    if not_modified:
        return Response(304, b"", response.content_type, headers)
    return Response(200, response.body, response.content_type, headers)


class TestSite(BackgroundServer):
    """The test suite's local website; see tests/testsite/README.md for the routes.

    ``with TestSite(big_pages=0) as site:`` starts it on 127.0.0.1 (port 0: the OS picks)
    and stops it on exit.
    """

    __test__ = False  # not a pytest test class
    SESSION_COOKIE: ClassVar[str] = SESSION_COOKIE

    def __init__(self, *, port: int = 0, big_pages: int = 0, big_js_every: int = 0) -> None:
        super().__init__("127.0.0.1", port, _Handler, name="testsite")
        self._state = SiteState(big_pages)
        self._state.big_js_every = big_js_every

    def make_server(self) -> QuietHTTPServer:
        server = super().make_server()
        server.state = self._state  # type: ignore[attr-defined]
        return server

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """base_url + path."""
        return self.base_url + path

    def other_host_url(self, path: str) -> str:
        """The same server under the host name localhost."""
        return f"http://localhost:{self.port}{path}"

    def start(self) -> TestSite:
        """Bind and serve in a daemon thread; returns self."""
        super().start()
        self._state.base_url = self.base_url
        self._state.other_base_url = self.other_host_url("")
        return self

    def hits(self, path: str, host: str = "127.0.0.1") -> int:
        """GET requests for ``path`` (without query) sent with Host ``host``."""
        return self._state.hits(path, host)

    def hit_paths(self) -> dict[str, int]:
        """Path -> GET count for host 127.0.0.1."""
        return self._state.hit_paths("127.0.0.1")

    def reset_hits(self) -> None:
        """Zero every hit counter, forget the requests seen, restart /flaky and /limited/, end outages."""
        self._state.reset_hits()

    def requests(self, prefix: str = "/") -> list[SeenRequest]:
        """GET requests (any host) whose path starts with ``prefix``: when they came, with their headers."""
        return self._state.requests(prefix)

    def start_outage(self, name: str) -> None:
        """/outage/NAME answers 503 until ``end_outage(NAME)`` (or ``reset_hits()``)."""
        self._state.outages.add(name)

    def end_outage(self, name: str) -> None:
        self._state.outages.discard(name)

    def change_page(self, path: str) -> int:
        """Change the page at ``path``: its main content gains "Revision N of this page." (N returned)."""
        return self._state.change_page(path)

    def remove_page(self, path: str) -> None:
        """Make ``path`` answer 410 Gone."""
        self._state.remove_page(path)

    def end_sessions(self) -> None:
        """Every session ends: the wiki and the private pages answer as to a reader not logged in."""
        self._state.end_sessions()

    def expire_sessions_after(self, requests: int) -> None:
        """After ``requests`` more wiki requests, every session ends (a login expiring mid-crawl)."""
        self._state.expire_sessions_after(requests)

    def remove_wiki_page(self, page_id: str) -> None:
        """The wiki page ``page_id`` is deleted: it answers 200 "This topic does not exist yet" (a soft 404)."""
        self._state.remove_wiki_page(page_id)

    def wiki_url(self, page_id: str = "start", action: str = "") -> str:
        """base_url + /wiki/doku.php?id=PAGE[&do=ACTION]."""
        return self.url(f"/wiki/doku.php?id={page_id}" + (f"&do={action}" if action else ""))

    def create_session(self, username: str = "alice") -> str:
        """A valid value for the SESSION_COOKIE cookie, signed in as ``username``."""
        return self._state.create_session(username)

    def big_urls(self) -> list[str]:
        """Every URL of the big site: /big/, the sections, then the leaves ([] if big_pages=0)."""
        return [self.url(path) for path in big_paths(self._state.big_pages)]
