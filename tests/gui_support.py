"""Helpers for window tests: scripted dialogs and running coroutines on the qasync loop.

pytest-qt has no qasync support and a nested Qt loop inside a coroutine hangs, so window
tests are plain functions that drive the qasync loop with ``run(loop, coroutine)`` and wait
inside the coroutine with ``tests.waiting.until(...)`` instead of ``qtbot.waitSignal``.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path


class ScriptedDialogs:
    """Answers questions from a script and records what the window told the user."""

    def __init__(self) -> None:
        self.answers: deque = deque()
        self.asked: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.info_folders: list[Path | None] = []  # the folder each message offered to open ("Open folder")
        self.errors: list[tuple[str, str]] = []
        self.error_copies: list[str | None] = []  # the address each error offered to copy ("Copy address")

    def answer(self, *values) -> None:
        self.answers.extend(values)

    def _next(self, title: str, text: str):
        self.asked.append((title, text))
        if not self.answers:
            raise AssertionError(f"the window asked {title!r} but the test scripted no answer")
        return self.answers.popleft()

    async def confirm(self, title: str, text: str, *, ok: str = "OK") -> bool:
        return bool(self._next(title, text))

    async def choose(self, title: str, text: str, choices: list[str]) -> str | None:
        answer = self._next(title, text)
        assert answer is None or answer in choices, (answer, choices)
        return answer

    async def choose_remembered(self, title: str, text: str, choices: list[str], remember: str):
        """Scripted as a pair: (answer, whether "don't ask again" was ticked)."""
        answer, remembered = self._next(title, text)
        assert answer is None or answer in choices, (answer, choices)
        return answer, remembered

    async def open_file(self, title: str, name_filter: str) -> Path | None:
        return self._next(title, name_filter)

    async def save_file(self, title: str, suggested_name: str, name_filter: str) -> Path | None:
        return self._next(title, suggested_name)

    async def choose_directory(self, title: str) -> Path | None:
        return self._next(title, "")

    def info(self, title: str, text: str, *, folder: Path | None = None) -> None:
        self.infos.append((title, text))
        self.info_folders.append(folder)

    def error(self, title: str, text: str, *, copy: str | None = None) -> None:
        self.errors.append((title, text))
        self.error_copies.append(copy)


class RecordingNotifier:
    """A notifier that records the notices it was given (tests of notifications use a real D-Bus one)."""

    name = "recorder"

    def __init__(self) -> None:
        self.shown: list = []
        self.handler = None

    def on_clicked(self, handler) -> None:
        self.handler = handler

    async def show(self, notice) -> None:
        self.shown.append(notice)

    async def close(self) -> None:
        return None


def store_finished_job(app, job_id: str, *, crawl_seconds: float, wall: timedelta) -> None:
    """A finished crawl as the store keeps it (no browser needed to look at one)."""
    from quaero_desktop.domain.definition import JobDefinition
    from quaero_desktop.domain.job import JobStatus
    from quaero_desktop.store import jobs_repo

    config = {"id": "test-crawl", "name": "Test crawl", "start_urls": ["https://example.com/"]}
    finished = datetime.now(UTC)
    with app.database.write() as conn:
        jobs_repo.create_parent(
            conn,
            job_id=job_id,
            name="Finished crawl",
            definition_id="test-crawl",
            config=JobDefinition.from_mapping(config, "test").to_mapping(),
            metadata={"job_definition_id": "test-crawl"},
            owner_pid=0,
            now=finished - wall,
        )
        jobs_repo.mark_parent_running(conn, job_id, owner_pid=0, now=finished - wall)
        jobs_repo.record_crawl_seconds(conn, job_id, crawl_seconds)
        jobs_repo.finish_parent(conn, job_id, JobStatus.COMPLETED, error=None, now=finished)


def run(loop: asyncio.AbstractEventLoop, coro, timeout: float = 120):
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


def shows_the_stored_job(jobs_panel, app, job_id: str) -> bool:
    """The Jobs view's row holds exactly what the store holds (finish time, counts): the view re-read
    the job after its last status change. The status event alone already sets a finish time (the
    GUI's clock), so ``finished_at is not None`` can be true before that re-read arrives."""
    from quaero_desktop.gui.jobs.job_row import JobRow

    row = jobs_panel.model.row(job_id)
    return row is not None and row == JobRow.from_job(app.jobs.get(job_id))


def fake_opener(tmp_path: Path, monkeypatch, *, exit_code: int, said: str = "") -> Path:
    """An ``xdg-open`` first on PATH that notes what it was asked to open (in the file returned), says
    ``said`` on stderr and exits with ``exit_code``: the desktop's opener, without opening anything."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    asked = tmp_path / "opened.txt"
    script = bin_dir / "xdg-open"
    script.write_text(f'#!/bin/sh\necho "$1" >> {asked}\necho "{said}" >&2\nexit {exit_code}\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return asked
