"""Why a page could not be loaded, as people say it; the browser's own code stays in brackets.

Keyed by Chromium's network error names (``net::ERR_CONNECTION_REFUSED``); an HTTP client can
map its own exceptions to the same names and get the same words.
"""

from __future__ import annotations

import re

_PHRASES = {
    "ERR_CONNECTION_REFUSED": "the site refused the connection — is it running?",
    "ERR_NAME_NOT_RESOLVED": "the site's name could not be found — is the address right (and the network up)?",
    "ERR_NAME_RESOLUTION_FAILED": "the site's name could not be looked up — is the network up?",
    "ERR_INTERNET_DISCONNECTED": "this computer is not connected to the internet",
    "ERR_ADDRESS_UNREACHABLE": "the site's address cannot be reached from this network",
    "ERR_NETWORK_CHANGED": "the network changed while the page loaded",
    "ERR_CONNECTION_TIMED_OUT": "the site did not answer in time",
    "ERR_TIMED_OUT": "the site did not answer in time",
    "ERR_CONNECTION_RESET": "the connection was cut off (reset by the site or the network)",
    "ERR_CONNECTION_CLOSED": "the site closed the connection",
    "ERR_EMPTY_RESPONSE": "the site closed the connection without answering",
    "ERR_TOO_MANY_REDIRECTS": "the site redirects in a loop",
    "ERR_PROXY_CONNECTION_FAILED": "the proxy refused the connection — is it running, and is its address right?",
    "ERR_TUNNEL_CONNECTION_FAILED": "the proxy could not reach the site",
    "ERR_PROXY_AUTH_UNSUPPORTED": "the proxy asks for a kind of login the browser does not support",
    "ERR_PROXY_CERTIFICATE_INVALID": "the proxy's certificate is not valid",
    "ERR_SOCKS_CONNECTION_FAILED": "the SOCKS proxy could not reach the site",
    "ERR_SSL_PROTOCOL_ERROR": "the secure connection failed (the site's HTTPS is broken or it is not HTTPS)",
    "ERR_SSL_VERSION_OR_CIPHER_MISMATCH": "the site's HTTPS settings are too old for the browser",
    "ERR_BAD_SSL_CLIENT_AUTH_CERT": "the site asks for a client certificate",
    "ERR_UNSAFE_PORT": "the browser refuses to connect to this port",
    "ERR_BLOCKED_BY_CLIENT": "the browser blocked the request",
    "ERR_BLOCKED_BY_RESPONSE": "the site does not allow this page to be loaded this way",
    "ERR_INVALID_RESPONSE": "the site sent an answer the browser could not read",
    "ERR_HTTP2_PROTOCOL_ERROR": "the connection broke off (HTTP/2 error)",
    "ERR_ABORTED": "loading the page was stopped",
}
_CERTIFICATE = "the site's certificate is not trusted (expired, self-signed or for another name)"
_CODE = re.compile(r"net::(ERR_[A-Z0-9_]+)")


def network_error_code(message: str) -> str | None:
    """The network error name in a browser message ("ERR_CONNECTION_REFUSED"), if there is one."""
    match = _CODE.search(message)
    return match[1] if match else None


def describe_network_error(code: str, url: str | None = None) -> str:
    """What ``code`` means to a person, with the code (and the URL) kept in brackets for the details."""
    phrase = _PHRASES.get(code) or (_CERTIFICATE if code.startswith("ERR_CERT_") else None)
    detail = f"net::{code}" + (f" at {url}" if url else "")
    return f"{phrase} ({detail})" if phrase else f"the page could not be loaded ({detail})"
