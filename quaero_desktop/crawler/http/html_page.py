"""What a crawl reads from a page's HTML as the server sent it (no script has run), from one parse.

The same things the browser path reads (title, description, canonical URL, language, a password
field, the links of ``a[href]`` and ``area[href]`` resolved against the page's base) and, from the
same tree once they are read, whether the page needs the browser (js_signals.py): the crawl's
process parses a page once (it parsed it twice, a manual's page 1.7 ms each time).
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Final
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml.etree import _Element

from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.html_tree import parse_html
from quaero_desktop.crawler.js_signals import JsSignals, js_signals_of_tree
from quaero_desktop.crawler.page_directives import robots_directives
from quaero_desktop.domain.definition import RenderMode

_ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # as XPath's translate()
# A reference whose resolution depends on its base's folder alone (RFC 3986 5.2.2: the base's last
# segment, query and fragment are dropped): not empty, not only a query, fragment or parameters
# ("?x", "#x", ";x", "//": those keep the base's path), no scheme in its first segment ("mailto:", "x:"), no
# tab or line break anywhere nor control character first (urljoin drops them: "/\t/" is "//", "\x01#x" "#x").
_FOLDER_RELATIVE: Final = re.compile(r"(?!//)[^#?;\x00-\x20][^:/?#\t\n\r]*(?:[/?#][^\t\n\r]*)?")
_JOINED_KEPT: Final = 16_384  # (folder, reference) pairs: a site's menus link the same pages from every page


def read_html(
    html: str, requested_url: str, final_url: str, status: int | None, content_type: str, robots_header: str = ""
) -> FetchedPage:
    """What the browser path reads from a page, read from its HTML (no script has run).
    ``robots_header``: the answer's X-Robots-Tag values, one per line."""
    root = parse_html(html)
    found = _Found.of(root) if root is not None else None
    return _page_of_tree(root, found, html, requested_url, final_url, status, content_type, robots_header)


def read_page(
    html: str, requested_url: str, final_url: str, status: int | None, content_type: str, robots_header: str = ""
) -> tuple[FetchedPage, JsSignals]:
    """``read_html`` and ``js_signals`` of the page (with the scripts it runs), from one parse."""
    root = parse_html(html)
    found = _Found.of(root) if root is not None else None
    page = _page_of_tree(root, found, html, requested_url, final_url, status, content_type, robots_header)
    signals = js_signals_of_tree(html, lambda: root)  # last: the signals remove hidden elements
    if found is None or not found.scripts:
        return page, signals
    return page, replace(signals, script_set=found.script_set(_base_url(found, final_url)))


def _page_of_tree(
    root: _Element | None,
    found: _Found | None,
    html: str,
    requested_url: str,
    final_url: str,
    status: int | None,
    content_type: str,
    robots_header: str,
) -> FetchedPage:
    if root is None or found is None:
        return FetchedPage(
            requested_url,
            final_url,
            status,
            content_type,
            "",
            "",
            "",
            "",
            False,
            [],
            html,
            rendered_by=RenderMode.HTTP,
            robots=robots_directives([robots_header]),
        )
    base = _base_url(found, final_url)
    folder = _folder(base)
    followed: dict[str, None] = {}
    nofollow: dict[str, None] = {}
    for anchor in found.anchors:
        href = (anchor.get("href") or "").strip()
        if href:
            target = followed if "nofollow" not in (anchor.get("rel") or "").lower().split() else nofollow
            in_folder = folder is not None and _FOLDER_RELATIVE.fullmatch(href) is not None
            target[_resolved_in_folder(folder, href) if in_folder else _resolved(base, href)] = None
    return FetchedPage(
        requested_url=requested_url,
        final_url=final_url,
        status=status,
        content_type=content_type,
        title=found.title,
        description=found.description,
        canonical=_resolved(base, found.canonical.strip()) if found.canonical is not None else "",
        language=str(root.get("lang", "")),
        has_password_field=found.password_field,
        links=list(followed),
        html=html,
        rendered_by=RenderMode.HTTP,
        robots=robots_directives([*found.meta_robots, robots_header]),
        nofollow_links=tuple(url for url in nofollow if url not in followed),
    )


@dataclass
class _Found:
    """The elements a page is read from, found in one walk over the few kinds they are of (an XPath each
    walked the whole tree: 2.4 ms of a manual's page, against 0.6 for its links alone)."""

    anchors: list[_Element] = field(default_factory=list)  # a[href] and area[href], in document order
    base: str | None = None  # the first head/base's href
    title: str = ""  # the first title's text, its whitespace collapsed
    description: str = ""  # the first <meta name="description">'s content (the name in any ASCII case)
    canonical: str | None = None  # the first <link rel="canonical">'s href
    meta_robots: list[str] = field(default_factory=list)  # every <meta name="robots">'s content
    password_field: bool = False  # an <input type="password">
    scripts: list[tuple[str, str, str]] = field(default_factory=list)  # (type, src, inline text) of each that runs

    def script_set(self, base: str) -> str:
        """A digest of the scripts (their types, addresses resolved against ``base``, inline texts)."""
        entries = sorted({f"{kind}\n{_resolved(base, src) if src else ''}\n{text}" for kind, src, text in self.scripts})
        return hashlib.blake2b("\0".join(entries).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()

    @classmethod
    def of(cls, root: _Element) -> _Found:
        found = cls()
        titled = described = False
        for element in root.iter("a", "area", "base", "title", "meta", "link", "input", "script"):
            tag = element.tag
            if tag == "script":
                kind = (element.get("type") or "").strip().lower()
                if kind in ("", "module") or "javascript" in kind or "ecmascript" in kind:  # (not data: JSON)
                    found.scripts.append((kind, (element.get("src") or "").strip(), element.text or ""))
            elif tag in ("a", "area"):
                if element.get("href") is not None:
                    found.anchors.append(element)
            elif tag == "meta":
                content = element.get("content")
                name = (element.get("name") or "").translate(_ASCII_LOWER)
                if content is not None and name == "robots":
                    found.meta_robots.append(content)
                elif content is not None and name == "description" and not described:
                    found.description, described = content, True
            elif tag == "link":
                rel = f" {(element.get('rel') or '').translate(_ASCII_LOWER)} "
                if found.canonical is None and " canonical " in rel:
                    found.canonical = element.get("href")  # (None without an href: the next one, then)
            elif tag == "input":
                found.password_field |= (element.get("type") or "").translate(_ASCII_LOWER) == "password"
            elif tag == "base":
                parent = element.getparent()
                if found.base is None and parent is not None and parent.tag == "head" and parent is not root:
                    found.base = element.get("href")
            elif not titled:  # title
                found.title, titled = " ".join((element.text or "").split()), True
        return found


def _base_url(found: _Found, final_url: str) -> str:
    """What the page's relative links are resolved against: its <base href>, else its own URL."""
    return _resolved(final_url, found.base.strip()) if found.base is not None else final_url


def _folder(base: str) -> str | None:
    """The base URL up to its path's last "/" (what a folder-relative reference is resolved against), or
    None when it is none a reference could be resolved against alike (no scheme or host)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path[: parts.path.rfind("/") + 1], "", ""))


@lru_cache(maxsize=_JOINED_KEPT)
def _resolved_in_folder(folder: str, href: str) -> str:
    """``urljoin(base, href)`` for a folder-relative ``href`` (``_FOLDER_RELATIVE``), by the base's folder:
    the pages of a folder share their menus' links, so each is resolved once."""
    return _resolved(folder, href)


def _resolved(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:  # a malformed IPv6 host and the like: kept as written (normalising drops it)
        return href
