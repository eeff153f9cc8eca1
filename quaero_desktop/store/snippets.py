"""A search hit's snippet: the passage of its text where the most of the query's words meet.

FTS5's own ``snippet()`` scores every match against every other match of the document: time that
grows with the square of the matches (a 100-word query on long pages took 5.5 s, 400 words a minute:
issue 21). Here FTS5 only marks the matches (``highlight()``: one pass over the text), and the
passage is chosen in one pass over the marks: the window of about ``words`` words holding the most
different matched words, then the most matches. Time is linear in the document and the query.
"""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import ColumnElement, Connection, func, literal_column, select, text

# FTS5 marks matches with these (private-use characters never found in pages), so the Markdown
# syntax can be taken out of a snippet before the caller's own marks go in.
MARK_START, MARK_END = "\ue001", "\ue002"
SNIPPET_WORDS = 16
_WORDS_BEFORE = 3  # words shown before the passage's first match
_CHARS_PER_WORD = 8  # a window of n words spans about this many characters each (marks are found by position)
_WORD = re.compile(r"\S+")
_FTS_ROWID: ColumnElement[int] = literal_column("documents_fts.rowid")
# Markdown's syntax, taken out of a passage so it reads as text: heading, quote and list markers,
# emphasis asterisks, code backticks, table pipes, rules; a backslash escape leaves its character.
# Underscores are text: the crawler's Markdown writes emphasis with asterisks and escapes each
# underscore of a page's text, and code keeps its own ("Lib/http/__init__.py" read "Lib/http/ init .py").
_MARKDOWN_SYNTAX = re.compile(r"(?m)^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+|\\([\\`*_\[\]<>#|])|\*{1,3}|`+|\||^-{3,}$")


def snippets(conn: Connection, match: str, ids: list[int], words: int = SNIPPET_WORDS) -> dict[int, str]:
    """{id: its passage, matches marked with MARK_START/MARK_END, "…" where text was left out}."""
    query = (
        select(
            _FTS_ROWID.label("id"),
            func.highlight(literal_column("documents_fts"), 1, MARK_START, MARK_END).label("marked"),
        )
        .select_from(text("documents_fts"))
        .where(text("documents_fts MATCH :match").bindparams(match=match), _FTS_ROWID.in_(ids))
    )
    return {int(row.id): passage(str(row.marked or ""), words) for row in conn.execute(query)}


def passage(marked: str, words: int = SNIPPET_WORDS) -> str:
    """The best passage of about ``words`` words of ``marked`` (the whole text, its matches marked)."""
    marks = _marks(marked)
    start = _best_window(marks, words * _CHARS_PER_WORD) if marks else 0
    begin = _words_back(marked, start, _WORDS_BEFORE if marks else 0)
    end = _words_on(marked, begin, words)
    cut = marked[begin:end]
    if cut.count(MARK_START) > cut.count(MARK_END):  # the passage ends inside a marked phrase
        cut += MARK_END
    return ("…" if begin > 0 else "") + cut + ("…" if end < len(marked) else "")


def readable(markdown: str) -> str:
    """A passage's Markdown as text (the marks of its matches kept)."""
    return _MARKDOWN_SYNTAX.sub(_as_text, markdown)


def _as_text(syntax: re.Match[str]) -> str:
    escaped = syntax.group(1)
    if escaped is not None:
        return escaped
    return "" if syntax.group(0)[0] in "*`" else " "  # markers and pipes part words; emphasis and code do not


def _marks(marked: str) -> list[tuple[int, str]]:
    """(where, the matched words lower-cased) of every mark, in order."""
    found = []
    position = marked.find(MARK_START)
    while position >= 0:
        close = marked.find(MARK_END, position)
        if close < 0:
            break
        found.append((position, marked[position + 1 : close].lower()))
        position = marked.find(MARK_START, close)
    return found


def _best_window(marks: list[tuple[int, str]], span: int) -> int:
    """Where the window of ``span`` characters with the most different matches (then most matches) starts."""
    counts: Counter[str] = Counter()
    left = 0
    best, best_score = marks[0][0], (0, 0)
    for right, (position, key) in enumerate(marks):
        counts[key] += 1
        while position - marks[left][0] > span:
            left_key = marks[left][1]
            counts[left_key] -= 1
            if not counts[left_key]:
                del counts[left_key]
            left += 1
        score = (len(counts), right - left + 1)
        if score > best_score:
            best, best_score = marks[left][0], score
    return best


def _words_back(marked: str, position: int, count: int) -> int:
    """Where the ``count`` words before ``position`` begin (at most a line's worth back)."""
    if count == 0 or position == 0:
        return position
    before = marked[max(0, position - 120) : position]
    starts = [found.start() for found in _WORD.finditer(before)]
    if not starts:
        return position
    return position - len(before) + starts[max(0, len(starts) - count)]


def _words_on(marked: str, begin: int, count: int) -> int:
    """Where ``count`` words from ``begin`` end."""
    end = begin
    for number, found in enumerate(_WORD.finditer(marked, begin, min(len(marked), begin + count * 40)), 1):
        end = found.end()
        if number == count:
            break
    return end
