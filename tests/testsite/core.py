"""Request and response types, routes and the state shared by every handler."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape

HTML_TYPE = "text/html; charset=utf-8"
SESSION_COOKIE = "testsite_session"


class SiteState:
    """Hit counters, the /flaky counter and the server-side session store (thread-safe)."""

    def __init__(self, big_pages: int) -> None:
        self.big_pages = big_pages
        self.big_js_every = 0  # every K-th big leaf renders its content and links by script (0: none)
        self.base_url = ""  # set once the server is bound: http://127.0.0.1:PORT
        self.other_base_url = ""  # the same server as http://localhost:PORT
        self._lock = threading.Lock()
        self._hits: Counter[tuple[str, str]] = Counter()
        self._flaky_requests = 0
        self._sessions: dict[str, str] = {}
        self._requests: list[SeenRequest] = []  # every GET, with its time and headers (politeness tests)
        self._limited: Counter[str] = Counter()  # GETs per /limited/ page: the first one answers 429
        self.outages: set[str] = set()  # /outage/NAME pages that answer 503 for now
        self._revisions: dict[str, int] = {}  # path -> how many times change_page() changed it
        self._removed: set[str] = set()  # paths remove_page() made answer 410 Gone
        self._wiki_traces: dict[str, list[str]] = {}  # session token -> the wiki pages it visited last
        self._wiki_removed: set[str] = set()  # wiki page ids remove_wiki_page() deleted
        self._wiki_visits = 0
        self._sessions_left: int | None = None  # wiki requests until every session ends (None: never)

    def record_hit(self, host: str, path: str, headers: dict[str, str] | None = None, query: str = "") -> None:
        """Count one GET request for ``path`` sent with Host ``host`` (``query``: as sent, undecoded)."""
        with self._lock:
            self._hits[(host, path)] += 1
            self._requests.append(SeenRequest(host, path, time.monotonic(), headers or {}, query))

    def requests(self, prefix: str = "/") -> list[SeenRequest]:
        """GET requests whose path starts with ``prefix``, in the order they came."""
        with self._lock:
            return [r for r in self._requests if r.path.startswith(prefix)]

    def limited_attempt(self, path: str) -> int:
        """The 1-based number of this GET of a /limited/ page."""
        with self._lock:
            self._limited[path] += 1
            return self._limited[path]

    def hits(self, path: str, host: str) -> int:
        """GET requests counted for ``path`` and ``host``."""
        with self._lock:
            return self._hits[(host, path)]

    def hit_paths(self, host: str) -> dict[str, int]:
        """Path -> GET count for one host name."""
        with self._lock:
            return {path: n for (h, path), n in self._hits.items() if h == host}

    def reset_hits(self) -> None:
        """Forget all hit counts, restart the /flaky sequence and undo change_page/remove_page."""
        with self._lock:
            self._hits.clear()
            self._flaky_requests = 0
            self._requests.clear()
            self._limited.clear()
            self.outages.clear()
            self._revisions.clear()
            self._removed.clear()
            self._wiki_traces.clear()
            self._wiki_removed.clear()
            self._sessions_left = None

    def change_page(self, path: str) -> int:
        """Change the page at ``path`` (its text gains "Revision N."); returns N."""
        with self._lock:
            self._revisions[path] = self._revisions.get(path, 0) + 1
            return self._revisions[path]

    def remove_page(self, path: str) -> None:
        """Make ``path`` answer 410 Gone from now on."""
        with self._lock:
            self._removed.add(path)

    def revision(self, path: str) -> int:
        with self._lock:
            return self._revisions.get(path, 0)

    def removed(self, path: str) -> bool:
        with self._lock:
            return path in self._removed

    def flaky_attempt(self, consume: bool) -> int:
        """The 1-based number of this /flaky request; HEAD peeks without consuming."""
        with self._lock:
            if consume:
                self._flaky_requests += 1
                return self._flaky_requests
            return self._flaky_requests + 1

    def create_session(self, username: str) -> str:
        """Store a new session for ``username`` and return its token (the cookie value)."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._sessions[token] = username
        return token

    def session_user(self, token: str | None) -> str | None:
        """The user a session token belongs to, or None if the token is unknown."""
        if not token:
            return None
        with self._lock:
            return self._sessions.get(token)

    def end_sessions(self) -> None:
        """Every session ends (the server restarted, or they all expired)."""
        with self._lock:
            self._sessions.clear()

    def wiki_trace(self, token: str | None, page_id: str | None) -> list[str]:
        """The wiki pages a session visited last, ``page_id`` (this visit) included: DokuWiki's "Trace"."""
        with self._lock:
            trace = self._wiki_traces.setdefault(token or "", [])
            if page_id is not None:
                if page_id in trace:
                    trace.remove(page_id)
                trace.append(page_id)
                del trace[:-5]
            return list(trace)

    def wiki_visit(self) -> int:
        """Count a wiki request; the one after ``expire_sessions_after(n)``'s n-th ends every session."""
        with self._lock:
            self._wiki_visits += 1
            if self._sessions_left is not None:
                if self._sessions_left <= 0:
                    self._sessions.clear()
                    self._sessions_left = None
                else:
                    self._sessions_left -= 1
            return self._wiki_visits

    def expire_sessions_after(self, requests: int) -> None:
        with self._lock:
            self._sessions_left = requests

    def remove_wiki_page(self, page_id: str) -> None:
        with self._lock:
            self._wiki_removed.add(page_id)

    def wiki_removed(self, page_id: str) -> bool:
        with self._lock:
            return page_id in self._wiki_removed

    def end_session(self, token: str | None) -> None:
        """Delete a session; unknown tokens are ignored."""
        with self._lock:
            self._sessions.pop(token or "", None)


