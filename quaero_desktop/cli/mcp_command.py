"""``mcp [--print-config [--client claude|vscode]]``: the MCP server for AI assistants, over stdio."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, get_args

from quaero_desktop.mcp_server.client_config import CLIENTS, ClientKind, client_config_text

DESCRIPTION = """\
Serve the knowledge base to an AI assistant (Claude Desktop, VS Code, ...) over the Model Context
Protocol on stdin/stdout. The assistant starts this command itself: add the snippet that
--print-config prints to its MCP settings. Tools: search, read_document, list_sources,
crawl_status (and start_crawl when the setting mcp_allow_crawl is true); documents are also
resources, quaero://documents/{id}. Logs go to stderr; stdout carries only the protocol."""


if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser(
        "mcp",
        parents=[common],
        help="serve the knowledge base to AI assistants (MCP over stdio)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--print-config", action="store_true", help="print the JSON an MCP client takes to start this server"
    )
    parser.add_argument(
        "--client",
        choices=get_args(ClientKind),
        default="claude",
        help="; ".join(f"{key}: {label}" for key, label in CLIENTS.items()) + " (default: claude)",
    )
    parser.set_defaults(handler=serve)


def serve(app: App, args: argparse.Namespace) -> int:
    if args.print_config:
        sys.stdout.write(client_config_text(app.data_dir, args.client))
        return 0
    from quaero_desktop.mcp_server.server import build_server  # the SDK loads only for the server itself

    print(f"quaero-desktop MCP server on stdio, data directory {app.data_dir}", file=sys.stderr)
    build_server(app).run("stdio")
    return 0
