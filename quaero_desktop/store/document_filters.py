"""A ``DocumentFilter`` as SQL conditions on the ``documents`` table.

Listing, counting, searching and exporting all narrow documents through ``conditions``; several
filters are applied by adding up their conditions (every one must hold), so a search's own
``site:``/``source:`` words and a menu's choice combine without knowing about each other.

Sources and jobs are read from ``document_sources`` (a document belongs to every source that
crawled it), the rest from ``documents``. ``id_conditions`` gives the same filters as id sets for a
column of document ids (the full-text table's rowid), each set from the table that answers it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, select

from quaero_desktop.domain.document import DocumentFilter
from quaero_desktop.store.schema import document_sources, documents


def conditions(*filters: DocumentFilter | None) -> list[ColumnElement[bool]]:
    """The filters as conditions on the ``documents`` table."""
    found: list[ColumnElement[bool]] = []
    for document_filter in filters:
        if document_filter is not None:
            found.extend(_source_conditions(documents.c.id, document_filter))
            found.extend(_conditions(document_filter))
    return found


def id_conditions(ids: ColumnElement[int], *filters: DocumentFilter | None) -> list[ColumnElement[bool]]:
    """The filters as id sets that ``ids`` must be in (or out of): the sources' from their links, the
    rest as one set of ``documents`` ids. A source filter thus reads only the (definition_id,
    document_id) key of ``document_sources``, never a row of ``documents``."""
    found: list[ColumnElement[bool]] = []
    on_documents: list[ColumnElement[bool]] = []
    for document_filter in filters:
        if document_filter is not None:
            found.extend(_source_conditions(ids, document_filter))
            on_documents.extend(_conditions(document_filter))
    if on_documents:
        found.append(ids.in_(select(documents.c.id).where(*on_documents)))
    return found


def _source_conditions(ids: ColumnElement[int], document_filter: DocumentFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if document_filter.sources:
        found.append(ids.in_(_held_by(document_filter.sources)))
    if document_filter.excluded_sources:
        found.append(ids.not_in(_held_by(document_filter.excluded_sources)))
    return found


def _held_by(sources: tuple[str, ...]) -> Select[tuple[int]]:
    """The documents any of ``sources`` holds (a range of the (definition_id, document_id) index per source)."""
    return select(document_sources.c.document_id).where(document_sources.c.definition_id.in_(sources))


def _of_job(job_id: str) -> ColumnElement[bool]:
    """Stored or kept last by the job: for its source (which another source's later crawl does not
    change), or, for a document of no source, as the document's own last job."""
    held = select(document_sources.c.document_id).where(document_sources.c.job_id == job_id)
    return or_(documents.c.job_id == job_id, documents.c.id.in_(held))


def _conditions(document_filter: DocumentFilter) -> list[ColumnElement[bool]]:
    """The conditions on ``documents`` rows (sources: see above)."""
    found: list[ColumnElement[bool]] = []
    if document_filter.sites:
        found.append(or_(*(_on_site(site) for site in document_filter.sites)))
    if document_filter.excluded_sites:
        found.append(not_(or_(*(_on_site(site) for site in document_filter.excluded_sites))))
    if document_filter.job_id is not None:
        found.append(_of_job(document_filter.job_id))
    if document_filter.changed_since is not None:
        found.append(documents.c.updated_at >= document_filter.changed_since)
    if document_filter.ids is not None:
        found.append(_id_in(document_filter.ids))
    if document_filter.gone is not None:
        found.append(documents.c.gone_at.is_not(None) if document_filter.gone else documents.c.gone_at.is_(None))
    return found


def host_key(host: str) -> str:
    """``wiki.example.com`` -> ``com.example.wiki``: a host and its subdomains sort together."""
    return ".".join(reversed(host.split("."))) if host else ""


def host_of_key(key: str) -> str:
    return ".".join(reversed(key.split("."))) if key else ""


def _on_site(site: str) -> ColumnElement[bool]:
    """The host itself or any subdomain of it (``example.com`` covers ``wiki.example.com``): one
    index range, as "." is followed by "/" in every collation SQLite uses here."""
    key = host_key(site)
    return or_(documents.c.host_key == key, and_(documents.c.host_key > key + ".", documents.c.host_key < key + "/"))


def _id_in(ids: Sequence[int]) -> ColumnElement[bool]:
    return documents.c.id.in_(list(ids)) if ids else false()
