"""A search's documents in another order than relevance (newest, by title, by site), and the counts per
source and site beside the filters (issue 22, item 5)."""

from __future__ import annotations

import json

import pytest

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder
from quaero_desktop.store import open_database, search_repo
from quaero_desktop.store.search_facets import facets
from tests.conftest import cli
from tests.test_search import CORPUS, store_corpus


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("orders"))
    with db.write() as conn:
        store_corpus(conn)  # the later in CORPUS, the newer
    yield db
    db.dispose()


def _titles(database, text: str, order: DocumentOrder, *, limit: int = 50, where=None) -> list[str]:
    with database.read() as conn:
        return [hit.title for hit in search_repo.search(conn, text, order=order, limit=limit, where=where)]


def test_the_matches_of_words_in_title_newest_and_site_order(database) -> None:
    keeper = ["Lighthouse keeper", "Fog signals", "Sign posts"]  # every document with "keeper" (any form)
    assert sorted(_titles(database, "keeper", DocumentOrder.RELEVANCE)) == sorted(keeper)
    assert _titles(database, "keeper", DocumentOrder.TITLE) == ["Fog signals", "Lighthouse keeper", "Sign posts"]
    assert _titles(database, "keeper", DocumentOrder.NEWEST) == ["Sign posts", "Fog signals", "Lighthouse keeper"]
    # by host, subdomains beside their domain (docs. and wiki.example.com, then other.org), then title
    assert _titles(database, "keeper", DocumentOrder.SITE) == ["Fog signals", "Lighthouse keeper", "Sign posts"]
    assert _titles(database, "fog OR flags", DocumentOrder.SITE) == [
        "Fog signals",
        "Weather",
        "Lighthouse keeper",
        "Signal flags",
    ]


def test_an_order_reaches_past_the_most_relevant_matches(database) -> None:
    """The newest match comes first even when it ranks last: the order is of every match, not of the top few."""
    with database.read() as conn:
        relevant = search_repo.search(conn, "fog", limit=1)
        newest = search_repo.search(conn, "fog", limit=1, order=DocumentOrder.NEWEST)
    assert relevant[0].title == "Fog signals"
    assert newest[0].title == "Weather"
    assert "[fog]" in newest[0].snippet.lower()  # snippets around the words, as in relevance order


def test_filters_and_exclusions_hold_in_every_order(database) -> None:
    for order in DocumentOrder:
        assert _titles(database, "keeper -horn site:example.com", order) == ["Fog signals"]
        # (newest first, by title and by site agree here: "Sign posts" is newer, sorts first, same host)
        assert _titles(database, "source:other", order) == ["Sign posts", "Signal flags"]
    # No words in another order: every document (of the filters) in it, as the window lists them.
    assert _titles(database, "", DocumentOrder.TITLE, where=DocumentFilter(sources=("docs",))) == [
        "Fog signals",
        "Weather",
    ]
    assert _titles(database, "", DocumentOrder.RELEVANCE) == []  # nothing to rank by


def test_counts_per_source_and_site_beside_the_filters(database) -> None:
    with database.read() as conn:
        everything = facets(conn, "")
        keeper = facets(conn, "keeper")
        keeper_in_docs = facets(conn, "keeper source:docs")
        chosen_site = facets(conn, "keeper", where=DocumentFilter(sites=("other.org",)))
    assert everything.total == len(CORPUS)
    assert everything.sources == (("wiki", 4), ("docs", 2), ("other", 2))
    assert everything.sites == (("wiki.example.com", 4), ("docs.example.com", 2), ("other.org", 2))
    assert keeper.total == 3
    assert keeper.sources == (("docs", 1), ("other", 1), ("wiki", 1))
    # A source's count ignores the source filter (what choosing another source would show); the sites' do not.
    assert keeper_in_docs.total == 1
    assert keeper_in_docs.sources == (("docs", 1), ("other", 1), ("wiki", 1))
    assert keeper_in_docs.sites == (("docs.example.com", 1),)
    assert chosen_site.total == 1 and chosen_site.sources == (("other", 1),)
    assert chosen_site.sites == (("docs.example.com", 1), ("other.org", 1), ("wiki.example.com", 1))


def test_the_command_line_sorts_with_sort(app, data_dir) -> None:
    with app.database.write() as conn:
        store_corpus(conn)
    by_title = cli("documents", "search", "keeper", "--sort", "title", "--json", data_dir=data_dir)
    assert by_title.returncode == 0, by_title.stderr
    assert [hit["title"] for hit in json.loads(by_title.stdout)] == ["Fog signals", "Lighthouse keeper", "Sign posts"]
    newest = cli("documents", "search", "keeper", "--sort", "newest", data_dir=data_dir)
    assert newest.stdout.index("Sign posts") < newest.stdout.index("Fog signals") < newest.stdout.index("Lighthouse")
    wrong = cli("documents", "search", "keeper", "--sort", "oldest", data_dir=data_dir)
    assert wrong.returncode == 2 and "--sort" in wrong.stderr and "relevance" in wrong.stderr
