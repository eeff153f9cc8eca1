"""Commands that do not crawl start quickly: they import no Playwright, Qt, Alembic, MCP SDK, HTTP client or
trafilatura (issue 20, item 4). Each command runs in a fresh process under ``python -X importtime``; a
failure names the chain of imports that brought the library in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.guards import FORBIDDEN_ENV

# Each costs tens to hundreds of milliseconds at import; none is needed to read or list the store
# (http.server: only the demo command serves pages; multiprocessing: only a crawl starts the processes
# that convert its pages, crawler/conversion_pool.py; keyring: only a saved login's secret is read from
# it; SQLAlchemy's PostgreSQL dialect: only a team store needs it).
FORBIDDEN = (
    "keyring",
    "sqlalchemy.dialects.postgresql",
    "playwright",
    "PySide6",
    "alembic",
    "psycopg",
    "mcp",
    "httpx2",
    "trafilatura",
    "http.server",
    "multiprocessing",
)


def import_chains(report: str, forbidden: tuple[str, ...] = FORBIDDEN) -> list[str]:
    """For each forbidden library (a package, or a dotted module and its submodules) a ``-X importtime``
    report names, the chain that imported it first.

    The report lists an import when it ends, after the imports it caused, each indented two spaces per
    level: a module's importer is the next line one level shallower."""
    entries: list[tuple[int, str]] = []
    for line in report.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1]
            stripped = name.lstrip(" ")
            entries.append(((len(name) - len(stripped) - 1) // 2, stripped.strip()))
    chains: dict[str, str] = {}
    for index, (depth, name) in enumerate(entries):
        top = next((library for library in forbidden if name == library or name.startswith(library + ".")), None)
        if top is None or top in chains:
            continue
        chain, wanted = [name], depth - 1
        for later_depth, later_name in entries[index + 1 :]:
            if wanted < 0:
                break
            if later_depth == wanted:
                chain.append(later_name)
                wanted -= 1
        chains[top] = " <- ".join(chain)
    return [f"{top}: {chain}" for top, chain in chains.items()]


def test_import_chains_reads_the_report() -> None:
    report = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:        10 |         10 |       playwright._impl",
            "import time:        10 |         20 |     playwright",
            "import time:        10 |         30 |   quaero_desktop.crawler.browser.service",
            "import time:        10 |         10 |   quaero_desktop.paths",
            "import time:        10 |         50 | quaero_desktop.app",
        ]
    )
    assert import_chains(report) == [
        "playwright: playwright._impl <- playwright <- quaero_desktop.crawler.browser.service <- quaero_desktop.app"
    ]


def run_cli(*args: str, cwd: Path) -> str:
    """Run the command line in a fresh process under ``-X importtime``; its report (stderr)."""
    # Without the child guard (tests/child_guard): it imports Playwright to stop a browser's launch, and a
    # process that never imports Playwright launches none.
    env = {**{k: v for k, v in os.environ.items() if k != FORBIDDEN_ENV}, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "quaero_desktop", *args],
        cwd=cwd,  # not the checkout's root, which -m would put first on sys.path: PYTHONPATH names it
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


# The services a command uses load with its first use (app.py): a listing of jobs or definitions loads
# no documents' or search code.
NO_DOCUMENTS = ("quaero_desktop.services.documents", "quaero_desktop.store.search_facets")


@pytest.mark.parametrize(
    ("command", "also_not_needed"),
    [
        pytest.param(command, also, id=" ".join(command))
        for command, also in (
            (("jobs", "list", "--json"), NO_DOCUMENTS),
            (("documents", "list", "--json"), ()),
            (("documents", "search", "anything", "--json"), ()),
            (("definitions", "list", "--json"), NO_DOCUMENTS),
        )
    ],
)
def test_a_command_that_does_not_crawl_imports_no_heavy_library(
    command: tuple[str, ...], also_not_needed: tuple[str, ...], tmp_path: Path
) -> None:
    data_dir = str(tmp_path / "data")
    run_cli("--data-dir", data_dir, *command, cwd=tmp_path)  # creates the store (Alembic loads to migrate)
    # Nor the run command's code (its progress view, the engine's events): each command's handler loads
    # what only it needs.
    # cssselect: only a definition that names a selector checks it. Team crawls: only a team store's.
    # Where the browser is: only a crawl or `browser` asks (every command asks whether it runs packaged).
    not_needed = (
        *FORBIDDEN,
        "quaero_desktop.cli.run_command",
        "cssselect",
        "quaero_desktop.services.team_crawls",
        "quaero_desktop.crawler.browser.discovery",
        *also_not_needed,
    )
    assert import_chains(run_cli("--data-dir", data_dir, *command, cwd=tmp_path), not_needed) == []


@pytest.mark.parametrize("command", [("--version",), ("--help",)], ids=" ".join)
def test_version_and_help_import_not_even_the_store(command: tuple[str, ...], tmp_path: Path) -> None:
    # The parser is built from every command's module: those load their handlers' libraries in the
    # handlers, so not asyncio (a worker's loop, Playwright's driver), a definition's or the settings' code.
    not_needed = (*FORBIDDEN, "sqlalchemy", "asyncio", "quaero_desktop.settings", "quaero_desktop.domain.definition")
    assert import_chains(run_cli(*command, cwd=tmp_path), not_needed) == []


def test_a_crawl_over_http_imports_no_playwright(site, tmp_path: Path) -> None:
    # render = "http": the engine starts and crawls without a browser, so Playwright never loads. A
    # re-crawl (the store current: no Alembic) loads no more than the crawl needs: without a login or a
    # proxy not the OS keyring, on the local store not PostgreSQL's dialect, with no schedule no croniter.
    definition = tmp_path / "http.toml"
    definition.write_text(
        f'id = "http-only"\nname = "HTTP only"\nstart_urls = ["{site.url("/big/s1/")}"]\n'
        'include_patterns = ["/big/s1/"]\nmax_pages = 5\nrender = "http"\n',
        encoding="utf-8",
    )
    command = ("--data-dir", str(tmp_path / "data"), "run", str(definition), "--json")
    assert import_chains(run_cli(*command, cwd=tmp_path), ("playwright", "PySide6", "mcp")) == []
    # Nor what only a browser uses (psutil: the renderers' memory guard), nor the Markdown writer: pages
    # convert in the conversion workers (crawler/conversion_pool.py), not in the crawl's process.
    not_needed = (
        *("playwright", "PySide6", "mcp", "alembic", "keyring", "sqlalchemy.dialects.postgresql", "croniter"),
        *("psutil", "html_to_markdown", "quaero_desktop.crawler.markdown", "quaero_desktop.crawler.cookie_sync"),
        "cssselect",  # a definition without selectors (content rules, login markers) compiles none
    )
    assert import_chains(run_cli(*command, cwd=tmp_path), not_needed) == []
