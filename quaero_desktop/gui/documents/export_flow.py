"""Exporting from the Documents view: a Markdown vault (or JSON Lines), with progress and Cancel.

The export runs in a thread (``in_thread``); its progress reaches the GUI thread through the
loop (``call_soon_threadsafe``), at most every 100 ms. Cancel sets an event the export checks
between documents: it stops with whole files and a manifest that matches them, so exporting
into the same folder again carries on.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMenu, QProgressBar, QPushButton, QToolBar, QToolButton, QWidget

from quaero_desktop.domain.document import DocumentFilter
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.services.document_export import ExportCancelled, ExportResult
from quaero_desktop.services.export_formats import ExportFormat

_PROGRESS_EVERY_S = 0.1


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' if count != 1 else ''}"


def finished_text(result: ExportResult, fmt: ExportFormat) -> str:
    if fmt == "jsonl":
        return f"Wrote {_plural(result.exported, 'document')} to {result.files[0]} (one JSON object per line)"
    parts = [f"{result.written:,} new or changed", f"{result.unchanged:,} unchanged"]
    if result.removed:
        parts.append(f"{result.removed:,} removed (no longer in the knowledge base)")
    return (
        f"Exported {_plural(result.exported, 'document')} as Markdown ({', '.join(parts)}) to {result.directory}.\n"
        "Open the folder as a vault in Obsidian or a graph in Logseq; exporting here again updates it."
    )


class ExportFlow(QObject):
    """The view's export actions, its progress bar and its Cancel button."""

    def __init__(
        self,
        context: GuiContext,
        owner: QWidget,
        toolbar: QToolBar,
        selected_ids: Callable[[], list[int]],
        current_filter: Callable[[], DocumentFilter],
        on_running_changed: Callable[[], None],
    ) -> None:
        super().__init__(owner)
        self._context = context
        self._selected_ids = selected_ids
        self._current_filter = current_filter
        self._on_running_changed = on_running_changed
        self._cancel = threading.Event()
        self.running = False

        self.action_selected = _action(owner, "Export selected…", "Ctrl+E", "Save the selected documents as Markdown")
        self.action_selected.triggered.connect(lambda: self.start(self._selected_ids() or None, "markdown"))
        self.action_all = _action(
            owner,
            "Export all…",
            "Ctrl+Shift+E",
            "Save every document shown (all sources, or the one chosen) as a vault",
        )
        self.action_all.triggered.connect(lambda: self.start(None, "markdown"))
        self.action_jsonl = QAction("Export all as JSON Lines…", owner)
        self.action_jsonl.setToolTip("One .jsonl file, a JSON object per document (the Markdown included)")
        self.action_jsonl.triggered.connect(lambda: self.start(None, "jsonl"))
        self.action_cancel = QAction("Cancel export", owner)
        self.action_cancel.setToolTip("Stop the export (the files written so far are whole)")
        self.action_cancel.triggered.connect(self.cancel)
        # Below the toolbar while an export runs: a toolbar hides what does not fit its width.
        self.bar = QWidget(owner)
        self.progress = QProgressBar(self.bar)
        self.progress.setFormat("Exporting… %v of %m documents")
        self.progress.setTextVisible(True)
        cancel_button = QPushButton("Cancel", self.bar)
        cancel_button.setToolTip(self.action_cancel.toolTip())
        cancel_button.clicked.connect(self.action_cancel.trigger)
        self.action_cancel.enabledChanged.connect(cancel_button.setEnabled)
        bar_layout = QHBoxLayout(self.bar)
        bar_layout.setContentsMargins(8, 4, 8, 4)
        bar_layout.addWidget(self.progress, 1)
        bar_layout.addWidget(cancel_button)

        toolbar.addAction(self.action_selected)
        all_button = QToolButton(toolbar)
        all_button.setDefaultAction(self.action_all)
        all_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(all_button)
        menu.addAction(self.action_all)
        menu.addAction(self.action_jsonl)
        all_button.setMenu(menu)
        toolbar.addWidget(all_button)
        owner.addAction(self.action_cancel)
        self._show_running(False, notify=False)

    def start(self, ids: list[int] | None, fmt: ExportFormat) -> None:
        if not self.running:
            self._context.tasks.start(self._export(ids, fmt), what="Exporting documents")

    def cancel(self) -> None:
        self._cancel.set()
        self.action_cancel.setEnabled(False)

    async def _export(self, ids: list[int] | None, fmt: ExportFormat) -> None:
        what = "all documents" if ids is None else _plural(len(ids), "selected document")
        how = "as a Markdown vault" if fmt == "markdown" else "as JSON Lines"
        directory = await self._context.dialogs.choose_directory(f"Export {what} {how} to…")
        if directory is None:
            return
        where = None if ids is not None else self._current_filter()
        loop = asyncio.get_running_loop()
        last_shown = 0.0

        def progress(done: int, total: int) -> None:  # in the export thread
            nonlocal last_shown
            now = time.monotonic()
            if now - last_shown >= _PROGRESS_EVERY_S or done == total:
                last_shown = now
                loop.call_soon_threadsafe(self._set_progress, done, total)

        self._cancel.clear()
        self._show_running(True)
        documents = self._context.app.documents
        try:
            result = await in_thread(
                lambda: documents.export(
                    Path(directory), ids=ids, fmt=fmt, where=where, progress=progress, cancelled=self._cancel.is_set
                )
            )
        except ExportCancelled as stopped:
            self._context.dialogs.info(
                "Export cancelled",
                f"{str(stopped).capitalize()}. The files written are whole; export again to finish.",
                folder=Path(directory),
            )
            return
        except OSError as exc:  # a folder that cannot be made or written (permissions, a full disk…)
            self._context.dialogs.error("Export failed", f"Could not write to {directory}: {exc.strerror or exc}.")
            return
        finally:
            self._show_running(False)
        self._context.dialogs.info("Export finished", finished_text(result, fmt), folder=result.directory)

    def _set_progress(self, done: int, total: int) -> None:
        if self.running:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)

    def _show_running(self, running: bool, *, notify: bool = True) -> None:
        self.running = running
        self.progress.setValue(0)
        self.progress.setMaximum(0)  # busy until the first progress report
        self.bar.setVisible(running)
        self.action_cancel.setEnabled(running)
        if notify:
            self._on_running_changed()


def _action(owner: QWidget, text: str, shortcut: str, tip: str) -> QAction:
    action = QAction(text, owner)
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
    owner.addAction(action)
    return action
