"""Turn what a user types into a safe FTS5 query.

Users type hyphens, quotes, stray punctuation and words such as OR or NEAR; none of that
may reach FTS5 as syntax. Every word becomes a quoted string, a hyphenated or dotted term
becomes a phrase of its parts, double-quoted text stays a phrase, and the last word is a
prefix so results appear as the user types.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
_QUOTED = re.compile(r'"([^"]*)"')


def to_fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """An FTS5 MATCH expression for ``text``, or None when it holds no searchable word."""
    groups: list[list[str]] = []
    position = 0
    for match in _QUOTED.finditer(text):
        groups.extend(_chunks(text[position : match.start()]))
        words = _WORD.findall(match.group(1))
        if words:
            groups.append(words)
        position = match.end()
    tail = text[position:].replace('"', " ")
    groups.extend(_chunks(tail))
    if not groups:
        return None
    terms = ['"' + " ".join(words) + '"' for words in groups]
    ends_in_word = bool(text) and not text[-1].isspace() and text.rstrip()[-1:] != '"'
    if prefix_last and ends_in_word:
        terms[-1] += "*"
    return " ".join(terms)


def _chunks(text: str) -> list[list[str]]:
    return [words for chunk in text.split() if (words := _WORD.findall(chunk))]
