"""The main window itself: its status bar, its keyboard shortcuts, its size on the screen."""

from __future__ import annotations

import pytest

from tests.conftest import make_definition
from tests.gui_support import run, shows_the_stored_job
from tests.waiting import until

pytestmark = pytest.mark.gui


@pytest.mark.browser
def test_the_status_bar_shows_the_stores_document_count_after_a_re_crawl(gui, qloop, fresh_site):
    """A re-crawl updates the documents it stored before: the count stays the store's."""
    window, context = gui
    definition = make_definition([fresh_site.url("/docs/guide")], max_depth=0)

    async def crawl_and_settle() -> None:
        window.jobs.run(definition)
        await until(lambda: window.jobs.model.rowCount() == runs + 1, what="the new job")
        job_id = window.jobs.model.job_ids()[0]
        await until(
            lambda: (
                window.jobs.model.row(job_id).status.is_terminal
                and shows_the_stored_job(window.jobs, context.app, job_id)
            ),
            what="the finished job",
        )
        await context.tasks.wait_all()  # the status bar's read of the store included

    for runs in range(2):
        run(qloop, crawl_and_settle())
        assert context.app.documents.count() == 1
        assert window.documents_label.text().split()[0] == "1", f"run {runs + 1}"
    assert window.documents_label.text() == "1 document stored"
    assert context.dialogs.errors == []
