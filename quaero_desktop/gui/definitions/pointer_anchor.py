"""Keeps the form field under the mouse pointer still while messages above it come and go.

A field's problem appears under it as the user types, and goes when fixed: the fields below
move down or up by that message's height, so a click meant for one field lands on another.
Like a browser's scroll anchoring, the form scrolls by the same amount instead, so whatever is
under the pointer stays there. (Room reserved for every possible message would make the form
much longer: messages wrap, and a list field can have one per line.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEvent, QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QScrollArea, QWidget


class PointerAnchor:
    def __init__(self, scroll: QScrollArea) -> None:
        self._scroll = scroll

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Around changes that may resize the form's contents."""
        anchor = self._under_pointer()
        yield
        if anchor is not None:
            self._settle(*anchor)

    def _under_pointer(self) -> tuple[QWidget, int] | None:
        viewport = self._scroll.viewport()
        content = self._scroll.widget()
        if content is None or not viewport.isVisible():
            return None
        position = viewport.mapFromGlobal(QCursor.pos())
        if not viewport.rect().contains(position):
            return None
        widget = content.childAt(content.mapFrom(viewport, position))
        if widget is None:
            return None
        return widget, widget.mapToGlobal(QPoint(0, 0)).y()

    def _settle(self, widget: QWidget, top: int) -> None:
        # Qt lays out on posted LayoutRequest events: apply them now, so the form has its new
        # size (and the scroll bar its new range) before anything is painted.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        moved = widget.mapToGlobal(QPoint(0, 0)).y() - top
        if moved:
            bar = self._scroll.verticalScrollBar()
            bar.setValue(bar.value() + moved)
