"""A search hit's snippet on PostgreSQL: the matches marked as FTS5's ``highlight()`` marks them, then
the same passage as on SQLite (``snippets.passage``).

``ts_headline`` reads the raw text with PostgreSQL's parser (``asyncio.run`` one word), not the words the
index holds (``search_pg_schema``), and would miss those matches; here the body is read word by word as
``unicode61`` reads it — letters and digits, case and diacritics folded — and every place a phrase of
the query occurs in it is marked, a phrase as one mark (``[fog horn]``). Title-only phrases mark
nothing in the body, as on SQLite.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Connection, select

from quaero_desktop.store.schema import documents
from quaero_desktop.store.search_pg_query import Expression, Phrase
from quaero_desktop.store.snippets import MARK_END, MARK_START, SNIPPET_WORDS, passage

_WORD = re.compile(r"[^\W_]+")


def snippets(conn: Connection, expression: Expression, ids: list[int], words: int = SNIPPET_WORDS) -> dict[int, str]:
    """{id: its passage, matches marked with MARK_START/MARK_END, "…" where text was left out}."""
    phrases = [phrase for clause in expression for phrase in clause if not phrase.title_only]
    rows = conn.execute(select(documents.c.id, documents.c.markdown).where(documents.c.id.in_(ids)))
    return {int(row.id): passage(marked(str(row.markdown or ""), phrases), words) for row in rows}


def fold(word: str) -> str:
    """A word as the index holds it: case folded, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def marked(text: str, phrases: list[Phrase]) -> str:
    """``text`` with every place of ``phrases`` marked (overlapping places as one mark)."""
    tokens = [(found.start(), found.end(), fold(found.group())) for found in _WORD.finditer(text)]
    places: dict[str, list[int]] = {}  # each word's token numbers: a phrase is looked for where it starts
    for number, (_, _, word) in enumerate(tokens):
        places.setdefault(word, []).append(number)
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        size = len(phrase.lexemes)
        first = phrase.lexemes[0]
        if phrase.prefix and size == 1:
            starts = [number for word, numbers in places.items() if word.startswith(first) for number in numbers]
        else:
            starts = places.get(first, [])
        for at in starts:
            if at + size <= len(tokens) and all(_same(tokens[at + n][2], phrase, n) for n in range(1, size)):
                spans.append((tokens[at][0], tokens[at + size - 1][1]))
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


def _same(token: str, phrase: Phrase, n: int) -> bool:
    lexeme = phrase.lexemes[n]
    if phrase.prefix and n == len(phrase.lexemes) - 1:
        return token.startswith(lexeme)
    return token == lexeme
