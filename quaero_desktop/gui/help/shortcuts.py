"""Every keyboard shortcut of the window, read from its actions when Help opens: a list written by hand
would drift from the keys the actions really have."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from quaero_desktop.gui.context import GuiContext


@dataclass(frozen=True)
class ShortcutRow:
    where: str  # the view or window the keys work in
    what: str  # the action's text, without its mnemonic "&" and "…"
    keys: str  # as this platform writes them, several separated by ", "


def shortcut_rows(places: Iterable[tuple[str, QWidget]]) -> list[ShortcutRow]:
    """The shortcut of every action under each (name, widget) place, the first place naming an action
    keeping it (list the views before the window that holds them)."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()
    for where, widget in places:
        for action in _actions_under(widget):
            keys = [key for key in action.shortcuts() if not key.isEmpty()]
            if not keys or id(action) in seen:
                continue
            seen.add(id(action))
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")
            shown = ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in keys)
            rows.append(ShortcutRow(where, text or action.toolTip(), shown))
    return rows


def _actions_under(widget: QWidget) -> list[QAction]:
    """The widget's own actions and those of everything inside it, each once, in creation order."""
    found: dict[int, QAction] = {}
    for action in [*widget.actions(), *widget.findChildren(QAction)]:
        found.setdefault(id(action), action)
    for child in widget.findChildren(QWidget):
        for action in child.actions():
            found.setdefault(id(action), action)
    return list(found.values())


def window_shortcuts(context: GuiContext, views: Iterable[tuple[str, QWidget]], window: QWidget) -> list[ShortcutRow]:
    """Every shortcut of the program: each view's, a job's window's, then the main window's menus."""
    # A job's window is built for its actions only (never shown, no store read: that starts on open).
    from quaero_desktop.gui.job_detail.job_detail_window import JobDetailWindow

    job_window = JobDetailWindow(context, "", None)
    try:
        return shortcut_rows([*views, ("A job's window", job_window), ("Everywhere", window)])
    finally:
        job_window.close()
        job_window.deleteLater()
