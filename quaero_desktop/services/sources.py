"""Sources: the crawl definitions as the knowledge base sees them (documents, freshness, last run)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quaero_desktop.domain.errors import NotFoundError
from quaero_desktop.domain.job import Job
from quaero_desktop.store import definitions_repo, documents_repo, jobs_repo, sources_repo
from quaero_desktop.store.database import Database


@dataclass(frozen=True)
class SourceOverview:
    id: str  # the definition id (what source: and --source take)
    name: str
    stored: bool  # False: its documents came from a definition file run directly (run FILE)
    enabled: bool
    schedule: str
    start_urls: tuple[str, ...]
    documents: int
    newest_crawl: datetime | None
    oldest_crawl: datetime | None
    last_job: Job | None


class SourcesService:
    def __init__(self, database: Database) -> None:
        self._database = database

    def list(self) -> list[SourceOverview]:
        """Every stored definition, and every definition id that documents were stored under."""
        with self._database.read() as conn:
            records = {record.definition.id: record for record in definitions_repo.list_all(conn)}
            counts = sources_repo.document_counts(conn)
            latest = sources_repo.latest_job_ids(conn)
            jobs = {job_id: jobs_repo.get_parent(conn, job_id) for job_id in latest.values()}
        overviews = []
        for source_id in sorted(
            set(records) | set(counts), key=lambda i: (records[i].definition.name if i in records else i).lower()
        ):
            record = records.get(source_id)
            count = counts.get(source_id)
            job_id = latest.get(source_id)
            last_job = jobs.get(job_id) if job_id else None
            overviews.append(
                SourceOverview(
                    id=source_id,
                    name=record.definition.name if record else (last_job.name if last_job else source_id),
                    stored=record is not None,
                    enabled=record.definition.enabled if record else False,
                    schedule=record.definition.schedule if record else "",
                    start_urls=record.definition.start_urls if record else (),
                    documents=count.documents if count else 0,
                    newest_crawl=count.newest_crawl if count else None,
                    oldest_crawl=count.oldest_crawl if count else None,
                    last_job=last_job,
                )
            )
        return overviews

    def check(self, source_id: str) -> str:
        """``source_id`` if it names a stored definition or documents were stored under it; else NotFoundError."""
        with self._database.read() as conn:
            known = definitions_repo.get(conn, source_id) is not None or source_id in documents_repo.source_ids(conn)
        if not known:
            raise NotFoundError(
                f"no source '{source_id}': no definition and no documents have that id (see: definitions list)"
            )
        return source_id
