"""The Jobs view's groups: a definition's runs together, the latest heading its group (issue 22).

The jobs model shows one row per group (its latest run) and folds the older runs under it. This
module keeps only the structure (which runs, in which order, where each group stands) so that
the model finds a run's row in constant time on every progress event; it knows nothing of Qt.
A group's serial number never changes while it lives: the model's indexes of folded runs carry
it (a group's position changes whenever a group before it comes or goes).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from datetime import datetime

RunOrder = tuple[float, str]  # (created, id): the newest run sorts last


def run_order(created_at: datetime, job_id: str) -> RunOrder:
    return created_at.timestamp(), job_id


def group_key(definition_id: str | None, job_id: str) -> str:
    """The runs of one definition share a group; a run without a definition is a group of its own."""
    return f"definition:{definition_id}" if definition_id else f"job:{job_id}"


@dataclass
class RunGroup:
    serial: int
    key: str
    runs: list[str] = field(default_factory=list)  # job ids, latest first
    orders: list[RunOrder] = field(default_factory=list)  # the runs' orders, oldest first (for bisect)

    @property
    def head(self) -> str:
        return self.runs[0]

    def index_for(self, order: RunOrder) -> int:
        """Where a run of this order goes in ``runs`` (latest first)."""
        return len(self.orders) - bisect.bisect_left(self.orders, order)


class RunGroups:
    def __init__(self) -> None:
        self.groups: list[RunGroup] = []  # in the model's top-level order
        self._serials = itertools.count(1)  # 0 marks the model's top-level rows
        self._by_key: dict[str, RunGroup] = {}
        self._by_serial: dict[int, RunGroup] = {}
        self._of_job: dict[str, RunGroup] = {}
        self._position: dict[int, int] = {}  # serial -> position in ``groups``

    def clear(self) -> None:
        self.groups.clear()
        self._by_key.clear()
        self._by_serial.clear()
        self._of_job.clear()
        self._position.clear()

    def find(self, key: str) -> RunGroup | None:
        return self._by_key.get(key)

    def by_serial(self, serial: int) -> RunGroup:
        return self._by_serial[serial]

    def position(self, group: RunGroup) -> int:
        return self._position[group.serial]

    def locate(self, job_id: str) -> tuple[RunGroup, int] | None:
        """The run's group and its place in it (0: it heads the group), or None."""
        group = self._of_job.get(job_id)
        return None if group is None else (group, group.runs.index(job_id))

    def add_group(self, position: int, key: str, job_id: str, order: RunOrder) -> RunGroup:
        group = RunGroup(next(self._serials), key, [job_id], [order])
        self.groups.insert(position, group)
        self._by_key[key] = group
        self._by_serial[group.serial] = group
        self._of_job[job_id] = group
        self._reposition()
        return group

    def add_run(self, group: RunGroup, job_id: str, order: RunOrder) -> None:
        group.runs.insert(group.index_for(order), job_id)
        bisect.insort(group.orders, order)
        self._of_job[job_id] = group

    def remove_run(self, job_id: str) -> None:
        """Forget a run; its group goes with its last run."""
        group = self._of_job.pop(job_id)
        at = group.runs.index(job_id)
        del group.runs[at]
        del group.orders[len(group.orders) - 1 - at]
        if not group.runs:
            self.groups.remove(group)
            del self._by_key[group.key]
            del self._by_serial[group.serial]
            self._reposition()

    def _reposition(self) -> None:
        self._position = {group.serial: i for i, group in enumerate(self.groups)}
