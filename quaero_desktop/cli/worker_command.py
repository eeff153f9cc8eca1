"""``quaero-desktop worker``: a team worker, taking the pages of team crawls from the queue on the
team's PostgreSQL store (docs/team-mode.md) until stopped (Ctrl+C, SIGTERM: the pages it holds
are finished first; a worker killed outright leaves them to the others)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quaero_desktop.app import App

log = logging.getLogger(__name__)

EXIT_NOT_TEAM = 2
MAX_CONCURRENCY = 64


def concurrency(text: str) -> int:
    """--concurrency's value: a whole number from 1 to MAX_CONCURRENCY."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"{value} is out of range: give 1 to {MAX_CONCURRENCY}")
    return value


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    worker = subparsers.add_parser(
        "worker",
        parents=[common],
        help="fetch the pages of team crawls from the team store's queue (needs --database-url postgresql+psycopg://…)",
    )
    worker.add_argument(
        "--concurrency", type=concurrency, default=4, help="pages fetched at once by this worker (default 4)"
    )
    worker.add_argument("--name", default=None, help="this worker's name in the logs (default: host and process id)")
    worker.set_defaults(handler=_worker)


def _worker(app: App, args: argparse.Namespace) -> int:
    if app.database.dialect != "postgresql":
        print(
            "error: a worker needs the team's PostgreSQL store: give --database-url postgresql+psycopg://ROLE@HOST/DB "
            "(or set QUAERO_DATABASE_URL, or database_url in settings.toml)",
            file=sys.stderr,
        )
        return EXIT_NOT_TEAM
    import asyncio  # only a worker runs a loop: every other command starts without asyncio (issue 20, item 4)
    import socket  # and names itself by its host

    name = args.name or f"{socket.gethostname()}-{os.getpid()}"
    return asyncio.run(_serve(app, name, args.concurrency))


async def _serve(app: App, name: str, concurrency: int) -> int:
    import asyncio

    from quaero_desktop.services.team_worker import serve_pages

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(
        f"worker {name}: taking pages from {app.database.location} ({concurrency} at a time); Ctrl+C stops",
        file=sys.stderr,
    )
    pages = await serve_pages(app, name=name, concurrency=concurrency, stop=stop)
    print(f"worker {name}: stopped after {pages} page(s)", file=sys.stderr)
    return 0
