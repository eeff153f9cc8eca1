"""The command line's start-up imports run with the cyclic garbage collector paused, and what they made
is frozen after (quaero_desktop/startup_gc.py); the command itself runs with the collector on."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PROBE = """
import gc, sys
from quaero_desktop.cli import jobs_commands, main as cli
def probe(app, args):
    print("on" if gc.isenabled() else "off", "frozen" if gc.get_freeze_count() else "none frozen")
    return 0
jobs_commands.list_jobs = probe
if sys.argv[2] == "program":  # as the console script calls it: the command line's own arguments
    sys.argv = ["quaero-desktop", "--data-dir", sys.argv[1], "jobs", "list"]
    sys.exit(cli.main())
sys.exit(cli.main(["--data-dir", sys.argv[1], "jobs", "list"]))  # as a caller in its own process
"""


def _probe(tmp_path: Path, how: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "data"), how],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_a_command_runs_with_the_collector_on_after_its_imports_were_frozen(tmp_path: Path) -> None:
    assert _probe(tmp_path, "program") == ["on frozen"]


def test_a_command_run_in_a_callers_process_freezes_none_of_its_objects(tmp_path: Path) -> None:
    assert _probe(tmp_path, "library") == ["on none frozen"]


def test_the_collector_resumes_after_the_imports_even_when_one_fails() -> None:
    probe = (
        "import gc\n"
        "from quaero_desktop.startup_gc import startup_imports, this_process_is_the_program\n"
        "this_process_is_the_program()\n"
        "try:\n"
        "    with startup_imports():\n"
        "        assert not gc.isenabled()\n"
        "        import no_such_module_anywhere\n"
        "except ImportError:\n"
        "    print('on' if gc.isenabled() else 'off')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "on", done.stderr[-2000:]
    assert gc.isenabled()
