"""Serve the test site in its own process: ``python -m tests.testsite [--big-pages N] [--big-js-every K] [--port N]``.

Prints the base URL on the first line of stdout, then serves until stdin closes or Ctrl+C.
Benchmarks use this so the site's Python threads do not share a GIL with the crawler. Lines on
stdin control it: ``change PATH`` (``change_page``), ``remove PATH`` (``remove_page``), ``reset``
(``reset_hits``); each is answered with ``ok`` on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from tests.testsite import TestSite


def main() -> None:
    parser = argparse.ArgumentParser(description="serve the test site on 127.0.0.1")
    parser.add_argument("--big-pages", type=int, default=0)
    parser.add_argument("--big-js-every", type=int, default=0, help="every K-th big leaf renders only by script")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with TestSite(big_pages=args.big_pages, big_js_every=args.big_js_every, port=args.port) as site:
        print(site.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            for line in sys.stdin:
                command, _, path = line.strip().partition(" ")
                if command == "change":
                    site.change_page(path)
                elif command == "remove":
                    site.remove_page(path)
                elif command == "reset":
                    site.reset_hits()
                print("ok", flush=True)


if __name__ == "__main__":
    main()
