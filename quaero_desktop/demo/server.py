"""Serve the bundled demo site (a small static handbook) so a new user can try a crawl offline."""

from __future__ import annotations

import json
import mimetypes
import posixpath
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

from quaero_desktop.demo import DEFAULT_DEMO_PORT
from quaero_desktop.demo.background_server import BackgroundServer, QuietHTTPServer

SITE_DIR = Path(__file__).resolve().parent / "site"
NOT_FOUND_PAGE = "404.html"
IDLE_CONNECTION_TIMEOUT_S = 30


def _content_type(path: Path) -> str:
    """The MIME type for a file, with a charset for text."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{mime}; charset=utf-8" if mime.startswith("text/") else mime


def resolve_site_path(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that ``url_path`` names, or None.

    The path is percent-decoded first; any ``..`` segment, backslash or NUL is refused,
    directories map to their index.html, and the result must stay inside ``root`` even
    after symlinks are resolved.
    """
    decoded = unquote(url_path)
    if "\\" in decoded or "\x00" in decoded or not decoded.startswith("/"):
        return None
    segments = decoded.split("/")
    if ".." in segments:
        return None
    relative = posixpath.normpath(decoded).lstrip("/")
    candidate = (root / relative) if relative not in ("", ".") else root
    if decoded.endswith("/"):
        candidate = candidate / "index.html"
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root.resolve()):
        return None
    return resolved


class _DemoHTTPServer(QuietHTTPServer):
    """The demo's server; its handler serves the files under ``site_dir``."""

    site_dir: Path = SITE_DIR


class _DemoHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the site; 404 page for anything else; no listings."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_TIMEOUT_S
    server: _DemoHTTPServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: no access log."""

    def _serve(self, send_body: bool) -> None:
        root = self.server.site_dir
        url_path = urlsplit(self.path).path
        target = resolve_site_path(root, url_path)
        if target is not None and target.is_dir():
            self._send(301, b"", "text/plain; charset=utf-8", send_body, (("Location", url_path + "/"),))
            return
        if target is None or not target.is_file():
            body = (root / NOT_FOUND_PAGE).read_bytes()
            self._send(404, body, "text/html; charset=utf-8", send_body)
            return
        self._send(200, target.read_bytes(), _content_type(target), send_body)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        send_body: bool,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Connection", "close" if self.close_connection else "keep-alive")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class DemoServer(BackgroundServer):
    """The demo site on ``host:port`` (port 0: the OS picks), served from a daemon thread.

    Use as a context manager, or call start() and stop().
    """

    server_class = _DemoHTTPServer

    def __init__(self, port: int = DEFAULT_DEMO_PORT, host: str = "127.0.0.1") -> None:
        super().__init__(host, port, _DemoHandler, name="demo-server")

    @property
    def base_url(self) -> str:
        """http://HOST:PORT, without a trailing slash."""
        return f"http://{self.host}:{self.port}"


def example_definition_toml(base_url: str) -> str:
    """A job definition (TOML) that crawls the demo site served at ``base_url``."""
    start_url = base_url.rstrip("/") + "/"
    return f"""\
# Crawl the bundled demo site ("quaero-desktop demo" serves it).
id = "demo-site"
name = "Demo site"
description = "The Lighthouse Keeper's Handbook, served on this computer"
start_urls = [{json.dumps(start_url)}]
include_patterns = []
exclude_patterns = []
max_depth = 3
max_pages = 50
concurrency = 4
follow_links = true
same_domain = true
schedule = ""
timeout = "10m"
enabled = true
auto_start = false
"""
