"""What the browser's launch switches leave out, and that the stored text is the same without them.

Crawls in ``browser`` mode, each in a child process: the test site's JavaScript apps (``/app/``) and a
real documentation tree (``--docs``, default /usr/share/doc/python3.11/html, served here), once with
the launch as checked out (images, web fonts and autoplay off: ``BLOCK_RESOURCE_ARGS``; the GPU in
the browser process: ``LEAN_PROCESS_ARGS``) and once with neither. Prints, per site, the requests
for images, fonts and media that reached the server on each side, and the pages whose stored
Markdown differs (goal: none).

    .venv/bin/python benchmarks/browser_identity.py [--docs DIR] [--docs-pages 150]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.testsite import TestSite  # noqa: E402

HEAVY = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".mp4", ".webm")


def crawl_child(start: str, include: str, max_pages: int, plain: bool) -> dict[str, str]:
    """In the child: crawl, and return {url: markdown}."""
    from quaero_desktop.app import build_app
    from quaero_desktop.crawler.browser import service
    from quaero_desktop.domain.definition import JobDefinition
    from quaero_desktop.engine.engine import Engine
    from quaero_desktop.engine.settings import EngineSettings

    if plain:
        service.LEAN_PROCESS_ARGS = ()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        engine = Engine(app.database, EngineSettings(block_resources=not plain))
        engine.start()
        try:
            definition = JobDefinition.from_mapping(
                {
                    "id": "identity",
                    "name": "identity",
                    "start_urls": [start],
                    "include_patterns": [include],
                    "max_depth": 4,
                    "max_pages": max_pages,
                    "concurrency": 4,
                    "timeout": "30m",
                    "render": "browser",
                },
                "identity",
            )
            job_id = engine.submit(definition).result()
            engine.wait(job_id).result()
            return {d.url: app.documents.get(d.id).markdown for d in app.documents.list(job_id=job_id, limit=100_000)}
        finally:
            engine.shutdown(detach=False)
            app.close(detach=False)


def run_side(start: str, include: str, max_pages: int, plain: bool) -> dict[str, str]:
    command = [sys.executable, __file__, "--child", start, include, str(max_pages), "plain" if plain else "as-is"]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    result: dict[str, str] = json.loads(output.strip().splitlines()[-1])
    return result


class _Logged(SimpleHTTPRequestHandler):
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path, seen: list[str]) -> Iterator[str]:
    handler = type("Handler", (_Logged,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def compare(name: str, sides: dict[str, dict[str, str]], heavy: dict[str, int]) -> None:
    plain, as_is = sides["plain"], sides["as-is"]
    common = sorted(set(plain) & set(as_is))
    differing = [url for url in common if plain[url] != as_is[url]]
    print(
        f"{name}: {len(as_is)} pages as checked out, {len(plain)} with nothing blocked; {len(common)} in both, "
        f"{len(differing)} with different Markdown; image/font/media requests reaching the server: "
        f"as checked out {heavy['as-is']}, nothing blocked {heavy['plain']}",
        flush=True,
    )
    for url in differing[:10]:
        print(f"    differs: {url}")
    for url in sorted(set(plain) ^ set(as_is))[:10]:
        print(f"    only on one side: {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=Path("/usr/share/doc/python3.11/html"))
    parser.add_argument("--docs-pages", type=int, default=150)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        start, include, max_pages, side = args.child
        print(json.dumps(crawl_child(start, include, int(max_pages), side == "plain")))
        return

    with TestSite() as site:
        sides, heavy = {}, {}
        for side in ("as-is", "plain"):
            site.reset_hits()
            sides[side] = run_side(site.url("/app/"), "/app/", 500, side == "plain")
            heavy[side] = sum(1 for r in site.requests("/") if r.path.lower().endswith(HEAVY))
        compare("test site /app/", sides, heavy)

    if args.docs.is_dir():
        seen: list[str] = []
        with serving(args.docs, seen) as base:
            sides, heavy = {}, {}
            for side in ("as-is", "plain"):
                seen.clear()
                sides[side] = run_side(base + "/library/index.html", "/library/", args.docs_pages, side == "plain")
                heavy[side] = sum(1 for path in seen if path.split("?", 1)[0].lower().endswith(HEAVY))
            compare(f"{args.docs} /library/", sides, heavy)


if __name__ == "__main__":
    main()
