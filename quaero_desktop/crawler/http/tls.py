"""A crawl's TLS context, built ahead on a thread.

Building an HTTP client builds its TLS context, and that loads the CA bundle (``SSL_CERT_FILE``, else
the system's): 30-50 ms at every crawl's start, most of it in OpenSSL, which releases the GIL. A
command about to crawl starts it early (``prepare_tls_context``) so that it overlaps the engine's
imports; the crawl's client then takes it (``take_tls_context``). It is httpx2's own default context,
built by the function the client would call, with the same arguments (``verify=True``,
``trust_env=True``): the same CAs are trusted and every certificate is verified as before.
"""

from __future__ import annotations

import os
import ssl
import threading
from concurrent.futures import Future

import httpx2

# The variables httpx2 reads for the CAs when it trusts the environment: a context built before one of
# them changed is not the one the client would build now.
_CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")
_lock = threading.Lock()
_prepared: tuple[tuple[str | None, ...], Future[ssl.SSLContext]] | None = None


def prepare_tls_context() -> None:
    """Start building a client's TLS context (the one ``trust_env=True`` makes) on a thread; once."""
    global _prepared
    future: Future[ssl.SSLContext] = Future()
    with _lock:
        if _prepared is not None:
            return
        _prepared = (_ca_environment(), future)
    # httpx2 imports httpcore2 to build a context (and the client needs it anyway): imported here, so
    # the thread only builds (two threads importing at once take turns on the GIL and the modules' locks).
    import httpcore2  # noqa: F401

    threading.Thread(target=_build, args=(future,), name="quaero-tls-context", daemon=True).start()


def take_tls_context(*, trust_env: bool) -> ssl.SSLContext | bool:
    """For a client's ``verify``: the prepared context, or True (httpx2 builds it) when none was prepared,
    the client does not trust the environment, or its CA variables changed since.

    A context goes to one client only: each connection sets its ALPN protocols on its client's context."""
    global _prepared
    with _lock:
        prepared, _prepared = _prepared, None
    if prepared is None or not trust_env:
        return True
    environment, future = prepared
    context = future.result()  # a failure is the client's, as when it built the context itself
    return context if environment == _ca_environment() else True


def _build(future: Future[ssl.SSLContext]) -> None:
    try:
        context = httpx2.create_ssl_context(verify=True, trust_env=True)
    except BaseException as exc:  # given to the client that takes it, which raises it
        future.set_exception(exc)
    else:
        future.set_result(context)


def _ca_environment() -> tuple[str | None, ...]:
    return tuple(os.environ.get(name) for name in _CA_VARIABLES)
