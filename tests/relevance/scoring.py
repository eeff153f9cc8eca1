"""A relevance set (``*.toml`` beside this file) and how a ranking scores on it: MRR, hit@1, hit@3.

Shared by ``tests/test_relevance.py`` (the goal, on the Python manual) and ``benchmarks/relevance.py``
(before and after, on the Python manual and on the PostgreSQL manual the rules were not written for).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).parent
DEPTH = 10  # results looked at per query


@dataclass(frozen=True)
class Query:
    text: str
    expected: tuple[str, ...]  # paths under the manual's root; any of them is the answer


@dataclass(frozen=True)
class Manual:
    name: str
    folder: Path  # as a Debian package installs it
    package: str
    queries: tuple[Query, ...]


def manual(name: str, folder: str, package: str) -> Manual:
    loaded = tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))
    queries = tuple(Query(entry["text"], tuple(entry["expected"])) for entry in loaded["query"])
    return Manual(name, Path(folder), package, queries)


PYTHON = manual("python_docs", "/usr/share/doc/python3/html", "python3-doc")
POSTGRESQL = manual("postgresql_docs", "/usr/share/doc/postgresql-doc-15/html", "postgresql-doc-15")


def rank_of(query: Query, urls: Sequence[str]) -> int | None:
    """The 1-based position of the first expected page among ``urls`` (looked at to DEPTH), or None."""
    for position, url in enumerate(urls[:DEPTH], 1):
        if urlsplit(url).path.lstrip("/") in query.expected:
            return position
    return None


@dataclass(frozen=True)
class Scores:
    mrr: float
    hit_at_1: float
    hit_at_3: float

    def __str__(self) -> str:
        return f"MRR {self.mrr:.3f}, hit@1 {self.hit_at_1:.3f}, hit@3 {self.hit_at_3:.3f}"


def scores(ranks: Sequence[int | None]) -> Scores:
    count = len(ranks)
    return Scores(
        mrr=sum(1 / rank for rank in ranks if rank) / count,
        hit_at_1=sum(1 for rank in ranks if rank == 1) / count,
        hit_at_3=sum(1 for rank in ranks if rank and rank <= 3) / count,
    )


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` on 127.0.0.1, as its base URL: Python's file server in a process of its own (in this
    one it would compete with a crawl for the interpreter)."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
            "--protocol",
            "HTTP/1.1",
            "--directory",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        announced = re.search(r"port (\d+)", server.stdout.readline())  # "Serving HTTP on 127.0.0.1 port N …"
        assert announced, "the file server did not start"
        yield f"http://127.0.0.1:{announced.group(1)}"
    finally:
        server.terminate()
        server.wait(10)


def definition_text(base: str, name: str) -> str:
    """The crawl of a whole manual over HTTP, as a definition file."""
    return (
        f'id = "manual-{name.replace("_", "-")}"\nname = "{name}"\nstart_urls = ["{base}/index.html"]\n'
        'max_depth = 20\nmax_pages = 5000\nconcurrency = 4\nrender = "http"\ntimeout = "30m"\n'
        "stay_under_start_path = true\nobey_robots_txt = false\n"
    )
