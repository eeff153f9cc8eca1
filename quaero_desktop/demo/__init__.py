"""The bundled demo site and the small server behind ``quaero-desktop demo``."""

from .server import DEFAULT_DEMO_PORT, DemoServer, example_definition_toml

__all__ = ["DEFAULT_DEMO_PORT", "DemoServer", "example_definition_toml"]
