"""A crawl's TLS context built ahead (crawler/http/tls.py) trusts what the client's own would, and verifies
every certificate: a self-signed site fails, and passes only when the environment names its certificate."""

from __future__ import annotations

import asyncio
import datetime
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from quaero_desktop.crawler.http.client import HttpClientOptions, build_http_client
from quaero_desktop.crawler.http.tls import prepare_tls_context, take_tls_context
from quaero_desktop.crawler.request_options import NO_PROXY, RequestOptions


@pytest.fixture(autouse=True)
def nothing_prepared_after() -> Iterator[None]:
    yield
    take_tls_context(trust_env=False)  # a test's prepared context is no other test's


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "site.pem", directory / "site.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<p>hello</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert_file, key_file = self_signed(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_address[1]}/", cert_file
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> int:
    async def get() -> int:
        async with build_http_client(HttpClientOptions(http2=False)) as client:
            return (await client.get(url)).status_code

    return asyncio.run(get())


def test_a_self_signed_site_fails_with_a_prepared_context(https_site: tuple[str, Path]) -> None:
    url, _cert = https_site
    prepare_tls_context()
    with pytest.raises(httpx2.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(url)


def test_the_prepared_context_trusts_the_certificate_the_environment_names(
    https_site: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = https_site
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    prepare_tls_context()
    assert fetch(url) == 200


def test_a_context_prepared_before_the_environment_changed_is_not_used(
    https_site: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = https_site
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    prepare_tls_context()  # trusts the site...
    monkeypatch.delenv("SSL_CERT_FILE")  # ...but the client built now would not
    with pytest.raises(httpx2.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(url)


def test_a_prepared_context_goes_to_one_client_that_trusts_the_environment() -> None:
    prepare_tls_context()
    first = take_tls_context(trust_env=True)
    assert isinstance(first, ssl.SSLContext)
    assert first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname
    assert take_tls_context(trust_env=True) is True  # the next client builds its own
    prepare_tls_context()
    assert take_tls_context(trust_env=False) is True  # "none"/a proxy URL: httpx2 builds it without the environment


def test_a_client_without_the_environment_builds_its_own() -> None:
    prepare_tls_context()
    client = build_http_client(HttpClientOptions(requests=RequestOptions(proxy=NO_PROXY)))
    assert take_tls_context(trust_env=True) is True  # the client took (and set aside) the prepared one
    asyncio.run(client.aclose())
