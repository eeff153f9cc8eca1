"""What a page tells crawlers about itself: ``<meta name="robots">`` and the ``X-Robots-Tag`` header.

Only directives for every robot count: ``<meta name="googlebot">`` and ``X-Robots-Tag: googlebot:
noindex`` address one search engine, not Quaero. ``none`` means ``noindex, nofollow``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

NOINDEX: Final = "noindex"
NOFOLLOW: Final = "nofollow"
_KNOWN: Final = frozenset({NOINDEX, NOFOLLOW})


def robots_directives(values: Iterable[str]) -> frozenset[str]:
    """The noindex/nofollow directives in ``values`` (meta robots contents and X-Robots-Tag values)."""
    found: set[str] = set()
    for value in values:
        for line in value.splitlines():  # several X-Robots-Tag headers may arrive joined by newlines
            if _for_one_robot(line):
                continue
            for token in line.split(","):
                directive = token.strip().lower()
                if directive == "none":
                    found.update(_KNOWN)
                elif directive in _KNOWN:
                    found.add(directive)
    return frozenset(found)


def _for_one_robot(value: str) -> bool:
    """``googlebot: noindex``: a header value that names one robot before a colon."""
    head, colon, _ = value.partition(":")
    return bool(colon) and head.strip().lower() not in _KNOWN and " " not in head.strip() and "," not in head
