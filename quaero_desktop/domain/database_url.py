"""A team store's URL checked for its form (``postgresql+psycopg://ROLE@HOST:PORT/DATABASE``), and shown
with its password masked: the command line's ``--database-url`` and the Settings dialog read it alike.
The server is asked only when the store opens (``store/database.py``)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

URL_FORM = "postgresql+psycopg://ROLE@HOST:PORT/DATABASE"


def database_url_problem(text: str) -> str | None:
    """Why ``text`` is no store URL (None: it is one), the password masked."""
    parts = urlsplit(text.strip())
    shown = masked_url_text(text.strip())
    if parts.scheme.split("+", 1)[0] not in ("postgresql", "postgres", "sqlite"):
        return f"'{shown}' is not a PostgreSQL URL; give {URL_FORM}"
    if not parts.path.strip("/"):
        return f"'{shown}' names no database; give {URL_FORM}"
    return None


def masked_url_text(text: str) -> str:
    """A URL as it may be shown: the password between ``user:`` and ``@`` replaced by ***."""
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:  # a port that is no number: nothing to parse, so show only what follows the @
        return text.rsplit("@", 1)[-1]
    if password is None:
        return text
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
