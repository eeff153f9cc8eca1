"""Credential vault errors: each message says what is wrong and what to do, and never holds a secret."""

from __future__ import annotations

import sys

from quaero_desktop.domain.errors import QuaeroError, ValidationError

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


# ----- the team key and sealed logins (vault/team_key*.py, vault/sealed_logins.py); no message holds key material -----

_IMPORT_ADVICE = (
    "import the team key with `quaero-desktop team-key import --file PATH` (write PATH on a machine that has it "
    "with `quaero-desktop team-key export --file PATH`)"
)


class TeamKeyFileError(ValidationError):
    """A team key file that cannot be used (readable by others, not a key, missing): names the file and the fix."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"team key file {path}", "", None, problem)


class TeamKeyMissingError(VaultError):
    """No team key where this machine keeps it; for a sealed login, says which key it needs."""

    def __init__(self, where: str, *, auth_id: str = "", needed_key_id: str = "") -> None:
        self.where = where
        if auth_id:
            message = (
                f"the login '{auth_id}' is sealed with team key {needed_key_id}, but this machine has no team key "
                f"({where}): {_IMPORT_ADVICE}"
            )
        else:
            message = (
                f"no team key in {where}: create the team's key with `quaero-desktop team-key create` on one "
                f"machine, or {_IMPORT_ADVICE}"
            )
        super().__init__(message)


class TeamKeyExistsError(VaultError):
    """A team key is already kept there: replacing it would leave logins sealed with it unreadable."""

    def __init__(self, key_id: str, where: str) -> None:
        super().__init__(
            f"{where} already holds team key {key_id}: give --replace to replace it (logins sealed with it can then "
            "be opened only after sealing them again), or keep it"
        )


class SealedLoginError(VaultError):
    """A sealed login cannot be opened; the message names the login and what to do."""

    def __init__(self, auth_id: str, message: str) -> None:
        self.auth_id = auth_id
        super().__init__(message)


class SealedLoginNotFoundError(SealedLoginError):
    def __init__(self, auth_id: str) -> None:
        super().__init__(
            auth_id,
            f"the login '{auth_id}' is not sealed in the store: seal it with `quaero-desktop auth seal {auth_id}` "
            "on the machine where it was saved",
        )


class WrongTeamKeyError(SealedLoginError):
    def __init__(self, auth_id: str, sealed_with: str, this_machine_has: str) -> None:
        self.sealed_with = sealed_with
        self.this_machine_has = this_machine_has
        super().__init__(
            auth_id,
            f"the login '{auth_id}' is sealed with team key {sealed_with}, this machine has team key "
            f"{this_machine_has}: {_IMPORT_ADVICE.replace('the team key', f'team key {sealed_with}', 1)}, "
            "or seal the login again with this machine's key "
            f"(`quaero-desktop auth seal {auth_id}` where it was saved)",
        )


class SealedLoginCorruptError(SealedLoginError):
    def __init__(self, auth_id: str, key_id: str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            auth_id,
            f"the sealed login '{auth_id}' does not open with team key {key_id} ({reason}): it was changed, cut "
            f"short or copied from another login's row; seal it again with `quaero-desktop auth seal {auth_id}` on "
            "the machine where it was saved",
        )
