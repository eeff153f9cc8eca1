"""Shared by the HTML -> Markdown tests (tests/test_markdown*.py): the URL relative links resolve
against, and a page's Markdown converted from it."""

from __future__ import annotations

from quaero_desktop.crawler.markdown import html_to_markdown

_URL = "https://docs.acme.test/docs/guide/install.html"


def _markdown(html: str, url: str = _URL) -> str:
    return html_to_markdown(html, url).markdown
