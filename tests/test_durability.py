"""Exact counts under concurrency, surviving SIGKILL, and Ctrl+C."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_env, cli, write_definition
from tests.waiting import wait_until

pytestmark = pytest.mark.browser  # every test crawls, in a child process

BIG = """
id = "big"
name = "Big site"
start_urls = ["{start}"]
include_patterns = ["/big/"]
max_depth = 3
max_pages = 1000
concurrency = {concurrency}
"""


def _big_definition(tmp_path: Path, site, concurrency: int) -> Path:
    return write_definition(tmp_path / "big.toml", BIG.format(start=site.url("/big/"), concurrency=concurrency))


def _spawn(*args: str, data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "quaero_desktop", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(QUAERO_DATA_DIR=str(data_dir)),
        cwd=ROOT,
    )


def _db_rows(data_dir: Path, sql: str, params=()) -> list[tuple]:
    path = data_dir / "quaero.db"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # the schema is not there yet
    finally:
        conn.close()


def _document_count(data_dir: Path) -> int:
    rows = _db_rows(data_dir, "SELECT count(*) FROM documents")
    return rows[0][0] if rows else 0


def _while_running(process: subprocess.Popen, state):
    """``state`` as a wait_until predicate that fails at once if the crawl process has exited."""

    def check():
        if found := state():
            return found
        if process.poll() is not None:
            _out, err = process.communicate()
            raise AssertionError(f"the crawl process exited ({process.returncode}) first: {err}")
        return found

    return check


def test_concurrency_8_counts_are_exact(tmp_path, data_dir, fresh_site):
    expected = set(fresh_site.big_urls())
    assert len(expected) >= 200
    result = cli("run", str(_big_definition(tmp_path, fresh_site, 8)), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    documents = json.loads(cli("documents", "list", "--json", data_dir=data_dir).stdout)
    ((document_count,),) = _db_rows(data_dir, "SELECT document_count FROM jobs WHERE id = ?", (summary["job_id"],))
    assert {d["url"] for d in documents} == expected
    assert document_count == len(documents) == summary["documents"] == summary["pages_completed"] == len(expected)


def test_sigkill_mid_crawl_then_resume_stores_every_page_once(tmp_path, data_dir, fresh_site):
    site = fresh_site
    expected = set(site.big_urls())
    process = _spawn("run", str(_big_definition(tmp_path, site, 4)), data_dir=data_dir)
    try:
        wait_until(_while_running(process, lambda: _document_count(data_dir) >= 60), 120, "60 stored documents")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    ((job_id, status),) = _db_rows(data_dir, "SELECT id, status FROM jobs WHERE type = 'parent'")
    assert status == "running"  # as the killed process left it
    done_before = {
        url
        for (url,) in _db_rows(data_dir, "SELECT url FROM jobs WHERE parent_id = ? AND status = 'completed'", (job_id,))
    }
    assert 60 <= len(done_before) < len(expected)
    hits_before = {url: site.hits(url.split(str(site.port), 1)[1]) for url in done_before}

    listed = json.loads(cli("jobs", "list", "--json", data_dir=data_dir).stdout)
    assert listed[0]["status"] == "interrupted"  # found on the next start

    result = cli("jobs", "resume", job_id, "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "completed"
    documents = json.loads(cli("documents", "list", "--json", data_dir=data_dir).stdout)
    ((document_count,),) = _db_rows(data_dir, "SELECT document_count FROM jobs WHERE id = ?", (job_id,))
    assert sorted(d["url"] for d in documents) == sorted(expected)  # each page stored exactly once
    assert document_count == len(documents) == summary["documents"] == len(expected)
    # Pages stored before the kill were neither fetched nor counted again.
    assert all(site.hits(url.split(str(site.port), 1)[1]) == hits_before[url] for url in done_before)


def test_ctrl_c_cancels_cleanly_with_exit_130(tmp_path, data_dir, fresh_site):
    starts = ", ".join(f'"{fresh_site.url(f"/slow?ms=5000&n={i}")}"' for i in range(6))
    path = write_definition(
        tmp_path / "slow.toml", f'id = "slow"\nname = "Slow"\nstart_urls = [{starts}]\nmax_depth = 0\nconcurrency = 2\n'
    )
    process = _spawn("run", str(path), "--json", data_dir=data_dir)
    running = "SELECT 1 FROM jobs WHERE type = 'crawler_url' AND status = 'running'"
    wait_until(_while_running(process, lambda: _db_rows(data_dir, running)), 60, "a page to be running")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    summary = json.loads(stdout)
    assert summary["status"] == "cancelled"
    assert "Traceback" not in stderr
    rows = _db_rows(data_dir, "SELECT status, count(*) FROM jobs WHERE type = 'crawler_url' GROUP BY status")
    assert rows == [("cancelled", 6)]
