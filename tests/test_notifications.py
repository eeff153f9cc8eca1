"""Notifications: their words, the user's switches, and the real D-Bus round trip.

The D-Bus test talks to a test-side org.freedesktop.Notifications service on the session bus
(``.ci/test`` runs the suite inside ``dbus-run-session``): it records what the program sends and
clicks a notification the way a desktop does (ActionInvoked), and the window must come forward
on that job.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from quaero_desktop.domain.job import Job, JobStatus, Progress, StoppedBy
from quaero_desktop.gui.notifications.job_notifications import wanted
from quaero_desktop.gui.notifications.notices import NoticeKind, notice_for
from quaero_desktop.settings import AppSettings
from tests.conftest import make_definition
from tests.private_bus import private_session_bus

START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _job(status: JobStatus, **fields) -> Job:
    values = {
        "id": "abc123",
        "name": "Team wiki",
        "status": status,
        "definition_id": "team-wiki",
        "config": {},
        "metadata": {"job_definition_id": "team-wiki", "trigger": "schedule"},
        "created_at": START,
        "started_at": START,
        "finished_at": START + timedelta(minutes=2, seconds=5),
        "crawl_seconds": 125.0,
        "document_count": 118,
        "progress": Progress(completed=120, failed=3, documents=118, skipped=2),
    }
    return Job(**{**values, **fields})


def test_notices_name_the_crawl_with_pages_documents_and_duration():
    done = notice_for(_job(JobStatus.COMPLETED))
    assert (done.key, done.kind, done.title) == ("abc123", NoticeKind.COMPLETED, "Crawl completed: Team wiki")
    assert done.body == "123 pages (2 not stored, 3 failed), 118 documents in 2m05s"  # every page accounted for
    assert not done.persistent

    failed = notice_for(
        _job(JobStatus.FAILED, error="every start URL failed: HTTP 404\n(more detail on the next line)")
    )
    assert failed.title == "Crawl failed: Team wiki" and failed.persistent
    assert (
        failed.body == "every start URL failed: HTTP 404\n123 pages (2 not stored, 3 failed), 118 documents in 2m05s"
    )  # the reason in one line

    expired = notice_for(
        _job(
            JobStatus.COMPLETED,
            metadata={"auth_id": "wiki-sso"},
            progress=Progress(completed=120, failed=3, documents=118, auth_failures=3),
        )
    )
    assert expired.kind == NoticeKind.LOGIN_EXPIRED and expired.persistent
    assert expired.title == "Log in again: Team wiki"
    assert expired.body.startswith("3 pages needed a login (session expired?): capture the login “wiki-sso” again.")

    lost = notice_for(
        _job(
            JobStatus.FAILED,
            metadata={"auth_id": "wiki-sso"},
            stopped_by=StoppedBy.LOGIN_EXPIRED,
            error="the login 'wiki-sso' has expired — capture it again, then resume the job (URL shows a login form)",
            progress=Progress(pending=37, completed=80, documents=80),
        )
    )
    assert (lost.kind, lost.title, lost.persistent) == (NoticeKind.LOGIN_EXPIRED, "Log in again: Team wiki", True)
    assert lost.body.startswith("the login 'wiki-sso' has expired — capture it again, then resume the job")
    assert "\n37 pages wait; 80 pages, 118 documents in 2m05s" in lost.body

    assert notice_for(_job(JobStatus.CANCELLED)) is None  # the user did that
    assert notice_for(_job(JobStatus.INTERRUPTED)) is None


def test_each_kind_has_its_own_switch():
    settings = AppSettings()
    assert all(wanted(settings, kind) for kind in NoticeKind)
    no_completed = dataclasses.replace(settings, notify_completed=False)
    assert not wanted(no_completed, NoticeKind.COMPLETED) and wanted(no_completed, NoticeKind.FAILED)
    assert not wanted(dataclasses.replace(settings, notify_login_expired=False), NoticeKind.LOGIN_EXPIRED)
    assert not any(wanted(dataclasses.replace(settings, notifications=False), kind) for kind in NoticeKind)


@pytest.fixture
def notification_service(monkeypatch):
    """A notification daemon on a session bus of the test's own (tests/private_bus.py)."""
    from tests.notification_service import NotificationService

    with private_session_bus(monkeypatch), NotificationService() as service:
        yield service


