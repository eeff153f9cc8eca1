"""The packaged (frozen) app: what it sets up before anything else runs, and how it starts itself.

PyInstaller's bootloader puts the bundle's libraries first on ``LD_LIBRARY_PATH`` (keeping the
user's value in ``LD_LIBRARY_PATH_ORIG``). This process has read it already; the programs it
starts (Chromium, Playwright's Node.js driver, xdg-open) must see the system's libraries, so
the user's value is put back. A frozen Playwright would look for browsers inside the bundle:
it is pointed at the user's browser cache instead (``crawler/browser/playwright_browsers.py``).

A crawl converts its pages in worker processes (``crawler/conversion_pool.py``): their server (and
multiprocessing's resource tracker) is this program started again with multiprocessing's own arguments,
which ``freeze_support`` recognises (PyInstaller's runtime hook makes it serve ``forkserver`` and
``spawn`` on every platform): such a process runs what it was started for and exits, never the command
line.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from quaero_desktop.crawler.browser.playwright_browsers import is_frozen, use_user_browsers_dir

LIBRARY_PATH_ENV = "LD_LIBRARY_PATH"
WINDOWED_EXECUTABLE = "QuaeroDesktop.exe"  # Windows: the window's twin without a console (packaging/)


def prepare_environment() -> None:
    """Call first thing in ``main``: a no-op unless frozen."""
    if not is_frozen():
        return
    import multiprocessing  # only frozen (PyInstaller's runtime hook has imported it): the pool's server stops here

    multiprocessing.freeze_support()
    if sys.platform.startswith("linux"):
        original = os.environ.pop(f"{LIBRARY_PATH_ENV}_ORIG", None)
        if original is None:
            os.environ.pop(LIBRARY_PATH_ENV, None)
        else:
            os.environ[LIBRARY_PATH_ENV] = original
    use_user_browsers_dir()


def window_command() -> list[str]:
    """The command that opens this installation's window, for a login item or an autostart entry.

    On Windows the windowed twin, so no console opens at login; otherwise ``installed_command``.
    """
    if is_frozen() and sys.platform == "win32":
        windowed = Path(sys.executable).with_name(WINDOWED_EXECUTABLE)
        if windowed.is_file():
            return [str(windowed)]
    return installed_command()


def installed_command() -> list[str]:
    """This installation's command line program, as an absolute command (an MCP client starts it).

    Frozen on Linux it is the command on PATH when that is this program (``/usr/bin/quaero-desktop``
    from the .deb: the path stays valid across upgrades); unfrozen, this Python running the package.
    """
    if not is_frozen():
        return [sys.executable, "-m", "quaero_desktop"]
    executable = Path(sys.executable)
    on_path = shutil.which("quaero-desktop")
    if on_path and Path(on_path).resolve() == executable.resolve():
        return [on_path]
    return [str(executable.resolve())]
