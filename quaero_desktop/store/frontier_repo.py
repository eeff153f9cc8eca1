"""The crawl frontier's dedupe: which normalised URLs a job has already taken on."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

_CHUNK = 400  # well under SQLite's bound-parameter limit


def claim_urls(conn: Connection, job_id: str, urls: Sequence[str], limit: int) -> list[str]:
    """Record URLs as seen for ``job_id``; return those that were new, in the given order.

    Each chunk is one atomic ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` statement, so a
    URL is claimed exactly once however many pages link to it. At most ``limit`` URLs are
    claimed (the crawl's remaining page budget); the rest are left unseen.
    """
    claimed: set[str] = set()
    ordered = list(dict.fromkeys(urls))
    position = 0
    while position < len(ordered) and len(claimed) < limit:
        size = min(_CHUNK, limit - len(claimed))
        chunk = ordered[position : position + size]
        position += size
        placeholders = ", ".join(["(?, ?)"] * len(chunk))
        params = tuple(v for url in chunk for v in (job_id, url))
        rows = conn.exec_driver_sql(
            f"INSERT INTO job_seen_urls (job_id, url) VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING url",
            params,
        )
        claimed.update(row[0] for row in rows)
    return [url for url in ordered if url in claimed]
