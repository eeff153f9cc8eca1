"""``documents list | search | show | export``.

What they print has the credentials its URLs carry masked (``?token=***``, ``domain/secret_urls.py``):
output ends up in terminals' scrollback, logs and scripts' files, and an assistant may run the
commands; the store keeps the URLs as crawled."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from quaero_desktop.cli.arguments import SQLITE_MAX_INTEGER, DirectoryPath, WholeNumber
from quaero_desktop.cli.output import local_time, print_json, print_table, shorten
from quaero_desktop.domain.document import Document, DocumentFilter, DocumentOrder
from quaero_desktop.domain.errors import NotFoundError, ValidationError
from quaero_desktop.domain.secret_urls import mask_snippet, mask_url_text, masked_values
from quaero_desktop.services.export_formats import EXPORT_FORMATS, JSONL_NAME, MANIFEST_NAME

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App

SEARCH_SYNTAX = """\
search syntax (the same in the window and for AI assistants over MCP):
  fog signal          documents with both words ("signals" matches "signal" too)
  "fog signal"        the exact phrase
  fog OR mist         either word (OR in capitals)
  -horn               leave out documents with this word (also -"a phrase", -site:HOST)
  sign*               words starting with "sign"
  site:example.com    documents from this host or its subdomains
  title:keeper        the word in the title
  source:team-wiki    documents of this definition (same as --source)
