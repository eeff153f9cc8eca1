"""Small units: browser discovery, redaction, settings, the frontier's ordering."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import time

import psutil
import pytest

from quaero_desktop.crawler.browser import discovery as browser_discovery
from quaero_desktop.crawler.browser.discovery import BrowserNotFoundError, find_browser, find_crawl_browser
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.engine.redaction import MASK, Redactor
from quaero_desktop.engine.run.frontier import Frontier, FrontierEntry
from quaero_desktop.settings import AppSettings, load_settings, save_settings


def _executable(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_discovery_prefers_the_configured_path_then_playwright(tmp_path, monkeypatch):
    monkeypatch.delenv(browser_discovery.BROWSER_ENV, raising=False)
    configured = _executable(tmp_path / "my-chrome")
    playwright_chromium = _executable(tmp_path / "pw-chrome")
    assert find_browser(configured, playwright_chromium).path == configured
    found = find_browser(None, playwright_chromium)
    assert (found.path, found.source) == (playwright_chromium, "Playwright's Chromium")


def test_discovery_refuses_a_configured_path_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.delenv(browser_discovery.BROWSER_ENV, raising=False)
    with pytest.raises(BrowserNotFoundError, match="does not exist") as raised:
        find_browser(str(tmp_path / "missing"))
    assert str(tmp_path / "missing") in str(raised.value)


def test_no_browser_anywhere_says_what_was_tried_and_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv(browser_discovery.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(browser_discovery, "_known_install_paths", lambda: [str(tmp_path / "chrome")])
    with pytest.raises(BrowserNotFoundError) as raised:
        find_browser(None, str(tmp_path / "pw" / "chrome"))
    message = str(raised.value)
    assert str(tmp_path / "pw" / "chrome") in message and str(tmp_path / "chrome") in message
    assert "apt-get install chromium" in message and "quaero-desktop install-browser" in message


def _no_installed_shell(monkeypatch, tmp_path):
    monkeypatch.delenv(browser_discovery.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(
        browser_discovery, "_HEADLESS_SHELL_PATHS", (str(tmp_path / "lib" / "chromium-headless-shell"),)
    )


def test_a_crawl_launches_playwrights_headless_shell_beside_its_chromium(tmp_path, monkeypatch):
    _no_installed_shell(monkeypatch, tmp_path)
    (tmp_path / "ms" / "chromium-1234" / "chrome-linux64").mkdir(parents=True)
    chromium = _executable(tmp_path / "ms" / "chromium-1234" / "chrome-linux64" / "chrome")
    assert find_crawl_browser(None, chromium).path == chromium  # no shell installed: the full browser
    (tmp_path / "lib").mkdir()
    _executable(tmp_path / "lib" / "chromium-headless-shell")
    assert find_crawl_browser(None, chromium).path == chromium  # Playwright's own before an installed shell
    shell_dir = tmp_path / "ms" / "chromium_headless_shell-1234" / "chrome-headless-shell-linux64"
    shell_dir.mkdir(parents=True)
    shell = _executable(shell_dir / "chrome-headless-shell")
    found = find_crawl_browser(None, chromium)
    assert (found.path, found.source) == (shell, "Chromium's headless shell")
    assert find_browser(None, chromium).path == chromium  # a login window needs the full browser


def test_a_crawl_launches_an_installed_headless_shell_unless_a_browser_is_configured(tmp_path, monkeypatch):
    _no_installed_shell(monkeypatch, tmp_path)
    (tmp_path / "bin").mkdir()
    full = _executable(tmp_path / "bin" / "chromium")
    assert find_crawl_browser(None, None).path == full
    shell = _executable(tmp_path / "bin" / "chromium-headless-shell")
    assert find_crawl_browser(None, None).path == shell
    (tmp_path / "lib").mkdir()
    shell_binary = _executable(tmp_path / "lib" / "chromium-headless-shell")
    assert find_crawl_browser(None, None).path == shell_binary  # the binary before its wrapper script
    assert find_crawl_browser(full, None).path == full
    monkeypatch.setenv(browser_discovery.BROWSER_ENV, full)
    assert find_crawl_browser(None, None).path == full


def test_redactor_masks_registered_secrets_and_header_values():
    redactor = Redactor()
    redactor.add_secrets(["s3cr3t-cookie-value", "x"])  # one-letter values are not treated as secrets
    text = redactor.redact("sent s3cr3t-cookie-value; Cookie: session=abc123; Authorization: Bearer tok")
    assert "s3cr3t-cookie-value" not in text and "abc123" not in text and "tok" not in text
    assert text.startswith(f"sent {MASK}; Cookie: {MASK}")


def test_settings_round_trip_and_refuse_bad_values(tmp_path):
    assert load_settings(tmp_path) == AppSettings()
    save_settings(tmp_path, AppSettings(default_concurrency=8, browser_path="/opt/chrome"))
    assert load_settings(tmp_path).default_concurrency == 8
    (tmp_path / "settings.toml").write_text("default_concurrency = 99\n")
    with pytest.raises(ValidationError, match="default_concurrency") as raised:
        load_settings(tmp_path)
    assert str(tmp_path / "settings.toml") in str(raised.value)
    (tmp_path / "settings.toml").write_text("colour = 'blue'\n")
    with pytest.raises(ValidationError, match="not a known setting"):
        load_settings(tmp_path)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".settings-")]  # no temp files left


def test_frontier_finishes_a_level_before_starting_the_next():
    async def scenario() -> list[str]:
        frontier = Frontier([FrontierEntry("a", "a", 0)])
        order: list[str] = []
        first = await frontier.next()
        order.append(first.child_id)
        waiting = asyncio.create_task(frontier.next())
        await asyncio.sleep(0)
        assert not waiting.done()  # nothing to hand out while depth 0 runs
        frontier.add([FrontierEntry("b", "b", 1), FrontierEntry("c", "c", 1)])
        frontier.done(first)
        order.append((await waiting).child_id)
        second_b = await frontier.next()
        order.append(second_b.child_id)
        frontier.add([FrontierEntry("d", "d", 2)])
        blocked = asyncio.create_task(frontier.next())
        await asyncio.sleep(0)
        assert not blocked.done()  # depth 2 waits for every depth-1 page
        frontier.done(second_b)
        await asyncio.sleep(0)
        assert not blocked.done()
        frontier.done(FrontierEntry("b", "b", 1))
        order.append((await blocked).child_id)
        frontier.done(FrontierEntry("d", "d", 2))
        assert await frontier.next() is None  # nothing pending, nothing running: over
        return order

    assert asyncio.run(scenario()) == ["a", "b", "c", "d"]


def test_the_crawls_browser_is_the_process_below_a_wrapper_script_with_its_command_line():
    from quaero_desktop.crawler.browser import renderer_guard

    before = renderer_guard.browser_processes()
    # Like Debian's /usr/bin/chromium-headless-shell: sh runs the browser (not exec) with its arguments.
    program = "import time; time.sleep(30)"
    wrapper = subprocess.Popen(
        ["sh", "-c", f'"{sys.executable}" -c "{program}" "$@"; :', "sh", "--user-data-dir=/nowhere"]
    )
    try:
        deadline = time.monotonic() + 10
        while len(renderer_guard.browser_processes() - before) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        found = renderer_guard.new_browser_process(before)
        assert found is not None and found.pid != wrapper.pid
        assert found.ppid() == wrapper.pid and "time.sleep" in " ".join(found.cmdline())
    finally:
        for child in psutil.Process(wrapper.pid).children(recursive=True):
            child.kill()
        wrapper.kill()
        wrapper.wait()


def test_the_renderer_guard_reads_a_process_tree_as_psutil_does():
    from quaero_desktop.crawler.browser.renderer_guard import descendant_pids

    tree = subprocess.Popen(["sh", "-c", "sleep 30 & (sleep 30 & sleep 30; :) & wait"])
    try:
        root = psutil.Process(tree.pid)
        deadline = time.monotonic() + 10
        while len(root.children(recursive=True)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        expected = sorted(child.pid for child in root.children(recursive=True))
        assert len(expected) == 4 and sorted(descendant_pids(tree.pid) or []) == expected
    finally:
        for child in psutil.Process(tree.pid).children(recursive=True):
            child.kill()
        tree.kill()
        tree.wait()
