"""Counted nouns in what the window says: "1 document", never "1 documents" (issue 22: "1 cookies")."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from quaero_desktop.domain.job import Progress
from quaero_desktop.gui.jobs.job_flows import JobFlows
from quaero_desktop.gui.tray.tray_status import RunningJob, TrayStatus
from quaero_desktop.humanize import count_noun
from tests.gui_support import ScriptedDialogs


def test_a_count_of_one_takes_the_singular():
    assert [count_noun(n, "cookie") for n in (0, 1, 2, 1250)] == ["0 cookies", "1 cookie", "2 cookies", "1,250 cookies"]


def test_the_tray_and_the_delete_question_say_one_document():
    status = TrayStatus(running={"j": RunningJob("Wiki", Progress(completed=1, documents=1))})
    assert status.tooltip(None, paused=False).splitlines()[1].endswith("· 1 document")

    dialogs = ScriptedDialogs()
    dialogs.answer(None)  # the user cancels
    flows = JobFlows(SimpleNamespace(dialogs=dialogs))
    assert asyncio.run(flows.delete("job-1", "Wiki", 1)) is False
    assert dialogs.asked[0][1].startswith("Delete the job “Wiki” (1 document)?")
