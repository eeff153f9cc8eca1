"""Where the app (frozen or not) looks for Playwright's browsers, and reading Playwright's installer."""

from __future__ import annotations

import sys

import pytest

from quaero_desktop import frozen
from quaero_desktop.cli.main import build_parser
from quaero_desktop.crawler.browser import playwright_browsers
from quaero_desktop.crawler.browser.install import ChromiumInstaller, InstallProgress
from quaero_desktop.crawler.browser.playwright_browsers import (
    BROWSERS_PATH_ENV,
    browsers_dir,
    default_browsers_dir,
    use_user_browsers_dir,
)


@pytest.fixture
def frozen_app(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's cache location")
def test_the_browser_cache_is_playwrights_default_unless_the_user_names_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(BROWSERS_PATH_ENV, raising=False)
    assert default_browsers_dir() == browsers_dir() == tmp_path / "cache" / "ms-playwright"
    monkeypatch.setenv(BROWSERS_PATH_ENV, "0")  # "inside the package": not a place of the user's
    assert browsers_dir() == tmp_path / "cache" / "ms-playwright"
    monkeypatch.setenv(BROWSERS_PATH_ENV, str(tmp_path / "mine"))
    assert browsers_dir() == tmp_path / "mine"


def test_the_frozen_app_points_playwright_at_the_users_cache(tmp_path, monkeypatch, frozen_app):
    monkeypatch.delenv(BROWSERS_PATH_ENV, raising=False)
    use_user_browsers_dir()
    assert playwright_browsers.os.environ[BROWSERS_PATH_ENV] == str(default_browsers_dir())
    monkeypatch.setenv(BROWSERS_PATH_ENV, str(tmp_path / "mine"))
    use_user_browsers_dir()  # a place the user chose stays
    assert playwright_browsers.os.environ[BROWSERS_PATH_ENV] == str(tmp_path / "mine")


def test_unfrozen_playwright_is_left_to_its_own_default(monkeypatch):
    monkeypatch.delenv(BROWSERS_PATH_ENV, raising=False)
    use_user_browsers_dir()
    assert BROWSERS_PATH_ENV not in playwright_browsers.os.environ


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PyInstaller's LD_LIBRARY_PATH is Linux's")
def test_programs_started_by_the_frozen_app_get_the_users_library_path(monkeypatch, frozen_app):
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/quaero/_internal")
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/home/u/lib")
    frozen.prepare_environment()
    assert frozen.os.environ["LD_LIBRARY_PATH"] == "/home/u/lib" and "LD_LIBRARY_PATH_ORIG" not in frozen.os.environ
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/quaero/_internal")  # the user had none
    frozen.prepare_environment()
    assert "LD_LIBRARY_PATH" not in frozen.os.environ


def test_the_window_command_starts_this_installation(tmp_path, monkeypatch):
    assert frozen.window_command() == [sys.executable, "-m", "quaero_desktop"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    bundle = tmp_path / "lib" / "quaero-desktop"
    bundle.mkdir(parents=True)
    executable = bundle / "quaero-desktop"
    executable.write_text("")
    executable.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(executable))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert frozen.window_command() == [str(executable)]
    if sys.platform.startswith("linux"):
        (tmp_path / "bin").mkdir()
        (tmp_path / "bin" / "quaero-desktop").symlink_to(executable)  # as the .deb installs it
        assert frozen.window_command() == [str(tmp_path / "bin" / "quaero-desktop")]


PLAYWRIGHT_OUTPUT = """\
Downloading Chrome for Testing 159.0.8154.6 (playwright chromium v1255)\x1b[2m from https://cdn.example/chrome-linux64.zip\x1b[22m
|                                                                                |   0% of 170.2 MiB
|■■■■■■■■                                                                        |  10% of 170.2 MiB
|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■| 100% of 170.2 MiB
Chrome for Testing 159.0.8154.6 (playwright chromium v1255) downloaded to /home/u/.cache/ms-playwright/chromium-1255
Downloading FFmpeg (playwright ffmpeg v1013) from https://cdn.example/ffmpeg-linux.zip
|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■                                        |  50% of 2.3 MiB
"""


def test_playwrights_installer_output_becomes_progress():
    seen: list[InstallProgress] = []
    installer = ChromiumInstaller(seen.append)
    for line in PLAYWRIGHT_OUTPUT.splitlines():
        installer.read_line(line)
    chrome = "Chrome for Testing 159.0.8154.6"
    assert [(p.what, p.percent, p.done) for p in seen] == [
        (chrome, None, False),
        (chrome, 0, False),
        (chrome, 10, False),
        (chrome, 100, False),
        (chrome, 100, True),
        ("FFmpeg", None, False),
        ("FFmpeg", 50, False),
    ]
    assert seen[2].text == f"Downloading {chrome}: 10% of 170.2 MiB" and seen[4].text == f"{chrome}: downloaded"
    assert installer._downloading == ["chromium-1255", "ffmpeg-1013"]  # what a cancel would clean up


def test_the_command_line_has_find_browser_and_install_browser():
    parser = build_parser()
    assert parser.parse_args(["install-browser"]).handler.__name__ == "install_browser_command"
    found = parser.parse_args(["find-browser", "--json", "--data-dir", "/tmp/x"])
    assert (found.json, found.data_dir, found.needs_app) == (True, "/tmp/x", False)


def test_a_failed_download_says_what_to_do():
    from quaero_desktop.crawler.browser.install import _advice

    offline = [
        "Error: getaddrinfo ENOTFOUND cdn.playwright.dev",
        "  code: 'ENOTFOUND',",
        "  hostname: 'cdn.playwright.dev'",
    ]
    assert "could not be reached (cdn.playwright.dev)" in _advice(offline) and "HTTPS_PROXY" in _advice(offline)
    assert "disk is full" in _advice(["Error: ENOSPC: no space left on device, write"])
    assert "PLAYWRIGHT_BROWSERS_PATH" in _advice(["Error: EACCES: permission denied, mkdir '/opt/x'"])
