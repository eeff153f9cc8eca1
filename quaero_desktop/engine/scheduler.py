"""Runs stored definitions on their cron schedule while the window is open.

Every half minute the scheduler asks which enabled definitions had a fire time since it last
looked, and submits each once. Fire times that passed while Quaero Desktop was closed are not
caught up (as cron does), and a definition whose previous run is still going is not started
twice: the skipped run is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.schedule import previous_run

log = logging.getLogger(__name__)
TICK_S = 30.0


class Scheduler:
    def __init__(
        self,
        definitions: Callable[[], list[JobDefinition]],
        submit: Callable[[JobDefinition], Awaitable[str]],
        is_running: Callable[[str], bool],
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._definitions = definitions  # blocking (reads the store): called in a thread
        self._submit = submit
        self._is_running = is_running  # by definition id
        self._clock = clock
        self._since = clock()  # local wall-clock time, like the cron expressions
        self._last_fired: dict[str, datetime] = {}

    async def run_forever(self, tick_s: float = TICK_S) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # a bad tick must not end scheduling
                log.exception("the scheduler's check failed")
            await asyncio.sleep(tick_s)

    async def tick(self) -> list[str]:
        """Start every definition that is due now; returns the new job ids."""
        now = self._clock()
        started: list[str] = []
        for definition in await asyncio.to_thread(self._definitions):
            fire = self._due(definition, now)
            if fire is None:
                continue
            self._last_fired[definition.id] = fire
            if self._is_running(definition.id):
                log.warning("schedule of '%s' at %s skipped: its previous run is still going", definition.id, fire)
                continue
            started.append(await self._submit(definition))
        self._since = max(self._since, now)
        return started

    def _due(self, definition: JobDefinition, now: datetime) -> datetime | None:
        if not definition.enabled or not definition.schedule:
            return None
        fire = previous_run(definition.schedule, now)
        if fire is None or fire.replace(tzinfo=None) <= self._since.replace(tzinfo=None):
            return None
        if self._last_fired.get(definition.id) == fire:
            return None
        return fire
