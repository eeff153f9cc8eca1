"""The bundled demo server (quaero_desktop.demo), checked over plain HTTP: it crawls cleanly, answers
missing files, refuses path traversal and symlinks out of its root; and the example definitions."""

from __future__ import annotations

import http.client
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from quaero_desktop.demo import DEFAULT_DEMO_PORT
from quaero_desktop.demo.server import DemoServer, example_definition_toml, resolve_site_path
from tests.testsite_support import crawl, fetch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer(port=0) as running:
        yield running


def test_demo_site_crawls_cleanly(demo: DemoServer) -> None:
    found = crawl(demo.base_url + "/", demo.base_url + "/")
    failed = {url for url, (status, _) in found.items() if status != 200}
    assert failed == {demo.base_url + "/maintenance/radio-log.html"}
    assert len(found) == 14 and max(depth for _, depth in found.values()) == 3
    status, headers, body = fetch(demo.base_url + "/assets/style.css")
    assert (status, headers["Content-Type"]) == (200, "text/css; charset=utf-8") and "http" not in body


def test_demo_missing_files_and_directories(demo: DemoServer) -> None:
    status, headers, body = fetch(demo.base_url + "/no-such-page.html")
    assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8") and "Page Not Found" in body
    assert fetch(demo.base_url + "/assets/")[0] == 404  # no directory listing
    status, headers, _ = fetch(demo.base_url + "/daily")
    assert (status, headers["Location"]) == (301, "/daily/")


@pytest.mark.parametrize(
    "raw_path",
    [
        "/../../../pyproject.toml",
        "/../server.py",
        "/%2e%2e/server.py",
        "/%2E%2E%2Fserver.py",
        "/..%2fserver.py",
        "/daily/%2e%2e/%2e%2e/server.py",
        "/..%5cserver.py",
        "//etc/passwd",
        "/index.html%00.txt",
    ],
)
def test_demo_refuses_path_traversal(demo: DemoServer, raw_path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=5)
    connection.request("GET", raw_path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404 and b"DemoServer" not in body and b"[project]" not in body


def test_resolve_site_path_rejects_symlinks_out_of_root(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "ok.txt").write_text("ok")
    assert resolve_site_path(root, "/link.txt") is None
    assert resolve_site_path(root, "/ok.txt") == (root / "ok.txt").resolve()


def test_example_definitions() -> None:
    examples = ROOT / "resources" / "examples"
    shipped = tomllib.loads((examples / "demo-site.toml").read_text(encoding="utf-8"))
    assert tomllib.loads(example_definition_toml(f"http://127.0.0.1:{DEFAULT_DEMO_PORT}")) == shipped
    assert shipped["start_urls"] == ["http://127.0.0.1:8765/"] and shipped["max_depth"] == 3
    other = tomllib.loads(example_definition_toml("http://127.0.0.1:9000/"))
    assert other == {**shipped, "start_urls": ["http://127.0.0.1:9000/"]}
    wiki = tomllib.loads((examples / "team-wiki.toml").read_text(encoding="utf-8"))
    assert (wiki["id"], wiki["auth_id"]) == ("team-wiki", "wiki-sso")
    assert wiki["exclude_patterns"] == ["logout", "/admin"]
