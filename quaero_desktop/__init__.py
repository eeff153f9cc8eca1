"""Quaero Desktop: crawl websites into a local, searchable Markdown knowledge base."""

__version__ = "0.1.0"
