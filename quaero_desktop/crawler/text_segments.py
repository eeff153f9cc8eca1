"""A page's text as it reads, node by node, with the elements each piece of text sits in.

lxml keeps text in two places: an element's ``text`` (before its first child) and its ``tail`` (after
it, in its parent). ``segments`` lists both in document order, each with its enclosing block, code
listing, heading, label (a heading or a definition's term) and link, found in one walk down the tree —
the content choice asks these of every piece of text, and walking up from each would cost a page's
depth per piece.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from lxml.etree import _Element

BLOCKS: Final = frozenset(
    {
        *("p", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dd", "dt", "figcaption"),
        *("div", "section", "article", "main", "body", "table", "ul", "ol", "dl", "figure", "header", "footer"),
        *("aside", "nav", "form", "details", "summary"),
    }
)
HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LABELS: Final = HEADINGS | {"dt"}  # what names the text that follows it
_OF_A_KIND: Final = BLOCKS | LABELS | {"pre", "a"}  # the elements ``Around`` names


class Around(NamedTuple):
    """The nearest enclosing elements of a kind (None: none up to the walk's root)."""

    block: _Element | None = None
    listing: _Element | None = None  # a <pre>
    heading: _Element | None = None
    label: _Element | None = None
    link: _Element | None = None  # an <a>


class Segment(NamedTuple):
    element: _Element
    is_tail: bool  # the element's tail (text after it, in its parent), not its own text
    text: str
    around: Around  # what the text sits in: for a tail, the element's parent's surroundings


def segments(root: _Element) -> list[Segment]:
    """``root``'s text in document order: an element's text, its children's, then its tail."""
    found: list[Segment] = []
    # (element, closing, what it sits in with itself, what its parent sits in: its tail's)
    stack: list[tuple[_Element, bool, Around, Around]] = [(root, False, _around(root, Around()), Around())]
    while stack:
        element, closing, own, outer = stack.pop()
        if closing:
            if element is not root and element.tail:
                found.append(Segment(element, True, element.tail, outer))
            continue
        markup: object = element.tag
        if element.text and isinstance(markup, str):  # a comment's text is not the page's
            found.append(Segment(element, False, element.text, own))
        stack.append((element, True, own, outer))
        stack.extend((child, False, _around(child, own), own) for child in reversed(element))
    return found


def texts_by_heading(root: _Element) -> list[tuple[_Element | None, str]]:
    """``segments``' texts, each with its ``around.heading`` alone: the same walk without the rest of what
    surrounds each piece (for a reader that asks nothing else, twice as fast)."""
    found: list[tuple[_Element | None, str]] = []
    # (element, closing, the heading its own text sits in, the heading its tail sits in)
    stack: list[tuple[_Element, bool, _Element | None, _Element | None]] = [
        (root, False, root if root.tag in HEADINGS else None, None)
    ]
    while stack:
        element, closing, own, outer = stack.pop()
        if closing:
            if element is not root and element.tail:
                found.append((outer, element.tail))
            continue
        markup: object = element.tag
        if element.text and isinstance(markup, str):  # a comment's text is not the page's
            found.append((own, element.text))
        stack.append((element, True, own, outer))
        stack.extend((child, False, child if child.tag in HEADINGS else own, own) for child in reversed(element))
    return found


def _around(element: _Element, outer: Around) -> Around:
    """What ``element``'s own text sits in: ``outer`` with the element itself where it is of a kind."""
    tag: object = element.tag
    if not isinstance(tag, str) or tag not in _OF_A_KIND:
        return outer  # most elements (span, em, code...): the same surroundings, no new tuple
    return Around(
        element if tag in BLOCKS else outer.block,
        element if tag == "pre" else outer.listing,
        element if tag in HEADINGS else outer.heading,
        element if tag in LABELS else outer.label,
        element if tag == "a" else outer.link,
    )
