"""Real generated manuals from Debian packages, crawled end to end: is every page accounted for? (issue 17)

Issue 17: a DocBook manual and an AsciiDoc manual whose pages begin with ``<?xml ...?>`` stored
nothing in ``auto``/``http`` mode and the job still said "completed", exit 0. This benchmark crawls
such manuals as they ship, plus manuals of other generators that no test was written against:

1. installs the Debian ``-doc`` packages in ``MANUALS`` (``apt-get``, only those missing; root);
2. copies each manual's folder to a temporary folder (symbolic links followed, ``*.html.gz``
   decompressed beside themselves, as Debian compresses large pages) and serves it on 127.0.0.1
   from a thread of this script (``.html`` as ``text/html``, ``.xhtml`` as
   ``application/xhtml+xml``, no directory listings);
3. works out offline, with lxml, which HTML files are reachable from the start file by
   ``a[href]``/``area[href]`` links within the manual (and which links point at missing files); for
   ``auto`` and ``browser`` also by the ``"….html"`` literals of the pages' scripts (Doxygen builds
   its menu from script: plain links reach only its main page, which ``http`` rightly stops at);
4. crawls each manual with the command line, ``quaero-desktop --data-dir FRESH run DEF --json``, in
   each mode (``auto`` and ``http``; ``browser`` too for the smallest manual of each set), with
   limits no manual reaches (5000 pages, depth 20, concurrency 4);
5. accounts for every page the crawl met (``jobs show --json``): stored, skipped (by reason),
   duplicate, failed (by error), cancelled, pending. A crawl PASSES when the CLI exited 0 with
   status ``completed``, no page is cancelled, pending or running, completed + failed == pages met,
   every page met was stored, skipped or marked duplicate with a reason, or failed with an error,
   the job's document count equals its stored pages, and every reachable HTML file was met;
6. prints a table (manual x mode), the details of every shortfall, and one JSON line with every
   figure; writes the first lines of 3 stored documents per crawl to ``--out`` (default
   ``/tmp/manuals-samples/``) with each crawl's stderr, for a human to judge the Markdown.

Exit status: 0 when every crawl passes, 1 otherwise. Not part of the test suite (it installs
packages and takes minutes).

    .venv/bin/python benchmarks/real_manuals.py [--only NAME[,NAME]] [--modes auto,http[,browser]]
        [--out DIR] [--keep] [--no-install] [--crawl-timeout SECONDS] [--code DIR]

``--code DIR`` runs the CLI from another source tree, e.g. the last commit while the work tree is being
changed: ``git archive HEAD | tar -x -C DIR``. Timings are wall-clock on a possibly shared machine: each
crawl records the load average beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import mimetypes
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / ".venv" / "bin" / "quaero-desktop"
CLI_ENV = dict(os.environ)  # --code DIR puts DIR first on the CLI's PYTHONPATH


@dataclass(frozen=True)
class Manual:
    name: str
    package: str  # the Debian package that ships it
    generator: str
    folder: str  # the manual's folder as installed
    start: str  # the start file, relative to folder
    group: str  # "issue17": the manuals of the report; "unseen": other generators
    browser: bool = False  # also crawled with render = "browser" (the smallest of its group)


# Chosen with `apt-get download` + `dpkg -c` on Debian 12 (bookworm); HTML files as shipped.
MANUALS = [
    # DocBook XSL, 1169 XHTML pages, each starting <?xml version="1.0" encoding="UTF-8" standalone="no"?>
    Manual(
        "postgresql",
        "postgresql-doc-15",
        "DocBook XSL",
        "/usr/share/doc/postgresql-doc-15/html",
        "index.html",
        "issue17",
    ),
    # AsciiDoc, 241 XHTML 1.1 pages starting <?xml version="1.0" encoding="UTF-8"?> (user-manual.html: DocBook,
    # HTML 4.01); index.html is a symbolic link to git.html
    Manual("git", "git-doc", "AsciiDoc", "/usr/share/doc/git-doc", "index.html", "issue17", browser=True),
    # Sphinx, 530 HTML5 pages and whatsnew/changelog.html.gz; the pages have scripts (search, switchers)
    Manual("python", "python3.11-doc", "Sphinx", "/usr/share/doc/python3.11/html", "index.html", "unseen"),
    # Doxygen, 469 XHTML 1.0 pages (no XML declaration); the menu is built by script, include graphs are image maps
    Manual("sdl2", "libsdl2-doc", "Doxygen", "/usr/share/doc/libsdl2-doc/html", "index.html", "unseen"),
    # GNU Texinfo 6.8 (makeinfo --html, split by node), 222 HTML 4.01 pages
    Manual("flex", "flex-doc", "Texinfo", "/usr/share/doc/flex-doc/html", "index.html", "unseen", browser=True),
]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".css": "text/css",
    ".js": "text/javascript",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
MAX_PAGES, MAX_DEPTH, CONCURRENCY = 5000, 20, 4
SAMPLE_LINES = 15
EXAMPLES = 20  # URLs or files listed per kind of shortfall
SCRIPT_LINK = re.compile(r"""["']([^"'\s<>:]+\.x?html?)(?:#[^"'\s]*)?["']""")  # "annotated.html" in a script
FAKE_HOST = "http://manual.invalid"  # the base of the offline link walk: URL space, as the server sees it


