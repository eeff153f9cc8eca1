"""Quaero against a real wiki behind a login: Debian's DokuWiki (issue 17, item 7).

Installs (once) Debian's ``dokuwiki`` package with Apache and PHP, serves it from a private Apache
on 127.0.0.1 (``--port``, default 8089 or the next free one), makes reading need a login and writes
41 pages in six namespaces that link to each other and to a few pages that do not exist, each with
a codeword found on no other page (``real_wiki_setup.py``). Every login is captured as a user does
it: a visible Chromium under Xvfb through the app's own ``LoginCapture`` (DokuWiki's form filled in
by ``on_page``), saved with ``LoginsService.save_captured`` into a real Secret Service (the script
re-executes itself in ``dbus-run-session`` with an unlocked gnome-keyring, as ``.ci/test`` does, with
a throw-away HOME, XDG directories and data directories; nothing of the machine's user is touched).
Crawls run through the command line (``quaero-desktop --data-dir D run DEF --json``) with default
settings (start URL, login and high limits only):

a. **pages**: render ``auto`` and ``browser``: documents stored against the wiki's 41 pages; how many
   are DokuWiki's action pages (``do=edit``, ``do=revisions``, ``idx=``, ``rev=``, the media manager
   ...); which real pages are stored twice (``?id=X`` and ``?id=X&do=``); every page exactly once?
b. **expired session**: a crawl with ``request_delay`` whose session is killed server-side after a
   few pages (PHP's session files deleted and DokuWiki's cookie salt renewed: deleting the session
   files alone does not log a DokuWiki user out); its status, exit code, ``stopped_by``, documents
   that are DokuWiki's login form; then the same crawl again with the dead login: were good
   documents replaced by the form?
c. **unchanged re-crawl** (a fresh login): the same definition twice; the second run's counts.
d. **deleted page**: a page's file removed, crawled again: what became of its document.
e. the wall time of every crawl and the job log lines "switched ... to the browser for the rest of the crawl".

Each scenario starts from the same wiki (its pages are written again), and every crawl's own changes
to the wiki are read from DokuWiki's changelog: a logged-in crawl must change nothing, yet links such
as "Restore" (``do=revert&rev=...&sectok=...``) are plain GET links.

It prints a table, PASS/FAIL for each acceptance check (most FAIL before issue 17 is fixed), and
the figures as one JSON line last. It also saves the raw HTML of a few pages as the HTTP path sees
them, logged in and out, to ``--samples`` (default /tmp/wiki-samples). Needs root (apt-get, the
wiki's files, Apache); leaves the packages installed and the wiki's pages reset on the next run, and
stops what it started (Apache, Xvfb, the D-Bus session and its keyring).

    .venv/bin/python benchmarks/real_wiki.py [--port 8089] [--samples /tmp/wiki-samples] [--keep] [--ref REF]

``--ref HEAD`` (any commit) tests that commit's ``quaero_desktop``, exported into the sandbox, instead of
the working tree: the "before" figures while the working tree is being changed. About 20 minutes
(the browser crawl alone 7); ``--keep`` keeps the data directories and Apache's logs to look into.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import real_wiki_setup as wiki  # noqa: E402

INNER = "QUAERO_REAL_WIKI_INNER"
CODE_ENV = "QUAERO_REAL_WIKI_CODE"  # the quaero_desktop tree under test (--ref), else this checkout
KEYRING_SERVICE = "quaero-real-wiki-benchmark"
# As .ci/test: a private session bus, an unlocked gnome-keyring in it, then the script again.
SESSION_SCRIPT = (
    'eval "$(printf real-wiki-keyring | gnome-keyring-daemon --unlock --components=secrets --daemonize'
    ' | sed "s/^/export /")"; exec "$@"'
)
FORM_MARKERS = ("You are currently not logged in", "Permission Denied", "enough rights to continue")
# DokuWiki's page for a missing id: never written, or deleted (it has old revisions)
NOT_FOUND = ("This topic does not exist yet", "This page does not exist anymore")
KILL_AFTER = 12  # the crawler's page requests before the session is killed in (b)
RUNNING: dict[subprocess.Popen[str], float] = {}  # crawls under way (-> when they began), stopped if the benchmark is


def stop_on_sigterm() -> None:
    """SIGTERM ends the benchmark like Ctrl+C, through its clean-up (``finally`` blocks)."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))


