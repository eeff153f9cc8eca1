"""Saved logins as the CLI and the window use them: import, capture, list, delete, keyring status."""

from __future__ import annotations

import concurrent.futures
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Page

from quaero_desktop.crawler.browser.login_capture import CapturedLogin, LoginCapture
from quaero_desktop.domain.credential import AUTH_ID_PATTERN, Credential, CredentialSecret, CredentialSummary
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.engine.engine import Engine
from quaero_desktop.humanize import count_noun
from quaero_desktop.vault.cookie_formats import describe, parse_cookie_file
from quaero_desktop.vault.credential_vault import CredentialVault
from quaero_desktop.vault.vault_status import VaultStatus

if TYPE_CHECKING:  # sealing (team mode) loads cryptography: only when a login is sealed or opened
    from quaero_desktop.vault.sealed_logins import SealedLogin, SealedLogins

AUTH_ID_EXPECTED = 'a login id of 1 to 64 characters from A-Z, a-z, 0-9, ".", "_" and "-", such as "wiki-sso"'


@dataclass(frozen=True)
class SavedLogin:
    summary: CredentialSummary
    replaced: bool
    description: str  # what was saved, without any value ("12 cookies for example.com ...")
    skipped: tuple[str, ...] = ()


class LoginsService:
    def __init__(
        self, vault: CredentialVault, engine: Callable[[], Engine], sealed: Callable[[], SealedLogins]
    ) -> None:
        self._vault = vault
        self._engine = engine
        self._sealed = sealed  # built on first use: sealing loads cryptography

    def list(self) -> list[CredentialSummary]:
        return self._vault.summaries()

    def status(self) -> VaultStatus:
        return self._vault.status()

    def delete(self, auth_id: str) -> None:
        self._vault.delete(auth_id)

    def import_file(self, auth_id: str, path: str | Path, *, name: str | None = None) -> SavedLogin:
        """Read a cookie export completely, then save it (nothing is saved from a refused file)."""
        check_auth_id(auth_id)
        parsed = parse_cookie_file(path)
        credential = Credential(
            auth_id=auth_id,
            name=name or auth_id,
            site_domain=parsed.site_domain,
            base_url=parsed.base_url or (f"https://{parsed.site_domain}/" if parsed.site_domain else ""),
            secret=parsed.secret,
        )
        replaced = self._vault.save(credential)
        return SavedLogin(self._summary(auth_id), replaced, describe(parsed), parsed.skipped)

    def start_capture(
        self,
        url: str,
        *,
        browser_path: str | None = None,
        headless: bool = False,
        on_page: Callable[[Page], Awaitable[None]] | None = None,
    ) -> tuple[LoginCapture, concurrent.futures.Future[CapturedLogin]]:
        """Open a browser window at ``url`` on the engine's loop; the future resolves when the user is done."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError("auth login", "URL", url, "an http:// or https:// address of the site's login page")
        capture = LoginCapture(url, browser_path=browser_path, headless=headless, on_page=on_page)
        return capture, self._engine().run_coroutine(capture.run())

    def save_captured(self, auth_id: str, captured: CapturedLogin, *, url: str, name: str | None = None) -> SavedLogin:
        check_auth_id(auth_id)
        secret = captured.secret
        if not secret.cookies and not secret.local_storage:
            raise ValidationError(
                "the captured login",
                "",
                None,
                "the browser held no cookies or local storage when it closed; log in before closing the window",
            )
        site_domain = _main_domain(secret) or (urlsplit(url).hostname or "")
        parts = urlsplit(url)
        credential = Credential(
            auth_id=auth_id,
            name=name or auth_id,
            site_domain=site_domain,
            base_url=f"{parts.scheme}://{parts.netloc}/",
            secret=secret,
        )
        replaced = self._vault.save(credential)
        domains = ", ".join(sorted({c.domain for c in secret.cookies})[:3])
        description = f"{count_noun(len(secret.cookies), 'cookie')} for {domains or site_domain}"
        return SavedLogin(self._summary(auth_id), replaced, description)

    def seal(self, auth_id: str) -> tuple[SealedLogin, CredentialSummary]:
        """Seal the saved login with the team key into the store (team mode), replacing an earlier seal."""
        check_auth_id(auth_id)
        credential = self._vault.load(auth_id)  # the keyring: CredentialNotFoundError names what to do
        return self._sealed().seal(credential), self._summary(auth_id)

    def open_sealed(self, auth_id: str) -> Credential:
        """The login as a worker gets it: opened from the store with this machine's team key."""
        check_auth_id(auth_id)
        return self._sealed().load(auth_id)

    def _summary(self, auth_id: str) -> CredentialSummary:
        summary = self._vault.summary(auth_id)
        assert summary is not None
        return summary


def check_auth_id(auth_id: str) -> None:
    if not AUTH_ID_PATTERN.fullmatch(auth_id):
        raise ValidationError("the login", "auth_id", auth_id, AUTH_ID_EXPECTED)


def _main_domain(secret: CredentialSecret) -> str:
    counts = Counter(cookie.domain for cookie in secret.cookies)
    return min(counts, key=lambda d: (-counts[d], len(d))) if counts else ""
