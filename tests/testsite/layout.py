"""The HTML skeleton shared by the test site's pages: header, nav, main, footer."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Links = Sequence[tuple[str, str]]  # (href, label)

SITE_NAV: Links = (
    ("/", "Home"),
    ("/docs/getting-started", "Getting Started"),
    ("/docs/guide", "Guide"),
    ("/docs/reference", "Reference"),
)

STYLE = (
    "body{font-family:sans-serif;margin:0}header,footer{background:#eef;padding:.5em 1em}"
    "nav a{margin-right:1em}main{padding:1em}table{border-collapse:collapse}"
    "td,th{border:1px solid #999;padding:.2em .5em}"
)


def esc(text: str) -> str:
    """Escape text for HTML content and attribute values."""
    return escape(text, quote=True)


def link_list(links: Links) -> str:
    """An unordered list of links."""
    items = "".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for href, label in links)
    return f"<ul>{items}</ul>"


def document(title: str, body: str, head: str = "") -> str:
    """A complete HTML5 document; ``data:,`` as icon keeps browsers from asking for /favicon.ico."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{esc(title)}</title>\n<link rel="icon" href="data:,">\n'
        f"<style>{STYLE}</style>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def page(title: str, main: str, *, nav: Links = SITE_NAV, head: str = "", brand_href: str = "/") -> str:
    """A page with the site header and nav, ``main`` as the content and the footer.

    ``main`` is inserted verbatim (callers escape their own text). ``brand_href`` is the
    link behind the "Test Site" logo; pages outside the main site point it elsewhere.
    """
    nav_html = " ".join(f'<a href="{esc(href)}">{esc(label)}</a>' for href, label in nav)
    body = (
        f'<header class="site-header"><a class="brand" href="{esc(brand_href)}">Test Site</a>\n'
        f'<nav aria-label="Main">{nav_html}</nav></header>\n'
        f"<main>\n{main}\n</main>\n"
        '<footer class="site-footer"><p>Test Site, a deterministic website for Quaero Desktop tests.</p>'
        "</footer>"
    )
    return document(title, body, head)
