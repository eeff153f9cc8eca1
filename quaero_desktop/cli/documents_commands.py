"""``documents list | search | show | export``."""

from __future__ import annotations

import argparse
import sys

from quaero_desktop.app import App
from quaero_desktop.cli.output import local_time, print_json, print_table, shorten


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("documents", help="list, search, read or export stored documents")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = commands.add_parser("list", parents=[common], help="every stored document")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--job", help="only documents of this job")
    listing.set_defaults(handler=list_documents)
    searching = commands.add_parser("search", parents=[common], help="full-text search, best matches first")
    searching.add_argument("query", nargs="+", help="words to look for (quotes make a phrase)")
    searching.add_argument("--json", action="store_true", help="print JSON")
    searching.add_argument("--limit", type=_positive_int, default=20, help="at most N results (default 20)")
    searching.set_defaults(handler=search_documents)
    showing = commands.add_parser("show", parents=[common], help="print a document's Markdown")
    showing.add_argument("doc_id", type=_positive_int)
    showing.set_defaults(handler=show_document)
    exporting = commands.add_parser("export", parents=[common], help="write every document as a .md file into DIR")
    exporting.add_argument("dir")
    exporting.set_defaults(handler=export_documents)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be 1 or more")
    return value


def list_documents(app: App, args: argparse.Namespace) -> int:
    job_id = app.jobs.resolve_id(args.job) if args.job else None
    documents = app.documents.list(job_id=job_id)
    if args.json:
        print_json([d.as_json() for d in documents])
        return 0
    if not documents:
        print("no documents yet (crawl something with: quaero-desktop run DEF)")
        return 0
    rows = [(d.id, shorten(d.title, 40), shorten(d.url, 60), d.chars, local_time(d.updated_at)) for d in documents]
    print_table(("ID", "TITLE", "URL", "CHARS", "UPDATED"), rows)
    return 0


def search_documents(app: App, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    hits = app.documents.search(query, limit=args.limit)
    if args.json:
        print_json(
            [
                {"id": h.id, "url": h.url, "title": h.title, "snippet": h.snippet, "rank": h.rank, "job_id": h.job_id}
                for h in hits
            ]
        )
        return 0
    if not hits:
        print(f"no documents match {query!r}")
        return 0
    for hit in hits:
        print(f"[{hit.id}] {hit.title or hit.url}")
        print(f"     {hit.url}")
        print(f"     {' '.join(hit.snippet.split())}")
    return 0


def show_document(app: App, args: argparse.Namespace) -> int:
    document = app.documents.get(args.doc_id)
    sys.stdout.write(document.markdown if document.markdown.endswith("\n") else document.markdown + "\n")
    return 0


def export_documents(app: App, args: argparse.Namespace) -> int:
    total = app.documents.count()

    def report(done: int) -> None:
        if done % 100 == 0 or done == total:
            print(f"\rexported {done}/{total}", end="", file=sys.stderr, flush=True)

    written = app.documents.export(args.dir, progress=report)
    if written:
        print(file=sys.stderr)
    print(f"wrote {len(written)} document(s) to {args.dir}")
    return 0
