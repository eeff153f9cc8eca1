"""``jobs list | show | cancel | resume | retry-failed``.

Pages' URLs, errors and log lines are printed with the credentials URLs carry masked
(``?token=***``, ``domain/secret_urls.py``), as ``documents`` prints documents."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from quaero_desktop.cli.output import crawl_duration_text, local_time, print_json, print_table, shorten
from quaero_desktop.domain.job import (
    ChildJob,
    Job,
    PageResult,
    SkipReason,
    rendered_empty_text,
    rendered_incomplete_text,
)
from quaero_desktop.domain.secret_urls import mask_url_text, masked_values

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("jobs", help="list, inspect, cancel, resume or retry crawl jobs")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = commands.add_parser("list", parents=[common], help="crawl jobs, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_jobs)
    showing = commands.add_parser("show", parents=[common], help="one job: counts, pages and log")
    showing.add_argument("job_id")
    showing.add_argument("--json", action="store_true", help="print JSON (with every page)")
    showing.set_defaults(handler=show_job)
    cancelling = commands.add_parser("cancel", parents=[common], help="cancel a running, interrupted or paused job")
    cancelling.add_argument("job_id")
    cancelling.set_defaults(handler=cancel_job)
    resuming = commands.add_parser("resume", parents=[common], help="continue an interrupted or paused job to the end")
    resuming.add_argument("job_id")
    resuming.add_argument("--json", action="store_true", help="print the summary as JSON")
    resuming.set_defaults(handler=resume)
    retrying = commands.add_parser(
        "retry-failed", parents=[common], help="fetch the failed pages of a stopped job again, to the end"
    )
    retrying.add_argument("job_id")
    retrying.add_argument("--json", action="store_true", help="print the summary as JSON")
    retrying.set_defaults(handler=retry_failed)


def resume(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.cli.run_command import resume_job  # the crawl's code: only for a crawl

    return resume_job(app, args.job_id, as_json=args.json)


def retry_failed(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.cli.run_command import retry_failed_pages  # the crawl's code: only for a crawl

    return retry_failed_pages(app, args.job_id, as_json=args.json)


def job_json(job: Job) -> dict[str, object]:
    return {
        "job_id": job.id,
        "name": job.name,
        "definition_id": job.definition_id,
        "status": str(job.status),
        "progress": job.progress.as_dict(),
        "progress_text": job.progress.text,
        "skipped_by": job.progress.skipped_by_dict(),
        "documents": job.document_count,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "duration_s": round(job.duration_s, 3) if job.duration_s is not None else None,
        "crawl_s": round(job.crawl_time_s, 3) if job.crawl_time_s is not None else None,
        "error": job.error,
        "stopped_by": job.stopped_by and str(job.stopped_by),
        "urls_left": job.urls_left,
    }


def child_json(child: ChildJob) -> dict[str, object]:
    return {
        "id": child.id,
        "url": child.url,
        "depth": child.depth,
        "status": str(child.status),
        "http_status": child.http_status,
        "content_type": child.content_type,
        "title": child.title,
        "result": str(child.result) if child.result else None,
        "note": child.note,
        "rendered_empty": child.rendered_empty,
        "rendered_incomplete": child.rendered_incomplete,
        "change": str(child.change) if child.change else None,
        "reason": str(child.reason) if child.reason else None,
        "error": child.error,
        "attempts": child.attempts,
        "found_on": child.found_on,
    }


def _children_json(children: list[ChildJob], same_as: dict[str, str]) -> list[dict[str, object]]:
    """Each page as ``child_json`` has it; a page that stored a document with the URLs found to show its
    text (``aliases``), a page that showed a stored document's text with that document's URL (``same_as``)."""
    aliases: dict[str, list[str]] = {}
    for alias, document_url in sorted(same_as.items()):
        aliases.setdefault(document_url, []).append(alias)
    shown = []
    for child in children:
        fields = child_json(child)
        if child.result == PageResult.DOCUMENT:
            fields["aliases"] = aliases.get(child.url, [])
        elif child.reason == SkipReason.SAME_CONTENT and child.url in same_as:
            fields["same_as"] = same_as[child.url]
        shown.append(fields)
    return shown


def list_jobs(app: App, args: argparse.Namespace) -> int:
    jobs = app.jobs.list()
    if args.json:
        print_json([masked_values(job_json(job)) for job in jobs])
        return 0
    if not jobs:
        print("no jobs yet (start one with: quaero-desktop run DEF)")
        return 0
    rows = [
        (
            j.id,
            shorten(mask_url_text(j.name), 28),
            j.status,
            j.progress.text,
            j.document_count,
            local_time(j.started_at),
            crawl_duration_text(j.crawl_time_s, j.duration_s),
        )
        for j in jobs
    ]
    print_table(("JOB", "NAME", "STATUS", "PROGRESS", "DOCS", "STARTED", "DURATION"), rows)
    return 0


def show_job(app: App, args: argparse.Namespace) -> int:
    job = app.jobs.get(args.job_id)
    children = app.jobs.children(job.id)
    if args.json:
        print_json(
            masked_values(
                {
                    **job_json(job),
                    "metadata": job.metadata,
                    "config": job.config,
                    "noise": [group.as_dict() for group in app.jobs.noise(job.id)],
                    "children": _children_json(children, app.documents.aliases_met(job.id)),
                }
            )
        )
        return 0
    print(f"Job {job.id}: {mask_url_text(job.name)} ({job.definition_id or 'no definition'})")
    print(f"  status:    {job.status}" + (f" — {mask_url_text(job.error)}" if job.error else ""))
    print(f"  progress:  {job.progress.text}, {job.progress.cancelled} cancelled")
    print(f"  documents: {job.document_count}")
    if job.stopped_by is not None:
        print(f"  {job.stopped_by_text}")
    if job.progress.changes_text:
        print(f"  pages:     {job.progress.changes_text}")
    if job.progress.account_text:
        print(f"  not stored: {job.progress.account_text}")
    duration = crawl_duration_text(job.crawl_time_s, job.duration_s)
    print(f"  started:   {local_time(job.started_at)}   duration: {duration}" + (" of crawling" if duration else ""))
    if job.progress.auth_failures:
        print(f"  {job.progress.auth_failures} page(s) needed a login (session expired?)")
    if job.progress.rendered_empty:
        print(f"  {rendered_empty_text(job.progress.rendered_empty)}")
    if job.progress.rendered_incomplete:
        print(f"  {rendered_incomplete_text(job.progress.rendered_incomplete)}")
    for group in app.jobs.noise(job.id):
        print(f"  noise: {group.text}; exclude with {group.exclude_pattern!r}")
    print()
    rows = [
        (
            c.status,
            c.http_status or "",
            c.depth,
            shorten(mask_url_text(c.url), 70),
            shorten(mask_url_text(c.error or c.note or c.title or ""), 50),
        )
        for c in children
    ]
    print_table(("STATUS", "HTTP", "DEPTH", "URL", "TITLE / NOTE"), rows)
    logs = app.jobs.logs(job.id, min_level="info")[-15:]
    if logs:
        print("\nLog (latest):")
        for entry in logs:
            print(f"  {local_time(entry.created_at)} {entry.level:<7} {mask_url_text(entry.message)}")
    return 0


def cancel_job(app: App, args: argparse.Namespace) -> int:
    print(app.crawls.cancel(app.jobs.resolve_id(args.job_id)).result().message)
    return 0
