"""Combo boxes and spin boxes take the mouse wheel only when they have the keyboard focus.

Scrolling a form with the pointer over a combo box must scroll the form, not switch the
combo box's choice (a definition's login changed that way, unnoticed). One mechanism for the
whole app: the application's style (a proxy over Fusion) fits every combo box and spin box
with a small event filter as Qt polishes it, so no view has to remember a special widget
class, and dialogs built later (Settings, file dialogs) get it too. Such widgets also stop
taking the focus from the wheel (StrongFocus instead of WheelFocus): one click focuses them,
then the wheel changes their value as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QProxyStyle, QWidget

_GUARDED = (QComboBox, QAbstractSpinBox)


class _UnfocusedWheelPassesOn(QObject):
    """A wheel over a guarded widget without the focus goes on to its parent (the scroll area)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not _has_focus(watched):
            event.ignore()  # ignored and filtered: Qt offers the wheel to the parent widgets
            return True
        return False


def _has_focus(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return widget.hasFocus() or (focused is not None and widget.isAncestorOf(focused))


class FocusedWheelStyle(QProxyStyle):
    """The app's style: ``base`` (e.g. "Fusion") with wheel-safe combo boxes and spin boxes."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        self._filter = _UnfocusedWheelPassesOn(self)

    def polish(self, target: QWidget | QApplication | QPalette | Qt.GlobalColor | QColor, /) -> None:
        if isinstance(target, _GUARDED):
            target.installEventFilter(self._filter)  # installing again only moves it to the front
            if target.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                target.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        super().polish(target)

    def unpolish(self, target: QWidget | QApplication, /) -> None:
        if isinstance(target, _GUARDED):
            target.removeEventFilter(self._filter)
        super().unpolish(target)
