"""Jobs: a parent job per crawl run and one ``crawler_url`` child per page."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict


class JobType(enum.StrEnum):
    PARENT = "parent"
    CRAWLER_URL = "crawler_url"


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Parents only: the process that ran it stopped mid-crawl; ``jobs resume`` continues it.
    INTERRUPTED = "interrupted"
    # Parents only: the user paused it (its pages wait, pending); Continue (``jobs resume``) carries on.
    # Never continued by itself, not even at the next start (unlike a crawl interrupted by quitting).
    PAUSED = "paused"

    @property
    def is_terminal(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def is_active(self) -> bool:
        return self in (JobStatus.PENDING, JobStatus.RUNNING)


RESUMABLE_STATUSES = frozenset({JobStatus.INTERRUPTED, JobStatus.PAUSED, JobStatus.CANCELLED, JobStatus.FAILED})
# A parent in one of these can be cancelled: running (here or in another process), or left interrupted or paused.
CANCELLABLE_STATUSES = frozenset({JobStatus.PENDING, JobStatus.RUNNING, JobStatus.INTERRUPTED, JobStatus.PAUSED})

# Job log levels, lowest first (the job log's filter shows a level and those after it).
LOG_LEVELS = ("debug", "info", "warning", "error")


class JobTrigger(enum.StrEnum):
    """What started a parent job (``trigger`` in its metadata, stored as the value)."""

    MANUAL = "manual"  # Run in the window, or the CLI
    SCHEDULE = "schedule"  # the definition's schedule
    AUTO_START = "auto_start"  # the definition's auto_start, when Quaero Desktop starts
    ASSISTANT = "assistant"  # an AI assistant, through the MCP start_crawl tool


class StoppedBy(enum.StrEnum):
    """The limit that cut a finished crawl short (``stopped_by`` in the CLI's JSON)."""

    MAX_PAGES = "max_pages"  # the page budget was spent while in-scope URLs were still being found
    MAX_DEPTH = "max_depth"  # pages at the last level linked to pages further away
    TIMEOUT = "timeout"  # the job's crawling time ran out with pages still to fetch
    # The crawl's login stopped working (pages showed a login form): its pages wait, resumable after a new capture.
    LOGIN_EXPIRED = "login_expired"


class PageResult(enum.StrEnum):
    """What a finished child produced."""

    DOCUMENT = "document"  # stored (or updated) a document
    SKIPPED = "skipped"  # not HTML, or redirected out of scope: nothing to store
    DUPLICATE = "duplicate"  # redirected to a page another child covers, or shows a stored document's text
    GONE = "gone"  # answered 404/410 where a document was stored: the document is kept, marked gone


class SkipReason(enum.StrEnum):
    """Why a finished page stored no document of its own (children whose result is skipped or duplicate)."""

    NOT_HTML = "not_html"  # a PDF, an image, a download
    ROBOTS_TXT = "robots_txt"  # robots.txt disallows it (not fetched)
    OUT_OF_SCOPE = "out_of_scope"  # redirected out of the crawl's scope
    REDIRECT = "redirect"  # redirected to a page another child of the crawl covers (a duplicate)
    CANONICAL = "canonical"  # its rel="canonical" names another page of the crawl (a duplicate)
    NOINDEX = "noindex"  # <meta name="robots" content="noindex"> or X-Robots-Tag: noindex
    LOGIN_FORM = "login_form"  # the page is a login form, not content
    NOT_FOUND = "not_found"  # answered 200, but it is the site's "not found" page (a soft 404)
    SAME_CONTENT = "same_content"  # shows the text of a stored document (identical or near-identical): its alias

    @property
    def label(self) -> str:
        """How the crawl's account names it ("skipped: noindex 812")."""
        return _SKIP_LABELS[self]


_SKIP_LABELS = {
    SkipReason.NOT_HTML: "not HTML",
    SkipReason.ROBOTS_TXT: "robots.txt",
    SkipReason.OUT_OF_SCOPE: "redirected out of scope",
    SkipReason.REDIRECT: "redirected to a page already crawled",
    SkipReason.CANONICAL: "canonical URL crawled instead",
    SkipReason.NOINDEX: "noindex",
    SkipReason.LOGIN_FORM: "login form",
    SkipReason.NOT_FOUND: "not found (soft 404)",
    SkipReason.SAME_CONTENT: "same content as a stored page",
}


class PageChange(enum.StrEnum):
    """What a page's fetch did to its stored document, against what the store held before this run."""

    NEW = "new"  # no document for this URL before: stored for the first time
    CHANGED = "changed"  # the document was rewritten (its page changed, or it came back after being gone)
    UNCHANGED = "unchanged"  # 304, or the same content: the document was kept as it was (no conversion, no index write)
    GONE = "gone"  # the page now answers 404/410: its document is kept, marked gone


def elapsed_seconds(started_at: datetime | None, finished_at: datetime | None) -> float | None:
    """From start to finish, or to now while still running; None before it started."""
    if started_at is None:
        return None
    end = finished_at or datetime.now(started_at.tzinfo)
    return max(0.0, (end - started_at).total_seconds())


@dataclass(frozen=True)
class Progress:
    """A parent's children by status, plus its exact document count."""

    pending: int = 0
    running: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    documents: int = 0
    auth_failures: int = 0
    rendered_empty: int = 0  # pages stored while still an empty app shell (see crawler/app_shell.py)
    rendered_incomplete: int = 0  # pages stored while their app still loaded its data (crawler/half_loaded.py)
    # Pages by what they did to their document (PageChange): an incremental re-crawl's summary.
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0
    # Completed pages that stored no document of their own, and why (the crawl's account).
    skipped: int = 0
    duplicates: int = 0
    skipped_by: tuple[tuple[str, int], ...] = ()  # (SkipReason, pages), skipped and duplicates together

    @property
    def total(self) -> int:
        return self.pending + self.running + self.completed + self.failed + self.cancelled

    @property
    def finished(self) -> int:
        return self.completed + self.failed + self.cancelled

    @property
    def text(self) -> str:
        return f"{self.pending} pending, {self.running} running, {self.completed} completed, {self.failed} failed"

    @property
    def fraction(self) -> float:
        """Share of children that reached a final status (0.0 with no children)."""
        return self.finished / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, int]:
        """The counts by name (``skipped_by`` aside: see ``skipped_by_dict``)."""
        return {
            "pending": self.pending,
            "running": self.running,
            "completed": self.completed,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "total": self.total,
            "documents": self.documents,
            "auth_failures": self.auth_failures,
            "rendered_empty": self.rendered_empty,
            "rendered_incomplete": self.rendered_incomplete,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "gone": self.gone,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
        }

    def skipped_by_dict(self) -> dict[str, int]:
        """{reason: pages} for the JSON outputs, most pages first."""
        return dict(sorted(self.skipped_by, key=lambda pair: (-pair[1], pair[0])))

    @property
    def account_text(self) -> str:
        """ "skipped: noindex 812, not HTML 3; duplicates: canonical URL crawled instead 40" ("" when none).

        With ``text`` it accounts for every page: completed = documents + skipped + duplicates + gone."""
        reasons = self.skipped_by_dict()
        parts = []
        for kind, reason_set in (("skipped", _SKIPPED_REASONS), ("duplicates", _DUPLICATE_REASONS)):
            shown = [f"{SkipReason(r).label} {n:,}" for r, n in reasons.items() if r in reason_set]
            if shown:
                parts.append(f"{kind}: {', '.join(shown)}")
        return "; ".join(parts)

    @property
    def changes_text(self) -> str:
        """ "3 new, 1 changed, 40 unchanged, 2 gone" (the kinds with pages), "" before any page stored."""
        parts = [(self.new, "new"), (self.changed, "changed"), (self.unchanged, "unchanged"), (self.gone, "gone")]
        return ", ".join(f"{n} {label}" for n, label in parts if n)


