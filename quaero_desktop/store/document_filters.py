"""A ``DocumentFilter`` as SQL conditions on the ``documents`` table.

Listing, counting, searching and exporting all narrow documents through ``conditions``; several
filters are applied by adding up their conditions (every one must hold), so a search's own
``site:``/``source:`` words and a menu's choice combine without knowing about each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, false, not_, or_

from quaero_desktop.domain.document import DocumentFilter
from quaero_desktop.store.schema import documents


def conditions(*filters: DocumentFilter | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    for document_filter in filters:
        if document_filter is not None:
            found.extend(_conditions(document_filter))
    return found


def _conditions(document_filter: DocumentFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if document_filter.sources:
        found.append(documents.c.definition_id.in_(document_filter.sources))
    if document_filter.excluded_sources:
        found.append(
            or_(
                documents.c.definition_id.is_(None),
                documents.c.definition_id.not_in(document_filter.excluded_sources),
            )
        )
    if document_filter.sites:
        found.append(or_(*(_on_site(site) for site in document_filter.sites)))
    if document_filter.excluded_sites:
        found.append(not_(or_(*(_on_site(site) for site in document_filter.excluded_sites))))
    if document_filter.job_id is not None:
        found.append(documents.c.job_id == document_filter.job_id)
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
