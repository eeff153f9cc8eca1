"""Controls kept as content, and items side by side kept apart (used by markdown_elements.py).

A button's text is content when the button is a disclosure or a tab, or holds a header (several parts:
a method, a path and a summary; a status code and its description) or a sentence; it is written
inline, its blocks on one line ("GET /boats — List boats", "200 OK"). Short action labels (Copy, Try it
out, Go), a form's submit buttons, buttons that open menus or dialogs and menu toggles are not content.
Styled inline items side by side get a space between them ("GET /boats", not "GET/boats").
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree
from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import text_of
from quaero_desktop.crawler.markdown_code_rows import is_markup

BLOCK_TAGS: Final = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset"}
    | {"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li"}
    | {"main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "td", "th", "ul", "caption"}
)
_HEADINGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")
# Blocks a control may hold that are written inline in it: a collapsible header stays one line.
_TEXT_BLOCKS: Final = ("div", "p", "section", "header", "footer", "article", "figcaption")
# Their text is never shown as text (an icon's <title>, a script).
_NO_TEXT: Final = frozenset({"svg", "script", "style", "template", "noscript", "select", "textarea"})
# Where a control kept as content is a block of its own; elsewhere (a heading, a paragraph) it stays inline.
_FLOW_CONTAINERS: Final = frozenset(
    {"div", "section", "article", "main", "body", "li", "td", "th", "dd", "details", "header", "footer"}
    | {"form", "fieldset", "figure", "aside", "nav", "blockquote"}
)
_HEADER_SEPARATOR: Final = " — "
# Class or id parts of what only an app's frame uses: a menu, a dialog, navigation.
JUNK_MARKS: Final = re.compile(
    r"(?<![a-z0-9])(?:modal|popup|popover|tooltip|dropdown|menu|drawer|offcanvas|overlay|lightbox|toast"
    r"|snackbar|dialog|navbar|sidebar|nav|hamburger|toggler)(?![a-z0-9])"
)
DISPLAY_NONE: Final = re.compile(r"display\s*:\s*none\s*(?:!\s*important)?\s*;?", re.IGNORECASE)
_MAY_HIDE_TEXT: Final = etree.XPath(
    "boolean(descendant::*[@hidden or @aria-hidden or @style or self::svg or self::script or self::style"
    " or self::template or self::noscript or self::select or self::textarea])"
)
_CODE_TAGS: Final = frozenset({"pre", "code", "kbd", "samp"})
WORD: Final = re.compile(r"\w", re.UNICODE)


def space_side_by_side(content: _Element) -> None:
    """Items side by side that would glue get a space between them."""
    texts: dict[_Element, str] = {}  # each element's text, read once (the elements stay alive in it)
    for element in content.iter("*"):
        if element.tail or (following := element.getnext()) is None or not _may_glue(element, following):
            continue
        left = texts.get(element)
        if left is None:
            left = texts[element] = text_of(element)
        right = texts.get(following)
        if right is None:
            right = texts[following] = text_of(following)
        if _glues(left, right) and not _in_code(element.getparent()):  # <code>/x</code> then a label: spaced
            element.tail = " "


def is_control(element: _Element) -> bool:
    return element.get("aria-expanded") is not None or element.get("role") == "tab" or element.tag == "summary"


def opens_popup(element: _Element) -> bool:
    return (element.get("aria-haspopup") or "false").strip().lower() not in ("", "false")


def is_hidden(element: _Element) -> bool:
    get = element.get
    return get("hidden") is not None or get("aria-hidden") == "true" or bool(DISPLAY_NONE.search(get("style") or ""))


def is_content_button(button: _Element) -> bool:
    """Whether a reader takes the button's text as content (see the module's docstring)."""
    text = one_line(shown_text(button))
    if not WORD.search(text) or opens_popup(button):
        return False
    kind = (button.get("type") or "").strip().lower()
    if kind in ("submit", "reset") or (not kind and next(button.iterancestors("form"), None) is not None):
        return False
    if JUNK_MARKS.search(f"{button.get('class') or ''} {button.get('id') or ''}".lower()):
        return False  # a menu's toggle ("Toggle navigation"), a dialog's button
    if is_control(button) or button.get("aria-controls") or button.get("aria-selected") is not None:
        return True
    return _text_parts(button) >= 2 or len(text.split()) >= 4


def _text_parts(element: _Element) -> int:
    """How many separate pieces of text the element holds: its own text runs and its children with
    text, looking through wrappers that hold only one child."""
    while True:
        runs = [text for text in [element.text, *(child.tail for child in element)] if text and WORD.search(text)]
        children = [child for child in element if child.tag not in _NO_TEXT and WORD.search(shown_text(child))]
        if runs or len(children) != 1:
            return len(runs) + len(children)
        element = children[0]


def write_inline(control: _Element) -> None:
    """A control kept as content: a heading in it keeps it a block; otherwise its text blocks are
    written inline, a line of text after other text set off by a dash."""
    if any(True for _ in control.iter(*_HEADINGS)):
        control.tag = "div"
        return
    for block in [element for element in control.iterdescendants(*_TEXT_BLOCKS) if element is not control]:
        leaf = not any(True for _ in block.iterdescendants(*BLOCK_TAGS))
        before = [part for part in _text_before(control, block) if WORD.search(part)]
        block.tag = "span"
        if before:
            # A dash after a header's first parts ("GET /boats — List boats"), not after a lone code or
            # word ("200 OK"), nor before a block holding blocks.
            header = len(before) >= 2 or len("".join(before).split()) >= 2
            separator = _HEADER_SEPARATOR if leaf and header else " "
            previous = block.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "").rstrip() + separator
            else:
                parent = block.getparent()
                assert parent is not None, "a descendant has a parent"
                parent.text = (parent.text or "").rstrip() + separator
    parent = control.getparent()
    control.tag = "div" if parent is not None and parent.tag in _FLOW_CONTAINERS else "span"


def _text_before(root: _Element, target: _Element) -> list[str]:
    """The runs of text inside ``root`` that come before ``target``."""
    parts: list[str] = []

    def walk(element: _Element) -> bool:
        if element is target:
            return True
        if element.tag in _NO_TEXT:
            return False
        parts.append(element.text or "")
        for child in element:
            if walk(child):
                return True
            parts.append(child.tail or "")
        return False

    walk(root)
    return parts


def shown_text(element: _Element) -> str:
    """The element's text without what is never shown as text (an icon's title, a script) nor what
    is hidden (an icon's aria-hidden glyph)."""
    if not is_markup(element) or element.tag in _NO_TEXT or is_hidden(element):
        return ""
    if not _MAY_HIDE_TEXT(element):
        return text_of(element)
    parts = [element.text or ""]
    for child in element:
        parts.append(shown_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def one_line(text: str) -> str:
    return " ".join(text.split())


def _may_glue(element: _Element, following: _Element) -> bool:
    """Two inline elements side by side with no space between, styled (a class, a role) or spans (laid
    out by their parent's style): a badge and its label may glue. The writer itself keeps blocks apart;
    unstyled formatting (``<b>a</b><i>b</i>``) glues in the browser too."""
    if not is_markup(element) or not is_markup(following):
        return False
    if element.tag in BLOCK_TAGS or following.tag in BLOCK_TAGS or "br" in (element.tag, following.tag):
        return False
    return bool(element.get("class") or element.get("role") or following.get("class") or following.get("role")) or (
        element.tag == following.tag == "span"
    )


def _glues(left: str, right: str) -> bool:
    """Whether a word would run into the next: letters or digits meet, or a path follows a word
    ("GET/boats"); not an opening bracket after a name ("open("), nor a piece of one letter."""
    if len(left.strip()) < 2 or len(right.strip()) < 2 or left[-1:].isspace() or right[:1].isspace():
        return False
    return (left[-1].isalnum() or left[-1] in ")]}") and (right[0].isalnum() or right[0] == "/")


def _in_code(element: _Element | None) -> bool:
    return element is not None and any(ancestor.tag in _CODE_TAGS for ancestor in (element, *element.iterancestors()))
