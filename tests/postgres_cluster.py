"""A throw-away PostgreSQL cluster for the team-mode tests (issue 23): Debian's server, a fresh data
directory in a temporary folder, its own port and socket folder, trust authentication on 127.0.0.1
only, stopped and deleted at the end.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user (Debian's
package makes it) and its commands run through ``runuser``; as anyone else, as that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVER_USER = "postgres"
DATABASE = "quaero"


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server here: the message says what to install."""


def server_bin() -> Path:
    """The folder of the newest PostgreSQL server Debian installed (``/usr/lib/postgresql/N/bin``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise ClusterUnavailable("no PostgreSQL server here: install Debian's postgresql package (bash .ci/setup does)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """``with PostgresCluster() as cluster: cluster.url()`` — a running server and its database."""

    def __init__(self) -> None:
        self.bin = server_bin()
        self.port = free_port()
        self._root = Path(tempfile.mkdtemp(prefix="quaero-pg-"))
        self.data = self._root / "data"
        self.sockets = self._root / "sockets"
        self.log = self._root / "server.log"
        self._as_root = os.geteuid() == 0

    def url(self, database: str = DATABASE) -> str:
        """A SQLAlchemy URL (psycopg 3) of ``database`` over TCP on 127.0.0.1."""
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        line = [str(self.bin / command[0]), *command[1:]]
        if self._as_root:
            line = ["runuser", "-u", SERVER_USER, "--", *line]
        done = subprocess.run(line, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise ClusterUnavailable(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}\n{log}")
        return done

    def start(self) -> PostgresCluster:
        self.sockets.mkdir(parents=True)
        if self._as_root:
            shutil.chown(self._root, SERVER_USER)
            shutil.chown(self.sockets, SERVER_USER)
        self._run("initdb", "-D", str(self.data), "-U", SERVER_USER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.start_server()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SERVER_USER, DATABASE)
        return self

    def stop_server(self) -> None:
        """Stop the server as a crash or a network loss would look to its clients (its data stays)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def start_server(self) -> None:
        """Start the stopped server again, on the same port."""
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def create_database(self, name: str) -> str:
        """A fresh, empty database in this cluster; its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SERVER_USER, name)
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            for _ in range(3):
                shutil.rmtree(self._root, ignore_errors=True)
                if not self._root.exists():
                    break
                time.sleep(0.2)

    def __enter__(self) -> PostgresCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc: object) -> None:
        self.stop()
