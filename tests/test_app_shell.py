"""The empty-app-shell decision (crawler/app_shell.py) on raw HTML, as a plain HTTP fetch sees it."""

from __future__ import annotations

import urllib.request

import pytest

from quaero_desktop.crawler.app_shell import (
    MIN_APP_ROOT_TEXT,
    MIN_PAGE_TEXT,
    ShellSignals,
    is_empty_shell,
    signals_from_html,
)
from tests.testsite import TestSite

ARTICLE = "<h1>Release notes</h1><p>" + "Version two brings faster search and a new export format. " * 3 + "</p>"


@pytest.mark.parametrize(
    ("html", "empty"),
    [
        # the classic single-page app shell: an empty mount point and a bundle
        ('<html><body><div id="root"></div><script src="/bundle.js"></script></body></html>', True),
        ('<div id="app"><p class="spinner">Loading…</p></div><script type="module" src="/m.js"></script>', True),
        ('<app-root></app-root><script src="main.js"></script>', True),
        ('<div id="__next"></div><script>self.__next_f=[]</script>', True),
        # server-rendered navigation around an empty root is still a shell
        ("<header><nav><a href='/'>Home</a> <a href='/docs'>Documentation</a> <a href='/blog'>Blog posts</a>"
         "</nav></header><div id='app'></div><script src='/app.js'></script>", True),
        # no app root, but (nearly) nothing on the page beside scripts
        ("<body><noscript>You need to enable JavaScript to run this app.</noscript>"
         "<script src='/x.js'></script></body>", True),
        # rendered (or server-rendered) content: not a shell
        (f'<div id="root">{ARTICLE}</div><script src="/bundle.js"></script>', False),
        (f"<main>{ARTICLE}</main><script>track()</script>", False),
        # no script that runs: never a shell, however short
        ('<div id="app"></div>', False),
        ("<p>Short.</p>", False),
        ('<div id="root"></div><script type="application/ld+json">{"@type": "Thing"}</script>', False),
        ("", False),
    ],
)  # fmt: skip
def test_raw_html_is_judged_an_empty_shell_or_not(html: str, empty: bool) -> None:
    assert is_empty_shell(signals_from_html(html)) is empty


def test_signals_count_visible_text_only() -> None:
    signals = signals_from_html(
        "<html><head><title>Title text is not body text</title><style>p{color:red}</style></head><body>"
        "<p>a b c</p><script>var hidden = 'not visible';</script><noscript>not shown either</noscript>"
        '<template><p>inert</p></template><div id="app"> x </div>'
        '<div><template shadowrootmode="open">shadow</template></div></body></html>'
    )
    assert signals == ShellSignals(text_chars=10, script_count=1, app_root_text_chars=1)


def test_thresholds() -> None:
    assert not is_empty_shell(ShellSignals(text_chars=0, script_count=0, app_root_text_chars=0))
    assert is_empty_shell(ShellSignals(text_chars=MIN_PAGE_TEXT - 1, script_count=1, app_root_text_chars=None))
    assert not is_empty_shell(ShellSignals(text_chars=MIN_PAGE_TEXT, script_count=1, app_root_text_chars=None))
    assert is_empty_shell(ShellSignals(text_chars=500, script_count=2, app_root_text_chars=MIN_APP_ROOT_TEXT - 1))
    assert not is_empty_shell(ShellSignals(text_chars=500, script_count=2, app_root_text_chars=MIN_APP_ROOT_TEXT))


def test_the_test_sites_apps_are_shells_before_they_run_and_its_pages_are_not() -> None:
    """What the future HTTP fast path (issue 12) will see: every /app/ view needs the browser."""
    with TestSite() as site:

        def raw(path: str) -> str:
            with urllib.request.urlopen(site.url(path), timeout=10) as response:
                return response.read().decode("utf-8")

        shells = ["/js-page", "/app/", "/app/timer", "/app/raf", "/app/chunk", "/app/hash/", "/app/never"]
        for path in shells:
            assert is_empty_shell(signals_from_html(raw(path))), path
        for path in ["/", "/docs/guide", "/app/frame", "/app/leaf/timer", "/app/shadow"]:
            assert not is_empty_shell(signals_from_html(raw(path))), path
