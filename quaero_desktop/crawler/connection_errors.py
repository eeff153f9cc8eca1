"""Why a page could not be loaded, as people say it; the browser's own code stays in brackets.

Keyed by Chromium's network error names (``net::ERR_CONNECTION_REFUSED``); an HTTP client can
map its own exceptions to the same names and get the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quaero_desktop.domain.long_urls import short_url

# Chromium's limit, as a crawl's tab has it: the 20th redirect of one load fails it (net::ERR_TOO_MANY_REDIRECTS).
MAX_REDIRECTS = 20
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
    "ERR_TOO_MANY_REDIRECTS": "too many redirects",
    "ERR_INVALID_REDIRECT": "the site redirects to an address that is not valid",
    "ERR_UNSAFE_REDIRECT": "the site redirects to an address that is not a web page",
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
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")


def network_error_code(message: str) -> str | None:
    """The network error name in a browser message ("ERR_CONNECTION_REFUSED"), if there is one."""
    match = _CODE.search(message)
    return match[1] if match else None


def describe_network_error(code: str, url: str | None = None) -> str:
    """What ``code`` means to a person, with the code (and the URL) kept in brackets for the details."""
    phrase = _PHRASES.get(code) or (_CERTIFICATE if code.startswith("ERR_CERT_") else None)
    detail = f"net::{code}" + (f" at {url}" if url else "")
    return f"{phrase} ({detail})" if phrase else f"the page could not be loaded ({detail})"


def too_many_redirects(urls: Sequence[str]) -> str:
    """Why a load that met MAX_REDIRECTS failed, from the URLs it asked for in order (the first, then
    each redirect's target; each answered with a redirect): a loop when one of them came again
    ("A → B → A"), else a long chain (its first and last URLs). Both paths say it alike.

    A URL asked for twice is not a loop in itself (a site sets a cookie and sends the browser back),
    so it is only named one once the limit is passed."""
    seen: dict[str, int] = {}
    for index, url in enumerate(urls):
        if url in seen:
            cycle = urls[seen[url] : index + 1]
            return "the site redirects in a loop: " + " → ".join(short_url(hop) for hop in cycle)
        seen[url] = index
    ends = f" ({short_url(urls[0])} → … → {short_url(urls[-1])})" if urls else ""
    return f"too many redirects: {len(urls)} without reaching a page{ends}"


def keeps_navigating(urls: Sequence[str]) -> str:
    """Why a page that sends the browser on and on (a meta refresh or a script, each page to the next)
    failed, from the pages it loaded in order: "A → B → A", a repeated page closing its loop."""
    shown = list(urls)
    for index, url in enumerate(urls):
        if url in urls[:index]:
            shown = list(urls[urls.index(url) : index + 1])
            break
    path = " → ".join(short_url(url) for url in shown)
    return f"the page keeps sending the browser on (meta refresh or script): {path}"


def not_a_web_page(location: str) -> str | None:
    """Why a redirect to ``location`` (its Location header) is not followed, when it names an address
    of another kind (mailto:, ftp:, javascript:): the words both paths fail the page with. None for
    an http(s) or a relative address."""
    found = _SCHEME.match(location)
    if found is None or found[1].lower() in ("http", "https"):
        return None
    return f"the site redirects to an address that is not a web page: {short_url(location.strip())}"


def invalid_redirect(location: str) -> str:
    """Why a redirect whose Location is no URL is not followed."""
    return f"the site redirects to an address that is not valid: {short_url(location.strip())}"
