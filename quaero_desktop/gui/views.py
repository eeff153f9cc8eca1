"""The views beside Jobs, and the job detail window (each in its own module)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from quaero_desktop.gui.context import GuiContext


def build_views(context: GuiContext) -> dict[str, QWidget]:
    """Tab title -> view, in order (Jobs comes first, built by the main window)."""
    return {}


def install_detail_opener(window, context: GuiContext) -> None:
    """Make double-clicking a job open its detail window."""
