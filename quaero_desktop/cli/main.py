"""The ``quaero-desktop`` command line (a stable contract: docs/contracts.md, "Command line")."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from quaero_desktop import __version__
from quaero_desktop.cli import (
    auth_commands,
    browser_commands,
    definitions_commands,
    demo_command,
    documents_commands,
    jobs_commands,
    mcp_command,
    store_commands,
    team_key_commands,
    worker_command,
)
from quaero_desktop.cli.arguments import DatabaseUrl, DirectoryPath, problem_with
from quaero_desktop.cli.exit_codes import EXIT_BAD_INPUT, EXIT_FAILED
from quaero_desktop.domain.errors import NotFoundError, QuaeroError, ValidationError
from quaero_desktop.frozen import prepare_environment
from quaero_desktop.paths import DATA_DIR_ENV, DATABASE_URL_ENV
from quaero_desktop.startup_gc import startup_imports, this_process_is_the_program

if TYPE_CHECKING:
    from quaero_desktop.app import App

DATA_DIR = DirectoryPath("a directory for the data")
DATABASE_URL = DatabaseUrl()


def build_parser() -> argparse.ArgumentParser:
    # --data-dir is accepted before or after the command; SUPPRESS keeps one from overwriting the other.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=DATA_DIR, default=argparse.SUPPRESS, help=f"data directory (env {DATA_DIR_ENV})"
    )
    common.add_argument(
        "--database-url",
        metavar="URL",
        type=DATABASE_URL,
        default=argparse.SUPPRESS,
        help=f"a team store (env {DATABASE_URL_ENV})",
    )
    parser = argparse.ArgumentParser(
        prog="quaero-desktop",
        description="Crawl websites, including ones behind a login, into a local searchable Markdown knowledge base.",
    )
    parser.add_argument(
        "--data-dir",
        type=DATA_DIR,
        default=None,
        help=f"data directory (default: env {DATA_DIR_ENV} or the user data dir)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        type=DATABASE_URL,
        default=None,
        help="a team store on PostgreSQL, postgresql+psycopg://ROLE@HOST:PORT/DATABASE, instead of the data "
        f"directory's SQLite file (default: env {DATABASE_URL_ENV}, else database_url in settings.toml); "
        "give the password in PGPASSWORD or ~/.pgpass rather than in the URL",
    )
    parser.add_argument("--version", action="version", version=f"quaero-desktop {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument(
        "--minimized",
        action="store_true",
        help="start in the system tray only, without the window (as at login); no effect with a command",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = subparsers.add_parser(
        "run", parents=[common], help="run a definition (a .toml/.json file or a stored id) to the end"
    )
    run.add_argument("definition", metavar="DEF")
    run.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    run.set_defaults(handler=_run)
    definitions_commands.add_parser(subparsers, common)
    jobs_commands.add_parser(subparsers, common)
    documents_commands.add_parser(subparsers, common)
    auth_commands.add_parser(subparsers, common)
    team_key_commands.add_parser(subparsers, common)
    demo_command.add_parser(subparsers, common)
    mcp_command.add_parser(subparsers, common)
    browser_commands.add_parser(subparsers, common)
    store_commands.add_parser(subparsers, common)
    worker_command.add_parser(subparsers, common)
    return parser


def _run(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.cli.run_command import run_definition  # the crawl's code: only for a crawl

    return run_definition(app, app.definitions.resolve(args.definition), as_json=args.json)


def main(argv: Sequence[str] | None = None) -> int:
    """The program (``argv`` None: the command line's own arguments), or a command run in the caller's
    process (``argv`` given: the tests)."""
    if argv is None:
        this_process_is_the_program()  # its start-up imports are frozen out of the collector's passes
    prepare_environment()  # the packaged app's environment, before anything starts a process
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command is None:
        return _open_window(args)
    from_env = None if args.data_dir else os.environ.get(DATA_DIR_ENV)
    if from_env and (problem := problem_with(DATA_DIR, from_env)):
        print(f"error: {DATA_DIR_ENV}={problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    url_from_env = None if args.database_url else os.environ.get(DATABASE_URL_ENV)
    if url_from_env and (problem := problem_with(DATABASE_URL, url_from_env)):
        print(f"error: {DATABASE_URL_ENV}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    app: App | None = None
    try:
        if getattr(args, "needs_app", True):
            with startup_imports():  # the store's and the services' modules (startup_gc.py)
                from quaero_desktop.app import build_app
                from quaero_desktop.cli.upgrade_progress import UpgradeProgress

            upgrade = UpgradeProgress()
            try:
                app = build_app(args.data_dir, upgrade, database_url=args.database_url)
            except OSError as exc:  # checked above: what a check cannot see (a read-only disk, a race)
                upgrade.abandon()
                print(f"error: the data directory cannot be used: {exc}; give another with --data-dir", file=sys.stderr)
                return EXIT_BAD_INPUT
            except BaseException:
                upgrade.abandon()  # the error is said on a line of its own
                raise
            upgrade.finish()
        # Every command's handler takes (app, args) and returns the exit code; app is None only for
        # commands registered with needs_app=False.
        exit_code: int = args.handler(app, args)
        return exit_code
    except (ValidationError, NotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except QuaeroError as exc:  # a conflict, no browser found, ...
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if app is not None:
            app.close()


def _open_window(args: argparse.Namespace) -> int:
    try:
        with startup_imports():  # Qt's and the window's modules, before any widget (startup_gc.py)
            from quaero_desktop.gui.main import run_gui
    except ImportError:
        print("the window is not available in this build; see: quaero-desktop --help", file=sys.stderr)
        return EXIT_FAILED
    if args.data_dir:
        os.environ[DATA_DIR_ENV] = args.data_dir
    if args.database_url:
        os.environ[DATABASE_URL_ENV] = args.database_url
    return run_gui(args.data_dir, minimized=args.minimized)


if __name__ == "__main__":
    sys.exit(main())