# ----- packages -----


def install(manuals: list[Manual]) -> None:
    """apt-get install the packages not installed yet (idempotent)."""
    missing = [m.package for m in manuals if not _installed(m.package)]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"not installed: {' '.join(missing)}; run as root or install them first")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    _log(f"installing {' '.join(missing)} ...")
    if subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)


def _installed(package: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.strip().endswith(" installed")


# ----- the served copy -----


def copy_manual(manual: Manual, into: Path) -> Path:
    """The manual's folder copied to ``into`` (links followed), ``*.html.gz`` decompressed beside themselves."""
    target = into / manual.name
    # Not ignore_dangling_symlinks: it tests a relative link's target against the working directory
    # (git-doc's index.html -> git.html would be dropped); a dangling link is an error, after the rest is copied.
    with contextlib.suppress(shutil.Error):
        shutil.copytree(manual.folder, target, symlinks=False)
    for packed in target.rglob("*.gz"):
        plain = packed.with_suffix("")
        if plain.suffix in HTML_SUFFIXES and not plain.exists():
            with gzip.open(packed) as source, plain.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    return target


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real web server

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        suffix = Path(path).suffix.lower()
        return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404, "No index")  # a folder without index.html is no page

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ----- offline: what is reachable -----


def file_key(url: str, root: Path) -> str:
    """The file (relative to ``root``) that the server answers ``url`` with, or "missing:PATH"."""
    path = unquote(urlsplit(url).path) or "/"
    relative = posixpath.normpath(path).lstrip("/")
    relative = "" if relative == "." else relative
    target = root / relative
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    if target.is_file():
        return target.relative_to(root).as_posix()
    return f"missing:{path}"


@dataclass
class Reachable:
    html: dict[str, int] = field(default_factory=dict)  # HTML file -> its link depth (breadth-first)
    other: set[str] = field(default_factory=set)  # other files linked (CSS, images, text sources ...)
    missing: dict[str, str] = field(default_factory=dict)  # "missing:PATH" -> a page linking to it
    unparsable: list[str] = field(default_factory=list)


def reachable(root: Path, start: str, *, scripts: bool = False) -> Reachable:
    """Walk ``a[href]``/``area[href]`` breadth-first from ``start``, in URL space (same host only).

    ``scripts``: also follow the ``"….html"`` string literals of each page's scripts (inline, or files of
    the manual), resolved against the page: links a browser builds from script (Doxygen's menu), roughly."""
    found = Reachable()
    script_cache: dict[str, str] = {}
    start_url = f"{FAKE_HOST}/{start}"
    seen_urls = {start_url}
    queue = deque([(start_url, 0)])
    while queue:
        url, depth = queue.popleft()
        key = file_key(url, root)
        if key.startswith("missing:"):
            continue
        if not key.endswith(HTML_SUFFIXES):
            found.other.add(key)
            continue
        if key in found.html:
            continue
        found.html[key] = depth
        for link in _links(root, key, url, found, script_cache if scripts else None):
            if link.startswith(FAKE_HOST + "/") and link not in seen_urls:
                seen_urls.add(link)
                target = file_key(link, root)
                if target.startswith("missing:"):
                    found.missing.setdefault(target, key)
                else:
                    queue.append((link, depth + 1))
    return found


