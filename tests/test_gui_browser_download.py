"""No browser found: the window offers to download Playwright's Chromium, with progress; cancellable.

Playwright's real installer runs (its driver, its download process, unpacking, its completion
marker) against tests/browser_download_host.py instead of Playwright's CDN.
"""

from __future__ import annotations

import psutil
import pytest

from quaero_desktop.crawler.browser import discovery as browser_discovery
from quaero_desktop.crawler.browser.playwright_browsers import locate_browser
from quaero_desktop.gui.browser_download import BrowserDownloadDialog, DownloadState, offer_browser_download
from tests.browser_download_host import DownloadHost
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


@pytest.fixture
def no_browser(tmp_path, monkeypatch):
    """This process finds no browser: an empty PATH and browser cache, no known install path."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(browser_discovery.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    monkeypatch.setattr(browser_discovery, "_known_install_paths", list)
    monkeypatch.setattr(browser_discovery, "_HEADLESS_SHELL_PATHS", ())
    return tmp_path / "browsers"


def _installer_processes() -> list[psutil.Process]:
    """Playwright installers started by this test process (its children running the driver's install)."""
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if any("install" in part for part in child.cmdline()[2:3])
    ]


def _offer(qloop, window, context) -> BrowserDownloadDialog:
    dialog = run(qloop, offer_browser_download(context, window))
    assert isinstance(dialog, BrowserDownloadDialog) and dialog.isVisible()
    return dialog


def test_the_offer_downloads_chromium_with_progress_and_crawls_find_it(gui, qloop, no_browser, monkeypatch):
    window, context = gui
    with DownloadHost(stall_at=0.4) as host:
        monkeypatch.setenv("PLAYWRIGHT_DOWNLOAD_HOST", host.url)
        dialog = _offer(qloop, window, context)
        assert "No Chrome, Chromium or Edge" in dialog.headline.text()
        assert str(no_browser) in dialog.explanation.text()  # where the download goes
        assert "no Chromium-based browser found (tried:" in dialog.details.text()
        assert dialog.download_button.isVisible() and not dialog.progress.isVisible()

        dialog.download_button.click()
        run(qloop, until(lambda: dialog.progress.value() >= 30, 60, "the progress bar to move"))
        assert dialog.state == DownloadState.DOWNLOADING and dialog.cancel_button.isEnabled()
        assert dialog.status.isVisible() and dialog.progress.isVisible()
        assert "Downloading Chrome for Testing" in dialog.status.text() and "% of " in dialog.status.text()
        host.release()
        run(qloop, until(lambda: dialog.state == DownloadState.INSTALLED, 60, "the download to finish"))

    assert "Chromium is ready" in dialog.headline.text() and not dialog.details.isVisible()
    assert "Chromium is installed in" in dialog.status.text() and dialog.progress.value() == 100
    assert dialog.close_button.text() == "Close" and not dialog.cancel_button.isVisible()
    found = locate_browser(None)  # what the next crawl launches
    assert (found.source, found.path.startswith(str(no_browser))) == ("Playwright's Chromium", True)
    assert run(qloop, offer_browser_download(context, window)) is None  # no offer at the next start
    assert context.dialogs.errors == []
    dialog.close()


def test_cancel_ends_the_download_and_leaves_nothing_half_installed(gui, qloop, no_browser, monkeypatch):
    window, context = gui
    with DownloadHost(stall_at=0.4) as host:
        monkeypatch.setenv("PLAYWRIGHT_DOWNLOAD_HOST", host.url)
        dialog = _offer(qloop, window, context)
        dialog.download_button.click()
        run(qloop, until(lambda: dialog.progress.value() >= 30, 60, "the download to be under way"))
        assert _installer_processes()
        dialog.cancel_button.click()
        run(qloop, until(lambda: dialog.state == DownloadState.CANCELLED, 30, "the download to stop"))

        assert "cancelled" in dialog.status.text() and dialog.download_button.text() == "Download Chromium"
        assert _installer_processes() == []  # the installer and its download process are gone
        assert sorted(p.name for p in no_browser.iterdir() if not p.name.startswith(".")) == []  # no lock, no half
        dialog.close()
    assert context.dialogs.errors == []


def test_a_found_browser_or_a_configured_path_means_no_offer(gui, qloop, tmp_path, monkeypatch):
    window, context = gui
    chrome = tmp_path / "chrome"
    chrome.write_text("#!/bin/sh\n")
    chrome.chmod(0o755)
    monkeypatch.setattr(browser_discovery, "_known_install_paths", lambda: [str(chrome)])
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    assert run(qloop, offer_browser_download(context, window)) is None


def test_a_failed_download_says_why_and_offers_to_try_again(gui, qloop, no_browser, monkeypatch):
    window, context = gui
    monkeypatch.setenv("PLAYWRIGHT_DOWNLOAD_HOST", "http://127.0.0.1:9")  # nothing listens there
    dialog = _offer(qloop, window, context)
    dialog.download_button.click()
    run(qloop, until(lambda: dialog.state == DownloadState.FAILED, 120, "the download to fail"))
    assert dialog.status.isVisible() and "could not be reached" in dialog.status.text()
    assert dialog.download_button.isVisible() and dialog.download_button.text() == "Try again"
    assert not dialog.progress.isVisible() and _installer_processes() == []
    assert context.dialogs.errors == []  # said in the dialog, not in a second message box
    dialog.close()
