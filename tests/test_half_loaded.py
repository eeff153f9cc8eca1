"""Half-loaded apps (crawler/half_loaded.py): the verdict on its own, the signals a real page shows, the
one more fetch of a page rendered incomplete (also when auto mode reads a page again in the browser),
and what the job window shows of it. Whole crawls are in tests/test_js_apps.py.

The browser test gives a tab each page as HTML for a URL of the test site (so its requests, such as
``/slow?ms=N``, reach a real server) with a short bound, and check what the fetcher makes of it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest

from quaero_desktop.crawler.browser.page_fetcher import FetchedPage, PageFetcher, ServedDocument
from quaero_desktop.crawler.browser.service import BrowserService
from quaero_desktop.crawler.browser.settle import SettleTimings
from quaero_desktop.crawler.fetched import FetchError
from quaero_desktop.crawler.half_loaded import (
    LOADING_TEXT,
    MIN_CONTENT_CHARS,
    PLACEHOLDER_CLASS,
    LoadingSignals,
    incomplete_reason,
)
from quaero_desktop.domain.job import JobStatus, PageChange, PageResult, Progress
from quaero_desktop.engine.events import ChildStatusChanged
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.host_rereads import read_again_if_host_differs
from quaero_desktop.engine.run.page_recorder import page_note
from quaero_desktop.engine.run.page_transactions import PageCommit
from quaero_desktop.engine.run.retries import fetch_with_retries
from quaero_desktop.engine.settings import EngineSettings

ARTICLE = "<h1>Harbour notes</h1><p>" + "The pilot boat leaves at dawn and returns with the tide. " * 3 + "</p>"


@pytest.mark.parametrize(
    ("signals", "reason"),
    [
        (LoadingSignals(timed_out=False), None),
        (LoadingSignals(timed_out=True), None),  # never quiet (a ticking clock), nothing loading: confirmed
        (LoadingSignals(timed_out=True, indicator='"Loading…"'), '"Loading…" still shown'),
        (LoadingSignals(timed_out=True, growing=True, content_chars=900), "content still being added"),
        (LoadingSignals(timed_out=True, requests=1, content_chars=0), "a request still loading, no content yet"),
        (LoadingSignals(timed_out=True, requests=3, content_chars=5), "3 requests still loading, no content yet"),
        # a long poll beside the page's content: the content is there
        (LoadingSignals(timed_out=True, requests=1, content_chars=MIN_CONTENT_CHARS), None),
    ],
)
def test_the_verdict_on_a_page_when_the_wait_ended(signals, reason):
    assert incomplete_reason(signals) == reason


@pytest.mark.parametrize(
    ("token", "placeholder"),
    [
        ("skeleton", True),
        ("skeleton-row", True),
        ("is-loading", True),
        ("page_loader", True),
        ("spinner-border", True),
        ("MuiSkeleton-root", True),
        ("lazyloading", False),  # lazysizes' image state
        ("skeletons", False),
        ("reloadingTips", False),
        ("card", False),
    ],
)
def test_class_names_that_name_a_placeholder(token, placeholder):
    word, camel = PLACEHOLDER_CLASS
    assert bool(re.search(word, token, re.IGNORECASE) or re.search(camel, token)) == placeholder


@pytest.mark.parametrize(
    ("text", "loading"),
    [
        ("Loading…", True),
        ("Loading...", True),
        ("loading entries…", True),
        ("Please wait…", True),
        ("Loading", False),  # a manual's heading
        ("Loading docks are on the left.", False),
        ("Loading and unloading the ferry takes an hour, every day, in all weathers…", False),
    ],
)
def test_texts_that_say_the_content_is_on_its_way(text, loading):
    assert bool(re.search(LOADING_TEXT, text, re.IGNORECASE)) == loading


def _page(body: str) -> bytes:
    return f'<!DOCTYPE html><html lang="en"><title>T</title><body>{body}</body></html>'.encode()


# (what the page shows, the note's reason or None). Each is also an app (a script) with an article.
PAGES: list[tuple[str, str, str | None]] = [
    ("busy", f'<main aria-busy="true">{ARTICLE}</main>', "a region marked aria-busy still shown"),
    ("progressbar", f'<div role="progressbar"></div><main>{ARTICLE}</main>', "a progress bar still shown"),
    ("progress", f"<progress></progress><main>{ARTICLE}</main>", "a progress bar still shown"),
    (
        "skeleton",
        f'<main>{ARTICLE}<div class="card skeleton-row" style="height:1em"></div></main>',
        "a placeholder (class skeleton-row) still shown",
    ),
    ("text", f"<main>{ARTICLE}<p>Loading comments…</p></main>", '"Loading comments…" still shown'),
    (
        "request",
        "<h1>Harbour</h1><a href='#m'>Skip to the content</a><main id='m'></main>"
        "<script>fetch('/slow?ms=4000')</script>",
        "a request still loading, no content yet",
    ),
    (
        "growing",
        # Rows added every 20 ms from the load event on, each by a timer the last one set (as an app
        # appends a feed in batches): the settle waits for the first timers, then sees the DOM busy.
        f"<main>{ARTICLE}<ul id='l'></ul></main><script>"
        "const add = () => { document.getElementById('l').append(document.createElement('li')); setTimeout(add, 20); };"
        "addEventListener('load', () => setTimeout(add, 20));</script>",
        "content still being added",
    ),
    # Not loading: a determinate progress bar, hidden spinners, a heading "Loading", lazysizes' class,
    # aria-busy="false", a long poll beside the content, a ticking clock.
    (
        "valued",
        f'<div role="progressbar" aria-valuenow="40"></div><progress value="3" max="9"></progress>{ARTICLE}',
        None,
    ),
    ("hidden", f'<div class="spinner" hidden></div><p style="display:none">Loading…</p>{ARTICLE}', None),
    ("heading", f'<main><h2>Loading</h2>{ARTICLE}</main><img class="lazyloading" alt="">', None),
    ("not-busy", f'<main aria-busy="false">{ARTICLE}</main>', None),
    ("long-poll", f"<main>{ARTICLE}</main><script>fetch('/slow?ms=4000')</script>", None),
    (
        "clock",
        f"<main>{ARTICLE}<p id='c'>0</p></main><script>"
        "setInterval(() => { document.getElementById('c').textContent = String(Date.now()); }, 20)</script>",
        None,
    ),
]


@pytest.mark.browser
def test_what_a_rendered_page_shows_while_it_loads(fresh_site):
    site = fresh_site

    async def read_all() -> dict[str, FetchedPage]:
        service = BrowserService()
        try:
            context = await service.new_context()
            settle = SettleTimings(max_ms=1500)
            fetcher = await PageFetcher.open(context, page_timeout_s=30, settle=settle)
            pages = {}
            for name, body, _ in PAGES:
                script = "" if "<script>" in body else "<script>window.booted = true</script>"
                served = ServedDocument(200, {"content-type": "text/html; charset=utf-8"}, _page(body + script))
                page = await fetcher.fetch(site.url(f"/half-loaded/{name}"), served=served)
                assert isinstance(page, FetchedPage)
                pages[name] = page
            return pages
        finally:
            await service.close()

    pages = asyncio.run(read_all())
    for name, _, reason in PAGES:
        assert (name, pages[name].rendered_incomplete) == (name, reason)
        assert not pages[name].rendered_empty, name
    assert pages["heading"].settle_ms < 50 and pages["not-busy"].settle_ms < 50  # nothing to wait for


class _Source:
    """A page source that answers with the given outcomes in turn."""

    def __init__(self, *outcomes: FetchedPage | FetchError) -> None:
        self._outcomes = list(outcomes)
        self.fetched = 0

    async def fetch(self, url: str, validators: object = None, before: object = None) -> FetchedPage:
        self.fetched += 1
        outcome = self._outcomes.pop(0)
        if isinstance(outcome, FetchError):
            raise outcome
        return outcome


def _fetched(incomplete: str | None) -> FetchedPage:
    url = "https://example.com/app"
    return FetchedPage(
        url, url, 200, "text/html", "App", "", "", "en", False, [], "<p>x</p>", rendered_incomplete=incomplete
    )


@pytest.mark.parametrize("retries", [0, 2])
def test_a_page_rendered_incomplete_is_fetched_once_more_whatever_the_retries_for_errors(retries):
    settings = EngineSettings(retries=retries, retry_backoff_s=0)
    said: list[str] = []

    def fetch(source: _Source) -> FetchedPage:
        outcome = asyncio.run(fetch_with_retries("https://example.com/app", source, settings, said.append))  # type: ignore[arg-type]
        assert isinstance(outcome, FetchedPage)
        return outcome

    source = _Source(_fetched("a spinner still shown"), _fetched(None))
    assert fetch(source).rendered_incomplete is None and source.fetched == 2
    assert said == ["retrying https://example.com/app once (rendered incomplete: a spinner still shown)"]

    source = _Source(_fetched("a spinner still shown"), _fetched("a spinner still shown"), _fetched(None))
    assert fetch(source).rendered_incomplete == "a spinner still shown" and source.fetched == 2  # once, no more

    if retries:  # an error's retries and the one for an incomplete page do not use each other up
        error = FetchError("timed out", retryable=True)
        source = _Source(error, _fetched("a spinner still shown"), error, _fetched(None))
        assert fetch(source).rendered_incomplete is None and source.fetched == 4


@pytest.mark.gui
def test_the_job_window_shows_the_pages_rendered_incomplete(app, qapp):
    """The job header counts them, and the Pages table gives each its note (the engine's event carries it)."""
    from quaero_desktop.gui.job_detail.child_rows import ChildColumn, ChildRow
    from quaero_desktop.gui.job_detail.job_header import JobHeader
    from quaero_desktop.gui.job_detail.pages_tab import PagesTab
    from tests.job_detail_support import _column

    header = JobHeader()
    header.set_progress(Progress(completed=5, documents=5, rendered_incomplete=2))
    assert not header.warnings_label.isHidden()
    assert header.warnings_label.text() == (
        "⚠ 2 pages rendered incomplete (the app was still loading its data, also when tried again): stored as they were"
    )

    note = page_note(_fetched("a region marked aria-busy still shown"))
    assert note == "rendered incomplete (the app was still loading its data: a region marked aria-busy still shown)"
    url = "https://example.com/app"
    tab = PagesTab(app, "job")
    tab.model.reset([ChildRow(id="c0", seq=0, url=url, depth=0, status=JobStatus.RUNNING)])
    tab.model.apply(
        [ChildStatusChanged("job", "c0", url, 0, JobStatus.COMPLETED, result=PageResult.DOCUMENT, note=note)]
    )
    assert _column(tab.model, ChildColumn.NOTE) == [note]


class _Rereads:
    """The pieces ``read_again_if_host_differs`` uses, recording what it did (auto mode, its host switched)."""

    def __init__(self, check_rendering: FetchedPage | None, *rendered: FetchedPage | FetchError) -> None:
        self._check_rendering = check_rendering
        self._rendered = list(rendered)
        self.read: list[str] = []
        self.stored: list[FetchedPage] = []
        self.said: list[str] = []

    async def rendered_instead(self) -> tuple[bool, FetchedPage | None]:
        return True, self._check_rendering

    async def read_in_browser(self, url: str) -> FetchedPage:
        self.read.append(url)
        outcome = self._rendered.pop(0)
        if isinstance(outcome, FetchError):
            raise outcome
        return outcome

    async def record_again(self, entry: object, page: FetchedPage, change: object, *, alias: bool) -> PageCommit:
        self.stored.append(page)
        return PageCommit(JobStatus.COMPLETED, PageResult.DOCUMENT, rendered_incomplete=bool(page.rendered_incomplete))

    def keeps_to_scope(self, url: str) -> bool:
        return url.startswith("https://example.com/")

    def info(self, message: str) -> None:
        self.said.append(message)

    warning = info


@pytest.mark.parametrize(
    ("again", "stored", "read"),
    [
        (_fetched(None), None, 1),  # the second reading has the data
        (_fetched("a spinner still shown"), "a spinner still shown", 1),  # once, no more
        (FetchError("timed out", retryable=True), "a spinner still shown", 1),  # the first reading is kept
    ],
)
def test_a_page_read_again_in_the_browser_while_still_loading_is_read_once_more(again, stored, read):
    rereads = _Rereads(_fetched("a spinner still shown"), again)
    entry = FrontierEntry("c1", "https://example.com/app", 0)
    commit = PageCommit(JobStatus.COMPLETED, PageResult.DOCUMENT, change=PageChange.NEW)
    result = asyncio.run(
        read_again_if_host_differs(entry, rereads, commit, recorder=rereads, fetching=rereads, run_log=rereads)
    )
    assert result is not None
    assert [page.rendered_incomplete for page in rereads.stored] == [stored] and len(rereads.read) == read
    assert rereads.said[0] == "retrying https://example.com/app once (rendered incomplete: a spinner still shown)"
    assert result[0].rendered_incomplete == (stored is not None)


def test_a_page_the_browser_reads_again_off_the_site_stays_as_read_over_http():
    """The server sent the browser to another site on the second reading: nothing of it is stored."""
    elsewhere = dataclasses.replace(_fetched(None), final_url="https://sign-in.example.net/")
    rereads = _Rereads(None, elsewhere)  # no check rendered this page: it is read again
    entry = FrontierEntry("c1", "https://example.com/app", 0)
    commit = PageCommit(JobStatus.COMPLETED, PageResult.DOCUMENT, change=PageChange.NEW)
    result = asyncio.run(
        read_again_if_host_differs(entry, rereads, commit, recorder=rereads, fetching=rereads, run_log=rereads)
    )
    assert (result, rereads.stored, rereads.read) == (None, [], ["https://example.com/app"])
    assert rereads.said == [
        "https://example.com/app stays as read over HTTP: in the browser it ended at "
        "https://sign-in.example.net/, which the crawl does not store"
    ]
