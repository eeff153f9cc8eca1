"""A parsed search (``domain/search_syntax.py``) for PostgreSQL: the tiers of ``search_query.to_fts``
as tsqueries, and the same expressions read against a document's positions in Python.

The tiers are those of SQLite, built by the same rules (``to_fts`` and ``search_repo._tiers``): the
words as typed in the title, as typed anywhere, (with prefixes) the prefixes anywhere, then every
word's inflections in the title and anywhere. Every lexeme reaches PostgreSQL quoted inside a
``tsquery`` literal, so nothing typed is read as tsquery syntax.

The base score is FTS5's bm25 itself (k1 1.2, b 0.75, a title hit worth ``TITLE_WEIGHT`` body hits,
IDF over every document, the document's length in words), worked out here from how often each phrase
occurs in a document (``search_pg`` counts them in the tsvector). PostgreSQL's own ``ts_rank`` and
``ts_rank_cd`` know nothing of how rare a word is (no IDF): a rare word and a common one would weigh
the same, and rankings would part from SQLite's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from quaero_desktop.domain.inflections import inflections
from quaero_desktop.domain.search_syntax import SearchQuery, Term

TITLE_WEIGHT = 8.0  # as search_repo.TITLE_WEIGHT: bm25's weight of a title hit (a body hit's is 1)
K1, B = 1.2, 0.75  # FTS5's bm25 constants


@dataclass(frozen=True)
class Phrase:
    """Lexemes in a row (one word, or a phrase); the last may be a prefix; in any column or the title."""

    lexemes: tuple[str, ...]
    prefix: bool = False
    title_only: bool = False


# Every clause must match; a clause matches when any of its phrases does.
Expression = tuple[tuple[Phrase, ...], ...]


@dataclass(frozen=True)
class PgQuery:
    tiers: tuple[Expression, ...]  # best first; a document belongs to the first it matches
    broadest: Expression  # what a document must match to be found
    excluded: tuple[Phrase, ...]  # documents matching any of these are left out

    def phrases(self) -> list[Phrase]:
        """Every phrase of every tier once (each needs its count of documents, for bm25's IDF)."""
        return list(dict.fromkeys(phrase for tier in self.tiers for phrase in phrases_of(tier)))


def to_pg(query: SearchQuery, lexemes_of: Callable[[str], tuple[str, ...]]) -> PgQuery:
    """``query``'s tiers (none without full-text terms); ``lexemes_of`` brings a typed word to the
    lexemes the index holds (the database's own ``quaero_search_text``)."""

    def phrase(term: Term, *, exact: bool = False, last: str | None = None) -> Phrase:
        lexemes = tuple(lexeme for word in term.words for lexeme in lexemes_of(word)) or tuple(
            word.lower() for word in term.words
        )
        if last is not None:
            lexemes = (*lexemes[:-1], last)
        return Phrase(lexemes, prefix=term.prefix and not exact and last is None, title_only=term.title_only)

    def inflected(term: Term) -> tuple[Phrase, ...]:
        typed = phrase(term)
        if term.prefix:
            return (typed,)
        forms = inflections(typed.lexemes[-1])
        return tuple(phrase(term, last=form) for form in forms) if len(forms) > 1 else (typed,)

    excluded = tuple(form for term in query.excluded for form in inflected(term))
    if not query.clauses:
        return PgQuery(tiers=(), broadest=(), excluded=excluded)
    match: Expression = tuple(tuple(phrase(term) for term in clause) for clause in query.clauses)
    typed = [match]
    if query.has_prefix:
        typed.insert(0, tuple(tuple(phrase(term, exact=True) for term in clause) for clause in query.clauses))
    tiers = [_in_title(typed[0]), *typed]
    broadest = match
    every_form: Expression = tuple(
        tuple(form for term in clause for form in inflected(term)) for clause in query.clauses
    )
    if every_form != match:
        tiers += [_in_title(every_form), every_form]
        broadest = every_form
    return PgQuery(tiers=tuple(tiers), broadest=broadest, excluded=excluded)


def _in_title(expression: Expression) -> Expression:
    return tuple(tuple(replace(phrase, title_only=True) for phrase in clause) for clause in expression)


def phrases_of(expression: Expression) -> list[Phrase]:
    """Every phrase of ``expression`` in order (as often as it is written: FTS5's bm25 counts each)."""
    return [phrase for clause in expression for phrase in clause]


# ----- as PostgreSQL reads it -----


def tsquery(expression: Expression) -> str:
    """``expression`` as tsquery text: phrases with <->, alternatives with |, clauses with &."""
    return " & ".join("(" + " | ".join(phrase_tsquery(phrase) for phrase in clause) + ")" for clause in expression)


def any_of(phrases: Sequence[Phrase]) -> str:
    return " | ".join(phrase_tsquery(phrase) for phrase in phrases)


def phrase_tsquery(phrase: Phrase) -> str:
    weight = "A" if phrase.title_only else ""
    last = len(phrase.lexemes) - 1
    parts = [
        _quoted(lexeme) + (":" + ("*" if phrase.prefix and at == last else "") + weight).rstrip(":")
        for at, lexeme in enumerate(phrase.lexemes)
    ]
    return "(" + " <-> ".join(parts) + ")"


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Corpus:
    """What bm25 knows of every document: how many, their mean length, and per phrase how many hold it."""

    documents: int
    mean_length: float
    holding: Mapping[Phrase, int]

    def idf(self, phrase: Phrase) -> float:
        held = self.holding.get(phrase, 0)
        idf = math.log((0.5 + self.documents - held) / (0.5 + held))
        return idf if idf > 0 else 1e-6  # as FTS5: a word in most documents still counts a little


def bm25(expression: Expression, frequencies: Mapping[Phrase, float], length: int, corpus: Corpus) -> float:
    """FTS5's bm25 of a document for ``expression`` (negative: lower is better, as SQLite's), from how often
    each phrase occurs in it, a title hit counting ``TITLE_WEIGHT``."""
    score = 0.0
    norm = K1 * (1 - B + B * length / (corpus.mean_length or 1.0))
    for phrase in phrases_of(expression):
        frequency = frequencies.get(phrase, 0.0)
        score += corpus.idf(phrase) * (frequency * (K1 + 1)) / (frequency + norm)
    return -score
