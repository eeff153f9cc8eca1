"""Noise in a crawl's documents: many stored URLs that are actions on pages or variants of them.

Wikis, forums and shops give every page edit, history, diff, print and export views, and lists sort
orders: a crawl that follows them stores each page many times over. After a crawl, the stored URLs
are grouped by their query keys (``do=``, ``action=``, ``oldid=``…), by a key and its value
(``do=edit``) and by path segments (``/edit/``, ``/history``…). A group is *noise* when it is large
(at least ``MIN_DOCUMENTS`` documents and ``MIN_SHARE`` of them) and looks like actions or variants:
its key or segment is a known action or variant word, or its values are. Each comes with the
exclude pattern that removes it — one that matches none of the definition's start URLs.

Never specific to one site: the words are the ones wikis, CMSs and forums have in common.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qsl, urlsplit

MIN_DOCUMENTS: Final = 5
MIN_SHARE: Final = 0.1
EXAMPLES: Final = 3

# Query keys whose presence makes a view of a page rather than a page.
ACTION_KEYS: Final = frozenset(
    {
        "do",
        "action",
        "act",
        "oldid",
        "diff",
        "rev",
        "rev2",
        "revision",
        "curid",
        "history",
        "version",
        "veaction",
        "printable",
        "print",
        "format",
        "export",
        "sort",
        "sortby",
        "sort_by",
        "order",
        "orderby",
        "order_by",
        "dir",
        "direction",
        "view",
        "mode",
        "replytocom",
        "share",
        "returnto",
        "redirect",
        "redirect_to",
        "idx",
        "mediado",
        "tab",
        "lang",
        "utm_source",
        "ref",
        "source",
        "highlight",
        "s",
        "q",
        "search",
    }
)
# Values (and path segments) that name an action on a page or another view of it.
ACTION_WORDS: Final = frozenset(
    {
        "edit",
        "history",
        "revisions",
        "revision",
        "diff",
        "compare",
        "print",
        "printable",
        "export",
        "export_raw",
        "export_xhtml",
        "raw",
        "source",
        "backlink",
        "backlinks",
        "recent",
        "recentchanges",
        "media",
        "index",
        "login",
        "logout",
        "register",
        "profile",
        "resendpwd",
        "subscribe",
        "admin",
        "delete",
        "move",
        "rename",
        "protect",
        "watch",
        "unwatch",
        "info",
        "feed",
        "rss",
        "atom",
        "share",
        "reply",
        "comment",
        "comments",
        "attachment",
        "attachments",
        "amp",
        "blame",
        "log",
        "changes",
        "whatlinkshere",
        "permalink",
    }
)
_SEGMENT_SPLIT: Final = re.compile(r"[/;]")


@dataclass(frozen=True)
class NoiseGroup:
    """Documents whose URLs share a query key, a key's value or a path segment that marks actions."""

    label: str  # "do=", "do=edit" or "/edit"
    documents: int
    of: int  # the crawl's documents
    exclude_pattern: str  # a regular expression for the definition's exclude_patterns
    examples: tuple[str, ...]

    @property
    def text(self) -> str:
        """ "1,139 of 1,188 documents come from URLs with do=" (the window, the CLI)."""
        return f"{self.documents:,} of {self.of:,} documents come from URLs with {self.label}"

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "documents": self.documents,
            "of": self.of,
            "exclude_pattern": self.exclude_pattern,
            "examples": list(self.examples),
            "text": self.text,
        }


def noise_groups(urls: Sequence[str], start_urls: Iterable[str] = ()) -> list[NoiseGroup]:
    """The noise among a crawl's stored ``urls``, largest first; a group whose pattern would exclude a
    start URL is left out, and so is a group contained in a larger one already shown (``do=edit``
    when ``do=`` is)."""
    total = len(urls)
    members: dict[tuple[str, str], list[str]] = defaultdict(list)  # (label, pattern) -> URLs
    for url in urls:
        for label, pattern in _candidates(url):
            members[(label, pattern)].append(url)
    values_of_key: dict[str, Counter[str]] = defaultdict(Counter)
    for url in urls:
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            values_of_key[key.lower()][value.lower()] += 1
    starts = list(start_urls)
    threshold = max(MIN_DOCUMENTS, MIN_SHARE * total)
    found: list[NoiseGroup] = []
    covered: set[str] = set()
    ordered = sorted(members.items(), key=lambda item: (-len(item[1]), item[0][0]))
    for (label, pattern), group_urls in ordered:
        if len(group_urls) < threshold or not _looks_like_actions(label, values_of_key):
            continue
        if any(re.search(pattern, start) for start in starts):
            continue
        if covered.issuperset(group_urls):
            continue
        covered.update(group_urls)
        found.append(NoiseGroup(label, len(group_urls), total, pattern, tuple(group_urls[:EXAMPLES])))
    return found


def _candidates(url: str) -> set[tuple[str, str]]:
    """(label, exclude pattern) of every group a URL belongs to."""
    parts = urlsplit(url)
    found = set()
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        escaped = re.escape(key)
        found.add((f"{key}=", rf"[?&]{escaped}="))
        if value and len(value) <= 40:
            found.add((f"{key}={value}", rf"[?&]{escaped}={re.escape(value)}(?:&|$)"))
    for segment in _SEGMENT_SPLIT.split(parts.path):
        if segment.lower() in ACTION_WORDS:
            found.add((f"/{segment}", rf"/{re.escape(segment)}(?:[/?;#]|$)"))
    return found


def _looks_like_actions(label: str, values_of_key: dict[str, Counter[str]]) -> bool:
    if label.startswith("/"):
        return True  # only action words become path groups
    key, _, value = label.partition("=")
    key = key.lower()
    if value:
        return value.lower() in ACTION_WORDS or key in ACTION_KEYS
    if key in ACTION_KEYS:
        return True
    values = values_of_key.get(key, Counter())
    # A key whose values are mostly action words ("?page_action=edit", "?view=print").
    return bool(values) and sum(n for v, n in values.items() if v in ACTION_WORDS) >= 0.5 * sum(values.values())
