"""The search suite on both stores (issue 23, item 1): one corpus in a SQLite store and in a PostgreSQL
store, the same queries — every construct of the syntax, every tier — and the same answers: the same
documents in the same order with the same bm25 scores, the same counts, snippets marking the same words.

The PostgreSQL store is built as team mode's migrations will leave it: the tables from
``store/schema.py``'s metadata (until migrations 0001-0014 run on PostgreSQL), then migration 0017
itself, with some documents stored before it (filled by the migration) and the rest after (by its
trigger).
"""

from __future__ import annotations

import importlib.util
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, create_engine, insert, update

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder, PageContent, SearchHit
from quaero_desktop.domain.search_syntax import MAX_QUERY_WORDS
from quaero_desktop.store import documents_repo, open_database, search_pg_schema, search_repo
from quaero_desktop.store.schema import document_sources, documents, metadata
from quaero_desktop.store.search_facets import facets
from tests.postgres_cluster import PostgresCluster
from tests.test_search import _TEXT, CORPUS

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
_LINKS = " ".join(f"[Signal flag {n}](https://other.org/flags/{n})" for n in range(12))

# url, title, markdown, source: test_search's corpus and pages for the tokeniser, the tiers and the links' weight.
MORE = [
    (
        "https://docs.python.example/asyncio",
        "asyncio — Asynchronous I/O",
        "Run a coroutine with asyncio.run(main()).",
        "py",
    ),
    (
        "https://docs.python.example/tasks",
        "Coroutines and tasks",
        "asyncio.run creates an event loop; see asyncio.",
        "py",
    ),
    ("https://docs.python.example/platform", "Platform", "On x86_64 machines with Python 3.11, build for x86.", "py"),
    ("https://docs.python.example/whatsnew", "What's new in 3.11", "Python 3.11 is faster; 3.12 followed.", "py"),
    ("https://docs.python.example/gen", "Generator objects", "A generator yields values; generators are lazy.", "py"),
    ("https://docs.python.example/general", "General index", "General rules, generic types and generation.", "py"),
    ("https://docs.python.example/iter", "Iterators", "Generators and generated values: iterating a generator.", "py"),
    ("https://cafe.example.org/menu", "Café menu", "Crème brûlée, naïve coffee, a zebra-striped cup.", "cafe"),
    ("https://cafe.example.org/cups", "Zebra cups", "Striped zebra cups; the zebra striped one sold out.", "cafe"),
    ("https://other.org/flags", "Flags index", f"Signal flags: {_LINKS}", "other"),
    (
        "https://other.org/flags/guide",
        "Signal flags guide",
        "How to read a signal flag at sea: signal by day.",
        "other",
    ),
    ("https://wiki.example.com/gone", "Old keeper notes", "The keeper's fog log, since removed.", "wiki"),
    # Past what a tsvector counts: a word's 256th place, a document's 16,383rd word.
    ("https://long.example.net/log", "Logbook", "Weather: calm. " * 6000 + "A beacon lit. " * 3, "long"),
    ("https://long.example.net/beacons", "Beacons", "beacon and light " * 400, "long"),
    ("https://long.example.net/coast", "Coast", "One beacon, one light, calm weather.", "long"),
    ("https://long.example.net/atlas", "Atlas", "A chart, a beacon. " * 12000 + "Mercator's projection.", "long"),
]
EVERY = [*CORPUS, *MORE]
GONE_URL = "https://wiki.example.com/gone"

