"""The OS keyring behind the vault: which backend, whether Quaero may use it, and its errors.

``keyring`` silently falls back to whatever backend it finds, including plaintext files
(keyrings.alt). Quaero only uses the OS keyrings listed in ``ACCEPTABLE_BACKENDS`` (or a
backend class marked ``quaero_acceptable = True``, as the tests' in-memory ones are) and
reports anything else as unavailable.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, chainer, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError

from quaero_desktop.vault.errors import VaultError, VaultLockedError, VaultUnavailableError

try:  # Secret Service (Linux/BSD) errors, raised through keyring unchanged
    import secretstorage
    from jeepney.wrappers import DBusErrorResponse
    from secretstorage.exceptions import LockedException, PromptDismissedException, SecretStorageException
except ImportError:  # pragma: no cover - macOS and Windows
    _HAS_SECRETSTORAGE = False
    _DBUS_LOCKED: tuple[type[Exception], ...] = ()
    _DBUS_FAILURES: tuple[type[Exception], ...] = ()
else:
    _HAS_SECRETSTORAGE = True
    _DBUS_LOCKED = (LockedException, PromptDismissedException)
    # jeepney's socket errors (no bus at that address, bus closed) reach us unwrapped
    _DBUS_FAILURES = (SecretStorageException, DBusErrorResponse, OSError)

log = logging.getLogger(__name__)

# The keyring "service" every entry is filed under; QUAERO_KEYRING_SERVICE lets the test suite
# keep its entries apart from a developer's real ones.
SERVICE_NAME = os.environ.get("QUAERO_KEYRING_SERVICE", "quaero-desktop")
SMALL_CHUNK_CHARS = 1_000  # Windows Credential Manager: 2,560 bytes of UTF-16 per secret
LARGE_CHUNK_CHARS = 200_000
_SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
_WINDOWS = "keyring.backends.Windows.WinVaultKeyring"
ACCEPTABLE_BACKENDS = {
    _SECRET_SERVICE: "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    _WINDOWS: "Windows Credential Manager",
}
_SECRET_SERVICE_PROVIDERS = {
    "gnome-keyring": "GNOME Keyring",
    "kwalletd": "KWallet",
    "ksecretd": "KWallet",
    "keepassxc": "KeePassXC",
}


def system_backend() -> KeyringBackend:
    """The backend ``keyring`` selected (its config, PYTHON_KEYRING_BACKEND, or detection)."""
    try:
        return keyring.get_keyring()
    except Exception as exc:  # a configured backend that cannot load raises anything
        raise VaultUnavailableError(
            f"keyring could not load its configured backend ({exception_detail(exc)})"
        ) from None


def usable_backend(backend: KeyringBackend) -> KeyringBackend:
    """``backend`` itself, or a chainer's best acceptable member; else VaultUnavailableError."""
    if isinstance(backend, chainer.ChainerBackend):
        # ``backends`` is an untyped class property: its members are backends.
        members: list[KeyringBackend] = [member for member in backend.backends if is_acceptable(member)]
        if members:
            return members[0]  # the chainer lists them by priority, highest first
    elif is_acceptable(backend):
        return backend
    raise VaultUnavailableError(_refusal_reason(backend))


def is_acceptable(backend: KeyringBackend) -> bool:
    return _class_path(backend) in ACCEPTABLE_BACKENDS or getattr(type(backend), "quaero_acceptable", False)


def describe_backend(backend: KeyringBackend | None = None) -> str:
    """A short human name, e.g. "Secret Service (GNOME Keyring)" or "PlaintextKeyring (keyrings.alt.file)"."""
    backend = backend if backend is not None else keyring.get_keyring()
    path = _class_path(backend)
    if path == _SECRET_SERVICE:
        provider = _secret_service_provider()
        return f"Secret Service ({provider})" if provider else "Secret Service"
    if path in ACCEPTABLE_BACKENDS:
        return ACCEPTABLE_BACKENDS[path]
    if isinstance(backend, fail.Keyring):
        return "no keyring"
    return getattr(type(backend), "quaero_description", f"{type(backend).__name__} ({type(backend).__module__})")