# ----- the outer process: packages, sandbox, D-Bus session with a keyring -----


def outer(args: argparse.Namespace) -> int:
    if os.geteuid() != 0:
        raise SystemExit("run as root: it installs packages and writes DokuWiki's files")
    installed = wiki.install_packages()
    if installed:
        print(f"installed: {', '.join(installed)}", flush=True)
    sandbox = Path(tempfile.mkdtemp(prefix="quaero-real-wiki-"))
    sandbox.chmod(0o711)  # Apache's PHP (www-data) keeps its sessions in here
    env = dict(os.environ)
    env.setdefault("PLAYWRIGHT_BROWSERS_PATH", str(Path.home() / ".cache" / "ms-playwright"))
    for name, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
        env[name] = str(sandbox / sub)
    env.update(XDG_CACHE_HOME=str(sandbox / "cache"), XDG_RUNTIME_DIR=str(sandbox / "run"))
    for sub in ("home", "data", "config", "cache", "run"):
        (sandbox / sub).mkdir(mode=0o700)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update({INNER: str(sandbox), "QUAERO_KEYRING_SERVICE": KEYRING_SERVICE, "PYTHONDONTWRITEBYTECODE": "1"})
    if args.ref:
        tree = sandbox / "code"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.ref], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        env[CODE_ENV] = str(tree)
        print(f"testing quaero_desktop as of {args.ref} (in {tree})", flush=True)
    command = [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    session = subprocess.Popen(
        ["dbus-run-session", "--", "sh", "-c", SESSION_SCRIPT, "sh", *command], env=env, start_new_session=True
    )
    try:
        return session.wait()
    except (KeyboardInterrupt, SystemExit):
        os.killpg(session.pid, signal.SIGTERM)  # the inner run cleans up (Apache, Xvfb, crawls)
        session.wait(60)
        raise
    finally:
        if args.keep:
            print(f"kept the sandbox (data directories, Apache's logs): {sandbox}")
        else:
            shutil.rmtree(sandbox, ignore_errors=True)


# ----- the inner process -----


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    number = next(n for n in range(99, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    process = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(10)


def capture_login(data_dir: Path, auth_id: str, base: str) -> dict[str, Any]:
    """Log in in a visible Chromium through the app's capture path; saved in the keyring."""
    from playwright.async_api import Page

    from quaero_desktop.app import build_app

    url = base + "doku.php?id=start&do=login"
    app = build_app(data_dir)
    holder: dict[str, Any] = {}
    ready = threading.Event()  # set once start_capture has returned the capture to finish

    async def fill_form(page: Page) -> None:
        try:
            await asyncio.to_thread(ready.wait, 60)
            await page.wait_for_selector("#dw__login input[name=u]")
            await page.fill("#dw__login input[name=u]", wiki.ADMIN_USER)
            await page.fill("#dw__login input[name=p]", wiki.ADMIN_PASSWORD)
            async with page.expect_navigation():
                await page.click("#dw__login button[type=submit]")
            await page.wait_for_load_state("load")
            holder["logged_in"] = await page.locator("#dokuwiki__usertools li.logout").count() > 0
        finally:
            holder["capture"].finish()

    try:
        began = time.perf_counter()
        capture, finished = app.logins.start_capture(
            url, browser_path=app.settings.browser_path or None, headless=False, on_page=fill_form
        )
        holder["capture"] = capture
        ready.set()
        captured = finished.result(timeout=120)
        if not holder.get("logged_in"):
            raise SystemExit(f"the login form at {url} did not log in")
        saved = app.logins.save_captured(auth_id, captured, url=url, name="DokuWiki (real_wiki benchmark)")
        return {
            "seconds": time.perf_counter() - began,
            "description": saved.description,
            "cookies": {c.name: c.value for c in captured.secret.cookies},
            "user_agent": captured.secret.user_agent,
        }
    finally:
        app.close(detach=False)


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*quaero(), "--data-dir", str(data_dir), *args], capture_output=True, text=True, cwd=code())


def code() -> Path:
    return Path(os.environ.get(CODE_ENV) or ROOT)


def quaero() -> list[str]:
    """The command line of the code under test (run from ``code()``, so ``-m`` imports that tree)."""
    return [sys.executable, "-m", "quaero_desktop"]


def write_definition(
    folder: Path, def_id: str, base: str, render: str, delay: str = "", extra: tuple[str, ...] = ()
) -> Path:
    lines = [
        f'id = "{def_id}"',
        f'name = "Real wiki ({def_id})"',
        f'start_urls = ["{base}doku.php?id=start"]',
        f'auth_id = "{def_id}"',
        "max_depth = 5",
        "max_pages = 3000",
        'timeout = "1h"',
        f'render = "{render}"',
    ]
    if delay:
        lines.append(f'request_delay = "{delay}"')
    lines.extend(extra)
    path = folder / f"{def_id}-{render}{'-delay' if delay else ''}{'-extra' if extra else ''}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def finish_crawl(process: subprocess.Popen[str], began: float, data_dir: Path) -> dict[str, Any]:
    out, err = process.communicate()
    since = RUNNING.pop(process)
    wall = time.perf_counter() - began
    try:
        result: dict[str, Any] = json.loads(out)
    except json.JSONDecodeError:
        raise SystemExit(f"run gave no JSON (exit {process.returncode}): {err[-2000:]}") from None
    result.update(exit_code=process.returncode, wall_s=round(wall, 2), wiki_edits=wiki.wiki_edits(since))
    result.update(job_details(data_dir, result["job_id"]))
    return result


def start_crawl(data_dir: Path, definition: Path) -> tuple[subprocess.Popen[str], float]:
    command = [*quaero(), "--data-dir", str(data_dir), "run", str(definition), "--json"]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=code())
    RUNNING[process] = time.time()
    return process, began


