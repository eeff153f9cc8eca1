"""One way to parse a page's HTML with lxml, whatever the page starts with.

Every reader of a page (the HTTP path's metadata and links, the JavaScript signals, the empty-shell
check, the Markdown writer, the login-form and robots readers) parses through ``parse_html``, so a
page that one of them can read, all of them can: lxml refuses a ``str`` that carries an XML
encoding declaration (``<?xml version="1.0" encoding="UTF-8"?>``, the first line of DocBook and
AsciiDoc XHTML pages), so the text is always handed over as UTF-8 bytes with the parser told so,
which also makes the declaration's own (possibly wrong) encoding irrelevant: the text was decoded
already. Control characters that XML cannot hold (NUL, most of C0) are dropped first: lxml would
refuse them later, when the tree is changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, cast

from lxml import etree
from lxml.etree import _Element

# C0 controls other than tab, newline and carriage return; U+FFFE/U+FFFF are not characters either.
_NOT_XML_CHARACTERS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an lxml tree cannot hold (control characters)."""
    return _NOT_XML_CHARACTERS.sub("", text)


def parse_html(html: str, *, keep_processing_instructions: bool = False) -> _Element | None:
    """The document element of ``html``, or None when there is nothing to parse (no markup, no text).

    Comments are dropped (never content); processing instructions too unless asked for."""
    if not html or html.isspace():
        return None
    data = xml_safe(html).encode("utf-8", "replace")
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=not keep_processing_instructions, huge_tree=True
    )
    try:
        return etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError):  # "Document is empty" and the like: nothing to read
        return None


def text_of(element: _Element) -> str:
    """The element's text (lxml's stubs allow bytes for documents parsed without an encoding; ours give str,
    and lxml gives str on Python 3 whatever the parser: not checked part by part)."""
    if not len(element) and isinstance(element.tag, str):  # a leaf (most are): its own text, no iterator
        return element.text or ""
    return "".join(cast("Iterator[str]", element.itertext()))


def remove_element(element: _Element) -> None:
    """Remove the element and its subtree, keeping the text that follows it (its tail)."""
    parent = element.getparent()
    assert parent is not None, "the root element cannot be removed"
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
