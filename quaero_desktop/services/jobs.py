"""Jobs as the CLI and the window see them: listing, detail, pages, logs, delete.

Starting, resuming, retrying and cancelling a crawl is ``CrawlsService``'s (services/crawls.py)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence

from quaero_desktop.domain.errors import ConflictError, NotFoundError
from quaero_desktop.domain.job import ChildJob, Job, JobLogEntry
from quaero_desktop.domain.url_noise import NoiseGroup, noise_groups
from quaero_desktop.engine.ownership import owner_is_alive
from quaero_desktop.store import jobs_repo, logs_repo, page_listings_repo, pages_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.page_listings_repo import PageColumns

# for the window, which never imports the store
from quaero_desktop.store.page_listings_repo import PageListing as PageListing


class JobsService:
    # Signatures below the ``list`` method say ``builtins.list``: in the class body, ``list`` is that method.

    def __init__(self, database: Database, runs_here: Callable[[str], bool]) -> None:
        self._database = database
        self._runs_here = runs_here  # whether this process's engine runs a job (CrawlsService.runs_here)

    def list(self, *, limit: int | None = None, statuses: Sequence[str] = ()) -> list[Job]:
        with self._database.read() as conn:
            return jobs_repo.list_parents(conn, limit=limit, statuses=statuses)

    def resolve_id(self, reference: str) -> str:
        """A full job id, or a unique prefix of one."""
        with self._database.read() as conn:
            matches = jobs_repo.find_parent_ids(conn, reference)
        if reference in matches:
            return reference
        if not matches:
            raise NotFoundError(f"no job with id '{reference}' (see: jobs list)")
        if len(matches) > 1:
            raise NotFoundError(f"'{reference}' matches several jobs ({', '.join(matches)}); type more of the id")
        return matches[0]

    def get(self, reference: str) -> Job:
        job_id = self.resolve_id(reference)
        with self._database.read() as conn:
            job = jobs_repo.get_parent(conn, job_id)
        if job is None:
            raise NotFoundError(f"no job with id '{reference}' (see: jobs list)")
        return job

    def children(
        self,
        job_id: str,
        *,
        statuses: Sequence[str] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[ChildJob]:
        with self._database.read() as conn:
            return pages_repo.list_children(conn, job_id, statuses=statuses, limit=limit, offset=offset)

    def page_columns(self, job_id: str, *, limit: int | None = None, offset: int = 0) -> PageColumns:
        """The job's pages in discovery order, column by column (what a list of many pages is made from)."""
        with self._database.read() as conn:
            return page_listings_repo.read_page_columns(conn, job_id, limit=limit, offset=offset)

    def page_listings(self, job_id: str, *, limit: int | None = None, offset: int = 0) -> builtins.list[PageListing]:
        """The job's pages in discovery order as a list of them shows them (cheaper than ``children``)."""
        with self._database.read() as conn:
            return page_listings_repo.list_page_listings(conn, job_id, limit=limit, offset=offset)

    def noise(self, job_id: str) -> builtins.list[NoiseGroup]:
        """Large groups of the job's documents whose URLs look like actions or variants (edit, history,
        sort orders...), each with the exclude pattern that leaves them out (domain/url_noise.py)."""
        with self._database.read() as conn:
            job = jobs_repo.get_parent(conn, job_id)
            urls = pages_repo.document_urls(conn, job_id)
        if job is None:
            raise NotFoundError(f"no job with id '{job_id}' (see: jobs list)")
        starts = job.config.get("start_urls", [])
        return noise_groups(urls, [str(url) for url in starts] if isinstance(starts, list) else [])

    def logs(
        self, job_id: str, *, min_level: str = "debug", after_id: int = 0, limit: int | None = None
    ) -> builtins.list[JobLogEntry]:
        with self._database.read() as conn:
            return logs_repo.list_for_job(conn, job_id, min_level=min_level, after_id=after_id, limit=limit)

    def owner_alive(self, job_id: str) -> bool:
        """True when the process that owns the job (this one or another) is alive and heartbeating."""
        with self._database.read() as conn:
            owner_pid, heartbeat_at = jobs_repo.owner_of(conn, job_id)
        return owner_is_alive(owner_pid, heartbeat_at, shared=self._database.shared)

    def delete(self, reference: str, *, with_documents: bool) -> None:
        job = self.get(reference)
        if self._runs_here(job.id):
            raise ConflictError(f"job {job.id} is running; cancel it before deleting it")
        with self._database.write() as conn:
            jobs_repo.delete_parent(conn, job.id, with_documents=with_documents)
