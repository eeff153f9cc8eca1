"""The snippet an MCP client takes to start ``quaero-desktop mcp`` (``mcp --print-config``, Settings).

No MCP import here: the Settings dialog shows the same snippet without loading the SDK.
Claude Desktop, Claude Code (``.mcp.json``), Cursor and Windsurf read ``{"mcpServers": {...}}``;
VS Code (``.vscode/mcp.json``) reads ``{"servers": {...}}`` with a ``type``. The command is an
absolute path, because these clients start servers without the user's shell PATH.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Literal

ClientKind = Literal["claude", "vscode"]
CLIENTS: dict[ClientKind, str] = {
    "claude": "Claude Desktop, Claude Code, Cursor (mcpServers)",
    "vscode": "VS Code (.vscode/mcp.json)",
}
SERVER_KEY = "quaero-desktop"


def server_command() -> list[str]:
    """How to start this installation of Quaero Desktop, as an absolute command line."""
    # Loaded here: the command line builds its parser from this module, and every command would load them.
    from quaero_desktop.crawler.browser.playwright_browsers import is_frozen
    from quaero_desktop.frozen import installed_command

    if is_frozen():  # a packaged build: its console program (stdio), on PATH where it is installed there
        return installed_command()
    scripts = Path(sys.executable).parent
    for name in ("quaero-desktop", "quaero-desktop.exe"):
        script = scripts / name
        if script.is_file():
            return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "quaero_desktop"]


def client_config(data_dir: Path, client: ClientKind = "claude") -> dict[str, object]:
    command, *args = server_command()
    args += ["mcp", "--data-dir", str(Path(data_dir).absolute())]
    if client == "vscode":
        return {"servers": {SERVER_KEY: {"type": "stdio", "command": command, "args": args}}}
    return {"mcpServers": {SERVER_KEY: {"command": command, "args": args}}}


def client_config_text(data_dir: Path, client: ClientKind = "claude") -> str:
    """The configuration as JSON, indented, with the argument list on one line (short enough to read)."""
    text = json.dumps(client_config(data_dir, client), indent=2)
    return (
        re.sub(r"\[\n\s*(.*?)\n\s*\]", lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text, flags=re.S)
        + "\n"
    )
