"""How much of a document's text is the text of its links: an index or a table of contents is mostly
links, and ranks below the pages it points to (``store/search_repo.py``; issue 21)."""

from __future__ import annotations

import re

# [text](target): the text counts, the target is no text at all. An image (![alt](src)) is no link.
_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\([^)\n]*\)")
_TARGET = re.compile(r"\]\([^)\n]*\)")
_NOT_A_LETTER = re.compile(r"[\W_]+")


def link_share(markdown: str) -> float:
    """The share (0-1) of the letters and digits of ``markdown``'s text that are inside its links."""
    letters = len(_NOT_A_LETTER.sub("", _TARGET.sub("]", markdown)))
    if not letters:
        return 0.0
    linked = sum(len(_NOT_A_LETTER.sub("", found.group(1))) for found in _LINK.finditer(markdown))
    return min(1.0, linked / letters)
