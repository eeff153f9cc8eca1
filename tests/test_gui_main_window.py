"""The main window itself: its status bar, its keyboard shortcuts, its size on the screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcutEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from quaero_desktop.domain.job import Progress
from quaero_desktop.gui.jobs.column_widths import NAME_MINIMUM, NAME_WIDTH
from quaero_desktop.gui.jobs.jobs_model import JobColumn
from quaero_desktop.gui.jobs.progress_delegate import shown_text, text_area
from quaero_desktop.gui.main_window import MainWindow
from quaero_desktop.gui.settings.settings_dialog import SettingsDialog
from tests.conftest import ROOT, make_definition
from tests.gui_support import run, shows_the_stored_job, store_finished_job
from tests.waiting import until

pytestmark = pytest.mark.gui


@pytest.mark.browser
def test_the_status_bar_shows_the_stores_document_count_after_a_re_crawl(gui, qloop, fresh_site):
    """A re-crawl updates the documents it stored before: the count stays the store's."""
    window, context = gui
    definition = make_definition([fresh_site.url("/docs/guide")], max_depth=0)

    async def crawl_and_settle() -> None:
        window.jobs.run(definition)
        await until(lambda: len(window.jobs.model.job_ids()) == runs + 1, what="the new job")
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


# ----- keyboard shortcuts -----

_ADVERTISED = re.compile(r"\((Ctrl\+\S+?|Esc|F\d+)[ )]")  # "(Ctrl+F)", "(Ctrl+C in the pages table)", "(Esc)"
_CONTAINERS = (QMenu, QMenuBar, QToolBar, QToolButton)


