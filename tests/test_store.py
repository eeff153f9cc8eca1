"""The store on SQLite and on PostgreSQL: migrations, upserts, the frontier's dedupe, concurrency; search (SQLite)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from quaero_desktop.domain.document import PageContent
from quaero_desktop.store import (
    documents_repo,
    frontier_repo,
    jobs_repo,
    migrate,
    open_database,
    search_pg_schema,
    search_repo,
)
from quaero_desktop.store.migrate import current_revision, head_revision
from quaero_desktop.store.schema import metadata
from quaero_desktop.store.schema_version import HEAD_REVISION, stored_revision
from quaero_desktop.store.search_query import to_fts_query
from tests.store_history import downgrade_to

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(store_database):
    """Both stores: SQLite (the quick loop) and PostgreSQL (the ``postgres`` mark)."""
    return store_database


@pytest.fixture
def sqlite_database(tmp_path):
    db = open_database(tmp_path)
    yield db
    db.dispose()


def _parent(conn, job_id="job1"):
    jobs_repo.create_parent(
        conn,
        job_id=job_id,
        name="J",
        definition_id="d",
        config={},
        metadata={"job_definition_id": "d"},
        owner_pid=1,
        now=NOW,
    )


def _page(url="https://a.example/x", markdown="# X\n", digest="h1"):
    return PageContent(url=url, title="X", markdown=markdown, content_hash=digest)


def test_migrations_build_exactly_the_schema_the_code_uses(database):
    assert current_revision(database) == head_revision()
    with database.read() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # Built by raw SQL in the migrations, not by the models: full-text search (FTS5's index and shadow
    # tables on SQLite, the documents' tsvector columns and their indexes on PostgreSQL) and, on
    # PostgreSQL, the team's page queue (Procrastinate's tables).
    differences = [d for d in differences if not _raw_sql_structure(d)]
    assert differences == []


def _raw_sql_structure(difference: tuple[object, ...]) -> bool:
    """A difference Alembic finds that search or the queue made: ("remove_table", table),
    ("remove_index", index) or ("remove_column", schema, table name, column)."""
    item = difference[-1]
    name = str(getattr(item, "name", ""))
    table = str(getattr(getattr(item, "table", None), "name", ""))
    return {
        "remove_table": name.startswith(("documents_fts", "procrastinate_")),
        "remove_index": name in search_pg_schema.INDEXES or table.startswith("procrastinate_"),
        "remove_column": name in search_pg_schema.COLUMNS,
    }.get(str(difference[0]), False)


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_database):
    with sqlite_database.read() as conn:
        pragmas = [conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "foreign_keys")]
    assert sqlite_database.dialect == "sqlite"
    assert pragmas == ["wal", 1]


def test_the_revision_known_without_alembic_is_alembics_head(database):
    # open_database loads Alembic only when the file's revision differs from HEAD_REVISION: a new
    # migration must bump it (store/schema_version.py).
    assert head_revision() == HEAD_REVISION
    assert stored_revision(database) == current_revision(database) == HEAD_REVISION


def test_an_older_file_is_upgraded_without_alembic_at_every_later_start(tmp_path, monkeypatch):
    first = open_database(tmp_path)
    downgrade_to(first, "0013")
    with first.write() as conn:
        for n, markdown in enumerate(["[One](/1) · [Two](/2) · [Three](/3)", "Plain text, [one link](/a) in it."]):
            conn.exec_driver_sql(
                "INSERT INTO documents (url, title, markdown, description, canonical_url, language, final_url,"
                " content_hash, first_crawled_at, last_crawled_at, updated_at)"
                f" VALUES ('https://example.com/{n}', 'Page', ?, '', '', '', '', '{n}', '2026-01-01', '2026-01-01',"
                " '2026-01-01')",
                (markdown,),
            )
    first.dispose()
    # The file lacks 0014 on: Alembic applies them, its documents' link shares worked out.
    again = open_database(tmp_path)
    assert stored_revision(again) == HEAD_REVISION
    with again.read() as conn:
        shares = [row[0] for row in conn.exec_driver_sql("SELECT link_share FROM documents ORDER BY url")]
    assert shares[0] == 1.0 and 0.2 < shares[1] < 0.4
    again.dispose()

    def no_alembic(*_args: object) -> None:
        raise AssertionError("Alembic ran for a current file")

    monkeypatch.setattr(migrate, "upgrade_to_head", no_alembic)
    open_database(tmp_path).dispose()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path, store_url):
    first = open_database(tmp_path, url=store_url)
    with first.write() as conn:
        _parent(conn)
    first.dispose()
    second = open_database(tmp_path, url=store_url)
    with second.read() as conn:
        assert jobs_repo.get_parent(conn, "job1").metadata == {"job_definition_id": "d"}
    second.dispose()


def test_upsert_by_url_updates_and_counts_once_per_job(database):
    with database.write() as conn:
        _parent(conn, "job1")
        _parent(conn, "job2")
        first_id, new = documents_repo.upsert(conn, _page(), job_id="job1", definition_id="d", now=NOW)
        assert new
        again_id, new = documents_repo.upsert(
            conn,
            _page(markdown="# X v2\n", digest="h2"),
            job_id="job1",
            definition_id="d",
            now=NOW + timedelta(minutes=1),
        )
        assert (again_id, new) == (first_id, False)  # same job: not counted twice
        _, new = documents_repo.upsert(conn, _page(), job_id="job2", definition_id="d", now=NOW + timedelta(minutes=2))
        assert new  # another job stored it too
        document = documents_repo.get(conn, first_id)
        assert documents_repo.count(conn) == 1
    assert document.first_crawled_at == NOW and document.last_crawled_at == NOW + timedelta(minutes=2)
    assert document.job_id == "job2"


def test_frontier_claims_each_url_once_and_respects_the_budget(database):
    with database.write() as conn:
        _parent(conn)
        assert frontier_repo.claim_urls(conn, "job1", ["u1", "u2", "u1", "u3"], limit=2) == ["u1", "u2"]
        assert frontier_repo.claim_urls(conn, "job1", ["u2", "u3", "u4"], limit=10) == ["u3", "u4"]
        assert frontier_repo.claim_urls(conn, "job1", ["u5"], limit=0) == []


def test_concurrent_writers_never_see_database_is_locked(database):
    with database.write() as conn:
        _parent(conn)
    errors: list[Exception] = []

    def writer(offset: int) -> None:
        try:
            for i in range(60):
                with database.write() as conn:
                    # read, then write: fails at once in WAL without BEGIN IMMEDIATE
                    jobs_repo.get_parent(conn, "job1")
                    jobs_repo.increment_document_count(conn, "job1")
                    frontier_repo.claim_urls(conn, "job1", [f"u{offset}-{i}"], limit=1)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.read() as conn:
        assert jobs_repo.get_parent(conn, "job1").document_count == 240


def test_two_writers_storing_one_page_at_once_keep_one_document_counted_once_per_job(database):
    # SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL's second writer waits on the first's
    # row lock (or its new row's key) and then updates the document instead of inserting a second one.
    with database.write() as conn:
        _parent(conn, "job1")
        _parent(conn, "job2")
    barrier = threading.Barrier(8)
    results: list[tuple[int, bool]] = []
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                with database.write() as conn:
                    results.append(
                        documents_repo.upsert(
                            conn, _page(digest=f"h{n}"), job_id=f"job{n % 2 + 1}", definition_id="d", now=NOW
                        )
                    )
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({document_id for document_id, _ in results}) == 1
    assert sum(new for _, new in results) >= 2  # each job counted it (and re-counted only when the other took it over)
    with database.read() as conn:
        assert documents_repo.count(conn) == 1


def test_search_ranks_title_matches_first_and_returns_clean_snippets(sqlite_database):
    database = sqlite_database
    with database.write() as conn:
        _parent(conn)
        documents_repo.upsert(
            conn,
            PageContent(
                url="https://a/1",
                title="Fog signals",
                markdown="# Fog signals\n\nHorns in [fog](https://a/x).",
                content_hash="1",
            ),
            job_id="job1",
            definition_id=None,
            now=NOW,
        )
        documents_repo.upsert(
            conn,
            PageContent(
                url="https://a/2",
                title="Weather",
                markdown="# Weather\n\nSome fog today, no signals.",
                content_hash="2",
            ),
            job_id="job1",
            definition_id=None,
            now=NOW,
        )
        hits = search_repo.search(conn, "fog signals")
        prefix = search_repo.search(conn, "weath", as_you_type=True)
    assert [h.url for h in hits] == ["https://a/1", "https://a/2"]
    assert "https://a/x" not in hits[0].snippet and "[fog]" in hits[0].snippet.lower()
    assert [h.url for h in prefix] == ["https://a/2"]


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("fog", '"fog"*'),
        ("fog ", '"fog"'),
        ("zebra-striped flamingo", '"zebra striped" AND "flamingo"*'),
        ('"quartz tortoise" almanac', '"quartz tortoise" AND "almanac"*'),
        ('"quartz tortoise"', '"quartz tortoise"'),
        ("flamingo OR", '"flamingo" AND "OR"'),
        ('NEAR( "unbalanced', '"NEAR" AND "unbalanced"'),
        ("a:b c.d", '"a b" AND "c d"'),
        ("   ", None),
        ("*** ()", None),
    ],
)
def test_user_text_becomes_a_safe_fts_query(typed, query):
    assert to_fts_query(typed) == query
