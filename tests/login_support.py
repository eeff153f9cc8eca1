"""Cookie exports of a test-site session, in the formats people import (tests of logins)."""

from __future__ import annotations

import json
import time

from quaero_desktop.domain.credential import Cookie, Credential, CredentialSecret

COOKIE = "testsite_session"


def site_login(session: str) -> Credential:
    """The test site's login as a stored credential: its session cookie for ``session``."""
    cookie = Cookie(COOKIE, session, "127.0.0.1", http_only=True, same_site="Lax")
    return Credential("site-login", "Test site", "127.0.0.1", "http://127.0.0.1/", CredentialSecret(cookies=(cookie,)))


def cookie_editor(value: str) -> str:
    return json.dumps(
        [
            {
                "domain": "127.0.0.1",
                "hostOnly": True,
                "httpOnly": True,
                "name": COOKIE,
                "path": "/",
                "sameSite": "lax",
                "secure": False,
                "session": True,
                "storeId": "0",
                "value": value,
            },
            {
                "domain": "127.0.0.1",
                "hostOnly": True,
                "name": "theme",
                "path": "/",
                "sameSite": "unspecified",
                "session": False,
                "expirationDate": time.time() + 86400,
                "value": "dark",
            },
        ]
    )


def netscape_cookies(value: str) -> str:
    return f"# Netscape HTTP Cookie File\n#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\t{COOKIE}\t{value}\n"