class _ShortcutSpy(QObject):
    """Records which actions a key press reached (Qt's shortcut events), and keeps the actions from running."""

    def __init__(self) -> None:
        super().__init__()
        self.reached: list[tuple[QAction, bool]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(watched, QAction):
            assert isinstance(event, QShortcutEvent)
            self.reached.append((watched, event.isAmbiguous()))
            return True
        return False


def _focus_target(owner: QWidget) -> QWidget:
    """Where the keyboard focus goes for ``owner``'s shortcuts: the owner, or a focusable widget in it."""
    if owner.focusPolicy() != Qt.FocusPolicy.NoFocus:
        return owner
    return next(w for w in owner.findChildren(QWidget) if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisible())


def _press(widget: QWidget, key: QKeySequence) -> None:
    combination = key[0]
    QTest.keyClick(widget, combination.key(), combination.keyboardModifiers())


def _advertised_keys(window: QWidget) -> list[tuple[QWidget, str]]:
    """Every "(Ctrl+…)" a tooltip or placeholder of a widget in ``window`` promises."""
    found = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window:
            continue  # a window of its own (a job's window is a child of the main window)
        texts = [widget.toolTip(), widget.placeholderText() if isinstance(widget, QLineEdit) else ""]
        found += [(widget, key) for text in texts for key in _ADVERTISED.findall(text + " ")]
    return found


async def _active(window: QWidget) -> None:
    window.activateWindow()
    await until(lambda: QApplication.activeWindow() is window, what=f"{window.windowTitle()} active")


def test_every_shortcut_reaches_one_action_in_its_view_and_the_advertised_ones_are_there(gui, qloop):
    """Each action's keys, pressed where they apply, reach that action alone (two actions on one key
    are "ambiguous" to Qt and neither runs); each key a tooltip, placeholder or the README names is one."""
    window, context = gui
    store_finished_job(context.app, "job-1", crawl_seconds=5, wall=timedelta(seconds=6))
    spy = _ShortcutSpy()
    QApplication.instance().installEventFilter(spy)
    checked: dict[QWidget, set[str]] = {}

    async def check_window(top: QWidget, tabs: QTabWidget, views: list[QWidget]) -> None:
        """``views``: the tabs of ``top`` (their actions), then ``top`` itself (its own actions: menus, toolbar)."""
        await _active(top)
        for view in views:
            if view is not top:
                tabs.setCurrentWidget(view)
                actions = view.findChildren(QAction)
            else:
                actions = [a for a in top.findChildren(QAction) if a.parent() is top]
            for action in actions:
                if not action.shortcuts():
                    continue
                owners = [
                    o for o in action.associatedObjects() if isinstance(o, QWidget) and not isinstance(o, _CONTAINERS)
                ]
                owner = owners[0] if owners and owners[0].isVisible() else tabs.currentWidget()
                target = _focus_target(owner)
                for key in action.shortcuts():
                    action.setEnabled(True)  # reached or not: the spy keeps it from running
                    target.setFocus()
                    spy.reached.clear()
                    _press(target, key)
                    name = key.toString()
                    assert spy.reached == [(action, False)], f"{name} in {type(view).__name__}: {spy.reached}"
                    checked.setdefault(top, set()).add(name)

    async def scenario() -> None:
        await window.jobs.reload()
        window.show_view(window.definitions)
        window.definitions.new_definition()  # the form's own keys (Ctrl+S, Esc) are live while it is open
        await until(window.definitions.editor.isVisible, what="the form")
        views = [window.jobs, window.definitions, window.logins, window.documents]
        await check_window(window, window.tabs, [*views, window])
        detail = window.job_details.open("job-1")
        await until(lambda: detail.pages.model.total == 0 and detail.job is not None, what="the job window")
        await check_window(detail, detail.tabs, [detail.pages, detail.log, detail])
        return detail

    try:
        detail = run(qloop, scenario())
    finally:
        QApplication.instance().removeEventFilter(spy)
    for top in (window, detail):
        promised = {key for _widget, key in _advertised_keys(top)}
        missing = {key for key in promised if QKeySequence(key).toString() not in checked[top]}
        assert not missing, f"advertised in {type(top).__name__} but no action has them: {missing}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keyboard = readme[readme.index("Keyboard:") :].split("\n\n")[0]
    promised = set(re.findall(r"Ctrl\+[^\s,.…]+|Ctrl\+\.", keyboard)) | {f"Ctrl+{n}" for n in range(1, 5)}
    assert not {key for key in promised if QKeySequence(key).toString() not in checked[window]}, promised
    detail.close()
    assert context.dialogs.errors == []


def test_the_window_keys_do_what_the_readme_says(gui, qloop):
    window, context = gui
    quits: list[bool] = []
    window.quitRequested.connect(lambda: quits.append(True))
    jobs, definitions, logins, documents = window.jobs, window.definitions, window.logins, window.documents

    def press(key: str) -> None:
        _press(QApplication.focusWidget() or window, QKeySequence(key))

    async def scenario() -> None:
        await _active(window)
        for number, view in enumerate((jobs, definitions, logins, documents), start=1):
            press(f"Ctrl+{number}")
            assert window.tabs.currentWidget() is view
        # Ctrl+F: the filter in Definitions; the documents search from anywhere else.
        for view, field in (
            (definitions, definitions.filter_edit),
            (jobs, documents.search_edit),
            (logins, documents.search_edit),
            (documents, documents.search_edit),
        ):
            window.show_view(view)
            view.findChild(QAbstractItemView).setFocus()
            press("Ctrl+F")
            assert QApplication.focusWidget() is field, type(view).__name__

        window.show_view(definitions)
        press("Ctrl+R")  # run a definition: the Jobs view's Run menu, from any view
        await until(jobs.run_menu.isVisible, what="the Run menu")
        assert window.tabs.currentWidget() is jobs
        jobs.run_menu.hide()

        press("Ctrl+,")
        settings = await until(
            lambda: next((d for d in window.findChildren(SettingsDialog) if d.isVisible()), None), what="Settings"
        )
        settings.close()
        await _active(window)

        context.dialogs.answer((None, False))  # no tray here: closing asks; the answer keeps the window
        press("Ctrl+W")
        await context.tasks.wait_all()
        assert context.dialogs.asked[-1][0] == "Keep Quaero Desktop running?" and window.isVisible()
        press("Ctrl+Q")
        assert quits == [True]

    run(qloop, scenario())
    assert context.dialogs.errors == []


# ----- the window on the screen -----


def test_the_window_fits_the_screen_and_restores_only_a_place_that_still_fits(gui, desktop, qloop):
    window, _context = gui
    screen = window.screen().availableGeometry()
    assert (screen.width(), screen.height()) == (1366, 768)  # tests/fixtures/offscreen-screen.json

    def on_screen(widget: QWidget) -> bool:
        top_left = widget.mapToGlobal(QPoint(0, 0))
        return widget.isVisible() and screen.contains(QRect(top_left, widget.size()))

    assert screen.contains(window.frameGeometry()) and on_screen(window.statusBar())
    assert window.width() == 1280 and window.height() < 768 * 0.95  # room for a title bar above it
    first = window.geometry()

    def reopened() -> QWidget:
        window.save_geometry()
        return MainWindow(desktop.context)

    window.setGeometry(100, 60, 1000, 600)  # moved and resized by the user: restored as it was
    again = reopened()
    assert again.geometry() == QRect(100, 60, 1000, 600)
    again.deleteLater()
    window.setGeometry(0, 0, 1900, 1150)  # saved on a larger monitor, since unplugged: a first start's
    again = reopened()
    assert again.geometry() == first and screen.contains(again.frameGeometry())
    again.deleteLater()


def test_a_narrow_window_keeps_the_jobs_progress_readable(gui, qloop):
    """At 1024×640 the columns share the width so a running crawl's progress text shows whole;
    narrower still, it is cut at its end."""
    window, context = gui
    store_finished_job(context.app, "job-1", crawl_seconds=5, wall=timedelta(seconds=6))
    run(qloop, window.jobs.reload())
    progress = Progress(pending=86, running=4, completed=410, failed=3, documents=400)
    context.bridge.progressChanged.emit({"job-1": progress})  # as the engine reports a crawl under way
    table = window.jobs.table

    def shown_at(width: int, height: int) -> str:
        window.resize(width, height)
        QApplication.processEvents()
        assert table.horizontalScrollBar().maximum() == 0  # every column in view
        cell = table.visualRect(window.jobs.proxy.index(0, JobColumn.PROGRESS))
        return shown_text(progress.text, table.fontMetrics(), text_area(cell))

    assert shown_at(1024, 640) == progress.text
    assert table.columnWidth(JobColumn.NAME) >= NAME_MINIMUM
    narrow = shown_at(860, 600)
    assert narrow.endswith("…") and progress.text.startswith(narrow[:-1]) and len(narrow) > 20
    assert shown_at(1280, 720) == progress.text and table.columnWidth(JobColumn.NAME) == NAME_WIDTH
