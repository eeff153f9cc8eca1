"""What documentation generators add around a manual's text: navigation bars, breadcrumbs, a
title repeated as text, heading levels that jump.

Manuals (Sphinx, Texinfo, Doxygen, DocBook, AsciiDoc, gtk-doc, hand-made ones such as SQLite's) put
their navigation in plain ``div``s, ``p``s and layout tables, not in ``nav``: markdown.py's removal of
navigation by tag and role misses it, and the extractor keeps it when it sits inside the text's block.
The rules here read what every such bar has in common, whatever the generator:

* a **navigation block** holds two links or more that are prev/next/up/home links — by ``rel``
  (``next``, ``prev``, ``up``...), by ``accesskey`` (the keyboard shortcuts generators give exactly
  these links), or by their text or image's ``alt`` ("Next", "« previous", "Up") — and next to no
  other text: labels ("Next:", "Up:"), separators and the titles the links lead to;
* a **link bar** is a block of three links or more to other pages and nothing but separators between
  them ("Home | Contents | Index"), or a **breadcrumb**: two links or more joined by hierarchy marks
  (» › > / →), the current page's name after them;
* the **title repeated as text** (a ``div`` drawn as a title) at the top of the content goes, as the
  title is the document's first line already;
* **heading levels** follow from nesting only: the first heading under the title is H2, and a level
  never goes down by more than one (Texinfo's H1 title then H4, SQLite's sections all H1, Doxygen's
  H3 indexes).

Listings with line numbers (Doxygen's source pages, Pygments' numbered tables) are fenced without their
numbers by markdown_code_rows.py.

``title_heading`` says which H1 is the page's title: not the first of several H1s that the ``<title>``
does not name (SQLite numbers its sections "1. Overview", "2. Syntax", all H1).
"""

from __future__ import annotations

import re
from typing import Final

from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import remove_element, text_of

_HEADINGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")
# rel values and link texts of a manual's own navigation between its pages.
_NAV_RELS: Final = frozenset({"next", "prev", "previous", "up", "start", "first", "last", "home", "top", "parent"})
_NAV_TEXTS: Final = frozenset(
    {"next", "previous", "prev", "up", "home", "top", "back", "forward", "next page", "previous page"}
    | {"next topic", "previous topic", "next chapter", "previous chapter", "next section", "previous section"}
    | {"up one level", "fast forward", "fast backward", "contents", "table of contents", "index"}
)
# Words a navigation block may hold besides its links: labels and the names of its links.
_NAV_WORDS: Final = frozenset({"next", "previous", "prev", "up", "home", "top", "contents", "index", "table", "of"})
_MAX_OTHER_WORDS: Final = 24
"""Words besides labels a navigation block may hold outside its links: the titles of the pages it leads to."""
_MAX_LINK_WORDS: Final = 30
"""Words of text of links other than prev/next/up a navigation block may hold ("Contents", "Index")."""
# Where a navigation block may stop climbing: elements that are layout, not a section of text.
_NAV_CONTAINERS: Final = frozenset(
    {"p", "div", "span", "td", "th", "tr", "tbody", "thead", "table", "ul", "ol", "li", "center", "small", "font", "b"}
    | {"header", "dl", "dt", "dd", "strong", "em", "i"}
)
_CONTENT_TAGS: Final = (*_HEADINGS, "pre")
_ARROWS: Final = " \t\n\xa0«»\u2039›<>←→↑⇐⇒⇑[]()|:.,·•-–—"
_WORD: Final = re.compile(r"\w+")
_LABEL_WORD: Final = re.compile(r"[^\W\d_]+")
# Text between the links of a bar: separators only. Hierarchy marks make a breadcrumb.
_SEPARATORS: Final = re.compile(r"[\s|·•:,\-–—\[\]()»«›\u2039>/→\\]*")
_HIERARCHY: Final = re.compile(r"[»›>/→]")
_MAX_CURRENT_WORDS: Final = 10
"""Words the current page's name may have at the end of a breadcrumb."""
_TITLE_SEPARATORS: Final = (": ", " - ", " — ", " – ", " | ", " · ")


def title_heading(root: _Element, document_title: str) -> _Element | None:
    """The H1 that titles the page: the only one with text; of several, the one the ``<title>`` names
    (the longest, the first of equals) — none when it names none of them: the H1s are then the page's
    sections."""
    named = document_title.lower()
    found = [heading for heading in root.iter("h1") if _one_line(heading)]
    if len(found) <= 1 or not named:
        return found[0] if found else None
    # Several H1s: the title is the one the <title> names with the most text (a site's name in an H1
    # comes first, and the <title> names it too).
    titles = [heading for heading in found if _one_line(heading).lower() in named]
    return max(titles, key=lambda heading: len(_one_line(heading))) if titles else None


def drop_doc_navigation(document: _Element) -> None:
    """Navigation blocks, link bars and breadcrumbs out of the page, before its content is chosen:
    the extractor's choice would leave pieces of them (a bar's "Top" link without its icons)."""
    _drop_navigation(document)
    _drop_link_bars(document)


