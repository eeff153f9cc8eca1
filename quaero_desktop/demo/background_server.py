"""A small HTTP server on a daemon thread: start, stop (also ending idle keep-alive
connections), context manager. The demo site uses it; so does the test suite's site."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

POLL_INTERVAL_S = 0.05  # how quickly stop() takes effect


class QuietHTTPServer(ThreadingHTTPServer):
    """Tracks open connections so stopping ends idle keep-alive ones; quiet when a client hangs up."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class BackgroundServer:
    """Serves ``handler`` on ``host:port`` (port 0: the OS picks) from a daemon thread."""

    server_class: type[QuietHTTPServer] = QuietHTTPServer  # a subclass may carry what its handler reads

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler], *, name: str) -> None:
        self._address = (host, port)
        self._handler = handler
        self._name = name
        self._server: QuietHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def make_server(self) -> QuietHTTPServer:
        """The bound server; subclasses attach what their handler needs."""
        return self.server_class(self._address, self._handler)

    @property
    def host(self) -> str:
        return self._address[0]

    @property
    def port(self) -> int:
        """The bound port (only while running)."""
        if self._server is None:
            raise RuntimeError(f"{self._name} is not running")
        return self._server.server_address[1]

    def start(self) -> Self:
        """Bind and start serving; raises OSError if the port is taken."""
        if self._server is not None:
            raise RuntimeError(f"{self._name} is already running")
        self._server = self.make_server()
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_INTERVAL_S,), name=self._name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and release the port (idempotent)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
