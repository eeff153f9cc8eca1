"""Credentials: a saved login (cookies, local storage, tokens) for one site, keyed by auth_id.

The secret part (``CredentialSecret``) lives only in the OS keyring; ``CredentialSummary`` is
the non-secret metadata that may be stored in SQLite, listed and logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

SameSite = Literal["Strict", "Lax", "None"]
AUTH_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Cookie:
    """One cookie with every attribute a browser keeps.

    ``domain`` is stored without a leading dot; ``host_only`` says whether the cookie belongs
    to exactly that host (no Domain attribute) or to the domain and its subdomains.
    ``expires`` is seconds since the epoch (UTC), None for a session cookie.
    """

    name: str
    value: str = field(repr=False)
    domain: str
    path: str = "/"
    expires: float | None = None
    secure: bool = False
    http_only: bool = False
    same_site: SameSite | None = None
    host_only: bool = True

    def is_expired(self, now: datetime | None = None) -> bool:
        if self.expires is None:
            return False
        return self.expires <= (now or datetime.now(UTC)).timestamp()


@dataclass(frozen=True)
class CredentialSecret:
    """What goes into the keyring: cookies, localStorage per origin, tokens, the user agent."""

    cookies: tuple[Cookie, ...] = ()
    local_storage: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)  # origin -> {key: value}
    tokens: dict[str, str] = field(default_factory=dict, repr=False)
    user_agent: str = ""

    def secret_values(self) -> list[str]:
        """Every value that must never appear in a log (for the redactor)."""
        values = [c.value for c in self.cookies]
        values += [v for items in self.local_storage.values() for v in items.values()]
        values += list(self.tokens.values())
        return [v for v in values if v]


@dataclass(frozen=True)
class Credential:
    auth_id: str
    name: str
    site_domain: str
    base_url: str
    secret: CredentialSecret

    def summary(self, *, created_at: datetime, updated_at: datetime) -> CredentialSummary:
        expiries = [c.expires for c in self.secret.cookies if c.expires is not None]
        return CredentialSummary(
            auth_id=self.auth_id,
            name=self.name,
            site_domain=self.site_domain,
            base_url=self.base_url,
            cookie_count=len(self.secret.cookies),
            earliest_expiry=datetime.fromtimestamp(min(expiries), UTC) if expiries else None,
            created_at=created_at,
            updated_at=updated_at,
        )


@dataclass(frozen=True)
class CredentialSummary:
    """Non-secret metadata: safe for SQLite, listings, logs and the window."""

    auth_id: str
    name: str
    site_domain: str
    base_url: str
    cookie_count: int
    earliest_expiry: datetime | None
    created_at: datetime
    updated_at: datetime

    def expiry_state(self, now: datetime | None = None) -> str:
        """One of "session" (only session cookies), "expired" (its first cookie has), "valid"."""
        if self.earliest_expiry is None:
            return "session"
        return "expired" if self.earliest_expiry <= (now or datetime.now(UTC)) else "valid"

    def as_json(self) -> dict[str, object]:
        return {
            "auth_id": self.auth_id,
            "name": self.name,
            "site_domain": self.site_domain,
            "base_url": self.base_url,
            "cookie_count": self.cookie_count,
            "earliest_expiry": self.earliest_expiry.isoformat() if self.earliest_expiry else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }
