"""What a user does with crawls, wherever they ask: the Jobs view, a job's window, the tray.

The pattern of every view's flows (``*_flows.py``): a class built from the ``GuiContext``
alone, whose coroutines do the work off the GUI thread (``in_thread`` for the store, the
crawls' futures), ask questions through ``context.dialogs`` and return what happened. They
never touch a widget: the view that called them shows the result, so flows import no view
and any view (or the tray) can use them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.definition_io import load_definition_file
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.job import CANCELLABLE_STATUSES, RESUMABLE_STATUSES, JobStatus, JobTrigger
from quaero_desktop.gui.async_tasks import engine_result, in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.humanize import count_noun
from quaero_desktop.services.crawls import CancelOutcome

DELETE_WITH_DOCUMENTS = "Delete job and its documents"
DELETE_KEEP_DOCUMENTS = "Delete job, keep documents"
DEFINITION_FILE_FILTER = "Definitions (*.toml *.json)"
PAUSE_TIP = "Stop the crawl once the pages being fetched are stored; Continue carries on where it stopped"
CONTINUE_TIP = "Carry on with the paused crawl where it stopped"


@dataclass(frozen=True)
class JobActions:
    """Which actions a job's state allows (the Jobs view and a job's window enable theirs from this)."""

    cancel: bool
    resume: bool
    run_again: bool
    delete: bool
    retry_failed: bool = False
    pause: bool = False  # a crawl this program runs
    continue_: bool = False  # a paused crawl (Resume is for the others that stopped)

    @classmethod
    def for_job(cls, status: JobStatus | None, *, running_here: bool, failed_pages: int = 0) -> JobActions:
        if status is None:
            return cls(cancel=False, resume=False, run_again=False, delete=False)
        return cls(
            cancel=running_here or status in CANCELLABLE_STATUSES,
            resume=not running_here and status in RESUMABLE_STATUSES and status != JobStatus.PAUSED,
            run_again=not status.is_active,
            delete=not running_here,
            retry_failed=not running_here and not status.is_active and failed_pages > 0,
            pause=running_here and status.is_active,
            continue_=not running_here and status == JobStatus.PAUSED,
        )


class JobFlows:
    def __init__(self, context: GuiContext) -> None:
        self._context = context

    def runs_here(self, job_id: str) -> bool:
        """True while this program's engine runs the job (another process may run it too)."""
        return self._context.crawls.runs_here(job_id)

    async def submit(self, definition: JobDefinition, *, trigger: JobTrigger = JobTrigger.MANUAL) -> str:
        """Start a crawl of ``definition``; returns the new job's id."""
        return await engine_result(self._context.crawls.submit(definition, trigger=trigger))

    async def submit_file(self) -> str | None:
        """Pick a definition file and run it as is (it is not stored)."""
        path = await self._context.dialogs.open_file("Run a definition file", DEFINITION_FILE_FILTER)
        if path is None:
            return None
        return await self.submit(await in_thread(load_definition_file, path))

    async def run_again(self, job_id: str) -> str:
        """Run the definition a job ran with (its snapshot, not today's stored definition)."""
        job = await in_thread(self._context.app.jobs.get, job_id)
        return await self.submit(JobDefinition.from_mapping(job.config, f"job {job.id}"))

    async def resume(self, job_id: str) -> str:
        return await engine_result(self._context.crawls.resume(job_id))

    async def pause(self, job_id: str) -> None:
        """Pause a crawl this program runs: the pages being fetched finish, the others wait for Continue."""
        await engine_result(self._context.crawls.pause(job_id))

    async def continue_paused(self, job_id: str) -> str:
        """Carry on with a paused crawl where it stopped (as a resume does)."""
        return await self.resume(job_id)

    async def resume_left_at_quit(self) -> list[str]:
        """Continue the crawls this program was running when it last quit (a paused one waits for the user)."""
        jobs = await in_thread(lambda: self._context.app.jobs.list(statuses=[JobStatus.INTERRUPTED]))
        resumed = []
        for job in jobs:
            if job.resume_on_start:
                try:
                    resumed.append(await self.resume(job.id))
                except QuaeroError as exc:  # e.g. another Quaero process is running it now
                    self._context.dialogs.error(f"Resuming '{job.name}' failed", str(exc))
        return resumed

    async def start_auto_start(self, definitions: Iterable[JobDefinition]) -> list[str]:
        """Run those of ``definitions`` marked ``auto_start`` (once per start of the program)."""
        started = []
        for definition in definitions:
            if definition.auto_start:
                try:
                    started.append(await self.submit(definition, trigger=JobTrigger.AUTO_START))
                except QuaeroError as exc:
                    self._context.dialogs.error(f"Starting '{definition.name}' failed", str(exc))
        return started

    async def retry_failed(self, job_id: str) -> str:
        """Fetch the job's failed pages again (and the new pages they link to)."""
        return await engine_result(self._context.crawls.retry_failed(job_id))

    async def cancel(self, job_id: str) -> CancelOutcome:
        """Cancel a crawl wherever it runs; a crawl of another process is asked to stop (and the user told)."""
        outcome = await engine_result(self._context.crawls.cancel(job_id))
        if outcome.requested_elsewhere:
            self._context.dialogs.info("Cancelling", outcome.message)
        return outcome

    async def cancel_all(self) -> int:
        """Cancel every crawl this program runs; returns how many."""
        return await engine_result(self._context.crawls.cancel_all())

    async def delete(self, job_id: str, name: str, documents: int) -> bool:
        """Delete a job after asking whether its documents go too; False when the user cancelled."""
        answer = await self._context.dialogs.choose(
            "Delete job",
            f"Delete the job “{name}” ({count_noun(documents, 'document')})?\n"
            "Its documents can be kept in the knowledge base or deleted with it.",
            [DELETE_WITH_DOCUMENTS, DELETE_KEEP_DOCUMENTS],
        )
        if answer is None:
            return False
        await in_thread(lambda: self._context.app.jobs.delete(job_id, with_documents=answer == DELETE_WITH_DOCUMENTS))
        return True
