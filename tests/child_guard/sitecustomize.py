"""Python imports this at start-up in a test's child processes: ``tests.conftest.child_env`` puts
this directory first on their PYTHONPATH. It installs the guards of tests/guards.py for what the
test that started the child may not use (a test not marked ``browser`` must not launch Chromium,
not even in the CLI or window process it runs)."""

import os

if os.environ.get("QUAERO_TESTS_FORBIDDEN"):
    from tests.guards import install_in_child

    install_in_child()
