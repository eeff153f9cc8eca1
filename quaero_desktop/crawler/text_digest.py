"""What the store derives from a page's Markdown: the hash change detection compares and how much of
the text is link text (``TextDigest``).

Computed where the page is converted (``conversion_pool.convert_page``, in a worker process), not on the
crawl's process: there the loop and the database thread share one GIL, and these two scans of the
Markdown took ~4 ms of a Python manual's page (of ~16 ms of that process's CPU per page).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from quaero_desktop.domain.link_share import link_share

_RELATIVE_TIME: Final = re.compile(
    r"\b(?:\d+|an?)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b|\bjust now\b", re.IGNORECASE
)
# A counter starts with a digit no word character precedes (``\b\d``, written so that the regex engine
# looks for digits first instead of trying every position of a page: a third of the time).
_COUNTER: Final = re.compile(
    r"\d(?<!\w\d)[\d,.\u202f\u00a0]*\s*(?:page\s?)?(?:views?|visits?|visitors?|reads?|hits?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class TextDigest:
    content_hash: str  # of the change fingerprint: what a re-crawl compares (documents.content_hash)
    link_share: float  # domain/link_share.py (documents.link_share)


def text_digest(markdown: str) -> TextDigest:
    """``markdown``'s content hash and link share."""
    fingerprint = change_fingerprint(markdown)
    return TextDigest(hashlib.sha256(fingerprint.encode("utf-8")).hexdigest(), link_share(markdown))


def change_fingerprint(markdown: str) -> str:
    """The Markdown as change detection compares it: relative times ("3 minutes ago") and view counters
    ("1,234 views") masked, as they change with every visit, not with the page (``content_hash``)."""
    timed = _RELATIVE_TIME.sub("some time ago", markdown) if _may_say_relative_time(markdown) else markdown
    return _COUNTER.sub("# views", timed)


def _may_say_relative_time(markdown: str) -> bool:
    """Whether ``markdown`` may hold a relative time: every one says "ago" or "just now". Looked for in
    its case-folded text (3x faster than a case-blind regex; each character the regex takes for a letter
    of those words folds to that letter, checked over all of Unicode, so none is missed)."""
    folded = markdown.casefold()
    return "ago" in folded or "just now" in folded
