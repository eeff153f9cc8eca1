"""The MCP server through the SDK's own client: in memory, and once over a real stdio subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest
from mcp import Client

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.document import PageContent
from quaero_desktop.mcp_server.client_config import client_config
from quaero_desktop.mcp_server.server import build_server
from quaero_desktop.store import documents_repo, jobs_repo
from tests.conftest import ROOT, child_env

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRETS = ("hunter2-password", "tok-5ecret-value", "cookie-s3cr3t")
LONG_PARAGRAPH = "The keeper's log records the lamp, the weather and every ship. " * 40


def _store(app) -> dict[str, int]:
    """Two definitions (one with a password in a start URL), documents, and a failed job quoting a cookie."""
    wiki = JobDefinition.from_mapping(
        {"id": "wiki", "name": "Team wiki", "start_urls": ["https://admin:hunter2-password@wiki.example.com/"]}, "test"
    )
    app.definitions.save(wiki)
    app.definitions.save(
        JobDefinition.from_mapping({"id": "docs", "name": "Docs", "start_urls": ["https://docs.example.com/"]}, "test")
    )
    ids = {}
    with app.database.write() as conn:
        jobs_repo.create_parent(
            conn,
            job_id="job-wiki-1",
            name="Team wiki",
            definition_id="wiki",
            config={},
            metadata={"job_definition_id": "wiki", "auth_id": "wiki-login"},
            owner_pid=1,
            now=NOW,
        )
        jobs_repo.finish_parent(
            conn, "job-wiki-1", "failed", error="login refused; Cookie: session=cookie-s3cr3t", now=NOW
        )
        pages = [
            ("https://wiki.example.com/fog", "Fog signals", "# Fog signals\n\nA fog horn sounds in fog.", "wiki"),
            (
                "https://wiki.example.com/log?token=tok-5ecret-value",
                "Keeper's log",
                "# Keeper's log\n\n" + "\n\n".join([LONG_PARAGRAPH] * 12),
                "wiki",
            ),
            ("https://docs.example.com/fog", "Fog in the docs", "# Fog in the docs\n\nFog, documented.", "docs"),
        ]
        for n, (url, title, markdown, source) in enumerate(pages):
            ids[title], _ = documents_repo.upsert(
                conn,
                PageContent(url=url, title=title, markdown=markdown, content_hash=str(n)),
                job_id="job-wiki-1" if source == "wiki" else None,
                definition_id=source,
                now=NOW + timedelta(minutes=n),
            )
    return ids


async def _call(client: Client, tool: str, **arguments):
    result = await client.call_tool(tool, arguments)
    text = "".join(block.text for block in result.content if block.type == "text")
    return result, text


def test_tools_answer_what_an_assistant_needs_and_never_a_credential(app):
    ids = _store(app)
    answers: list[str] = []

    async def scenario() -> None:
        async with Client(build_server(app)) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert tools == {"search", "read_document", "list_sources", "crawl_status"}  # no start_crawl: off

            result, text = await _call(client, "search", query="fog")
            answers.append(text)
            hits = result.structured_content["results"]
            assert hits[0]["title"] == "Fog signals"  # the title match first
            assert set(hits[0]) == {"id", "title", "url", "snippet", "crawled", "source", "sources", "gone", "aliases"}
            assert "**fog**" in hits[0]["snippet"].lower() and hits[0]["crawled"] == "2026-11-22T12:00:00+00:00"
            result, text = await _call(client, "search", query="fog", source="docs")
            assert [hit["url"] for hit in result.structured_content["results"]] == ["https://docs.example.com/fog"]
            result, text = await _call(client, "search", query="fog", site="wiki.example.com", limit=1)
            assert [hit["source"] for hit in result.structured_content["results"]] == ["wiki"]
            result, text = await _call(client, "search", query="fog", source="nope")
            assert result.is_error and "no source 'nope'" in text
            result, text = await _call(client, "search", query="fog " + "signal " * 4000)  # a pasted page: cut, said
            assert result.structured_content["results"] and "only its first" in result.structured_content["note"]
            assert "note" not in (await _call(client, "search", query="fog"))[0].structured_content

            result, text = await _call(client, "search", query="keeper's log")
            answers.append(text)
            (log_hit,) = result.structured_content["results"]
            assert log_hit["url"] == "https://wiki.example.com/log?token=***"

            # A long document comes in pages; each says which, and how to get the next.
            log_id = ids["Keeper's log"]
            result, first = await _call(client, "read_document", id=log_id)
            answers.append(first)
            assert "page: 1 of 2" in first and f"next: read_document(id={log_id}, page=2)" in first
            assert first.startswith("---\nid: ") and 'title: "Keeper\'s log"' in first
            result, second = await _call(client, "read_document", id=log_id, page=2)
            assert "page: 2 of 2" in second and "next:" not in second
            body = first.split("---\n", 2)[2] + second.split("---\n", 2)[2]
            assert body == "# Keeper's log\n\n" + "\n\n".join([LONG_PARAGRAPH] * 12)
            result, text = await _call(client, "read_document", id=log_id, page=3)
            assert result.is_error and "has 2 page(s)" in text
            result, text = await _call(client, "read_document", url="https://WIKI.example.com/fog")
            assert "# Fog signals" in text
            result, text = await _call(client, "read_document", id=999)
            assert result.is_error and "no document with id 999" in text

            result, text = await _call(client, "list_sources")
            answers.append(text)
            sources = {source["id"]: source for source in result.structured_content["sources"]}
            assert sources["wiki"]["documents"] == 2 and sources["docs"]["documents"] == 1
            assert sources["wiki"]["start_urls"] == ["https://wiki.example.com/"]
            assert sources["wiki"]["last_job"]["status"] == "failed"
            assert sources["wiki"]["newest_crawl"] == "2026-11-22T12:01:00+00:00"

            result, text = await _call(client, "crawl_status", job_id="job-wiki")
            answers.append(text)
            (job,) = result.structured_content["jobs"]
            assert job["job_id"] == "job-wiki-1" and job["error"] == "login refused; Cookie: •••"

            templates = (await client.list_resource_templates()).resource_templates
            assert [template.uri_template for template in templates] == ["quaero://documents/{id}"]
            listed = (await client.list_resources()).resources
            assert len(listed) == 3 and str(listed[0].uri).startswith("quaero://documents/")
            read = await client.read_resource(f"quaero://documents/{ids['Fog signals']}")
            answers.append(read.contents[0].text)
            assert "# Fog signals" in read.contents[0].text

            # A page that answered 404/410 at its last crawl: kept and readable, marked gone, out of searches.
            with app.database.write() as conn:
                documents_repo.mark_gone(conn, ids["Fog in the docs"], NOW)
            result, text = await _call(client, "search", query="fog", source="docs")
            assert result.structured_content["results"] == []
            result, text = await _call(client, "read_document", id=ids["Fog in the docs"])
            assert "\ngone: true" in text and "Fog, documented." in text

    anyio.run(scenario)
    everything = "\n".join(answers)
    assert not [secret for secret in SECRETS if secret in everything]
    assert "wiki-login" not in everything  # not even the login's name


def test_start_crawl_is_a_tool_only_when_the_setting_allows_it(app):
    _store(app)
    app.settings = replace(app.settings, mcp_allow_crawl=True)

    async def scenario() -> list[str]:
        async with Client(build_server(app)) as client:
            names = [tool.name for tool in (await client.list_tools()).tools]
            result, text = await _call(client, "start_crawl", source="nope")
            assert result.is_error and "no stored definition with id 'nope'" in text
            return names

    assert "start_crawl" in anyio.run(scenario)


# A writer in another process, as a crawl in the window or the command line: it rewrites one
# document over and over with a body of one repeated word, and adds documents.
_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from quaero_desktop.domain.document import PageContent
    from quaero_desktop.store import documents_repo, open_database
    database = open_database(Path(sys.argv[1]))
    print("ready", flush=True)
    for n in range(150):
        word = ("alpha", "omega")[n % 2]
        with database.write() as conn:
            documents_repo.upsert(conn, PageContent(url="https://w.example/busy", title="Busy page",
                markdown=f"# Busy page\\n\\n" + " ".join([word] * 3000), content_hash=str(n)),
                job_id=None, definition_id="w", now=datetime.now(UTC))
            documents_repo.upsert(conn, PageContent(url=f"https://w.example/new/{n}", title=f"New {n}",
                markdown=f"fresh page {n}", content_hash="x"), job_id=None, definition_id="w", now=datetime.now(UTC))
    """
)


