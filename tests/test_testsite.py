"""The test site (tests/testsite), checked over plain HTTP: its routes, statuses and types,
redirects, rich and JavaScript pages, logins and sessions, hit counts, unique phrases, the big
pages and a start on a fixed port. The bundled demo server: test_demo_server.py."""

from __future__ import annotations

import errno
import http.client
import socket
import struct
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest

from tests.testsite import TestSite
from tests.testsite_support import crawl, fetch, links

PHRASES = {
    "/": "copper kettle orchestra",
    "/docs/getting-started": "zebra-striped flamingo",
    "/docs/guide": "marzipan lighthouse",
    "/docs/reference": "quartz tortoise almanac",
    "/docs/moved-target": "relocated walrus",
    "/api/js-content.json": "velvet hummingbird",
    "/flaky": "persistent boomerang",
    "/slow?ms=0": "patient glacier",
    "/search?q=kept": "haystack compass",
    "/private/": "lavender vault",
    "/private/report-1": "secret-garden-1",
    "/private/report-2": "secret-garden-2",
    "/private/report-3": "secret-garden-3",
    "/private/admin/settings": "obsidian switchboard",
    "/private/api-forbidden": "tangerine drawbridge",
    "/private/api-unauthorized": "saffron portcullis",
    # JavaScript apps: the phrase is in the script or data that renders it, never in the page's HTML text
    "/app/": "cobalt weathervane",
    "/app/timer": "midnight sundial",
    "/app/raf": "origami heron",
    "/app/chunks/view.js": "drowsy pelican",
    "/app/shadow": "stained mosaic woven tapestry frosted aquarium",
    "/app/frame": "mahogany moulding",
    "/app/frame-inner": "framed nightingale",
    "/app/frame-foreign": "smuggled marmalade",
    "/app/api/route?name=": "quilted meridian",
    "/app/api/route?name=alpha": "alpine marmot",
    "/app/api/route?name=beta": "gilded abacus",
    "/app/api/route?name=gamma": "bashful comet",
    **{
        f"/app/leaf/{name}": f"appleaf-{name}"
        for name in ("timer", "raf", "chunk", "shadow", "declarative", "frame", "hash")
    },
}


@pytest.fixture(scope="module")
def site() -> Iterator[TestSite]:
    with TestSite() as running:
        yield running


def test_home_links_every_behaviour(site: TestSite) -> None:
    status, headers, body = fetch(site.url("/"))
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert '<html lang="en">' in body and "<h1>Test Site Home</h1>" in body and "<title>" in body
    expected = {
        "/docs/getting-started",
        "/docs/guide",
        "/js-page",
        "/redirect-old",
        "/missing",
        "/error-500",
        "/flaky",
        "/slow",
        "/files/manual.pdf",
        "/files/diagram.png",
        "/calendar/2026/01",
        "/account/logout",
        site.other_host_url("/elsewhere"),
        "mailto:team@example.com",
        "tel:+15550100",
        "javascript:void(0)",
        "/docs/guide#section-2",
        "/docs/guide?utm_source=news&utm_medium=email&fbclid=abc",
        "/search?q=kept",
        "docs/reference",
    }
    assert expected <= set(links(body))
    assert urljoin(site.url("/"), "docs/reference") == site.url("/docs/reference")


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/docs/getting-started", 200, "text/html; charset=utf-8"),
        ("/docs/reference", 200, "text/html; charset=utf-8"),
        ("/docs/moved-target", 200, "text/html; charset=utf-8"),
        ("/js-page", 200, "text/html; charset=utf-8"),
        ("/api/js-content.json", 200, "application/json; charset=utf-8"),
        ("/missing", 404, "text/html; charset=utf-8"),
        ("/error-500", 500, "text/html; charset=utf-8"),
        ("/files/manual.pdf", 200, "application/pdf"),
        ("/files/diagram.png", 200, "image/png"),
        ("/calendar/2026/01", 200, "text/html; charset=utf-8"),
        ("/calendar/2026/13", 404, "text/html; charset=utf-8"),
        ("/elsewhere", 404, "text/html; charset=utf-8"),
        ("/whoami", 200, "text/html; charset=utf-8"),
        ("/private/api-forbidden", 403, "text/html; charset=utf-8"),
        ("/private/api-unauthorized", 401, "text/html; charset=utf-8"),
        ("/big/", 404, "text/html; charset=utf-8"),
        ("/app/", 200, "text/html; charset=utf-8"),
        ("/app/chunks/view.js", 200, "text/javascript; charset=utf-8"),
        ("/app/api/route?name=alpha", 200, "application/json; charset=utf-8"),
        ("/app/api/route?name=delta", 404, "application/json; charset=utf-8"),
        ("/app/leaf/hash", 200, "text/html; charset=utf-8"),
        ("/app/leaf/nowhere", 404, "text/html; charset=utf-8"),
    ],
)
def test_route_status_and_type(site: TestSite, path: str, status: int, content_type: str) -> None:
    got, headers, _ = fetch(site.url(path))
    assert (got, headers["Content-Type"], headers["Cache-Control"]) == (status, content_type, "no-store")


