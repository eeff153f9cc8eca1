"""A crawl's pages as the job window lists them (``list_page_listings`` and ``read_page_columns``, read
as one row without building a ChildJob per page) say what ``list_children`` says of the same pages,
in the same order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quaero_desktop.domain.job import JobStatus, PageChange, PageResult, SkipReason
from quaero_desktop.store import jobs_repo, page_listings_repo, pages_repo


def test_page_listings_say_what_the_children_say_in_discovery_order(store_database):
    database = store_database
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with database.write() as conn:
        jobs_repo.create_parent(
            conn, job_id="job", name="Crawl", definition_id="d", config={}, metadata={}, owner_pid=1, now=now
        )
        pages_repo.add_children(
            conn, "job", [(f"c{seq}", f"https://example.com/{seq}", seq % 3, seq) for seq in (5, 1, 3, 2, 4, 0)], now
        )
        pages_repo.add_children(conn, "job", [("c6", "https://example.com/6", 1, 6)], now, found_on="https://e.x/")
        pages_repo.mark_child_running(conn, "c1", now)
        pages_repo.mark_child_running(conn, "c2", now)
        pages_repo.finish_child(
            conn,
            "c2",
            JobStatus.COMPLETED,
            now=now + timedelta(seconds=2),
            http_status=200,
            title="Two",
            result=PageResult.DOCUMENT,
            change=PageChange.NEW,
            note="rendered empty",
        )
        pages_repo.finish_child(
            conn, "c3", JobStatus.FAILED, now=now, http_status=500, error="HTTP 500", reason=SkipReason.NOT_HTML
        )
    fields = page_listings_repo.PageListing._fields
    with database.read() as conn:
        children = pages_repo.list_children(conn, "job")
        listings = page_listings_repo.list_page_listings(conn, "job")
        assert [listing.id for listing in page_listings_repo.list_page_listings(conn, "job", offset=2, limit=3)] == [
            "c2",
            "c3",
            "c4",
        ]
        columns = page_listings_repo.read_page_columns(conn, "job", offset=5)
        nothing = page_listings_repo.read_page_columns(conn, "no-such-job")
    assert [list(column) for column in zip(*listings[5:], strict=True)] == list(columns)  # what the window is made from
    assert list(nothing) == [[] for _ in fields]
    assert [child.seq for child in children] == list(range(7))
    assert listings == [tuple(getattr(child, name) for name in fields) for child in children]
    two = listings[2]
    assert (two.status, two.result, two.title, two.note) == (
        JobStatus.COMPLETED,
        PageResult.DOCUMENT,
        "Two",
        "rendered empty",
    )
    assert two.started_at == now and two.finished_at == now + timedelta(seconds=2)
    assert listings[1].status is JobStatus.RUNNING and listings[3].error == "HTTP 500"
    assert listings[6].found_on == "https://e.x/"
    # list_children reads its columns by position too: the fields a listing leaves out.
    assert (children[2].change, children[3].reason, children[2].rendered_empty) == (
        PageChange.NEW,
        SkipReason.NOT_HTML,
        False,
    )
    assert children[0].parent_id == "job" and children[4].change is None and children[4].reason is None


def test_page_columns_come_in_discovery_order_whatever_order_the_database_gave():
    """The aggregates' order is the pages' in practice, but no database promises it: the columns are
    put in seq order together, so each page's values stay together."""
    columns = [["c2", "c0", "c1"], [2, 0, 1], ["u2", "u0", "u1"]]
    assert page_listings_repo._in_seq_order(columns) == [["c0", "c1", "c2"], [0, 1, 2], ["u0", "u1", "u2"]]
    ordered = [["c0", "c1"], [0, 1], ["u0", "u1"]]
    assert page_listings_repo._in_seq_order(ordered) is ordered
