"""The Documents view over a stored knowledge base (no crawl): the search syntax, the source and site
menus, and an export that shows its progress and can be cancelled."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.document import PageContent
from quaero_desktop.gui.dialogs import QtDialogs
from quaero_desktop.gui.documents.documents_panel import DocumentsPanel
from quaero_desktop.gui.documents.preview import word_pattern
from quaero_desktop.gui.documents.results_model import SNIPPET_ROLE
from quaero_desktop.gui.system_open import SystemOpener, no_browser_message
from quaero_desktop.store import documents_repo
from tests.gui_support import fake_opener, run
from tests.waiting import until

pytestmark = pytest.mark.gui
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _fill(app, pages_per_site: int = 3) -> None:
    app.definitions.save(
        JobDefinition.from_mapping(
            {"id": "wiki", "name": "Team wiki", "start_urls": ["https://wiki.example.com/"]}, "t"
        )
    )
    with app.database.write() as conn:
        n = 0
        for host, source in (("wiki.example.com", "wiki"), ("docs.example.org", "docs")):
            for page in range(pages_per_site):
                n += 1
                documents_repo.upsert(
                    conn,
                    PageContent(
                        url=f"https://{host}/page/{page}",
                        title=f"{source} page {page}",
                        markdown=f"# {source} page {page}\n\nThe fog horn of {source}, page {page}."
                        + (" A keeper lives here." if page == 0 else ""),
                        content_hash=str(n),
                    ),
                    job_id=None,
                    definition_id=source,
                    now=NOW + timedelta(minutes=n),
                )


def _open(window, qloop) -> DocumentsPanel:
    panel = window.documents
    window.show_view(panel)
    run(qloop, until(lambda: panel.shown_query == "" and panel.model.rowCount() > 0, what="the list"))
    run(qloop, until(lambda: panel.filter_bar.source_combo.count() > 1, what="the source menu"))
    return panel


def _search(qloop, panel: DocumentsPanel, text: str) -> list[str]:
    panel.search_edit.setText(text)
    run(qloop, until(lambda: panel.shown_query == text, what=f"results for {text!r}"))
    return [row.title for row in panel.model.rows()]


def test_syntax_menus_and_highlights(gui, qloop):
    window, context = gui
    _fill(context.app)
    panel = _open(window, qloop)
    tooltip = panel.search_edit.toolTip()
    for piece in ('"fog signal"', "OR", "-horn", "sign*", "site:example.com", "title:keeper", "source:team-wiki"):
        assert piece in tooltip

    source_menu = [panel.filter_bar.source_combo.itemText(i) for i in range(panel.filter_bar.source_combo.count())]
    site_menu = [panel.filter_bar.site_combo.itemText(i) for i in range(panel.filter_bar.site_combo.count())]
    assert source_menu == ["All sources", "docs · 3", "Team wiki (wiki) · 3"]
    assert site_menu == ["All sites", "docs.example.org · 3", "wiki.example.com · 3"]

    assert sorted(_search(qloop, panel, "keeper -source:docs")) == ["wiki page 0"]
    assert sorted(_search(qloop, panel, "fog site:example.org")) == ["docs page 0", "docs page 1", "docs page 2"]
    text, ranges = panel.model.index(0).data(SNIPPET_ROLE)
    assert {text[start : start + length].lower() for start, length in ranges} == {"fog"}

    # The source menu narrows the search and the plain list alike.
    panel.filter_bar.choose(source="wiki")
    run(qloop, until(lambda: all(t.startswith("wiki") for t in (r.title for r in panel.model.rows())), what="wiki"))
    assert sorted(_search(qloop, panel, "fog")) == ["wiki page 0", "wiki page 1", "wiki page 2"]
    assert _search(qloop, panel, "fog site:docs.example.org") == []  # the menu and the query both hold
    panel.search_edit.clear()
    run(qloop, until(lambda: panel.shown_query == "", what="the list of the wiki"))
    assert panel.model.rowCount() == 3 and panel.count_label.text() == "3 documents"
    panel.filter_bar.choose(source=None)
    run(qloop, until(lambda: panel.model.rowCount() == 6, what="every document again"))

    # The preview marks what the search matched: words and prefixes, not excluded words or filters.
    pattern = word_pattern("keep* -horn site:wiki.example.com fog")
    assert pattern is not None
    assert [pattern.match(word).hasMatch() for word in ("keeper", "fog", "horn", "wiki")] == [True, True, False, False]
    assert context.dialogs.errors == []


def test_export_shows_progress_and_can_be_cancelled(gui, qloop, tmp_path: Path, monkeypatch):
    window, context = gui
    _fill(context.app, pages_per_site=30)
    panel = _open(window, qloop)
    documents = context.app.documents
    real_export = documents.export
    halfway, go_on = threading.Event(), threading.Event()

    def export(directory, **options):  # pause the export thread after 10 documents until the test says so
        progress = options.pop("progress")

        def report(done: int, total: int) -> None:
            progress(done, total)
            if done == 10:
                halfway.set()
                go_on.wait(30)

        return real_export(directory, progress=report, **options)

    monkeypatch.setattr(documents, "export", export)
    target = tmp_path / "vault"
    context.dialogs.answer(target)
    panel.action_export_all.trigger()
    run(qloop, until(halfway.is_set, what="the export to be halfway"))
    run(qloop, until(lambda: panel.export.progress.value() >= 1, what="the progress bar"))  # reports are throttled
    assert panel.export.progress.isVisible() and panel.export.progress.maximum() == 60
    assert panel.export.progress.value() <= 10
    assert panel.export.action_cancel.isEnabled() and not panel.action_export_all.isEnabled()
    panel.export.action_cancel.trigger()
    go_on.set()
    run(qloop, until(lambda: context.dialogs.infos, what="the cancelled message"))
    assert context.dialogs.infos[0][0] == "Export cancelled"
    assert "after 10 of 60 documents" in context.dialogs.infos[0][1]
    assert len(list(target.rglob("*.md"))) == 10 and not list(target.rglob(".export-*"))
    assert not panel.export.progress.isVisible() and panel.action_export_all.isEnabled()

    # Exporting again carries on: the ten files are kept as they are, the rest written.
    context.dialogs.answer(target)
    go_on.set()
    panel.action_export_all.trigger()
    run(qloop, until(lambda: len(context.dialogs.infos) == 2, what="the finished message"))
    assert "Exported 60 documents as Markdown (50 new or changed, 10 unchanged)" in context.dialogs.infos[1][1]
    assert context.dialogs.info_folders[1] == target  # "Export finished" offers to open the folder
    assert len(list(target.rglob("*.md"))) == 60
    assert context.dialogs.errors == []


def test_a_new_query_selects_and_previews_its_best_match(gui, qloop):
    """Typing `json OR pickle` after reading "asyncio": the list's first result is selected and read,
    not the asyncio page kept selected further down (it mentions json once) beside another top row."""
    window, context = gui
    pages = {
        "asyncio": "Asynchronous I/O: the event loop, tasks and streams. " * 30 + "Results can be sent as json.",
        "Index – D": "dump() (in module json) (in module pickle), dumps() (in module json) (in module pickle)",
        "pickle": "The pickle module serialises objects; pickle protocols and pickle streams.",
    }
    with context.app.database.write() as conn:
        for n, (title, text) in enumerate(pages.items()):
            page = PageContent(url=f"https://docs.example/{n}", title=title, markdown=text, content_hash=str(n))
            documents_repo.upsert(conn, page, job_id=None, definition_id="docs", now=NOW + timedelta(minutes=n))
    panel = _open(window, qloop)

    async def read_then_type() -> None:
        _type(panel, "asyncio")
        await until(lambda: panel.preview.shown is not None and panel.preview.shown.title == "asyncio", what="asyncio")
        _type(panel, "json OR pickle")
        await until(lambda: panel.shown_query == "json OR pickle", what="the new results")
        await context.tasks.wait_all()

    run(qloop, read_then_type())
    titles = [row.title for row in panel.model.rows()]
    assert "asyncio" in titles[1:]  # still a result, but not the best one
    assert panel.current_row() == panel.model.row(0)
    assert [row.title for row in panel.selected_rows()] == [titles[0]]
    assert panel.preview.shown is not None and panel.preview.shown.title == titles[0] != "asyncio"


def _type(panel: DocumentsPanel, text: str) -> None:
    """Replace the search text as a user does: select all, then type key by key."""
    panel.focus_search()
    QTest.keyClicks(panel.search_edit, text)


def test_open_original_with_no_usable_browser_says_so(gui, qloop, tmp_path: Path, monkeypatch):
    window, context = gui
    _fill(context.app)
    panel = _open(window, qloop)
    asked = fake_opener(tmp_path, monkeypatch, exit_code=3, said="xdg-open: no method available")
    panel.action_open.trigger()  # Open original, on the current document
    run(qloop, until(lambda: context.dialogs.errors, what="the message", timeout=20))
    title, text = context.dialogs.errors[0]
    url = panel.current_row().url
    assert asked.read_text().split() == [url]
    assert title == "The page did not open"
    assert text.startswith(f"No web browser opened {url}: no program to open it was found (xdg-open: no method")
    assert "press Copy address" in text and context.dialogs.error_copies == [url]


def test_the_message_of_a_page_no_browser_opened_copies_its_address(qloop):
    """The message's Copy address puts the page's address on the clipboard, and its text can be selected."""
    asyncio.set_event_loop(qloop)
    url = "https://docs.example/guide?page=2"
    QtDialogs().error("The page did not open", no_browser_message(url, "no program to open it was found"), copy=url)
    box = _shown(QMessageBox)
    assert box.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    (copy,) = [button for button in box.buttons() if button.text() == "Copy address"]
    QApplication.clipboard().clear()
    copy.click()
    assert QApplication.clipboard().text() == url
    assert not box.isVisible()


def test_where_qt_opens_pages_itself_a_refusal_is_said(monkeypatch):
    """Without xdg-open (Windows, macOS) QDesktopServices.openUrl opens the page: its False is told."""
    monkeypatch.setattr("quaero_desktop.gui.system_open.shutil.which", lambda _name: None)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    told: list[str] = []
    SystemOpener().open(QUrl("https://docs.example/"), told.append)
    assert told == ["the desktop has no program set to open it"]


def test_export_to_a_new_folder_then_open_it(qloop, tmp_path: Path, monkeypatch):
    """The folder dialog takes a folder that does not exist yet (Qt said "Directory not found"); the
    finished message's Open folder shows it in the file manager."""
    asyncio.set_event_loop(qloop)
    dialogs = QtDialogs()
    (tmp_path / "exports").mkdir()
    warnings: list[str] = []

    def close_warning() -> None:  # Qt's warning runs its own loop: close it, so the test fails instead of hanging
        box = _shown(QMessageBox)
        if box is not None:
            warnings.append(box.text())
            box.done(0)

    watchdog = QTimer(interval=100)
    watchdog.timeout.connect(close_warning)
    watchdog.start()

    async def choose_new_folder() -> Path | None:
        asking = asyncio.ensure_future(dialogs.choose_directory("Export all documents as a Markdown vault to…"))
        dialog = await until(lambda: _shown(QFileDialog), what="the folder dialog")
        dialog.setDirectory(str(tmp_path / "exports"))
        dialog.findChild(QLineEdit, "fileNameEdit").setText("new vault")  # typed into its name field
        dialog.accept()  # Choose
        return await asyncio.wait_for(asking, 10)

    try:
        assert run(qloop, choose_new_folder()) == tmp_path / "exports" / "new vault"
    finally:
        watchdog.stop()
    assert warnings == []  # no "Directory not found"

    asked = fake_opener(tmp_path, monkeypatch, exit_code=0)
    dialogs.info("Export finished", "Exported 3 documents…", folder=tmp_path / "exports")
    box = _shown(QMessageBox)
    (open_folder,) = [button for button in box.buttons() if button.text() == "Open folder"]
    open_folder.click()
    run(qloop, until(lambda: asked.exists(), what="the file manager asked"))
    assert asked.read_text().split() == [(tmp_path / "exports").as_uri()]
    box.close()


def _shown(kind):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)
