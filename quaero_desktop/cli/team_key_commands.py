"""``team-key create | export | import | show``: the key that seals logins for team mode's workers.

Prints the key's id and where it is kept, never the key (only ``export`` writes it, to a file only its
owner may read)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from quaero_desktop.cli.arguments import OutputFile
from quaero_desktop.cli.output import print_json

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App
    from quaero_desktop.vault.team_key_store import KeyPlace

KEY_FILE = OutputFile("a file name for the team key (it is written readable by you alone)")
_CARRY = (
    "carry it to each worker machine: `quaero-desktop team-key export --file PATH` here, then "
    "`quaero-desktop team-key import --file PATH` there (or point QUAERO_TEAM_KEY_FILE at the file)"
)


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser(
        "team-key", help="team mode: the key that seals logins for workers on other machines (never in the database)"
    )
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = commands.add_parser(
        "create", parents=[common], help="make a new team key and keep it in the keyring (or --file)"
    )
    create.add_argument("--file", type=KEY_FILE, help="keep it in this file (chmod 600) instead of the keyring")
    create.add_argument("--replace", action="store_true", help="replace an existing team key")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(handler=create_key)
    export = commands.add_parser(
        "export", parents=[common], help="write the team key to a file readable by you alone, to carry to a worker"
    )
    export.add_argument("--file", type=KEY_FILE, required=True)
    export.add_argument("--replace", action="store_true", help="overwrite the file if it exists")
    export.add_argument("--json", action="store_true", help="print JSON")
    export.set_defaults(handler=export_key)
    importing = commands.add_parser(
        "import", parents=[common], help="keep the team key from a key file in this machine's keyring"
    )
    importing.add_argument("--file", required=True, help="a file written by team-key export (chmod 600)")
    importing.add_argument("--replace", action="store_true", help="replace a different team key already there")
    importing.add_argument("--json", action="store_true", help="print JSON")
    importing.set_defaults(handler=import_key)
    show = commands.add_parser("show", parents=[common], help="the team key's id and where it is kept (never the key)")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=show_key)


def create_key(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.vault.team_key import new_team_key
    from quaero_desktop.vault.team_key_store import file_place

    place = file_place(Path(args.file).expanduser()) if args.file else app.team_keys.configured_place()
    key = new_team_key()
    app.team_keys.save(key, place, replace=args.replace)
    if args.json:
        print_json(_place_json(key.key_id, place))
        return 0
    print(f"created team key {key.key_id} in {place.description}")
    configured = app.team_keys.configured_file()
    if args.file and (configured is None or configured.file != place.file):
        print(f"this machine uses it once QUAERO_TEAM_KEY_FILE={args.file} (or team_key_file in Settings) is set")
    print(_CARRY, file=sys.stderr)
    return 0


def export_key(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.vault.team_key import write_key_file

    key = app.team_keys.load()
    write_key_file(Path(args.file).expanduser(), key, replace=args.replace)
    if args.json:
        print_json({"key_id": key.key_id, "file": os.path.abspath(args.file)})
        return 0
    print(f"wrote team key {key.key_id} to {args.file} (readable by you alone)")
    print(
        "carry it to the worker over a channel you trust, run `quaero-desktop team-key import --file PATH` there, "
        "then delete the file",
        file=sys.stderr,
    )
    return 0


def import_key(app: App, args: argparse.Namespace) -> int:
    from quaero_desktop.vault.team_key import read_key_file

    key = read_key_file(Path(args.file).expanduser())
    place = app.team_keys.keyring_place()
    changed = app.team_keys.save(key, place, replace=args.replace)
    if args.json:
        print_json({**_place_json(key.key_id, place), "changed": changed})
        return 0
    print(f"{'imported' if changed else 'already had'} team key {key.key_id} in {place.description}")
    if (configured := app.team_keys.configured_file()) is not None:
        print(f"note: this machine uses {configured.description} instead of the keyring", file=sys.stderr)
    return 0


def show_key(app: App, args: argparse.Namespace) -> int:
    place = app.team_keys.configured_place()
    key = app.team_keys.find(place)
    sealed = app.sealed_logins.key_ids()
    if args.json:
        print_json({**_place_json(key.key_id if key else None, place), "sealed_logins": sealed})
        return 0
    if key is None:
        print(f"no team key in {place.description}: create one with `quaero-desktop team-key create`, or import")
        print("the team's with `quaero-desktop team-key import --file PATH`")
    else:
        print(f"team key {key.key_id} in {place.description}")
    for auth_id, key_id in sorted(sealed.items()):
        opens = "opens with this key" if key and key_id == key.key_id else f"needs team key {key_id}"
        print(f"  sealed login '{auth_id}': {opens}")
    return 0


def _place_json(key_id: str | None, place: KeyPlace) -> dict[str, object]:
    return {
        "key_id": key_id,
        "where": place.description,
        "file": str(place.file.absolute()) if place.file else None,
    }
