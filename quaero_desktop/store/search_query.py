"""A parsed search (``domain/search_syntax.py``) as FTS5 MATCH expressions.

Every term reaches FTS5 as a double-quoted string (a quote inside is doubled), so nothing a
user types can be read as FTS5 syntax: the operators, brackets and column filters in the
expression are only the ones written here. Groups are joined with an explicit AND (FTS5
refuses an implicit AND after a closing bracket).
"""

from __future__ import annotations

from dataclasses import dataclass

from quaero_desktop.domain.inflections import inflections
from quaero_desktop.domain.search_syntax import SearchQuery, Term, parse_query


@dataclass(frozen=True)
class FtsQuery:
    match: str | None  # the words as typed (whole words, prefixes); None when the query has no full-text terms
    exact: str | None  # the same with every prefix made a whole word (ranks those hits first); None without prefixes
    excluded: str | None  # documents matching this, in any inflection, are left out
    inflected: str | None = None  # every word also in its inflected forms; None when no word has any

    @property
    def broadest(self) -> str | None:
        """What a document must match to be found (``inflected`` when there is one, else ``match``)."""
        return self.inflected or self.match


def to_fts(query: SearchQuery) -> FtsQuery:
    positive = _all_of(query.clauses, exact=False)
    exact = _all_of(query.clauses, exact=True) if query.has_prefix else None
    inflected = _all_of(query.clauses, exact=False, inflected=True)
    excluded = " OR ".join(_term(term, exact=False, inflected=True) for term in query.excluded) or None
    return FtsQuery(
        match=positive, exact=exact, excluded=excluded, inflected=inflected if inflected != positive else None
    )


def to_fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """One MATCH expression for ``text`` (exclusions included when there is something to match)."""
    fts = to_fts(parse_query(text, as_you_type=prefix_last))
    if fts.match is None:
        return None
    return fts.match if fts.excluded is None else f"({fts.match}) NOT ({fts.excluded})"


def _all_of(clauses: tuple[tuple[Term, ...], ...], *, exact: bool, inflected: bool = False) -> str | None:
    parts = []
    for clause in clauses:
        alternatives = [_term(term, exact=exact, inflected=inflected) for term in clause]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) or None


def _term(term: Term, *, exact: bool, inflected: bool = False) -> str:
    """One term as FTS5 reads it; ``inflected``: a phrase's last word (or the word) in each of its forms."""
    if inflected and not term.prefix:
        *first, last = term.words
        forms = [_quoted(" ".join([*first, form])) for form in inflections(last.lower())]
        if len(forms) > 1:
            joined = "(" + " OR ".join(forms) + ")"
            return f"title : {joined}" if term.title_only else joined
    quoted = _quoted(term.text)
    if term.prefix and not exact:
        quoted += "*"
    return f"title : {quoted}" if term.title_only else quoted


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
