"""The Linux package as a user gets it: build it, install it with dpkg, use only the installed
program (command line, crawl, search, browser download, window), check it with lintian and the
freedesktop validators, remove it and find the user's data still there.

``bash packaging/build-linux.sh`` builds the frozen app and the .deb (with light xz compression:
the same package, built faster). Installing needs root, as CI has; elsewhere those tests are
skipped with the reason. The tests share the build and the installation and run in file order:
the last one removes the package.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from quaero_desktop import __version__
from quaero_desktop.crawler.browser import discovery as browser_discovery
from tests.browser_download_host import DownloadHost
from tests.conftest import ROOT, write_definition
from tests.test_gui_lifecycle import display  # noqa: F401 (a fixture: a private Xvfb screen)
from tests.waiting import wait_until

PACKAGE = "quaero-desktop"
COMMAND = Path("/usr/bin/quaero-desktop")
BUNDLE = Path("/usr/lib/quaero-desktop")
PROGRAM = BUNDLE / "quaero-desktop"
DESKTOP_FILE = Path("/usr/share/applications/quaero-desktop.desktop")
METAINFO = Path("/usr/share/metainfo/io.github.quaero.QuaeroDesktop.metainfo.xml")
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.browser,  # the installed program crawls with Chromium
    pytest.mark.gui,  # and opens its window
    pytest.mark.timeout(1800),  # the first test waits for the build
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None,
        reason="the .deb is built and installed on Debian/Ubuntu only",
    ),
]

DEFINITION = """
id = "docs"
name = "Test site docs"
start_urls = ["{start}"]
include_patterns = ["/docs/"]
max_depth = 1
concurrency = 3
"""


# ----- building, installing, running -----


def _run(*args: str | Path, timeout: float = 600, **options) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **options)


def _dpkg(*args: str) -> subprocess.CompletedProcess[str]:
    """dpkg, waiting while another package manager holds its lock (a developer's machine)."""
    results: list[subprocess.CompletedProcess[str]] = []

    def done() -> bool:
        results.append(_run("dpkg", *args))
        return "lock" not in results[-1].stderr

    wait_until(done, 300, "dpkg's lock")
    assert results[-1].returncode == 0, results[-1].stdout + results[-1].stderr
    return results[-1]


def _is_installed() -> bool:
    status = _run("dpkg-query", "-W", "-f=${Status}", PACKAGE)
    return status.returncode == 0 and "install ok installed" in status.stdout


def _user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: their own home, data and cache; no test or Python settings."""
    dropped = ("PYTHON", "QUAERO_TESTS_", "PLAYWRIGHT_", "QUAERO_DATA_DIR", "QUAERO_BROWSER")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.update(extra)
    return env


def _installed(*args: str, home: Path, timeout: float = 180, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user types it."""
    return _run(COMMAND, *args, timeout=timeout, env=_user_env(home, **env), cwd=home)


def _unfrozen(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The same command from this checkout (not frozen), in the same environment."""
    return _run(sys.executable, "-m", "quaero_desktop", *args, env=_user_env(home, **env), cwd=ROOT)


def _window_titles(display_name: str) -> str:
    return _run("xwininfo", "-root", "-tree", "-display", display_name, timeout=30).stdout


@pytest.fixture(scope="module")
def deb() -> Path:
    """The package, built now; QUAERO_TEST_DEB=dist/quaero-desktop_….deb reuses one (while iterating)."""
    if reuse := os.environ.get("QUAERO_TEST_DEB"):
        return Path(reuse).resolve()
    started = _run(
        "bash",
        "packaging/build-linux.sh",
        timeout=1500,
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable, "DEB_XZ_LEVEL": "0"},
    )
    assert started.returncode == 0, started.stderr[-5000:]
    built = sorted((ROOT / "dist").glob(f"{PACKAGE}_{__version__}_*.deb"))
    assert len(built) == 1, built
    return built[0]


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("installing the .deb with dpkg needs root (CI runs as root)")
    _dpkg("-i", str(deb))
    yield COMMAND
    if _is_installed():  # a test failed before the one that removes the package
        _dpkg("-r", PACKAGE)


@pytest.fixture(scope="module")
def alice(tmp_path_factory) -> Path:
    """The home of a user who crawls with the installed program; her data must outlive it."""
    return tmp_path_factory.mktemp("alice")


@pytest.fixture
def bob(tmp_path) -> Path:
    """Another user, with a home of his own (and an empty browser cache)."""
    home = tmp_path / "bob"
    home.mkdir()
    return home


# ----- the checks, in the order a user meets them -----


def test_the_package_installs_the_command_the_menu_entry_and_the_icons(deb, installed):
    assert COMMAND.resolve() == PROGRAM
    version = _run(COMMAND, "--version")
    assert (version.returncode, version.stdout.strip(), version.stderr) == (0, f"quaero-desktop {__version__}", "")
    for size in ICON_SIZES:
        assert Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/quaero-desktop.png").is_file(), size
    assert Path("/usr/share/icons/hicolor/scalable/apps/quaero-desktop.svg").is_file()
    assert DESKTOP_FILE.is_file() and METAINFO.is_file()
    assert Path("/usr/share/man/man1/quaero-desktop.1.gz").is_file()
    assert Path("/usr/share/doc/quaero-desktop/copyright").is_file()
    depends = _run("dpkg-deb", "-f", deb, "Depends").stdout
    assert "chromium | google-chrome-stable | microsoft-edge-stable" in depends and "libxcb1" in depends
    assert (BUNDLE / "_internal" / "playwright" / "driver" / "node").is_file()  # Playwright's driver
    assert (BUNDLE / "_internal" / "quaero_desktop" / "store" / "migrations" / "env.py").is_file()
    assert (BUNDLE / "_internal" / "quaero_desktop" / "demo" / "site" / "index.html").is_file()


def test_lintian_finds_no_error_and_the_desktop_metadata_validates(deb, tmp_path):
    lintian = _run("lintian", "--tag-display-limit", "0", deb, timeout=900)
    errors = [line for line in lintian.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], lintian.stdout
    unpacked = tmp_path / "root"
    unpacked.mkdir()
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    wanted = ("./usr/share/applications", "./usr/share/metainfo")
    _run("tar", "-x", "-C", unpacked, *wanted, stdin=tar.stdout)
    assert tar.wait(60) == 0
    desktop = _run("desktop-file-validate", unpacked / DESKTOP_FILE.relative_to("/"))
    assert (desktop.returncode, desktop.stdout + desktop.stderr) == (0, "")
    appstream = _run("appstreamcli", "validate", "--no-net", unpacked / METAINFO.relative_to("/"))
    assert appstream.returncode == 0, appstream.stdout + appstream.stderr


def test_the_installed_program_crawls_the_site_and_finds_a_word(installed, alice, fresh_site):
    definition = write_definition(alice / "docs.toml", DEFINITION.format(start=fresh_site.url("/docs/guide")))
    crawled = _installed("run", str(definition), "--json", home=alice)
    assert crawled.returncode == 0, crawled.stderr
    summary = json.loads(crawled.stdout)
    assert (summary["status"], summary["documents"], summary["pages_failed"]) == ("completed", 3, 0)

    listed = json.loads(_installed("documents", "list", "--json", home=alice).stdout)
    assert len(listed) == 3 and {d["job_id"] for d in listed} == {summary["job_id"]}
    found = _installed("documents", "search", "marzipan lighthouse", "--json", home=alice)
    assert found.returncode == 0, found.stderr
    assert [hit["url"] for hit in json.loads(found.stdout)] == [fresh_site.url("/docs/guide")]
    assert (alice / ".local" / "share" / "quaero-desktop" / "quaero.db").is_file()  # the default data directory


def test_the_installed_program_answers_an_ai_assistant(installed, alice):
    """The snippet the user pastes into their assistant starts the installed program, which answers over stdio."""
    printed = _installed("mcp", "--print-config", home=alice)
    assert printed.returncode == 0, printed.stderr
    entry = json.loads(printed.stdout)["mcpServers"]["quaero-desktop"]
    assert entry["command"] == str(COMMAND)  # the command on PATH: it stays valid across upgrades
    server = subprocess.Popen(
        [entry["command"], *entry["args"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_user_env(alice),
        cwd=alice,
    )
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}
    search = {"name": "search", "arguments": {"query": "marzipan lighthouse"}}
    try:
        assert server.stdin is not None and server.stdout is not None
        answers = {}
        for message in (
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": search},
        ):
            server.stdin.write(json.dumps(message) + "\n")
            server.stdin.flush()
            if "id" in message:
                answers[message["id"]] = json.loads(server.stdout.readline())
        _, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    hits = answers[2]["result"]["structuredContent"]["results"]
    assert [hit["title"] for hit in hits][:1] and "marzipan" in hits[0]["snippet"].lower()


@pytest.mark.keyring
def test_the_installed_program_saves_a_login_in_the_keyring(installed, bob):
    cookies = ROOT / "tests" / "fixtures" / "cookies" / "cookies.txt"
    saved = _installed("auth", "import", "packaged-login", str(cookies), "--name", "Packaged", home=bob)
    assert saved.returncode == 0, saved.stderr
    try:
        logins = json.loads(_installed("auth", "list", "--json", home=bob).stdout)
        assert [login["auth_id"] for login in logins] == ["packaged-login"]
    finally:
        assert _installed("auth", "delete", "packaged-login", home=bob).returncode == 0


def test_the_installed_program_finds_and_installs_browsers_where_the_unfrozen_one_does(installed, bob):
    frozen_choice = _installed("find-browser", "--json", home=bob)
    assert frozen_choice.returncode == 0, frozen_choice.stderr
    assert json.loads(frozen_choice.stdout) == json.loads(_unfrozen("find-browser", "--json", home=bob).stdout)

    cache = bob / ".cache" / "ms-playwright"  # Playwright's default for this user, not the bundle
    with DownloadHost() as host:
        downloaded = _installed("install-browser", home=bob, timeout=300, PLAYWRIGHT_DOWNLOAD_HOST=host.url)
    assert downloaded.returncode == 0, downloaded.stderr
    assert "Downloading Chrome for Testing" in downloaded.stderr and "% of" in downloaded.stderr
    assert f"Chromium is installed in {cache}" in downloaded.stderr
    frozen_choice = json.loads(_installed("find-browser", "--json", home=bob).stdout)
    assert frozen_choice["source"] == "Playwright's Chromium" and frozen_choice["path"].startswith(f"{cache}/")
    assert frozen_choice == json.loads(_unfrozen("find-browser", "--json", home=bob).stdout)


def _without_browsers(command: list[str], empty_path: Path) -> list[str]:
    """``command`` in a mount namespace where every browser of this machine is hidden (needs root)."""
    browsers = [*browser_discovery._known_install_paths(), *browser_discovery.installed_headless_shells()]
    hidden = [path for path in dict.fromkeys(browsers) if os.path.exists(path)]
    script = 'for p in "$@"; do [ "$p" = -- ] && break; mount --bind /dev/null "$p"; shift; done; shift; '
    script += f'PATH={empty_path} exec "$@"'
    return ["unshare", "--mount", "/bin/sh", "-c", script, "sh", *hidden, "--", *command]


def test_without_a_browser_the_installed_program_says_how_to_get_one(installed, bob, tmp_path, display):  # noqa: F811
    if _run("unshare", "--mount", "true").returncode != 0:
        pytest.skip("hiding the system's browsers needs a private mount namespace (unshare --mount)")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    # render = "browser": a crawl that must render (auto reads static pages without one, and says so
    # only for the pages that need it).
    text = DEFINITION.format(start="http://127.0.0.1:9/") + 'render = "browser"\n'
    definition = write_definition(tmp_path / "docs.toml", text)
    refused = _run(*_without_browsers([str(PROGRAM), "run", str(definition)], empty), env=_user_env(bob))
    assert refused.returncode == 1, refused.stderr
    assert "no Chromium-based browser found (tried:" in refused.stderr
    assert "quaero-desktop install-browser" in refused.stderr and "Traceback" not in refused.stderr

    window = subprocess.Popen(
        _without_browsers([str(PROGRAM)], empty),
        env=_user_env(bob, QT_QPA_PLATFORM="xcb", DISPLAY=display),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: "Quaero Desktop needs a browser" in _window_titles(display), 90, "the download offer")
        if shutil.which("import"):
            _run("import", "-display", display, "-window", "root", tmp_path / "offer.png", timeout=60)
    finally:
        window.send_signal(signal.SIGTERM)
        _out, err = window.communicate(timeout=60)
    assert (window.returncode, err) == (0, "")


def test_the_installed_window_opens_and_quits_without_a_word(installed, alice, display):  # noqa: F811
    window = subprocess.Popen(
        [str(COMMAND)],
        env=_user_env(alice, QT_QPA_PLATFORM="xcb", DISPLAY=display),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=alice,
    )
    try:
        wait_until(lambda: '"Quaero Desktop"' in _window_titles(display), 90, "the window")
        lock = alice / ".local" / "share" / "quaero-desktop" / "window.lock"
        wait_until(lock.exists, 30, "the window to hold its data directory")
        if shutil.which("import"):
            _run("import", "-display", display, "-window", "root", alice / "window.png", timeout=60)
    finally:
        window.send_signal(signal.SIGTERM)  # what a logout sends
        out, err = window.communicate(timeout=60)
    assert (window.returncode, out, err) == (0, "", "")


def test_removing_the_package_keeps_the_users_data(installed, alice):
    _dpkg("-r", PACKAGE)
    assert not _is_installed()
    assert not COMMAND.exists() and not BUNDLE.exists() and not DESKTOP_FILE.exists()
    database = alice / ".local" / "share" / "quaero-desktop" / "quaero.db"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert connection.execute("SELECT COUNT(*) FROM documents").fetchone() == (3,)
    finally:
        connection.close()
