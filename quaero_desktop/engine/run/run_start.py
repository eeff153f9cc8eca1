"""Where a run starts from: a new crawl's start URLs, or what a resumed (or retried) one still has to fetch;
and the recorder of its pages, opened on what the store already holds."""

from __future__ import annotations

from datetime import UTC, datetime

from quaero_desktop.crawler.conversion_pool import Conversions
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus, JobTrigger, SkipReason
from quaero_desktop.engine.db_worker import DbWorker
from quaero_desktop.engine.job_log import RunLog
from quaero_desktop.engine.run.child_budget import ChildBudget, enqueue_urls
from quaero_desktop.engine.run.fetching import RENDER_TEXT
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.not_found_pages import NotFoundPages
from quaero_desktop.engine.run.page_recorder import PageRecorder
from quaero_desktop.engine.run.page_transactions import CanonicalSkips
from quaero_desktop.engine.run.prepared_page import content_rules
from quaero_desktop.engine.run.run_end import limits_text
from quaero_desktop.engine.run.same_content import SameContent
from quaero_desktop.store import pages_repo


async def open_recorder(
    db: DbWorker,
    job_id: str,
    definition: JobDefinition,
    scope: CrawlScope,
    *,
    definition_id: str | None,
    authenticated: bool,
    not_found: NotFoundPages | None,
    conversions: Conversions | None = None,
    budget: ChildBudget | None = None,
) -> tuple[PageRecorder, ChildBudget]:
    """The run's page recorder and its page budget, from the job's children so far (a resumed run goes on
    numbering them, and keeps the canonical duplicates and the source's documents it met). ``budget``:
    one that reads its counts itself (a team crawl's, shared by its workers)."""
    created, last_seq = await db.read(pages_repo.child_stats, job_id)
    if budget is None:
        budget = ChildBudget(job_id, max_pages=definition.max_pages, created=created, last_seq=last_seq)
    same_content = SameContent(job_id, definition_id)
    await db.read(same_content.load)  # the source's documents, this job's own on a resume
    canonical = await db.read(pages_repo.urls_with_reason, job_id, SkipReason.CANONICAL) if created else None
    recorder = PageRecorder(
        db,
        scope,
        budget,
        definition_id=definition_id,
        authenticated=authenticated,
        rules=content_rules(definition),
        not_found=not_found,
        canonical_skips=CanonicalSkips(canonical),
        same_content=same_content,
        conversions=conversions,
    )
    return recorder, budget


_HOW = {JobTrigger.SCHEDULE: " by its schedule", JobTrigger.AUTO_START: " at start-up"}


async def first_pages(
    db: DbWorker,
    run_log: RunLog,
    definition: JobDefinition,
    budget: ChildBudget,
    *,
    start_urls: list[str],
    trigger: JobTrigger,
    retry_failed: bool,
) -> list[FrontierEntry]:
    """The pages the run begins with (a new crawl's start URLs are claimed and created here), logged."""
    job_id = budget.parent_id
    created = budget.created
    if created == 0:
        entries = await db.write(enqueue_urls, budget, list(dict.fromkeys(start_urls)), 0, datetime.now(UTC))
        run_log.info(f"started{_HOW.get(trigger, '')}: {len(entries)} start URL(s), {limits_text(definition)}")
        run_log.info(RENDER_TEXT[definition.render])
        return entries
    pending = await db.read(pages_repo.list_children, job_id, statuses=[JobStatus.PENDING])
    entries = [FrontierEntry(c.id, c.url, c.depth) for c in pending]
    if retry_failed:
        run_log.info(f"retrying {len(entries)} failed page(s) of {created}")
    else:
        run_log.info(f"resumed: {len(entries)} page(s) still to fetch of {created} found so far")
    return entries