def tidy_doc_chrome(content: _Element, title: str) -> None:
    """The repeated title out of ``content``; heading levels contiguous under the
    title (the document's first line, H1)."""
    if title:
        _drop_repeated_title(content, title)
    _number_headings(content)


def _drop_navigation(content: _Element) -> None:
    """Blocks of prev/next/up links (see the module's docstring), found from their links."""
    links = _LinkReader()
    seeds = [anchor for anchor in content.iter("a") if anchor.get("href") and links.is_nav(anchor)]
    done: set[_Element] = set()
    for anchor in seeds:
        if anchor in done or not _in_tree(anchor, content):
            continue
        block: _Element | None = None
        node = anchor.getparent()
        while node is not None and node is not content and node.tag in _NAV_CONTAINERS:
            if _is_nav_block(node, links):
                block = node
            elif block is not None:
                break  # the next level holds text of its own
            node = node.getparent()
        if block is not None:
            done.update(block.iter("a"))
            _remove_with_rules(block, content)


class _LinkReader:
    """Each link's text and whether it is a navigation link, read once: the blocks around a link are judged
    level by level up to the page's body, each reading every link inside it (a whole manual page's links
    for its outer blocks). A link's text does not change while navigation goes: a block goes whole."""

    def __init__(self) -> None:
        self._text: dict[_Element, str] = {}  # the element itself: lxml's proxies keep no stable id()
        self._nav: dict[_Element, bool] = {}

    def text(self, anchor: _Element) -> str:
        text = self._text.get(anchor)
        if text is None:
            text = self._text[anchor] = _link_text(anchor)
        return text

    def is_nav(self, anchor: _Element) -> bool:
        nav = self._nav.get(anchor)
        if nav is None:
            nav = self._nav[anchor] = _is_nav_link(anchor, self.text(anchor))
        return nav


def _is_nav_link(anchor: _Element, text: str) -> bool:
    """A prev/next/up link, by its ``rel``, its ``accesskey`` or its ``text``."""
    rels = (anchor.get("rel") or "").lower().split()
    if anchor.get("accesskey") or not _NAV_RELS.isdisjoint(rels):
        return True
    return text.strip(_ARROWS).lower() in _NAV_TEXTS


def _is_nav_block(block: _Element, links: _LinkReader) -> bool:
    """Two navigation links or more, next to no text of its own, no heading or listing."""
    nav = 0
    link_words = 0  # of the other links: a bar's own links (marked, labelled) may name long pages ("Next: How...?")
    for anchor in block.iter("a"):
        if not anchor.get("href"):
            continue
        if links.is_nav(anchor):
            nav += 1
            continue
        link_words += len(_WORD.findall(links.text(anchor)))
        if link_words > _MAX_LINK_WORDS:
            return False  # an outer block of a page: its many links tell at once
    if nav < 2 or _holds_content(block):  # after the links: a page's outer blocks fail on them at once
        return False
    outside = _text_outside_links(block)
    other = [word for word in _LABEL_WORD.findall(outside) if word.lower() not in _NAV_WORDS]
    return len(other) <= _MAX_OTHER_WORDS


def _drop_link_bars(content: _Element) -> None:
    """Menu bars and breadcrumbs: blocks of links to other pages with only separators between them."""
    parents = {id(parent): parent for anchor in content.iter("a") if (parent := anchor.getparent()) is not None}
    judged: dict[int, _Element] = {}  # blocks already looked at (held, so ids stay theirs): a list's items lead to it
    for parent in parents.values():
        if parent is content or not _in_tree(parent, content):
            continue
        block = parent
        while block.tag in ("li", "span", "b", "strong", "small") and (up := block.getparent()) is not None:
            if up is content:
                break
            block = up  # a bar drawn as a list of items, or links wrapped in spans
        if block.tag in _HEADINGS or block is content or id(block) in judged:
            continue
        judged[id(block)] = block
        if _is_link_bar(block):
            _remove_with_rules(block, content)


def _is_link_bar(block: _Element) -> bool:
    if len(block) > 40:
        return False
    anchors = list(block.iter("a"))
    if len(anchors) < 2 or _holds_content(block):
        return False
    hrefs = [(anchor.get("href") or "").strip() for anchor in anchors]
    if not all(href and not href.startswith("#") for href in hrefs):
        return False  # a jump bar to the page's own sections is the page's table of contents
    if any(len(_WORD.findall(_link_text(anchor))) > 6 for anchor in anchors):
        return False  # links that are sentences: prose
    between = _text_outside_links(block)
    if _SEPARATORS.fullmatch(between):
        separators = "".join(between.split())
        if _HIERARCHY.search(separators):
            return True  # a breadcrumb
        return len(anchors) >= 3 and len(separators) >= len(anchors) - 1  # "Home | Contents | Index"
    # A breadcrumb ending with the current page, as text: "Docs » Library » json".
    parts = between.rsplit("»" if "»" in between else "›", 1)
    if len(parts) != 2 or not _SEPARATORS.fullmatch(parts[0]) or not _HIERARCHY.search(between):
        return False
    return 0 < len(_WORD.findall(parts[1])) <= _MAX_CURRENT_WORDS and block.tag not in ("p", "td", "th")


