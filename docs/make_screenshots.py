"""Screenshots of every view with real data, for the README.

Serves the demo site and the test suite's site, crawls them (one crawl is still running when
the Jobs view is shot), saves a login, then renders each view at 1280×800 into
docs/screenshots/. Run it on a screen (under Xvfb on a server):

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QUAERO_KEYRING_SERVICE", "quaero-desktop-screenshots")

import qasync  # noqa: E402

from quaero_desktop.app import build_app  # noqa: E402
from quaero_desktop.demo.server import DemoServer, example_definition_toml  # noqa: E402
from quaero_desktop.domain.definition import JobDefinition  # noqa: E402
from quaero_desktop.domain.definition_io import parse_definition_text  # noqa: E402
from quaero_desktop.gui.desktop_app import DesktopApp  # noqa: E402
from quaero_desktop.gui.main import create_qt_app  # noqa: E402
from tests.gui_support import ScriptedDialogs  # noqa: E402
from tests.testsite import TestSite  # noqa: E402
from tests.waiting import until  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def definition(**fields) -> JobDefinition:
    return JobDefinition.from_mapping({"timeout": "30m", **fields}, "screenshots")


async def shoot(window, app, site: TestSite, demo: DemoServer, qt) -> None:
    await window.load()
    cookies = Path(tempfile.mkdtemp()) / "cookies.txt"
    cookies.write_text(f"127.0.0.1\tFALSE\t/\tFALSE\t0\ttestsite_session\t{site.create_session('alice')}\n")
    app.logins.import_file("intranet", cookies, name="Intranet (alice)")
    demo_definition = parse_definition_text(example_definition_toml(demo.base_url), "toml", "demo")
    private = definition(
        id="intranet-reports",
        name="Intranet reports",
        start_urls=[site.url("/private/")],
        auth_id="intranet",
        max_depth=1,
        schedule="0 7 * * 1-5",
    )
    docs = definition(
        id="test-docs", name="Product docs", start_urls=[site.url("/")], max_depth=1, exclude_patterns=["/calendar/"]
    )
    big = definition(
        id="knowledge-base",
        name="Knowledge base (large)",
        start_urls=[site.url("/big/")],
        include_patterns=["/big/"],
        max_depth=3,
        max_pages=1000,
        concurrency=2,
        schedule="0 3 * * *",
    )
    for item in (demo_definition, private, docs, big):
        app.definitions.save(item)
    await window.definitions.reload()
    await window.logins.reload()

    for item in (demo_definition, docs, private):
        window.jobs.run(item)
    await until(lambda: window.jobs.model.rowCount() == 3, 30)
    await until(lambda: not app.engine().active_job_ids(), 120, "the first crawls")
    for runs in (4, 5):  # the docs run twice more: its group holds three runs, the older ones folded
        window.jobs.run(docs)
        await until(lambda n=runs: len(app.jobs.list()) == n and not app.engine().active_job_ids(), 120, "a re-run")
    window.jobs.run(big)
    await until(lambda: window.jobs.model.rowCount() == 4, 30)
    await asyncio.sleep(5)  # the large crawl is under way
    docs_runs = [job.id for job in app.jobs.list() if job.name == "Product docs"]
    window.jobs.select_job(docs_runs[-1])  # an older run: its group unfolds
    window.jobs.select_job(window.jobs.model.job_ids()[0], add=True)
    await save(window, qt, "jobs")

    docs_job = next(j for j in reversed(app.jobs.list()) if j.name == "Product docs")
    window.open_job(docs_job.id)
    await asyncio.sleep(1.5)
    detail = next(w for w in qt.topLevelWidgets() if type(w).__name__ == "JobDetailWindow" and w.isVisible())
    detail.resize(1280, 800)
    await asyncio.sleep(0.5)
    await save(detail, qt, "job-detail")
    tabs = getattr(detail, "tabs", None)
    if tabs is not None:
        tabs.setCurrentIndex(1)
        await save(detail, qt, "job-detail-log")
    detail.close()

    window.show_view(window.definitions)
    panel = window.definitions
    panel.select_definition("intranet-reports")
    panel.edit_selected()
    await asyncio.sleep(0.5)
    editor = panel.editor
    editor.scroll_area.ensureWidgetVisible(editor.fields.inputs["schedule"], 0, 160)  # the schedule builder
    editor.scroll_area.horizontalScrollBar().setValue(0)
    await save(window, qt, "definitions")

    window.show_view(window.logins)
    await save(window, qt, "logins")

    window.show_view(window.documents)
    documents = window.documents
    documents.search_edit.setText("fog signal")
    await asyncio.sleep(1.5)
    documents.results.setCurrentIndex(documents.results.model().index(0, 0))
    await asyncio.sleep(0.5)
    await save(window, qt, "documents")

    help_dialog = window.show_help()
    help_dialog.resize(900, 700)
    await save(help_dialog, qt, "help")
    help_dialog.close()

    window.action_settings.trigger()
    await asyncio.sleep(0.8)
    settings = next(w for w in qt.topLevelWidgets() if type(w).__name__ == "SettingsDialog" and w.isVisible())
    settings.tabs.setCurrentIndex(1)  # Crawling: the browser and the crawl controls' defaults
    await save(settings, qt, "settings")
    settings.close()
    window.show_view(window.jobs)
    await until(lambda: not app.engine().active_job_ids(), 300, "the large crawl")


async def save(widget, qt, name: str) -> None:
    await asyncio.sleep(0.6)
    qt.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    print("saved", OUT / f"{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    qt = create_qt_app([])
    loop = qasync.QEventLoop(qt)
    asyncio.set_event_loop(loop)
    with TestSite(big_pages=400) as site, DemoServer(port=0) as demo, tempfile.TemporaryDirectory() as data:
        app = build_app(data)
        desktop = DesktopApp(app, dialogs=ScriptedDialogs(), tray=False)
        window = desktop.show_window()
        window.resize(1280, 800)
        started = time.monotonic()
        try:
            loop.run_until_complete(shoot(window, app, site, demo, qt))
        finally:
            for login in app.logins.list():
                app.logins.delete(login.auth_id)
            desktop.bridge.close()
            window.hide()
            app.close(detach=False)
            loop.close()
        print(f"done in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
