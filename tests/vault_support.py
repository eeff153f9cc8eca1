"""Shared by the credential vault's tests (tests/test_vault*.py): credentials with realistic and
with 64 KB secrets, and a vault on a given keyring backend."""

from __future__ import annotations

import secrets

from quaero_desktop.domain.credential import Cookie, Credential, CredentialSecret
from quaero_desktop.vault.codec import encode_secret
from quaero_desktop.vault.credential_vault import CredentialVault
from quaero_desktop.vault.keyring_backend import SERVICE_NAME
from quaero_desktop.vault.secret_store import SecretStore


def realistic_credential(auth_id: str = "wiki-sso") -> Credential:
    cookies = (
        Cookie(
            "SESSION",
            "s3ss10n-" + secrets.token_hex(24),
            "wiki.example.com",
            "/",
            2_000_000_000.0,
            secure=True,
            http_only=True,
            same_site="Lax",
        ),
        Cookie("__Host-csrf", "csrf-" + secrets.token_hex(16), "wiki.example.com", secure=True, same_site="Strict"),
        Cookie(
            "sso_token",
            "sso-" + secrets.token_urlsafe(48),
            "example.com",
            "/auth",
            1_900_000_000.5,
            secure=True,
            same_site="None",
            host_only=False,
        ),
        Cookie("prefs", "théme=dark;lang=fr", "wiki.example.com"),
    )
    return Credential(
        auth_id=auth_id,
        name="Team wiki",
        site_domain="wiki.example.com",
        base_url="https://wiki.example.com/",
        secret=CredentialSecret(
            cookies=cookies,
            local_storage={"https://wiki.example.com": {"access": "ls-" + secrets.token_hex(20), "ui": '{"a":1}'}},
            tokens={"bearer": "tok-" + secrets.token_urlsafe(40)},
            user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
        ),
    )


def big_credential(auth_id: str = "big-sso", size: int = 64 * 1024) -> Credential:
    """A credential whose secret is at least ``size`` bytes of JSON, of random (incompressible) values."""
    cookies: list[Cookie] = []
    while len(encode_secret(CredentialSecret(cookies=tuple(cookies)))) < size:
        cookies.append(Cookie(f"c{len(cookies)}", secrets.token_urlsafe(300), "big.example.com", expires=2e9))
    return Credential(auth_id, "Big", "big.example.com", "https://big.example.com/", CredentialSecret(tuple(cookies)))


def vault_on(database, backend, service: str = SERVICE_NAME) -> CredentialVault:
    return CredentialVault(database, SecretStore(backend, service=service))
