"""The text an empty table shows in its middle: what is missing and what to do about it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QVBoxLayout


def empty_state_label(view: QAbstractItemView, text: str = "") -> QLabel:
    """A centred, wrapped label over ``view``'s viewport (it follows the viewport's size and lets
    clicks through); the caller shows it while the view has no rows."""
    label = QLabel(text, view.viewport())
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text); padding: 24px;")
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    QVBoxLayout(view.viewport()).addWidget(label)
    return label
