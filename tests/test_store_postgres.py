"""The store on PostgreSQL (team mode, issue 23): the migrations build the schema the code uses, and a
server that cannot be used says which one and what to do, never showing the password."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import inspect

from quaero_desktop.engine.run.storage_stop import storage_stop_message
from quaero_desktop.store import open_database, search_pg_schema
from quaero_desktop.store.database import Database
from quaero_desktop.store.schema import metadata
from quaero_desktop.store.schema_version import HEAD_REVISION, stored_revision
from quaero_desktop.store.storage_errors import DatabaseServerError, LocalStorageError, StoreError
from tests.conftest import cli
from tests.postgres_cluster import free_port

pytestmark = pytest.mark.postgres

PASSWORD = "s3cret-Pa55word"


def test_an_empty_database_is_migrated_to_exactly_the_tables_columns_and_indexes_of_the_code(postgres_url, tmp_path):
    started = time.perf_counter()
    database = open_database(tmp_path, url=postgres_url)
    took = time.perf_counter() - started
    try:
        assert database.dialect == "postgresql" and stored_revision(database) == HEAD_REVISION
        with database.read() as conn:
            found = inspect(conn)
            tables = {name for name in found.get_table_names() if not name.startswith("procrastinate_")}
            tables -= {"alembic_version"}  # Alembic's own, and the team's page queue (Procrastinate's)
            assert tables == set(metadata.tables)  # search's structures are columns and indexes of documents
            for table in metadata.sorted_tables:
                columns = {
                    c["name"]: c for c in found.get_columns(table.name) if c["name"] not in search_pg_schema.COLUMNS
                }
                assert set(columns) == {c.name for c in table.columns}, table.name  # order: as migrations added them
                for column in table.columns:
                    assert columns[column.name]["nullable"] == column.nullable, (table.name, column.name)
                    assert column.type._type_affinity is columns[column.name]["type"]._type_affinity or (
                        column.type.python_type is columns[column.name]["type"].python_type
                    ), (table.name, column.name)
                primary = found.get_pk_constraint(table.name)["constrained_columns"]
                assert primary == [c.name for c in table.primary_key.columns], table.name
                indexes = {
                    i["name"]: i
                    for i in found.get_indexes(table.name)
                    if not i.get("duplicates_constraint") and i["name"] not in search_pg_schema.INDEXES
                }
                expected = {index.name: index for index in table.indexes}
                assert set(indexes) == set(expected), table.name
                for name, index in expected.items():
                    assert indexes[name]["column_names"] == [c.name for c in index.columns], name
                    assert bool(indexes[name]["unique"]) == bool(index.unique), name
                    # The code names an index's WHERE for SQLite only (naming postgresql_where would load
                    # SQLAlchemy's PostgreSQL dialect in every command): the migrations make it so on both.
                    where = index.dialect_options["sqlite"]["where"]
                    shown = indexes[name].get("dialect_options", {}).get("postgresql_where")
                    assert (shown is None) == (where is None), name  # ix_documents_gone is partial on both
        print(f"migrated an empty PostgreSQL database to {HEAD_REVISION} in {took:.2f} s")
    finally:
        database.dispose()


def _url(cluster, *, user="postgres", database="quaero", port=None, password=None) -> str:
    secret = f":{password}" if password else ""
    return f"postgresql+psycopg://{user}{secret}@127.0.0.1:{port or cluster.port}/{database}"


def _opening_error(url: str, tmp_path) -> StoreError:
    with pytest.raises(StoreError) as failure:
        open_database(tmp_path, url=url)
    return failure.value


def test_a_server_that_is_down_is_named_with_what_to_do(postgres_cluster, tmp_path, caplog):
    port = free_port()  # nothing listens there
    with caplog.at_level(logging.DEBUG):
        error = _opening_error(_url(postgres_cluster, port=port, password=PASSWORD), tmp_path)
    assert isinstance(error, DatabaseServerError)
    text = str(error)
    assert f"cannot reach the PostgreSQL server at 127.0.0.1:{port}, database quaero" in text
    assert "check that it runs and accepts connections" in text and "--database-url" in text
    assert PASSWORD not in text + repr(error) + caplog.text
    # A crawl stopped by it says the same, and how to go on once the server is back.
    stopped = storage_stop_message(error, job_id="abc123", pages_left=5, bytes_per_page=None)
    assert stopped.startswith(f"stopped: cannot reach the PostgreSQL server at 127.0.0.1:{port}, database quaero")
    assert stopped.endswith("then run `quaero-desktop jobs resume abc123` (the crawl continues where it stopped)")


def test_a_missing_database_or_role_says_which_and_how_to_create_it(postgres_cluster, tmp_path):
    missing_database = str(_opening_error(_url(postgres_cluster, database="no_such_db"), tmp_path))
    assert (
        f"the PostgreSQL server at 127.0.0.1:{postgres_cluster.port} has no database 'no_such_db'" in missing_database
    )
    assert "createdb -O postgres no_such_db" in missing_database
    missing_role = str(_opening_error(_url(postgres_cluster, user="nobody_here"), tmp_path))
    assert "has no role 'nobody_here'" in missing_role and "createuser nobody_here" in missing_role


def test_a_refused_password_is_said_and_never_shown(postgres_cluster, postgres_url, tmp_path, caplog):
    # One role of this cluster logs in with a password (the rest keep trust): its line comes first in pg_hba.conf.
    hba = postgres_cluster.data / "pg_hba.conf"
    hba.write_text(f"host all quaero_pw 127.0.0.1/32 scram-sha-256\n{hba.read_text()}")
    admin = Database.from_url(postgres_url)
    with admin.write() as conn:
        conn.exec_driver_sql("DROP ROLE IF EXISTS quaero_pw")
        conn.exec_driver_sql("CREATE ROLE quaero_pw LOGIN PASSWORD 'the-right-one'")
        conn.exec_driver_sql("SELECT pg_reload_conf()")
    admin.dispose()
    time.sleep(0.3)  # the postmaster reads pg_hba.conf again on the signal
    url = _url(postgres_cluster, user="quaero_pw", password=PASSWORD)
    database = Database.from_url(url)
    assert PASSWORD not in repr(database) + database.location
    assert "***" in repr(database)
    with caplog.at_level(logging.DEBUG):
        error = _opening_error(url, tmp_path)
    text = str(error)
    assert f"the PostgreSQL server at 127.0.0.1:{postgres_cluster.port}, database quaero refused the password" in text
    assert "'quaero_pw'" in text and "PGPASSWORD" in text
    assert PASSWORD not in text + repr(error) + caplog.text
    # The command line says the same, and neither its output nor its traceback-free error shows the password.
    done = cli("--database-url", url, "jobs", "list", data_dir=tmp_path / "data")
    assert done.returncode == 1
    assert "refused the password of role 'quaero_pw'" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


def test_a_url_of_another_kind_is_refused_with_the_form_to_give(tmp_path):
    error = _opening_error(f"mysql://someone:{PASSWORD}@db.example.com/quaero", tmp_path)
    assert "SQLite or PostgreSQL" in str(error) and "postgresql+psycopg://ROLE@HOST:PORT/DATABASE" in str(error)
    assert PASSWORD not in str(error)
    assert "names no database" in str(_opening_error("postgresql+psycopg://someone@db.example.com:5432", tmp_path))


def test_a_server_lost_while_the_store_is_open_is_a_storage_failure_a_crawl_stops_on(postgres_url, tmp_path):
    database = open_database(tmp_path, url=postgres_url)
    name = database.url.database
    admin = Database.from_url(postgres_url.rsplit("/", 1)[0] + "/quaero")
    try:
        with database.read() as conn:
            conn.exec_driver_sql("SELECT 1")  # a pooled connection, then the server shuts this database away
        with admin.write() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            conn.exec_driver_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        with pytest.raises(LocalStorageError) as failure, database.write() as conn:
            conn.exec_driver_sql("SELECT 1")
        assert isinstance(failure.value, DatabaseServerError)
        assert f"cannot reach the PostgreSQL server at {database.server}" in str(failure.value)
    finally:
        with admin.write() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.dispose()
        database.dispose()
