"""What the MCP tools answer: plain data made from the services' objects, with nothing secret in it.

Secrets never enter the store (logins live in the OS keyring), but text that ends up in the
store can still carry one: a start URL typed with ``user:password@``, a page URL with
``?token=…``, a document whose links carry ``&api_key=…``, a job error quoting a header. Every
URL an answer holds goes through ``safe_url``, every free text through ``safe_text``, a document's
Markdown and its title through ``domain/secret_urls.py`` before they leave the process.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from quaero_desktop.domain.document import Document, SearchHit
from quaero_desktop.domain.job import Job
from quaero_desktop.domain.secret_urls import mask_snippet, mask_url_text
from quaero_desktop.engine.redaction import Redactor
from quaero_desktop.services.sources import SourceOverview

PAGE_CHARS = 20_000  # one page of read_document: a long document comes in pages of about this size
_TEXT_REDACTOR = Redactor()  # no known values here: it masks Cookie:/Authorization: style text
# The services' messages end with the command that lists what exists ("(see: jobs list)"); an
# assistant has tools instead.
_COMMAND_HINT = re.compile(r"\s*\(see: (documents|jobs|definitions) list\)")
_TOOL_HINTS = {
    "documents": "search finds documents and their ids",
    "jobs": "crawl_status without a job_id lists the recent crawls",
    "definitions": "list_sources names them",
}


def safe_url(url: str) -> str:
    """``url`` without user name or password, and with the values of secret-looking query parameters masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    try:
        if parts.port is not None:
            netloc += f":{parts.port}"
    except ValueError:
        pass
    return mask_url_text(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))


def safe_text(text: str | None) -> str | None:
    """Free text (a job's error, its name) with header-like secrets and the credentials of its URLs masked."""
    if text is None:
        return None
    return mask_url_text(_TEXT_REDACTOR.redact(text))


def for_assistant(message: str) -> str:
    """A service's error message with its hint at a command line command turned into one at a tool."""
    return _COMMAND_HINT.sub(lambda match: f"; {_TOOL_HINTS[match.group(1)]}", message)


def when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def search_hit(hit: SearchHit, mark: tuple[str, str]) -> dict[str, object]:
    """A hit as the search tool answers it; ``mark`` is what its snippet's matched words are between."""
    return {
        "id": hit.id,
        "title": mask_url_text(hit.title),
        "url": safe_url(hit.url),
        "snippet": mask_snippet(hit.snippet, mark),
        "crawled": when(hit.last_crawled_at),
        "source": hit.definition_id,
        "sources": list(hit.sources),
        "gone": hit.gone,
        "aliases": [safe_url(url) for url in hit.aliases],
    }


def document_pages(markdown: str, page_chars: int = PAGE_CHARS) -> list[str]:
    """The Markdown in pages of about ``page_chars``, cut between paragraphs (else lines, else words,
    else anywhere): a URL is cut only in a text with no space in half a page."""
    pages: list[str] = []
    rest = markdown
    while len(rest) > page_chars:
        cut = rest.rfind("\n\n", page_chars // 2, page_chars)
        if cut < 0:
            cut = rest.rfind("\n", page_chars // 2, page_chars)
        if cut < 0:
            cut = rest.rfind(" ", page_chars // 2, page_chars)
        cut = page_chars if cut < 0 else cut + 1
        pages.append(rest[:cut])
        rest = rest[cut:]
    pages.append(rest)
    return pages


def document_text(document: Document, page: int = 1, page_chars: int = PAGE_CHARS) -> str:
    """One page of a document as Markdown, its metadata in front (and how to get the next page)."""
    pages = document_pages(document.markdown, page_chars)
    if not 1 <= page <= len(pages):
        raise ValueError(f"document {document.id} has {len(pages)} page(s); page {page} does not exist")
    lines = [
        "---",
        f"id: {document.id}",
        f"title: {_quoted(mask_url_text(document.title))}",
        f"url: {_quoted(safe_url(document.url))}",
        *_aliases(document.aliases),
        f"source: {_quoted(document.definition_id or '')}",
        f"sources: [{', '.join(_quoted(source) for source in document.sources)}]",
        f"crawled: {when(document.last_crawled_at)}",
        f"updated: {when(document.updated_at)}",
        f"page: {page} of {len(pages)}",
    ]
    if document.gone:
        lines.append(f"gone: true  # the page answered 404/410 at the crawl of {when(document.gone_at)}")
    if page < len(pages):
        lines.append(f"next: read_document(id={document.id}, page={page + 1})")
    lines += ["---", ""]
    return "\n".join(lines) + mask_url_text(pages[page - 1])  # the page asked for, not the document, is masked


def source_overview(source: SourceOverview) -> dict[str, object]:
    return {
        "id": source.id,
        "name": mask_url_text(source.name),
        "stored_definition": source.stored,
        "enabled": source.enabled,
        "schedule": source.schedule or None,
        "start_urls": [safe_url(url) for url in source.start_urls],
        "documents": source.documents,
        "newest_crawl": when(source.newest_crawl),
        "oldest_crawl": when(source.oldest_crawl),
        "last_job": job_status(source.last_job) if source.last_job else None,
    }


def job_status(job: Job) -> dict[str, object]:
    progress = job.progress
    return {
        "job_id": job.id,
        "source": job.definition_id,
        "name": safe_text(job.name),
        "status": str(job.status),
        "started_by": job.metadata.get("trigger"),
        "created": when(job.created_at),
        "started": when(job.started_at),
        "finished": when(job.finished_at),
        "pages": {
            "pending": progress.pending,
            "running": progress.running,
            "completed": progress.completed,
            "failed": progress.failed,
            "cancelled": progress.cancelled,
            "needing_login": progress.auth_failures,
            "new": progress.new,
            "changed": progress.changed,
            "unchanged": progress.unchanged,
            "gone": progress.gone,
        },
        "documents": job.document_count,
        "error": safe_text(job.error),
    }


def _aliases(urls: tuple[str, ...]) -> list[str]:
    """The front matter's ``aliases``: other URLs that showed the document's text (none: no line)."""
    if not urls:
        return []
    return ["aliases:", *(f"  - {_quoted(safe_url(url))}" for url in urls)]


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