def crawl(data_dir: Path, definition: Path) -> dict[str, Any]:
    process, began = start_crawl(data_dir, definition)
    return finish_crawl(process, began, data_dir)


def job_details(data_dir: Path, job_id: str) -> dict[str, Any]:
    """From the store: the log lines that matter here, and the pages refused for a login."""
    from quaero_desktop.app import build_app

    app = build_app(data_dir)
    try:
        logs = app.jobs.logs(job_id)
        children = app.jobs.children(job_id)
        real = set(wiki.SITE)
        changed = [c.url for c in children if c.change is not None and str(c.change) == "changed"]
        return {
            "switched": [e.message for e in logs if "to the browser for the rest of the crawl" in e.message],
            "auth_failed_pages": sum(1 for c in children if c.error and "authentication required" in c.error),
            "log_warnings": [e.message for e in logs if e.level in ("warning", "error")][:8],
            "changed_by_kind": dict(Counter(classify(url, real)[0] for url in changed)),
            "changed_actions": dict(Counter(label for url in changed if (label := classify(url, real)[2]))),
            "changed_real_pages": [url for url in changed if classify(url, real)[0] == "page"][:10],
            "skipped_noindex": sorted(
                page_id
                for c in children
                if str(getattr(c, "reason", None)) == "noindex"
                and classify(c.url, real)[0] == "page"
                and (page_id := classify(c.url, real)[1]) in real
            ),
        }
    finally:
        app.close(detach=False)


# ----- what the store holds -----