def _links(root: Path, key: str, url: str, found: Reachable, script_cache: dict[str, str] | None) -> list[str]:
    try:
        tree = lxml.html.document_fromstring((root / key).read_bytes())
    except (etree.ParserError, ValueError) as error:
        found.unparsable.append(f"{key}: {error}")
        return []
    base = tree.find(".//base[@href]")
    base_url = urljoin(url, base.get("href", "")) if base is not None else url
    links = []
    for element in tree.iter("a", "area"):
        href = (element.get("href") or "").strip()
        if href and not href.startswith(("mailto:", "javascript:", "#")):
            links.append(urldefrag(urljoin(base_url, href))[0])
    if script_cache is not None:
        for script in tree.iter("script"):
            code = _script_text(root, url, script, script_cache)
            links += [urljoin(url, literal) for literal in SCRIPT_LINK.findall(code)]
    return links


def _script_text(root: Path, url: str, script: Any, cache: dict[str, str]) -> str:
    source = (script.get("src") or "").strip()
    if not source:
        return str(script.text or "")
    key = file_key(urldefrag(urljoin(url, source))[0], root)
    if key not in cache:
        cache[key] = "" if key.startswith("missing:") else (root / key).read_text(errors="replace")
    return cache[key]


# ----- one crawl -----


def definition(manual: Manual, base: str, mode: str) -> str:
    return (
        f'id = "manual-{manual.name}-{mode}"\n'
        f'name = "{manual.package} ({manual.generator}), {mode}"\n'
        f'start_urls = ["{base}/{manual.start}"]\n'
        f"max_depth = {MAX_DEPTH}\nmax_pages = {MAX_PAGES}\nconcurrency = {CONCURRENCY}\n"
        f'render = "{mode}"\nstay_under_start_path = true\nobey_robots_txt = false\n'
    )


def cli(data: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=CLI_ENV,
    )