@pytest.mark.gui
@pytest.mark.browser
def test_notifications_over_dbus_replace_per_job_and_a_click_opens_the_job(
    app, qloop, fresh_site, notification_service
):
    from quaero_desktop.gui.desktop_app import DesktopApp
    from tests.gui_support import ScriptedDialogs, run
    from tests.waiting import until

    service = notification_service
    desktop = DesktopApp(app, dialogs=ScriptedDialogs(), tray=False)  # the platform's notifier: D-Bus here
    broken = make_definition([fresh_site.url("/missing")], id="broken", name="Broken wiki", max_depth=0)
    guide = make_definition([fresh_site.url("/docs/guide")], id="guide", name="The guide", max_depth=0)

    async def scenario() -> tuple[str, str]:
        failed_id = await desktop.jobs.submit(broken)
        await until(lambda: len(service.snapshot()) == 1, what="the failure's notification")
        await desktop.jobs.resume(failed_id)  # it fails again: its notification is replaced, not stacked
        await until(lambda: len(service.snapshot()) == 2, what="the second failure's notification")
        done_id = await desktop.jobs.submit(guide)
        await until(lambda: len(service.snapshot()) == 3, what="the completion's notification")
        assert not desktop.has_window()  # nothing has shown the window yet
        service.click(service.snapshot()[1].id)
        await until(lambda: desktop.window_visible(), what="the window to come forward")
        await until(lambda: desktop.window.job_details.get(failed_id) is not None, what="the job's window")
        await until(lambda: desktop.window.job_details.get(failed_id).job is not None, what="the job to load")
        await until(lambda: getattr(desktop.window.jobs.selected(), "id", None) == failed_id, what="its row")
        return failed_id, done_id

    try:
        failed_id, done_id = run(qloop, scenario())
        first, again, done = service.snapshot()
        assert first.app_name == "Quaero Desktop" and first.replaces_id == 0
        assert first.summary == "Crawl failed: Broken wiki"
        reason, counts = first.body.split("\n")
        assert (
            reason.startswith("start URL unreachable")
            and "HTTP 404" in reason
            and counts.startswith("1 page (1 failed), 0 documents in ")
        )
        assert (first.expire_timeout, first.urgency) == (0, 2)  # stays until dismissed
        assert "default" in first.actions  # a click is reported back
        assert again.replaces_id == first.id and again.id == first.id  # one notification per job
        assert done.replaces_id == 0 and done.id != first.id  # another job: its own notification
        assert done.summary == "Crawl completed: The guide"
        assert done.body.startswith("1 page, 1 document in ") and done.expire_timeout == -1 and done.urgency == 1
        detail = desktop.window.job_details.get(failed_id)
        assert detail.isVisible() and detail.windowTitle() == "Job — Broken wiki"
        assert desktop.window.jobs.selected().id == failed_id
        assert done_id != failed_id
    finally:
        desktop.stop_timers()
        run(qloop, desktop.tasks.wait_all())
        run(qloop, desktop.notifications.close())
        desktop.bridge.close()
        if desktop.has_window():
            desktop.window.hide()
            desktop.window.deleteLater()


@pytest.mark.gui
def test_a_full_disk_is_a_notice_that_says_what_to_free_and_how_to_resume(desktop, qloop):
    """The engine reports a crawl stopped by the storage (tests/test_storage_full.py makes a real one)."""
    from quaero_desktop.engine.events import JobStatusChanged
    from tests.gui_support import run, store_finished_job
    from tests.waiting import until

    store_finished_job(desktop.app, "full00disk01", crawl_seconds=12.0, wall=timedelta(seconds=13))
    message = (
        "stopped: the disk is full: Quaero could not store pages in /data (0 bytes free). The 3 pages still to "
        "crawl need about 8 MB: free space there, then run `quaero-desktop jobs resume full00disk01`"
    )
    desktop.bridge.deliver([JobStatusChanged("full00disk01", JobStatus.INTERRUPTED, message, storage_failed=True)])
    shown = desktop.notifications.notifier.shown
    run(qloop, until(lambda: shown, what="the notice"))
    (notice,) = shown
    assert notice.title == "Crawl stopped: Finished crawl" and notice.persistent
    assert notice.body.startswith("The disk is full: Quaero could not store pages in /data")
    assert "jobs resume full00disk01" in notice.body
    desktop.bridge.deliver([JobStatusChanged("full00disk01", JobStatus.INTERRUPTED, "quit")])  # the user's own stop
    run(qloop, desktop.tasks.wait_all())
    assert len(shown) == 1