Anything else is taken literally: punctuation only separates words.
Best matches first: whole words before prefix matches, the title counts more than the text.
Matched words are shown in bold on a terminal, [in brackets] when the output is piped."""

SEARCH_LIMIT = WholeNumber(1, 1_000_000)

EXPORT_HELP = f"""\
--format markdown (the default) writes a vault that Obsidian or Logseq opens: one folder per host
and URL path (wiki.example.com/docs/guide.md), YAML front matter, links between exported pages
rewritten as relative links. Exporting into the same folder again updates it in place: changed
documents are rewritten, new ones added, and files of documents no longer in the knowledge base
removed ({MANIFEST_NAME} records which files the export wrote; no other file is touched).
--format jsonl writes one {JSONL_NAME} with a JSON object per line (the Markdown included)."""


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("documents", help="list, search, read or export stored documents")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = commands.add_parser("list", parents=[common], help="every stored document")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--job", help="only documents of this job")
    _add_filters(listing)
    listing.set_defaults(handler=list_documents)
    searching = commands.add_parser(
        "search",
        parents=[common],
        help="full-text search, best matches first",
        epilog=SEARCH_SYNTAX,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    searching.add_argument("query", nargs="+", help="what to look for (see the search syntax below)")
    searching.add_argument("--json", action="store_true", help="print JSON")
    searching.add_argument(
        "--limit", type=SEARCH_LIMIT, default=20, help=f"at most N results, {SEARCH_LIMIT.allowed} (default 20)"
    )
    searching.add_argument(
        "--sort",
        choices=[order.value for order in DocumentOrder],
        default=DocumentOrder.RELEVANCE.value,
        help="relevance (best match first, the default), newest (last changed first), title (A to Z) or site",
    )
    _add_filters(searching)
    searching.set_defaults(handler=search_documents)
    showing = commands.add_parser("show", parents=[common], help="print a document's Markdown")
    showing.add_argument("doc_id", metavar="DOC", help="its id, or its URL (or one of its aliases)")
    showing.add_argument("--json", action="store_true", help="print JSON (metadata, aliases and Markdown)")
    showing.set_defaults(handler=show_document)
    exporting = commands.add_parser(
        "export",
        parents=[common],
        help="write the documents into DIR (a Markdown vault, or JSON Lines)",
        epilog=EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exporting.add_argument("dir", type=DirectoryPath("a directory to export into"))
    exporting.add_argument("--format", choices=EXPORT_FORMATS, default="markdown", help="default: markdown")
    exporting.add_argument("--source", metavar="DEFINITION_ID", action="append", help="only this definition's")
    exporting.add_argument(
        "--since", metavar="DATE", type=_date, help="only documents added or changed since DATE (2026-11-01[T12:00])"
    )
    exporting.set_defaults(handler=export_documents)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", metavar="DEFINITION_ID", action="append", help="only documents of this definition (repeatable)"
    )
    parser.add_argument("--site", metavar="HOST", action="append", help="only documents from this host (repeatable)")


def _date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date such as 2026-11-01 or 2026-11-01T12:00") from None
    return value.astimezone() if value.tzinfo is None else value  # a date without zone is local time


def _filter(app: App, args: argparse.Namespace) -> DocumentFilter:
    from quaero_desktop.domain.search_syntax import (
        normalise_site,
    )  # as app.documents loads it: only for a command that filters

    sources = tuple(app.sources.check(source) for source in (getattr(args, "source", None) or ()))
    sites = []
    for site in getattr(args, "site", None) or ():
        host = normalise_site(site)
        if not host:
            raise ValidationError("--site", "site", site, "a host name such as wiki.example.com")
        sites.append(host)
    since = getattr(args, "since", None)
    return DocumentFilter(sources=sources, sites=tuple(sites), changed_since=since.astimezone(UTC) if since else None)


def list_documents(app: App, args: argparse.Namespace) -> int:
    job_id = app.jobs.resolve_id(args.job) if args.job else None
    documents = app.documents.list(job_id=job_id, where=_filter(app, args))
    if args.json:
        print_json([masked_values(d.as_json()) for d in documents])
        return 0
    if not documents:
        print("no documents yet (crawl something with: quaero-desktop run DEF)")
        return 0
    rows = [
        (
            d.id,
            shorten(mask_url_text(d.title), 40),
            shorten(mask_url_text(d.url), 60),
            d.chars,
            local_time(d.updated_at),
            "gone" if d.gone else "",
        )
        for d in documents
    ]
    print_table(("ID", "TITLE", "URL", "CHARS", "UPDATED", "PAGE"), rows)
    gone = sum(d.gone for d in documents)
    if gone:
        print(f"\n{gone} document(s) gone: their pages answered 404/410 at the last crawl (left out of searches)")
    return 0


def search_documents(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.domain.search_syntax import parse_query  # as app.documents loads it: only for a search

    query = " ".join(args.query)
    where = _filter(app, args)
    if cut := parse_query(query).cut:  # a query over its bounds: said, on stderr (stdout stays the results)
        print(f"note: {cut}", file=sys.stderr)
    if args.json:
        mark = ("[", "]")
        hits = app.documents.search(query, limit=args.limit, where=where, mark=mark, order=DocumentOrder(args.sort))
        print_json(
            [
                {
                    "id": h.id,
                    "url": mask_url_text(h.url),
                    "title": mask_url_text(h.title),
                    "snippet": mask_snippet(h.snippet, mark),
                    "rank": h.rank,
                    "job_id": h.job_id,
                    "source": h.definition_id,
                    "sources": list(h.sources),
                    "crawled": h.last_crawled_at.isoformat() if h.last_crawled_at else None,
                    "gone": h.gone,
                    "aliases": [mask_url_text(alias) for alias in h.aliases],
                }
                for h in hits
            ]
        )
        return 0
    mark = _marks()
    hits = app.documents.search(query, limit=args.limit, where=where, mark=mark, order=DocumentOrder(args.sort))
    if not hits:
        print(f"no documents match {query!r}")
        return 0
    for hit in hits:
        url = mask_url_text(hit.url)
        print(f"[{hit.id}] {mask_url_text(hit.title) or url}")
        print(f"     {url}")
        print(f"     {' '.join(mask_snippet(hit.snippet, mark).split())}")
    return 0


def _marks() -> tuple[str, str]:
    """Bold on a terminal (unless NO_COLOR is set), brackets when piped."""
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb":
        return "\x1b[1m", "\x1b[22m"
    return "[", "]"


def show_document(app: App, args: argparse.Namespace) -> int:
    document = _document(app, args.doc_id)
    if args.json:
        print_json(
            masked_values(
                {
                    "id": document.id,
                    "url": document.url,
                    "title": document.title,
                    "aliases": list(document.aliases),
                    "source": document.definition_id,
                    "sources": list(document.sources),
                    "job_id": document.job_id,
                    "crawled": document.last_crawled_at,
                    "updated": document.updated_at,
                    "gone": document.gone,
                    "chars": document.chars,
                    "markdown": document.markdown,
                }
            )
        )
        return 0
    markdown = mask_url_text(document.markdown)
    sys.stdout.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return 0


def _document(app: App, key: str) -> Document:
    """The document with the id ``key``, or stored under the URL ``key`` (or having it as an alias)."""
    if key.isdigit():
        if not 1 <= int(key) <= SQLITE_MAX_INTEGER:
            raise ValidationError("DOC", "id", key, f"a document id from 1 to {SQLITE_MAX_INTEGER}, or its URL")
        return app.documents.get(int(key))
    try:
        return app.documents.get_by_url(key)
    except NotFoundError:
        from quaero_desktop.crawler.urls import normalise_url  # the crawler's URL rules: only for a URL not found

        normalised = normalise_url(key)  # as typed: the stored URL is normalised
        if normalised is None or normalised == key:
            raise
        return app.documents.get_by_url(normalised)


def export_documents(app: App, args: argparse.Namespace) -> int:
    where = _filter(app, args)
    progress = _ExportProgress()
    try:
        result = app.documents.export(args.dir, fmt=args.format, where=where, progress=progress.report)
    finally:
        progress.end()
    if args.format == "jsonl":
        print(f"wrote {result.exported} document(s) to {result.files[0]}")
        return 0
    details = [f"{result.written} new or changed", f"{result.unchanged} unchanged"]
    if result.removed:
        details.append(f"{result.removed} removed (no longer in the knowledge base)")
    print(f"wrote {result.exported} document(s) to {args.dir} ({', '.join(details)})")
    return 0


class _ExportProgress:
    """ "exported N/M" on stderr: one line rewritten in place on a terminal, a line each when piped
    (a log or a pipe gets no carriage returns); either way the output ends with a newline."""

    def __init__(self) -> None:
        self._on_terminal = sys.stderr.isatty()
        self._open_line = False

    def report(self, done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            text = f"exported {done}/{total}"
            if self._on_terminal:
                print(f"\r{text}", end="", file=sys.stderr, flush=True)
                self._open_line = True
            else:
                print(text, file=sys.stderr, flush=True)

    def end(self) -> None:
        if self._open_line:
            print(file=sys.stderr, flush=True)
            self._open_line = False
