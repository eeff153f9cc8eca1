"""The Documents view: search the knowledge base as you type, read a page, open or export it.

Every query runs in a thread; each carries a generation number and only the newest one's
results are shown, so a slow old query never overwrites what the user typed since.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder
from quaero_desktop.domain.errors import NotFoundError
from quaero_desktop.domain.search_syntax import parse_query
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.documents.count_text import SEARCH_LIMIT, count_text, no_matches_text
from quaero_desktop.gui.documents.export_flow import ExportFlow
from quaero_desktop.gui.documents.filter_bar import FilterBar
from quaero_desktop.gui.documents.preview import DocumentPreview
from quaero_desktop.gui.documents.results_model import MARK, ResultRow, ResultsModel, newest_first
from quaero_desktop.gui.documents.results_view import ResultsView
from quaero_desktop.gui.system_open import SystemOpener, no_browser_message

SEARCH_DEBOUNCE_MS = 200
REFRESH_INTERVAL_MS = 1000  # at most one refresh a second while a crawl stores documents
LIST_LIMIT = 5000  # without a query: the newest this many (a search reaches every document)
NO_DOCUMENTS = "No documents yet — run a crawl from the Jobs view"
NO_DOCUMENTS_HERE = "No documents from this source or site"
SEARCH_TOOLTIP = (
    "<b>Search as you type</b> (Esc clears, ↓ goes to the results)<br>"
    '<code>fog signal</code> both words · <code>"fog signal"</code> the phrase<br>'
    "<code>fog OR mist</code> either word · <code>-horn</code> without the word<br>"
    "<code>sign*</code> words starting with sign · <code>title:keeper</code> in the title<br>"
    "<code>site:example.com</code> from a site · <code>source:team-wiki</code> from a definition<br>"
    "Anything else is taken literally. Whole words rank before prefix matches, titles before text."
)


class DocumentsPanel(QWidget):
    def __init__(self, context: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._generation = 0  # of the newest query; older results are dropped
        self._preview_generation = 0
        self._shown_query: str | None = None  # what the list shows results for (None: not loaded yet)
        self._restoring = False
        self._total: int | None = None  # every stored document, when the list shows only the newest
        self._options_stale = True  # the source and site menus need (re)loading

        self.model = ResultsModel(self)
        self.results = ResultsView(self)
        self.results.setModel(self.model)
        self.preview = DocumentPreview(self)
        self.search_edit = QLineEdit(self)
        self.filter_bar = FilterBar(self)
        self.count_label = QLabel(self)
        self._opener = SystemOpener(self)
        self._build_layout()
        self._build_actions()
        self.export = ExportFlow(
            context, self, self.toolbar, self.selected_ids, self.filter_bar.current_filter, self._update_actions
        )
        self.action_export_selected = self.export.action_selected
        self.action_export_all = self.export.action_all
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.export.bar)  # between the toolbar and the results

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._start_query)
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_INTERVAL_MS)
        self._refresh_timer.timeout.connect(self._start_query)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.installEventFilter(self)
        selection = self.results.selectionModel()
        selection.currentChanged.connect(lambda *_: self._on_current_changed())
        selection.selectionChanged.connect(lambda *_: self._update_actions())
        self.results.doubleClicked.connect(lambda index: self.open_url(self.model.row(index.row()).url))
        self.preview.linkActivated.connect(lambda url: self.open_url(url))
        context.bridge.documentsSaved.connect(self._on_documents_saved)
        self.filter_bar.changed.connect(self._start_query)
        self._update_actions()

    # ----- building -----

    def _build_layout(self) -> None:
        self.search_edit.setPlaceholderText("Search the documents (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(280)  # at 1280 px the toolbar keeps Export all beside the filters and sort
        self.search_edit.setToolTip(SEARCH_TOOLTIP)
        self.count_label.setMinimumWidth(200)
        self.count_label.setContentsMargins(10, 0, 10, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.results)
        self.splitter.addWidget(self.preview)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.results.setMinimumWidth(280)
        self.preview.setMinimumWidth(320)
        self.splitter.setSizes([480, 800])
        self.toolbar = QToolBar("Documents", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addWidget(self.search_edit)
        self.toolbar.addWidget(self.filter_bar)
        self.toolbar.addWidget(self.count_label)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

    def _build_actions(self) -> None:
        self.action_open = self._action(
            "Open original", "Ctrl+O", self._open_original, "Open the page in your web browser"
        )
        self.action_copy = self._action(
            "Copy URL", "Ctrl+Shift+C", self._copy_urls, "Copy the selected documents' URLs"
        )
        self.toolbar.addSeparator()
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results.customContextMenuRequested.connect(self._context_menu)

    def _action(
        self, text: str, shortcut: str, slot: Callable[[], object], tip: str, *, toolbar: bool = True
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        action.triggered.connect(slot)
        if toolbar:
            self.toolbar.addAction(action)
        self.addAction(action)
        return action

    # ----- loading and searching -----

    @property
    def shown_query(self) -> str | None:
        """The text the list currently shows results for ("" = every document; None before loading)."""
        return self._shown_query

    async def reload(self) -> None:
        """Run the current query now (every document when the search box is empty)."""
        self._search_timer.stop()
        await self._query(self.search_edit.text())

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _start_query(self) -> None:
        self._search_timer.stop()
        self._context.tasks.start(self._query(self.search_edit.text()), what="Searching the documents")

    async def _query(self, text: str) -> None:
        self._generation += 1
        generation = self._generation
        searching = not parse_query(text).is_empty  # only punctuation or nothing: list every document
        documents = self._context.app.documents
        where = self.filter_bar.current_filter()
        if self._options_stale:
            self._options_stale = False
            self._context.tasks.start(self._load_filter_options(), what="Listing the sources")
        order = self.filter_bar.current_order()
        if searching:
            hits = await in_thread(
                lambda: documents.search(
                    text, limit=SEARCH_LIMIT, mark=MARK, where=where, as_you_type=True, order=order
                )
            )
            rows = [ResultRow.from_hit(hit) for hit in hits]
            total = None
        else:
            rows, total = await in_thread(self._listed_documents, where, order)
        if generation != self._generation:
            return  # the user typed on: a newer query's results win
        self._total = total
        self._show(text if searching else "", rows, searching=searching)
        self._context.tasks.start(self._load_counts(text, where, generation), what="Counting the matches")

    async def _load_counts(self, text: str, where: DocumentFilter, generation: int) -> None:
        """The shown search's counts per source and site, beside the menus (after its results: they wait)."""
        facets = await in_thread(lambda: self._context.app.documents.facets(text, where=where, as_you_type=True))
        if generation == self._generation:
            self.filter_bar.show_counts(facets)

    def _listed_documents(self, where: DocumentFilter, order: DocumentOrder) -> tuple[list[ResultRow], int]:
        """In a thread: every document (no words to search for) in ``order``, at most LIST_LIMIT of them."""
        if order == DocumentOrder.RELEVANCE:
            return self._newest_documents(where)
        documents = self._context.app.documents
        hits = documents.search("", limit=LIST_LIMIT, mark=MARK, where=where, order=order)
        return [ResultRow.from_hit(hit) for hit in hits], documents.count(where=where)

    def _newest_documents(self, where: DocumentFilter) -> tuple[list[ResultRow], int]:
        """In a thread: the newest LIST_LIMIT documents (by first crawl) and how many there are."""
        documents = self._context.app.documents
        total = documents.count(where=where)
        return newest_first(documents.list(limit=LIST_LIMIT, offset=max(total - LIST_LIMIT, 0), where=where)), total

    async def _load_filter_options(self) -> None:
        app = self._context.app
        sources, sites = await in_thread(lambda: (app.sources.list(), app.documents.sites()))
        self.filter_bar.set_options([(s.id, s.name, s.documents) for s in sources if s.documents], sites)

    def _show(self, query: str, rows: list[ResultRow], *, searching: bool) -> None:
        current = self.current_row()
        selected = self.selected_ids()
        query_changed = query != self._shown_query
        self._restoring = True
        try:
            self.model.set_rows(rows, searching=searching)
            if query_changed:
                # Another query: its best match is selected and read. Keeping the document selected
                # before (still among the results, further down) left the preview on it while the
                # list's top said otherwise ("asyncio" read beside "Index – D" for `json OR pickle`).
                self._select_first()
            else:  # the same query again (a crawl stored more): the selection stays where it was
                self._restore_selection(selected, current.id if current else None)
        finally:
            self._restoring = False
        self._shown_query = query
        cut = parse_query(query).cut if searching else ""  # a query over its bounds: said beside the count
        self.count_label.setText(
            count_text(query, len(rows), searching=searching, total=self._total, order=self.filter_bar.current_order())
            + (" (query shortened)" if cut else "")
        )
        self.count_label.setToolTip(cut)
        empty = NO_DOCUMENTS_HERE if self.filter_bar.is_narrowed else NO_DOCUMENTS
        self.results.set_placeholder_text(no_matches_text(query) if searching else empty)
        self._sync_preview(mark_again=query_changed)
        self._update_actions()

    def _select_first(self) -> None:
        selection = self.results.selectionModel()
        if self.model.rowCount() == 0:
            selection.clear()
            return
        first = self.model.index(0)
        selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.results.scrollTo(first)

    def _restore_selection(self, selected_ids: list[int], current_id: int | None) -> None:
        selection = self.results.selectionModel()
        if selection.hasSelection() or self.model.rowCount() == 0:
            return  # rows were only inserted or updated: Qt kept the selection
        positions = self.model.positions(selected_ids)
        current = self.model.position_of(current_id)
        if current is None:
            current, positions = 0, [0]
        flags = QItemSelectionModel.SelectionFlag.Select
        selection.setCurrentIndex(self.model.index(current), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        for position in positions:
            selection.select(self.model.index(position), flags)
        self.results.scrollTo(self.model.index(current))

    def _on_documents_saved(self, _count: int) -> None:
        """While a crawl stores documents: refresh at most once a second, and only when on screen
        (showing the view refreshes it anyway)."""
        self._options_stale = True  # new sources or sites: the menus catch up with the next refresh
        if self.isVisible() and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)  # ready to type a query
        if self._shown_query is not None:  # loaded before: catch up with crawls and deletions
            self._options_stale = True
            self._start_query()

    # ----- preview -----

    def current_row(self) -> ResultRow | None:
        index = self.results.selectionModel().currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _on_current_changed(self) -> None:
        if not self._restoring:
            self._sync_preview(mark_again=False)
        self._update_actions()

    def _sync_preview(self, *, mark_again: bool) -> None:
        row = self.current_row()
        # A load still running (or not started yet) is for an earlier current row: it must not
        # overwrite what this call shows, even when the row is back to the document shown.
        self._preview_generation += 1
        if row is None:
            empty = (
                "Press Esc to clear the search and list every document"
                if self.model.searching
                else ("Crawled pages appear here, as Markdown")
            )
            self.preview.clear("Select a document to read it here" if self.model.rowCount() else empty)
        elif row.id != self.preview.document_id:
            self._context.tasks.start(self._load_preview(row.id, self._preview_generation), what="Showing the document")
        elif mark_again:
            self.preview.mark_words(self._shown_query or "")

    async def _load_preview(self, document_id: int, generation: int) -> None:
        try:
            document = await in_thread(self._context.app.documents.get, document_id)
        except NotFoundError:
            if generation == self._preview_generation:
                self.preview.clear("This document is no longer in the knowledge base")
            return
        if generation == self._preview_generation:
            self.preview.show_document(document, self._shown_query or "")

    # ----- actions -----

    def selected_rows(self) -> list[ResultRow]:
        indexes = sorted(self.results.selectionModel().selectedIndexes(), key=QModelIndex.row)
        return [self.model.row(index.row()) for index in indexes]

    def selected_ids(self) -> list[int]:
        return [row.id for row in self.selected_rows()]

    def open_url(self, url: str) -> None:
        """Open ``url`` in the system browser (tests replace this method); say so when none opened it."""
        dialogs = self._context.dialogs
        self._opener.open(
            QUrl(url), lambda why: dialogs.error("The page did not open", no_browser_message(url, why), copy=url)
        )

    def _open_original(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_url(row.url)

    def _copy_urls(self) -> None:
        urls = [row.url for row in self.selected_rows()]
        if urls:
            QGuiApplication.clipboard().setText("\n".join(urls))

    def _update_actions(self) -> None:
        selected = self.results.selectionModel().hasSelection()
        self.action_open.setEnabled(self.current_row() is not None)
        self.action_copy.setEnabled(selected)
        exporting = self.export.running
        self.action_export_selected.setEnabled(selected and not exporting)
        has_documents = self.model.rowCount() > 0 or self.model.searching
        self.action_export_all.setEnabled(has_documents and not exporting)
        self.export.action_jsonl.setEnabled(has_documents and not exporting)

    def _context_menu(self, position: QPoint) -> None:
        if not self.results.indexAt(position).isValid():
            return
        menu = QMenu(self)
        for action in (self.action_open, self.action_copy, self.action_export_selected):
            menu.addAction(action)
        menu.popup(self.results.viewport().mapToGlobal(position))

    # ----- keys in the search box -----

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount():
                self.results.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)
