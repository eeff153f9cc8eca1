"""Full-text search on a PostgreSQL store: what ``search_repo`` does on SQLite, by the same rules.

``search_repo.search`` hands a PostgreSQL connection's searches here. The index is a tsvector per
document (``search_pg_schema``, migration 0017) with a GIN index. Ranking keeps SQLite's tiers and
weights (``search_pg_query``): the documents matching the broadest tier are found through the GIN
index, with the positions their tsvector holds for the query's words only (``unnest`` filtered to
them); their tiers and FTS5's bm25 are worked out from those positions, weighed by 1 - link_share²,
tier by tier as ``search_repo._tiers`` takes them. PostgreSQL's GIN index holds no positions (FTS5's
doclists do), so every match's tsvector is read: a query matching most of a large store costs more
than on SQLite (benchmarks/search_both_stores.py has the figures).

Orders other than relevance, filter-only queries and facets take the same documents in the same
order as on SQLite: titles compare as SQLite's NOCASE does (ASCII letters folded, then code points).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Text, cast, func, literal, literal_column, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder, SearchHit
from quaero_desktop.domain.search_syntax import SearchQuery
from quaero_desktop.store import document_sources_repo
from quaero_desktop.store.document_filters import conditions
from quaero_desktop.store.schema import documents
from quaero_desktop.store.search_hits import DETAIL_COLUMNS, details, hit, opening, readable_snippet
from quaero_desktop.store.search_pg_query import (
    Corpus,
    Expression,
    PgQuery,
    any_of,
    bm25,
    matches,
    phrase_tsquery,
    to_pg,
    tsquery,
)
from quaero_desktop.store.snippets_pg import snippets

RERANK_MARGIN = 20  # as search_repo.RERANK_MARGIN
_VECTOR: ColumnElement[Any] = literal_column("documents.search_vector", TSVECTOR)
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
        narrowed.append(~_holds(any_of(pg.excluded)))
    if not pg.broadest:
        return _filtered(conn, narrowed, limit, mark, order)
    narrowed.append(_holds(tsquery(pg.broadest)))
    if order != DocumentOrder.RELEVANCE:
        return _ordered(conn, pg, narrowed, limit, mark, order)
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
    found = [_holds(tsquery(pg.broadest))] if pg.broadest else []
    if pg.excluded:
        found.append(~_holds(any_of(pg.excluded)))
    return found


def _holds(query_text: str) -> ColumnElement[bool]:
    return _VECTOR.op("@@", is_comparison=True)(cast(literal(query_text, Text), TSQUERY))


@dataclass
class _Match:
    link_share: float
    length: int
    positions: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def _ranked(
    conn: Connection, pg: PgQuery, narrowed: list[ColumnElement[bool]], limit: int, mark: tuple[str, str]
) -> list[SearchHit]:
    found = _matches(conn, pg, narrowed)
    if not found:
        return []
    ranked = _tiers(pg, found, _corpus(conn, pg), limit)
    ids = [document_id for document_id, _ in ranked]
    marked = snippets(conn, pg.broadest, ids)
    rows = details(conn, ids)
    sources = document_sources_repo.sources_of(conn, ids)
    return [
        hit(rows[document_id], readable_snippet(marked.get(document_id, ""), mark), rank, sources.get(document_id, ()))
        for document_id, rank in ranked
        if document_id in rows
    ]


def _matches(conn: Connection, pg: PgQuery, narrowed: list[ColumnElement[bool]]) -> dict[int, _Match]:
    """Every document passing ``narrowed`` (the broadest tier among them), with the positions of the
    query's words in it — only those: ``unnest`` of the tsvector, filtered."""
    words, prefixes = pg.lexemes()
    held = func.unnest(_VECTOR).table_valued("lexeme", "positions", "weights").lateral("held")
    wanted = [held.c.lexeme.in_(words), *(func.starts_with(held.c.lexeme, prefix) for prefix in prefixes)]
    query = (
        select(
            documents.c.id,
            documents.c.link_share,
            _LENGTH.label("length"),
            held.c.lexeme,
            held.c.positions,
            held.c.weights,
        )
        .select_from(documents.join(held, true()))
        .where(*narrowed, or_(*wanted))
    )
    found: dict[int, _Match] = {}
    for row in conn.execute(query):
        match = found.setdefault(int(row.id), _Match(float(row.link_share), int(row.length)))
        match.positions[str(row.lexeme)] = list(zip(row.positions or (), row.weights or (), strict=True))
    return found


def _corpus(conn: Connection, pg: PgQuery) -> Corpus:
    """How many documents there are (every one, as FTS5 counts), their mean length, and per phrase of
    the query how many hold it: bm25's IDF."""
    total, words = conn.execute(select(func.count(), func.coalesce(func.sum(_LENGTH), 0)).select_from(documents)).one()
    phrases = pg.phrases()
    counts = [func.count().filter(_holds(phrase_tsquery(phrase))) for phrase in phrases]
    held = conn.execute(select(*counts).select_from(documents).where(_holds(any_of(phrases)))).one()
    return Corpus(
        documents=int(total),
        mean_length=float(words) / total if total else 0.0,
        holding={phrase: int(count) for phrase, count in zip(phrases, held, strict=True)},
    )


def _tiers(pg: PgQuery, found: dict[int, _Match], corpus: Corpus, limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` (id, score) as ``search_repo._tiers`` takes them: per tier its best ``limit`` +
    ``RERANK_MARGIN`` by bm25, less those an earlier tier held, weighed by the share of link text."""
    wanted = limit + RERANK_MARGIN
    ranked: list[tuple[int, float]] = []
    seen: set[int] = set()
    for tier in pg.tiers:
        top = sorted(_scores(tier, found, corpus), key=lambda pair: (pair[1], pair[0]))[:wanted]
        fresh = [(document_id, rank) for document_id, rank in top if document_id not in seen]
        weighed = [(document_id, rank * (1.0 - found[document_id].link_share ** 2)) for document_id, rank in fresh]
        ranked += sorted(weighed, key=lambda pair: pair[1])
        seen.update(document_id for document_id, _ in fresh)
        if len(ranked) >= limit:
            break
    return ranked[:limit]


def _scores(tier: Expression, found: dict[int, _Match], corpus: Corpus) -> list[tuple[int, float]]:
    return [
        (document_id, bm25(tier, match.positions, match.length, corpus))
        for document_id, match in found.items()
        if matches(tier, match.positions)
    ]


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
