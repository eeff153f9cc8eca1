"""The phases of Job detail's opens (``OpenTrace``, in the child that runs one version), printed for each version:
how many opens were over the target, the median of each phase, and the slowest opens phase by phase,
to tell what they have in common. ``… cpu``: the CPU time of the phase's own thread, less sensitive to
the machine's load than wall time; ``handoff to …``: from a store read's end on its worker thread to
the GUI thread taking its rows."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

SLOWEST = 3


def paint_recorder(model: object) -> object:
    """An event filter that records each paint of the table (time, rows the table then had). The model
    is the filter's, not its class's (a class is in a reference cycle: the window would outlive its close)."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            self.seen: list[tuple[float, int]] = []
            self.cpu: dict[float, float] = {}  # the GUI thread's CPU time at each paint

        def eventFilter(self, watched: object, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.seen.append((time.perf_counter(), self.model.rowCount()))  # type: ignore[attr-defined]
                self.cpu[self.seen[-1][0]] = time.thread_time()
            return False

        def cpu_at(self, at: float) -> float:
            return self.cpu[at]

        def first(self, rows: Callable[[int], bool]) -> float | None:
            return next((at for at, count in self.seen if rows(count)), None)

    return Paints()


class OpenTrace:
    """Where one open's time went, to tell what the slowest opens have in common: the window's
    building (``open_job`` itself), each store read on its worker thread (wall and that thread's CPU),
    the wait from a read's end to the GUI thread taking its rows (the hand-off), the model's fills,
    the GUI thread's CPU from the action to the paint of every row, and the cyclic garbage
    collector's passes meanwhile (any thread's: a pass holds the GIL, so it stops every thread)."""

    def __init__(self) -> None:
        self.gc: list[tuple[float, float, int]] = []  # every pass of the process: started, ended, generation
        self._gc_started = 0.0
        self.events: list[tuple[str, float, float, float]] = []  # what, started, ended, CPU ms of its thread
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc.append((self._gc_started, time.perf_counter(), info["generation"]))

    def timed(self, what: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.events.append((what, started, time.perf_counter(), (time.thread_time() - cpu) * 1000))

        return timed_call

    def phases(self, started: float, ended: float, gui_cpu_ms: float) -> dict[str, float]:
        """The phases of the open from ``started`` to ``ended`` (ms; ``… cpu``: its thread's CPU)."""
        out = {"total": (ended - started) * 1000, "gui cpu": gui_cpu_ms}
        seen: dict[str, int] = {}
        read_ended = started
        for what, began, done, cpu in sorted((e for e in self.events if started <= e[1] <= ended), key=lambda e: e[1]):
            seen[what] = seen.get(what, 0) + 1
            name = what if seen[what] == 1 else f"{what} {seen[what]}"
            if what.startswith("model"):  # the GUI thread takes the rows a read ended with: the hand-off
                out[f"handoff to {name}"] = (began - read_ended) * 1000
            elif what == "read":
                read_ended = done
            out[name] = (done - began) * 1000
            out[f"{name} cpu"] = cpu
        last_fill = max((e[2] for e in self.events if started <= e[1] <= ended), default=started)
        out["last fill to paint"] = (ended - last_fill) * 1000
        # The open's own CPU on its threads (GUI, store reads): what the machine's load does not change.
        out["open cpu"] = gui_cpu_ms + sum(v for k, v in out.items() if k.startswith("read") and k.endswith(" cpu"))
        passes = [(b, e, g) for b, e, g in self.gc if started <= b <= ended]
        out["gc passes"] = len(passes)
        out["gc ms"] = sum(e - b for b, e, _g in passes) * 1000
        out["gc gen2 ms"] = sum(e - b for b, e, g in passes if g == 2) * 1000
        return out


def print_phases(opens: dict[str, list[dict[str, Any]]], state: str, target_ms: float) -> None:
    for name, runs in opens.items():
        mine = sorted((run for run in runs if run["state"] == state), key=lambda run: run["total"], reverse=True)
        if not mine:
            continue
        over = sum(run["total"] > target_ms for run in mine)
        print(f"\n{name}, {state}: {over} of {len(mine)} opens over {target_ms:.0f} ms (all rows painted)")
        keys = list(dict.fromkeys(key for run in mine for key in run if key != "state"))
        print(f"  {'phase (ms)':<26}{'median':>8}" + "".join(f"{f'slowest {i + 1}':>11}" for i in range(SLOWEST)))
        for key in keys:
            values = [run.get(key, 0.0) for run in mine]
            cells = "".join(f"{value:>11.0f}" for value in values[:SLOWEST])
            print(f"  {key:<26}{statistics.median(values):>8.0f}{cells}")
