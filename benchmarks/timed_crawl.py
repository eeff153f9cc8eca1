"""One crawl of a benchmark, timed: its definition's fields submitted to the app's engine, waited for.

Shared by the benchmarks that crawl in a child process of their own (fast_path.py, browser_path.py,
real_docs_auto.py); the package is whichever is first on ``sys.path`` (a baseline tree, say).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quaero_desktop.app import App
    from quaero_desktop.domain.job import Job


def timed_crawl(app: App, fields: dict[str, object]) -> tuple[Job, float]:
    """(the finished job, the crawl's wall time in seconds) for a definition of ``fields`` (id and timeout
    given unless ``fields`` says otherwise)."""
    from quaero_desktop.domain.definition import JobDefinition

    definition = JobDefinition.from_mapping({"id": "benchmark", "timeout": "1h", **fields}, "benchmark")
    engine = app.engine()
    began = time.perf_counter()
    job_id = engine.submit(definition).result()
    engine.wait(job_id).result()
    wall = time.perf_counter() - began
    return app.jobs.get(job_id), wall
