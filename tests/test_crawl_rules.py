"""Pure rules behind issue 11's controls and accounts: pages per second, Retry-After, the pause per
host, robots.txt verdicts, network errors in words, and which errors are the disk's."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
from pathlib import Path

from quaero_desktop.crawler.connection_errors import describe_network_error
from quaero_desktop.crawler.fetched import TextResponse, retry_after_seconds
from quaero_desktop.domain.crawl_rate import RateMeter
from quaero_desktop.domain.job import Progress
from quaero_desktop.engine.run.politeness import HostPacer, RobotsRules
from quaero_desktop.engine.run.storage_stop import storage_stop_message
from quaero_desktop.store.storage_errors import LocalStorageError, storage_error


def test_rate_and_time_left_from_the_last_seconds():
    meter = RateMeter(window_s=10)
    assert meter.text(0.0) == ""
    meter.add(Progress(pending=100, completed=0), 0.0)
    meter.add(Progress(pending=80, running=4, completed=20), 4.0)
    assert meter.pages_per_second(4.0) == 5.0
    assert meter.text(4.0) == "5.0 pages/s, about 17s left"  # 84 waiting at 5 a second
    meter.add(Progress(pending=90, completed=0), 5.0)  # a resume put pages back: measure again
    assert meter.text(5.0) == ""


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_the_pause_per_host_holds_across_workers_and_after_a_retry_after():
    now = [100.0]
    pacer = HostPacer(0.25, clock=lambda: now[0])
    slots = []

    async def turns() -> None:
        for url in ("http://a/1", "http://a/2", "http://b/1", "http://a/3"):
            slots.append(await pacer.wait_turn(url))

    original_sleep = asyncio.sleep

    async def instant(seconds: float) -> None:  # the clock stands still: only the reserved waits are seen
        await original_sleep(0)

    asyncio.sleep = instant  # type: ignore[assignment]
    try:
        asyncio.run(turns())
        pacer.hold("http://b/x", 2.0)
        asyncio.run(turns())
    finally:
        asyncio.sleep = original_sleep
    assert slots[:4] == [0.0, 0.25, 0.0, 0.5]  # host a spaced, host b on its own
    assert slots[6] == 2.0  # b waits out its Retry-After


def test_robots_rules_answer_per_origin_and_by_status():
    pacer = HostPacer(0.0)
    answers = {
        "http://site/robots.txt": TextResponse("", 200, "User-agent: *\nDisallow: /private/\n"),
        "http://down/robots.txt": TextResponse("", 503, ""),
        "http://none/robots.txt": TextResponse("", 404, ""),
    }
    fetched: list[str] = []

    async def fetch_text(url, before):
        await before()
        fetched.append(url)
        return answers[url]

    async def verdicts():
        rules = RobotsRules("Bot/1", pacer)
        return [
            await rules.verdict("http://site/private/x", fetch_text),
            await rules.verdict("http://site/public", fetch_text),
            await rules.verdict("http://down/a", fetch_text),
            await rules.verdict("http://none/a", fetch_text),
        ]

    private, public, down, none = asyncio.run(verdicts())
    assert not private.allowed and private.reason == "not crawled: disallowed by http://site/robots.txt"
    assert public.allowed and none.allowed
    assert not down.allowed and "answered HTTP 503" in down.reason
    assert fetched == ["http://site/robots.txt", "http://down/robots.txt", "http://none/robots.txt"]  # once each


def test_network_errors_in_words_with_the_code_kept():
    assert describe_network_error("ERR_NAME_NOT_RESOLVED", "http://wiki/") == (
        "the site's name could not be found — is the address right (and the network up)? "
        "(net::ERR_NAME_NOT_RESOLVED at http://wiki/)"
    )
    assert describe_network_error("ERR_CERT_DATE_INVALID").startswith("the site's certificate is not trusted")
    assert describe_network_error("ERR_SOMETHING_NEW") == "the page could not be loaded (net::ERR_SOMETHING_NEW)"


def test_storage_errors_are_told_apart_and_explained(tmp_path: Path):
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode, full.sqlite_errorname = 13, "SQLITE_FULL"  # as sqlite3 sets them
    failure = storage_error(full, tmp_path)
    assert failure is not None and failure.disk_full
    assert storage_error(OSError(errno.ENOSPC, "No space left on device"), tmp_path).disk_full
    constraint = sqlite3.IntegrityError("UNIQUE constraint failed")
    constraint.sqlite_errorcode = 2067
    assert storage_error(constraint, tmp_path) is None and storage_error(ValueError("x"), tmp_path) is None
    text = storage_stop_message(
        LocalStorageError(tmp_path, "full", disk_full=True), job_id="abc", pages_left=100, bytes_per_page=20_000
    )
    assert f"could not store pages in {tmp_path}" in text and "need about 10 MB" in text
    assert text.endswith("then run `quaero-desktop jobs resume abc` (the crawl continues where it stopped)")
