"""The test suite's local website: deterministic pages for real-browser crawl tests.

    from tests.testsite import TestSite

    with TestSite(big_pages=0) as site:
        site.url("/docs/guide")

Every route, its status codes and the unique search phrases are listed in README.md
next to this file.
"""

from .server import TestSite

__all__ = ["TestSite"]