def chunk_chars(backend: KeyringBackend) -> int:
    """How many characters one keyring entry may hold on ``backend`` (base64 text is ASCII)."""
    cap = getattr(backend, "max_secret_chars", None)
    if cap is not None:
        return min(SMALL_CHUNK_CHARS, int(cap))
    return SMALL_CHUNK_CHARS if _class_path(backend) == _WINDOWS else LARGE_CHUNK_CHARS


def check_unlocked(backend: KeyringBackend, service: str) -> None:
    """Raise VaultLockedError / VaultUnavailableError unless ``backend`` can be used now.

    Secret Service: asks whether the collection is locked without opening an unlock prompt.
    Other backends: reads one entry that need not exist.
    """
    with keyring_errors("be reached"):
        if _class_path(backend) == _SECRET_SERVICE and _HAS_SECRETSTORAGE:
            with closing(secretstorage.dbus_init()) as connection:
                path = getattr(backend, "preferred_collection", None)
                collection = (
                    secretstorage.Collection(connection, path)
                    if path
                    else secretstorage.get_default_collection(connection)
                )
                if collection.is_locked():
                    raise KeyringLocked("the collection is locked")
        else:
            backend.get_password(service, f"{service}-status-probe")


@contextmanager
def keyring_errors(action: str, *, hide: str = "") -> Iterator[None]:
    """Turn anything a backend raises into a VaultError whose message leaves out ``hide``.

    The original exception is not chained: a backend may echo the secret it was given.
    """
    try:
        yield
    except VaultError:
        raise
    except Exception as exc:
        raise _translate(exc, action, hide) from None


def exception_detail(exc: BaseException, hide: str = "") -> str:
    """``Type: message``, shortened, with ``hide`` (a secret being written) blanked out."""
    text = str(exc)
    if hide and hide in text:
        text = text.replace(hide, "<secret>")
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _translate(exc: Exception, action: str, hide: str) -> VaultError:
    if isinstance(exc, (KeyringLocked, *_DBUS_LOCKED)):
        return VaultLockedError()
    detail = exception_detail(exc, hide)
    if isinstance(exc, _DBUS_FAILURES):
        return VaultUnavailableError(f"no Secret Service is reachable on the D-Bus session bus ({detail})")
    if isinstance(exc, NoKeyringError):
        return VaultUnavailableError("keyring has no backend")
    if isinstance(exc, InitError):
        return VaultUnavailableError(f"the keyring could not be opened ({detail})")
    return VaultError(f"the keyring could not {action}: {detail}")


def _refusal_reason(backend: KeyringBackend) -> str:
    if isinstance(backend, fail.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not list(backend.backends)
    ):
        return _missing_backend_reason()
    if isinstance(backend, null.Keyring):
        return "keyring is disabled (its null backend is configured, e.g. by `keyring --disable`)"
    if isinstance(backend, chainer.ChainerBackend):
        names = ", ".join(describe_backend(member) for member in backend.backends)
        return f"none of keyring's backends is an OS keyring ({names})"
    return (
        f"keyring selected {describe_backend(backend)}, which is not an OS keyring; Quaero never keeps "
        "credentials in a plain or self-encrypted file (uninstall keyrings.alt, or unset "
        "PYTHON_KEYRING_BACKEND / the keyringrc.cfg default-keyring)"
    )


def _missing_backend_reason() -> str:
    if sys.platform in ("darwin", "win32"):
        return "keyring found no backend"
    try:
        SecretService.Keyring.priority  # noqa: B018 - raises the reason it is not viable
    except Exception as exc:
        return f"no Secret Service is running ({exception_detail(exc)})"
    return "no Secret Service is running"


def _secret_service_provider() -> str | None:
    """Which program owns org.freedesktop.secrets on the session bus (best effort)."""
    try:
        import psutil
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        with open_dbus_connection(bus="SESSION") as connection:
            pid = Proxy(message_bus, connection, timeout=2).GetConnectionUnixProcessID("org.freedesktop.secrets")[0]
        name = psutil.Process(pid).name()
    except Exception as exc:
        log.debug("cannot tell which program provides the Secret Service: %s", exception_detail(exc))
        return None
    return next((label for prefix, label in _SECRET_SERVICE_PROVIDERS.items() if name.startswith(prefix)), name)


def _class_path(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"
