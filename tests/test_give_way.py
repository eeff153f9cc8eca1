"""The crawl gives way to the window: while a front end holds the way, the engine's threads stop at
their next step, until the hold is released or its time is up (engine/give_way.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from quaero_desktop.domain.job import JobStatus
from quaero_desktop.engine.give_way import GiveWay
from tests.test_pause_continue import SECTION_PATHS, big_section_crawl
from tests.waiting import wait_until

STILL_S = 0.4  # how long a held thread is watched not moving


class Ticking:
    """An event loop on its own thread, as the engine's, counting its steps."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.steps = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._tick(), self.loop)

    async def _tick(self) -> None:
        while True:
            self.steps += 1
            await asyncio.sleep(0.005)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture
def ticking() -> Iterator[Ticking]:
    thread = Ticking()
    thread.start()
    wait_until(lambda: thread.steps > 3, 10, what="the loop's first steps")
    yield thread
    thread.stop()


def still_for(ticking: Ticking, seconds: float) -> bool:
    before = ticking.steps
    time.sleep(seconds)
    return ticking.steps == before


def test_a_held_thread_stops_at_its_next_step_and_goes_on_when_released(ticking):
    way = GiveWay()
    way.add_thread(ticking.loop.call_soon_threadsafe)
    release = way.hold(60)
    time.sleep(0.05)  # its next step
    assert way.held and still_for(ticking, STILL_S)
    release()
    release()  # a second call changes nothing
    assert not way.held
    moved_from = ticking.steps
    wait_until(lambda: ticking.steps > moved_from + 3, 10, what="the loop going on")


def test_every_hold_must_be_released_before_the_thread_goes_on(ticking):
    way = GiveWay()
    way.add_thread(ticking.loop.call_soon_threadsafe)
    first, second = way.hold(60), way.hold(60)
    time.sleep(0.05)
    first()
    assert way.held and still_for(ticking, STILL_S)
    second()
    moved_from = ticking.steps
    wait_until(lambda: ticking.steps > moved_from + 3, 10, what="the loop going on")


def test_a_hold_nobody_releases_ends_by_itself():
    way = GiveWay()
    began = time.monotonic()
    way.hold(0.3)
    assert way.held
    way.wait()  # what a held engine thread does
    assert time.monotonic() - began >= 0.3 and not way.held


def test_a_stopped_thread_is_not_waited_for():
    way = GiveWay()
    loop = asyncio.new_event_loop()
    loop.close()
    way.add_thread(loop.call_soon_threadsafe)  # raises RuntimeError: the loop is closed
    way.hold(60)()  # neither the hold nor its release fails
    assert not way.held


def test_a_running_crawl_waits_while_the_window_holds_the_way_and_then_finishes(app, fresh_site):
    crawls = app.crawls
    job_id = crawls.submit(big_section_crawl(fresh_site)).result(30)
    wait_until(lambda: app.jobs.get(job_id).progress.completed >= 2, what="a few pages stored")
    release = crawls.give_way(60)
    time.sleep(0.3)  # the pages being fetched end; then nothing moves
    requested = len(fresh_site.requests("/big/"))
    stored = app.jobs.get(job_id).progress.completed
    time.sleep(STILL_S)
    assert len(fresh_site.requests("/big/")) == requested and app.jobs.get(job_id).progress.completed == stored
    assert stored < len(SECTION_PATHS)  # the crawl was not over: it waited
    release()
    assert crawls.wait(job_id).result(120) == JobStatus.COMPLETED
    assert app.jobs.get(job_id).progress.completed == len(SECTION_PATHS)


def test_without_a_crawl_running_here_nothing_is_held(app):
    engine = app.engine()  # started, but crawling nothing
    release = app.crawls.give_way(60)
    assert app.crawls.active_job_ids() == [] and not engine.give_way.held
    release()
