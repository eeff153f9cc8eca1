"""The Jobs view's "Run definition…" menu: every stored definition, then "From a file…".

Filled each time it opens from the definitions read so far (and re-read for the next time: the
command line may have changed them); a re-read that lands while it is open shows at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QWidget

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.gui.stored_definitions import StoredDefinitions


class RunMenu(QMenu):
    def __init__(
        self,
        definitions: StoredDefinitions,
        run: Callable[[JobDefinition], None],
        run_file: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._definitions = definitions
        self._run = run
        self._run_file = run_file
        self.aboutToShow.connect(self.fill)
        definitions.changed.connect(self._refill_if_open)

    def fill(self) -> None:
        self.clear()
        definitions = self._definitions
        for definition in definitions.all:
            action = self.addAction(definition.name)
            action.setToolTip(definition.start_urls[0])
            action.triggered.connect(lambda _=False, d=definition: self._run(d))
        if not definitions.all:
            placeholder = self.addAction("No stored definitions yet")
            placeholder.setEnabled(False)
        self.addSeparator()
        self.addAction("From a file…").triggered.connect(self._run_file)
        definitions.refresh_soon()  # for the next time: the command line may have changed them

    def _refill_if_open(self) -> None:
        if self.isVisible():
            self.fill()
