"""The MCP server by the spec (issue 21, item 4), through the SDK's client and the MCP Inspector's CLI.

resources/list pages through every document newest first; reads answer the spec's error codes
with plain messages; tools refuse out-of-range numbers with the range (their schema has it too),
and every error points at a tool, never at a command line command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from quaero_desktop.domain.document import PageContent
from quaero_desktop.mcp_server.server import build_server
from quaero_desktop.store import documents_repo
from tests.conftest import ROOT, child_env

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
INSPECTOR = "@modelcontextprotocol/inspector@0.15.0"  # the newest that runs on Node 20 (Debian's); shows error codes
INSPECTOR_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "quaero-tests" / "mcp-inspector"
CLI_COMMANDS = ("documents list", "jobs list", "definitions list", "see:", "quaero-desktop")


def _store_documents(app, count: int) -> list[int]:
    """``count`` documents, each changed a minute after the one before; their ids, oldest first."""
    ids = []
    with app.database.write() as conn:
        for n in range(count):
            document_id, _ = documents_repo.upsert(
                conn,
                PageContent(
                    url=f"https://wiki.example.com/p{n}", title=f"Page {n}", markdown=f"page {n}", content_hash=str(n)
                ),
                job_id=None,
                definition_id="wiki",
                now=NOW + timedelta(minutes=n),
            )
            ids.append(document_id)
    return ids


async def _all_listed(client: Client) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        listed = await client.list_resources(cursor=cursor)
        pages.append([str(resource.uri) for resource in listed.resources])
        cursor = listed.next_cursor
        if cursor is None:
            return pages


def test_resources_list_pages_through_every_document_newest_first(app):
    ids = _store_documents(app, 120)

    async def scenario() -> tuple[list[list[str]], list[list[str]], int]:
        async with Client(build_server(app)) as client:
            before = await _all_listed(client)
            with app.database.write() as conn:  # the oldest page changes: it is the newest now
                documents_repo.upsert(
                    conn,
                    PageContent(
                        url="https://wiki.example.com/p0", title="Page 0", markdown="new text", content_hash="x"
                    ),
                    job_id=None,
                    definition_id="wiki",
                    now=NOW + timedelta(days=1),
                )
            after = await _all_listed(client)
            with pytest.raises(MCPError) as refused:
                await client.list_resources(cursor="not-a-cursor")
            return before, after, refused.value.error.code

    before, after, bad_cursor_code = anyio.run(scenario)
    newest_first = [f"quaero://documents/{document_id}" for document_id in reversed(ids)]
    assert [len(page) for page in before] == [50, 50, 20]
    assert [uri for page in before for uri in page] == newest_first
    everything_after = [uri for page in after for uri in page]
    assert everything_after[0] == f"quaero://documents/{ids[0]}" and len(everything_after) == 120
    assert bad_cursor_code == -32602  # invalid params, as the spec says for an invalid cursor


@pytest.mark.parametrize(("mode", "not_found_code"), [("legacy", -32002), ("auto", -32602)])
def test_reading_a_missing_or_malformed_resource_answers_the_spec_codes(app, mode, not_found_code):
    """-32002 for a client that negotiated 2025-11-25 or earlier; -32602 from 2026-07-28 (SEP-2164)."""
    (document_id,) = _store_documents(app, 1)

    async def read(client: Client, uri: str) -> tuple[int, str]:
        with pytest.raises(MCPError) as refused:
            await client.read_resource(uri)
        return refused.value.error.code, refused.value.error.message

    async def scenario() -> dict[str, tuple[int, str]]:
        async with Client(build_server(app), mode=mode) as client:
            assert "page 0" in (await client.read_resource(f"quaero://documents/{document_id}")).contents[0].text
            return {
                "missing": await read(client, "quaero://documents/999"),
                "malformed": await read(client, "quaero://documents/abc"),
                "too large": await read(client, "quaero://documents/99999999999999999999"),
            }

    answers = anyio.run(scenario)
    assert answers["missing"] == (
        not_found_code,
        "no document quaero://documents/999: search finds documents and their ids",
    )
    for code, message in (answers["malformed"], answers["too large"]):
        assert code == -32602 and "is not a document: the id is a whole number from 1" in message
        assert "int()" not in message and "literal" not in message  # no Python in it


def test_tools_state_their_bounds_refuse_numbers_out_of_them_and_name_tools_not_commands(app):
    _store_documents(app, 1)
    app.settings = replace(app.settings, mcp_allow_crawl=True)

    async def call(client: Client, tool: str, **arguments) -> str:
        result = await client.call_tool(tool, arguments)
        assert result.is_error, (tool, arguments)
        return "".join(block.text for block in result.content if block.type == "text")

    async def scenario() -> tuple[dict, dict[str, str]]:
        async with Client(build_server(app)) as client:
            schemas = {tool.name: tool.input_schema for tool in (await client.list_tools()).tools}
            errors = {
                "limit 0": await call(client, "search", query="page", limit=0),
                "limit 10000": await call(client, "search", query="page", limit=10000),
                "limit abc": await call(client, "search", query="page", limit="abc"),
                "page 0": await call(client, "read_document", id=1, page=0),
                "huge id": await call(client, "read_document", id=99999999999999999999),
                "no document": await call(client, "read_document", id=999),
                "no url": await call(client, "read_document", url="https://nowhere.example.com/"),
                "no job": await call(client, "crawl_status", job_id="nope"),
                "no source": await call(client, "search", query="page", source="nope"),
                "no definition": await call(client, "start_crawl", source="nope"),
            }
            return schemas, errors

    schemas, errors = anyio.run(scenario)
    limit = schemas["search"]["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"], limit["type"]) == (1, 50, "integer")
    assert schemas["read_document"]["properties"]["page"]["minimum"] == 1
    assert errors["limit 0"] == "search: limit must be a whole number from 1 to 50 (got 0)"
    assert errors["limit 10000"] == "search: limit must be a whole number from 1 to 50 (got 10000)"
    assert errors["limit abc"] == "search: limit must be a whole number from 1 to 50 (got 'abc')"
    assert "page must be a whole number from 1" in errors["page 0"]
    assert "id must be a whole number from 1 to 9223372036854775807" in errors["huge id"]
    assert errors["no document"].endswith("no document with id 999; search finds documents and their ids")
    assert errors["no job"].endswith("; crawl_status without a job_id lists the recent crawls")
    assert errors["no source"].endswith("; list_sources names them")
    assert errors["no definition"].endswith("; list_sources names them")
    assert not [(case, text) for case, text in errors.items() for command in CLI_COMMANDS if command in text]


def _inspector() -> Path:
    """The MCP Inspector's CLI, installed once into a cache folder (about 10 s, 150 MB)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("the MCP Inspector needs Node.js and npm, which this machine lacks")
    binary = INSPECTOR_DIR / "node_modules" / ".bin" / "mcp-inspector"
    if not binary.exists():
        installed = subprocess.run(
            [npm, "install", "--prefix", str(INSPECTOR_DIR), "--no-audit", "--no-fund", INSPECTOR],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if installed.returncode != 0:
            pytest.skip(f"npm could not install {INSPECTOR}: {installed.stderr.strip()[-300:]}")
    return binary


def test_the_mcp_inspector_cli_sees_the_spec(app, data_dir):
    inspector = _inspector()
    ids = _store_documents(app, 60)

    def inspect(*arguments: str) -> subprocess.CompletedProcess[str]:
        server = [sys.executable, "-m", "quaero_desktop", "mcp", "--data-dir", str(data_dir)]
        return subprocess.run(
            [str(inspector), "--cli", *server, *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env=child_env(),
        )

    listed = inspect("--method", "resources/list")
    assert listed.returncode == 0, listed.stderr
    first_page = json.loads(listed.stdout)
    assert [resource["uri"] for resource in first_page["resources"]] == [
        f"quaero://documents/{document_id}" for document_id in reversed(ids[-50:])
    ]
    assert first_page["nextCursor"]

    missing = inspect("--method", "resources/read", "--uri", "quaero://documents/999")
    assert missing.returncode == 1
    assert "MCP error -32002: no document quaero://documents/999: search finds documents" in missing.stderr
    malformed = inspect("--method", "resources/read", "--uri", "quaero://documents/abc")
    assert "MCP error -32602: quaero://documents/abc is not a document" in malformed.stderr

    tools = json.loads(inspect("--method", "tools/list").stdout)["tools"]
    limit = next(tool for tool in tools if tool["name"] == "search")["inputSchema"]["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, 50)
    too_many = inspect("--method", "tools/call", "--tool-name", "search", "--tool-arg", "query=page", "limit=10000")
    answer = json.loads(too_many.stdout)
    assert answer["isError"] is True
    assert answer["content"][0]["text"] == "search: limit must be a whole number from 1 to 50 (got 10000)"