# Every construct of the syntax and every tier, as the command line (whole words) and while typing.
QUERIES = [
    "fog",
    "keeper",
    "fog signal",
    '"fog signal"',
    '"fog horn" lamp',
    "fog OR mist",
    "mist OR gale",
    "horn OR flags",
    "keeper -horn",
    'keeper -"fog signal"',
    "fog -title:weather",
    "sign*",
    "UNIQUE-DOC-5",
    "UNIQUE-DOC-5*",
    "title:keeper",
    'title:"signal flags"',
    "title:sign*",
    "fog site:example.com",
    "fog site:docs.example.com -title:weather",
    "keeper source:other",
    "keeper -site:example.com",
    "signal source:other source:docs",
    "site:example.co",
    "asyncio",
    "asyncio.run",
    "x86_64",
    "x86",
    "3.11",
    "zebra-striped",
    "zebra striped",
    "cafe creme",
    "Café naïve",
    "generator",
    "generators",
    "generated",
    "general",
    "signal",
    "signals",
    "flag",
    "signal flag",
    "coroutine OR tasks asyncio",
    "gen*",
    "run*",
    "beacon",
    "light beacon",
    "calm",
    "mercator",
    "projection chart",
    "nothingmatches",
    "the",
    "a:b NEAR(c AND",
    '"unbalanced quote',
    "fog keeper " + " ".join(f"nothing{n}" for n in range(40)),
]
TYPED = ["keep", "fog sig", "coroutine asy", "UNIQUE-DOC-5", "gener", "zebra-str"]
FILTER_ONLY = ["source:other", "-fog source:docs", "-keeper site:other.org", "site:other.org", "-signal"]


def _load(conn, rows, start: int) -> None:
    """``rows`` stored as a crawl stores them (documents_repo), each a minute newer than the one before, and
    linked to their source (a plain insert: the repository's upsert is SQLite's until team mode's lands)."""
    for n, (url, title, markdown, source) in enumerate(rows, start):
        when = NOW + timedelta(minutes=n)
        stored = documents_repo.store_page(
            conn,
            PageContent(url=url, title=title, markdown=markdown, content_hash=str(n)),
            job_id=None,  # type: ignore[arg-type]
            definition_id=None,
            now=when,
        )
        conn.execute(update(documents).where(documents.c.id == stored.document_id).values(definition_id=source))
        conn.execute(
            insert(document_sources).values(
                definition_id=source, document_id=stored.document_id, first_crawled_at=when, last_crawled_at=when
            )
        )
    conn.execute(update(documents).where(documents.c.url == GONE_URL).values(gone_at=NOW))


@pytest.fixture(scope="module")
def stores(tmp_path_factory, postgres_cluster: PostgresCluster) -> Iterator[tuple[Engine, Engine]]:
    sqlite = open_database(tmp_path_factory.mktemp("both"))
    with sqlite.write() as conn:
        _load(conn, EVERY, 0)
    postgres = create_engine(postgres_cluster.create_database(f"t_{uuid.uuid4().hex[:16]}"))
    metadata.create_all(postgres)
    half = len(EVERY) // 2
    with postgres.begin() as conn:
        _load(conn, EVERY[:half], 0)
        _migration_0017(conn, "upgrade")  # fills the rows there are
    with postgres.begin() as conn:
        _load(conn, EVERY[half:], half)  # the trigger indexes the rest
    yield sqlite.engine, postgres
    postgres.dispose()
    sqlite.dispose()


def _search(engine: Engine, text: str, **options) -> list[SearchHit]:
    with engine.connect() as conn:
        return search_repo.search(conn, text, limit=50, mark=("<", ">"), **options)


def _in_ties(hits: list[SearchHit]) -> list[frozenset[str]]:
    """The URLs in order, those of equal score together (their order between them is the store's own)."""
    groups: list[tuple[float, set[str]]] = []
    for found in hits:
        if groups and found.rank == pytest.approx(groups[-1][0], rel=1e-9, abs=1e-12):
            groups[-1][1].add(found.url)
        else:
            groups.append((found.rank, {found.url}))
    return [frozenset(urls) for _, urls in groups]


def _marked(snippet: str) -> set[str]:
    return {word.lower() for word in re.findall(r"<([^>]*)>", snippet)}