def test_redirects(site: TestSite) -> None:
    status, headers, _ = fetch(site.url("/redirect-old"))
    assert (status, headers["Location"]) == (301, "/docs/moved-target")
    status, headers, _ = fetch(site.url("/redirect-chain"))
    assert (status, headers["Location"]) == (302, "/redirect-old")
    status, _, body = fetch(site.url("/redirect-chain"), follow=True)
    assert status == 200 and "relocated walrus" in body


def test_js_page_is_empty_without_javascript(site: TestSite) -> None:
    body = fetch(site.url("/js-page"))[2]
    assert '<main id="app"></main>' in body and "/api/js-content.json" in body
    assert links(body) == [] and "Rendered By JavaScript" not in body and "velvet" not in body
    started = time.monotonic()
    data = fetch(site.url("/api/js-content.json"))[2]
    assert time.monotonic() - started >= 0.14
    assert "Rendered By JavaScript" in data and "/docs/reference" in data


def test_guide_has_rich_content(site: TestSite) -> None:
    body = fetch(site.url("/docs/guide"))[2]
    for fragment in (
        "<table>",
        '<pre><code class="language-python">',
        '<div class="cookie-banner">',
        "<ol>\n<li>Prepare\n<ul>",
        '<meta name="description"',
        f'<link rel="canonical" href="{site.url("/docs/guide")}">',
        '<img src="/files/diagram.png"',
        'id="section-2"',
    ):
        assert fragment in body
    assert {"/docs/getting-started", "/docs/reference", "/"} <= set(links(body))


def test_other_host_name(site: TestSite) -> None:
    site.reset_hits()
    status, _, body = fetch(site.other_host_url("/elsewhere"))
    assert status == 200 and "distant archipelago" in body
    assert {urlsplit(u).netloc for u in links(body)} == {urlsplit(site.base_url).netloc}
    assert site.hits("/elsewhere", host="localhost") == 1 and site.hits("/elsewhere") == 0


def test_search_keeps_and_escapes_query(site: TestSite) -> None:
    assert "You searched for: kept" in fetch(site.url("/search?q=kept"))[2]
    assert "No query given." in fetch(site.url("/search"))[2]
    assert "You searched for: &lt;b&gt;" in fetch(site.url("/search?q=%3Cb%3E"))[2]


def test_calendar_is_endless(site: TestSite) -> None:
    assert {"/calendar/2025/12", "/calendar/2026/02"} <= set(links(fetch(site.url("/calendar/2026/01"))[2]))
    assert {"/calendar/1999/12", "/calendar/2000/02"} <= set(links(fetch(site.url("/calendar/2000/01"))[2]))


