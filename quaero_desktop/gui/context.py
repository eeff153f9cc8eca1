"""What every part of the window needs, passed explicitly (no global application object)."""

from __future__ import annotations

from dataclasses import dataclass

from quaero_desktop.app import App
from quaero_desktop.engine.engine import Engine
from quaero_desktop.gui.async_tasks import TaskRunner
from quaero_desktop.gui.bridge import EngineBridge
from quaero_desktop.gui.dialogs import Dialogs


@dataclass
class GuiContext:
    app: App  # services and settings
    dialogs: Dialogs
    tasks: TaskRunner
    bridge: EngineBridge

    @property
    def engine(self) -> Engine:
        return self.app.engine()
