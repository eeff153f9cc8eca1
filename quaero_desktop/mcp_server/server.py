"""``quaero-desktop mcp``: the knowledge base for AI assistants, over the Model Context Protocol.

Tools (mcp_server/tools.py): ``search``, ``read_document``, ``list_sources``, ``crawl_status`` and,
only when the setting ``mcp_allow_crawl`` is on, ``start_crawl``. Every document is also a
resource, ``quaero://documents/{id}``, and ``resources/list`` names them all, newest first, in
pages (mcp_server/document_resources.py). The tools are plain functions: the SDK runs them in
worker threads, and each opens its own read transaction, so a crawl writing in the window, the
command line or this process never blocks them (WAL) and they always see whole pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, InputRequiredResult, ListResourcesResult, PaginatedRequestParams
from pydantic import ValidationError

from quaero_desktop import __version__
from quaero_desktop.app import App
from quaero_desktop.domain.search_syntax import SYNTAX_HELP
from quaero_desktop.mcp_server.document_resources import add_document_resource, listing_page
from quaero_desktop.mcp_server.tools import add_tools, argument_errors

log = logging.getLogger(__name__)
T = TypeVar("T")

SERVER_NAME = "quaero-desktop"

INSTRUCTIONS = (
    "Quaero Desktop is the user's local knowledge base of crawled web pages (often internal sites behind a "
    "login). Use search to find pages, then read_document to read one (long documents come in pages). "
    "list_sources shows what was crawled and how fresh it is; crawl_status shows crawls. "
    f"Search syntax: {SYNTAX_HELP}."
)


class QuaeroMCPServer(MCPServer[Any]):
    """An MCPServer whose resources/list pages through the documents, newest first."""

    def __init__(self, app: App) -> None:
        super().__init__(SERVER_NAME, version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
        self.app = app

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """As MCPServer's, with arguments that fail the input schema refused in a sentence (no pydantic report)."""
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            refused = exc.__cause__
            tool = self._tool_manager.get_tool(name)
            if not isinstance(refused, ValidationError) or tool is None:
                raise
            raise ToolError(argument_errors(name, tool.parameters, refused)) from refused

    # MCPServer's own handler lists only fixed resources and ignores the cursor; it is the method the
    # SDK 2.x registers for resources/list (pinned to that major in pyproject.toml).
    async def _handle_list_resources(
        self, ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        cursor = params.cursor if params is not None else None
        fixed = await self.list_resources() if not cursor else []
        documents, next_cursor = await _in_thread(lambda: listing_page(self.app, cursor))
        return ListResourcesResult(resources=fixed + documents, next_cursor=next_cursor)


async def _in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


def build_server(app: App) -> QuaeroMCPServer:
    server = QuaeroMCPServer(app)
    add_tools(server, app)
    add_document_resource(server, app)
    return server
