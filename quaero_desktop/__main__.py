"""``python -m quaero_desktop`` runs the command line."""

from quaero_desktop.cli.main import main

raise SystemExit(main())
