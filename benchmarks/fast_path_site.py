"""The generated sites benchmarks/fast_path.py crawls: ``tests.testsite`` with ``--big-pages`` leaves
(every ``--big-js-every``-th rendered only by script) served in another process, whose pages are
changed (``change PATH``) and put back (``reset``) over its stdin.

Imported by benchmarks/fast_path.py once the checkout's root is on ``sys.path``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.testsite.big import big_paths

ROOT = Path(__file__).resolve().parents[1]


class Site:
    def __init__(self, pages: int, js_every: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.testsite", "--big-pages", str(pages), "--big-js-every", str(js_every)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        self.pages = pages

    def command(self, line: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "ok"

    def urls(self) -> list[str]:
        return [self.base_url + path for path in big_paths(self.pages)]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


@contextmanager
def site(pages: int, js_every: int = 0) -> Iterator[Site]:
    served = Site(pages, js_every)
    try:
        yield served
    finally:
        served.close()
