"""Scheduled runs with an injected clock: firing, missed slots, no overlap, sleep and clock changes.

The scheduler is driven tick by tick (no sleeping) over an in-memory copy of what the store keeps,
so these tests are pure and fast; one engine test checks the real wiring (store, job log).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.domain.next_runs import next_fire
from quaero_desktop.domain.schedule import SlotRecord
from quaero_desktop.engine.schedule_policy import Action, Decision, count_slots_between
from quaero_desktop.engine.scheduler import Scheduler
from tests.conftest import make_definition
from tests.waiting import until


def local(*args: int) -> datetime:
    """A local wall-clock time as an aware datetime (cron expressions are read in local time)."""
    return datetime(*args).astimezone()  # type: ignore[arg-type]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _definition(definition_id: str, schedule: str, **fields) -> JobDefinition:
    return make_definition(["https://a.example/"], id=definition_id, name=definition_id, schedule=schedule, **fields)


class Harness:
    """A scheduler over an in-memory store: records survive a "restart" (a new Scheduler)."""

    def __init__(self, definitions: list[JobDefinition], clock: Clock) -> None:
        self.definitions = definitions
        self.clock = clock
        self.records: dict[str, SlotRecord] = {}
        self.saved_at: dict[str, datetime] = {}  # when a definition was saved (none: long ago)
        self.started: list[tuple[str, int]] = []  # (definition id, missed slots)
        self.skipped: list[Decision] = []
        self.running: set[str] = set()
        self.checks = 0  # how many times the scheduler read the store
        self.scheduler = self.restart()

    def restart(self, *, paused: bool = False) -> Scheduler:
        async def read_state():
            self.checks += 1
            return list(self.definitions), dict(self.records), dict(self.saved_at)

        async def write_state(records: Sequence[tuple[str, SlotRecord]]) -> None:
            self.records.update(records)

        async def submit(decision: Decision) -> str:
            self.started.append((decision.definition.id, decision.missed))
            return f"job-{len(self.started)}"

        self.scheduler = Scheduler(
            read_state=read_state,
            write_state=write_state,
            submit=submit,
            running=lambda: self.running,
            on_skip=self.skipped.append,
            clock=self.clock,
            paused=paused,
        )
        return self.scheduler

    def tick(self) -> list[str]:
        return asyncio.run(self.scheduler.tick())


def test_due_definitions_start_once_per_fire_time():
    clock = Clock(local(2026, 11, 23, 2, 59, 40))
    harness = Harness(
        [
            _definition("nightly", "0 3 * * *"),
            _definition("every-minute", "* * * * *"),
            _definition("disabled", "* * * * *", enabled=False),
            _definition("manual", ""),
        ],
        clock,
    )
    assert harness.tick() == []  # first sight: the schedules count from now, nothing runs at once
    clock.advance(seconds=30)  # 03:00:10
    assert len(harness.tick()) == 2
    assert harness.tick() == []  # the same fire time never starts twice
    clock.advance(minutes=1)
    assert len(harness.tick()) == 1
    assert [definition_id for definition_id, _ in harness.started] == ["nightly", "every-minute", "every-minute"]


def test_a_run_still_going_is_not_started_twice_and_the_skip_is_told():
    clock = Clock(local(2026, 11, 23, 10, 0, 5))
    harness = Harness([_definition("hourly", "0 * * * *")], clock)
    harness.tick()
    clock.advance(hours=1)
    assert len(harness.tick()) == 1
    harness.running.add("hourly")  # the 11:00 run is still going at 12:00
    clock.advance(hours=1)
    assert harness.tick() == []
    assert [decision.action for decision in harness.skipped] == [Action.SKIP_RUNNING]
    assert "still going" in harness.skipped[0].describe()
    harness.running.clear()
    clock.advance(minutes=10)  # the skipped 12:00 slot is not made up when the run ends
    assert harness.tick() == []
    clock.advance(minutes=50)
    assert len(harness.tick()) == 1


def test_slots_missed_while_closed_run_once_at_the_next_start():
    clock = Clock(local(2026, 11, 23, 9, 0, 10))
    harness = Harness([_definition("hourly", "0 * * * *"), _definition("nightly", "0 3 * * *")], clock)
    harness.tick()  # both start counting at 09:00
    # The program is closed for a day and a half; its records stay in the store.
    clock.advance(hours=36, minutes=20)  # 21:20 the next day
    harness.restart()
    started = harness.tick()
    assert len(started) == 2  # once each, not once per missed slot
    assert dict(harness.started) == {"hourly": 35, "nightly": 0}  # slots missed besides the one run
    assert harness.tick() == []
    clock.advance(minutes=40)  # the next regular slot, 22:00
    assert len(harness.tick()) == 1


def test_resume_from_sleep_fires_no_burst():
    clock = Clock(local(2026, 11, 23, 8, 0, 1))
    harness = Harness([_definition("every-5", "*/5 * * * *")], clock)
    harness.tick()
    clock.advance(hours=3, seconds=30)  # asleep: 36 slots passed while the loop was frozen
    assert len(harness.tick()) == 1
    assert harness.started == [("every-5", 35)]
    for _ in range(10):  # the ticks that follow a wake-up start nothing more
        clock.advance(seconds=1)
        assert harness.tick() == []


def test_a_clock_set_back_fires_no_burst_and_does_not_stall_the_schedule():
    clock = Clock(local(2026, 11, 23, 14, 0, 2))
    harness = Harness([_definition("hourly", "0 * * * *")], clock)
    harness.tick()
    clock.advance(days=-30)  # the clock was a month ahead and is corrected
    assert harness.tick() == []  # nothing runs for the correction itself...
    assert harness.records["hourly"].last_slot < clock.now  # ...and the schedule counts from the new now
    clock.advance(hours=1)
    assert len(harness.tick()) == 1  # the next hour fires as usual (not a month later)
    clock.advance(hours=5)  # then set forward five hours: one run, not five
    assert len(harness.tick()) == 1


def test_paused_schedules_skip_their_slots_and_do_not_make_them_up():
    clock = Clock(local(2026, 11, 23, 6, 0, 3))
    harness = Harness([_definition("hourly", "0 * * * *")], clock)
    harness.tick()
    harness.scheduler.paused = True
    clock.advance(hours=2)
    assert harness.tick() == []
    assert harness.skipped[-1].action == Action.SKIP_PAUSED
    harness.scheduler.paused = False
    clock.advance(minutes=5)
    assert harness.tick() == []  # resuming does not run the paused slots
    clock.advance(minutes=55)
    assert len(harness.tick()) == 1


def test_a_changed_schedule_counts_from_now():
    clock = Clock(local(2026, 11, 23, 12, 30))
    harness = Harness([_definition("job", "0 3 * * *")], clock)
    harness.tick()
    harness.definitions = [_definition("job", "0 * * * *")]  # edited: hourly from now on
    assert harness.tick() == []  # 12:00 passed before the change: it is not a missed slot
    clock.advance(minutes=30)
    assert len(harness.tick()) == 1


def test_a_schedule_runs_first_at_the_next_run_the_window_showed_when_it_was_saved():
    """`* * * * *` saved at 19:49:41: the window says 19:50. The scheduler checks every half minute, so
    it may first see the schedule after 19:50; it counts from the save and runs 19:50 then (it ran 19:51)."""
    from quaero_desktop.gui.definitions.field_checks import upcoming_run

    saved = local(2026, 12, 7, 19, 49, 41)
    shown = upcoming_run("* * * * *", True, now=saved)  # the form's and the list's "Next run"
    assert shown == local(2026, 12, 7, 19, 50)
    clock = Clock(local(2026, 12, 7, 19, 50, 5))  # the scheduler's first check after the save
    harness = Harness([_definition("often", "* * * * *")], clock)
    harness.saved_at["often"] = saved
    assert len(harness.tick()) == 1 and harness.records["often"].last_slot == shown
    assert harness.started == [("often", 0)]
    clock.advance(seconds=30)
    assert harness.tick() == []  # once

    # Saved while the program was closed (long before its first check): counts from now, as before.
    clock.advance(minutes=10)
    harness.definitions = [_definition("often", "*/5 * * * *")]
    harness.saved_at["often"] = clock.now - timedelta(minutes=9)
    assert harness.tick() == []


def test_the_scheduler_wakes_at_the_next_fire_time():
    clock = Clock(local(2026, 11, 23, 2, 59, 50))
    harness = Harness([_definition("nightly", "0 3 * * *")], clock)
    harness.tick()
    assert harness.scheduler.seconds_to_sleep(30) == pytest.approx(10.5)
    clock.advance(seconds=20)
    harness.tick()
    assert harness.scheduler.seconds_to_sleep(30) == 30  # the next one is a day away


def test_next_fire_and_missed_counts():
    now = local(2026, 11, 23, 2, 30)
    definitions = [_definition("nightly", "0 3 * * *"), _definition("half", "45 * * * *"), _definition("m", "")]
    definition, when = next_fire(definitions, now)
    assert (definition.id, when) == ("half", local(2026, 11, 23, 2, 45))
    assert next_fire([_definition("m", "")], now) is None
    assert count_slots_between("0 * * * *", local(2026, 11, 23, 1, 0), local(2026, 11, 23, 5, 0)) == 3
    assert count_slots_between("* * * * *", now - timedelta(days=365), now) == 1000  # bounded
    assert local(2026, 1, 1).tzinfo is not None and datetime.now(UTC).tzinfo is UTC


@pytest.mark.browser
def test_engine_schedule_runs_a_missed_slot_once_and_records_it(store_app, fresh_site):
    app = store_app  # the slots' upsert on both stores
    from quaero_desktop.store import schedule_repo
    from tests.waiting import wait_until

    definition = make_definition([fresh_site.url("/docs/guide")], max_depth=0, schedule="0 * * * *")
    app.definitions.save(definition)
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    with app.database.write() as conn:  # the program last handled a slot two hours ago, then was closed
        schedule_repo.record(conn, [(definition.id, SlotRecord("0 * * * *", two_hours_ago))], two_hours_ago)
    engine = app.engine()
    engine.start_scheduler()
    # Past pending: the row is committed a moment before the engine takes the run on (wait() would see none yet).
    jobs = wait_until(
        lambda: [j for j in app.jobs.list() if j.status != JobStatus.PENDING], 30, "the missed slot's run"
    )
    assert engine.wait(jobs[0].id).result(60) == JobStatus.COMPLETED
    job = app.jobs.get(jobs[0].id)
    assert job.metadata["trigger"] == "schedule"
    messages = [entry.message for entry in app.jobs.logs(job.id)]
    assert any("started by its schedule" in message for message in messages)
    assert any("earlier run(s) were missed" in message for message in messages)
    assert len(app.jobs.list()) == 1  # once, not once per missed slot
    with app.database.read() as conn:
        assert schedule_repo.load_all(conn)[definition.id].last_slot > two_hours_ago


def test_woken_it_checks_a_saved_schedule_at_once_not_at_the_next_half_minute():
    """The window saved a definition: the scheduler is woken, so the new schedule's first slot runs when
    the form said (it would be seen only at the next half-minute check, up to 30 s late)."""
    clock = Clock(local(2026, 12, 7, 19, 49, 41))
    harness = Harness([], clock)

    async def scenario() -> None:
        checking = asyncio.create_task(harness.scheduler.run_forever(tick_s=30))
        try:
            await until(lambda: harness.checks == 1, 5, "the first check")
            harness.definitions = [_definition("often", "* * * * *")]
            harness.saved_at["often"] = clock.now
            harness.scheduler.wake()  # the window saved it
            await until(lambda: "often" in harness.records, 5, "the saved schedule, checked")
        finally:
            checking.cancel()

    asyncio.run(scenario())
    assert harness.checks == 2
