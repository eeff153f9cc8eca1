"""The pages a crawl adds: its page budget (``max_pages``) and the claiming of newly found links.

Only touched inside transactions on the database thread, so it never races.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from quaero_desktop.domain.job import StoppedBy
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.store import frontier_repo, pages_repo


class ChildBudget:
    """How many more children a crawl may create (``max_pages``) and their sequence numbers.

    Only touched inside transactions on the database thread, so it never races.
    """

    def __init__(self, parent_id: str, *, max_pages: int, created: int, last_seq: int) -> None:
        self.parent_id = parent_id
        self.max_pages = max_pages
        self.created = created
        self.last_seq = last_seq

    def sync(self, conn: Connection) -> None:
        """Bring the counts up to date in ``conn``'s transaction before planning. Here a no-op: in a
        run of one process the budget is its own; a team crawl's is shared (engine/team/shared_budget.py)."""

    @property
    def remaining(self) -> int:
        return max(0, self.max_pages - self.created)

    def plan(self, urls: list[str], depth: int) -> list[tuple[str, str, int, int]]:
        """(child_id, url, depth, seq) rows for ``urls``; call ``apply`` once they are written."""
        return [
            (f"{self.parent_id}-{self.last_seq + i:06d}", url, depth, self.last_seq + i)
            for i, url in enumerate(urls, start=1)
        ]

    def apply(self, rows: list[tuple[str, str, int, int]]) -> None:
        self.created += len(rows)
        if rows:
            self.last_seq = rows[-1][3]


def enqueue_urls(
    conn: Connection,
    budget: ChildBudget,
    urls: list[str],
    depth: int,
    now: datetime,
    *,
    found_on: str | None = None,
) -> list[FrontierEntry]:
    """Claim ``urls`` in the frontier (atomic insert-or-ignore) and create a child for each new one,
    found on the page ``found_on``; URLs the page budget (max_pages) has no room for are recorded as left."""
    budget.sync(conn)
    limit = budget.remaining
    claimed = frontier_repo.claim_urls(conn, budget.parent_id, urls, limit)
    left = frontier_repo.over_budget(urls, claimed, limit)
    if left:
        frontier_repo.record_left(conn, budget.parent_id, left, StoppedBy.MAX_PAGES)
    rows = budget.plan(claimed, depth)
    pages_repo.add_children(conn, budget.parent_id, rows, now, found_on=found_on)
    budget.apply(rows)
    return [FrontierEntry(child_id=child_id, url=url, depth=d) for child_id, url, d, _ in rows]
