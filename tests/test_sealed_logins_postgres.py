"""Sealed logins on PostgreSQL, the team store (issue 23, item 4): the table made from the schema's metadata,
logins sealed and opened there, a blob moved to another row or changed refused, and a full dump of the
database (every table's rows as text, and pg_dump's own output) holding neither the cookie nor the team key.
Migration 0016 runs as written on PostgreSQL (up and down). Its SQLite side: test_store.py, test_sealed_logins.py.

The store's Database opens SQLite only on this branch, so SealedLogins gets a stand-in with the same
``read``/``write`` transactions on a bare SQLAlchemy engine."""

from __future__ import annotations

import importlib.util
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, Engine, create_engine, inspect, make_url, text, update

from quaero_desktop.store import credentials_repo
from quaero_desktop.store.migrate import MIGRATIONS_DIR
from quaero_desktop.store.schema import metadata, sealed_logins, utc_now
from quaero_desktop.vault.errors import SealedLoginCorruptError, WrongTeamKeyError
from quaero_desktop.vault.sealed_logins import SealedLogins, open_sealed_login
from quaero_desktop.vault.team_key import new_team_key, read_key_file, write_key_file
from tests.sealing_support import cookie_forms, found_in, key_file_store, key_forms, team_credential

pytestmark = pytest.mark.postgres


class EngineDatabase:
    """Database's transactions (``read``/``write``) on any SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    read = write


@pytest.fixture
def team_store(postgres_url) -> Iterator[Engine]:
    engine = create_engine(postgres_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _dump_rows(engine: Engine) -> str:
    """Every row of every table as PostgreSQL's text form of the row (bytea shows as \\x and hex)."""
    lines = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            lines += [f"{table}: {row[0]}" for row in conn.execute(text(f'SELECT t::text FROM "{table}" AS t'))]
    return "\n".join(lines)


def _pg_dump(postgres_cluster, url: str) -> str:
    parts = make_url(url)
    done = subprocess.run(
        [str(postgres_cluster.bin / "pg_dump"), "-h", parts.host, "-p", str(parts.port), "-U", parts.username],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"PGDATABASE": parts.database, "PATH": "/usr/bin:/bin"},
    )
    return done.stdout


def test_a_login_sealed_into_postgresql_opens_and_the_dump_holds_no_secret(
    team_store, postgres_url, postgres_cluster, tmp_path
):
    key_file = tmp_path / "team.key"
    write_key_file(key_file, new_team_key())
    key = read_key_file(key_file)
    credential, value = team_credential("team-wiki")
    tracker, _ = team_credential("tracker")
    sealing = SealedLogins(EngineDatabase(team_store), key_file_store(key_file))  # type: ignore[arg-type]
    now = utc_now()
    with team_store.begin() as conn:  # the login's metadata, as the desktop stores it beside the sealed copy
        credentials_repo.save(
            conn, credential.summary(created_at=now, updated_at=now), secret_backend="x", secret_chunks=1
        )
    sealed = sealing.seal(credential)
    assert sealing.seal(credential).replaced is True  # sealed again after logging in again: one row
    sealing.seal(tracker)
    with team_store.connect() as conn:
        assert open_sealed_login(conn, "team-wiki", key) == credential
        assert conn.execute(text("SELECT count(*) FROM sealed_logins")).scalar_one() == 2

    dumped, pg_dumped = _dump_rows(team_store), _pg_dump(postgres_cluster, postgres_url)
    for dump in (dumped, pg_dumped):
        assert sealed.key_id in dump and "team-wiki" in dump  # the rows are there, sealed
        assert found_in(dump.encode(), [value.encode(), *cookie_forms(credential), *key_forms(key)]) == []
    assert "sealed_logins: (team-wiki," in dumped and "\\x01" + key.key_id in dumped  # bytea: version, key id

    with team_store.begin() as conn:  # the wiki's ciphertext copied onto the tracker's row
        wiki_blob = conn.execute(text("SELECT sealed_blob FROM sealed_logins WHERE auth_id = 'team-wiki'")).scalar_one()
        conn.execute(update(sealed_logins).where(sealed_logins.c.auth_id == "tracker").values(sealed_blob=wiki_blob))
        conn.execute(
            update(sealed_logins)
            .where(sealed_logins.c.auth_id == "team-wiki")
            .values(sealed_blob=bytes(wiki_blob[:-1]) + bytes([wiki_blob[-1] ^ 1]))
        )
    for auth_id in ("tracker", "team-wiki"):
        with pytest.raises(SealedLoginCorruptError, match=f"the sealed login '{auth_id}' does not open"):
            sealing.load(auth_id)
    other_file = tmp_path / "other.key"
    write_key_file(other_file, new_team_key())
    with pytest.raises(WrongTeamKeyError, match=f"sealed with team key {key.key_id}, this machine has team key"):
        SealedLogins(EngineDatabase(team_store), key_file_store(other_file)).load("tracker")  # type: ignore[arg-type]


def _migration():
    path = MIGRATIONS_DIR / "versions" / "0016_sealed_logins.py"
    spec = importlib.util.spec_from_file_location("migration_0016", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_0016_creates_and_drops_the_table_on_postgresql(postgres_url):
    migration = _migration()
    assert (migration.revision, migration.down_revision) == ("0016", "0015")
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            migration.upgrade()
        with engine.connect() as conn:
            columns = {c["name"]: str(c["type"]) for c in inspect(conn).get_columns("sealed_logins")}
            assert inspect(conn).get_pk_constraint("sealed_logins")["constrained_columns"] == ["auth_id"]
        assert columns == {
            "auth_id": "VARCHAR(64)",
            "key_id": "VARCHAR(16)",
            "sealed_blob": "BYTEA",
            "sealed_at": "VARCHAR(32)",
        }
        assert set(columns) == {column.name for column in sealed_logins.columns}
        with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            migration.downgrade()
        with engine.connect() as conn:
            assert not inspect(conn).has_table("sealed_logins")
    finally:
        engine.dispose()