_DUPLICATE_REASONS = frozenset({SkipReason.REDIRECT, SkipReason.CANONICAL, SkipReason.SAME_CONTENT})
_SKIPPED_REASONS = frozenset(SkipReason) - _DUPLICATE_REASONS


def stopped_by_text(stopped_by: StoppedBy | None, urls_left: int) -> str:
    """ "stopped by max_pages: 37 URLs left"; a lost login says the pages wait for it ("" when nothing cut it)."""
    if stopped_by is None:
        return ""
    left = f"{urls_left} {'page' if stopped_by == StoppedBy.LOGIN_EXPIRED else 'URL'}{'s' if urls_left != 1 else ''}"
    if stopped_by == StoppedBy.LOGIN_EXPIRED:
        return f"stopped: the login expired; {left} wait for a new capture (then resume the job)"
    return f"stopped by {stopped_by}: {left} left"


def rendered_empty_text(count: int) -> str:
    """What the job log, the CLI and the window say about pages that rendered empty."""
    if count == 1:
        return "1 page rendered empty (the app did not finish rendering): stored as it was, without its content"
    return (
        f"{count} pages rendered empty (the app did not finish rendering): stored as they were, without their content"
    )


def rendered_incomplete_text(count: int) -> str:
    """What the job log, the CLI and the window say about pages stored while their app still loaded data."""
    if count == 1:
        return (
            "1 page rendered incomplete (the app was still loading its data, also when tried again): stored as it was"
        )
    return (
        f"{count} pages rendered incomplete (the app was still loading its data, also when tried again): "
        "stored as they were"
    )


