"""Toolbar actions with keyboard shortcuts, and tooltips that name them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

Shortcut = str | QKeySequence.StandardKey


def toolbar_action(
    toolbar: QToolBar,
    owner: QWidget,
    text: str,
    shortcuts: Shortcut | Sequence[Shortcut],
    slot: Callable[[], object],
    tip: str,
    *,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
) -> QAction:
    """An action on ``toolbar`` whose shortcut works while focus is in ``owner``."""
    keys = [shortcuts] if isinstance(shortcuts, str | QKeySequence.StandardKey) else list(shortcuts)
    action = QAction(text, owner)
    action.setShortcuts([QKeySequence(key) for key in keys])
    action.setShortcutContext(context)
    shown = QKeySequence(keys[-1]).toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shown})")
    action.triggered.connect(slot)
    toolbar.addAction(action)
    owner.addAction(action)
    return action
