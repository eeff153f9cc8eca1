"""The MCP server (``quaero-desktop mcp``): search and read the knowledge base from AI assistants."""
