"""A local stand-in for Playwright's download server (the real one is not reachable from CI).

Playwright's installer downloads from ``$PLAYWRIGHT_DOWNLOAD_HOST/<path>`` when that is set;
this server answers the Chromium and FFmpeg archives of Linux x64 with small zips laid out as
Playwright expects (``chrome-linux64/chrome``, ``ffmpeg-linux``), so the real installer runs
end to end: download with progress, unpack, its completion marker. The "browser" is a shell
script: enough for discovery, which checks for an executable file.

``stall_at=0.4`` sends 40 % of each archive, then waits until ``release()`` (or the client
goes away): a download that is certainly in progress, for cancelling.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAKE_CHROME = "#!/bin/sh\n# Chromium stand-in served by tests/browser_download_host.py\nexit 0\n"
PADDING_BYTES = 3 * 1024 * 1024  # incompressible: the download has a size worth reporting progress on


def _archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, text)
        folder = next(iter(files)).rpartition("/")[0]
        archive.writestr(f"{folder}/padding.bin" if folder else "padding.bin", os.urandom(PADDING_BYTES))
    return buffer.getvalue()


ARCHIVES = {
    "chrome-linux64.zip": _archive({"chrome-linux64/chrome": FAKE_CHROME}),
    "ffmpeg-linux.zip": _archive({"ffmpeg-linux": "#!/bin/sh\nexit 0\n", "LICENSE": "stand-in\n"}),
}


class DownloadHost:
    def __init__(self, *, stall_at: float | None = None) -> None:
        self.requests: list[str] = []
        self._stall_at = stall_at
        self._release = threading.Event()
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.requests.append(self.path)
                body = ARCHIVES.get(self.path.rsplit("/", 1)[-1])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the installer was cancelled
                    host._send(self.wfile, body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _send(self, stream: io.BufferedIOBase, body: bytes) -> None:
        chunk = 64 * 1024
        stall = len(body) if self._stall_at is None else int(len(body) * self._stall_at)
        for start in range(0, len(body), chunk):
            if start >= stall and not self._release.is_set():
                stream.flush()
                self._release.wait(120)
            stream.write(body[start : start + chunk])
        stream.flush()

    def release(self) -> None:
        self._release.set()

    def __enter__(self) -> DownloadHost:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
