"""Which scheduled definitions run now: a pure function of the definitions, what was handled, and the time.

Per definition the store keeps the last *slot* (cron fire time) that was handled — run, skipped
because the previous run was still going, or skipped while schedules were paused — and the
expression it belonged to. At each check:

* A definition seen for the first time, or whose schedule changed, starts counting from when that
  schedule was saved, if the save is recent (the scheduler checks at least every half minute), else
  from now: the latest slot before that moment is recorded and nothing runs (a new "0 3 * * *" does
  not fire at once). A slot that came between the save and this first check is due, as a later slot
  would be: so a "* * * * *" saved at 19:49:41 first runs at 19:50, the "next run" the window showed
  at the save (it ran at 19:51 when the scheduler's first check happened after 19:50).
* The latest slot at or before now, when it is later than the recorded one, is due. However many
  slots were missed since (the program was closed, the machine slept, the clock jumped forward),
  the definition runs **once**: only the latest slot counts, and the others are reported.
* A recorded slot in the future means the clock went back: the schedule restarts from now
  without running (otherwise nothing would fire until the clock caught up again).
* A due slot of a definition still running, or while schedules are paused, is skipped.

Times are aware datetimes; cron expressions are read in local wall-clock time
(``domain.schedule``), so "0 3 * * *" stays at 03:00 across daylight-saving changes.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.next_runs import scheduled
from quaero_desktop.domain.schedule import SlotRecord, previous_run

# A recorded slot later than now by more than this means the clock was set back.
CLOCK_BACK_TOLERANCE = timedelta(minutes=2)
# Missed slots are counted for the log up to this many (a "* * * * *" closed for a year stops here).
# A schedule saved at most this long before the scheduler first sees it counts from its save.
SAVED_RECENTLY = timedelta(minutes=2)
MISSED_COUNT_LIMIT = 1000


class Action(enum.StrEnum):
    RUN = "run"  # start a crawl for the slot
    SKIP_RUNNING = "skip_running"  # its previous run is still going
    SKIP_PAUSED = "skip_paused"  # schedules are paused
    START_COUNTING = "start_counting"  # new or changed schedule: record the slot, run nothing
    CLOCK_BACK = "clock_back"  # the recorded slot is in the future: record the current one, run nothing


@dataclass(frozen=True)
class Decision:
    definition: JobDefinition
    action: Action
    slot: datetime  # the slot now recorded as handled
    missed: int = 0  # slots besides ``slot`` that passed unhandled (closed, asleep, clock jump)

    @property
    def record(self) -> SlotRecord:
        return SlotRecord(self.definition.schedule, self.slot)

    def describe(self) -> str:
        """One line for the job log and the program's log."""
        when = self.slot.astimezone().strftime("%Y-%m-%d %H:%M")
        missed = f"; {self.missed} earlier run(s) were missed and are not made up" if self.missed else ""
        if self.action == Action.RUN:
            return f"scheduled run of {when}{missed}"
        if self.action == Action.SKIP_RUNNING:
            return f"scheduled run of {when} skipped: the previous run of '{self.definition.name}' is still going"
        if self.action == Action.SKIP_PAUSED:
            return f"scheduled run of {when} skipped: schedules are paused"
        if self.action == Action.CLOCK_BACK:
            return f"the clock went back before {when}: the schedule counts from now"
        return f"schedule '{self.definition.schedule}' counts from {when}"


def plan(
    definitions: Iterable[JobDefinition],
    records: Mapping[str, SlotRecord],
    now: datetime,
    *,
    running: Collection[str] = (),
    paused: bool = False,
    saved_at: Mapping[str, datetime] | None = None,
) -> list[Decision]:
    """What to do now for each enabled, scheduled definition that needs anything (aware ``now``).

    ``saved_at``: when each definition was last saved (aware), for a new or changed schedule."""
    local_now = now.astimezone().replace(tzinfo=None)  # cron reads local wall-clock time
    decisions: list[Decision] = []
    for definition in scheduled(definitions):
        slot = previous_run(definition.schedule, local_now)
        if slot is None:
            continue
        record = records.get(definition.id)
        if record is None or record.schedule != definition.schedule:
            record = _counting_from(definition, (saved_at or {}).get(definition.id), now)
            if record is None or slot <= record.last_slot:
                decisions.append(Decision(definition, Action.START_COUNTING, slot))
                continue
        if record.last_slot > now + CLOCK_BACK_TOLERANCE:
            decisions.append(Decision(definition, Action.CLOCK_BACK, slot))
        elif slot > record.last_slot:
            missed = count_slots_between(definition.schedule, record.last_slot, slot)
            if paused:
                action = Action.SKIP_PAUSED
            elif definition.id in running:
                action = Action.SKIP_RUNNING
            else:
                action = Action.RUN
            decisions.append(Decision(definition, action, slot, missed))
    return decisions


def _counting_from(definition: JobDefinition, saved: datetime | None, now: datetime) -> SlotRecord | None:
    """The slot a new or changed schedule counts from: the last one before its recent save."""
    if saved is None or not now - SAVED_RECENTLY <= saved <= now:
        return None
    before_save = previous_run(definition.schedule, saved.astimezone().replace(tzinfo=None))
    return None if before_save is None else SlotRecord(definition.schedule, before_save.astimezone())


def count_slots_between(expr: str, after: datetime, before: datetime) -> int:
    """Fire times strictly between ``after`` and ``before`` (both aware), at most MISSED_COUNT_LIMIT."""
    from croniter import croniter  # only schedules need it: a crawl run from the command line does not

    cursor = croniter(expr, after.astimezone().replace(tzinfo=None))
    end = before.astimezone().replace(tzinfo=None)
    count = 0
    while count < MISSED_COUNT_LIMIT:
        fire: datetime = cursor.get_next(datetime)
        if fire >= end:
            break
        count += 1
    return count