@pytest.mark.parametrize("text", QUERIES)
def test_a_query_finds_the_same_documents_in_the_same_order_on_both_stores(stores, text):
    sqlite, postgres = stores
    on_sqlite, on_postgres = _search(sqlite, text), _search(postgres, text)
    assert [hit.url for hit in on_postgres] == [hit.url for hit in on_sqlite] or _in_ties(on_postgres) == _in_ties(
        on_sqlite
    )
    assert [hit.rank for hit in on_postgres] == pytest.approx([hit.rank for hit in on_sqlite], rel=1e-6)
    snippets = {hit.url: hit.snippet for hit in on_sqlite}
    for found in on_postgres:
        assert _marked(found.snippet) == _marked(snippets[found.url]), (found.snippet, snippets[found.url])
        assert found.title and found.sources == next(h.sources for h in on_sqlite if h.url == found.url)


@pytest.mark.parametrize("text", TYPED)
def test_while_typing_both_stores_agree(stores, text):
    sqlite, postgres = stores
    on_sqlite, on_postgres = _search(sqlite, text, as_you_type=True), _search(postgres, text, as_you_type=True)
    assert on_sqlite, "a query that finds nothing compares nothing"
    assert _in_ties(on_postgres) == _in_ties(on_sqlite)
    assert [hit.rank for hit in on_postgres] == pytest.approx([hit.rank for hit in on_sqlite], rel=1e-6)


def test_the_tiers_and_weights_hold_on_postgresql(stores):
    """What test_search asserts on SQLite, on PostgreSQL itself (not only "as SQLite does")."""
    _, postgres = stores

    def urls(text: str, **options) -> list[str]:
        return [hit.url.split("//", 1)[1] for hit in _search(postgres, text, **options)]

    assert urls("UNIQUE-DOC-5") == ["wiki.example.com/ref/5"]  # exact before prefix: 51 and 52 not at all
    assert urls("UNIQUE-DOC-5*")[0] == "wiki.example.com/ref/5"
    assert urls("keeper")[0] == "wiki.example.com/keeper"  # in the title: first
    assert urls("generator")[:2] == ["docs.python.example/gen", "docs.python.example/iter"]  # then its forms
    assert "docs.python.example/general" not in urls("generator")  # no stemmer: general is no generator
    assert urls("signal flag")[0] == "other.org/flags/guide"  # the index of links sinks below its page
    assert sorted(urls("asyncio.run")) == ["docs.python.example/asyncio", "docs.python.example/tasks"]
    assert urls("x86_64") == ["docs.python.example/platform"]
    assert urls("3.11")[0] == "docs.python.example/whatsnew"
    assert urls("cafe naive") == ["cafe.example.org/menu"]  # diacritics folded
    assert sorted(urls("zebra-striped")) == ["cafe.example.org/cups", "cafe.example.org/menu"]  # "zebra striped" too
    assert urls("fog") and "wiki.example.com/gone" not in urls("fog")  # a gone page is left out
    assert "wiki.example.com/gone" in urls("fog", include_gone=True)
    (hit,) = _search(postgres, '"fog horn" lamp')
    assert "<fog horn>" in hit.snippet and "<lamp>" in hit.snippet


@pytest.mark.parametrize(
    ("text", "where", "include_gone"),
    [
        ("fog", DocumentFilter(sources=("docs",)), False),
        ("fog source:wiki", DocumentFilter(sources=("docs",)), False),
        ("fog site:example.com", DocumentFilter(sites=("wiki.example.com",)), False),
        ("keeper", DocumentFilter(gone=True), False),
        ("keeper fog", None, True),
        ("signal", DocumentFilter(excluded_sites=("other.org",)), False),
    ],
)
def test_filters_from_elsewhere_narrow_the_same_way(stores, text, where, include_gone):
    sqlite, postgres = stores
    on_sqlite = _search(sqlite, text, where=where, include_gone=include_gone)
    on_postgres = _search(postgres, text, where=where, include_gone=include_gone)
    assert [(hit.url, hit.gone) for hit in on_postgres] == [(hit.url, hit.gone) for hit in on_sqlite]
    assert [hit.rank for hit in on_postgres] == pytest.approx([hit.rank for hit in on_sqlite], rel=1e-6)