def test_reads_stay_whole_while_another_process_writes(app, data_dir):
    with app.database.write() as conn:
        documents_repo.upsert(
            conn,
            PageContent(
                url="https://w.example/busy", title="Busy page", markdown="# Busy page\n\nalpha", content_hash="0"
            ),
            job_id=None,
            definition_id="w",
            now=NOW,
        )
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(data_dir)], cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, text=True
    )
    seen_bodies: set[str] = set()
    counts: list[int] = []

    async def scenario() -> None:
        async with Client(build_server(app)) as client:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            finished = False
            while not finished:  # one whole round after the writer ended: the last search sees every write
                finished = writer.poll() is not None
                result, text = await _call(client, "read_document", url="https://w.example/busy")
                assert not result.is_error, text
                words = set(text.split("---\n", 2)[2].replace("# Busy page", "").split())
                assert len(words) == 1, words  # one write or the other, never a mix
                seen_bodies.update(words)
                result, text = await _call(client, "search", query="fresh page", limit=50)
                assert not result.is_error, text
                counts.append(len(result.structured_content["results"]))

    try:
        anyio.run(scenario)
    finally:
        writer.kill() if writer.poll() is None else None
        writer.wait(30)
    assert writer.returncode == 0
    assert counts == sorted(counts) and counts[-1] == 50  # the index only grows: no read saw a half-written batch
    assert len(seen_bodies) >= 1


