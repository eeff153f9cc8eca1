"""The definition editor's live preview with real services: Test a URL shows the Markdown a crawl would
store for it, updates as the content rules change (the page read once), says what it cannot show, and
never holds up the window while the page loads. The service alone: tests/test_page_preview.py."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from quaero_desktop.gui.definitions.markdown_preview import HELD_TEXT, KEPT_TEXT, LEFT_OUT_TEXT
from tests.gui_definitions_support import _panel
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui


def test_test_a_url_shows_the_markdown_a_crawl_stores_and_follows_the_content_rules(gui, qloop, fresh_site):
    window, _context = gui
    site = fresh_site
    panel = _panel(window)
    editor = panel.editor
    tester = editor.fields.tester
    preview = tester.preview
    guide = site.url("/docs/guide")
    form = editor.scroll_area.widget()
    below = [field for field in editor.boxes if field in ("content_selector", "exclude_selectors", "render")]

    def tops() -> dict[str, int]:
        """Where the fields under the tester are: an answer arriving later must not move them (a click
        aimed at one landed elsewhere); the block is kept as soon as a web address is typed."""
        QApplication.processEvents()  # the layout settles
        return {field: editor.boxes[field].mapTo(form, QPoint(0, 0)).y() for field in below}

    async def scenario() -> None:
        panel.action_new.trigger()
        await until(lambda: editor.isVisible(), what="the form")
        editor.inputs["name"].setText("Docs")
        editor.inputs["start_urls"].setPlainText(site.url("/docs/"))
        editor.inputs["include_patterns"].setPlainText("/docs/")
        assert editor.is_valid, editor.problem("start_urls")

        tester.url_edit.setText(guide)
        assert preview.isVisibleTo(tester) and preview.heading.text() == f"Reading {guide} …"
        reading = tops()
        await until(lambda: "marzipan lighthouse" in preview.markdown_text(), what="the guide's Markdown")
        assert tops() == reading
        markdown = preview.markdown_text()
        assert markdown.startswith("# The Guide\n") and "Depth first" in markdown
        assert preview.heading.text() == KEPT_TEXT and tester.verdict_text().startswith("✔ Crawled")

        editor.inputs["content_selector"].setText("main > ol")  # the root: the list of steps
        await until(lambda: "marzipan lighthouse" not in preview.markdown_text(), what="the new content root")
        assert "Choose the start page" in preview.markdown_text() and "Depth first" in preview.markdown_text()
        editor.inputs["exclude_selectors"].setPlainText(".unused\nul ul")  # left out: the nested list
        await until(lambda: "Depth first" not in preview.markdown_text(), what="the selectors left out")
        assert "Choose the start page" in preview.markdown_text()
        assert preview.notes_text() == "Leave out: “.unused” matches nothing here."
        assert tops() == reading

        shown = preview.markdown_text()
        editor.inputs["content_selector"].setText("main > ol[")  # being typed: the form is not valid
        assert preview.heading.text() == HELD_TEXT and preview.markdown_text() == shown
        assert "does not parse" in editor.problem("content_selector")
        editor.inputs["content_selector"].setText("main > ol")
        await until(lambda: preview.heading.text() == KEPT_TEXT, what="the preview back")
        assert site.hits("/docs/guide") == 1  # the rules changed four times; the page was read once

        editor.inputs["include_patterns"].setPlainText("/docs/reference")
        await until(lambda: preview.heading.text() == LEFT_OUT_TEXT, what="the left-out heading")
        assert tester.verdict_text().startswith("✘ Left out")

        missing = site.url("/docs/missing")
        tester.url_edit.setText(missing)
        await until(lambda: preview.error_text(), what="the preview's error")
        assert preview.error_text() == f"The site answered HTTP 404 Not Found: a crawl stores nothing for {missing}"
        assert preview.markdown_text() == ""
        assert tops() == reading
        tester.url_edit.setText(site.url("/docs/") + "a-page-whose-address-is-long-enough-to-wrap/" * 6 + "#its-part")
        assert tops() == reading  # its verdict and heading, however long, keep one line each

        # A slow page: the window goes on meanwhile (the page is read in a thread).
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticking = asyncio.ensure_future(tick())
        tester.url_edit.setText(site.url("/slow?ms=1500"))
        await until(lambda: "patient glacier" in preview.markdown_text(), what="the slow page's Markdown")
        ticking.cancel()
        assert ticks >= 15  # 1.5 s of waiting, 50 ms a tick: the loop was never blocked for long

        tester.url_edit.setText("")
        assert not preview.isVisibleTo(tester) and tester.verdict_text() == ""

    run(qloop, scenario())