def test_flaky_fails_twice_then_works(site: TestSite) -> None:
    site.reset_hits()
    assert fetch(site.url("/flaky"), method="HEAD")[0] == 503  # HEAD peeks, does not count
    assert [fetch(site.url("/flaky"))[0] for _ in range(4)] == [503, 503, 200, 200]
    site.reset_hits()
    assert fetch(site.url("/flaky"))[0] == 503


def test_slow_waits(site: TestSite) -> None:
    started = time.monotonic()
    status, _, body = fetch(site.url("/slow?ms=300"))
    assert status == 200 and "after 300 ms" in body
    assert 0.3 <= time.monotonic() - started < 2.5  # not the default 2.5 s (a loaded machine may add a lot)
    # The default wait (2.5 s) is not waited for here, to keep the quick loop quick: the crawl
    # tests load /slow itself.


def test_files_are_valid(site: TestSite) -> None:
    pdf = urllib.request.urlopen(site.url("/files/manual.pdf")).read()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref_at = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[xref_at:].startswith(b"xref")
    png = urllib.request.urlopen(site.url("/files/diagram.png")).read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    offset, kinds = 8, []
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, data = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + data)
        kinds.append(kind)
        offset += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


def test_login_session_and_logout(site: TestSite) -> None:
    status, headers, _ = fetch(site.url("/private/report-2"))
    assert (status, headers["Location"]) == (302, "/login?next=/private/report-2")
    form = fetch(site.url("/login?next=/private/report-2"))[2]
    for field in ('name="username"', 'name="password"', 'name="next" value="/private/report-2"', ">Sign in<"):
        assert field in form
    for bad in ({"username": "alice", "password": "wrong"}, {"username": "", "password": "correct horse"}):
        status, headers, body = fetch(site.url("/login"), method="POST", form=bad)
        assert (status, headers["Set-Cookie"]) == (200, None) and "Invalid username or password" in body
    good = {"username": "alice", "password": "correct horse", "next": "/private/report-2"}
    status, headers, _ = fetch(site.url("/login"), method="POST", form=good)
    assert (status, headers["Location"]) == (303, "/private/report-2")
    name_value, *attributes = headers["Set-Cookie"].split("; ")
    assert attributes == ["Path=/", "HttpOnly", "SameSite=Lax"]
    cookie = name_value.removeprefix(f"{TestSite.SESSION_COOKIE}=")
    status, _, body = fetch(site.url("/private/report-2"), cookie=cookie)
    assert status == 200 and "<h1>Private Report 2</h1>" in body and "secret-garden-2" in body
    assert "Signed in as alice" in fetch(site.url("/whoami"), cookie=cookie)[2]
    index_links = set(links(fetch(site.url("/private/"), cookie=cookie)[2]))
    expected = {"/private/report-1", "/private/report-3", "/private/admin/settings", "/account/logout"}
    assert expected <= index_links
    assert fetch(site.url("/private/report-4"), cookie=cookie)[0] == 404
    assert fetch(site.url("/account/logout"), method="HEAD", cookie=cookie)[0] == 302  # keeps the session
    status, headers, _ = fetch(site.url("/account/logout"), cookie=cookie)
    assert (status, headers["Location"]) == (302, "/") and "Max-Age=0" in headers["Set-Cookie"]
    assert fetch(site.url("/private/report-2"), cookie=cookie)[0] == 302
    assert "Not signed in" in fetch(site.url("/whoami"), cookie=cookie)[2]


def test_login_redirects_only_to_local_paths(site: TestSite) -> None:
    for target in ("https://evil.example/", "//evil.example/"):
        form = {"username": "alice", "password": "correct horse", "next": target}
        assert fetch(site.url("/login"), method="POST", form=form)[1]["Location"] == "/private/"


