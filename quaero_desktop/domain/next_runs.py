"""Which scheduled definition runs next, and when: a pure function of the definitions and the time (the
tray's tooltip, the scheduler). Apart from domain/schedule.py, which definition.py validates cron with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.schedule import next_run


def scheduled(definitions: Iterable[JobDefinition]) -> list[JobDefinition]:
    return [d for d in definitions if d.enabled and d.schedule]


def next_fire(definitions: Iterable[JobDefinition], now: datetime) -> tuple[JobDefinition, datetime] | None:
    """The scheduled definition that runs next after ``now``, and when (for the tray's tooltip)."""
    local_now = now.astimezone().replace(tzinfo=None)
    soonest: tuple[JobDefinition, datetime] | None = None
    for definition in scheduled(definitions):
        fire = next_run(definition.schedule, local_now)
        if fire is not None and (soonest is None or fire < soonest[1]):
            soonest = (definition, fire)
    return soonest
