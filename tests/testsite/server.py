"""TestSite: a threaded HTTP/1.1 server on 127.0.0.1 that serves the routes of this package."""

from __future__ import annotations

import socket
import sys
import threading
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from . import auth, behaviours, big, pages
from .behaviours import not_found
from .big import big_paths
from .core import SESSION_COOKIE, Request, Response, Route, SiteState, html_response

ROUTES: list[Route] = [*pages.ROUTES, *behaviours.ROUTES, *auth.ROUTES, *big.ROUTES]
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
    server: _Server

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
        )

    def _serve(self, method: str) -> None:
        req = self._request(method)
        if method == "GET":
            req.state.record_hit(req.host, req.path)
        response = self._dispatch(req)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close" if self.close_connection else "keep-alive")
        self.end_headers()
        if method != "HEAD":
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


class _Server(ThreadingHTTPServer):
    """Tracks open connections so that stopping also ends idle keep-alive connections."""

    daemon_threads = True

    def __init__(self, port: int, state: SiteState) -> None:
        self.state = state
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open client connection."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client hangs up; report real errors."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class TestSite:
    """The test suite's local website; see tests/testsite/README.md for the routes.

    ``with TestSite(big_pages=0) as site:`` starts it on 127.0.0.1 (port 0: the OS picks)
    and stops it on exit.
    """

    __test__ = False  # not a pytest test class
    SESSION_COOKIE: ClassVar[str] = SESSION_COOKIE

    def __init__(self, *, port: int = 0, big_pages: int = 0) -> None:
        self._requested_port = port
        self._state = SiteState(big_pages)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (only while running)."""
        if self._server is None:
            raise RuntimeError("TestSite is not running")
        return self._server.server_address[1]

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
        if self._server is not None:
            raise RuntimeError("TestSite is already running")
        self._server = _Server(self._requested_port, self._state)
        self._state.base_url = self.base_url
        self._state.other_base_url = self.other_host_url("")
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_INTERVAL_S,), name="testsite", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> TestSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def hits(self, path: str, host: str = "127.0.0.1") -> int:
        """GET requests for ``path`` (without query) sent with Host ``host``."""
        return self._state.hits(path, host)

    def hit_paths(self) -> dict[str, int]:
        """Path -> GET count for host 127.0.0.1."""
        return self._state.hit_paths("127.0.0.1")

    def reset_hits(self) -> None:
        """Zero every hit counter and restart the /flaky sequence."""
        self._state.reset_hits()

    def create_session(self, username: str = "alice") -> str:
        """A valid value for the SESSION_COOKIE cookie, signed in as ``username``."""
        return self._state.create_session(username)

    def big_urls(self) -> list[str]:
        """Every URL of the big site: /big/, the sections, then the leaves ([] if big_pages=0)."""
        return [self.url(path) for path in big_paths(self._state.big_pages)]
