"""A small HTTP forward proxy on 127.0.0.1 for the proxy tests: it records what passed through it.

    with TestProxy() as proxy:                      # no login
    with TestProxy(login=("ada", "s3cret")) as p:   # asks for Basic credentials (407) first
        proxy.url                                   # "http://127.0.0.1:PORT"
        proxy.seen()                                # [(method, absolute URL, user or None), ...]

Plain http only (the test site): absolute-form requests are forwarded with http.client and the
answer relayed; CONNECT (https) is refused with 501.
"""

from __future__ import annotations

import base64
import http.client
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from quaero_desktop.demo.background_server import BackgroundServer, QuietHTTPServer

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: QuietHTTPServer  # with .proxy (see TestProxy.make_server)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def do_CONNECT(self) -> None:
        self._reply(501, b"CONNECT is not supported by the test proxy", [])

    def _forward(self) -> None:
        proxy: TestProxy = self.server.proxy  # type: ignore[attr-defined]
        user = proxy.authorised(self.headers.get("Proxy-Authorization", ""))
        if user is False:
            self._reply(407, b"proxy login required", [("Proxy-Authenticate", 'Basic realm="test proxy"')])
            return
        proxy.record(self.command, self.path, user or None)
        target = urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=30)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            connection.request(self.command, path or "/", headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            relayed = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP | {"content-length"}]
            self._reply(answer.status, body, relayed, head=self.command == "HEAD")
        except OSError as exc:
            self._reply(502, f"bad gateway: {exc}".encode(), [])
        finally:
            connection.close()

    def _reply(self, status: int, body: bytes, headers: list[tuple[str, str]], *, head: bool = False) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class TestProxy(BackgroundServer):
    __test__ = False  # not a pytest test class

    def __init__(self, *, login: tuple[str, str] | None = None) -> None:
        super().__init__("127.0.0.1", 0, _ProxyHandler, name="test-proxy")
        self._login = login
        self._lock = threading.Lock()
        self._seen: list[tuple[str, str, str | None]] = []

    def make_server(self) -> QuietHTTPServer:
        server = super().make_server()
        server.proxy = self  # type: ignore[attr-defined]
        return server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def authorised(self, header: str) -> str | bool:
        """The user name when the request may pass ("" without a login to check), False when not."""
        if self._login is None:
            return ""
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return user if (user, password) == self._login else False

    def record(self, method: str, url: str, user: str | None) -> None:
        with self._lock:
            self._seen.append((method, url, user))

    def seen(self) -> list[tuple[str, str, str | None]]:
        with self._lock:
            return list(self._seen)
