"""Nothing secret leaves the store (issue 21, item 3): a crawl whose start URL and links carry
``?token=…&api_key=…&sessionid=…`` stores them as crawled, and every way out — the MCP tools and
resources, the exports, the command line — gives the links with those values masked, still there.

The pages are the test site's /secret-links/ (tests/testsite/secret_links.py), crawled over HTTP.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import anyio
import pytest
from mcp import Client

from quaero_desktop.cli.main import main
from quaero_desktop.domain.job import JobStatus
from quaero_desktop.domain.secret_urls import mask_snippet, mask_url_text
from quaero_desktop.mcp_server.server import build_server
from quaero_desktop.services.export_formats import JSONL_NAME, MANIFEST_NAME
from tests.conftest import crawl, make_definition
from tests.testsite.secret_links import MASKED_QUERY, NEXT_PATH, PHRASE, SECRET_MARK, START_PATH

MASKED_NEXT_LINK = f"/secret-links/next?{MASKED_QUERY}&page=2)"  # the link to the next page, its target's end
MASKED_FEED = r"https://feeds.example.com/harbour?token=***&api\_key=***&sessionid=***"  # Markdown escapes _


@pytest.fixture
def crawled(app, fresh_site) -> dict[str, object]:
    """The /secret-links/ pages crawled over HTTP: the job and the stored start page."""
    definition = make_definition([fresh_site.url(START_PATH)], include_patterns=["/secret-links/"], render="http")
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    start = app.documents.get_by_url(fresh_site.url(START_PATH))
    assert SECRET_MARK in start.url and SECRET_MARK in start.markdown  # stored as crawled
    assert app.documents.get_by_url(fresh_site.url(NEXT_PATH)).title == "Secret links, next"
    return {"job": job, "start": start, "site": fresh_site}


def _cli(app, *args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--data-dir", str(app.data_dir), *args]) == 0
    return out.getvalue()


async def _tool_text(client: Client, tool: str, **arguments) -> tuple[object, str]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result
    return result, "".join(block.text for block in result.content if block.type == "text")


def test_mcp_read_document_gives_the_body_and_its_links_masked(app, crawled):
    start = crawled["start"]

    async def scenario() -> list[str]:
        async with Client(build_server(app)) as client:
            _, by_id = await _tool_text(client, "read_document", id=start.id)
            _, by_url = await _tool_text(client, "read_document", url=start.url)  # the stored URL, secrets and all
            return [by_id, by_url]

    for text in anyio.run(scenario):
        assert SECRET_MARK not in text
        assert f'url: "{crawled["site"].url("/secret-links/")}?{MASKED_QUERY}"' in text  # front matter
        assert f"[the next page]({crawled['site'].base_url}{MASKED_NEXT_LINK}" in text  # the link, still there
        assert "[the third page](" in text and "access_token=***&apikey=***&page=3)" in text
        assert f"paste {MASKED_FEED} into your reader" in text  # a bare URL in the text
        assert "ptarmigan lantern page links on" in text  # the rest as it was


def test_mcp_resources_read_and_list_give_nothing_secret(app, crawled):
    start = crawled["start"]

    async def scenario() -> tuple[str, str]:
        async with Client(build_server(app)) as client:
            read = await client.read_resource(f"quaero://documents/{start.id}")
            listed = (await client.list_resources()).resources
            return read.contents[0].text, json.dumps([resource.model_dump(mode="json") for resource in listed])

    text, listing = anyio.run(scenario)
    assert SECRET_MARK not in text and SECRET_MARK not in listing
    assert MASKED_NEXT_LINK in text and MASKED_FEED in text
    assert MASKED_QUERY in listing


def test_mcp_search_gives_urls_and_snippets_masked(app, crawled):
    async def scenario() -> list[dict[str, object]]:
        async with Client(build_server(app)) as client:
            hits = []
            # The phrase; the words beside the bare URL; the secret's own word (highlighted inside the URL).
            for query in (PHRASE, "reader feed paste", SECRET_MARK, "token"):
                result, _ = await _tool_text(client, "search", query=query)
                hits += result.structured_content["results"]
            return hits

    hits = anyio.run(scenario)
    assert hits and SECRET_MARK not in json.dumps(hits)
    assert any("token=***" in hit["snippet"] for hit in hits)  # the URL in a snippet: there, masked
    assert any(hit["url"].endswith(f"?{MASKED_QUERY}") for hit in hits)


def test_markdown_export_masks_bodies_front_matter_names_and_manifest(app, crawled, tmp_path):
    vault = tmp_path / "vault"
    result = app.documents.export(vault)
    assert result.exported == 2
    written = sorted(path for path in vault.rglob("*") if path.is_file())
    assert vault / MANIFEST_NAME in written
    for path in written:
        assert SECRET_MARK not in str(path.relative_to(vault))
        assert SECRET_MARK not in path.read_text(encoding="utf-8"), path
    texts = {path.relative_to(vault).as_posix(): path.read_text(encoding="utf-8") for path in written}
    (text,) = [text for text in texts.values() if "\n# Secret links\n" in text]
    assert f'url: "{crawled["site"].url("/secret-links/")}?{MASKED_QUERY}"' in text
    # A link between exported documents leads to the file (named from the masked URL: no secret in it).
    assert re.search(r"\[the next page\]\(next--[\w-]+\.md\)", text)
    assert MASKED_FEED in text  # a link out of the vault: there, masked


def test_jsonl_export_masks_every_text_field(app, crawled, tmp_path):
    app.documents.export(tmp_path, fmt="jsonl")
    lines = (tmp_path / JSONL_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and SECRET_MARK not in "\n".join(lines)
    records = {record["title"]: record for record in map(json.loads, lines)}
    start = records["Secret links"]
    assert start["url"].endswith(f"?{MASKED_QUERY}")
    assert MASKED_NEXT_LINK in start["markdown"] and MASKED_FEED in start["markdown"]


def test_cli_documents_show_search_and_list_print_nothing_secret(app, crawled):
    start = crawled["start"]
    shown = _cli(app, "documents", "show", str(start.id), "--json")
    assert SECRET_MARK not in shown
    document = json.loads(shown)
    assert document["url"].endswith(f"?{MASKED_QUERY}") and MASKED_NEXT_LINK in document["markdown"]
    markdown = _cli(app, "documents", "show", start.url)  # the stored URL, as the user may paste it
    assert SECRET_MARK not in markdown and MASKED_NEXT_LINK in markdown and MASKED_FEED in markdown
    for query in (PHRASE, SECRET_MARK, "token"):
        found = _cli(app, "documents", "search", query, "--json")
        assert SECRET_MARK not in found and json.loads(found)
        assert SECRET_MARK not in _cli(app, "documents", "search", query)
    assert "token=***" in _cli(app, "documents", "search", "reader feed paste", "--json")
    listed = _cli(app, "documents", "list", "--json")
    assert SECRET_MARK not in listed and MASKED_QUERY in listed
    assert SECRET_MARK not in _cli(app, "documents", "list")


def test_cli_jobs_show_prints_pages_config_and_log_without_secrets(app, crawled):
    job = crawled["job"]
    shown = _cli(app, "jobs", "show", job.id, "--json")
    assert SECRET_MARK not in shown
    details = json.loads(shown)
    assert all(SECRET_MARK not in url for url in details["config"]["start_urls"])
    children = [child["url"] for child in details["children"]]
    assert len(children) == 3 and all("token=***&api" in url for url in children)  # the pages, masked
    assert SECRET_MARK not in _cli(app, "jobs", "show", job.id) and SECRET_MARK not in _cli(app, "jobs", "list")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("[a](https://h.example/p?token=abc&page=2#top)", "[a](https://h.example/p?token=***&page=2#top)"),
        ("<https://h.example/?sessionid=abc>", "<https://h.example/?sessionid=***>"),
        ("[rel](/p?access_token=abc 'title')", "[rel](/p?access_token=*** 'title')"),
        ('<a href="/p?code=abc&author=bob">', '<a href="/p?code=***&author=bob">'),
        ("https://u:pw@h.example/p;jsessionid=abc?x=1", "https://u:***@h.example/p;jsessionid=***?x=1"),
        ("https://h.example/?next=/login?token=abc&a=b", "https://h.example/?next=/login?token=***&a=b"),
        ("**https://h.example/?key=abc**", "**https://h.example/?key=*****"),
        (
            "X-Amz-Signature=abc https://s3.example/o?X-Amz-Signature=abc",
            "X-Amz-Signature=abc https://s3.example/o?X-Amz-Signature=***",
        ),
        ("plain text: set token=abc or ?token=abc, no URL", "plain text: set token=abc or ?token=abc, no URL"),
        ("https://h.example/search?q=token&page=2&keyword=x", "https://h.example/search?q=token&page=2&keyword=x"),
    ],
)
def test_token_like_values_are_masked_in_urls_and_nowhere_else(text, masked):
    assert mask_url_text(text) == masked


def test_a_snippet_is_masked_around_its_marks():
    assert mask_snippet("…/log?**token**=tok-**secret** then", ("**", "**")) == "…/log?**token**=*** then"
    assert mask_snippet("see [https]://h/?api_key=[k1]-x here", ("[", "]")) == "see [https]://h/?api_key=*** here"
