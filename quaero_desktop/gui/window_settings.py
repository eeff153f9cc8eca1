"""The window's own settings file (sizes, columns, panes): one INI file in the data directory, beside the store,
so a second data directory keeps its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

WINDOW_SETTINGS_FILE = "window.ini"


def window_settings(data_dir: Path) -> QSettings:
    return QSettings(str(data_dir / WINDOW_SETTINGS_FILE), QSettings.Format.IniFormat)
