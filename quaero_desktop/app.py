"""Composition root: builds settings, store, engine and services. Nothing else lives here.

Only what every command needs is imported here: the engine (Playwright, the HTTP client, the crawler),
saved logins (the keyring) and the page preview are imported where they are first used, so a command
that only reads the store starts without them (docs/architecture.md, "Start-up")."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from quaero_desktop.engine.recovery import recover_interrupted_jobs
from quaero_desktop.paths import DATABASE_URL_ENV, resolve_data_dir
from quaero_desktop.services.crawls import CrawlsService
from quaero_desktop.services.jobs import JobsService
from quaero_desktop.settings import AppSettings, load_settings
from quaero_desktop.startup_gc import startup_imports
from quaero_desktop.store import MigrationProgress, open_database
from quaero_desktop.store.database import Database

if TYPE_CHECKING:
    from quaero_desktop.engine.engine import Engine
    from quaero_desktop.services.definitions import DefinitionsService
    from quaero_desktop.services.documents import DocumentsService
    from quaero_desktop.services.logins import LoginsService
    from quaero_desktop.services.page_preview import PagePreviews
    from quaero_desktop.services.sources import SourcesService
    from quaero_desktop.vault.credential_vault import CredentialVault
    from quaero_desktop.vault.proxy_logins import ProxyLogins
    from quaero_desktop.vault.sealed_logins import SealedLogins
    from quaero_desktop.vault.team_key_store import TeamKeyStore


@dataclass
class App:
    data_dir: Path
    settings: AppSettings
    database: Database
    crawls: CrawlsService = field(init=False)
    jobs: JobsService = field(init=False)
    _engine: Engine | None = field(init=False, default=None)
    _engine_lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # Every front end starts, resumes, retries and cancels crawls through this one service.
        self.crawls = CrawlsService(self.database, self.engine, lambda: self._engine)
        self.jobs = JobsService(self.database, self.crawls.runs_here)

    @cached_property
    def definitions(self) -> DefinitionsService:
        from quaero_desktop.services.definitions import DefinitionsService

        return DefinitionsService(self.database)

    @cached_property
    def documents(self) -> DocumentsService:
        from quaero_desktop.services.documents import DocumentsService

        return DocumentsService(self.database)

    @cached_property
    def sources(self) -> SourcesService:
        from quaero_desktop.services.sources import SourcesService

        return SourcesService(self.database)

    def engine(self) -> Engine:
        """The engine, started on first use (the browser itself starts with the first crawl).

        Front ends never call it: crawls go through ``crawls`` (services/crawls.py), a login's
        capture through ``logins``. The command line starts it only for commands that crawl; the
        desktop program starts it once at start (``crawls.start()`` in gui/desktop_app.py)."""
        with self._engine_lock:
            if self._engine is None:
                from quaero_desktop.engine.engine import Engine  # Playwright and the crawler load here

                self._engine = Engine(
                    self.database, self.settings.engine_settings(), logins=self.vault, proxy_logins=self.proxy_logins
                )
                self._engine.start()
            return self._engine

    def preload_engine(self) -> None:
        """Import the engine's and the crawler's modules now, as start-up imports (startup_gc.py: frozen
        after): for a command that is about to crawl and has made nothing yet that may end in a reference
        cycle. The engine itself starts with ``engine``."""
        with startup_imports():
            import quaero_desktop.engine.engine  # noqa: F401

    @cached_property
    def vault(self) -> CredentialVault:
        """Saved logins (the keyring backend is looked up on first use)."""
        from quaero_desktop.vault.credential_vault import CredentialVault

        return CredentialVault(self.database)

    @cached_property
    def proxy_logins(self) -> ProxyLogins:
        """Proxies' user names and passwords, in the keyring only."""
        from quaero_desktop.vault.proxy_logins import ProxyLogins

        return ProxyLogins(lambda: self.vault.secret_store)

    @cached_property
    def logins(self) -> LoginsService:
        from quaero_desktop.services.logins import LoginsService  # a login's capture runs Playwright

        return LoginsService(self.vault, self.engine, lambda: self.sealed_logins)

    @cached_property
    def team_keys(self) -> TeamKeyStore:
        """Team mode's key: in a key file (QUAERO_TEAM_KEY_FILE or the team_key_file setting) or the keyring."""
        from quaero_desktop.vault.team_key_store import TeamKeyStore

        return TeamKeyStore(lambda: self.vault.secret_store, key_file_setting=self.settings.team_key_file)

    @cached_property
    def sealed_logins(self) -> SealedLogins:
        """Logins sealed with the team key into the store, for workers on other machines (cryptography loads here)."""
        from quaero_desktop.vault.sealed_logins import SealedLogins

        return SealedLogins(self.database, self.team_keys)

    @cached_property
    def previews(self) -> PagePreviews:
        """The definition editor's preview of a page as a crawl would store it (the keyring is read only for
        a definition with a login or a proxy's login; the settings as they are at each preview)."""
        from quaero_desktop.services.page_preview import PagePreviews  # the HTTP client and the crawler

        return PagePreviews(lambda: self.vault, lambda: self.proxy_logins, lambda: self.settings)

    def close(self, *, detach: bool = True, resume_on_start: bool = False) -> None:
        """Stop the engine (crawls left resumable when ``detach``) and release the database."""
        self.crawls.close()
        if self._engine is not None:
            self._engine.shutdown(detach=detach, resume_on_start=resume_on_start)
            self._engine = None
        self.database.dispose()


def build_app(
    data_dir: str | Path | None = None, progress: MigrationProgress | None = None, *, database_url: str | None = None
) -> App:
    """The program's parts on the store in ``data_dir`` (settings, logins' keyring names and exports stay
    there), or on the PostgreSQL store the database URL names; a store written by an older version is
    upgraded first, telling ``progress`` how far it is when that reads every document."""
    directory = resolve_data_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    settings = load_settings(directory)
    database = open_database(directory, progress, url=chosen_database_url(database_url, settings))
    recover_interrupted_jobs(database)
    return App(data_dir=directory, settings=settings, database=database)


def chosen_database_url(explicit: str | None, settings: AppSettings) -> str | None:
    """The store to open: ``--database-url``, else env QUAERO_DATABASE_URL, else settings.toml's
    ``database_url``; None (SQLite in the data directory) when none says one."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or settings.database_url or None
