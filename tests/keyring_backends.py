"""Keyring backends for the vault tests: in memory, Windows-sized, failing part-way, locked, plaintext.

Their priority is negative, so keyring's own detection never picks one.
"""

from __future__ import annotations

from collections.abc import Callable

from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

WINDOWS_MAX_BLOB_BYTES = 2_560  # CRED_MAX_CREDENTIAL_BLOB_SIZE; the blob is UTF-16


class _DictKeyring(KeyringBackend):
    """A dict of (service, username) -> password."""

    priority = -10

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")

    def usernames(self, service: str) -> list[str]:
        return sorted(username for entry_service, username in self.entries if entry_service == service)


class MemoryKeyring(_DictKeyring):
    """The in-memory keyring the vault accepts."""

    quaero_acceptable = True
    quaero_description = "in-memory test keyring"


class WindowsCredentialError(Exception):
    """Shaped like pywintypes.error: (winerror, funcname, strerror)."""

    def __init__(self, winerror: int, funcname: str, strerror: str) -> None:
        super().__init__(winerror, funcname, strerror)


class CappedKeyring(MemoryKeyring):
    """Refuses what Windows Credential Manager refuses: a secret over 2,560 bytes as UTF-16."""

    max_secret_chars = WINDOWS_MAX_BLOB_BYTES // 2

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password.encode("utf-16-le")) > WINDOWS_MAX_BLOB_BYTES:
            raise WindowsCredentialError(1783, "CredWrite", "The stub received bad data.")
        super().set_password(service, username, password)


class _UncappedWindowsLike(CappedKeyring):
    max_secret_chars = None


# Named like keyring's Windows backend (which exposes no size attribute): the vault must know its cap.
WinVaultKeyring = type("WinVaultKeyring", (_UncappedWindowsLike,), {"__module__": "keyring.backends.Windows"})


class SimulatedCrash(BaseException):
    """Stands for the process dying: no ``except Exception`` clean-up code sees it."""


class FlakyKeyring(MemoryKeyring):
    """Once ``fail_after`` writes have succeeded (None: never), every write raises ``failure(password)``."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_after: int | None = None
        self.failure: Callable[[str], BaseException] = lambda password: SimulatedCrash()

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail_after is not None and self.writes >= self.fail_after:
            raise self.failure(password)
        super().set_password(service, username, password)


class RaisingKeyring(MemoryKeyring):
    """Every operation raises ``error``; by default as a locked collection whose unlock prompt was dismissed."""

    def __init__(self, error: Exception | None = None) -> None:
        super().__init__()
        self.error = error or KeyringLocked("Failed to unlock the collection!")

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


class PlaintextKeyring(_DictKeyring):
    """Like keyrings.alt's file backends: works, but the vault must refuse it."""


def chainer_of(*backends: KeyringBackend) -> ChainerBackend:
    """A keyring ChainerBackend over exactly ``backends`` (highest priority first)."""
    chain = type("TestChainer", (ChainerBackend,), {"backends": list(backends), "priority": -10})
    return chain()
