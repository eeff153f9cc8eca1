"""A team crawl's page budget (``max_pages``) and child numbering, shared by its workers.

In one process the budget is counted in memory (engine/run/child_budget.py): only the crawl's own
transactions touch it. Across workers each transaction that adds pages first locks the crawl's row
(``SELECT … FOR UPDATE``) and reads the counts the others left, so ``max_pages`` cuts exactly and no
two workers number a page alike.
"""

from __future__ import annotations

from sqlalchemy import Connection

from quaero_desktop.engine.run.child_budget import ChildBudget
from quaero_desktop.store import pages_repo
from quaero_desktop.store.team_crawls_repo import lock_crawl


class SharedChildBudget(ChildBudget):
    def __init__(self, parent_id: str, *, max_pages: int) -> None:
        super().__init__(parent_id, max_pages=max_pages, created=0, last_seq=0)

    def sync(self, conn: Connection) -> None:
        lock_crawl(conn, self.parent_id)
        self.created = self.last_seq = pages_repo.last_child_seq(conn, self.parent_id)
