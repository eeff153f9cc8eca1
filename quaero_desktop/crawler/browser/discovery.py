"""Find a Chromium-family browser to drive.

Order: a path the user configured (settings or ``QUAERO_BROWSER``); Playwright's own
Chromium where it is installed; an installed Chrome, Chromium or Edge at its usual place.
Nothing found: a clear error that names every place tried and how to get a browser.

A crawl's browser (``find_crawl_browser``) is never shown, so unless the user configured one it is
Chromium's **headless shell** where one is installed (Debian's ``chromium-headless-shell``, or
Playwright's beside its Chromium): the same Blink without the full browser's UI layers. Measured on
JavaScript-only pages, same Chromium 156, same run: 31 vs 24-25 pages/s, the browser process 25 vs
29-32 ms and the renderer 17 vs 25-27 ms of CPU per page; on the Python manual's samples its processes
held ~440 MB beside the full browser's ~650. A login is captured in a window: the full browser.
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

# Chromium's build for headless use, by the names its packages install (Debian: a wrapper in /usr/bin
# that runs the binary in /usr/lib/chromium; the binary itself first, so the crawl's browser process
# is the one its launch starts, renderer_guard.new_browser_process).
_HEADLESS_SHELL_PATHS = ("/usr/lib/chromium/chromium-headless-shell",)
_HEADLESS_SHELL_COMMANDS = ("chromium-headless-shell", "chrome-headless-shell")
HEADLESS_SHELL_SOURCE = "Chromium's headless shell"
PLAYWRIGHT_SOURCE = "Playwright's Chromium"

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


def find_crawl_browser(configured_path: str | None = None, playwright_path: str | None = None) -> BrowserLocation:
    """The browser a crawl launches (headless): the configured one; else Playwright's headless shell, its
    Chromium, an installed headless shell; else ``find_browser``'s (an installed full browser).
    Playwright's own first, as in ``find_browser``: the browsers its driver was built against."""
    if configured_path or os.environ.get(BROWSER_ENV):
        return find_browser(configured_path, playwright_path)
    candidates = [(path, HEADLESS_SHELL_SOURCE) for path in playwright_headless_shells(playwright_path)]
    if playwright_path:
        candidates.append((playwright_path, PLAYWRIGHT_SOURCE))
    candidates.extend((path, HEADLESS_SHELL_SOURCE) for path in installed_headless_shells())
    for path, source in candidates:
        if _is_executable(path):
            return BrowserLocation(path, source)
    return find_browser(None, playwright_path)


def playwright_headless_shells(playwright_path: str | None) -> list[str]:
    """Playwright's headless shell beside its Chromium, where its registry puts it:
    ``chromium-REV/chrome-linux64/chrome`` -> ``chromium_headless_shell-REV/chrome-headless-shell-linux64/
    chrome-headless-shell``."""
    if not playwright_path:
        return []
    executable = "chrome-headless-shell.exe" if sys.platform == "win32" else "chrome-headless-shell"
    for folder in Path(playwright_path).parents:
        name, dash, revision = folder.name.partition("-")
        if name == "chromium" and dash:
            shell_dir = folder.with_name(f"chromium_headless_shell-{revision}")
            return [str(path) for path in sorted(shell_dir.glob(f"chrome-headless-shell-*/{executable}"))]
    return []


def installed_headless_shells() -> list[str]:
    """Headless shells a package installed (the binary before a wrapper script that runs it)."""
    found = list(_HEADLESS_SHELL_PATHS)
    found.extend(located for name in _HEADLESS_SHELL_COMMANDS if (located := shutil.which(name)))
    return found


def _candidates(playwright_path: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if playwright_path:
        found.append((playwright_path, PLAYWRIGHT_SOURCE))
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
