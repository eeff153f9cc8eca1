"""The crawl browser's launch switches keep what Playwright's own switches do (no browser started)."""

from __future__ import annotations

import re
from pathlib import Path

import playwright

from quaero_desktop.crawler.browser.service import (
    LEAN_PROCESS_ARGS,
    PLAYWRIGHT_DISABLED_FEATURES,
    PLAYWRIGHT_ENABLED_FEATURES,
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
