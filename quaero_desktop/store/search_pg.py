"""Full-text search on a PostgreSQL store: what ``search_repo`` does on SQLite, by the same rules.

``search_repo.search`` hands a PostgreSQL connection's searches here. The index is a tsvector per
document and one of its title (``search_pg_schema``, migration 0017), each with a GIN index. Ranking
keeps SQLite's tiers and weights (``search_pg_query``): one query per tier, as on SQLite, finds the
tier's documents through the GIN index and counts in each how often every phrase of the tier occurs
(``ts_rank_cd`` with weights that make it a counter: a title hit 1, a body hit 1/8); FTS5's bm25 is
worked out from those counts, the documents' lengths and the number of documents holding each phrase
(a GIN count each), weighed by 1 - link_share², and the tiers taken as ``search_repo._tiers`` takes
them, stopping once enough are found. PostgreSQL's GIN index holds no positions (FTS5's doclists do):
every match of a tier has its tsvector read, so a tier matching most of a large store costs more than
on SQLite (benchmarks/search_both_stores.py has the figures).

Orders other than relevance, filter-only queries and facets take the same documents in the same
order as on SQLite: titles compare as SQLite's NOCASE does (ASCII letters folded, then code points).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Text, cast, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder, SearchHit
from quaero_desktop.domain.search_syntax import SearchQuery
from quaero_desktop.store import document_sources_repo
from quaero_desktop.store.document_filters import conditions
from quaero_desktop.store.schema import documents
from quaero_desktop.store.search_hits import DETAIL_COLUMNS, details, hit, opening, readable_snippet
from quaero_desktop.store.search_pg_query import (
    TITLE_WEIGHT,
    Corpus,
    Expression,
    PgQuery,
    Phrase,
    any_of,
    bm25,
    phrase_tsquery,
    phrases_of,
    to_pg,
    tsquery,
)
from quaero_desktop.store.snippets_pg import folded, places, snippets

RERANK_MARGIN = 20  # as search_repo.RERANK_MARGIN
_VECTOR: ColumnElement[Any] = literal_column("documents.search_vector", TSVECTOR)
_TITLE: ColumnElement[Any] = literal_column("documents.search_title", TSVECTOR)
_LENGTH: ColumnElement[int] = literal_column("documents.search_length")
_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"


def search(
    conn: Connection,
    query: SearchQuery,
    *,
    limit: int,
    mark: tuple[str, str],
    where: DocumentFilter | None,
    include_gone: bool,
    order: DocumentOrder,
) -> list[SearchHit]:
    """``search_repo.search`` on PostgreSQL (``query`` parsed, not empty unless ``order`` lists all)."""
    pg = parse(conn, query)
    narrowed = conditions(
        where,
        DocumentFilter(
            sources=query.sources,
            excluded_sources=query.excluded_sources,
            sites=query.sites,
            excluded_sites=query.excluded_sites,
        ),
    )
    if not include_gone and (where is None or where.gone is None):
        narrowed.append(documents.c.gone_at.is_(None))
    if pg.excluded:
        narrowed.append(~_holds_any(pg.excluded))
    if not pg.broadest:
        return _filtered(conn, narrowed, limit, mark, order)
    if order != DocumentOrder.RELEVANCE:
        return _ordered(conn, pg, [*narrowed, _holds(pg.broadest)], limit, mark, order)
    return _ranked(conn, pg, narrowed, limit, mark)


def parse(conn: Connection, query: SearchQuery) -> PgQuery:
    """``query``'s tiers, its words brought to the index's lexemes by the database's own function."""
    words = sorted({word for term in (*query.positive_terms(), *query.excluded) for word in term.words})
    lexemes: dict[str, tuple[str, ...]] = {}
    if words:
        rows = conn.execute(
            select(
                literal_column("word"), func.quaero_search_text(literal_column("word")).label("lexemes")
            ).select_from(func.unnest(cast(literal(words, ARRAY(Text)), ARRAY(Text))).alias("word"))
        )
        lexemes = {str(row.word): tuple(str(row.lexemes).split()) for row in rows}
    return to_pg(query, lambda word: lexemes.get(word, ()))


def word_conditions(conn: Connection, query: SearchQuery) -> list[ColumnElement[bool]]:
    """The conditions on ``documents`` for the query's words and exclusions (for counts: ``search_facets``)."""
    pg = parse(conn, query)
    found = [_holds(pg.broadest)] if pg.broadest else []
    if pg.excluded:
        found.append(~_holds_any(pg.excluded))
    return found


