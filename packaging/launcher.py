"""The frozen app's entry point: the ``quaero-desktop`` command (no command opens the window)."""

import sys

from quaero_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
