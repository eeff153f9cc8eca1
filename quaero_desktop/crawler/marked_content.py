"""Whether a page states its content plainly enough to be kept whole, without asking the extractor.

Choosing a page's content (content_choice.py: trafilatura's extraction, its paragraphs placed on the
page's text, the rest pruned) is most of a page's conversion CPU (about three quarters on a manual's
page). Its worth is on pages whose marked content (``main``, ``role=main``, the only ``article``, else
the body once chrome and navigation are gone) holds boilerplate too: share bars, related lists, author
boxes, newsletter forms, comment threads. The extractor finds those with its own boilerplate expressions
(class and id names such as ``share``, ``related``, ``byline``, ``newsletter``, ``comment``, hidden parts)
before anything else; a page whose marked content holds none of them and most of the page's text is a
manual's page or a plain article: the extractor would take it (nearly) whole. Link text is no sign: an
index of links (a manual's contents, a chapter's list of sections) was kept whole after the extractor
too (content_choice.py's ``is_index_of_links``, or the extractor finding next to nothing), or lost its
entries (a manual's general index kept its letters alone).

Such a page is converted from its marked content whole, by the same rules as every page (markdown.py:
junk, hidden parts, chrome, navigation bars gone first): on the article-extraction benchmark and
readability's test pages, every page it applies to scored as well or better so; on manuals, better (the
extractor drops a manual's short sections and notes). The decision reads the page alone, so a page
converts to the same Markdown whatever was crawled before it (same-content detection and "unchanged
since the last crawl" compare Markdown).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from lxml import etree
from lxml.etree import _Element, _ElementUnicodeResult

MIN_WORDS: Final = 50
"""Fewer words in the marked content: the extractor decides (an empty shell a script fills, a stub)."""
MIN_SHARE: Final = 0.25
"""Share of the page's words (chrome gone) the marked content must hold."""

_WORD: Final = re.compile(r"\w+")
_TEXTS: Final = etree.XPath(".//text()", smart_strings=False)


def is_plainly_marked(marked: _Element, root: _Element) -> bool:
    """Whether ``marked`` (inside ``root``, the page's body, or the body itself) is the page's content whole:
    enough words, most of the page's, and nothing the extractor's boilerplate rules name."""
    words = _words(marked)
    if words < MIN_WORDS:
        return False
    if marked is not root and words < MIN_SHARE * _words(root):
        return False
    return not _holds_boilerplate(marked)


def _words(element: _Element) -> int:
    texts = _TEXTS(element)
    assert isinstance(texts, list), "text nodes"
    return sum(len(_WORD.findall(part)) for part in texts if isinstance(part, str))


def _holds_boilerplate(marked: _Element) -> bool:
    """Whether an element under ``marked`` is one that trafilatura's boilerplate expressions discard.

    Each attribute of each element is judged on its own, on an element of its own that the expressions
    look at (a ``div``): they read an element's own attributes only (class, id, role, style...), so this
    finds whatever they would, and more (an ``a`` whose class says "share", an id "share" beside a plain
    class): such a page is only asked of the extractor. Judged once per attribute and value (a manual's
    pages repeat a few hundred), not element by element through the expressions' regular expressions
    (four times slower on a manual's page, whose every highlighted token is a classed ``span``)."""
    found = _ATTRIBUTES(marked)
    assert isinstance(found, list), "attribute values"
    return any(isinstance(value, _ElementUnicodeResult) and _is_boilerplate(value.attrname, value) for value in found)


@lru_cache(maxsize=20_000)
def _is_boilerplate(name: str, value: str) -> bool:
    probe = etree.Element("div")
    try:
        etree.SubElement(probe, "div").set(name, value)
    except ValueError:  # a name lxml cannot set ("addthis:url", a prefix without its namespace): none they read
        return False
    return any(expression(probe) for expression in _boilerplate_expressions())


@lru_cache(maxsize=1)
def _boilerplate_expressions() -> tuple[etree.XPath, ...]:
    """trafilatura's own expressions for the boilerplate it discards first; one that matches everything
    when a release no longer has them (every page is then asked of the extractor, as before)."""
    try:
        from trafilatura.xpaths import OVERALL_DISCARD_XPATH
    except ImportError:
        return (_ALWAYS_MATCHES,)
    found: list[object] = list(OVERALL_DISCARD_XPATH)  # typed by trafilatura; checked, as a release may change it
    expressions = tuple(expression for expression in found if isinstance(expression, etree.XPath))
    return expressions if expressions and len(expressions) == len(found) else (_ALWAYS_MATCHES,)


_ALWAYS_MATCHES: Final = etree.XPath("//*")
# Attributes the expressions never read, and that differ from link to link (the judgements are cached).
_ATTRIBUTES: Final = etree.XPath(
    ".//*/@*[not(name()='href' or name()='src' or name()='srcset' or name()='alt' or name()='title')]"
)
