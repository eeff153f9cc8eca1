"""``auth import | login | list | delete | proxy | seal | unseal``: saved logins, proxy logins, and logins sealed
for team mode's workers. Never prints a secret."""

from __future__ import annotations

import argparse
import getpass
import sys
import threading
from typing import TYPE_CHECKING

from quaero_desktop.cli.output import local_time, print_json, print_table, shorten
from quaero_desktop.domain.errors import NotFoundError, ValidationError
from quaero_desktop.humanize import count_noun
from quaero_desktop.vault.errors import CredentialNotFoundError, SealedLoginNotFoundError

if TYPE_CHECKING:  # App is built by cli/main.py; only its type is needed here
    from quaero_desktop.app import App
    from quaero_desktop.domain.credential import CredentialSummary


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = subparsers.add_parser("auth", help="saved logins (kept in the OS keyring)")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    importing = commands.add_parser(
        "import", parents=[common], help="save a cookie export (Cookie-Editor, storage_state, cookies.txt, extension)"
    )
    importing.add_argument("auth_id", metavar="AUTH_ID")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--name", help="a display name (default: AUTH_ID)")
    importing.set_defaults(handler=import_login)
    login = commands.add_parser("login", parents=[common], help="log in in a browser window; saved when you close it")
    login.add_argument("auth_id", metavar="AUTH_ID")
    login.add_argument("url", metavar="URL")
    login.add_argument("--name", help="a display name (default: AUTH_ID)")
    login.set_defaults(handler=capture_login)
    listing = commands.add_parser("list", parents=[common], help="saved logins (no secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=list_logins)
    deleting = commands.add_parser("delete", parents=[common], help="delete a saved login from the keyring")
    deleting.add_argument("auth_id", metavar="AUTH_ID")
    deleting.set_defaults(handler=delete_login)
    proxy = commands.add_parser(
        "proxy",
        parents=[common],
        help="save a proxy's user name and password in the keyring (the password is asked for, or read from stdin)",
    )
    proxy.add_argument(
        "proxy_url", metavar="PROXY_URL", help="as in the definition or Settings, e.g. http://proxy:3128"
    )
    proxy.add_argument("--username", help="the proxy's user name")
    proxy.add_argument("--delete", action="store_true", help="delete the proxy's saved login instead")
    proxy.set_defaults(handler=save_proxy_login)
    sealing = commands.add_parser(
        "seal",
        parents=[common],
        help="team mode: seal a saved login with the team key into the store, for workers on other machines",
    )
    sealing.add_argument("auth_id", metavar="AUTH_ID")
    sealing.add_argument("--json", action="store_true", help="print JSON")
    sealing.set_defaults(handler=seal_login)
    unsealing = commands.add_parser(
        "unseal", parents=[common], help="team mode: check that this machine's team key opens a sealed login"
    )
    unsealing.add_argument("auth_id", metavar="AUTH_ID")
    unsealing.add_argument("--json", action="store_true", help="print JSON")
    unsealing.set_defaults(handler=check_sealed_login)


def import_login(app: App, args: argparse.Namespace) -> int:
    saved = app.logins.import_file(args.auth_id, args.file, name=args.name)
    verb = "replaced the saved login" if saved.replaced else "saved login"
    print(f"{verb} '{args.auth_id}': {saved.description}")
    for note in saved.skipped:
        print(f"  skipped {note}", file=sys.stderr)
    print(f'use it in a definition with: auth_id = "{args.auth_id}"')
    _stale_seal_note(app, args.auth_id)
    return 0


def capture_login(app: App, args: argparse.Namespace) -> int:
    capture, finished = app.logins.start_capture(args.url, browser_path=app.settings.browser_path or None)
    print(f"A browser window opened at {args.url}. Log in there, then close the window", file=sys.stderr)
    print("(or press Enter here) to save the login.", file=sys.stderr)
    if sys.stdin is not None and sys.stdin.isatty():

        def finish_on_enter() -> None:
            sys.stdin.readline()
            capture.finish()

        threading.Thread(target=finish_on_enter, daemon=True).start()
    try:
        captured = finished.result()
    except KeyboardInterrupt:
        capture.finish()
        print("cancelled: nothing saved", file=sys.stderr)
        return 130
    saved = app.logins.save_captured(args.auth_id, captured, url=args.url, name=args.name)
    verb = "replaced the saved login" if saved.replaced else "saved login"
    print(f"{verb} '{args.auth_id}': {saved.description}")
    _stale_seal_note(app, args.auth_id)
    return 0


def _stale_seal_note(app: App, auth_id: str) -> None:
    """A login sealed for team mode keeps the cookies it had when sealed: say so when it is saved again."""
    if key_id := app.sealed_logins.sealed_with(auth_id):
        print(
            f"note: workers still get the cookies '{auth_id}' had when it was sealed (team key {key_id}): seal it "
            f"again with `quaero-desktop auth seal {auth_id}`",
            file=sys.stderr,
        )


def list_logins(app: App, args: argparse.Namespace) -> int:
    logins = app.logins.list()
    if args.json:
        sealed = app.sealed_logins.key_ids() if logins else {}  # team mode: the key each sealed copy needs
        print_json([{**summary.as_json(), "sealed_with": sealed.get(summary.auth_id)} for summary in logins])
        return 0
    if not logins:
        print("no saved logins (add one with: quaero-desktop auth login AUTH_ID URL, or auth import AUTH_ID FILE)")
        return 0
    rows = [
        (s.auth_id, shorten(s.name, 30), s.site_domain, s.cookie_count, _expiry(s), local_time(s.updated_at))
        for s in logins
    ]
    print_table(("AUTH_ID", "NAME", "DOMAIN", "COOKIES", "EXPIRES", "SAVED"), rows)
    return 0


def delete_login(app: App, args: argparse.Namespace) -> int:
    try:
        app.logins.delete(args.auth_id)
    except CredentialNotFoundError as exc:  # not found exits 2, as for every other command
        raise NotFoundError(str(exc)) from None
    print(f"deleted login '{args.auth_id}' (and its keyring entries)")
    return 0


def seal_login(app: App, args: argparse.Namespace) -> int:
    try:
        sealed, summary = app.logins.seal(args.auth_id)
    except CredentialNotFoundError as exc:
        raise NotFoundError(str(exc)) from None
    if args.json:
        print_json(
            {
                "auth_id": sealed.auth_id,
                "key_id": sealed.key_id,
                "cookies": summary.cookie_count,
                "sealed_at": sealed.sealed_at,
                "replaced": sealed.replaced,
            }
        )
        return 0
    verb = "sealed again" if sealed.replaced else "sealed"
    print(
        f"{verb} login '{sealed.auth_id}' ({count_noun(summary.cookie_count, 'cookie')} for "
        f"{summary.site_domain or 'no domain'}) "
        f"with team key {sealed.key_id} into the store"
    )
    print(f"workers holding team key {sealed.key_id} can crawl with it; seal it again after logging in again")
    return 0


def check_sealed_login(app: App, args: argparse.Namespace) -> int:
    try:
        credential = app.logins.open_sealed(args.auth_id)
    except SealedLoginNotFoundError as exc:
        raise NotFoundError(str(exc)) from None
    key_id = app.sealed_logins.sealed_with(args.auth_id)
    domains = sorted({cookie.domain for cookie in credential.secret.cookies})
    if args.json:
        print_json(
            {"auth_id": args.auth_id, "key_id": key_id, "cookies": len(credential.secret.cookies), "domains": domains}
        )
        return 0
    print(
        f"the sealed login '{args.auth_id}' opens with this machine's team key {key_id}: "
        f"{count_noun(len(credential.secret.cookies), 'cookie')} for {', '.join(domains[:3]) or 'no domain'}"
    )
    return 0


def _expiry(summary: CredentialSummary) -> str:
    state = summary.expiry_state()
    if state == "session":
        return "session only"
    text = local_time(summary.earliest_expiry)
    return f"expired {text}" if state == "expired" else text


def save_proxy_login(app: App, args: argparse.Namespace) -> int:
    """The proxy's login goes to the keyring only (never the database, a definition or settings.toml)."""
    proxy_url = _proxy_url(args.proxy_url)
    if args.delete:
        deleted = app.proxy_logins.delete(proxy_url)
        print(f"deleted the login of the proxy {proxy_url}" if deleted else f"no login saved for the proxy {proxy_url}")
        return 0
    if not args.username:
        raise ValidationError("the command line", "--username", None, "the proxy's user name (--username NAME)")
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.username} at {proxy_url}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    from quaero_desktop.domain.crawl_defaults import ProxyLogin  # the crawl's settings: only for this command

    app.proxy_logins.save(proxy_url, ProxyLogin(args.username, password))
    print(f"saved the login of {args.username} for the proxy {proxy_url} in {app.vault.secret_store.backend_name}")
    return 0


def _proxy_url(text: str) -> str:
    """The proxy URL checked as a definition checks it (no login inside it)."""
    from quaero_desktop.settings import check_crawl_default  # the crawl's settings: only for this command

    proxy = str(check_crawl_default("proxy", text, "PROXY_URL"))
    if proxy in ("", "system", "none"):
        raise ValidationError("PROXY_URL", "proxy", text, "a proxy URL such as http://proxy.example.com:3128")
    return proxy
