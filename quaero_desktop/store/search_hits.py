"""What a search hit shows, for both stores' searches (``search_repo`` on SQLite, ``search_pg`` on
PostgreSQL): the document's details and its snippet as readable text."""

from __future__ import annotations

import re

from sqlalchemy import Connection, false, select

from quaero_desktop.domain.document import SearchHit
from quaero_desktop.store.schema import ResultRow, documents
from quaero_desktop.store.snippets import MARK_END, MARK_START, readable

_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\)|(?=…)|$)")  # also a target the snippet cut short

DETAIL_COLUMNS = (
    documents.c.id,
    documents.c.url,
    documents.c.title,
    documents.c.job_id,
    documents.c.definition_id,
    documents.c.last_crawled_at,
    documents.c.gone_at,
)


def details(conn: Connection, ids: list[int]) -> dict[int, ResultRow]:
    rows = conn.execute(select(*DETAIL_COLUMNS).where(documents.c.id.in_(ids) if ids else false()))
    return {int(row.id): row for row in rows}


def hit(row: ResultRow, snippet: str, rank: float, sources: tuple[str, ...]) -> SearchHit:
    return SearchHit(
        id=row.id,
        url=row.url,
        title=row.title,
        snippet=snippet,
        rank=rank,
        job_id=row.job_id,
        definition_id=row.definition_id,
        last_crawled_at=row.last_crawled_at,
        gone=row.gone_at is not None,
        sources=sources,
    )


def opening(snippet: str, mark: tuple[str, str]) -> str:
    """The start of a document as a hit's snippet (a search with nothing to mark)."""
    text_ = readable_snippet(snippet, mark)
    return text_[:200] + ("…" if len(text_) > 200 else "")


def readable_snippet(snippet: str, mark: tuple[str, str]) -> str:
    """A snippet as text: link targets, heading and list markers, emphasis and table pipes removed."""
    text_ = _LINK_TARGET.sub("]", snippet)
    text_ = readable(text_).replace("[", "").replace("]", "")
    text_ = " ".join(text_.split())
    return text_.replace(MARK_START, mark[0]).replace(MARK_END, mark[1])
