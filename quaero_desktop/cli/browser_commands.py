"""``find-browser [--json]`` and ``install-browser``: which browser crawls use, and getting one."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from quaero_desktop.cli.exit_codes import EXIT_INTERRUPTED
from quaero_desktop.cli.output import print_json

if TYPE_CHECKING:
    from quaero_desktop.app import App
    from quaero_desktop.crawler.browser.install import InstallProgress


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    finding = subparsers.add_parser(
        "find-browser", parents=[common], help="show the browser crawls use (and where it was found)"
    )
    finding.add_argument("--json", action="store_true", help='print {"path", "source"} as JSON')
    finding.set_defaults(handler=find_browser_command, needs_app=False)
    installing = subparsers.add_parser(
        "install-browser",
        parents=[common],
        help="download Playwright's Chromium into your browser cache (for machines without Chrome, Chromium or Edge)",
    )
    installing.set_defaults(handler=install_browser_command, needs_app=False)


def find_browser_command(_app: App | None, args: argparse.Namespace) -> int:
    # needs_app=False: no database is opened; only the settings (a configured browser path) are read.
    # The browser's modules load here, not with every command's parser.
    from quaero_desktop.crawler.browser.playwright_browsers import locate_browser
    from quaero_desktop.paths import resolve_data_dir
    from quaero_desktop.settings import load_settings

    settings = load_settings(resolve_data_dir(args.data_dir))
    location = locate_browser(settings.browser_path or None)
    if args.json:
        print_json({"path": location.path, "source": location.source})
    else:
        print(f"{location.source}: {location.path}")
    return 0


def install_browser_command(_app: App | None, args: argparse.Namespace) -> int:
    from quaero_desktop.crawler.browser.install import BrowserInstallCancelled, ChromiumInstaller
    from quaero_desktop.crawler.browser.playwright_browsers import browsers_dir
    from quaero_desktop.paths import resolve_data_dir
    from quaero_desktop.settings import load_settings

    target = browsers_dir()
    print(f"Downloading Playwright's Chromium into {target} (about 170 MB)…", file=sys.stderr)
    last: list[str] = []

    def show(progress: InstallProgress) -> None:
        if progress.text not in last:  # Playwright repeats a step when it retries a download
            last[:] = [progress.text]
            print(progress.text, file=sys.stderr, flush=True)

    try:
        ChromiumInstaller(show).run()
    except BrowserInstallCancelled:
        print("Cancelled: nothing was installed.", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"Chromium is installed in {target}.", file=sys.stderr)
    configured = load_settings(resolve_data_dir(args.data_dir)).browser_path
    if configured:
        print(
            f"Crawls still use the browser set in Settings ({configured}): clear it to use this one.", file=sys.stderr
        )
    else:
        print("Crawls use it from now on.", file=sys.stderr)
    return 0
