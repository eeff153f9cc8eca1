"""What each hostile page of the test site gives (issue 21, item 5), before and now, side by side in one run.

Serves the test site (``tests/testsite``: ``/redirects/`` and ``/hostile/``) in this process and crawls
its hostile pages in each render mode, each crawl in a fresh child process importing the package either
as checked out ("now") or as it was at ``--baseline`` ("before", the whole package from ``git archive``;
the test site is this checkout's on both sides). For every case: how its page ended (status, and the
error or note the job shows, cut to ``--width``), how many requests the site saw for it (a loop's, a
chain's, the other host's), and the crawls' longest error, log line and stderr line, and how many Python
tracebacks they printed. Not a timed test: a report.

    .venv/bin/python benchmarks/hostile_pages.py [--baseline a5bc8dc^] [--modes http,auto,browser]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from baseline_tree import child_env, package_at, use_tree_from_env  # noqa: E402

sys.path.insert(0, str(ROOT))
use_tree_from_env()


# A case: its start URL's path, and the paths (with their host: "" is the site's own) whose requests it makes.
CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "50-redirect chain": ("/redirects/chain/0", ("/redirects/chain/",)),
    "redirect loop": ("/redirects/loop/a", ("/redirects/loop/",)),
    "meta-refresh loop": ("/redirects/refresh/a", ("/redirects/refresh/",)),
    "script loop": ("/redirects/script/a", ("/redirects/script/",)),
    "redirect to localhost": ("/redirects/off-site", ("localhost/redirects/landed",)),
    "redirect to 127.0.0.2": ("/redirects/off-address", ("127.0.0.2/redirects/landed",)),
    "redirect to mailto": ("/redirects/mailto", ()),
    "binary as text/html": ("/hostile/binary", ()),
}
# Crawled with their links (one level): a link to another port, a link of 100,000 characters.
LINK_CASES: dict[str, str] = {"link to another port": "/redirects/other-port", "100 KB link": "/hostile/long-url"}


def crawl_once(base: str, data_dir: str, render: str) -> dict[str, object]:
    """In the child: the two crawls of every case, and what each page ended as."""
    from benchmarks.timed_crawl import timed_crawl
    from quaero_desktop.app import build_app

    app = build_app(Path(data_dir))
    pages: dict[str, dict[str, object]] = {}
    longest_log = longest_error = 0
    try:
        crawls = [
            {"start_urls": [base + path for path, _ in CASES.values()], "follow_links": False},
            {"start_urls": [base + path for path in LINK_CASES.values()], "max_depth": 1},
        ]
        for number, fields in enumerate(crawls):
            job, _wall = timed_crawl(app, {"name": f"hostile {number}", "render": render, **fields})
            for child in app.jobs.children(job.id):
                ended = {"status": str(child.status), "result": str(child.result or ""), "error": child.error or ""}
                pages[child.url] = {**ended, "note": child.note or ""}
                longest_error = max(longest_error, len(child.error or ""), len(child.note or ""))
            longest_log = max([longest_log, *(len(entry.message) for entry in app.jobs.logs(job.id))])
    finally:
        app.close(detach=False)
    return {"pages": pages, "longest_log": longest_log, "longest_error": longest_error}


def run_side(tree: Path | None, base: str, render: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as data_dir:
        done = subprocess.run(
            [sys.executable, __file__, "--one", base, data_dir, render],
            cwd=ROOT, env=child_env(tree), capture_output=True, text=True, check=True,
        )  # fmt: skip
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    errors = done.stderr.splitlines()
    result["tracebacks"] = sum(line.startswith("Traceback") for line in errors)
    result["longest_stderr"] = max((len(line) for line in errors), default=0)
    return result


def requests_for(seen: list[tuple[str, str]], patterns: tuple[str, ...]) -> int:
    count = 0
    for host, path in seen:
        for pattern in patterns:
            on_other = not pattern.startswith("/")
            if (on_other and f"{host}{path}".startswith(pattern)) or (
                not on_other and host == "127.0.0.1" and path.startswith(pattern)
            ):
                count += 1
    return count


def said(page: dict[str, object] | None, width: int) -> str:
    if page is None:
        return "(no page)"
    words = str(page["error"] or page["note"])
    ended = str(page["result"] or page["status"])
    text = f"{ended}: {words}" if words else ended
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--baseline", action="append", help="a 'before' side (a git revision; may be given again): a5bc8dc^ if none"
    )
    parser.add_argument("--modes", default="http,auto,browser")
    parser.add_argument("--width", type=int, default=110)
    parser.add_argument("--one", nargs=3, metavar=("BASE", "DATA_DIR", "RENDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(crawl_once(*args.one)))
        return
    from tests.testsite.redirects import OTHER_PORT_URL
    from tests.testsite.server import TestSite

    revisions = args.baseline or ["a5bc8dc^"]
    with ExitStack() as stack:
        site = stack.enter_context(TestSite())
        sides = [(f"at {rev}", stack.enter_context(package_at(rev))) for rev in revisions if rev] + [("now", None)]
        print("sides: " + ", ".join(side for side, _ in sides) + " (now: the checkout)")
        for mode in args.modes.split(","):
            print(f"\n== render = {mode}")
            results = {}
            for side, tree in sides:
                site.reset_hits()
                result = run_side(tree, site.base_url, mode)
                result["seen"] = [(r.host.split(":")[0], r.path) for r in site.requests("/")]
                results[side] = result
            for case, (path, patterns) in CASES.items():
                print(f"{case}:")
                for side, result in results.items():
                    asked = requests_for(result["seen"], patterns) if patterns else None  # type: ignore[arg-type]
                    where = f"{asked:3d} req" if asked is not None else "       "
                    print(f"  {side:12s} {where}  {said(result['pages'].get(site.url(path)), args.width)}")  # type: ignore[union-attr]
            for case, path in LINK_CASES.items():
                print(f"{case}:")
                for side, result in results.items():
                    pages: dict[str, dict[str, object]] = result["pages"]  # type: ignore[assignment]
                    if path.endswith("other-port"):
                        text = said(pages.get(OTHER_PORT_URL), args.width) if OTHER_PORT_URL in pages else "not crawled"
                    else:
                        far = next((page for url, page in pages.items() if "/hostile/far?" in url), None)
                        text = said(far, args.width)
                    print(f"  {side:12s}           {text}")
            for side, result in results.items():
                longest = f"{result['longest_error']} / {result['longest_log']} / {result['longest_stderr']}"
                print(f"{side}: longest error or note / log line / stderr line {longest} characters; ", end="")
                print(f"{result['tracebacks']} tracebacks")


if __name__ == "__main__":
    main()
