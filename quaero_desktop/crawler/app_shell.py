"""Is this page an empty application shell (a JavaScript app that has not rendered)?

A pure decision on a few signals, so it can be asked of raw HTML (``signals_from_html``: what a
plain HTTP fetch got, before any script ran) as well as of a page a browser rendered (the
fetcher computes the same signals in the page, over shadow roots and same-origin frames).

A page is an empty shell when it has scripts and either its application root (``#app``,
``#root``, ``#__next``, ``app-root``...) holds next to no text, or its whole body does. A page
without scripts is never a shell: a short static page is just short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from lxml import etree
from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import parse_html

# Where single-page application frameworks mount their view (React, Vue, Next, Nuxt, Svelte,
# Gatsby, Quasar, Angular). The first of them in document order is the page's app root.
APP_ROOT_IDS: Final = ("app", "root", "__next", "__nuxt", "svelte", "___gatsby", "q-app")
APP_ROOT_TAGS: Final = ("app-root",)
APP_ROOT_ATTRIBUTES: Final = ("data-reactroot", "ng-app", "ng-version")
APP_ROOT_CSS: Final = ", ".join(
    [*(f"#{i}" for i in APP_ROOT_IDS), *APP_ROOT_TAGS, *(f"[{a}]" for a in APP_ROOT_ATTRIBUTES)]
)

MIN_PAGE_TEXT: Final = 20
"""A scripted page whose body shows fewer visible characters (whitespace not counted) is empty."""
MIN_APP_ROOT_TEXT: Final = 20
"""An app root with fewer visible characters is empty ("Loading…" is a shell, not content)."""
TEXT_CAP: Final = 1000
"""Counting stops here: the decision only needs to know that there is enough text."""

# Elements whose text a reader never sees (noscript: the browser runs scripts).
HIDDEN_TEXT_TAGS: Final = ("script", "style", "noscript", "template")

_WHITESPACE: Final = re.compile(r"\s+")
# Scripts that run: no type, a JavaScript type or a module (not JSON-LD, templates or import maps).
SCRIPT_CSS: Final = (
    'script:not([type]), script[type=""], script[type="module"], '
    'script[type*="javascript" i], script[type*="ecmascript" i]'
)
_SCRIPTS: Final = etree.XPath(
    "//script[not(@type) or normalize-space(@type)='' or @type='module'"
    " or contains(translate(@type, 'JAVASCRIPT', 'javascript'), 'javascript')"
    " or contains(translate(@type, 'ECMASCRIPT', 'ecmascript'), 'ecmascript')]"
)
# Every way an app root can be written is found in the page's lowercased text (more is: the walk then
# decides). One case-insensitive regular expression of every name took 2.5 ms on a manual's page
# (Python's re has no fast scan for an alternation under IGNORECASE): lowercasing and C substring
# searches take ~0.4. An id spelled with character references (id="&#97;pp") is not found: no page does
# that.
_APP_ROOT_ID_ASSIGNED: Final = re.compile(r"id\s*=\s*[\"']?(?:" + "|".join(map(re.escape, APP_ROOT_IDS)) + ")")
_APP_ROOT_MARKS: Final = (*APP_ROOT_ATTRIBUTES, *(f"<{tag}" for tag in APP_ROOT_TAGS))
_APP_ROOT_ID_SET: Final = frozenset(APP_ROOT_IDS)
_APP_ROOT_TAG_SET: Final = frozenset(APP_ROOT_TAGS)
_APP_ROOT_ATTRIBUTE_SET: Final = frozenset(APP_ROOT_ATTRIBUTES)


@dataclass(frozen=True)
class ShellSignals:
    """What the decision looks at. Text counts are visible non-whitespace characters, capped at TEXT_CAP."""

    text_chars: int
    script_count: int
    app_root_text_chars: int | None  # None: the page has no app root


def is_empty_shell(signals: ShellSignals) -> bool:
    """True when a page with scripts shows (nearly) nothing: its app root or its whole body is empty."""
    if signals.script_count == 0:
        return False
    if signals.app_root_text_chars is not None and signals.app_root_text_chars < MIN_APP_ROOT_TEXT:
        return True
    return signals.text_chars < MIN_PAGE_TEXT


def signals_from_html(html: str) -> ShellSignals:
    """The signals of raw HTML, as a server sent it (no script has run)."""
    document = parse_html(html)
    if document is None:
        return ShellSignals(text_chars=0, script_count=0, app_root_text_chars=None)
    return signals_from_document(document, html)


def signals_from_document(document: _Element, html: str | None = None) -> ShellSignals:
    """The signals of a page's parsed HTML (``parse_html``; ``html``: its text, when the caller has it);
    hidden elements are removed from ``document``."""
    found = _SCRIPTS(document)
    scripts = len(found) if isinstance(found, list) else 0
    for declarative_root in document.iter("template"):  # a declarative shadow root is shown
        if declarative_root.get("shadowrootmode") or declarative_root.get("shadowroot"):
            declarative_root.tag = "div"
    etree.strip_elements(document, *HIDDEN_TEXT_TAGS, with_tail=False)
    body = document.find("body")
    root = _app_root(document, html)
    return ShellSignals(
        text_chars=_visible_chars(body) if body is not None else 0,
        script_count=scripts,
        app_root_text_chars=None if root is None else _visible_chars(root),
    )


def _app_root(document: _Element, html: str | None = None) -> _Element | None:
    """The first element in document order that is an app root (``APP_ROOT_CSS``). One walk over the
    elements: an XPath union of the ids, tags and attributes walks the whole tree once for each (3.8 ms
    of the crawl process's CPU on a manual's page, against 0.7; one XPath with the names in one
    predicate, 3.7). ``html``, the text ``document`` was parsed from: when no app root's name is in it,
    there is none to look for (~0.4 ms against the walk's ~1 ms)."""
    if html is not None and not _may_name_app_root(html):
        return None
    for element in document.iter(etree.Element):
        names = element.keys()
        if names and (element.get("id") in _APP_ROOT_ID_SET or not _APP_ROOT_ATTRIBUTE_SET.isdisjoint(names)):
            return element
        if element.tag in _APP_ROOT_TAG_SET:
            return element
    return None


def _may_name_app_root(html: str) -> bool:
    lowered = html.lower()
    return any(mark in lowered for mark in _APP_ROOT_MARKS) or _APP_ROOT_ID_ASSIGNED.search(lowered) is not None


def _visible_chars(element: _Element) -> int:
    """Non-whitespace characters of the text in ``element`` (hidden elements already removed)."""
    count = 0
    for text in element.itertext():
        count += len(_WHITESPACE.sub("", text)) if isinstance(text, str) else 0
        if count >= TEXT_CAP:
            return TEXT_CAP
    return count
