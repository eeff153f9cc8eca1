"""One window per data directory: starting the app again brings the open window forward.

Two windows on one store would both run every schedule (each definition crawled twice) and
both try to resume the crawls left at quit. The first window holds a lock file in the data
directory (``QLockFile``: a lock left by a crashed process is noticed through its pid) and
listens on a local socket; a second start finds the lock, asks the first window to show
itself, and exits.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_FILE_NAME = "window.lock"
_ACTIVATE = b"activate\n"
_CONNECT_MS = 1500


def server_name(data_dir: Path) -> str:
    """A local socket name per user and data directory (short enough for a Unix socket path)."""
    digest = hashlib.sha256(f"{getpass.getuser()}\0{data_dir}".encode()).hexdigest()[:20]
    return f"quaero-desktop-{digest}"


class SingleInstance(QObject):
    """``acquire()`` in the first window; in a later start, ``ask_first_to_show()``."""

    activation_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock_path = data_dir / LOCK_FILE_NAME
        self.name = server_name(data_dir)
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, however long a window stays open
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Become the window for this data directory; False when another one already is."""
        if not self._lock.tryLock(200):
            return False
        QLocalServer.removeServer(self.name)  # a socket file left by a crash
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        # Not listening only costs the "bring forward" nicety; the lock alone keeps one window.
        if server.listen(self.name):
            self._server = server
        return True

    def ask_first_to_show(self) -> bool:
        """Tell the window holding the lock to come forward; False when it did not answer."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(_CONNECT_MS):
            return False
        socket.write(_ACTIVATE)
        written = socket.waitForBytesWritten(_CONNECT_MS)
        socket.abort()
        return written

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _on_connection(self) -> None:
        """A later start connected: it writes its request at once, so read it here and hang up."""
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            arrived = socket.bytesAvailable() or socket.waitForReadyRead(_CONNECT_MS)
            if arrived and _ACTIVATE.strip() in bytes(socket.readAll().data()):
                self.activation_requested.emit()
            socket.abort()
