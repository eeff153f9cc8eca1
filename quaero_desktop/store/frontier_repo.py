"""The crawl frontier's dedupe: which normalised URLs a job has already taken on."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from quaero_desktop.store.schema import job_left_urls, job_seen_urls
from quaero_desktop.store.upsert import placeholder

_CHUNK = 400  # well under SQLite's bound-parameter limit
# Raw SQL (the crawl's hottest statements, compiled by nobody) with the driver's parameter marker.


def claim_urls(conn: Connection, job_id: str, urls: Sequence[str], limit: int) -> list[str]:
    """Record URLs as seen for ``job_id``; return those that were new, in the given order.

    Each chunk is one atomic ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` statement, so a
    URL is claimed exactly once however many pages link to it. At most ``limit`` URLs are
    claimed (the crawl's remaining page budget); the rest are left unseen (``over_budget``).
    """
    claimed: set[str] = set()
    mark = placeholder(conn)
    ordered = list(dict.fromkeys(urls))
    position = 0
    while position < len(ordered) and len(claimed) < limit:
        size = min(_CHUNK, limit - len(claimed))
        chunk = ordered[position : position + size]
        position += size
        placeholders = ", ".join([f"({mark}, {mark})"] * len(chunk))
        params = tuple(v for url in chunk for v in (job_id, url))
        rows = conn.exec_driver_sql(
            f"INSERT INTO job_seen_urls (job_id, url) VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING url",
            params,
        )
        claimed.update(row[0] for row in rows)
    return [url for url in ordered if url in claimed]


def is_claimed(conn: Connection, job_id: str, url: str) -> bool:
    """Whether ``job_id`` has claimed ``url`` already (its primary key: one index lookup)."""
    row = conn.execute(select(job_seen_urls.c.url).where(job_seen_urls.c.job_id == job_id, job_seen_urls.c.url == url))
    return row.first() is not None


def claimed_among(conn: Connection, job_id: str, urls: Sequence[str]) -> set[str]:
    """Which of ``urls`` the job has claimed already."""
    found: set[str] = set()
    for start in range(0, len(urls), _CHUNK):
        chunk = list(urls[start : start + _CHUNK])
        rows = conn.execute(
            select(job_seen_urls.c.url).where(job_seen_urls.c.job_id == job_id, job_seen_urls.c.url.in_(chunk))
        )
        found.update(row.url for row in rows)
    return found


def over_budget(urls: Sequence[str], claimed: Sequence[str], limit: int) -> list[str]:
    """The URLs ``claim_urls`` did not even try because the budget ran out (seen or not)."""
    if len(claimed) < limit:
        return []
    ordered = list(dict.fromkeys(urls))
    last = ordered.index(claimed[-1]) if claimed else -1
    return ordered[last + 1 :]


def record_left(conn: Connection, job_id: str, urls: Sequence[str], reason: str) -> None:
    """Remember in-scope URLs the crawl leaves (``reason``: max_pages or max_depth), each once,
    unless the crawl took them on already."""
    ordered = list(dict.fromkeys(urls))
    mark = placeholder(conn)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        values = ", ".join([f"({mark})"] * len(chunk))
        conn.exec_driver_sql(
            f"WITH found(url) AS (VALUES {values}) "
            f"INSERT INTO job_left_urls (job_id, url, reason) SELECT {mark}, url, {mark} FROM found "
            f"WHERE NOT EXISTS (SELECT 1 FROM job_seen_urls s WHERE s.job_id = {mark} AND s.url = found.url) "
            "ON CONFLICT DO NOTHING",
            (*chunk, job_id, reason, job_id),
        )


def left_counts(conn: Connection, job_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per job, how many URLs it left, by reason."""
    counts: dict[str, dict[str, int]] = {}
    for start in range(0, len(job_ids), _CHUNK):
        rows = conn.execute(
            select(job_left_urls.c.job_id, job_left_urls.c.reason, func.count())
            .where(job_left_urls.c.job_id.in_(list(job_ids[start : start + _CHUNK])))
            .group_by(job_left_urls.c.job_id, job_left_urls.c.reason)
        )
        for job_id, reason, count in rows:
            counts.setdefault(job_id, {})[reason] = count
    return counts
