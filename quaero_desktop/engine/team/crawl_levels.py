"""Which of a team crawl's pages are on the page queue: breadth-first, level by level, as in one process.

In one process the frontier hands out a page of depth d+1 only once every page of depth d has finished
(engine/run/frontier.py), so a URL linked from several pages keeps its shortest depth and ``max_depth``
cuts where a breadth-first walk would. Across workers the queue holds only the open level: the pages
of the lowest depth still pending or running. Each page, once recorded, calls ``queue_open_level`` in
a transaction of its own; the page that finishes a level finds the next one open and queues its pages;
the page that finishes the last one finds nothing open: the crawl is over. The call is idempotent (a
page queued is marked in ``team_queued_pages``), so a worker killed between a page's transaction and
this one leaves nothing behind: the page's queue job runs again, finds its page recorded and calls it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from quaero_desktop.engine.run.politeness import origin_of
from quaero_desktop.engine.team.page_queue import PageTask, defer_pages
from quaero_desktop.store import team_crawls_repo


@dataclass(frozen=True)
class LevelStep:
    queued: int  # pages put on the queue by this call
    depth: int | None  # the open level; None: no page is left, the crawl is over


def page_lock(job_id: str, url: str, seq: int, per_host: int) -> str:
    """The queue lock of a page: its host's pages spread over ``per_host`` locks, so at most that many of
    them are fetched at once, by all workers together."""
    return f"{job_id}:{origin_of(url)}:{seq % max(1, per_host)}"


def queue_open_level(conn: Connection, job_id: str, *, per_host: int) -> LevelStep:
    """Queue the pages of the crawl's open level not queued yet (in ``conn``'s transaction)."""
    team_crawls_repo.lock_crawl(conn, job_id)  # one worker at a time decides what is queued
    depth = team_crawls_repo.open_level(conn, job_id)
    if depth is None:
        return LevelStep(0, None)
    waiting = team_crawls_repo.unqueued_pages(conn, job_id, depth)
    team_crawls_repo.mark_queued(conn, [page.child_id for page in waiting])
    defer_pages(
        conn, [PageTask(job_id, page.child_id, page_lock(job_id, page.url, page.seq, per_host)) for page in waiting]
    )
    return LevelStep(len(waiting), depth)
