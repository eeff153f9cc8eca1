"""Serve the test site in its own process: ``python -m tests.testsite [--big-pages N] [--port N]``.

Prints the base URL on the first line of stdout, then serves until stdin closes or Ctrl+C.
Benchmarks use this so the site's Python threads do not share a GIL with the crawler.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from tests.testsite import TestSite


def main() -> None:
    parser = argparse.ArgumentParser(description="serve the test site on 127.0.0.1")
    parser.add_argument("--big-pages", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with TestSite(big_pages=args.big_pages, port=args.port) as site:
        print(site.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()


if __name__ == "__main__":
    main()
