"""The Documents view's order (best match, newest, title, site) and the counts the source and site menus
give for the search shown (issue 22, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.document import DocumentOrder, PageContent
from quaero_desktop.gui.documents.documents_panel import DocumentsPanel
from quaero_desktop.store import documents_repo
from tests.gui_support import run
from tests.waiting import until

pytestmark = pytest.mark.gui
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# (host, source, title, words): stored in this order, one minute apart, so the last is the newest.
PAGES = [
    ("wiki.example.com", "wiki", "Moorings", "harbour rope keeper"),
    ("docs.example.org", "docs", "Anchors", "harbour chain"),
    ("wiki.example.com", "wiki", "Lighthouse", "harbour lamp keeper"),
    ("docs.example.org", "docs", "Buoys", "channel marks"),
    ("api.example.net", "docs", "Charts", "harbour depths keeper"),
]


def _fill(app) -> None:
    app.definitions.save(
        JobDefinition.from_mapping(
            {"id": "wiki", "name": "Team wiki", "start_urls": ["https://wiki.example.com/"]}, "t"
        )
    )
    with app.database.write() as conn:
        for n, (host, source, title, words) in enumerate(PAGES):
            documents_repo.upsert(
                conn,
                PageContent(
                    url=f"https://{host}/{title.lower()}",
                    title=title,
                    markdown=f"# {title}\n\nOn the {words}.",
                    content_hash=str(n),
                ),
                job_id=None,
                definition_id=source,
                now=NOW + timedelta(minutes=n),
            )


def _open(window, qloop) -> DocumentsPanel:
    panel = window.documents
    window.show_view(panel)
    run(qloop, until(lambda: panel.shown_query == "" and panel.model.rowCount() == len(PAGES), what="the list"))
    run(qloop, until(lambda: panel.filter_bar.source_combo.count() > 1, what="the source menu"))
    return panel


def _titles_in(qloop, panel: DocumentsPanel, order: DocumentOrder, expected: list[str]) -> None:
    panel.filter_bar.choose_order(order)
    run(
        qloop,
        until(lambda: [row.title for row in panel.model.rows()] == expected, what=f"the list by {order}", timeout=20),
    )


def _menu(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_every_order_with_and_without_words(gui, qloop):
    window, context = gui
    _fill(context.app)
    panel = _open(window, qloop)
    assert [item.removeprefix("Sort: ") for item in _menu(panel.filter_bar.order_combo)] == [
        "Best match",
        "Newest",
        "Title",
        "Site",
    ]
    _titles_in(qloop, panel, DocumentOrder.TITLE, ["Anchors", "Buoys", "Charts", "Lighthouse", "Moorings"])
    _titles_in(qloop, panel, DocumentOrder.NEWEST, ["Charts", "Buoys", "Lighthouse", "Anchors", "Moorings"])
    # By site: by domain, then subdomain (example.com's, example.net's, example.org's), titles within each.
    _titles_in(qloop, panel, DocumentOrder.SITE, ["Lighthouse", "Moorings", "Charts", "Anchors", "Buoys"])

    panel.search_edit.setText("harbour")  # the order holds for a search's matches too
    run(qloop, until(lambda: panel.shown_query == "harbour", what="the search"))
    _titles_in(qloop, panel, DocumentOrder.TITLE, ["Anchors", "Charts", "Lighthouse", "Moorings"])
    _titles_in(qloop, panel, DocumentOrder.NEWEST, ["Charts", "Lighthouse", "Anchors", "Moorings"])
    panel.filter_bar.choose_order(DocumentOrder.RELEVANCE)
    run(qloop, until(lambda: panel.filter_bar.current_order() == DocumentOrder.RELEVANCE, what="best match"))
    run(qloop, until(lambda: len(panel.model.rows()) == 4, what="the best matches"))


def test_the_menus_count_what_the_search_matches(gui, qloop):
    window, context = gui
    _fill(context.app)
    panel = _open(window, qloop)
    source_combo, site_combo = panel.filter_bar.source_combo, panel.filter_bar.site_combo
    run(qloop, until(lambda: "docs · 3" in _menu(source_combo), what="every document counted"))
    assert _menu(source_combo) == ["All sources", "docs · 3", "Team wiki (wiki) · 2"]

    panel.search_edit.setText("keeper")
    run(qloop, until(lambda: "docs · 1" in _menu(source_combo), what="the search's counts"))
    assert _menu(source_combo) == ["All sources", "docs · 1", "Team wiki (wiki) · 2"]
    assert sorted(_menu(site_combo)[1:]) == ["api.example.net · 1", "docs.example.org · 0", "wiki.example.com · 2"]

    # A site chosen: the sources count within it, the sites still count every site (what choosing one shows).
    panel.filter_bar.choose(site="wiki.example.com")
    run(qloop, until(lambda: "docs · 0" in _menu(source_combo), what="the counts within the site"))
    assert _menu(source_combo) == ["All sources", "docs · 0", "Team wiki (wiki) · 2"]
    assert "api.example.net · 1" in _menu(site_combo)
    assert [row.title for row in panel.model.rows()] and {row.url.split("/")[2] for row in panel.model.rows()} == {
        "wiki.example.com"
    }
