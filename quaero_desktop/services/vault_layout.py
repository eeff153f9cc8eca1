"""Where a document goes in an exported vault, and its links rewritten to the exported files.

One folder per host, then one per path segment; the last segment is the file:
``https://wiki.example.com/docs/guide.html`` -> ``wiki.example.com/docs/guide.md``; a path that
ends in ``/`` is that folder's ``index.md``; a query becomes part of the name
(``list?page=2`` -> ``list--page-2.md``). Names are made safe for Windows, macOS and Linux
(pathvalidate); two documents whose paths differ only in letter case or in characters that
had to be replaced get the document id added (``guide-17.md``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, unquote, urlsplit

from pathvalidate import sanitize_filename

from quaero_desktop.crawler.urls import normalise_url

_PAGE_SUFFIXES = re.compile(r"(?i)\.(?:html?|php\d?|aspx?|jspx?|cfm|shtml)$")
_SEGMENT_LIMIT = 80
_QUERY_LIMIT = 60
# A Markdown link or image target: ](url) or ](<url>), optionally followed by a "title".
_LINK_TARGET = re.compile(r"\]\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<bare>[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*))")


def natural_path(url: str) -> str:
    """The vault path (``/``-separated, relative) a document's URL maps to, before collisions."""
    parts = urlsplit(url)
    host = _safe(parts.hostname or "unknown-host")
    if parts.port:
        host += f"-{parts.port}"
    segments = [_safe(unquote(segment)) for segment in parts.path.split("/") if segment]
    if not segments or parts.path.endswith("/"):
        segments.append("index")
    last = _PAGE_SUFFIXES.sub("", segments[-1]) or "index"
    if parts.query:
        last += "--" + _safe(unquote(parts.query).replace("=", "-").replace("&", "-"))[:_QUERY_LIMIT]
    segments[-1] = _safe(last)
    return "/".join([host, *segments]) + ".md"


def assign_paths(
    documents: Iterable[tuple[int, str]], kept: dict[int, str], taken: Iterable[str] = ()
) -> dict[int, str]:
    """A path for each (id, url): the one in ``kept`` when there is one (re-exports update files in
    place), else its natural path, made unique case-insensitively by adding the id."""
    used = {path.lower() for path in taken} | {path.lower() for path in kept.values()}
    assigned: dict[int, str] = {}
    for document_id, url in documents:
        if document_id in kept:
            assigned[document_id] = kept[document_id]
            continue
        path = natural_path(url)
        if path.lower() in used:
            path = f"{path[:-3]}-{document_id}.md"
        used.add(path.lower())
        assigned[document_id] = path
    return assigned


def rewrite_links(markdown: str, own_path: str, path_of_url: Callable[[str], str | None]) -> str:
    """Links to exported documents become relative links to their files (the #fragment kept);
    every other link stays as it was."""

    def replace(match: re.Match[str]) -> str:
        target = match.group("angled") if match.group("angled") is not None else match.group("bare")
        address, _, fragment = target.partition("#")
        normalised = normalise_url(address) if address else None
        path = path_of_url(normalised) if normalised else None
        if path is None:
            return match.group(0)
        relative = posixpath.relpath(path, posixpath.dirname(own_path) or ".")
        link = quote(relative, safe="/-._~") + (f"#{fragment}" if fragment else "")
        return "](" + link

    return _LINK_TARGET.sub(replace, markdown)


def _safe(name: str) -> str:
    cleaned = sanitize_filename(name, platform="universal", replacement_text="-").strip(" .")
    cleaned = re.sub(r"-{2,}", "-", cleaned) if cleaned != name else cleaned
    return (cleaned or "_")[:_SEGMENT_LIMIT]
