"""How many documents a search matches per source and per site: the counts beside the Documents view's
filters. Counted from the (definition_id, document_id) and host_key indexes, never the documents' rows:
a broad query on a 100,000-document store still counts in a few tens of milliseconds."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, Connection, func, select

from quaero_desktop.domain.document import DocumentFilter, SearchFacets
from quaero_desktop.domain.search_syntax import SearchQuery, parse_query
from quaero_desktop.store.document_filters import conditions, host_of_key
from quaero_desktop.store.schema import document_sources, documents
from quaero_desktop.store.search_query import to_fts
from quaero_desktop.store.search_repo import matching_ids, without


def facets(
    conn: Connection,
    text_or_query: str | SearchQuery,
    *,
    where: DocumentFilter | None = None,
    as_you_type: bool = False,
    include_gone: bool = False,
) -> SearchFacets:
    """The counts for ``text_or_query`` (in the search syntax; "" counts every document) with ``where``."""
    query = (
        text_or_query if isinstance(text_or_query, SearchQuery) else parse_query(text_or_query, as_you_type=as_you_type)
    )
    where = where or DocumentFilter()
    own = DocumentFilter(
        sources=query.sources,
        excluded_sources=query.excluded_sources,
        sites=query.sites,
        excluded_sites=query.excluded_sites,
    )
    words: list[ColumnElement[bool]] = []
    if conn.dialect.name == "postgresql":
        from quaero_desktop.store import search_pg  # its column types load SQLAlchemy's PostgreSQL dialect

        words.extend(search_pg.word_conditions(conn, query))
    elif not query.is_empty:
        fts = to_fts(query)
        if fts.broadest is not None:
            words.append(documents.c.id.in_(matching_ids(without(fts.broadest, fts.excluded), "facet_fts")))
        elif fts.excluded is not None:
            words.append(documents.c.id.not_in(matching_ids(fts.excluded, "facet_excluded")))
    if not include_gone and where.gone is None:
        # By the (small) set of gone ids, from its partial index: "gone_at IS NULL" read every row's end.
        gone = select(documents.c.id).where(documents.c.gone_at.is_not(None))
        words.append(documents.c.id.not_in(gone))

    every = [*words, *conditions(where, own)]
    total = conn.execute(select(func.count()).select_from(documents).where(*every)).scalar_one()

    any_source = [*words, *conditions(replace(where, sources=()), replace(own, sources=()))]
    by_source = (
        select(document_sources.c.definition_id, func.count().label("n"))
        .where(document_sources.c.document_id.in_(select(documents.c.id).where(*any_source)))
        .group_by(document_sources.c.definition_id)
    )
    any_site = [*words, *conditions(replace(where, sites=()), replace(own, sites=()))]
    by_site = (
        select(documents.c.host_key, func.count().label("n"))
        .where(documents.c.host_key != "", *any_site)
        .group_by(documents.c.host_key)
    )
    sources = [(str(row.definition_id), int(row.n)) for row in conn.execute(by_source)]
    sites = [(host_of_key(row.host_key), int(row.n)) for row in conn.execute(by_site)]
    return SearchFacets(
        total=int(total),
        sources=tuple(sorted(sources, key=lambda item: (-item[1], item[0]))),
        sites=tuple(sorted(sites, key=lambda item: (-item[1], item[0]))),
    )
