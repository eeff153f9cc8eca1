"""Scheduled and start-up runs: which definitions start, when, and only once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.scheduler import Scheduler
from tests.conftest import make_definition


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _definition(definition_id: str, schedule: str, **fields) -> JobDefinition:
    return make_definition(["https://a.example/"], id=definition_id, name=definition_id, schedule=schedule, **fields)


def test_due_definitions_start_once_per_fire_time():
    clock = Clock(datetime(2026, 11, 23, 2, 59, 40))
    definitions = [
        _definition("nightly", "0 3 * * *"),
        _definition("every-minute", "* * * * *"),
        _definition("disabled", "* * * * *", enabled=False),
        _definition("manual", ""),
    ]
    started: list[str] = []
    running: set[str] = set()

    async def submit(definition: JobDefinition) -> str:
        started.append(definition.id)
        return f"job-{len(started)}"

    scheduler = Scheduler(lambda: definitions, submit, lambda d: d in running, clock=clock)

    async def scenario() -> None:
        assert await scheduler.tick() == []  # nothing fired since the scheduler started
        clock.now += timedelta(seconds=30)  # 03:00:10
        assert len(await scheduler.tick()) == 2
        assert await scheduler.tick() == []  # the same fire time never starts twice
        clock.now += timedelta(minutes=1)  # 03:01:10
        running.add("every-minute")  # its previous run is still going: skipped
        assert await scheduler.tick() == []
        running.clear()
        clock.now += timedelta(minutes=1)
        assert len(await scheduler.tick()) == 1

    asyncio.run(scenario())
    assert started == ["nightly", "every-minute", "every-minute"]


@pytest.mark.browser
def test_engine_records_how_a_job_was_started(app, fresh_site):
    engine = app.engine()
    definition = make_definition([fresh_site.url("/docs/guide")], max_depth=0)
    job_id = engine.submit(definition, trigger="schedule").result(30)
    assert engine.wait(job_id).result(60) == JobStatus.COMPLETED
    job = app.jobs.get(job_id)
    assert job.metadata["trigger"] == "schedule"
    assert any("started by its schedule" in entry.message for entry in app.jobs.logs(job_id))
