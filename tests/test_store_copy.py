"""``store copy --to URL`` (issue 23): the local store copied into an empty team store (PostgreSQL),
exactly, ids kept, in one transaction, checked table by table."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quaero_desktop.app import build_app
from quaero_desktop.domain.credential import CredentialSummary
from quaero_desktop.domain.document import PageContent
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.domain.schedule import SlotRecord
from quaero_desktop.store import credentials_repo, documents_repo, open_database, schedule_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import metadata
from quaero_desktop.store.store_copy import _raw_tables
from tests.conftest import cli, crawl, make_definition

pytestmark = pytest.mark.postgres

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _local_store(data_dir, site):
    """A store as a user's would be: two crawls over HTTP (one with pages stored under another's URL),
    a definition with a schedule and its slot, a saved login's name and dates."""
    app = build_app(data_dir)
    home = make_definition([site.url("/")], id="home", max_depth=1, render="http", schedule="0 6 * * *")
    same = make_definition([site.url("/same/")], id="same", include_patterns=["/same/"], max_depth=2, render="http")
    for definition in (home, same):
        app.definitions.save(definition)
        assert crawl(app, definition).status == JobStatus.COMPLETED
    with app.database.write() as conn:
        schedule_repo.record(conn, [("home", SlotRecord("0 6 * * *", WHEN))], WHEN)
        summary = CredentialSummary(
            "intranet", "Intranet", "intra.example", "https://intra.example/", 3, None, WHEN, WHEN
        )
        credentials_repo.save(conn, summary, secret_backend="Secret Service", secret_chunks=1)
    app.close()


def _rows(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table as stored (times as their text), sorted."""
    with database.read() as conn:
        return {table.name: sorted(tuple(row) for row in conn.execute(select(table))) for table in _raw_tables()}


def test_a_local_store_is_copied_into_a_team_store_row_for_row(data_dir, fresh_site, postgres_url, tmp_path):
    _local_store(data_dir, fresh_site)
    copied = cli("store", "copy", "--to", postgres_url, "--json", data_dir=data_dir)
    assert copied.returncode == 0, copied.stderr
    summary = json.loads(copied.stdout)
    local = open_database(data_dir)
    team = Database.from_url(postgres_url)
    try:
        source, target = _rows(local), _rows(team)
        assert set(source) == set(metadata.tables)
        for name in metadata.tables:
            assert target[name] == source[name], name
        assert {name: table["rows"] for name, table in summary["tables"].items()} == {
            name: len(rows) for name, rows in source.items()
        }
        for name in (
            "job_definitions",
            "jobs",
            "job_seen_urls",
            "job_logs",
            "documents",
            "document_sources",
            "document_aliases",
            "credentials",
            "schedule_slots",
        ):
            assert summary["tables"][name]["rows"] > 0, name  # the store above holds some of each
        assert summary["checked"] is True and summary["rows"] == sum(len(rows) for rows in source.values())
        assert "copying documents: " in copied.stderr and "checked: every table" in copied.stderr
    finally:
        local.dispose()
    # The ids go on after the copied ones: a document stored on the team store gets a new one.
    with team.write() as conn:
        highest = max(row[0] for row in source["documents"])
        new_id, _ = documents_repo.upsert(
            conn,
            PageContent(url="https://new.example/", title="New", markdown="new"),
            job_id=None,
            definition_id=None,
            now=WHEN,
        )
    team.dispose()
    assert new_id == highest + 1
    # The command line reads the copy as it read the original.
    listed = json.loads(cli("--database-url", postgres_url, "documents", "list", "--json", data_dir=data_dir).stdout)
    assert len(listed) == len(source["documents"]) + 1


def test_a_target_holding_data_is_refused_and_left_as_it_was(data_dir, fresh_site, postgres_url):
    app = build_app(data_dir)
    app.definitions.save(make_definition([fresh_site.url("/")], id="local"))
    app.close()
    team = build_app(data_dir, database_url=postgres_url)
    team.definitions.save(make_definition([fresh_site.url("/docs/")], id="teams-own"))
    team.close()
    refused = cli("store", "copy", "--to", postgres_url, data_dir=data_dir)
    assert refused.returncode == 2
    assert "this store already holds data (1 job_definitions)" in refused.stderr
    assert "copy into an empty database" in refused.stderr
    team = build_app(data_dir, database_url=postgres_url)
    assert [record.definition.id for record in team.definitions.list()] == ["teams-own"]
    team.close()


def test_a_copy_that_does_not_read_back_as_written_keeps_nothing_and_names_the_table(
    data_dir, fresh_site, postgres_url
):
    _local_store(data_dir, fresh_site)
    target = open_database(data_dir, url=postgres_url)  # migrated, still empty
    with target.write() as conn:  # a target that changes what it is given: log lines come back shouted
        conn.exec_driver_sql(
            "CREATE FUNCTION shout() RETURNS trigger AS $$ BEGIN NEW.message := upper(NEW.message); RETURN NEW; END $$"
            " LANGUAGE plpgsql"
        )
        conn.exec_driver_sql("CREATE TRIGGER shouting BEFORE INSERT ON job_logs FOR EACH ROW EXECUTE FUNCTION shout()")
    copied = cli("store", "copy", "--to", postgres_url, data_dir=data_dir)
    assert copied.returncode == 1
    assert (
        "the copy of table job_logs does not match its source" in copied.stderr and "nothing was kept" in copied.stderr
    )
    with target.read() as conn:
        held = {table.name: conn.execute(select(table)).first() for table in metadata.sorted_tables}
    target.dispose()
    assert held == dict.fromkeys(metadata.tables)  # every table as empty as before: one transaction
