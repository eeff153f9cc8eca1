"""The MCP tools: ``search``, ``read_document``, ``list_sources``, ``crawl_status`` and ``start_crawl``.

Plain functions: the SDK runs them in worker threads, and each opens its own read transaction.
Their numeric arguments carry their bounds in the input schema (``minimum``/``maximum``), and a
value out of them is an error that says the range rather than being clamped quietly. Errors
name tools, never command line commands (``answers.for_assistant``).
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, ValidationError

from quaero_desktop.app import App
from quaero_desktop.crawler.urls import normalise_url
from quaero_desktop.domain.document import Document, DocumentFilter
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.search_syntax import SYNTAX_HELP, normalise_site, parse_query
from quaero_desktop.mcp_server import answers
from quaero_desktop.mcp_server.crawl_tool import start_crawl_for
from quaero_desktop.mcp_server.document_resources import MAX_DOCUMENT_ID

MAX_RESULTS = 50
MARK = ("**", "**")  # matched words in snippets, as Markdown bold

SearchLimit = Annotated[
    int, Field(ge=1, le=MAX_RESULTS, description=f"at most this many results, from 1 to {MAX_RESULTS}")
]
DocumentId = Annotated[
    int | None, Field(ge=1, le=MAX_DOCUMENT_ID, description="the document's id (from search), 1 or more")
]
PageNumber = Annotated[int, Field(ge=1, le=MAX_DOCUMENT_ID, description="which page of a long document, from 1")]


def add_tools(server: MCPServer[Any], app: App) -> None:
    _add_search(server, app)
    _add_read_document(server, app)
    _add_list_sources(server, app)
    _add_crawl_status(server, app)
    if app.settings.mcp_allow_crawl:
        _add_start_crawl(server, app)


def argument_errors(tool: str, schema: dict[str, Any], refused: ValidationError) -> str:
    """What was wrong with a call's arguments, one sentence each, with the range a number must be in."""
    properties = schema.get("properties", {})
    problems = []
    for error in refused.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        given = f" (got {error['input']!r})" if name in properties and error["type"] != "missing" else ""
        bounds = _bounds(properties.get(name, {}))
        if bounds:
            problems.append(f"{name} must be {bounds}{given}")
        else:
            problems.append(f"{name or 'the arguments'}: {error['msg'][:1].lower()}{error['msg'][1:]}{given}")
    return f"{tool}: " + "; ".join(problems)


def _bounds(property_schema: dict[str, Any]) -> str:
    """ "a whole number from 1 to 50" for an integer property with bounds (also inside anyOf), else ""."""
    for variant in [property_schema, *property_schema.get("anyOf", ())]:
        if variant.get("type") == "integer" and "minimum" in variant and "maximum" in variant:
            return f"a whole number from {variant['minimum']} to {variant['maximum']}"
    return ""


def _failed(exc: QuaeroError) -> ToolError:
    return ToolError(answers.for_assistant(str(exc)))


def _add_search(server: MCPServer[Any], app: App) -> None:
    @server.tool(
        title="Search the knowledge base",
        description=(
            "Full-text search over the crawled pages, best matches first (whole words before prefixes, titles "
            "before text). Returns id, title, url, snippet (matched words in **bold**), crawled time, source (the "
            "last crawl's) and sources (every definition that crawled it) for each hit. "
            f"Syntax: {SYNTAX_HELP}. source: a definition id from list_sources; site: a host name."
        ),
    )
    def search(
        query: str, limit: SearchLimit = 10, source: str | None = None, site: str | None = None
    ) -> dict[str, object]:
        where = DocumentFilter(
            sources=(_known_source(app, source),) if source else (),
            sites=(_site(site),) if site else (),
        )
        try:
            hits = app.documents.search(query, limit=limit, mark=MARK, where=where)
        except QuaeroError as exc:
            raise _failed(exc) from None
        answer: dict[str, object] = {"query": query, "results": [answers.search_hit(hit, MARK) for hit in hits]}
        if cut := parse_query(query).cut:  # a query over its bounds: the assistant is told what was searched
            answer["note"] = cut
        return answer


def _add_read_document(server: MCPServer[Any], app: App) -> None:
    @server.tool(
        title="Read a document",
        description=(
            "A crawled page as Markdown, with its title, URL (and aliases: other URLs that showed the same text), "
            "source and crawl time in front. Give its id (from search) or its url, or one of its aliases. Long "
            f"documents come in pages of about {answers.PAGE_CHARS:,} characters: the "
            "front matter says 'page N of M' and how to ask for the next one."
        ),
    )
    def read_document(id: DocumentId = None, url: str | None = None, page: PageNumber = 1) -> str:
        document = _document(app, id, url)
        try:
            return answers.document_text(document, page)
        except ValueError as exc:
            raise ToolError(str(exc)) from None


def _add_list_sources(server: MCPServer[Any], app: App) -> None:
    @server.tool(
        title="List the sources",
        description=(
            "The crawl definitions (sources) with their start URLs, schedule, document counts, the newest and "
            "oldest crawl of their documents, and their last crawl job."
        ),
    )
    def list_sources() -> dict[str, object]:
        return {"sources": [answers.source_overview(source) for source in app.sources.list()]}


def _add_crawl_status(server: MCPServer[Any], app: App) -> None:
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
            raise _failed(exc) from None
        return {"jobs": [answers.job_status(job) for job in jobs.values()]}


def _add_start_crawl(server: MCPServer[Any], app: App) -> None:
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
            raise _failed(exc) from None


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
        raise _failed(exc) from None


def _known_source(app: App, source: str) -> str:
    try:
        return app.sources.check(source.strip().lower())
    except QuaeroError as exc:
        raise _failed(exc) from None


def _site(site: str) -> str:
    host = normalise_site(site)
    if not host:
        raise ToolError(f"site {site!r} is not a host name (such as wiki.example.com)")
    return host
