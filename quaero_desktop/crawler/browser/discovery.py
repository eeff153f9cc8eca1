"""Find a Chromium-family browser to drive.

Order: a path the user configured (settings or ``QUAERO_BROWSER``); Playwright's own
Chromium where it is installed; an installed Chrome, Chromium or Edge at its usual place.
Nothing found: a clear error that names every place tried and how to get a browser.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from quaero_desktop.domain.errors import QuaeroError

BROWSER_ENV = "QUAERO_BROWSER"
# Downloads Playwright's Chromium (cli/browser_commands.py); works in the packaged app too.
INSTALL_BROWSER_COMMAND = "quaero-desktop install-browser"

# Chromium on a closed network retries Google services forever without these.
CLOSED_NETWORK_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
)

_COMMAND_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
)


class BrowserNotFoundError(QuaeroError):
    """No usable browser: the message lists what was tried and what to do."""


@dataclass(frozen=True)
class BrowserLocation:
    path: str
    source: str  # how it was found, shown to the user ("settings", "Playwright", "installed Chrome", ...)


def launch_args() -> list[str]:
    """Command-line switches for every launch."""
    args = list(CLOSED_NETWORK_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
    return args


def find_browser(configured_path: str | None = None, playwright_path: str | None = None) -> BrowserLocation:
    """The browser to launch. ``playwright_path`` is Playwright's expected Chromium executable."""
    tried: list[str] = []
    configured = configured_path or os.environ.get(BROWSER_ENV) or None
    if configured:
        if _is_executable(configured):
            return BrowserLocation(configured, "configured browser path")
        raise BrowserNotFoundError(
            f"the configured browser '{configured}' does not exist or is not executable; "
            f"fix the browser path in Settings (or {BROWSER_ENV}), or clear it to detect one"
        )
    for path, source in _candidates(playwright_path):
        if _is_executable(path):
            return BrowserLocation(path, source)
        tried.append(path)
    raise BrowserNotFoundError(
        "no Chromium-based browser found (tried: "
        + ", ".join(dict.fromkeys(tried))
        + "). Install Chromium, Google Chrome or Microsoft Edge "
        "(on Debian/Ubuntu: sudo apt-get install chromium), or download Playwright's Chromium "
        f"with: {INSTALL_BROWSER_COMMAND} (the window offers the same when it starts), "
        f"or set the browser path in Settings (or the {BROWSER_ENV} environment variable)"
    )


def _candidates(playwright_path: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if playwright_path:
        found.append((playwright_path, "Playwright's Chromium"))
    for name in _COMMAND_NAMES:
        located = shutil.which(name)
        found.append((located or name, f"installed {name}"))
    for path in _known_install_paths():
        found.append((path, "installed browser"))
    return found


def _known_install_paths() -> list[str]:
    if sys.platform == "darwin":
        apps = ("Google Chrome", "Chromium", "Microsoft Edge")  # the binary inside is named like the app
        roots = ("/Applications", str(Path.home() / "Applications"))
        return [f"{root}/{app}.app/Contents/MacOS/{app}" for root in roots for app in apps]
    if sys.platform == "win32":
        bases = [os.environ.get(v) for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        relative = (
            r"Google\Chrome\Application\chrome.exe",
            r"Chromium\Application\chrome.exe",
            r"Microsoft\Edge\Application\msedge.exe",
        )
        return [str(Path(base) / rel) for base in bases if base for rel in relative]
    return [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/snap/bin/chromium",
        "/usr/bin/google-chrome",
        "/opt/google/chrome/chrome",
        "/usr/bin/microsoft-edge",
        "/opt/microsoft/msedge/msedge",
    ]


def _is_executable(path: str) -> bool:
    candidate = Path(path)
    return candidate.is_file() and os.access(candidate, os.X_OK)
