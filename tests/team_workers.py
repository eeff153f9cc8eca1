"""Team workers for the team-mode tests: real ``quaero-desktop worker`` processes on a PostgreSQL store,
each with its own data directory as on its own machine, what it says (stderr) in a file of its own."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, child_env

START_S = 60.0


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    said: Path  # its stderr

    def text(self) -> str:
        return self.said.read_text(encoding="utf-8", errors="replace")

    def pages_handled(self) -> int:
        """The pages it says it handled when it stopped."""
        return int(self.text().rsplit("stopped after ", 1)[1].split(" ", 1)[0])


@contextmanager
def workers(postgres_url: str, tmp_path: Path, count: int, concurrency: int = 4, **env: str) -> Iterator[list[Worker]]:
    """``count`` worker processes on the team store (``env``: more of their environment), taking pages when
    this yields; stopped (SIGTERM: they finish the pages they hold) at the end."""
    started = []
    first = len(list(tmp_path.glob("worker-*.log")))  # several groups of workers in one test
    for n in range(first, first + count):
        data_dir = tmp_path / f"worker-{n}"
        data_dir.mkdir()
        said = tmp_path / f"worker-{n}.log"
        with said.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "quaero_desktop", "--data-dir", str(data_dir), "--database-url", postgres_url,
                 "worker", "--concurrency", str(concurrency), "--name", f"worker-{n}"],
                cwd=ROOT, env=child_env(**env), stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        started.append(Worker(process, said))
    try:
        deadline = time.monotonic() + START_S
        for worker in started:
            while "taking pages" not in worker.text():
                assert worker.process.poll() is None, f"a worker stopped as it started: {worker.text()}"
                assert time.monotonic() < deadline, f"a worker did not start in {START_S:g} s: {worker.text()}"
                time.sleep(0.05)
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in started:
            try:
                worker.process.wait(30)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(10)