def test_the_printed_config_starts_a_server_that_speaks_only_protocol_on_stdout(app, data_dir):
    """What Claude Desktop does: start the configured command and talk JSON-RPC on its stdin/stdout."""
    _store(app)
    printed = subprocess.run(
        [sys.executable, "-m", "quaero_desktop", "mcp", "--print-config", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=child_env(),
    )
    assert printed.returncode == 0, printed.stderr
    entry = json.loads(printed.stdout)["mcpServers"]["quaero-desktop"]
    assert Path(entry["command"]).is_absolute() and entry["args"][-3:] == ["mcp", "--data-dir", str(data_dir)]
    assert client_config(data_dir, "vscode")["servers"]["quaero-desktop"] == {"type": "stdio", **entry}

    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "test", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "search", "arguments": {"query": "fog horn"}},
        },
    ]
    server = subprocess.Popen(
        [entry["command"], "-v", *entry["args"]],  # -v: log details (to stderr)
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )
    try:
        assert server.stdin is not None and server.stdout is not None
        answers = {}
        for message in messages:  # one at a time, as a client does: each answer before the next request
            server.stdin.write(json.dumps(message) + "\n")
            server.stdin.flush()
            if "id" in message:
                line = server.stdout.readline()
                answers[message["id"]] = json.loads(line)  # a line that is not JSON-RPC fails here
        out, err = server.communicate(timeout=60)  # stdin closed: the server ends
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert [line for line in out.splitlines() if line.strip()] == []  # nothing but the answers on stdout
    assert answers[1]["result"]["serverInfo"]["name"] == "quaero-desktop"
    assert sorted(tool["name"] for tool in answers[2]["result"]["tools"]) == [
        "crawl_status",
        "list_sources",
        "read_document",
        "search",
    ]
    hits = answers[3]["result"]["structuredContent"]["results"]
    assert hits[0]["title"] == "Fog signals" and "**horn**" in hits[0]["snippet"]
    assert "MCP server on stdio" in err  # logs go to stderr


@pytest.mark.browser
def test_an_allowed_assistant_starts_one_crawl_of_a_source_at_a_time(app, fresh_site):
    from tests.conftest import make_definition
    from tests.waiting import until

    app.settings = replace(app.settings, mcp_allow_crawl=True)
    app.definitions.save(make_definition([fresh_site.url("/slow?ms=3000")], max_depth=0))

    async def scenario() -> dict:
        async with Client(build_server(app)) as client:
            result, text = await _call(client, "start_crawl", source="test-crawl")
            assert not result.is_error, text
            job = result.structured_content
            assert job["source"] == "test-crawl" and job["started_by"] == "assistant"
            again, text = await _call(client, "start_crawl", source="test-crawl")  # the page takes 3 s
            assert again.is_error and f"being crawled already (job {job['job_id']})" in text
            await until(lambda: app.jobs.get(job["job_id"]).status.is_terminal, timeout=120, what="the crawl")
            result, _text = await _call(client, "crawl_status", job_id=job["job_id"])
            return result.structured_content["jobs"][0]

    status = anyio.run(scenario)
    assert status["status"] == "completed" and status["documents"] == 1 and status["pages"]["completed"] == 1
