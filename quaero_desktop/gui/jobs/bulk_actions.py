"""Cancel, resume or delete many runs at once (the Jobs view's multi-selection, issue 22).

Each action takes the selected runs it applies to and skips the others with a word ("skipped 1:
“Docs” is completed"), so a mixed selection never fails as a whole. Like ``job_flows.py`` these
flows touch no widget: they return what happened and the view says it. Delete asks once for the
whole selection, saying how many runs and documents.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.jobs.job_flows import JobActions, JobFlows
from quaero_desktop.gui.jobs.job_row import JobRow
from quaero_desktop.humanize import count_noun

DELETE_ALL_WITH_DOCUMENTS = "Delete the jobs and their documents"
DELETE_ALL_KEEP_DOCUMENTS = "Delete the jobs, keep documents"


class BulkAction(enum.StrEnum):
    CANCEL = "cancel"
    RESUME = "resume"
    DELETE = "delete"


def _runs(count: int) -> str:
    return f"{count} job{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class BulkChoice:
    """The selected runs an action applies to, and the ones it skips with why."""

    chosen: list[JobRow]
    skipped: list[tuple[JobRow, str]]

    @classmethod
    def of(cls, action: BulkAction, rows: list[JobRow], flows: JobFlows) -> BulkChoice:
        chosen, skipped = [], []
        for row in rows:
            why = _why_not(action, row, flows.runs_here(row.id))
            if why is None:
                chosen.append(row)
            else:
                skipped.append((row, why))
        return cls(chosen, skipped)

    def skipped_text(self) -> str:
        """ "skipped 1: “Docs” is completed" (the first few named), or ""."""
        if not self.skipped:
            return ""
        named = "; ".join(f"“{row.name}” {why}" for row, why in self.skipped[:3])
        more = f"; and {len(self.skipped) - 3} more" if len(self.skipped) > 3 else ""
        return f"skipped {len(self.skipped)}: {named}{more}"


def _why_not(action: BulkAction, row: JobRow, running_here: bool) -> str | None:
    """Why ``action`` does not apply to ``row`` (None: it does)."""
    allowed = JobActions.for_job(row.status, running_here=running_here)
    status = str(row.status)
    match action:
        case BulkAction.CANCEL if not allowed.cancel:
            return f"is {status}: nothing to cancel"
        case BulkAction.RESUME if not allowed.resume:
            return "is still running" if row.status.is_active or running_here else f"is {status}: nothing to resume"
        case BulkAction.DELETE if not allowed.delete:
            return "is still running: cancel it first"
    return None


def said(done: str, choice: BulkChoice) -> str:
    """The status bar's account: "Cancelled 2 jobs; skipped 1: “Docs” is completed: nothing to cancel"."""
    skipped = choice.skipped_text()
    return f"{done}; {skipped}" if skipped else done


class BulkJobFlows:
    def __init__(self, context: GuiContext, flows: JobFlows) -> None:
        self._context = context
        self._flows = flows

    async def cancel(self, rows: list[JobRow]) -> str:
        choice = BulkChoice.of(BulkAction.CANCEL, rows, self._flows)
        cancelled, failed = [], []
        for row in choice.chosen:
            try:
                await self._flows.cancel(row.id)
            except QuaeroError as exc:  # it ended meanwhile, or went: the others are still cancelled
                failed.append((row, str(exc)))
            else:
                cancelled.append(row.id)
        return said(f"Cancelled {_runs(len(cancelled))}", BulkChoice(choice.chosen, choice.skipped + failed))

    async def resume(self, rows: list[JobRow]) -> tuple[list[str], str]:
        """Resume the runs that can be; the ids resumed and what to say."""
        choice = BulkChoice.of(BulkAction.RESUME, rows, self._flows)
        resumed, failed = [], []
        for row in choice.chosen:
            try:
                resumed.append(await self._flows.resume(row.id))
            except QuaeroError as exc:  # e.g. another process resumed it first: the others still resume
                failed.append((row, str(exc)))
        return resumed, said(f"Resumed {_runs(len(resumed))}", BulkChoice(choice.chosen, choice.skipped + failed))

    async def delete(self, rows: list[JobRow]) -> tuple[list[str], str]:
        """Ask once for every run that can go, then delete them; the ids deleted (none when the user
        said no) and what to say."""
        choice = BulkChoice.of(BulkAction.DELETE, rows, self._flows)
        if not choice.chosen:
            return [], said("Deleted no job", choice)
        documents = sum(row.progress.documents for row in choice.chosen)
        skipped = choice.skipped_text()
        answer = await self._context.dialogs.choose(
            "Delete jobs",
            f"Delete {_runs(len(choice.chosen))} ({count_noun(documents, 'document')})?\n"
            "Their documents can be kept in the knowledge base or deleted with them."
            + (f"\n\nNot deleted, {skipped}." if skipped else ""),
            [DELETE_ALL_WITH_DOCUMENTS, DELETE_ALL_KEEP_DOCUMENTS],
        )
        if answer is None:
            return [], ""
        jobs, with_documents = self._context.app.jobs, answer == DELETE_ALL_WITH_DOCUMENTS

        def delete_each() -> tuple[list[str], list[tuple[JobRow, str]]]:
            deleted, failed = [], []
            for row in choice.chosen:
                try:
                    jobs.delete(row.id, with_documents=with_documents)
                except QuaeroError as exc:  # started meanwhile, or already gone (pruned by a new run)
                    failed.append((row, str(exc)))
                else:
                    deleted.append(row.id)
            return deleted, failed

        deleted, failed = await in_thread(delete_each)
        outcome = BulkChoice(choice.chosen, choice.skipped + failed)
        return deleted, said(f"Deleted {_runs(len(deleted))}", outcome)


def can_apply(action: BulkAction, rows: list[JobRow], flows: JobFlows) -> bool:
    """True when ``action`` applies to at least one of ``rows`` (its button is enabled)."""
    return any(_why_not(action, row, flows.runs_here(row.id)) is None for row in rows)
