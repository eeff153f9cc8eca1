"""Credential vault errors: each message says what is wrong and what to do, and never holds a secret."""

from __future__ import annotations

import sys

from quaero_desktop.domain.errors import QuaeroError

_LINUX_ADVICE = (
    "Install and start a Secret Service such as gnome-keyring (or KWallet) and log in to a desktop "
    "session; on a headless server run quaero-desktop inside `dbus-run-session` with "
    "gnome-keyring-daemon started and unlocked (`printf PASSWORD | gnome-keyring-daemon --unlock "
    "--components=secrets --daemonize`)"
)
_MACOS_ADVICE = "Quaero keeps credentials in the login Keychain: run it in a logged-in macOS user session"
_WINDOWS_ADVICE = "Quaero keeps credentials in Windows Credential Manager: run it in a normal user session"


def platform_advice() -> str:
    """What to do on this operating system to get a usable keyring."""
    if sys.platform == "darwin":
        return _MACOS_ADVICE
    if sys.platform == "win32":
        return _WINDOWS_ADVICE
    return _LINUX_ADVICE


class VaultError(QuaeroError):
    """The credential vault cannot do what was asked."""


class VaultUnavailableError(VaultError):
    """There is no OS keyring Quaero may use (none running, or only a plaintext one)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"no usable keyring: {reason}. {platform_advice()}")


class VaultLockedError(VaultError):
    """The keyring exists but is locked (and unlocking was refused or impossible)."""

    def __init__(self) -> None:
        super().__init__(
            "the keyring is locked: unlock it (e.g. log in to your desktop session or unlock 'Login' "
            "in Passwords and Keys) and try again"
        )


class CredentialNotFoundError(VaultError):
    """No credential is saved under this auth_id (or its secret is gone from the keyring)."""

    def __init__(self, auth_id: str, *, secret_missing_from: str = "") -> None:
        self.auth_id = auth_id
        if secret_missing_from:
            problem = (
                f"credential '{auth_id}' is listed but its secret is missing from the keyring ({secret_missing_from})"
            )
        else:
            problem = f"no saved credential '{auth_id}'"
        super().__init__(
            f"{problem}: see `quaero-desktop auth list`, or save it again with "
            f"`quaero-desktop auth import {auth_id} FILE` or `quaero-desktop auth login {auth_id} URL`"
        )


class CredentialCorruptError(VaultError):
    """The keyring holds something for this auth_id that does not read back as a credential."""

    def __init__(self, auth_id: str, reason: str) -> None:
        self.auth_id = auth_id
        self.reason = reason
        super().__init__(
            f"saved credential '{auth_id}' is damaged in the keyring ({reason}): delete it with "
            f"`quaero-desktop auth delete {auth_id}` and import it or log in again"
        )
