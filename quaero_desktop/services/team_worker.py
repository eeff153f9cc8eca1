"""A team worker for the command line (``quaero-desktop worker``): the engine's page-queue worker
(engine/team/team_worker.py) on this app's team store, with this app's crawl settings and the store's
sealed logins (vault/sealed_logins.py). Front ends
reach the engine only through services (tests/test_crawls_service.py)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quaero_desktop.app import App


async def serve_pages(app: App, *, name: str, concurrency: int, stop: asyncio.Event) -> int:
    """Take pages from the team store's queue until ``stop`` is set; the pages handled."""
    from quaero_desktop.engine.team.team_worker import serve

    return await serve(
        app.database,
        app.settings.engine_settings(),
        logins=app.sealed_logins,  # a crawl behind a login: its sealed copy, opened with the team key
        concurrency=concurrency,
        name=name,
        stop=stop,
    )