def _holds_content(block: _Element) -> bool:
    """A heading or a listing under ``block``: met in one walk that stops at the first (an XPath asking
    for each of the seven tags walked a whole page's block seven times)."""
    return next(block.iterdescendants(*_CONTENT_TAGS), None) is not None


def _drop_repeated_title(content: _Element, title: str) -> None:
    """The page's title drawn as a plain block before the text (SQLite's, Doxygen's title ``div``):
    the first block of text, when it says the title or the part of it after the site's name."""
    wanted = _one_line_text(title).lower()
    for element in content.iter("div", "p", "span", "td", "th", "strong", "b"):
        text = _lower_line_up_to(element, len(wanted) + 1)
        if not text:
            continue
        if text is _LONGER:
            if element.find(".//a") is None and not _may_hold_title(element):
                return  # the first text is something else
            continue  # a wrapper: look inside
        if any(child.tag not in ("span", "b", "strong", "em", "i", "code", "br") for child in element):
            return
        if text == wanted or any(wanted.endswith(separator.strip() + " " + text) for separator in _TITLE_SEPARATORS):
            _remove(element)
        return


_LONGER: Final = "\0longer"
"""What ``_lower_line_up_to`` gives for a text longer than asked."""


def _lower_line_up_to(element: _Element, limit: int) -> str:
    """The element's text on one line, lower-cased; ``_LONGER`` when that is longer than ``limit``, told
    from the text's start (each wrapper around a manual's text would otherwise be read whole, level by level).
    A longer text's start on one line is never shorter than the start's own."""
    parts: list[str] = []
    read = checked = 0
    for part in element.itertext():
        if not isinstance(part, str):
            continue
        parts.append(part)
        read += len(part)
        if read > limit and read >= 2 * checked:
            checked = read
            if len(_one_line_text("".join(parts)).lower()) > limit:
                return _LONGER
    text = _one_line_text("".join(parts)).lower()
    return _LONGER if len(text) > limit else text


def _may_hold_title(element: _Element) -> bool:
    """A block whose text may start with the title: it holds blocks (the title's among them)."""
    return any(child.tag in ("div", "table", "tr", "td", "p", "span") for child in element)


def _number_headings(content: _Element) -> None:
    """Heading levels from nesting: the first level under the title is H2, none skipped."""
    stack: list[tuple[int, int]] = []  # (the page's level, the written level)
    for heading in content.iter(*_HEADINGS):
        level = int(str(heading.tag)[1])
        while stack and stack[-1][0] >= level:
            stack.pop()
        written = min(6, stack[-1][1] + 1 if stack else 2)
        stack.append((level, written))
        heading.tag = f"h{written}"


def _link_text(anchor: _Element) -> str:
    """A link's text, or the ``alt`` of its image when it has none (icons of prev/next/up)."""
    text = " ".join(text_of(anchor).split())
    if text:
        return text
    return " ".join(str(image.get("alt") or "") for image in anchor.iter("img")).strip()


def _text_outside_links(block: _Element) -> str:
    parts: list[str] = []

    def walk(element: _Element) -> None:
        if element.tag != "a":
            parts.append(element.text or "")
            for child in element:
                if isinstance(child.tag, str):
                    walk(child)
                parts.append(child.tail or "")

    walk(block)
    return "".join(parts)


def _remove_with_rules(block: _Element, root: _Element) -> None:
    """Remove a bar with the horizontal rules that set it apart, and the wrappers it leaves empty."""
    for sibling in (block.getnext(), block.getprevious()):
        if sibling is not None and sibling.tag == "hr" and not (block.tail or "").strip():
            _remove(sibling)
    parent = block.getparent()
    _remove(block)
    while parent is not None and parent is not root and parent.tag in _NAV_CONTAINERS and not len(parent):
        if (parent.text or "").strip():
            break
        grandparent = parent.getparent()
        for sibling in (parent.getnext(), parent.getprevious()):
            if sibling is not None and sibling.tag == "hr" and not (parent.tail or "").strip():
                _remove(sibling)
        _remove(parent)
        parent = grandparent


def _in_tree(element: _Element, root: _Element) -> bool:
    return any(ancestor is root for ancestor in element.iterancestors())


def _one_line(element: _Element) -> str:
    return _one_line_text(text_of(element))


def _one_line_text(text: str) -> str:
    return " ".join(text.replace("\xad", "").replace("\u200b", "").split())


def _remove(element: _Element) -> None:
    if element.getparent() is not None:  # not gone already with an ancestor
        remove_element(element)