def test_created_session_opens_private_api(site: TestSite) -> None:
    cookie = site.create_session("bob")
    assert fetch(site.url("/private/api-forbidden"), cookie=cookie)[0] == 200
    status, _, body = fetch(site.url("/private/api-unauthorized"), cookie=cookie)
    assert status == 200 and "Signed in as bob" in body


def test_hits_count_gets_per_path_and_host(site: TestSite) -> None:
    site.reset_hits()
    fetch(site.url("/docs/guide?utm_source=x"))
    fetch(site.url("/docs/guide"))
    fetch(site.url("/docs/guide"), method="HEAD")
    fetch(site.other_host_url("/docs/guide"))
    assert site.hits("/docs/guide") == 2 and site.hits("/docs/guide", host="localhost") == 1
    assert site.hit_paths() == {"/docs/guide": 2}
    site.reset_hits()
    assert site.hit_paths() == {}


def test_http_details(site: TestSite) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    connection.request("GET", "/docs/reference")
    first = connection.getresponse()
    first.read()
    sock = connection.sock
    connection.request("HEAD", "/docs/reference")
    head = connection.getresponse()
    assert head.read() == b"" and head.getheader("Content-Length") == first.getheader("Content-Length")
    assert connection.sock is sock and head.getheader("Connection") == "keep-alive"
    connection.close()
    status, headers, _ = fetch(site.url("/docs/guide"), method="POST", form={})
    assert (status, headers["Allow"]) == (405, "GET, HEAD")


def test_phrases_are_unique(site: TestSite) -> None:
    site.reset_hits()
    for _ in range(2):
        fetch(site.url("/flaky"))
    cookie = site.create_session()
    texts = {path: fetch(site.url(path), cookie=cookie)[2].lower() for path in PHRASES}
    texts["/elsewhere"] = fetch(site.other_host_url("/elsewhere"))[2].lower()
    for extra in (
        "/js-page",
        "/login",
        "/whoami",
        "/missing",
        "/error-500",
        "/calendar/2026/01",
        "/app/hash/",
        "/app/never",
    ):
        texts[extra] = fetch(site.url(extra))[2].lower()
    with TestSite(big_pages=3) as big:
        texts.update({url: fetch(url)[2].lower() for url in big.big_urls()})
    for path, phrase in PHRASES.items():
        for word in phrase.split():
            assert [page for page, text in texts.items() if word in text] == [path], (path, word)


def test_big_site_has_exactly_the_documented_urls() -> None:
    with TestSite(big_pages=60) as big:
        expected = big.big_urls()
        assert len(expected) == 1 + 3 + 60 and len(set(expected)) == len(expected)
        found = crawl(big.url("/big/"), big.url("/big/"))
        assert set(found) == set(expected) and {status for status, _ in found.values()} == {200}
        assert max(depth for _, depth in found.values()) == 2
        _status, _, body = fetch(big.url("/big/s3/p10"))
        assert "<h1>Big Page 3-10</h1>" in body and "bigtoken-3-10" in body and len(body) > 2000
        assert set(links(body)) == {"/big/s3/p9", "/big/s3/", "/big/"}  # the last leaf has no "next"
        assert [fetch(big.url(p))[0] for p in ("/big/s3/p11", "/big/s4/", "/big/s0/")] == [404] * 3


def _start_on_a_free_port() -> tuple[TestSite, int]:
    """A TestSite on a port chosen here; another process may take a probed port before the site
    binds it, so probe again then (a start that fails for any other reason still fails the test)."""
    for attempt in range(5):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            return TestSite(port=port).start(), port
        except OSError as error:
            if error.errno != errno.EADDRINUSE or attempt == 4:
                raise
    raise AssertionError("unreachable")


def test_fixed_port_start_and_stop() -> None:
    fixed, port = _start_on_a_free_port()
    assert fixed.base_url == f"http://127.0.0.1:{port}" and fetch(fixed.url("/"))[0] == 200
    fixed.stop()
    fixed.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