def classify(url: str, real: set[str]) -> tuple[str, str, str]:
    """(kind, page id, action) of a stored URL: kind is page, action, missing, other."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.path.endswith("/dokuwiki/") and not parts.query:  # the wiki's root: its start page (its canonical URL)
        return "page", "start", ""
    if not parts.path.endswith("/doku.php"):
        return "other", "", parts.path.rsplit("/", 1)[-1] or parts.path
    page_id = query.get("id", [""])[0].lower().lstrip(":") or "start"
    if page_id.endswith(":"):
        page_id += "start"
    do = query.get("do", [""])[0]
    extra = sorted(set(query) - {"id", "do"})
    if do not in ("", "show") or extra:
        return "action", page_id, f"do={do}" if do else "&".join(f"{key}=" for key in extra)
    return ("page" if page_id in real else "missing"), page_id, ""


def store_contents(data_dir: Path, work: Path) -> list[dict[str, Any]]:
    listing = cli(data_dir, "documents", "list", "--json")
    documents: list[dict[str, Any]] = json.loads(listing.stdout)
    target = work / f"export-{data_dir.name}-{time.monotonic_ns()}"
    exported = cli(data_dir, "documents", "export", str(target), "--format", "jsonl")
    if exported.returncode != 0:
        raise SystemExit(f"documents export failed: {exported.stderr}")
    markdown = {}
    with (target / "quaero-documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            markdown[record["id"]] = record["markdown"]
    shutil.rmtree(target)
    for document in documents:
        document["markdown"] = markdown.get(document["id"], "")
    return documents


def is_form(markdown: str) -> bool:
    return any(marker in markdown for marker in FORM_MARKERS)


def is_not_found(markdown: str) -> bool:
    return any(marker in markdown for marker in NOT_FOUND)


def analyse(documents: list[dict[str, Any]], pages: list[wiki.WikiPage]) -> dict[str, Any]:
    real = {p.id for p in pages}
    kinds: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    page_urls: dict[str, list[str]] = {p.id: [] for p in pages}
    for document in documents:
        kind, page_id, action = classify(document["url"], real)
        document["kind"] = kind
        kinds[kind] += 1
        if kind in ("action", "other"):
            actions[action] += 1
        if kind == "page":
            page_urls[page_id].append(document["url"])
    holders = {p.id: [d for d in documents if p.codeword in d["markdown"]] for p in pages}
    once = [
        p.id
        for p in pages
        if len(holders[p.id]) == 1 and holders[p.id][0]["kind"] == "page" and not holders[p.id][0]["gone"]
    ]
    return {
        "documents": len(documents),
        "page_documents": kinds["page"],
        "action_documents": kinds["action"] + kinds["other"],
        "missing_page_documents": kinds["missing"],
        "actions": dict(actions.most_common()),
        "real_pages_found": sum(1 for urls in page_urls.values() if urls),
        "real_pages_stored_twice": {pid: urls for pid, urls in page_urls.items() if len(urls) > 1},
        "codeword_copies": sum(len(found) for found in holders.values()),
        "pages_with_codeword_elsewhere": sum(1 for found in holders.values() if len(found) > 1),
        "pages_stored_once": len(once),
        "pages_not_stored": sorted(pid for pid in real if not holders[pid]),
        "form_documents": sum(1 for d in documents if is_form(d["markdown"])),
        "real_page_forms": sum(1 for d in documents if d["kind"] == "page" and is_form(d["markdown"])),
        "not_found_documents": sum(1 for d in documents if is_not_found(d["markdown"])),
        "gone_documents": sum(1 for d in documents if d["gone"]),
    }


# ----- HTML samples (item 5) -----

SAMPLES = {  # name -> URL under the wiki; logged out, "page" is the "Permission Denied" login form
    "page": "doku.php?id=engineering:deployment",
    "start": "doku.php?id=start",
    "recently-edited-page": "doku.php?id=projects:beacon",
    "namespace-start": "doku.php?id=engineering:infra:",
    "edit": "doku.php?id=engineering:deployment&do=edit",
    "revisions": "doku.php?id=engineering:deployment&do=revisions",
    "diff": "doku.php?id=engineering:deployment&do=diff",
    "backlink": "doku.php?id=engineering:deployment&do=backlink",
    "recent": "doku.php?id=start&do=recent",
    "sitemap-index": "doku.php?id=start&do=index",
    "media-manager": "doku.php?id=start&do=media&ns=",
    "admin": "doku.php?id=start&do=admin",
    "not-found": "doku.php?id=projects:zephyr",
}


def fetch(url: str, cookies: dict[str, str] | None, user_agent: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    if cookies:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


def save_samples(folder: Path, base: str, login: dict[str, Any]) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    seen = {}
    for name, path in SAMPLES.items():
        for state, cookies in (("logged-in", login["cookies"]), ("logged-out", None)):
            status, html, _headers = fetch(base + path, cookies, login["user_agent"])
            (folder / f"{name}.{state}.html").write_text(html, encoding="utf-8")
            seen[f"{name}.{state}"] = f"HTTP {status}, {'login form' if is_form(html) else 'no login form'}"
    index = [f"{file}.html  {what}  ({base}{SAMPLES[file.split('.')[0]]})" for file, what in seen.items()]
    (folder / "README.txt").write_text(
        "DokuWiki pages as the HTTP path gets them, with the captured login and without (benchmarks/real_wiki.py)\n"
        + "\n".join(index)
        + "\n"
    )
    return seen


def logged_in(base: str, login: dict[str, Any]) -> bool:
    _status, html, _headers = fetch(base + "doku.php?id=start", login["cookies"], login["user_agent"])
    return not is_form(html) and "amberfalcon00" in html


# ----- the scenarios -----


def scenario_pages(
    work: Path, base: str, pages: list[wiki.WikiPage], render: str, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    data_dir = work / f"a-{render}{'-extra' if extra else ''}"
    def_id = f"wiki-{render}"
    wiki.write_pages()  # the wiki as it was: an earlier crawl may have changed it
    login = capture_login(data_dir, def_id, base)
    result = crawl(data_dir, write_definition(work, def_id, base, render, extra=extra))
    result["store"] = analyse(store_contents(data_dir, work), pages)
    result["capture_s"] = round(login["seconds"], 1)
    return result


def scenario_expired(work: Path, base: str, pages: list[wiki.WikiPage], apache: wiki.Apache) -> dict[str, Any]:
    data_dir = work / "b-expired"
    def_id = "wiki-expired"
    wiki.write_pages()
    login = capture_login(data_dir, def_id, base)
    definition = write_definition(work, def_id, base, "auto", delay="0.3s")
    start_line = apache.requests_logged()
    process, began = start_crawl(data_dir, definition)
    killed_after = None
    while process.poll() is None:
        pages_fetched = crawler_page_requests(apache, start_line)
        if pages_fetched >= KILL_AFTER:
            killed_after = pages_fetched
            sessions = wiki.kill_sessions(apache)
            break
        time.sleep(0.05)
    first = finish_crawl(process, began, data_dir)
    first["killed_after_requests"] = killed_after
    first["session_files_deleted"] = sessions if killed_after else 0
    first["kill_logged_out"] = not logged_in(base, login)
    before = {d["url"]: d for d in store_contents(data_dir, work)}
    first["store"] = analyse(list(before.values()), pages)
    # the same crawl again with the dead login (no delay)
    second = crawl(data_dir, write_definition(work, def_id, base, "auto"))
    after = store_contents(data_dir, work)
    second["store"] = analyse(after, pages)
    good_before = {url for url, d in before.items() if not is_form(d["markdown"])}
    second["good_replaced_by_form"] = sum(1 for d in after if d["url"] in good_before and is_form(d["markdown"]))
    second["good_before"] = len(good_before)
    return {"first": first, "dead_login": second}


def crawler_page_requests(apache: wiki.Apache, skip: int) -> int:
    try:
        with apache.access_log.open("rb") as log:
            lines = log.readlines()[skip:]
    except FileNotFoundError:
        return 0
    return sum(1 for line in lines if b"GET /dokuwiki/doku.php" in line)


def scenario_recrawl(work: Path, base: str, pages: list[wiki.WikiPage]) -> dict[str, Any]:
    data_dir = work / "c-recrawl"
    def_id = "wiki-recrawl"
    wiki.write_pages()
    capture_login(data_dir, def_id, base)
    definition = write_definition(work, def_id, base, "auto")
    first = crawl(data_dir, definition)
    first["store"] = analyse(store_contents(data_dir, work), pages)
    second = crawl(data_dir, definition)
    second["store"] = analyse(store_contents(data_dir, work), pages)
    # (d) a deleted page
    wiki.delete_page(wiki.DELETED_PAGE)
    third = crawl(data_dir, definition)
    documents = store_contents(data_dir, work)
    third["store"] = analyse(documents, pages)
    deleted = next(p for p in pages if p.id == wiki.DELETED_PAGE)
    mine = [d for d in documents if classify(d["url"], {deleted.id})[:2] == ("page", deleted.id)]
    third["deleted_page"] = {
        "id": deleted.id,
        "documents": [
            {
                "url": d["url"],
                "gone": d["gone"],
                "not_found_text": is_not_found(d["markdown"]),
                "old_text": deleted.codeword in d["markdown"],
            }
            for d in mine
        ],
    }
    return {"first": first, "unchanged": second, "deleted": third}


# ----- report -----


def checks(results: dict[str, Any]) -> list[tuple[str, bool, str]]:
    found = []
    for render in ("auto", "browser"):
        run = results[f"pages_{render}"]
        store = run["store"]
        # With the default settings DokuWiki's own noindex is obeyed: the pages it marks so (edited within its
        # indexdelay, 5 days) are skipped and named in the crawl's account, every other page is stored once.
        skipped = set(run["skipped_noindex"])
        found.append(
            (
                f"{render}: every real page stored exactly once, or skipped as noindex (the wiki's recent edits)",
                store["pages_stored_once"] + len(skipped) == len(wiki.SITE)
                and set(store["pages_not_stored"]) == skipped
                and skipped <= wiki.RECENT,
                f"{store['pages_stored_once']} of {len(wiki.SITE)} stored once; skipped as noindex: "
                f"{sorted(skipped) or 'none'}",
            )
        )
        found.append(
            (
                f"{render}: no action page stored",
                store["action_documents"] == 0,
                f"{store['action_documents']} action documents",
            )
        )
    every = results["pages_auto_obey_noindex_false"]["store"]
    found.append(
        (
            "auto, obey_noindex = false: every real page stored exactly once",
            every["pages_stored_once"] == len(wiki.SITE),
            f"{every['pages_stored_once']} of {len(wiki.SITE)}; action documents (noindex pages linked without "
            f"nofollow, now stored): {every['action_documents']} {every['actions']}",
        )
    )
    expired = results["expired"]
    for name in ("first", "dead_login"):
        run = expired[name]
        ok = run["stopped_by"] == "login_expired" and run["store"]["form_documents"] == 0
        detail = f"stopped_by={run['stopped_by']}, status={run['status']}, {run['store']['form_documents']} form docs"
        if name == "dead_login":
            ok = ok and run["good_replaced_by_form"] == 0
            detail += f", {run['good_replaced_by_form']} good documents replaced by the form"
        found.append((f"expired session ({name.replace('_', ' ')}) stops the crawl, stores no form", ok, detail))
    unchanged = results["recrawl"]["unchanged"]
    found.append(
        (
            "unchanged re-crawl reports 0 changed",
            unchanged["pages_changed"] == 0,
            f"new {unchanged['pages_new']}, changed {unchanged['pages_changed']}, "
            f"unchanged {unchanged['pages_unchanged']}, gone {unchanged['pages_gone']}",
        )
    )
    deleted = results["recrawl"]["deleted"]
    docs = deleted["deleted_page"]["documents"]
    found.append(
        (
            "deleted page is gone",
            bool(docs) and all(d["gone"] for d in docs) and deleted["pages_gone"] >= 1,
            f"pages_gone={deleted['pages_gone']}, its documents: "
            + ("; ".join(f"gone={d['gone']} not-found-text={d['not_found_text']}" for d in docs) or "none"),
        )
    )
    edits = [edit for run in all_runs(results) for edit in run["wiki_edits"]]
    found.append(("(extra) the crawls leave the wiki unchanged", not edits, f"{len(edits)} changes in its changelog"))
    return found


def all_runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        results["pages_auto"],
        results["pages_auto_obey_noindex_false"],
        results["pages_browser"],
        *results["expired"].values(),
        *results["recrawl"].values(),
    ]


def print_report(results: dict[str, Any]) -> None:
    print("\n=== Quaero against DokuWiki", results["wiki_version"], f"({len(wiki.SITE)} pages) ===")
    rows = [
        (
            "crawl",
            "status",
            "exit",
            "stopped_by",
            "pages",
            "docs",
            "page",
            "action",
            "forms",
            "new/chg/unch/gone",
            "wall",
            "wiki edits",
            "browser switch",
        )
    ]
    runs = [
        ("a auto", results["pages_auto"]),
        ("a auto, noindex off", results["pages_auto_obey_noindex_false"]),
        ("a browser", results["pages_browser"]),
        ("b expired (killed)", results["expired"]["first"]),
        ("b dead login again", results["expired"]["dead_login"]),
        ("c first", results["recrawl"]["first"]),
        ("c unchanged", results["recrawl"]["unchanged"]),
        ("d deleted page", results["recrawl"]["deleted"]),
    ]
    for name, run in runs:
        store = run.get("store")
        counts = f"{run['pages_new']}/{run['pages_changed']}/{run['pages_unchanged']}/{run['pages_gone']}"
        rows.append(
            (
                name,
                run["status"],
                str(run["exit_code"]),
                str(run["stopped_by"]),
                str(run["pages_completed"] + run["pages_failed"]),
                str(run["documents"]) if store is None else str(store["documents"]),
                "" if store is None else str(store["page_documents"]),
                "" if store is None else str(store["action_documents"]),
                "" if store is None else str(store["form_documents"]),
                counts,
                f"{run['wall_s']:.1f}s",
                str(len(run["wiki_edits"])),
                "yes" if run["switched"] else "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for render in ("auto", "browser"):
        run = results[f"pages_{render}"]
        store = run["store"]
        print(f"\n{render}: {store['real_pages_found']}/{len(wiki.SITE)} real pages found under their URL, "
              f"{len(store['real_pages_stored_twice'])} stored twice, {store['codeword_copies']} codeword copies, "
              f"not stored: {store['pages_not_stored'] or 'none'}")  # fmt: skip
        print(f"  action documents by kind: {store['actions']}")
    first, dead = results["expired"]["first"], results["expired"]["dead_login"]
    print(f"\nb: session killed after {first['killed_after_requests']} page requests "
          f"({first['session_files_deleted']} PHP session files, cookie salt renewed); logged out: "
          f"{first['kill_logged_out']}; pages refused as 'authentication required': {first['auth_failed_pages']}; "
          f"again with the dead login: {dead['auth_failed_pages']}; real pages stored as the login form: "
          f"{first['store']['real_page_forms']}, then {dead['store']['real_page_forms']}; good documents replaced "
          f"by the form in the second run: {dead['good_replaced_by_form']} of {dead['good_before']}")  # fmt: skip
    for name, run in runs:
        for line in run["switched"]:
            print(f"{name}: {line}")
    unchanged = results["recrawl"]["unchanged"]
    print(f"c: changed pages by kind: {unchanged['changed_by_kind']}, actions: {unchanged['changed_actions']}")
    print(f"d: {results['recrawl']['deleted']['deleted_page']}")
    edits = [edit for _name, run in runs for edit in run["wiki_edits"]]
    print(f"the crawls' own changes to the wiki: {len(edits)} {edits[:6]}{' ...' if len(edits) > 6 else ''}")
    print("\nAcceptance checks:")
    for name, ok, detail in results["checks"]:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")


def inner(args: argparse.Namespace) -> int:
    sandbox = Path(os.environ[INNER])
    sys.path.insert(0, str(code()))  # before this checkout: the crawls and the capture use the code under test
    work = sandbox / "work"
    work.mkdir()
    wiki.configure_wiki()
    pages = wiki.pages()
    apache = wiki.Apache(sandbox / "apache", wiki.free_port(args.port))
    began = time.perf_counter()
    results: dict[str, Any] = {
        "wiki_version": Path("/usr/share/dokuwiki/VERSION").read_text().strip(),
    }
    try:
        apache.start()
        base = apache.base
        results["base"] = base
        with xvfb() as display:
            os.environ["DISPLAY"] = display
            print(f"DokuWiki at {base}, Xvfb {display}, sandbox {sandbox}", flush=True)
            print("a: auto ...", flush=True)
            results["pages_auto"] = scenario_pages(work, base, pages, "auto")
            print("a: auto, obey_noindex = false ...", flush=True)
            results["pages_auto_obey_noindex_false"] = scenario_pages(
                work, base, pages, "auto", extra=("obey_noindex = false",)
            )
            wiki.write_pages()
            login = capture_login(work / "samples", "samples", base)
            results["samples"] = save_samples(Path(args.samples), base, login)
            print("a: browser ...", flush=True)
            results["pages_browser"] = scenario_pages(work, base, pages, "browser")
            print("b: expired session ...", flush=True)
            results["expired"] = scenario_expired(work, base, pages, apache)
            print("c, d: re-crawl, deleted page ...", flush=True)
            results["recrawl"] = scenario_recrawl(work, base, pages)
    finally:
        for process in list(RUNNING):
            process.terminate()
            process.wait(30)
        apache.stop()
    results["total_s"] = round(time.perf_counter() - began, 1)
    results["checks"] = checks(results)
    print_report(results)
    print(f"\nHTML samples in {args.samples}; total {results['total_s']} s")
    print(json.dumps(results, default=str))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8089, help="Apache's port (the next free one if taken)")
    parser.add_argument("--samples", default="/tmp/wiki-samples", help="where the HTML samples go")
    parser.add_argument("--keep", action="store_true", help="keep the sandbox (data directories, logs)")
    parser.add_argument(
        "--ref", help="test quaero_desktop as of this git commit (exported into the sandbox), not the working tree"
    )
    args = parser.parse_args()
    stop_on_sigterm()
    return inner(args) if os.environ.get(INNER) else outer(args)


if __name__ == "__main__":
    raise SystemExit(main())
