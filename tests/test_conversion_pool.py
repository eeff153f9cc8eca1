"""Conversions in worker processes (crawler/conversion_pool.py): the same Markdown as in the crawl's own
process, a conversion's error named for its page, a dead worker never hanging a conversion, and no
worker left once conversions stop or the app closes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from quaero_desktop.app import build_app
from quaero_desktop.crawler.conversion_pool import ConversionError, ConversionPool
from quaero_desktop.crawler.converted_page import NO_RULES, ContentRules
from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.crawler.text_digest import text_digest
from quaero_desktop.domain.job import JobStatus
from tests.conftest import child_env, crawl, make_definition
from tests.conversion_workers import killed_always, killed_once

PAGE = """<html><head><title>Boats</title></head><body>
<nav><a href="/">Home</a> | <a href="/docs">Docs</a> | <a href="/blog">Blog</a></nav>
<main><h1>Boats</h1><p>A boat is a watercraft of a large range of types and sizes, smaller than a ship.
Boats carry people and goods on rivers, lakes and along coasts.</p>
<h2>Kinds</h2><ul><li>Sailing boats move with the wind.</li><li>Motor boats carry an engine.</li></ul>
<pre class="language-python">print("ahoy")</pre></main></body></html>"""

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the forkserver's workers")


def _workers() -> set[int]:
    """This process's conversion workers: the children of its forkserver (one per process)."""
    workers = set()
    for child in psutil.Process().children():
        try:
            if "multiprocessing.forkserver" in " ".join(child.cmdline()):
                workers.update(worker.pid for worker in child.children())
        except psutil.Error:
            continue
    return workers


def test_a_page_converts_in_a_worker_as_in_the_crawls_process() -> None:
    pool = ConversionPool(workers=1)
    rules = ContentRules(content_selector="main", exclude_selectors=("pre",))
    try:
        converted = asyncio.run(pool.convert(PAGE, "https://example.com/boats", NO_RULES))
        with_rules = asyncio.run(pool.convert(PAGE, "https://example.com/boats", rules))
    finally:
        pool.close()
    assert converted == html_to_markdown(PAGE, "https://example.com/boats", NO_RULES)
    assert converted.markdown.startswith("# Boats\n\nA boat is a watercraft")
    assert '```python\nprint("ahoy")\n```' in converted.markdown
    assert with_rules == html_to_markdown(PAGE, "https://example.com/boats", rules)
    assert "ahoy" not in with_rules.markdown
    # what the store derives from the Markdown comes computed beside it, off the crawl's process
    assert converted.digest == text_digest(converted.markdown)
    assert with_rules.digest == text_digest(with_rules.markdown)


def test_an_error_in_a_conversion_reaches_the_page_by_name() -> None:
    pool = ConversionPool(workers=1)
    broken_rules = ContentRules(content_selector="main[[")  # a selector the worker cannot compile
    try:
        with pytest.raises(ConversionError, match=r"^SelectorSyntaxError: "):
            asyncio.run(pool.convert(PAGE, "https://example.com/boats", broken_rules))
        # the pool still converts the next page
        assert asyncio.run(pool.convert(PAGE, "https://example.com/boats", NO_RULES)).title == "Boats"
    finally:
        pool.close()


def test_a_worker_that_dies_never_hangs_a_conversion(tmp_path: Path) -> None:
    once = ConversionPool(workers=1, work=killed_once)
    try:  # asked again of a new worker
        converted = asyncio.run(asyncio.wait_for(once.convert(PAGE, str(tmp_path / "killed"), NO_RULES), 60))
    finally:
        once.close()
    assert converted == html_to_markdown(PAGE, "https://example.com/boats", NO_RULES)

    always = ConversionPool(workers=1, work=killed_always)
    try:  # the page fails, saying why
        with pytest.raises(ConversionError, match="worker process ended while converting the page"):
            asyncio.run(asyncio.wait_for(always.convert(PAGE, "https://example.com/boats", NO_RULES), 60))
    finally:
        always.close()


@linux_only
def test_the_workers_end_once_no_page_is_converted() -> None:
    others = _workers()
    pool = ConversionPool(workers=1, idle_close_s=0.5)
    try:
        asyncio.run(pool.convert(PAGE, "https://example.com/boats", NO_RULES))
        assert _workers() - others
        deadline = time.monotonic() + 15
        while _workers() - others and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _workers() - others
        # and the next conversion starts them again
        assert asyncio.run(pool.convert(PAGE, "https://example.com/boats", NO_RULES)).title == "Boats"
    finally:
        pool.close()


@linux_only
def test_a_crawl_leaves_no_worker_once_the_app_closes(fresh_site, data_dir: Path) -> None:
    others = _workers()
    app = build_app(data_dir)
    try:
        definition = make_definition(
            [fresh_site.url("/big/s1/")], include_patterns=["/big/s1/"], max_pages=5, render="http"
        )
        job = crawl(app, definition)
        assert job.status == JobStatus.COMPLETED, job.error
        assert job.document_count == 5
        assert _workers() - others  # the crawl converted in them, and they wait for the next pages
    finally:
        app.close(detach=False)
    assert not _workers() - others


KILLED_APP = f"""
import asyncio, os, time
from quaero_desktop.crawler.conversion_pool import ConversionPool
from quaero_desktop.crawler.converted_page import NO_RULES
pool = ConversionPool(workers=1)
asyncio.run(pool.convert({PAGE!r}, "https://example.com/boats", NO_RULES))
print("converted", flush=True)
time.sleep(600)
"""


@linux_only
def test_the_workers_end_when_the_app_is_killed() -> None:
    app = subprocess.Popen([sys.executable, "-c", KILLED_APP], stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert app.stdout is not None and app.stdout.readline() == "converted\n"
        helpers = psutil.Process(app.pid).children(recursive=True)  # the forkserver, its worker, the tracker
        assert len(helpers) >= 2
    finally:
        app.kill()  # as the system would on a crash: no clean-up runs
        app.wait()
    _, alive = psutil.wait_procs(helpers, timeout=20)
    for process in alive:  # left by a failure: not for the next tests
        process.kill()
    assert not alive
