"""Upgrading a store written by an older version says how far it is: a migration that reads every document
took ~100 s on a 100,000-document store with nothing shown, and a command (or the window) that says
nothing for that long looks hung."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quaero_desktop.store import open_database
from quaero_desktop.store.schema_version import HEAD_REVISION, stored_revision
from tests.conftest import ROOT
from tests.store_history import downgrade_to

DOCUMENTS = 1200  # more than one batch of the migration (500)


def make_store_before_0014(data_dir: Path, documents: int = DOCUMENTS) -> None:
    """A store as version 0013 left it, with ``documents`` documents (0014 measures each one's links)."""
    database = open_database(data_dir)
    downgrade_to(database, "0013")
    with database.write() as conn:
        conn.exec_driver_sql(
            "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < ?)"
            " INSERT INTO documents (url, title, markdown, description, canonical_url, language, final_url,"
            " content_hash, first_crawled_at, last_crawled_at, updated_at)"
            " SELECT 'https://example.com/' || value, 'Page ' || value, 'Text of page ' || value || ' [a link](/x)',"
            " '', '', '', '', value, '2026-01-01', '2026-01-01', '2026-01-01' FROM n",
            (documents,),
        )
    database.dispose()


def test_an_upgrade_that_reads_every_document_reports_how_far_it_is(tmp_path: Path) -> None:
    make_store_before_0014(tmp_path)
    told: list[tuple[str, int, int]] = []
    database = open_database(tmp_path, lambda what, done, total: told.append((what, done, total)))
    assert stored_revision(database) == HEAD_REVISION
    database.dispose()
    counted = [(done, total) for what, done, total in told if total]
    assert counted[0] == (0, DOCUMENTS) and counted[-1] == (DOCUMENTS, DOCUMENTS)
    assert [done for done, _total in counted] == sorted(done for done, _total in counted) and len(counted) >= 3
    assert told[-1] == ("Rebuilding the search index", 0, 0)


def test_a_new_store_is_made_without_a_word(tmp_path: Path) -> None:
    told: list[tuple[str, int, int]] = []
    open_database(tmp_path, lambda *args: told.append(args)).dispose()
    assert told == []


@pytest.mark.parametrize("command", [("jobs", "list", "--json"), ("documents", "list", "--json")], ids=" ".join)
def test_a_command_on_an_older_store_says_it_upgrades_on_stderr_and_keeps_stdout_its_own(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    make_store_before_0014(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "quaero_desktop", "--data-dir", str(tmp_path / "data"), *command],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)  # the command's own output, untouched
    lines = done.stderr.splitlines()
    assert lines[0] == "Upgrading the store to this version of Quaero Desktop (it is done once)…"
    assert f"Measuring how much of each document is links: {DOCUMENTS:,} of {DOCUMENTS:,} documents" in lines
    assert lines[-2:] == ["Rebuilding the search index…", "The store is up to date."]
    again = subprocess.run(
        [sys.executable, "-m", "quaero_desktop", "--data-dir", str(tmp_path / "data"), *command],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and again.stderr == ""  # upgraded once
