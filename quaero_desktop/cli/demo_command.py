"""``demo [--port N] [--crawl]``: serve the bundled demo site on 127.0.0.1 (and crawl it)."""

from __future__ import annotations

import argparse
import contextlib
import threading
from typing import TYPE_CHECKING

from quaero_desktop.cli.arguments import WholeNumber
from quaero_desktop.demo import DEFAULT_DEMO_PORT

if TYPE_CHECKING:
    from quaero_desktop.app import App
    from quaero_desktop.demo.server import DemoServer

PORT = WholeNumber(0, 65535, " (0: any free port)")


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("demo", parents=[common], help="serve the bundled demo site (try a crawl offline)")
    parser.add_argument(
        "--port",
        type=PORT,
        default=DEFAULT_DEMO_PORT,
        help=f"port on 127.0.0.1, {PORT.allowed} (default {DEFAULT_DEMO_PORT})",
    )
    parser.add_argument(
        "--crawl", action="store_true", help="crawl the demo site once with the example definition, then stop"
    )
    parser.set_defaults(handler=serve_demo, needs_app=False)


def serve_demo(_app: App | None, args: argparse.Namespace) -> int:
    # needs_app=False: main() passes None here (the demo server runs without a data directory).
    try:
        server = _start_server(args.port, any_port_if_busy=args.crawl)
    except OSError as exc:
        print(
            f"cannot serve the demo site on 127.0.0.1:{args.port}: {exc.strerror or exc}"
            " (try --port with another number)"
        )
        return 1
    try:
        if args.crawl:
            return _crawl_demo(server, args)
        print(f"Demo site: {server.base_url}/")
        print("Crawl it from another terminal:")
        if args.port == DEFAULT_DEMO_PORT:
            print("  quaero-desktop run resources/examples/demo-site.toml")
        else:
            print(f'  (a definition whose start_urls is ["{server.base_url}/"])')
        print("Press Ctrl+C to stop.")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
        return 0
    finally:
        server.stop()


def _start_server(port: int, *, any_port_if_busy: bool) -> DemoServer:
    """The demo server on ``port``; on any free port when that one is taken and ``any_port_if_busy``.

    Documents are keyed by URL, port included, so the usual port keeps re-crawls updating the
    same documents.
    """
    from quaero_desktop.demo.server import DemoServer  # only this command serves: see quaero_desktop.demo

    try:
        server = DemoServer(port=port)
        server.start()
    except OSError:
        if not any_port_if_busy:
            raise
        server = DemoServer(port=0)
        server.start()
    return server


def _crawl_demo(server: DemoServer, args: argparse.Namespace) -> int:
    from quaero_desktop.app import build_app
    from quaero_desktop.cli.run_command import run_definition
    from quaero_desktop.demo.server import example_definition_toml
    from quaero_desktop.domain.definition_io import parse_definition_text

    app = build_app(args.data_dir, database_url=args.database_url)
    try:
        print(f"Crawling the demo site at {server.base_url}/ into {app.data_dir}")
        definition = parse_definition_text(example_definition_toml(server.base_url), "toml", "the demo definition")
        exit_code = run_definition(app, definition, as_json=False)
        print("\nNow try:")
        print('  quaero-desktop documents search "fog signal"')
        print("  quaero-desktop documents list")
        print("  quaero-desktop documents show 1")
        return exit_code
    finally:
        app.close()