@dataclass(frozen=True)
class SeenRequest:
    """A GET as the site saw it: host, path, when (monotonic seconds) and its headers (names lower case)."""

    host: str
    path: str
    at: float
    headers: dict[str, str]
    query: str = ""  # the query string as sent (undecoded), without "?"


@dataclass(frozen=True)
class Request:
    """One parsed request as the page handlers see it."""

    method: str  # GET, HEAD or POST
    path: str  # percent-decoded, without the query
    query: dict[str, str]  # first value of each parameter
    host: str  # Host header without the port, lower case
    cookies: dict[str, str]
    form: dict[str, str]  # POST application/x-www-form-urlencoded fields
    state: SiteState
    headers: dict[str, str] = field(default_factory=dict)  # names lower case

    @property
    def session_token(self) -> str | None:
        """The session cookie's value, if the client sent one."""
        return self.cookies.get(SESSION_COOKIE)

    @property
    def user(self) -> str | None:
        """The signed-in user name, or None."""
        return self.state.session_user(self.session_token)


@dataclass
class Response:
    """What a handler returns; the server adds Content-Length and the common headers."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_delay_s: float = 0.0  # send the headers and the body's first half, the rest this much later
    # A body too large to hold: sent chunk by chunk (``body`` is then unused), Content-Length ``length``.
    chunks: Callable[[], Iterator[bytes]] | None = None
    length: int = 0


Handler = Callable[[Request, "re.Match[str]"], Response]


@dataclass(frozen=True)
class Route:
    """A path pattern (matched in full against the decoded path) and its handler."""

    pattern: re.Pattern[str]
    handler: Handler
    methods: tuple[str, ...] = ("GET", "HEAD")


def route(pattern: str, handler: Handler, methods: Iterable[str] = ("GET", "HEAD")) -> Route:
    """Build a Route from a regular expression string."""
    return Route(re.compile(pattern), handler, tuple(methods))


def html_response(text: str, status: int = 200, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """An HTML response encoded as UTF-8."""
    return Response(status, text.encode("utf-8"), HTML_TYPE, list(headers))


def json_response(data: object) -> Response:
    """A JSON response encoded as UTF-8."""
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(200, body, "application/json; charset=utf-8")


def redirect(location: str, status: int = 302, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A redirect with a tiny HTML body, as real servers send."""
    target = escape(location)
    body = f'<!DOCTYPE html><html lang="en"><title>Redirect</title><a href="{target}">{target}</a></html>'
    return html_response(body, status, [("Location", location), *headers])