@pytest.mark.parametrize("text", FILTER_ONLY)
def test_filters_and_exclusions_alone_list_the_same_documents(stores, text):
    sqlite, postgres = stores
    on_sqlite, on_postgres = _search(sqlite, text), _search(postgres, text)
    assert [(hit.url, hit.snippet) for hit in on_postgres] == [(hit.url, hit.snippet) for hit in on_sqlite]


@pytest.mark.parametrize("order", [DocumentOrder.NEWEST, DocumentOrder.TITLE, DocumentOrder.SITE])
@pytest.mark.parametrize("text", ["", "fog", "signal -horn", "sign* site:other.org", "keeper OR zebra"])
def test_every_order_lists_the_same_documents(stores, text, order):
    sqlite, postgres = stores
    on_sqlite, on_postgres = _search(sqlite, text, order=order), _search(postgres, text, order=order)
    assert [hit.url for hit in on_postgres] == [hit.url for hit in on_sqlite]
    assert [_marked(hit.snippet) for hit in on_postgres] == [_marked(hit.snippet) for hit in on_sqlite]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", None),
        ("fog", None),
        ("signal OR keeper", None),
        ("keeper -horn", None),
        ("-fog", None),
        ("sign* site:example.com", None),
        ("fog", DocumentFilter(sources=("docs",))),
        ("fog", DocumentFilter(gone=True)),
    ],
)
def test_the_counts_beside_the_filters_are_the_same(stores, text, where):
    sqlite, postgres = stores
    with sqlite.connect() as conn:
        expected = facets(conn, text, where=where)
    with postgres.connect() as conn:
        assert facets(conn, text, where=where) == expected
    assert expected.total or (text == "fog" and where is not None)


def test_a_long_query_is_bounded_the_same_way(stores):
    sqlite, postgres = stores
    query = "fog keeper " + "fog " * 5000 + " ".join(f"w{n}" for n in range(MAX_QUERY_WORDS))
    on_sqlite = _search(sqlite, query)
    assert [hit.url for hit in _search(postgres, query)] == [hit.url for hit in on_sqlite]
    assert on_sqlite == [] or on_sqlite[0].url


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT)
def test_no_text_is_ever_a_tsquery_syntax_error(stores, text):
    _, postgres = stores
    _search(postgres, text)
    _search(postgres, text, as_you_type=True)
    with postgres.connect() as conn:
        facets(conn, text)


def _migration_0017(conn, step: str) -> None:
    """Migration 0017's own upgrade or downgrade, run by Alembic's operations on ``conn``."""
    path = Path(search_pg_schema.__file__).parent / "migrations" / "versions" / "0017_postgres_search.py"
    spec = importlib.util.spec_from_file_location("migration_0017", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Operations.context(MigrationContext.configure(conn)):
        getattr(module, step)()


def test_migration_0017_indexes_a_postgresql_store_and_leaves_sqlite_alone(postgres_url, tmp_path):
    engine = create_engine(postgres_url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        _load(conn, CORPUS, 0)  # a team store holding documents before it
        _migration_0017(conn, "upgrade")
    with engine.connect() as conn:
        assert [hit.url for hit in search_repo.search(conn, '"fog horn"')] == ["https://wiki.example.com/keeper"]
    with engine.begin() as conn:
        _migration_0017(conn, "downgrade")
        columns = conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'"
            " AND column_name LIKE 'search%%'"
        ).all()
        assert columns == []
        _migration_0017(conn, "upgrade")  # and again: nothing of the first one stood in its way
    with engine.connect() as conn:
        assert len(search_repo.search(conn, "keeper")) == 3
    engine.dispose()
    store = open_database(tmp_path)  # every migration on SQLite, 0017 among them: FTS5 as before
    with store.write() as conn:
        _load(conn, CORPUS, 0)
        _migration_0017(conn, "upgrade")
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'keeper'").scalar() == 3
        )
    store.dispose()
