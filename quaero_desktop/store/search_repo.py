"""Full-text search over the documents: ranked hits with highlighted snippets.

Ranking, best first, in tiers: documents that match every term as typed before those that only
match through a prefix (``5*`` also finds ``51``: the exact ``5`` comes first), before those that
match only through other forms of a word (``generators`` for ``generator``); in each, documents
with every term in their title first; then bm25 with a title match worth eight body matches,
weighed down for pages that are mostly links (indexes rank below the pages they point to).
The ranked ids are found first and the snippets made for those rows only (``snippets.py``: in
time linear in the text, unlike FTS5's ``snippet()``). Numbers behind these choices:
docs/architecture.md, "Search".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, literal_column, select, text

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder, SearchHit
from quaero_desktop.domain.search_syntax import SearchQuery, parse_query
from quaero_desktop.store import document_sources_repo
from quaero_desktop.store.document_filters import conditions, id_conditions
from quaero_desktop.store.schema import documents
from quaero_desktop.store.search_hits import DETAIL_COLUMNS, details, hit, opening, readable_snippet
from quaero_desktop.store.search_query import FtsQuery, to_fts
from quaero_desktop.store.snippets import snippets

TITLE_WEIGHT = 8.0  # bm25 weight of the title column (the body's is 1)
RERANK_MARGIN = 20  # candidates beyond the limit per tier, so the links' weight can reorder them
_RANK: ColumnElement[float] = literal_column(f"bm25(documents_fts, {TITLE_WEIGHT}, 1.0)")
_FTS_ROWID: ColumnElement[int] = literal_column("documents_fts.rowid")
# The rowid as filters see it: the unary + keeps SQLite from handing an id set to FTS5 as rowid lookups.
_FILTERED_ROWID: ColumnElement[int] = literal_column("+documents_fts.rowid")


def search(
    conn: Connection,
    text_or_query: str | SearchQuery,
    *,
    limit: int = 20,
    mark: tuple[str, str] = ("[", "]"),
    where: DocumentFilter | None = None,
    as_you_type: bool = False,
    include_gone: bool = False,
    order: DocumentOrder = DocumentOrder.RELEVANCE,
) -> list[SearchHit]:
    """Ranked hits (best first) with a snippet around the matched words, marked with ``mark``; in another
    ``order``, the first ``limit`` of every match in that order (newest, by title, by site).

    A query with only filters or exclusions (``site:example.com``, ``-draft``) lists the
    matching documents, most recently changed first, with the start of each as its snippet.
    Documents whose page is gone are left out unless ``where`` asks for them (``gone=True`` or
    ``gone=None`` given explicitly through ``include_gone``).
    """
    query = (
        text_or_query if isinstance(text_or_query, SearchQuery) else parse_query(text_or_query, as_you_type=as_you_type)
    )
    if query.is_empty and order == DocumentOrder.RELEVANCE:
        return []  # nothing to rank by (another order lists every document in it)
    if conn.dialect.name == "postgresql":
        from quaero_desktop.store import search_pg  # its column types load SQLAlchemy's PostgreSQL dialect

        return search_pg.search(
            conn, query, limit=limit, mark=mark, where=where, include_gone=include_gone, order=order
        )
    fts = to_fts(query)
    own_filter = DocumentFilter(
        sources=query.sources,
        excluded_sources=query.excluded_sources,
        sites=query.sites,
        excluded_sites=query.excluded_sites,
    )
    leave_out_gone = not include_gone and (where is None or where.gone is None)
    if fts.match is None or order != DocumentOrder.RELEVANCE:
        narrowed = conditions(where, own_filter)
        if leave_out_gone:
            narrowed.append(documents.c.gone_at.is_(None))
        if fts.match is None:
            return _filtered(conn, fts, narrowed, limit, mark, order)
        return _ordered(conn, fts, narrowed, limit, mark, order)
    return _ranked(conn, fts, id_conditions(_FILTERED_ROWID, where, own_filter), limit, mark, leave_out_gone)


def _ranked(
    conn: Connection,
    fts: FtsQuery,
    narrowed: list[ColumnElement[bool]],  # on _FILTERED_ROWID
    limit: int,
    mark: tuple[str, str],
    leave_out_gone: bool,
) -> list[SearchHit]:
    assert fts.broadest is not None
    match = without(fts.broadest, fts.excluded)
    ranked = _tiers(conn, fts, narrowed, limit, leave_out_gone)
    if not ranked:
        return []
    ids = [document_id for document_id, _ in ranked]
    found = snippets(conn, match, ids)
    rows = details(conn, ids)
    sources = document_sources_repo.sources_of(conn, ids)
    return [
        hit(
            rows[document_id],
            readable_snippet(found.get(document_id, ""), mark),
            rank,
            sources.get(document_id, ()),
        )
        for document_id, rank in ranked
        if document_id in rows
    ]


def _tiers(
    conn: Connection, fts: FtsQuery, narrowed: list[ColumnElement[bool]], limit: int, leave_out_gone: bool
) -> list[tuple[int, float]]:
    """The best ``limit`` (id, score), tier by tier: the words as typed before their other forms (exact
    before prefix before inflected: "generator" before "generators"), and in each, the documents with
    every term in their title first. Within a tier, bm25 weighed down by the share of link text."""
    assert fts.match is not None
    typed = [fts.exact, fts.match] if fts.exact is not None else [fts.match]
    tiers = [f"title : ({typed[0]})", *typed]
    if fts.inflected is not None:
        tiers += [f"title : ({fts.inflected})", fts.inflected]
    wanted = limit + RERANK_MARGIN
    ranked: list[tuple[int, float]] = []
    seen: set[int] = set()
    for tier in tiers:
        top = _top(conn, without(tier, fts.excluded), narrowed, wanted, leave_out_gone)
        found = [(document_id, rank) for document_id, rank in top if document_id not in seen]
        ranked += _weighed_by_links(conn, found)
        seen.update(document_id for document_id, _ in found)
        if len(ranked) >= limit:
            break
    return ranked[:limit]


def _weighed_by_links(conn: Connection, found: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """``found`` ordered by bm25 (negative: lower is better) times 1 - link share squared: a page of
    links (an index, a table of contents) sinks below the pages it points to; some links cost little."""
    if not found:
        return []
    query = select(documents.c.id, documents.c.link_share).where(documents.c.id.in_([i for i, _ in found]))
    shares = {int(row.id): float(row.link_share) for row in conn.execute(query)}
    weighed = [(document_id, rank * (1.0 - shares.get(document_id, 0.0) ** 2)) for document_id, rank in found]
    return sorted(weighed, key=lambda pair: pair[1])


def without(match: str, excluded: str | None) -> str:
    return match if excluded is None else f"({match}) NOT ({excluded})"


def _top(
    conn: Connection, match: str, narrowed: list[ColumnElement[bool]], limit: int, leave_out_gone: bool
) -> list[tuple[int, float]]:
    """The best ``limit`` (id, bm25) for ``match`` among the documents passing ``narrowed``.

    Only the FTS table is read: joining ``documents`` would read every matching row (its text
    included) before the sort. The filters are id sets (``document_filters.id_conditions``); the unary
    ``+`` keeps SQLite from handing a set to FTS5 as rowid lookups (one index seek per id: measured 70
    times slower).
    Gone documents are left out by the (small) set of gone ids, read from a partial index, rather
    than by a set of every other id.
    """
    query = (
        select(_FTS_ROWID.label("id"), _RANK.label("rank"))
        .select_from(text("documents_fts"))
        .where(text("documents_fts MATCH :match").bindparams(match=match))
        .order_by(literal_column("rank"))
        .limit(limit)
    )
    if narrowed:
        query = query.where(*narrowed)
    if leave_out_gone:
        gone = select(documents.c.id).where(documents.c.gone_at.is_not(None))
        query = query.where(_FILTERED_ROWID.not_in(gone))
    return [(int(row.id), float(row.rank)) for row in conn.execute(query)]


def _ordered(
    conn: Connection,
    fts: FtsQuery,
    narrowed: list[ColumnElement[bool]],
    limit: int,
    mark: tuple[str, str],
    order: DocumentOrder,
) -> list[SearchHit]:
    """Every document matching the words in any form (the broadest tier), in ``order``, with snippets."""
    assert fts.broadest is not None
    match = without(fts.broadest, fts.excluded)
    query = (
        select(*DETAIL_COLUMNS)
        .where(documents.c.id.in_(matching_ids(match, "ordered_fts")), *narrowed)
        .order_by(*ORDER_KEYS[order])
        .limit(limit)
    )
    rows = conn.execute(query).all()
    ids = [row.id for row in rows]
    found = snippets(conn, match, ids)
    sources = document_sources_repo.sources_of(conn, ids)
    return [hit(row, readable_snippet(found.get(row.id, ""), mark), 0.0, sources.get(row.id, ())) for row in rows]


# Each order's sort keys on ``documents`` (relevance without words to rank by: newest first). Titles and
# hosts compare without case; the id settles ties, so pages of one order never overlap.
ORDER_KEYS: dict[DocumentOrder, tuple[ColumnElement[Any], ...]] = {
    DocumentOrder.RELEVANCE: (documents.c.updated_at.desc(), documents.c.id.desc()),
    DocumentOrder.NEWEST: (documents.c.updated_at.desc(), documents.c.id.desc()),
    DocumentOrder.TITLE: (documents.c.title.collate("NOCASE"), documents.c.id),
    DocumentOrder.SITE: (documents.c.host_key, documents.c.title.collate("NOCASE"), documents.c.id),
}


def _filtered(
    conn: Connection,
    fts: FtsQuery,
    narrowed: list[ColumnElement[bool]],
    limit: int,
    mark: tuple[str, str],
    order: DocumentOrder = DocumentOrder.RELEVANCE,
) -> list[SearchHit]:
    """No terms to rank by: the documents that pass the filters (and exclusions), newest change first (or
    in ``order``)."""
    if fts.excluded is not None:
        narrowed = [*narrowed, documents.c.id.not_in(matching_ids(fts.excluded, "excluded_fts"))]
    query = (
        select(*DETAIL_COLUMNS, func.substr(documents.c.markdown, 1, 400).label("opening"))
        .where(*narrowed)
        .order_by(*ORDER_KEYS[order])
        .limit(limit)
    )
    rows = conn.execute(query).all()
    sources = document_sources_repo.sources_of(conn, [row.id for row in rows])
    hits = []
    for row in rows:
        hits.append(hit(row, opening(row.opening, mark), 0.0, sources.get(row.id, ())))
    return hits


def matching_ids(match: str, name: str) -> Select[tuple[int]]:
    """The ids of the documents matching ``match`` (FTS5's table-valued form: no clash with an outer MATCH)."""
    return select(literal_column("rowid")).select_from(text(f"documents_fts(:{name})").bindparams(**{name: match}))
