"""Help (issue 22, item 4): a short guide naming the data directory, the search syntax the parser reads,
and every keyboard shortcut, read from the actions themselves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from quaero_desktop.domain.search_syntax import SYNTAX_EXAMPLES, parse_query
from quaero_desktop.gui.help.help_dialog import HelpDialog
from quaero_desktop.gui.help.shortcuts import window_shortcuts
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def _cells(table) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(row, column).text() for column in range(table.columnCount()))
        for row in range(table.rowCount())
    ]


def test_help_lists_the_guide_the_syntax_and_every_shortcut(gui, qloop):
    window, context = gui
    views = [
        ("Jobs", window.jobs),
        ("Definitions", window.definitions),
        ("Logins", window.logins),
        ("Documents", window.documents),
    ]
    dialog = HelpDialog(context.app.data_dir, lambda: window_shortcuts(context, views, window), window)
    dialog.show_tab(2)

    assert str(context.app.data_dir) in dialog.guide.toPlainText()
    assert _cells(dialog.syntax) == list(SYNTAX_EXAMPLES)
    # Each example means what the table says to the parser that reads queries.
    read = {example: parse_query(example) for example, _meaning in SYNTAX_EXAMPLES}
    assert [len(clause) for clause in read["fog signal"].clauses] == [1, 1]
    assert read['"fog signal"'].clauses[0][0].words == ("fog", "signal")
    assert len(read["fog OR mist"].clauses) == 1 and len(read["fog OR mist"].clauses[0]) == 2
    assert read["-horn"].excluded[0].words == ("horn",)
    assert read["sign*"].clauses[0][0].prefix
    assert read["site:example.com"].sites == ("example.com",)
    assert read["title:keeper"].clauses[0][0].title_only
    assert read["source:team-wiki"].sources == ("team-wiki",)

    rows = _cells(dialog.shortcuts)
    assert ("Everywhere", "Run definition", "Ctrl+R") in rows
    assert ("Everywhere", "Quit", "Ctrl+Q") in rows
    assert ("A job's window", "Export CSV", "Ctrl+Shift+E") in rows
    assert any(where == "A job's window" and what == "Close" and "Esc" in keys for where, what, keys in rows)
    # Every action of the main window with a shortcut is listed, with its keys (the list cannot drift).
    listed = {(what, keys) for _where, what, keys in rows}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            if not key.isEmpty():
                assert any(key.toString() in keys for _what, keys in listed), action.text()
    dialog.close()


def test_f1_and_the_help_menu_open_help_with_the_windows_shortcuts(gui, qloop):
    """Help was built but nothing opened it: F1 and Help → Quaero Desktop Help do, one window for both."""
    window, context = gui

    def shown() -> HelpDialog | None:
        return next((d for d in window.findChildren(HelpDialog) if d.isVisible()), None)

    async def scenario() -> HelpDialog:
        window.activateWindow()
        await until(lambda: QApplication.activeWindow() is window, what="the window active")
        window.jobs.findChild(QAbstractItemView).setFocus()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
        return await until(shown, what="Help after F1")

    dialog = run(qloop, scenario())
    assert dialog.tabs.currentWidget() is dialog.guide
    assert str(context.app.data_dir) in dialog.guide.toPlainText()
    rows = _cells(dialog.shortcuts)
    assert ("Everywhere", "Quaero Desktop Help", "F1") in rows
    assert ("Everywhere", "Run definition", "Ctrl+R") in rows
    assert ("Documents", "Export all", "Ctrl+Shift+E") in rows
    dialog.close()

    (help_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    (item,) = [a for a in help_menu.actions() if a.text() == "Quaero Desktop &Help"]
    item.trigger()
    assert shown() is dialog and len(window.findChildren(HelpDialog)) == 1
    assert [a.text() for a in help_menu.actions() if a.text()] == ["Quaero Desktop &Help", "&About Quaero Desktop"]
    dialog.close()
