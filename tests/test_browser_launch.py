"""The crawl browser's launch switches keep what Playwright's own switches do (no browser started)."""

from __future__ import annotations

import re
from pathlib import Path

import playwright

from quaero_desktop.crawler.browser.service import LEAN_PROCESS_ARGS, PLAYWRIGHT_DISABLED_FEATURES


def playwright_disabled_features() -> list[str]:
    """The features the installed Playwright driver disables at every Chromium launch."""
    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    source = bundle.read_text(encoding="utf-8")
    found = re.search(r"disabledFeatures = \[(.*?)\]", source, re.S)
    assert found, f"Playwright's list of disabled features moved: look for it in {bundle}"
    return re.findall(r'^\s*"([^"]+)"', found[1], re.M)


def test_the_crawl_browser_keeps_every_feature_playwright_disables_off() -> None:
    # Chromium takes the last --disable-features alone: ours, which must repeat Playwright's.
    theirs = playwright_disabled_features()
    assert "HttpsUpgrades" in theirs  # the list was found (HTTP sites stay on HTTP)
    assert set(theirs) <= set(PLAYWRIGHT_DISABLED_FEATURES), set(theirs) - set(PLAYWRIGHT_DISABLED_FEATURES)
    ours = [arg for arg in LEAN_PROCESS_ARGS if arg.startswith("--disable-features=")]
    assert len(ours) == 1 and set(theirs) <= set(ours[0].split("=", 1)[1].split(","))