def _vector_for(phrases: Iterable[Phrase]) -> ColumnElement[Any]:
    """The title's own vector when only title words are asked for (small, its own index), else the whole."""
    return _TITLE if all(phrase.title_only for phrase in phrases) else _VECTOR


def _holds(expression: Expression) -> ColumnElement[bool]:
    return _matches(_vector_for(phrases_of(expression)), tsquery(expression))


def _holds_any(phrases: Sequence[Phrase]) -> ColumnElement[bool]:
    return _matches(_vector_for(phrases), any_of(phrases))


def _matches(vector: ColumnElement[Any], query_text: str) -> ColumnElement[bool]:
    return vector.op("@@", is_comparison=True)(_tsquery(query_text))


def _tsquery(query_text: str) -> ColumnElement[Any]:
    return cast(literal(query_text, Text), TSQUERY)


@dataclass
class _Match:
    link_share: float
    length: int
    frequencies: dict[Phrase, float]


def _ranked(
    conn: Connection, pg: PgQuery, narrowed: list[ColumnElement[bool]], limit: int, mark: tuple[str, str]
) -> list[SearchHit]:
    ranked = _tiers(conn, pg, narrowed, limit)
    if not ranked:
        return []
    ids = [document_id for document_id, _ in ranked]
    marked = snippets(conn, pg.broadest, ids)
    rows = details(conn, ids)
    sources = document_sources_repo.sources_of(conn, ids)
    return [
        hit(rows[document_id], readable_snippet(marked.get(document_id, ""), mark), rank, sources.get(document_id, ()))
        for document_id, rank in ranked
        if document_id in rows
    ]


