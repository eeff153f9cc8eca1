"""``store copy --to URL``: the local store copied into a team store (PostgreSQL), checked table by table."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, TextIO

from quaero_desktop.cli.arguments import DatabaseUrl
from quaero_desktop.cli.output import print_json
from quaero_desktop.cli.upgrade_progress import UpgradeProgress

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App

COPY_HELP = """\
Copies every table of the store this command opens (the data directory's SQLite file, or the one
--database-url names) into the store at --to: definitions, jobs with their pages and logs, documents
with their sources and aliases, logins' names and dates, schedules. Ids are kept. The target is brought
to this version's schema first and must hold no data; the copy is one transaction there (a failure
leaves it empty), then each table's row count and checksum are compared with the source's (a mismatch:
exit 1, nothing kept). Logins' secrets stay in this machine's keyring: save the logins again where the
team store is used. Progress on stderr; --json prints the rows copied per table on stdout.
Then use the team store with --database-url URL (or QUAERO_DATABASE_URL, or database_url in settings.toml)."""


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("store", help="copy the store into a team store (PostgreSQL)")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    copying = commands.add_parser(
        "copy",
        parents=[common],
        help="copy every table into an empty team store, ids kept, checked table by table",
        description=COPY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    copying.add_argument(
        "--to",
        metavar="URL",
        required=True,
        type=DatabaseUrl(),
        help="the empty target, postgresql+psycopg://ROLE@HOST:PORT/DATABASE (password: PGPASSWORD or ~/.pgpass)",
    )
    copying.add_argument("--json", action="store_true", help="print the summary as JSON")
    copying.set_defaults(handler=copy_command)


def copy_command(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.store import open_database
    from quaero_desktop.store.store_copy import copy_store

    upgrade = UpgradeProgress()
    try:
        target = open_database(app.data_dir, upgrade, url=args.to)
    except BaseException:
        upgrade.abandon()
        raise
    upgrade.finish()
    try:
        progress = CopyProgress(sys.stderr)
        report = copy_store(app.database, target, progress)
        progress.finish()
    finally:
        target.dispose()
    rate = report.rows / report.seconds if report.seconds else 0.0
    if args.json:
        print_json(
            {
                "source": app.database.location,
                "target": target.location,
                "tables": {table.table: {"rows": table.rows, "checksum": table.checksum} for table in report.tables},
                "rows": report.rows,
                "seconds": round(report.seconds, 3),
                "rows_per_s": round(rate),
                "checked": True,
            }
        )
    else:
        for table in report.tables:
            print(f"{table.table:<18} {table.rows:>10,} rows")
        print(f"copied {report.rows:,} rows into {target.location} in {report.seconds:.1f} s; every table checked")
    return 0


class CopyProgress:
    """A ``store_copy.CopyProgress`` on stderr: a line per table, and every few seconds on a long one."""

    def __init__(self, stream: TextIO, *, interval_s: float = 5.0) -> None:
        self._stream = stream
        self._interval_s = interval_s
        self._table = ""
        self._last = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        new = table != self._table
        if new or done == total or now - self._last >= self._interval_s:
            if new or done:  # an empty table: one line
                self._stream.write(f"copying {table}: {done:,} of {total:,} rows\n")
                self._stream.flush()
            self._table = table
            self._last = now

    def finish(self) -> None:
        self._stream.write("checked: every table's rows and checksum match the source\n")
        self._stream.flush()
