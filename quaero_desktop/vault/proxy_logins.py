"""Proxy logins in the keyring: one entry per proxy host and port, nothing in the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from quaero_desktop.domain.crawl_defaults import ProxyLogin, proxy_key
from quaero_desktop.domain.errors import ValidationError

if TYPE_CHECKING:
    from quaero_desktop.vault.secret_store import SecretStore


class ProxyLogins:
    def __init__(self, store: Callable[[], SecretStore]) -> None:
        self._secret_store = store  # looked up when a proxy's login is: the keyring is not touched before

    @property
    def _store(self) -> SecretStore:
        return self._secret_store()

    def save(self, proxy_url: str, login: ProxyLogin) -> None:
        if not login.username:
            raise ValidationError("proxy login", "username", login.username, "a user name")
        payload = json.dumps({"username": login.username, "password": login.password})
        self._store.put(proxy_key(proxy_url), payload.encode())

    def load(self, proxy_url: str) -> ProxyLogin | None:
        """The proxy's saved login, or None; VaultLockedError / VaultUnavailableError when the keyring cannot say."""
        payload = self._store.get(proxy_key(proxy_url))
        if payload is None:
            return None
        data = json.loads(payload.decode())
        return ProxyLogin(str(data["username"]), str(data["password"]))

    def delete(self, proxy_url: str) -> bool:
        return self._store.delete(proxy_key(proxy_url))
