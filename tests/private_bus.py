"""A D-Bus session bus of a test's own, for the test-side services that own a well-known name on it
(a notification daemon, a tray panel's StatusNotifierWatcher).

.ci/test runs the suite on two workers that share one session bus: two tests owning the same name at
once would clash, and one test's program would talk to the other's service. A test that starts such a
service points ``DBUS_SESSION_BUS_ADDRESS`` at a bus of its own for its duration: the service, the
code under test (which connects when it first notifies) and any program it starts all use that bus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# A session bus that starts no service on demand: the standard one would start a second, locked
# gnome-keyring (or a real notification daemon) when the code under test asks for one, and wait.
_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextmanager
def private_session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Start a session bus, point ``DBUS_SESSION_BUS_ADDRESS`` at it, and stop it afterwards."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or shutil.which("dbus-daemon") is None:
        pytest.skip("needs D-Bus (run the suite with bash .ci/test)")
    folder = Path(tempfile.mkdtemp(prefix="quaero-bus-"))
    config = folder / "session.conf"
    config.write_text(_CONFIG.format(folder=folder))
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            raise RuntimeError(f"dbus-daemon gave no address (exit {daemon.poll()})")
        with monkeypatch.context() as patched:
            patched.setenv("DBUS_SESSION_BUS_ADDRESS", address)
            yield address
    finally:
        daemon.terminate()
        daemon.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
