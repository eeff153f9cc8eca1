"""CredentialSecret <-> bytes: versioned JSON holding every cookie attribute, local storage, tokens, user agent."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from quaero_desktop.domain.credential import Cookie, CredentialSecret

FORMAT_VERSION = 1
_COOKIE_FIELDS = tuple(f.name for f in fields(Cookie))
_REQUIRED_COOKIE_FIELDS = ("name", "value", "domain")


class SecretFormatError(ValueError):
    """The bytes are not a credential secret; the message names the problem, never a value."""


def encode_secret(secret: CredentialSecret) -> bytes:
    document = {
        "version": FORMAT_VERSION,
        "cookies": [asdict(cookie) for cookie in secret.cookies],
        "local_storage": secret.local_storage,
        "tokens": secret.tokens,
        "user_agent": secret.user_agent,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_secret(payload: bytes) -> CredentialSecret:
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SecretFormatError(f"not JSON ({type(exc).__name__} at position {getattr(exc, 'pos', '?')})") from None
    if not isinstance(document, dict):
        raise SecretFormatError("not a JSON object")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise SecretFormatError(f"unknown format version {version!r} (this Quaero reads version {FORMAT_VERSION})")
    cookies = document.get("cookies", [])
    if not isinstance(cookies, list):
        raise SecretFormatError("'cookies' is not a list")
    local_storage = _mapping(document, "local_storage")
    if not all(isinstance(items, dict) for items in local_storage.values()):
        raise SecretFormatError("'local_storage' is not a mapping of origin to items")
    user_agent = document.get("user_agent", "")
    if not isinstance(user_agent, str):
        raise SecretFormatError("'user_agent' is not text")
    return CredentialSecret(
        cookies=tuple(_cookie(item, index) for index, item in enumerate(cookies)),
        local_storage=local_storage,
        tokens=_mapping(document, "tokens"),
        user_agent=user_agent,
    )


def _cookie(item: Any, index: int) -> Cookie:
    if not isinstance(item, dict) or not all(isinstance(item.get(key), str) for key in _REQUIRED_COOKIE_FIELDS):
        raise SecretFormatError(f"cookie {index} lacks a name, value or domain")
    return Cookie(**{key: item[key] for key in _COOKIE_FIELDS if key in item})


def _mapping(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise SecretFormatError(f"'{key}' is not a mapping")
    return value
