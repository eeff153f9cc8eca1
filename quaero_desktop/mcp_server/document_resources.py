"""Documents as MCP resources: ``quaero://documents/{id}`` read whole, and ``resources/list`` in pages.

``resources/list`` names every document, most recently added or changed first, ``LISTED_PER_PAGE``
at a time with an opaque cursor for the next page (the spec's pagination). A read answers the
spec's errors: a malformed id is invalid params (-32602) with a plain message; a missing document
is resource-not-found, -32002 for clients that negotiated 2025-11-25 or earlier (the code those
revisions define) and -32602 from 2026-07-28 on (SEP-2164 moved it there and retired -32002).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import mcp_types
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import Resource as MCPResource
from mcp_types.version import is_version_at_least

from quaero_desktop.app import App
from quaero_desktop.domain.errors import NotFoundError
from quaero_desktop.mcp_server import answers

URI_TEMPLATE = "quaero://documents/{id}"
LISTED_PER_PAGE = 50
MAX_DOCUMENT_ID = 2**63 - 1  # SQLite's largest integer: no larger id names a document
RESOURCE_NOT_FOUND = -32002  # protocol revisions up to 2025-11-25
_NOT_FOUND_IS_INVALID_PARAMS_FROM = "2026-07-28"  # SEP-2164
_CURSOR = re.compile(r"offset:(\d{1,18})")


def document_uri(document_id: int) -> str:
    return URI_TEMPLATE.format(id=document_id)


def read_document(app: App, id_text: str, protocol_version: str | None) -> str:
    """The whole document as Markdown with its metadata in front; MCPError with the spec's code if none."""
    uri = URI_TEMPLATE.format(id=id_text)
    if not (id_text.isascii() and id_text.isdigit() and 1 <= int(id_text) <= MAX_DOCUMENT_ID):
        raise MCPError(
            code=mcp_types.INVALID_PARAMS,
            message=f"{uri} is not a document: the id is a whole number from 1 (search gives them)",
            data={"uri": uri},
        )
    try:
        document = app.documents.get(int(id_text))
    except NotFoundError:
        raise MCPError(
            code=not_found_code(protocol_version),
            message=f"no document {uri}: search finds documents and their ids",
            data={"uri": uri},
        ) from None
    return answers.document_text(document, 1, page_chars=max(len(document.markdown), 1))


def not_found_code(protocol_version: str | None) -> int:
    if protocol_version and is_version_at_least(protocol_version, _NOT_FOUND_IS_INVALID_PARAMS_FROM):
        return mcp_types.INVALID_PARAMS
    return RESOURCE_NOT_FOUND


def listing_page(app: App, cursor: str | None) -> tuple[list[MCPResource], str | None]:
    """One page of the documents, newest first, and the cursor of the next page (None: this is the last)."""
    offset = _offset(cursor)
    summaries = app.documents.list(limit=LISTED_PER_PAGE + 1, offset=offset, newest_first=True)
    resources = [
        MCPResource(
            uri=document_uri(summary.id),
            name=answers.safe_text(summary.title) or answers.safe_url(summary.url),
            description=answers.safe_url(summary.url),
            mime_type="text/markdown",
        )
        for summary in summaries[:LISTED_PER_PAGE]
    ]
    more = len(summaries) > LISTED_PER_PAGE
    return resources, _cursor(offset + LISTED_PER_PAGE) if more else None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode("ascii")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        decoded = ""
    match = _CURSOR.fullmatch(decoded)
    if match is None:
        raise MCPError(
            code=mcp_types.INVALID_PARAMS,
            message="invalid cursor: give the nextCursor of the previous resources/list answer, or none",
        )
    return int(match.group(1))


def add_document_resource(server: MCPServer[Any], app: App) -> None:
    def document_resource(id: str, ctx: Context[Any, Any]) -> str:
        return read_document(app, id, ctx.protocol_version)

    server.resource(
        URI_TEMPLATE,
        name="document",
        title="A crawled document",
        description="A crawled page as Markdown with its metadata in front (the whole document).",
        mime_type="text/markdown",
    )(document_resource)
