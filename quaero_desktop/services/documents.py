"""Reading, searching and exporting stored documents."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from quaero_desktop.domain.document import (
    Document,
    DocumentFilter,
    DocumentOrder,
    DocumentSummary,
    SearchFacets,
    SearchHit,
)
from quaero_desktop.domain.errors import NotFoundError
from quaero_desktop.services.export_formats import ExportFormat
from quaero_desktop.store import aliases_repo, document_sources_repo, documents_repo, search_facets, search_repo
from quaero_desktop.store.database import Database

if TYPE_CHECKING:
    from quaero_desktop.services.document_export import ExportResult


class DocumentsService:
    # Signatures below the ``list`` method say ``builtins.list``: in the class body, ``list`` is that method.

    def __init__(self, database: Database) -> None:
        self._database = database

    def list(
        self,
        *,
        job_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        where: DocumentFilter | None = None,
        newest_first: bool = False,
    ) -> list[DocumentSummary]:
        with self._database.read() as conn:
            summaries = documents_repo.list_summaries(
                conn, job_id=job_id, limit=limit, offset=offset, where=where, newest_first=newest_first
            )
            ids = [summary.id for summary in summaries]
            aliases = aliases_repo.aliases_of(conn, ids)
            sources = document_sources_repo.sources_of(conn, ids)
        return [
            replace(summary, aliases=aliases.get(summary.id, ()), sources=sources.get(summary.id, ()))
            for summary in summaries
        ]

    def count(self, *, job_id: str | None = None, where: DocumentFilter | None = None) -> int:
        with self._database.read() as conn:
            return documents_repo.count(conn, job_id=job_id, where=where)

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        mark: tuple[str, str] = ("[", "]"),
        where: DocumentFilter | None = None,
        as_you_type: bool = False,
        order: DocumentOrder = DocumentOrder.RELEVANCE,
    ) -> builtins.list[SearchHit]:
        """Hits for ``text`` in the search syntax (``domain/search_syntax.py``), best first (or the first
        ``limit`` of every match in another ``order``: newest, by title, by site).

        ``as_you_type``: the last word is still being typed, so it also matches as a prefix
        (the window); the command line and MCP search whole words unless a word ends in ``*``.
        """
        with self._database.read() as conn:
            hits = search_repo.search(
                conn, text, limit=limit, mark=mark, where=where, as_you_type=as_you_type, order=order
            )
            aliases = aliases_repo.aliases_of(conn, [hit.id for hit in hits])
        return [replace(hit, aliases=aliases[hit.id]) if hit.id in aliases else hit for hit in hits]

    def facets(self, text: str, *, where: DocumentFilter | None = None, as_you_type: bool = False) -> SearchFacets:
        """How many documents ``text`` matches with ``where``, per source and per site (the filters' counts)."""
        with self._database.read() as conn:
            return search_facets.facets(conn, text, where=where, as_you_type=as_you_type)

    def get(self, document_id: int) -> Document:
        with self._database.read() as conn:
            document = aliases_repo.with_aliases(conn, documents_repo.get(conn, document_id))
        if document is None:
            raise NotFoundError(f"no document with id {document_id} (see: documents list)")
        return document

    def get_by_url(self, url: str) -> Document:
        """The document stored under ``url``, or the one ``url`` is an alias of (it showed its text)."""
        with self._database.read() as conn:
            document = documents_repo.get_by_url(conn, url)
            if document is None and (aliased := aliases_repo.document_of(conn, url)) is not None:
                document = documents_repo.get(conn, aliased)
            document = aliases_repo.with_aliases(conn, document)
        if document is None:
            raise NotFoundError(f"no document with the URL {url} (see: documents list)")
        return document

    def aliases_met(self, job_id: str) -> dict[str, str]:
        """{alias URL: its document's URL} for the pages the crawl ``job_id`` found showing a stored document's text."""
        with self._database.read() as conn:
            return aliases_repo.met_by_job(conn, job_id)

    def sites(self) -> builtins.list[tuple[str, int]]:
        """Every host with documents and how many, most first."""
        with self._database.read() as conn:
            return documents_repo.sites(conn)

    def export(
        self,
        directory: str | Path,
        *,
        ids: Sequence[int] | None = None,
        fmt: ExportFormat = "markdown",
        where: DocumentFilter | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> ExportResult:
        """Export the documents passing ``where`` (and in ``ids``, when given): see ``document_export``."""
        # Imported here: the exports' file naming (pathvalidate) is not needed to list or search.
        from quaero_desktop.services.document_export import export_documents

        if ids is not None:
            where = DocumentFilter(ids=tuple(ids)) if where is None else _with_ids(where, ids)
        return export_documents(self._database, directory, fmt=fmt, where=where, progress=progress, cancelled=cancelled)


def _with_ids(where: DocumentFilter, ids: Sequence[int]) -> DocumentFilter:
    chosen = set(ids) if where.ids is None else set(ids) & set(where.ids)
    return replace(where, ids=tuple(sorted(chosen)))
