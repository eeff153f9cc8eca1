"""What every part of the window needs, passed explicitly (no global application object)."""

from __future__ import annotations

from dataclasses import dataclass

from quaero_desktop.app import App
from quaero_desktop.gui.async_tasks import TaskRunner
from quaero_desktop.gui.autostart import Autostart
from quaero_desktop.gui.bridge import EngineBridge
from quaero_desktop.gui.dialogs import Dialogs
from quaero_desktop.gui.stored_definitions import StoredDefinitions
from quaero_desktop.services.crawls import CrawlsService


@dataclass
class GuiContext:
    app: App  # services and settings
    crawls: CrawlsService  # start, resume, cancel (its engine started once by the desktop app, before any view)
    dialogs: Dialogs
    tasks: TaskRunner
    bridge: EngineBridge
    definitions: StoredDefinitions  # for menus, which cannot read the store when they open
    autostart: Autostart | None = None  # "Start at login" (None: not on this platform)
