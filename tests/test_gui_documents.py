"""The Documents view over a real crawl of the test site: search as you type, preview, open, export."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QUrl
from PySide6.QtGui import QTextTable
from PySide6.QtTest import QTest

from quaero_desktop.domain.document import DocumentOrder
from quaero_desktop.gui.async_tasks import engine_result
from quaero_desktop.gui.documents import documents_panel
from quaero_desktop.gui.documents.count_text import count_text, no_matches_text
from quaero_desktop.gui.documents.documents_panel import NO_DOCUMENTS, DocumentsPanel
from quaero_desktop.gui.documents.results_model import SNIPPET_ROLE, split_marked
from tests.conftest import make_definition
from tests.gui_support import run
from tests.waiting import until


def _titles(panel: DocumentsPanel) -> list[str]:
    return [row.title for row in panel.model.rows()]


def _crawl_with_view_open(window, context, qloop, site) -> DocumentsPanel:
    """Crawl the site from "/" (depth 1) while the Documents view is on screen; it fills itself."""
    panel = window.documents
    window.show_view(window.documents)

    async def scenario() -> None:
        await until(lambda: panel.shown_query == "", what="the empty list")
        assert panel.results.placeholder_text == NO_DOCUMENTS
        assert panel.count_label.text() == "No documents"
        job_id = await engine_result(context.crawls.submit(make_definition([site.url("/")], max_depth=1)))
        await engine_result(context.crawls.wait(job_id))
        await until(lambda: panel.model.rowCount() == 10, what="the view to show the 10 new documents")

    run(qloop, scenario())
    return panel


def _type(panel: DocumentsPanel, text: str) -> None:
    """Replace the search text as a user does: select all, then type key by key."""
    panel.focus_search()
    QTest.keyClicks(panel.search_edit, text)


def _select_titles(panel: DocumentsPanel, titles: list[str]) -> None:
    selection = panel.results.selectionModel()
    selection.clearSelection()
    for position, row in enumerate(panel.model.rows()):
        if row.title in titles:
            index = panel.model.index(position)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.Select)


@pytest.mark.gui
@pytest.mark.browser
def test_search_as_you_type_finds_the_guide_and_previews_it(gui, qloop, fresh_site):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)
    assert panel.count_label.text() == "10 documents"
    guide = next(d for d in context.app.documents.list() if d.url == fresh_site.url("/docs/guide"))

    async def scenario() -> None:
        _type(panel, "marzipan")
        await until(lambda: panel.shown_query == "marzipan", what="the search results")
        await until(lambda: panel.preview.document_id == guide.id, what="the guide's preview")

    run(qloop, scenario())
    assert _titles(panel) == ["The Guide"]
    assert panel.count_label.text() == "1 match for “marzipan”"
    text, ranges = panel.model.index(0).data(SNIPPET_ROLE)
    assert [text[start : start + length] for start, length in ranges] == ["marzipan"]
    assert "\u0002" not in text and "marzipan lighthouse" in text

    # The preview: the header, the Markdown rendered (a level-1 heading and the table), the word marked.
    preview = panel.preview
    assert preview.title_label.text() == "The Guide"
    assert preview.url_label.url == fresh_site.url("/docs/guide")
    assert preview.meta_label.text().startswith("Crawled ")
    document = preview.browser.document()
    headings = []
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 1:
            headings.append(block.text())
        block = block.next()
    assert headings == ["The Guide"]
    tables = [frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)]
    assert len(tables) == 1 and (tables[0].rows(), tables[0].columns()) == (4, 3)
    assert [tables[0].cellAt(0, c).firstCursorPosition().block().text() for c in range(3)] == [
        "Setting",
        "Default",
        "Meaning",
    ]
    assert "biscuit consent" not in document.toPlainText()
    marked = [s.cursor.selectedText() for s in preview.browser.extraSelections()]
    assert marked == ["marzipan"]

    # A pasted page of words: its first words are searched, and the count says the query was shortened.
    long_query = "marzipan " + " ".join(["marzipan"] * 3000)

    async def paste_a_long_query() -> None:
        panel.search_edit.setText(long_query)
        await until(lambda: panel.shown_query == long_query, what="the long query's results")

    run(qloop, paste_a_long_query())
    assert _titles(panel) == ["The Guide"]
    assert panel.count_label.text().endswith("(query shortened)")
    assert "only its first 2,000 characters" in panel.count_label.toolTip()

    # Clearing the search lists every document again, newest first.
    run(qloop, _clear_and_wait(panel))
    assert panel.model.rowCount() == 10 and panel.count_label.text() == "10 documents"
    assert context.dialogs.errors == []


async def _clear_and_wait(panel: DocumentsPanel) -> None:
    panel.search_edit.clear()
    await until(lambda: panel.shown_query == "", what="the full list")


@pytest.mark.gui
@pytest.mark.browser
def test_punctuation_in_queries_never_errors(gui, qloop, fresh_site):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)
    expected = {
        "zebra-striped": ["Getting Started"],
        '"quartz tortoise"': ["Reference"],
        "AND (": None,  # any result, but no error
        "nothingmatchesthis": [],
        "(": None,  # no searchable word: every document
    }
    seen: dict[str, list[str]] = {}

    async def scenario() -> None:
        for query in expected:
            _type(panel, query)
            wanted = query if any(ch.isalnum() for ch in query) else ""
            await until(lambda w=wanted: panel.shown_query == w, what=f"results for {query!r}")
            seen[query] = _titles(panel)

    run(qloop, scenario())
    assert seen["zebra-striped"] == expected["zebra-striped"]
    assert seen['"quartz tortoise"'] == expected['"quartz tortoise"']
    assert seen["nothingmatchesthis"] == []
    assert len(seen["("]) == 10
    assert context.dialogs.errors == []
    assert panel.count_label.text() == "10 documents"


@pytest.mark.gui
@pytest.mark.browser
def test_no_matches_says_so(gui, qloop, fresh_site, monkeypatch):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)

    async def scenario() -> None:
        _type(panel, "nothingmatchesthis")
        await until(lambda: panel.shown_query == "nothingmatchesthis")

    run(qloop, scenario())
    assert panel.count_label.text() == "No matches for “nothingmatchesthis”"
    assert panel.results.placeholder_text.startswith("No matches for “nothingmatchesthis”")
    assert panel.preview.document_id is None
    assert not panel.action_open.isEnabled() and not panel.action_export_selected.isEnabled()

    # A very large knowledge base: without a query the list holds only the newest documents, and says so.
    monkeypatch.setattr(documents_panel, "LIST_LIMIT", 4)
    run(qloop, _clear_and_wait(panel))
    assert panel.count_label.text() == "Newest 4 of 10 documents"
    newest_ids = sorted((d.id for d in context.app.documents.list()), reverse=True)[:4]
    assert sorted((r.id for r in panel.model.rows()), reverse=True) == newest_ids


@pytest.mark.gui
@pytest.mark.browser
def test_a_slow_old_query_never_overwrites_a_newer_one(gui, qloop, fresh_site, monkeypatch):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)
    documents = context.app.documents
    real_search = documents.search
    slow_started, newer_shown, slow_finished = threading.Event(), threading.Event(), threading.Event()

    def search(text: str, **options):
        if text == "marzipan":  # the first query is slow: it finishes after the second one is shown
            slow_started.set()
            newer_shown.wait(60)
            try:
                return real_search(text, **options)
            finally:
                slow_finished.set()
        return real_search(text, **options)

    monkeypatch.setattr(documents, "search", search)

    async def scenario() -> None:
        _type(panel, "marzipan")
        await until(slow_started.is_set, what="the slow query to start")
        _type(panel, "quartz")
        await until(lambda: panel.shown_query == "quartz", what="the newer results")
        newer_shown.set()
        await until(slow_finished.is_set, what="the slow query to finish")
        await context.tasks.wait_all()  # its (dropped) results have arrived: every query task has ended

    run(qloop, scenario())
    assert panel.shown_query == "quartz"
    assert _titles(panel) == ["Reference"]
    assert panel.count_label.text() == "1 match for “quartz”"

    # Typing fast: only the last text is searched.
    asked: list[str] = []
    monkeypatch.setattr(documents, "search", lambda text, **o: asked.append(text) or real_search(text, **o))

    async def fast() -> None:
        _type(panel, "relocated")
        _type(panel, "tortoise")
        await until(lambda: panel.shown_query == "tortoise")

    run(qloop, fast())
    assert asked == ["tortoise"] and _titles(panel) == ["Reference"]
    assert context.dialogs.errors == []


@pytest.mark.gui
@pytest.mark.browser
def test_a_slow_preview_never_replaces_the_current_documents(gui, qloop, fresh_site, monkeypatch):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)
    first = panel.current_row()  # the list keeps a current document, shown in the preview
    first_at = panel.model.rows().index(first)
    second_at = 1 if first_at == 0 else 0
    second = panel.model.row(second_at)
    documents = context.app.documents
    real_get = documents.get
    slow_started, release = threading.Event(), threading.Event()

    def get(document_id: int):
        if document_id == second.id:  # the second document loads slowly
            slow_started.set()
            release.wait(30)
        return real_get(document_id)

    monkeypatch.setattr(documents, "get", get)
    selection = panel.results.selectionModel()

    async def scenario() -> None:
        await until(lambda: panel.preview.document_id == first.id, what="the first document in the preview")
        selection.setCurrentIndex(panel.model.index(second_at), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        await until(slow_started.is_set, what="the second document to start loading")
        selection.setCurrentIndex(panel.model.index(first_at), QItemSelectionModel.SelectionFlag.ClearAndSelect)  # back
        release.set()
        await context.tasks.wait_all()  # the slow load has ended (and was dropped)

    run(qloop, scenario())
    assert panel.current_row().id == first.id
    assert panel.preview.document_id == first.id and panel.preview.title_label.text() == first.display_title


@pytest.mark.gui
@pytest.mark.browser
def test_open_original_and_links_in_the_preview_go_to_the_system_browser(gui, qloop, fresh_site, monkeypatch):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)
    opened: list[str] = []
    monkeypatch.setattr(panel, "open_url", opened.append)

    async def scenario() -> None:
        _type(panel, "marzipan")
        # The preview loads off-thread: wait for the match itself, not whatever was shown before.
        await until(
            lambda: (
                panel.shown_query == "marzipan"
                and panel.preview.shown is not None
                and panel.preview.shown.url == fresh_site.url("/docs/guide")
            ),
            what="the guide in the preview",
        )

    run(qloop, scenario())
    assert panel.action_open.isEnabled()
    assert "Ctrl+O" in panel.action_open.toolTip()
    panel.action_open.trigger()
    assert opened == [fresh_site.url("/docs/guide")]

    panel.preview.browser.anchorClicked.emit(QUrl(fresh_site.url("/docs/reference")))
    panel.preview.browser.anchorClicked.emit(QUrl("getting-started"))  # relative: against the document's URL
    assert opened[1:] == [fresh_site.url("/docs/reference"), fresh_site.url("/docs/getting-started")]


@pytest.mark.gui
@pytest.mark.browser
def test_export_selected_and_all_write_a_vault_with_front_matter_and_links(gui, qloop, fresh_site, tmp_path: Path):
    window, context = gui
    panel = _crawl_with_view_open(window, context, qloop, fresh_site)
    _select_titles(panel, ["The Guide", "Reference"])
    assert panel.action_export_selected.isEnabled()
    assert sorted(r.title for r in panel.selected_rows()) == ["Reference", "The Guide"]
    target = tmp_path / "exported"
    context.dialogs.answer(target)
    panel.action_export_selected.trigger()
    run(qloop, until(lambda: context.dialogs.infos, what="the export message"))

    host = fresh_site.url("/").split("//", 1)[1].rstrip("/").replace(":", "-")
    files = sorted(str(f.relative_to(target)) for f in target.rglob("*.md"))
    assert files == [f"{host}/docs/guide.md", f"{host}/docs/reference.md"]
    guide = (target / host / "docs" / "guide.md").read_text(encoding="utf-8")
    assert guide.startswith(f'---\nurl: "{fresh_site.url("/docs/guide")}"\ntitle: "The Guide"\ncrawled: "')
    assert "\n---\n# The Guide\n" in guide and "marzipan lighthouse" in guide
    assert "[reference](reference.md)" in guide  # exported: a relative link to its file
    assert f"({fresh_site.url('/docs/getting-started')})" in guide  # not exported: the web address
    assert context.dialogs.infos[0][0] == "Export finished"
    assert "Exported 2 documents as Markdown (2 new or changed, 0 unchanged)" in context.dialogs.infos[0][1]
    assert not panel.export.bar.isVisible() and not panel.export.action_cancel.isEnabled()

    # Everything into the same folder: the others are added, and the two files are updated in place where
    # they link to pages exported now (the guide does; the reference's links are its own to choose).
    reference = (target / host / "docs" / "reference.md").read_text(encoding="utf-8")
    rewritten = 1 + ("](http" in reference)
    context.dialogs.answer(target)
    panel.action_export_all.trigger()
    run(qloop, until(lambda: len(context.dialogs.infos) == 2, what="the second export"))
    assert len(list(target.rglob("*.md"))) == 10
    changed = f"({8 + rewritten} new or changed, {2 - rewritten} unchanged)"
    assert f"Exported 10 documents as Markdown {changed}" in context.dialogs.infos[1][1]
    guide = (target / host / "docs" / "guide.md").read_text(encoding="utf-8")
    assert "[getting started](getting-started.md)" in guide
    context.dialogs.answer(target)  # once more: nothing changed, nothing is rewritten
    panel.action_export_all.trigger()
    run(qloop, until(lambda: len(context.dialogs.infos) == 3, what="the third export"))
    assert "(0 new or changed, 10 unchanged)" in context.dialogs.infos[2][1]

    context.dialogs.answer(None)  # the user cancels the folder dialog: nothing happens
    panel.action_export_all.trigger()
    run(qloop, context.tasks.wait_all())
    assert len(context.dialogs.infos) == 3 and context.dialogs.errors == []


def test_snippet_marks_are_plain_text_and_counts_read_well():
    text, ranges = split_marked("<b>not bold</b> \u0002Fog\u0003 and \u0002signal\u0003…")
    assert text == "<b>not bold</b> Fog and signal…"
    assert [text[s : s + n] for s, n in ranges] == ["Fog", "signal"]
    assert split_marked("cut \u0002sho")[1] == [(4, 3)]
    assert count_text("", 1, searching=False) == "1 document"
    assert count_text("fog ", 3, searching=True) == "3 matches for “fog”"
    assert count_text("fog", 200, searching=True) == "First 200 matches for “fog”"
    assert count_text('"event loop"', 7, searching=True) == '7 matches for "event loop"'  # not ""event loop""
    assert count_text('"event loop" asyncio', 2, searching=True) == '2 matches for “"event loop" asyncio”'
    # The empty list says it the same way; a long phrase keeps its closing quote.
    assert no_matches_text(' "event loop" ') == 'No matches for "event loop"\nTry other or fewer words.'
    assert count_text(f'"{"x" * 60}"', 0, searching=True) == f'No matches for "{"x" * 37}…"'  # 40 characters
    assert count_text("", 5000, searching=False, total=5001) == "Newest 5,000 of 5,001 documents"
    by_title = count_text("", 5000, searching=False, total=5001, order=DocumentOrder.TITLE)
    assert by_title == "First 5,000 of 5,001 documents by title"  # not "Newest": they are A to Z
    assert count_text("x" * 60, 0, searching=True) == f"No matches for “{'x' * 39}…”"