def crawl(manual: Manual, root: Path, base: str, mode: str, work: Path, out: Path, limit: float) -> dict[str, Any]:
    """Run one crawl in a fresh data directory and account for its pages."""
    data = work / f"data-{manual.name}-{mode}"
    definition_file = work / f"{manual.name}-{mode}.toml"
    definition_file.write_text(definition(manual, base, mode))
    stderr_file = out / f"{manual.name}-{mode}.stderr.txt"
    began = time.perf_counter()
    with stderr_file.open("w") as stderr:
        process = subprocess.Popen(
            [str(CLI), "--data-dir", str(data), "run", str(definition_file), "--json"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
            env=CLI_ENV,
            start_new_session=True,
        )
        try:
            stdout, _ = process.communicate(timeout=limit)
            exit_code: int | str = process.returncode
        except subprocess.TimeoutExpired:
            _stop(process)
            stdout, exit_code = "", f"killed after {limit:.0f} s"
    seconds = time.perf_counter() - began
    figures: dict[str, Any] = {"manual": manual.name, "mode": mode, "exit": exit_code, "seconds": round(seconds, 2)}
    figures["load_average"] = round(os.getloadavg()[0], 1)  # the machine may be shared: timings are noisy
    try:
        summary = json.loads(stdout)
    except json.JSONDecodeError:
        summary = {}
        figures["cli_stdout"] = stdout[-500:]
    job_id = summary.get("job_id") or _only_job(data)
    figures.update(status=summary.get("status"), error=summary.get("error"), stopped_by=summary.get("stopped_by"))
    figures["crawl_s"] = summary.get("crawl_s")
    if job_id is None:
        figures["problems"] = ["no job found"]
        return figures
    shown = cli(data, "jobs", "show", job_id, "--json")
    try:
        job = json.loads(shown.stdout)
    except json.JSONDecodeError:
        figures["problems"] = [f"jobs show {job_id} --json: exit {shown.returncode}, {shown.stderr.strip()[-300:]}"]
        return figures
    figures.update(account(job, root))
    figures["status"] = figures["status"] or job.get("status")
    figures["run_documents"] = summary.get("documents")
    figures["samples"] = samples(data, job_id, manual, mode, out)
    crawl_s = figures["crawl_s"] or seconds
    figures["pages_per_s"] = round(figures["met"] / crawl_s, 1) if crawl_s else None
    return figures


def _stop(process: subprocess.Popen[str]) -> None:
    """End the crawl we started (its own process group: the CLI and any browser it launched)."""
    for sig in (signal.SIGINT, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


def _only_job(data: Path) -> str | None:
    with contextlib.suppress(Exception):
        jobs = json.loads(cli(data, "jobs", "list", "--json").stdout)
        if len(jobs) == 1:
            return str(jobs[0].get("job_id") or jobs[0].get("id"))
    return None


def account(job: dict[str, Any], root: Path) -> dict[str, Any]:
    """Every page of ``job`` in one box, and the shortfalls."""
    children = job.get("children", [])
    status = Counter(child["status"] for child in children)
    results = Counter(child.get("result") for child in children if child["status"] == "completed")
    skipped = Counter(_reason(child) for child in children if child.get("result") == "skipped")
    duplicates = Counter(_reason(child) for child in children if child.get("result") == "duplicate")
    failed = Counter(child.get("error") or "(no error)" for child in children if child["status"] == "failed")
    stored_notes = Counter(child["note"] for child in children if child.get("result") == "document" and child["note"])
    unaccounted = [child for child in children if not _accounted(child)]
    met_files = {file_key(child["url"], root) for child in children}
    stored_files = {file_key(child["url"], root) for child in children if child.get("result") == "document"}
    documents = job.get("documents")
    stored = results.get("document", 0)
    return {
        "met": len(children),
        "documents": documents,
        "stored_pages": stored,
        "skipped": sum(skipped.values()),
        "skipped_by_reason": dict(skipped.most_common()),
        "duplicates": sum(duplicates.values()),
        "duplicates_by_reason": dict(duplicates.most_common()),
        "failed": status.get("failed", 0),
        "failed_by_error": dict(failed.most_common()),
        "cancelled": status.get("cancelled", 0),
        "pending": status.get("pending", 0) + status.get("running", 0),
        "completed": status.get("completed", 0),
        "stored_notes": dict(stored_notes.most_common()),
        "unaccounted": [_brief(child) for child in unaccounted],
        "met_files": met_files,
        "stored_files": stored_files,
        "job_status": job.get("status"),
        "progress": job.get("progress"),
    }


def _reason(child: dict[str, Any]) -> str:
    return child.get("note") or "(no reason)"


def _accounted(child: dict[str, Any]) -> bool:
    if child["status"] == "failed":
        return bool(child.get("error"))
    if child["status"] != "completed":
        return False  # cancelled, pending, running: the crawl left it
    result = child.get("result")
    if result == "document":
        return True
    return result in ("skipped", "duplicate") and bool(child.get("note") or result == "duplicate")


def _brief(child: dict[str, Any]) -> dict[str, Any]:
    keys = ("url", "status", "http_status", "content_type", "result", "note", "error", "found_on")
    return {key: child.get(key) for key in keys}


def samples(data: Path, job_id: str, manual: Manual, mode: str, out: Path) -> list[int]:
    """The first lines of 3 stored documents (spread over the crawl) into OUT/NAME-MODE.md."""
    listed = json.loads(cli(data, "documents", "list", "--json", "--job", job_id).stdout or "[]")
    chosen = sorted({listed[len(listed) * k // 4]["id"] for k in (1, 2, 3)}) if listed else []
    lines = [f"# {manual.package} ({manual.generator}), render = {mode}: {len(listed)} documents\n"]
    for doc_id in chosen:
        url = next(doc["url"] for doc in listed if doc["id"] == doc_id)
        markdown = cli(data, "documents", "show", str(doc_id)).stdout.splitlines()[:SAMPLE_LINES]
        lines += [f"\n----- document {doc_id}: {url}\n", *markdown]
    (out / f"{manual.name}-{mode}.md").write_text("\n".join(lines) + "\n")
    return chosen


# ----- the verdict -----


def judge(figures: dict[str, Any], found: Reachable) -> None:
    """PASS when every page the crawl met is accounted for and every reachable HTML file was met."""
    problems: list[str] = figures.setdefault("problems", [])
    if "met" not in figures:
        figures["accounted"] = False
        return
    met_files, stored_files = figures.pop("met_files"), figures.pop("stored_files")
    reachable_html = {key for key, depth in found.html.items() if depth <= MAX_DEPTH}
    not_met = sorted(reachable_html - met_files)
    figures["reachable_html"] = len(reachable_html)
    figures["reachable_stored"] = len(reachable_html & stored_files)
    figures["reachable_not_met"] = len(not_met)
    figures["reachable_not_met_examples"] = not_met[:EXAMPLES]
    extra = sorted(
        key for key in met_files - reachable_html if key.endswith(HTML_SUFFIXES) and not key.startswith("missing:")
    )
    figures["met_not_reachable"] = len(extra)  # HTML files the crawl found by links the offline walk did not
    figures["met_not_reachable_examples"] = extra[:EXAMPLES]
    figures["met_missing_predicted"] = len({key for key in met_files if key in found.missing})  # broken links
    unexpected = sorted(key for key in met_files if key.startswith("missing:") and key not in found.missing)
    figures["met_missing_unexpected"] = len(unexpected)
    figures["met_missing_unexpected_examples"] = unexpected[:EXAMPLES]
    if figures["exit"] != 0:
        problems.append(f"exit code {figures['exit']}")
    if figures["status"] != "completed":
        problems.append(f"status {figures['status']} ({figures.get('error')})")
    if figures["cancelled"] or figures["pending"]:
        problems.append(f"{figures['cancelled']} cancelled and {figures['pending']} pending/running pages")
    if figures["completed"] + figures["failed"] != figures["met"]:
        problems.append(f"completed {figures['completed']} + failed {figures['failed']} != met {figures['met']}")
    if figures["unaccounted"]:
        problems.append(f"{len(figures['unaccounted'])} pages neither stored, skipped with a reason nor failed")
    figures["unaccounted_examples"] = figures["unaccounted"][:EXAMPLES]
    figures["unaccounted"] = len(figures["unaccounted"])
    if figures["documents"] != figures["stored_pages"]:
        problems.append(f"job documents {figures['documents']} != pages stored {figures['stored_pages']}")
    if not_met:
        problems.append(f"{len(not_met)} reachable HTML files not met")
    figures["accounted"] = not problems


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "manual",
        "mode",
        "reach",
        "met",
        "docs",
        "stored/reach",
        "skip",
        "dup",
        "fail",
        "cancel",
        "pend",
        "exit",
        "status",
        "secs",
        "pages/s",
        "accounted",
    )
    body = [
        (
            row["manual"],
            row["mode"],
            row.get("reachable_html", "?"),
            row.get("met", "?"),
            row.get("documents", "?"),
            f"{row.get('reachable_stored', '?')}/{row.get('reachable_html', '?')}",
            row.get("skipped", "?"),
            row.get("duplicates", "?"),
            row.get("failed", "?"),
            row.get("cancelled", "?"),
            row.get("pending", "?"),
            row["exit"],
            row.get("status") or "?",
            f"{row['seconds']:.1f}",
            row.get("pages_per_s") or "-",
            "PASS" if row.get("accounted") else "FAIL",
        )
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(head, *body, strict=False)]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)) for line in (head, *body)
    )


def details(row: dict[str, Any], show: int = 5) -> list[str]:
    lines = [f"{row['manual']} / {row['mode']}: {'PASS' if row.get('accounted') else 'FAIL'}"]
    lines += [f"  problem: {problem}" for problem in row.get("problems", [])]
    for label, key in (
        ("skipped", "skipped_by_reason"),
        ("duplicate", "duplicates_by_reason"),
        ("failed", "failed_by_error"),
        ("stored with note", "stored_notes"),
    ):
        for reason, count in list(row.get(key, {}).items())[:show]:
            lines.append(f"  {label} x{count}: {reason}")
    for child in row.get("unaccounted_examples", [])[:show]:
        lines.append(f"  unaccounted: {json.dumps(child)}")
    if row.get("reachable_not_met"):
        lines.append(f"  reachable, not met ({row['reachable_not_met']}): {row['reachable_not_met_examples'][:show]}")
    if row.get("met_missing_predicted"):
        lines.append(
            f"  met, missing files as the offline walk predicted (broken links): {row['met_missing_predicted']}"
        )
    if row.get("met_missing_unexpected"):
        examples = row["met_missing_unexpected_examples"][:show]
        lines.append(f"  met, missing files not linked offline ({row['met_missing_unexpected']}): {examples}")
    if row.get("met_not_reachable"):
        lines.append(
            f"  met, not reachable offline ({row['met_not_reachable']}): {row['met_not_reachable_examples'][:show]}"
        )
    return lines


# ----- main -----


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", default="", help="comma-separated manual names: " + ", ".join(m.name for m in MANUALS)
    )
    parser.add_argument(
        "--modes",
        default="",
        help='render modes (default "auto,http", and "browser" for the smallest manual of each set)',
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/manuals-samples"), help="samples and crawl logs")
    parser.add_argument("--keep", action="store_true", help="keep the served copies and data directories")
    parser.add_argument("--no-install", action="store_true", help="do not apt-get install missing packages")
    parser.add_argument(
        "--code",
        type=Path,
        help="run the CLI from this source tree (PYTHONPATH) instead of the work tree the venv installs, "
        "e.g. the committed code: git archive HEAD | tar -x -C DIR",
    )
    parser.add_argument("--crawl-timeout", type=float, default=1800, help="seconds before a crawl is stopped")
    args = parser.parse_args()
    names = [name for name in args.only.split(",") if name]
    unknown = set(names) - {m.name for m in MANUALS}
    if unknown:
        parser.error(f"unknown manual(s): {', '.join(sorted(unknown))}")
    manuals = [m for m in MANUALS if not names or m.name in names]
    modes = [mode for mode in args.modes.split(",") if mode]
    if set(modes) - {"auto", "http", "browser"}:
        parser.error("modes are auto, http and browser")

    if args.code:
        CLI_ENV["PYTHONPATH"] = str(args.code.resolve())
    code = code_under_test()
    _log(f"code under test: {code}")
    began = time.perf_counter()
    if not args.no_install:
        install(manuals)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="real-manuals-"))
    rows: list[dict[str, Any]] = []
    manual_facts: dict[str, Any] = {}
    try:
        for manual in manuals:
            root = copy_manual(manual, work / "served")
            found = reachable(root, manual.start)
            found_with_scripts = reachable(root, manual.start, scripts=True)
            files = [p for p in root.rglob("*") if p.suffix in HTML_SUFFIXES and p.is_file()]
            xml_declared = sum(p.read_bytes()[:5] == b"<?xml" for p in files)
            manual_facts[manual.name] = {
                "package": manual.package,
                "generator": manual.generator,
                "group": manual.group,
                "start": manual.start,
                "html_files": len(files),
                "start_with_xml_declaration": xml_declared,
                "reachable_html": len(found.html),
                "reachable_html_with_scripts": len(found_with_scripts.html),
                "reachable_other": len(found.other),
                "max_depth": max(found.html.values(), default=0),
                "missing_targets": len(found.missing),
                "unparsable": found.unparsable[:5],
            }
            _log(
                f"{manual.name}: {len(files)} HTML files ({xml_declared} start with <?xml), "
                f"{len(found.html)} reachable ({len(found_with_scripts.html)} with scripts), "
                f"{len(found.missing)} links to missing files"
            )
            for mode in modes or ["auto", "http", *(["browser"] if manual.browser else [])]:
                with serving(root) as base:
                    _log(f"{manual.name} / {mode}: crawling {base}/{manual.start} ...")
                    figures = crawl(manual, root, base, mode, work, args.out, args.crawl_timeout)
                # render = "http" never runs a script: it can reach only what plain links reach
                judge(figures, found if mode == "http" else found_with_scripts)
                _log(
                    f"{manual.name} / {mode}: {'PASS' if figures['accounted'] else 'FAIL'} "
                    f"({figures.get('met', '?')} met, {figures.get('documents', '?')} documents, "
                    f"{figures['seconds']:.1f} s)"
                )
                rows.append(figures)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            _log(f"kept {work}")

    print()
    for name, facts in manual_facts.items():
        print(
            f"{name}: {facts['package']} ({facts['generator']}), {facts['html_files']} HTML files, "
            f"{facts['start_with_xml_declaration']} start with <?xml, {facts['reachable_html']} reachable "
            f"(depth <= {facts['max_depth']}; {facts['reachable_html_with_scripts']} with scripts), "
            f"{facts['missing_targets']} links to missing files"
        )
    print()
    print(table(rows))
    print()
    for row in rows:
        print("\n".join(details(row)))
    total = time.perf_counter() - began
    print(f"\nsamples and crawl logs: {args.out}/  (whole run {total:.0f} s)")
    print(
        json.dumps(
            {
                "benchmark": "real_manuals",
                "seconds": round(total, 1),
                "code": code,
                "manuals": manual_facts,
                "crawls": rows,
            },
            default=sorted,
            separators=(",", ":"),
        )
    )
    return 0 if rows and all(row["accounted"] for row in rows) else 1


def code_under_test() -> dict[str, Any]:
    """Where the CLI's quaero_desktop comes from, and the repository's commit (and whether its tree is dirty)."""
    where = subprocess.run(
        [str(CLI.with_name("python")), "-c", "import quaero_desktop; print(quaero_desktop.__file__)"],
        capture_output=True,
        text=True,
        env=CLI_ENV,
        cwd="/",  # not the repository: python -c puts its working directory first on sys.path
    ).stdout.strip()
    git = partial(subprocess.run, capture_output=True, text=True, cwd=ROOT)
    commit = git(["git", "rev-parse", "--short", "HEAD"]).stdout.strip()
    dirty = bool(git(["git", "status", "--porcelain", "--untracked-files=no"]).stdout.strip())
    return {"package": str(Path(where).parent) if where else None, "repository_head": commit, "work_tree_dirty": dirty}


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
