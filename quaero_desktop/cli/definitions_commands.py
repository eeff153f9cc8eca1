"""``definitions list | import | export | delete``."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quaero_desktop.cli.arguments import OutputFile
from quaero_desktop.cli.output import local_time, print_json, print_table, shorten
from quaero_desktop.domain.schedule import next_run

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("definitions", help="list, import, export or delete crawl definitions")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = commands.add_parser("list", parents=[common], help="stored definitions")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_definitions)
    importing = commands.add_parser("import", parents=[common], help="validate and store a .toml/.json file")
    importing.add_argument("file")
    importing.set_defaults(handler=import_definition)
    exporting = commands.add_parser("export", parents=[common], help="print a definition (or write it to FILE)")
    exporting.add_argument("id")
    exporting.add_argument(
        "file",
        nargs="?",
        type=OutputFile("a .toml or .json file to write"),
        help="a .toml or .json file; prints TOML when omitted",
    )
    exporting.set_defaults(handler=export_definition)
    deleting = commands.add_parser("delete", parents=[common], help="delete a stored definition")
    deleting.add_argument("id")
    deleting.set_defaults(handler=delete_definition)


def list_definitions(app: App, args: argparse.Namespace) -> int:
    records = app.definitions.list()
    now = datetime.now().astimezone()
    if args.json:
        print_json(
            [
                {
                    **r.definition.to_mapping(),
                    "created_at": r.created_at,
                    "updated_at": r.updated_at,
                    "next_run": next_run(r.definition.schedule, now) if r.definition.enabled else None,
                }
                for r in records
            ]
        )
        return 0
    if not records:
        print("no definitions stored (add one with: quaero-desktop definitions import FILE)")
        return 0
    rows = []
    for r in records:
        d = r.definition
        upcoming = next_run(d.schedule, now) if d.enabled else None
        rows.append(
            (d.id, shorten(d.name, 30), d.schedule or "manual", local_time(upcoming), shorten(d.start_urls[0], 50))
        )
    print_table(("ID", "NAME", "SCHEDULE", "NEXT RUN", "START URL"), rows)
    return 0


def import_definition(app: App, args: argparse.Namespace) -> int:
    definition, created = app.definitions.import_file(args.file)
    verb = "imported" if created else "replaced existing"
    print(f"{verb} definition '{definition.id}' ({definition.name})")
    return 0


def export_definition(app: App, args: argparse.Namespace) -> int:
    if args.file is None:
        sys.stdout.write(app.definitions.export(args.id, "toml"))
        return 0
    from quaero_desktop.domain.definition_io import export_format  # as app.definitions loads it: only for an export

    path = Path(args.file)
    text = app.definitions.export(args.id, export_format(path))
    path.write_text(text, encoding="utf-8")
    print(f"wrote definition '{args.id}' to {path}")
    return 0


def delete_definition(app: App, args: argparse.Namespace) -> int:
    app.definitions.delete(args.id)
    print(f"deleted definition '{args.id}'")
    return 0
