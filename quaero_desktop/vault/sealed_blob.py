"""A login sealed with the team key (AES-256-GCM): the bytes the database holds for it.

Layout, version 1::

    offset  0    1 byte    format version (1)
    offset  1    8 bytes   the team key's id (vault/team_key.py): says which key opens it
    offset  9   12 bytes   a random nonce, new at every seal
    offset 21   the rest   AES-GCM ciphertext of the login's JSON, with its 16-byte tag at the end

The associated data is ``quaero-sealed-login\\0`` + the 9 header bytes + the login's auth_id, so a changed
byte anywhere, a blob copied onto another login's row, or a header rewritten to name another key makes
the tag check fail. A 96-bit random nonce per seal keeps a key far from GCM's collision bound at any
number of seals a team makes.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from quaero_desktop.domain.credential import Credential
from quaero_desktop.vault.codec import SecretFormatError, decode_secret, encode_secret
from quaero_desktop.vault.errors import SealedLoginCorruptError, WrongTeamKeyError
from quaero_desktop.vault.team_key import KEY_ID_BYTES, TeamKey

FORMAT_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES
_AAD_CONTEXT = b"quaero-sealed-login\x00"


@dataclass(frozen=True)
class SealedHeader:
    version: int
    key_id: str


def seal(credential: Credential, key: TeamKey) -> bytes:
    """The credential (its secret and its name, domain and base URL) sealed for ``credential.auth_id``."""
    header = bytes([FORMAT_VERSION]) + bytes.fromhex(key.key_id) + secrets.token_bytes(NONCE_BYTES)
    plaintext = json.dumps(
        {
            "name": credential.name,
            "site_domain": credential.site_domain,
            "base_url": credential.base_url,
            "secret": json.loads(encode_secret(credential.secret)),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    nonce = header[1 + KEY_ID_BYTES :]
    return header + AESGCM(key.key).encrypt(nonce, plaintext, _associated_data(header, credential.auth_id))


def read_header(auth_id: str, blob: bytes) -> SealedHeader:
    """Which format and key ``blob`` says it is; SealedLoginCorruptError when it is too short to be one."""
    if len(blob) < HEADER_BYTES + TAG_BYTES:
        raise SealedLoginCorruptError(auth_id, "unknown", f"{len(blob)} bytes, shorter than any sealed login")
    key_id = blob[1 : 1 + KEY_ID_BYTES].hex()
    if blob[0] != FORMAT_VERSION:
        raise SealedLoginCorruptError(
            auth_id, key_id, f"format version {blob[0]}; this Quaero reads version {FORMAT_VERSION}"
        )
    return SealedHeader(blob[0], key_id)


def open_sealed(auth_id: str, blob: bytes, key: TeamKey) -> Credential:
    """The credential sealed in ``blob`` for ``auth_id``: WrongTeamKeyError when another key sealed it,
    SealedLoginCorruptError when it does not authenticate (changed, cut short, or another login's)."""
    header = read_header(auth_id, blob)
    if header.key_id != key.key_id:
        raise WrongTeamKeyError(auth_id, header.key_id, key.key_id)
    nonce = blob[1 + KEY_ID_BYTES : HEADER_BYTES]
    try:
        plaintext = AESGCM(key.key).decrypt(nonce, blob[HEADER_BYTES:], _associated_data(blob[:HEADER_BYTES], auth_id))
    except InvalidTag:
        raise SealedLoginCorruptError(auth_id, key.key_id, "its authentication tag does not match") from None
    try:
        document = json.loads(plaintext.decode("utf-8"))
        secret = decode_secret(json.dumps(document["secret"]).encode("utf-8"))
        return Credential(
            auth_id=auth_id,
            name=str(document["name"]),
            site_domain=str(document["site_domain"]),
            base_url=str(document["base_url"]),
            secret=secret,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, SecretFormatError) as exc:
        # Authentic, so written by a Quaero that seals differently: the reason never quotes the content.
        raise SealedLoginCorruptError(
            auth_id, key.key_id, f"its content is unreadable ({type(exc).__name__})"
        ) from None


def _associated_data(header: bytes, auth_id: str) -> bytes:
    return _AAD_CONTEXT + header + auth_id.encode("utf-8")
