"""The phases of Job detail's opens (``job_detail_open.py``'s ``OpenTrace``), printed for each version:
how many opens were over the target, the median of each phase, and the slowest opens phase by phase,
to tell what they have in common. ``… cpu``: the CPU time of the phase's own thread, less sensitive to
the machine's load than wall time; ``handoff to …``: from a store read's end on its worker thread to
the GUI thread taking its rows."""

from __future__ import annotations

import statistics
from typing import Any

SLOWEST = 3


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
