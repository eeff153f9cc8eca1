"""A search hit's snippet on PostgreSQL: the matches marked as FTS5's ``highlight()`` marks them, then
the same passage as on SQLite (``snippets.passage``).

``ts_headline`` reads the raw text with PostgreSQL's parser (``asyncio.run`` one word), not the words the
index holds (``search_pg_schema``), and would miss those matches; here the body is searched as
``unicode61`` reads it — case and diacritics folded, whole words of letters and digits, anything else
between the words of a phrase — and every place a phrase of the query occurs in it is marked, a phrase
as one mark (``[fog horn]``). Title-only phrases mark nothing in the body, as on SQLite. A regular
expression per phrase over the folded body: a few milliseconds for a 500 KB page.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sqlalchemy import Connection, select

from quaero_desktop.store.schema import documents
from quaero_desktop.store.search_pg_query import Expression, Phrase
from quaero_desktop.store.snippets import MARK_END, MARK_START, SNIPPET_WORDS, passage


def snippets(conn: Connection, expression: Expression, ids: list[int], words: int = SNIPPET_WORDS) -> dict[int, str]:
    """{id: its passage, matches marked with MARK_START/MARK_END, "…" where text was left out}."""
    phrases = [phrase for clause in expression for phrase in clause if not phrase.title_only]
    rows = conn.execute(select(documents.c.id, documents.c.markdown).where(documents.c.id.in_(ids)))
    return {int(row.id): passage(marked(str(row.markdown or ""), phrases), words) for row in rows}


def fold(word: str) -> str:
    """A word as the index holds it: case folded, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def folded(text: str) -> str:
    """``text`` with each character folded as ``fold`` folds it where that keeps it one character: the
    same length, so a match found in it is at the same place in ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer (İ): keep it as it is
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    if lowered.isascii():
        return lowered
    return _NOT_ASCII.sub(lambda found: _fold_one(found.group()), lowered)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def _fold_one(char: str) -> str:
    one = fold(char)
    return one if len(one) == 1 else char


def places(searched: str, phrase: Phrase) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``searched`` (a ``folded`` text): its words in a row, anything but letters
    and digits between them, whole words (a prefix: the start of one)."""
    words = r"[\W_]+".join(re.escape(lexeme) for lexeme in phrase.lexemes) + (r"[^\W_]*" if phrase.prefix else "")
    return [
        place.span()
        for place in re.finditer(words + r"(?![^\W_])", searched)
        if not place.start() or not searched[place.start() - 1].isalnum()  # else: the end of a longer word
    ]


def marked(text: str, phrases: list[Phrase]) -> str:
    """``text`` with every place of ``phrases`` marked (overlapping places as one mark)."""
    searched = folded(text)
    spans = [span for phrase in phrases for span in places(searched, phrase)]
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out += [text[position:start], MARK_START, text[start:end], MARK_END]
        position = end
    out.append(text[position:])
    return "".join(out)
