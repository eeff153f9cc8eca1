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
"""Share of the page's text (chrome gone; in characters) the marked content must hold."""

_WORD: Final = re.compile(r"\w+")
_TEXTS: Final = etree.XPath(".//text()", smart_strings=False)
_TEXT_LENGTH: Final = etree.XPath("string-length(normalize-space(.))")


def is_plainly_marked(marked: _Element, root: _Element) -> bool:
    """Whether ``marked`` (inside ``root``, the page's body, or the body itself) is the page's content whole:
    enough words, most of the page's text, and nothing the extractor's boilerplate rules name."""
    if not _has_words(marked, MIN_WORDS):
        return False
    if marked is not root and _text_length(marked) < MIN_SHARE * _text_length(root):
        return False
    return not _holds_boilerplate(marked)


def _has_words(element: _Element, count: int) -> bool:
    """Whether ``element``'s text has ``count`` words or more (read until it has)."""
    texts = _TEXTS(element)
    assert isinstance(texts, list), "text nodes"
    words = 0
    for part in texts:
        if isinstance(part, str):
            words += len(_WORD.findall(part))
            if words >= count:
                return True
    return False


def _text_length(element: _Element) -> float:
    length = _TEXT_LENGTH(element)
    assert isinstance(length, float), "string-length() is a number"
    return length


def _holds_boilerplate(marked: _Element) -> bool:
    """Whether an element under ``marked`` is one that trafilatura's boilerplate expressions discard.

    Each attribute of each element is judged on its own, on an element of its own that the expressions
    look at (a ``div``): they read an element's own attributes only (class, id, role, style...), so this
    finds whatever they would, and more (an ``a`` whose class says "share", an id "share" beside a plain
    class): such a page is only asked of the extractor. Judged once per attribute and value (a manual's
    pages repeat a few hundred), not element by element through the expressions' regular expressions
    (four times slower on a manual's page, whose every highlighted token is a classed ``span``)."""
    for name, query in _COMMON_ATTRIBUTES:
        values = query(marked)
        assert isinstance(values, list), "attribute values"
        if any(_is_boilerplate(name, value) for value in set(values) if isinstance(value, str)):
            return True
    found = _OTHER_ATTRIBUTES(marked)  # lxml's smart strings: cached as plain ones, not holding their page
    assert isinstance(found, list), "attribute values"
    return any(
        isinstance(value, _ElementUnicodeResult) and _is_boilerplate(str(value.attrname), str(value)) for value in found
    )


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
# The values of the most frequent attributes, each name read at once (set() then drops the repeats at C
# speed); then every other attribute but those the expressions never read and that differ from link to
# link (the judgements are cached).
_COMMON: Final = ("class", "id", "style", "role")
_COMMON_ATTRIBUTES: Final = tuple((name, etree.XPath(f".//*/@{name}", smart_strings=False)) for name in _COMMON)
_NOT_READ: Final = ("href", "src", "srcset", "alt", "title")
_OTHER_ATTRIBUTES: Final = etree.XPath(
    ".//*/@*[not(" + " or ".join(f"name()='{name}'" for name in (*_COMMON, *_NOT_READ)) + ")]"
)