class JobMetadata(TypedDict, total=False):
    """How a parent job was started; stored as JSON with its row when the job is created."""

    job_definition_id: str
    trigger: JobTrigger
    auth_id: str  # the saved login the crawl runs with; absent when it runs logged out


@dataclass(frozen=True)
class Job:
    """A parent job: one run of a definition."""

    id: str
    name: str
    status: JobStatus
    definition_id: str | None
    config: dict[str, object]  # the definition as it was when the job started (JobDefinition.to_mapping())
    metadata: JobMetadata
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    document_count: int = 0
    progress: Progress = field(default_factory=Progress)
    resume_on_start: bool = False  # the window quit during the crawl: it continues at the next start
    crawl_seconds: float = 0.0  # crawling time over every run (a resumed job's timeout counts it)
    stopped_by: StoppedBy | None = None  # the limit that cut the finished crawl short, if one did
    left_out: int = 0  # in-scope URLs found beyond max_pages or max_depth (each counted once)

    @property
    def urls_left(self) -> int:
        """Discovered URLs the crawl did not crawl: those beyond its limits and, once it stopped,
        the pages it had found but not fetched (a timeout, a cancel, an interruption)."""
        if self.status.is_active:
            return self.left_out
        return self.left_out + self.progress.pending + self.progress.cancelled

    @property
    def stopped_by_text(self) -> str:
        """ "stopped by max_pages: 37 URLs left" (the Jobs view, the job window, the CLI); "" when nothing cut it."""
        return stopped_by_text(self.stopped_by, self.urls_left)

    @property
    def duration_s(self) -> float | None:
        """Wall time: from the first start to the end (or now), stops between runs included."""
        return elapsed_seconds(self.started_at, self.finished_at)

    @property
    def crawl_time_s(self) -> float | None:
        """Time spent crawling over every run (what the timeout counts); None before the job started.

        Jobs stored before crawling time was recorded have none: their wall time stands in."""
        if self.started_at is None:
            return None
        return self.crawl_seconds or self.duration_s


@dataclass(frozen=True)
class ChildJob:
    """One page of a crawl."""

    id: str
    parent_id: str
    url: str
    depth: int
    status: JobStatus
    seq: int
    attempts: int = 0
    http_status: int | None = None
    content_type: str | None = None
    title: str | None = None
    result: PageResult | None = None
    note: str | None = None  # why a completed page stored nothing (not HTML...), or what to know about it
    error: str | None = None
    rendered_empty: bool = False  # stored while still an empty app shell
    rendered_incomplete: bool = False  # stored while its app still loaded its data (the note says why)
    change: PageChange | None = None  # what the page did to its document (None: nothing stored or kept)
    reason: SkipReason | None = None  # why a skipped or duplicate page stored no document
    started_at: datetime | None = None
    finished_at: datetime | None = None
    found_on: str | None = None  # the page whose link led here (None: a start URL)

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


@dataclass(frozen=True)
class JobLogEntry:
    id: int
    job_id: str
    created_at: datetime
    level: str
    message: str
