"""Waiting for a state, never for a time: the suite's one way to wait.

A test that must let something happen first (a page crawled, a process listening, a view
refreshed) waits until it can observe that state, with a generous deadline that only matters
when the state never comes. It never sleeps a fixed time to put two actions in order.

``wait_until`` blocks the calling thread (engine, CLI and window-process tests); ``until`` is
its twin for coroutines on the window tests' qasync loop, where blocking would stop the loop.
Both poll ``predicate`` and return its first truthy value.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.05


class WaitTimeout(AssertionError):
    """The state waited for did not come before the deadline."""


def wait_until(predicate: Callable[[], T], timeout: float = 60, what: str = "condition") -> T:
    """Poll ``predicate`` until it returns a truthy value, and return that value.

    Raises WaitTimeout (an AssertionError) naming ``what`` after ``timeout`` seconds. An
    exception from ``predicate`` ends the wait at once (e.g. "the process exited first").
    """
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(POLL_SECONDS)
    return value


async def until(predicate: Callable[[], T], timeout: float = 60, what: str = "condition") -> T:
    """``wait_until`` for a coroutine: the event loop keeps running while it waits."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout:g}s waiting for {what}")
        await asyncio.sleep(POLL_SECONDS)
    return value
