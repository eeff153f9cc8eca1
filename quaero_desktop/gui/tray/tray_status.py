"""What the tray icon shows: idle, crawling, or a failure since the user last looked; and its tooltip.

Kept from the engine's events by the desktop app; no Qt here, so it is tested as plain data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.job import Progress
from quaero_desktop.humanize import count_noun

APP_NAME = "Quaero Desktop"
MAX_JOBS_IN_TOOLTIP = 5


class TrayState(enum.StrEnum):
    IDLE = "idle"
    CRAWLING = "crawling"
    FAILURE = "failure"  # a crawl failed (or needed a login again) since the window was last shown


@dataclass
class RunningJob:
    name: str
    progress: Progress = field(default_factory=Progress)


@dataclass
class TrayStatus:
    running: dict[str, RunningJob] = field(default_factory=dict)
    failed_since_look: bool = False

    @property
    def state(self) -> TrayState:
        if self.failed_since_look:
            return TrayState.FAILURE
        return TrayState.CRAWLING if self.running else TrayState.IDLE

    def tooltip(self, next_run: tuple[JobDefinition, datetime] | None, *, paused: bool, when: str = "") -> str:
        """Running crawls with their progress, then the next scheduled run (``when``: its time, as text)."""
        count = len(self.running)
        lines = [f"{APP_NAME} — {count} crawl{'s' if count != 1 else ''} running" if count else f"{APP_NAME} — idle"]
        for job in list(self.running.values())[:MAX_JOBS_IN_TOOLTIP]:
            progress = job.progress
            lines.append(f"{job.name}: {progress.text} · {count_noun(progress.documents, 'document')}")
        if count > MAX_JOBS_IN_TOOLTIP:
            lines.append(f"… and {count - MAX_JOBS_IN_TOOLTIP} more")
        if self.failed_since_look:
            lines.append("A crawl failed since you last looked: open the window")
        if paused:
            lines.append("Schedules paused")
        elif next_run is not None:
            lines.append(f"Next scheduled run: {next_run[0].name}, {when}")
        else:
            lines.append("No scheduled runs")
        return "\n".join(lines)
