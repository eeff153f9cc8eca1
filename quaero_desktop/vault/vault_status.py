"""Whether the vault can read and write secrets now: a value the window and the ``auth`` commands
show. Kept apart from keyring_backend.py so that naming it imports no keyring (a crawl without a
login never loads ``keyring``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VaultState = Literal["available", "locked", "unavailable"]


@dataclass(frozen=True)
class VaultStatus:
    """Whether credentials can be read and written now, for the window and ``auth`` commands."""

    state: VaultState
    backend: str  # e.g. "Secret Service (GNOME Keyring)"
    message: str  # what to do; empty when available
