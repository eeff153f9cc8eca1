"""A full disk under the data directory: the crawl stops at once with one clear message, and the
resume stores every page exactly once, the one that was being stored included.

The data directory lives on a small tmpfs (mounted here: the suite runs as root in CI; elsewhere
the test is skipped), filled with a ballast file until a few hundred KB are left.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import cli, write_definition

pytestmark = pytest.mark.browser  # crawls, in a child process

ROOM_LEFT_KB = 700  # a few pages fit, then SQLite's write-ahead log meets the end of the disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _rows(data_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{data_dir / 'quaero.db'}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_disk_full_stops_at_once_and_resume_stores_every_page_once(tmp_path, small_disk, fresh_site):
    site = fresh_site
    data_dir = small_disk / "data"
    definition = write_definition(
        tmp_path / "big.toml",
        f'id = "big"\nname = "Big site"\nstart_urls = ["{site.url("/big/")}"]\ninclude_patterns = ["/big/"]\n'
        "max_depth = 3\nmax_pages = 1000\nconcurrency = 4\n",
    )
    assert cli("jobs", "list", data_dir=data_dir).returncode == 0  # the database exists, migrated
    ballast = small_disk / "ballast"
    with ballast.open("wb") as handle:
        handle.truncate(shutil.disk_usage(small_disk).free - ROOM_LEFT_KB * 1024)
    with ballast.open("r+b") as handle:  # tmpfs allocates on write, not on truncate
        while chunk := handle.read(1 << 20):
            handle.seek(-len(chunk), 1)
            handle.write(chunk)

    result = cli("run", str(definition), "--json", data_dir=data_dir)

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    job_id = summary["job_id"]
    assert summary["status"] == "interrupted"
    message = summary["error"]
    assert "the disk is full" in message
    assert str(data_dir) in message  # which directory
    assert "free" in message and " MB" in message  # how much it has and needs
    assert f"quaero-desktop jobs resume {job_id}" in message
    assert "Traceback" not in result.stderr and "sqlalchemy" not in result.stderr.lower()
    assert result.stderr.count("disk is full") == 1  # one clear message, not a wall of errors
    ((status, owner_pid),) = _rows(data_dir, "SELECT status, owner_pid FROM jobs WHERE id = ?", (job_id,))
    by_status = dict(
        _rows(data_dir, "SELECT status, count(*) FROM jobs WHERE parent_id = ? GROUP BY status", (job_id,))
    )
    assert "failed" not in by_status  # no page was marked failed because the disk was full
    if status == "running":
        # Even the crawl's last write found no room: the job is left to a process that is gone, which
        # the next start leaves interrupted with its running pages (checked once there is room).
        assert owner_pid is not None and not psutil.pid_exists(owner_pid)
    else:
        assert status == "interrupted" and "running" not in by_status
    stored_before = {u for (u,) in _rows(data_dir, "SELECT url FROM documents")}
    assert 0 < len(stored_before) < len(site.big_urls())
    hits_before = {url: site.hits(url.split(str(site.port), 1)[1]) for url in stored_before}

    ballast.unlink()  # the user frees space
    shown = cli("jobs", "show", job_id, "--json", data_dir=data_dir)
    assert shown.returncode == 0 and json.loads(shown.stdout)["status"] == "interrupted", shown.stderr
    resumed = cli("jobs", "resume", job_id, "--json", data_dir=data_dir)

    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "completed"
    urls = [u for (u,) in _rows(data_dir, "SELECT url FROM documents")]
    assert sorted(urls) == sorted(site.big_urls())  # every page, the one being stored when the disk filled too
    ((document_count,),) = _rows(data_dir, "SELECT document_count FROM jobs WHERE id = ?", (job_id,))
    assert document_count == len(urls)
    assert all(site.hits(url.split(str(site.port), 1)[1]) == hits_before[url] for url in stored_before)