def _tiers(conn: Connection, pg: PgQuery, narrowed: list[ColumnElement[bool]], limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` (id, score) as ``search_repo._tiers`` takes them, tier by tier, one query each:
    per tier its best ``limit`` + ``RERANK_MARGIN`` by bm25, less those an earlier tier held, weighed by
    the share of link text; no further tier once ``limit`` are found."""
    wanted = limit + RERANK_MARGIN
    total, words = conn.execute(select(func.count(), func.coalesce(func.sum(_LENGTH), 0)).select_from(documents)).one()
    holding: dict[Phrase, int] = {}
    ranked: list[tuple[int, float]] = []
    seen: set[int] = set()
    for tier in pg.tiers:
        phrases = list(dict.fromkeys(phrases_of(tier)))
        holding.update(_holding(conn, [phrase for phrase in phrases if phrase not in holding]))
        corpus = Corpus(documents=int(total), mean_length=float(words) / total if total else 0.0, holding=holding)
        found = _found(conn, tier, phrases, narrowed)
        scores = [
            (document_id, bm25(tier, match.frequencies, match.length, corpus)) for document_id, match in found.items()
        ]
        top = sorted(scores, key=lambda pair: (pair[1], pair[0]))[:wanted]
        fresh = [(document_id, rank) for document_id, rank in top if document_id not in seen]
        weighed = [(document_id, rank * (1.0 - found[document_id].link_share ** 2)) for document_id, rank in fresh]
        ranked += sorted(weighed, key=lambda pair: pair[1])
        seen.update(document_id for document_id, _ in fresh)
        if len(ranked) >= limit:
            break
    return ranked[:limit]


# ts_rank_cd with these weights (D, C, B, A) and no normalisation adds 1/8 for each place a phrase occurs
# in the body, 1 in the title: 1/8 of FTS5's bm25 frequency, a title hit worth TITLE_WEIGHT (8) body hits.
_FREQUENCY_WEIGHTS: ColumnElement[Any] = literal_column("'{0.125,0.125,0.125,1}'::real[]")


def _found(
    conn: Connection, tier: Expression, phrases: list[Phrase], narrowed: list[ColumnElement[bool]]
) -> dict[int, _Match]:
    """The documents passing ``narrowed`` that match ``tier``, with how often each phrase occurs in them
    (``ts_rank_cd`` as a counter: in C, one call a phrase, no row per word)."""
    counts = [
        func.ts_rank_cd(_FREQUENCY_WEIGHTS, _vector_for([phrase]), _tsquery(phrase_tsquery(phrase)), 0).label(f"p{n}")
        for n, phrase in enumerate(phrases)
    ]
    query = select(documents.c.id, documents.c.link_share, _LENGTH.label("length"), *counts).where(
        *narrowed, _holds(tier)
    )
    found: dict[int, _Match] = {}
    for row in conn.execute(query):
        values = row._mapping
        frequencies = {phrase: float(values[f"p{n}"]) * TITLE_WEIGHT for n, phrase in enumerate(phrases)}
        found[int(row.id)] = _Match(float(row.link_share), int(row.length), frequencies)
    beyond = [
        document_id
        for document_id, match in found.items()
        if match.length > MAX_POSITION or any(count >= MAX_PLACES - 1 for count in match.frequencies.values())
    ]
    if beyond:
        _count_in_text(conn, [phrase for phrase in phrases if not phrase.title_only], {i: found[i] for i in beyond})
    return found


# A tsvector keeps a word's first 256 places in a document, and none past its 16,383rd word (later ones all
# count as that one; ts_rank_cd counts 255 of 256). Such a document's counts are made again from its text,
# as FTS5 counts them: a few of a manual's pages (20 of the Python manual's 526), each a regular
# expression's pass over its Markdown.
MAX_POSITION = 16_383
MAX_PLACES = 256


def _count_in_text(conn: Connection, phrases: list[Phrase], found: dict[int, _Match]) -> None:
    rows = conn.execute(
        select(documents.c.id, documents.c.title, documents.c.markdown).where(documents.c.id.in_(list(found)))
    )
    for row in rows:
        title, body = folded(str(row.title)), folded(str(row.markdown))
        for phrase in phrases:
            places_in_title, places_in_body = len(places(title, phrase)), len(places(body, phrase))
            found[int(row.id)].frequencies[phrase] = TITLE_WEIGHT * places_in_title + places_in_body


def _holding(conn: Connection, phrases: list[Phrase]) -> dict[Phrase, int]:
    """How many documents (every one, as FTS5 counts) hold each phrase: bm25's IDF. A count per phrase
    from its GIN index, all in one statement."""
    if not phrases:
        return {}
    counts = [
        select(func.count()).select_from(documents).where(_holds(((phrase,),))).scalar_subquery() for phrase in phrases
    ]
    held = conn.execute(select(*counts)).one()
    return {phrase: int(count) for phrase, count in zip(phrases, held, strict=True)}


def _nocase(column: ColumnElement[str]) -> ColumnElement[str]:
    """``column`` compared as SQLite's NOCASE compares: ASCII letters folded, then byte by byte."""
    return func.translate(column, _UPPER, _LOWER).collate("C")


# search_repo.ORDER_KEYS, compared as SQLite compares (byte order: the "C" collation).
ORDER_KEYS: dict[DocumentOrder, tuple[ColumnElement[Any], ...]] = {
    DocumentOrder.RELEVANCE: (documents.c.updated_at.collate("C").desc(), documents.c.id.desc()),
    DocumentOrder.NEWEST: (documents.c.updated_at.collate("C").desc(), documents.c.id.desc()),
    DocumentOrder.TITLE: (_nocase(documents.c.title), documents.c.id),
    DocumentOrder.SITE: (documents.c.host_key.collate("C"), _nocase(documents.c.title), documents.c.id),
}


def _ordered(
    conn: Connection,
    pg: PgQuery,
    narrowed: list[ColumnElement[bool]],
    limit: int,
    mark: tuple[str, str],
    order: DocumentOrder,
) -> list[SearchHit]:
    """Every document matching the words in any form (the broadest tier), in ``order``, with snippets."""
    rows = conn.execute(select(*DETAIL_COLUMNS).where(*narrowed).order_by(*ORDER_KEYS[order]).limit(limit)).all()
    ids = [int(row.id) for row in rows]
    marked = snippets(conn, pg.broadest, ids)
    sources = document_sources_repo.sources_of(conn, ids)
    return [hit(row, readable_snippet(marked.get(row.id, ""), mark), 0.0, sources.get(row.id, ())) for row in rows]


def _filtered(
    conn: Connection, narrowed: list[ColumnElement[bool]], limit: int, mark: tuple[str, str], order: DocumentOrder
) -> list[SearchHit]:
    """No terms to rank by: the documents that pass the filters and exclusions, newest change first (or in
    ``order``), the start of each as its snippet."""
    query = (
        select(*DETAIL_COLUMNS, func.substr(documents.c.markdown, 1, 400).label("opening"))
        .where(*narrowed)
        .order_by(*ORDER_KEYS[order])
        .limit(limit)
    )
    rows = conn.execute(query).all()
    sources = document_sources_repo.sources_of(conn, [row.id for row in rows])
    return [hit(row, opening(row.opening, mark), 0.0, sources.get(row.id, ())) for row in rows]
