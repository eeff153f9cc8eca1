"""``quaero-desktop mcp``: the knowledge base for AI assistants, over the Model Context Protocol.

Tools: ``search``, ``read_document``, ``list_sources``, ``crawl_status`` and, only when the
setting ``mcp_allow_crawl`` is on, ``start_crawl``. Every document is also a resource,
``quaero://documents/{id}``. The tools are plain functions: the SDK runs them in worker threads,
and each opens its own read transaction, so a crawl writing in the window, the command line or
this process never blocks them (WAL) and they always see whole pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import Resource as MCPResource

from quaero_desktop import __version__
from quaero_desktop.app import App
from quaero_desktop.crawler.urls import normalise_url
from quaero_desktop.domain.document import Document, DocumentFilter
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.search_syntax import SYNTAX_HELP, normalise_site
from quaero_desktop.mcp_server import answers
from quaero_desktop.mcp_server.crawl_tool import start_crawl_for

log = logging.getLogger(__name__)
T = TypeVar("T")

SERVER_NAME = "quaero-desktop"
MAX_RESULTS = 50
LISTED_RESOURCES = 50  # resources/list names the most recently changed documents; every id can be read
MARK = ("**", "**")  # matched words in snippets, as Markdown bold

INSTRUCTIONS = (
    "Quaero Desktop is the user's local knowledge base of crawled web pages (often internal sites behind a "
    "login). Use search to find pages, then read_document to read one (long documents come in pages). "
    "list_sources shows what was crawled and how fresh it is; crawl_status shows crawls. "
    f"Search syntax: {SYNTAX_HELP}."
)


class QuaeroMCPServer(MCPServer[Any]):
    """An MCPServer whose resources/list names recent documents (each is also a template resource)."""

    def __init__(self, app: App) -> None:
        super().__init__(SERVER_NAME, version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
        self.app = app

    async def list_resources(self) -> list[MCPResource]:
        listed = await super().list_resources()
        recent = await _in_thread(lambda: self.app.documents.list(limit=LISTED_RESOURCES, offset=0, where=None))
        return listed + [
            MCPResource(
                uri=f"quaero://documents/{summary.id}",
                name=summary.title or summary.url,
                description=answers.safe_url(summary.url),
                mime_type="text/markdown",
            )
            for summary in sorted(recent, key=lambda s: s.updated_at, reverse=True)
        ]


async def _in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


def build_server(app: App) -> QuaeroMCPServer:
    server = QuaeroMCPServer(app)
    documents = app.documents

    @server.tool(
        title="Search the knowledge base",
        description=(
            "Full-text search over the crawled pages, best matches first (whole words before prefixes, titles "
            "before text). Returns id, title, url, snippet (matched words in **bold**), crawled time, source (the "
            "last crawl's) and sources (every definition that crawled it) for each hit. "
            f"Syntax: {SYNTAX_HELP}. source: a definition id from list_sources; site: a host name."
        ),
    )
    def search(query: str, limit: int = 10, source: str | None = None, site: str | None = None) -> dict[str, object]:
        where = DocumentFilter(
            sources=(_known_source(app, source),) if source else (),
            sites=(_site(site),) if site else (),
        )
        try:
            hits = documents.search(query, limit=max(1, min(limit, MAX_RESULTS)), mark=MARK, where=where)
        except QuaeroError as exc:
            raise ToolError(str(exc)) from None
        return {"query": query, "results": [answers.search_hit(hit) for hit in hits]}

    @server.tool(
        title="Read a document",
        description=(
            "A crawled page as Markdown, with its title, URL (and aliases: other URLs that showed the same text), "
            "source and crawl time in front. Give its id (from search) or its url, or one of its aliases. Long "
            f"documents come in pages of about {answers.PAGE_CHARS:,} characters: the "
            "front matter says 'page N of M' and how to ask for the next one."
        ),
    )
    def read_document(id: int | None = None, url: str | None = None, page: int = 1) -> str:
        document = _document(app, id, url)
        try:
            return answers.document_text(document, page)
        except ValueError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(
        title="List the sources",
        description=(
            "The crawl definitions (sources) with their start URLs, schedule, document counts, the newest and "
            "oldest crawl of their documents, and their last crawl job."
        ),
    )
    def list_sources() -> dict[str, object]:
        return {"sources": [answers.source_overview(source) for source in app.sources.list()]}

    @server.tool(
        title="Crawl status",
        description=(
            "One crawl job's status and page counts (job_id, or a unique start of it); without a job_id, the "
            "crawls running now and the five most recent."
        ),
    )
    def crawl_status(job_id: str | None = None) -> dict[str, object]:
        try:
            if job_id:
                return {"jobs": [answers.job_status(app.jobs.get(job_id))]}
            recent = app.jobs.list(limit=5)
            running = app.jobs.list(statuses=("pending", "running"))
            jobs = {job.id: job for job in [*running, *recent]}
        except QuaeroError as exc:
            raise ToolError(str(exc)) from None
        return {"jobs": [answers.job_status(job) for job in jobs.values()]}

    if app.settings.mcp_allow_crawl:

        @server.tool(
            title="Start a crawl",
            description=(
                "Start crawling a source (a stored definition id from list_sources) now; returns the job id to "
                "follow with crawl_status. Refused while that source is already being crawled. The crawl runs in "
                "this server's process: it stops, resumable, when the assistant closes the connection."
            ),
        )
        def start_crawl(source: str) -> dict[str, object]:
            try:
                return answers.job_status(start_crawl_for(app, source))
            except QuaeroError as exc:
                raise ToolError(str(exc)) from None

    @server.resource(
        "quaero://documents/{id}",
        name="document",
        title="A crawled document",
        description="A crawled page as Markdown with its metadata in front (the whole document).",
        mime_type="text/markdown",
    )
    def document_resource(id: str) -> str:
        try:
            document = documents.get(int(id))
        except (ValueError, QuaeroError) as exc:
            raise ResourceError(f"no document quaero://documents/{id}: {exc}") from None
        return answers.document_text(document, 1, page_chars=max(len(document.markdown), 1))

    return server


def _document(app: App, document_id: int | None, url: str | None) -> Document:
    if (document_id is None) == (url is None):
        raise ToolError("give either id (from search) or url, not both and not neither")
    try:
        return app.documents.get(document_id) if document_id is not None else app.documents.get_by_url(str(url))
    except QuaeroError as exc:
        if url is not None:  # the URL as the user typed it may not be the stored (normalised) one
            normalised = normalise_url(url)
            if normalised and normalised != url:
                try:
                    return app.documents.get_by_url(normalised)
                except QuaeroError:
                    pass
        raise ToolError(str(exc)) from None


def _known_source(app: App, source: str) -> str:
    try:
        return app.sources.check(source.strip().lower())
    except QuaeroError as exc:
        raise ToolError(f"{exc}; list_sources names them") from None


def _site(site: str) -> str:
    host = normalise_site(site)
    if not host:
        raise ToolError(f"site {site!r} is not a host name (such as wiki.example.com)")
    return host
