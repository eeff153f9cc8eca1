"""Where the app keeps its data: --data-dir, else QUAERO_DATA_DIR, else the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "quaero-desktop"
DATA_DIR_ENV = "QUAERO_DATA_DIR"
DATABASE_URL_ENV = "QUAERO_DATABASE_URL"  # a team (PostgreSQL) store instead of the data directory's SQLite file


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    chosen = explicit or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    return Path(chosen).expanduser().resolve()
