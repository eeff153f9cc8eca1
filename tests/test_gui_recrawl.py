"""What a re-crawl shows in the window: the changes in the Jobs row and the job window's header,
and a gone page in the Documents view. The crawls use render = "http": no browser."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.async_tasks import engine_result
from quaero_desktop.gui.job_detail.child_rows import ChildColumn
from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
from quaero_desktop.gui.jobs.jobs_model import JobColumn
from tests.conftest import make_definition
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def test_a_recrawl_shows_unchanged_and_gone_pages(gui, qloop, fresh_site):
    window, context = gui
    site = fresh_site
    definition = make_definition([site.url("/docs/guide")], include_patterns=["/docs/"], max_depth=1, render="http")

    async def crawl() -> str:
        job_id = await engine_result(context.crawls.submit(definition))
        await engine_result(context.crawls.wait(job_id))
        return job_id

    async def scenario() -> tuple[str, JobDetailWindow]:
        await crawl()
        site.remove_page("/docs/reference")
        job_id = await crawl()
        jobs = window.jobs.model
        await until(
            lambda: job_id in jobs.job_ids() and "gone" in str(jobs.index_of(job_id, JobColumn.DOCUMENTS).data()),
            what="the Jobs row's counts",
        )
        window.open_job(job_id)
        (detail,) = [w for w in window.findChildren(JobDetailWindow) if w.job_id == job_id]
        await until(lambda: detail.header.status == JobStatus.COMPLETED and detail.pages.model.total == 3, what="pages")
        window.show_view(window.documents)
        await until(lambda: window.documents.model.rowCount() == 3, what="the documents")
        return job_id, detail

    job_id, detail = run(qloop, scenario())
    jobs = window.jobs.model
    documents = jobs.index_of(job_id, JobColumn.DOCUMENTS)
    assert documents.data() == "2 · 1 gone"  # what changed; the whole account in the tooltip
    assert "2 unchanged, 1 gone" in documents.data(Qt.ItemDataRole.ToolTipRole)
    assert detail.header.changes_label.text() == "2 unchanged, 1 gone"
    model = detail.pages.model
    notes = {
        model.index(row, ChildColumn.URL).data(): str(model.index(row, ChildColumn.NOTE).data())
        for row in range(model.rowCount())
    }
    assert notes[site.url("/docs/reference")].startswith("gone (HTTP 410)")
    assert notes[site.url("/docs/guide")].startswith("unchanged since the last crawl")
    rows = {row.url: row for row in window.documents.model.rows()}
    gone = rows[site.url("/docs/reference")]
    assert gone.display_title == "Reference (gone)"
    tooltip = window.documents.model.index(window.documents.model.rows().index(gone)).data(Qt.ItemDataRole.ToolTipRole)
    assert "left out of searches" in tooltip
    assert not rows[site.url("/docs/guide")].gone
