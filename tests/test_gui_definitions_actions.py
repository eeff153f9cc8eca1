"""The Definitions view with real services: importing a file (and a refused one), exporting to JSON
and TOML, deleting after asking, and Run now starting a job the Jobs view shows."""

from __future__ import annotations

import json
import tomllib

import pytest

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.gui.definitions.definitions_model import DefinitionColumn
from tests.conftest import make_definition
from tests.gui_definitions_support import _cell, _panel
from tests.gui_support import run, shows_the_stored_job
from tests.waiting import until

pytestmark = pytest.mark.gui


def test_import_a_file_and_a_refused_file_names_file_and_field(gui, qloop, tmp_path):
    window, context = gui
    panel = _panel(window)
    good = tmp_path / "wiki.toml"
    good.write_text(
        'id = "team-wiki"\nname = "Team wiki"\nstart_urls = ["https://wiki.example.com/start"]\n'
        'schedule = "0 3 * * *"\nauth_id = "wiki-sso"\n',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.toml"
    broken.write_text(
        'id = "broken"\nname = "Broken"\nstart_urls = ["https://example.com/"]\ninclude_patterns = ["(unclosed"]\n',
        encoding="utf-8",
    )

    async def scenario():
        assert "No definitions yet" in panel.placeholder.text() and panel.placeholder.isVisible()
        context.dialogs.answer(good)
        panel.action_import.trigger()
        await until(lambda: panel.model.row_of("team-wiki") is not None, what="the imported row")
        context.dialogs.answer(broken)
        panel.action_import.trigger()
        await until(lambda: context.dialogs.errors, what="the refusal")

    run(qloop, scenario())
    assert not panel.placeholder.isVisible()
    assert _cell(panel, "team-wiki", DefinitionColumn.LOGIN) == "wiki-sso"
    assert _cell(panel, "team-wiki", DefinitionColumn.NEXT_RUN) != "—"
    title, text = context.dialogs.errors[0]
    assert title == "Cannot import the definition"
    assert (
        str(broken) in text and "include_patterns[0]" in text and "(unclosed" in text and "regular expression" in text
    )
    assert [r.definition.id for r in context.app.definitions.list()] == [
        "team-wiki"
    ]  # nothing stored from the bad file
    assert panel.model.definition_ids() == ["team-wiki"]


def test_export_to_json_and_toml_then_delete_after_asking(gui, qloop, tmp_path, fresh_site):
    window, context = gui
    app = context.app
    definition = make_definition(
        [fresh_site.url("/")],
        id="wiki",
        name="Wiki",
        auth_id="wiki-sso",
        schedule="0 3 * * *",
        exclude_patterns=["logout"],
    )
    app.definitions.save(definition)
    panel = _panel(window)

    async def scenario():
        await panel.reload()
        panel.select_definition("wiki")
        context.dialogs.answer(tmp_path / "wiki.json")
        panel.action_export.trigger()
        await until(lambda: (tmp_path / "wiki.json").exists(), what="the JSON file")
        context.dialogs.answer(tmp_path / "wiki")  # no extension: TOML, named .toml
        panel.action_export.trigger()
        await until(lambda: (tmp_path / "wiki.toml").exists(), what="the TOML file")
        context.dialogs.answer(False)
        panel.action_delete.trigger()
        await until(lambda: len(context.dialogs.asked) == 3, what="the delete question")
        await context.tasks.wait_all()
        assert panel.model.definition_ids() == ["wiki"]  # said no: kept
        context.dialogs.answer(True)
        panel.action_delete.trigger()
        await until(lambda: panel.model.rowCount() == 0, what="the row to go")

    run(qloop, scenario())
    assert json.loads((tmp_path / "wiki.json").read_text(encoding="utf-8")) == definition.to_mapping()
    assert tomllib.loads((tmp_path / "wiki.toml").read_text(encoding="utf-8")) == definition.to_mapping()
    assert context.dialogs.asked[2][0] == "Delete definition" and "“Wiki” (wiki)" in context.dialogs.asked[2][1]
    assert app.definitions.list() == []
    assert panel.placeholder.isVisible() and "No definitions yet" in panel.placeholder.text()
    assert not panel.action_run.isEnabled() and not panel.action_delete.isEnabled()
    assert context.dialogs.errors == []


@pytest.mark.browser
def test_run_now_emits_the_definition_and_the_job_appears_in_the_jobs_view(gui, qloop, fresh_site):
    window, context = gui
    definition = make_definition([fresh_site.url("/docs/guide")], id="guide", name="Guide", max_depth=0)
    context.app.definitions.save(definition)
    panel = _panel(window)
    emitted: list = []
    panel.runRequested.connect(emitted.append)

    async def scenario():
        await panel.reload()
        panel.select_definition("guide")
        panel.action_run.trigger()
        assert window.tabs.currentWidget() is window.jobs  # the main window switched to Jobs
        await until(lambda: window.jobs.model.rowCount() == 1, what="the job's row")
        job_id = window.jobs.model.job_ids()[0]
        await until(lambda: window.jobs.model.row(job_id).status == JobStatus.COMPLETED, what="the crawl")
        await until(lambda: shows_the_stored_job(window.jobs, context.app, job_id), what="the exact row")
        return job_id

    job_id = run(qloop, scenario())
    assert emitted == [definition]
    job = context.app.jobs.get(job_id)
    assert job.definition_id == "guide" and job.document_count == 1
    assert window.jobs.model.row(job_id).progress.documents == 1
    assert context.dialogs.errors == []
