"""The crawl browser's launch: its switches keep what Playwright's own switches do (no browser started),
and a browser that dies while starting is started again."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import playwright
import pytest

from quaero_desktop.crawler.browser.discovery import find_browser
from quaero_desktop.crawler.browser.service import (
    LEAN_PROCESS_ARGS,
    PLAYWRIGHT_DISABLED_FEATURES,
    PLAYWRIGHT_ENABLED_FEATURES,
    BrowserService,
)


def playwright_features(kind: str) -> list[str]:
    """The features (``kind``: "disabled" or "enabled") the installed Playwright driver passes at every
    Chromium launch."""
    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    source = bundle.read_text(encoding="utf-8")
    found = re.search(kind + r"Features = (?:\(\) => )?\[(.*?)\]", source, re.S)
    assert found, f"Playwright's list of {kind} features moved: look for it in {bundle}"
    return re.findall(r'"([A-Za-z0-9]+)"', found[1])


def our_switch(name: str) -> set[str]:
    values = [arg.split("=", 1)[1] for arg in LEAN_PROCESS_ARGS if arg.startswith(f"--{name}-features=")]
    assert len(values) == 1
    return set(values[0].split(","))


def test_the_crawl_browser_keeps_every_feature_playwright_switches_on_or_off() -> None:
    # Chromium takes the last --disable-features and --enable-features alone: ours, which must repeat Playwright's.
    disabled, enabled = playwright_features("disabled"), playwright_features("enabled")
    assert "HttpsUpgrades" in disabled and "SkipListAccountsWithoutGaiaCookies" in enabled  # the lists were found
    assert set(disabled) <= set(PLAYWRIGHT_DISABLED_FEATURES) and set(disabled) <= our_switch("disable")
    assert set(enabled) <= set(PLAYWRIGHT_ENABLED_FEATURES) and set(enabled) <= our_switch("enable")


@pytest.mark.browser
def test_a_browser_that_dies_while_starting_is_started_once_more(tmp_path: Path, caplog) -> None:
    # A Chromium that crashes as it starts (seen on a fresh CI machine) must not fail the crawl's pages:
    # the first start dies of SIGSEGV, the second is the real browser, and the page is read.
    real = find_browser().path
    crashes_once = tmp_path / "chromium-crashing-once"
    marker = tmp_path / "crashed"
    crashes_once.write_text(
        f'#!/bin/sh\nif [ ! -e "{marker}" ]; then touch "{marker}"; kill -SEGV $$; fi\nexec "{real}" "$@"\n'
    )
    crashes_once.chmod(0o755)
    caplog.set_level(logging.WARNING, logger="quaero_desktop.crawler.browser.service")

    async def read_a_page() -> str:
        service = BrowserService(str(crashes_once))
        try:
            context = await service.new_context()
            page = await context.new_page()
            await page.set_content("<p>started the second time</p>")
            text = await page.inner_text("p")
            await context.close()
            return text
        finally:
            await service.close()

    assert asyncio.run(read_a_page()) == "started the second time"
    assert marker.exists()
    said = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("the browser stopped while starting (") for line in said), said
