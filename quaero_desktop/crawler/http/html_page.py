"""What a crawl reads from a page's HTML as the server sent it (no script has run), from one parse.

The same things the browser path reads (title, description, canonical URL, language, a password
field, the links of ``a[href]`` and ``area[href]`` resolved against the page's base) and, from the
same tree once they are read, whether the page needs the browser (js_signals.py): the crawl's
process parses a page once (it parsed it twice, a manual's page 1.7 ms each time).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml.etree import _Element

from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.html_tree import parse_html
from quaero_desktop.crawler.js_signals import JsSignals, js_signals_of_tree
from quaero_desktop.crawler.page_directives import robots_directives
from quaero_desktop.domain.definition import RenderMode

_LINKS = etree.XPath("//a[@href] | //area[@href]")
_PASSWORD = etree.XPath("//input[translate(@type, 'PASWORD', 'pasword')='password']")
_CANONICAL = etree.XPath(
    "//link[@href][contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '), ' canonical ')]"
)
_META_ROBOTS = etree.XPath("//meta[translate(@name, 'ROBTS', 'robts')='robots'][@content]")
_DESCRIPTION = etree.XPath("//meta[translate(@name, 'DESCRIPTION', 'description')='description'][@content]")
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
    return _page_of_tree(parse_html(html), html, requested_url, final_url, status, content_type, robots_header)


def read_page(
    html: str, requested_url: str, final_url: str, status: int | None, content_type: str, robots_header: str = ""
) -> tuple[FetchedPage, JsSignals]:
    """``read_html`` and ``js_signals`` of the page, from one parse."""
    root = parse_html(html)
    page = _page_of_tree(root, html, requested_url, final_url, status, content_type, robots_header)
    return page, js_signals_of_tree(html, lambda: root)  # last: the signals remove hidden elements


def _page_of_tree(
    root: _Element | None,
    html: str,
    requested_url: str,
    final_url: str,
    status: int | None,
    content_type: str,
    robots_header: str,
) -> FetchedPage:
    if root is None:
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
    base_element = root.find(".//head/base[@href]")
    base = _resolved(final_url, base_element.get("href", "").strip()) if base_element is not None else final_url
    folder = _folder(base)
    title_element = root.find(".//title")
    title = " ".join((title_element.text or "").split()) if title_element is not None else ""
    followed: dict[str, None] = {}
    nofollow: dict[str, None] = {}
    for anchor in _elements(_LINKS(root)):
        href = (anchor.get("href") or "").strip()
        if href:
            target = followed if "nofollow" not in (anchor.get("rel") or "").lower().split() else nofollow
            in_folder = folder is not None and _FOLDER_RELATIVE.fullmatch(href) is not None
            target[_resolved_in_folder(folder, href) if in_folder else _resolved(base, href)] = None
    meta_robots = [meta.get("content", "") for meta in _elements(_META_ROBOTS(root))]
    canonical = _elements(_CANONICAL(root))
    description = _elements(_DESCRIPTION(root))
    return FetchedPage(
        requested_url=requested_url,
        final_url=final_url,
        status=status,
        content_type=content_type,
        title=title,
        description=description[0].get("content", "") if description else "",
        canonical=_resolved(base, canonical[0].get("href", "").strip()) if canonical else "",
        language=str(root.get("lang", "")),
        has_password_field=bool(_elements(_PASSWORD(root))),
        links=list(followed),
        html=html,
        rendered_by=RenderMode.HTTP,
        robots=robots_directives([*meta_robots, robots_header]),
        nofollow_links=tuple(url for url in nofollow if url not in followed),
    )


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


def _elements(found: object) -> list[_Element]:
    return [item for item in found if isinstance(item, _Element)] if isinstance(found, list) else []
