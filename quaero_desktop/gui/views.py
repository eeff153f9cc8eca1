"""The views beside Jobs, and how they are wired to the main window.

Each view is a QWidget built as ``View(context, parent)`` with an ``async reload()`` the
main window awaits once the event loop runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QWidget

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.gui.context import GuiContext

if TYPE_CHECKING:
    from quaero_desktop.gui.main_window import MainWindow

ViewT = TypeVar("ViewT", bound=QWidget)


def build_views(context: GuiContext) -> dict[str, QWidget]:
    """Tab title -> view, in order (Jobs comes first, built by the main window)."""
    from quaero_desktop.gui.definitions.definitions_panel import DefinitionsPanel
    from quaero_desktop.gui.documents.documents_panel import DocumentsPanel
    from quaero_desktop.gui.logins.logins_panel import LoginsPanel

    return {
        "Definitions": DefinitionsPanel(context),
        "Logins": LoginsPanel(context),
        "Documents": DocumentsPanel(context),
    }


def install_detail_opener(window: MainWindow, context: GuiContext) -> None:
    """Wire the views together: job detail on double-click, "Run now" from Definitions."""
    from quaero_desktop.gui.definitions.definitions_panel import DefinitionsPanel
    from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow
    from quaero_desktop.gui.logins.logins_panel import LoginsPanel

    open_windows: dict[str, JobDetailWindow] = {}

    def open_job(job_id: str) -> None:
        detail = open_windows.get(job_id)
        if detail is None:
            detail = JobDetailWindow(context, job_id, window)
            open_windows[job_id] = detail
            detail.destroyed.connect(lambda *_: open_windows.pop(job_id, None))
            context.tasks.start(detail.reload(), what="Loading the job")
        detail.show()
        detail.raise_()
        detail.activateWindow()

    def run_definition(definition: JobDefinition) -> None:
        window.jobs.run(definition)
        window.show_view("Jobs")

    window.job_detail_opener = open_job
    window.jobs.jobDeleted.connect(lambda job_id: open_windows[job_id].close() if job_id in open_windows else None)
    definitions = _view(window, "Definitions", DefinitionsPanel)
    definitions.runRequested.connect(run_definition)
    logins = _view(window, "Logins", LoginsPanel)
    # The definition editor lists the stored logins: re-read them when they change.
    logins.loginsChanged.connect(lambda: context.tasks.start(definitions.reload(), what="Refreshing the definitions"))


def _view(window: MainWindow, title: str, kind: type[ViewT]) -> ViewT:
    """The window's view titled ``title``, which build_views made a ``kind``."""
    view = window.view(title)
    if not isinstance(view, kind):
        raise TypeError(f"the window has no {kind.__name__} titled {title!r}")
    return view
