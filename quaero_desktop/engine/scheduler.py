"""Runs stored definitions on their cron schedule while Quaero Desktop runs (window shown or not).

The scheduler lives on the engine's loop, so it keeps going whatever the window does. It checks
at each definition's next fire time (and at least every half minute, which also notices a
machine waking from sleep or a changed clock, and definitions changed elsewhere), at once when
woken (``wake``: the window saved a definition, so its first slot runs on time), asks
``schedule_policy.plan`` what is due, records the handled slots *before* starting anything (a
crash in between never runs a slot twice), then starts the due runs. Skipped runs are logged in
the running job's log and the program's log.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Connection

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import JobTrigger
from quaero_desktop.domain.next_runs import next_fire
from quaero_desktop.domain.schedule import SlotRecord
from quaero_desktop.engine.schedule_policy import Action, Decision, plan
from quaero_desktop.store import definitions_repo, schedule_repo

log = logging.getLogger(__name__)
TICK_S = 30.0  # the longest wait between checks
FIRE_MARGIN_S = 0.5  # wake this long after a fire time, so "now" is past it

# (definitions, the slot records, when each definition was saved)
StateReader = Callable[[], Awaitable[tuple[list[JobDefinition], dict[str, SlotRecord], dict[str, datetime]]]]
StateWriter = Callable[[Sequence[tuple[str, SlotRecord]]], Awaitable[None]]


def utc_clock() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    def __init__(
        self,
        *,
        read_state: StateReader,
        write_state: StateWriter,
        submit: Callable[[Decision], Awaitable[str]],
        running: Callable[[], Collection[str]],
        on_skip: Callable[[Decision], None] = lambda _decision: None,
        clock: Callable[[], datetime] = utc_clock,
        paused: bool = False,
    ) -> None:
        self._read_state = read_state  # (definitions, records, saved times) from the store
        self._write_state = write_state
        self._submit = submit  # starts a run for a RUN decision; returns the job id
        self._running = running  # ids of the definitions with a run going
        self._on_skip = on_skip
        self._clock = clock  # aware datetimes; tests inject one
        self.paused = paused
        self._next_wake: datetime | None = None
        self._woken: asyncio.Event | None = None  # made on the loop that runs the checks

    async def run_forever(self, tick_s: float = TICK_S) -> None:
        self._woken = asyncio.Event()
        while True:
            try:
                await self.tick()
            except Exception:  # a bad check must not end scheduling
                log.exception("the scheduler's check failed")
            with contextlib.suppress(TimeoutError):  # the usual end of a wait: the time to check came
                await asyncio.wait_for(self._woken.wait(), self.seconds_to_sleep(tick_s))
            self._woken.clear()

    def wake(self) -> None:
        """Check now (a definition was saved: a schedule saved at 19:49:41 runs its 19:50 slot at 19:50,
        not at the next half-minute check). Called on the scheduler's loop."""
        if self._woken is not None:
            self._woken.set()

    def seconds_to_sleep(self, tick_s: float = TICK_S) -> float:
        """Until just after the next fire time, but never longer than ``tick_s``."""
        if self._next_wake is None:
            return tick_s
        until_fire = (self._next_wake - self._clock()).total_seconds() + FIRE_MARGIN_S
        return max(FIRE_MARGIN_S, min(tick_s, until_fire))

    async def tick(self) -> list[str]:
        """Handle every slot that is due now; returns the ids of the jobs started."""
        definitions, records, saved_at = await self._read_state()
        now = self._clock()
        decisions = plan(definitions, records, now, running=set(self._running()), paused=self.paused, saved_at=saved_at)
        soonest = next_fire(definitions, now)
        self._next_wake = soonest[1] if soonest else None
        if not decisions:
            return []
        await self._write_state([(decision.definition.id, decision.record) for decision in decisions])
        started: list[str] = []
        for decision in decisions:
            if decision.action == Action.RUN:
                try:
                    started.append(await self._submit(decision))
                except Exception:
                    log.exception("starting the scheduled run of '%s' failed", decision.definition.id)
            elif decision.action in (Action.SKIP_RUNNING, Action.SKIP_PAUSED):
                log.warning("%s: %s", decision.definition.id, decision.describe())
                self._on_skip(decision)
            else:
                log.info("%s: %s", decision.definition.id, decision.describe())
        return started


class ScheduledElsewhere(Protocol):
    """Where scheduled runs start when not in this engine (a team store's queue: services/team_crawls.py)."""

    def submit(self, definition: JobDefinition, trigger: JobTrigger) -> concurrent.futures.Future[str]: ...

    def running_definitions(self) -> set[str]: ...


def schedule_state(conn: Connection) -> tuple[list[JobDefinition], dict[str, SlotRecord], dict[str, datetime]]:
    """The stored definitions, the scheduler's records and when each definition was saved, in one transaction."""
    stored = definitions_repo.list_all(conn)
    saved_at = {record.definition.id: record.updated_at for record in stored}
    return [record.definition for record in stored], schedule_repo.load_all(conn), saved_at
