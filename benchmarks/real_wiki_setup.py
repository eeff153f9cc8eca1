"""The real wiki ``real_wiki.py`` crawls: Debian's DokuWiki behind its own Apache on 127.0.0.1.

* :func:`install_packages` installs ``dokuwiki`` (which pulls Apache and PHP), Xvfb, gnome-keyring
  and D-Bus with ``apt-get`` when one is missing (non-interactive; nothing happens when all are there).
* :func:`configure_wiki` writes DokuWiki's configuration (``/etc/dokuwiki/local.php``,
  ``users.auth.php``, ``acl.auth.php``): ACL on, an ``admin`` user with a known password, reading only
  for logged-in users. :func:`write_pages` replaces the wiki's pages with :data:`SITE` (41 pages in
  six namespaces, linking to each other and to a few pages that do not exist), each with a unique
  codeword and an edit history (changelog, attic; some pages with two revisions, a few edited in the
  last days), builds DokuWiki's search index and clears the rest of what it derived, so every run
  (and every scenario) starts from the same wiki. :func:`wiki_edits` reads what changed it since.
* :class:`Apache` runs a private Apache (its own config, logs, PID file and PHP session directory in a
  work directory) serving ``/dokuwiki/`` on a port of its own, so the machine's Apache, if any, and
  port 80 are left alone.
* :func:`kill_sessions` logs every user out server-side, the way it really happens: PHP's session
  files go and DokuWiki's cookie salt is renewed. Deleting the session files alone does not log a
  DokuWiki user out: PHP (``use_strict_mode = 0``) accepts the old session id again and DokuWiki
  re-reads the user from its auth cookie, which is encrypted with that salt and session id.

Needs root (apt, the files under /etc/dokuwiki and /var/lib/dokuwiki, Apache dropping to www-data).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DOKUWIKI_CONF = Path("/etc/dokuwiki")
DOKUWIKI_LIB = Path("/var/lib/dokuwiki")
DATA = DOKUWIKI_LIB / "data"
ACL_DIR = DOKUWIKI_LIB / "acl"  # /etc/dokuwiki/{users,acl}.auth.php are symlinks into it
ADMIN_USER = "admin"
ADMIN_PASSWORD = "quaero-bench-4711"
WIKI_TITLE = "Quaero Test Wiki"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
PACKAGES = {  # a command or file each package provides -> the package
    "/usr/share/dokuwiki/doku.php": "dokuwiki",
    "/usr/sbin/apache2": "apache2",
    "/usr/lib/apache2/modules/libphp8.2.so": "libapache2-mod-php",
    "/usr/bin/Xvfb": "xvfb",
    "/usr/bin/gnome-keyring-daemon": "gnome-keyring",
    "/usr/bin/dbus-run-session": "dbus-daemon",
}


def install_packages() -> list[str]:
    """Install what is missing (idempotent); returns the packages installed."""
    missing = sorted({package for path, package in PACKAGES.items() if not Path(path).exists()})
    if not missing:
        return []
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return missing


# ----- configuration -----

LOCAL_PHP = f"""<?php
/* Written by Quaero's benchmarks/real_wiki_setup.py (the Debian original is local.php.dist). */
$conf['title'] = '{WIKI_TITLE}';
$conf['lang'] = 'en';
$conf['license'] = 'cc-by-sa';
$conf['useacl'] = 1;
$conf['superuser'] = '@admin';
$conf['dnslookups'] = 0;
$conf['updatecheck'] = 0;
"""

ACL_PHP = """# acl.auth.php (written by Quaero's benchmarks/real_wiki_setup.py)
# Reading needs a login: anonymous users get nothing, logged-in users may edit and upload.
*               @ALL          0
*               @user         8
"""


def configure_wiki() -> None:
    """ACL on, reading only when logged in, ``admin`` with :data:`ADMIN_PASSWORD` (an MD5 hash,
    which DokuWiki's plain auth accepts)."""
    digest = hashlib.md5(ADMIN_PASSWORD.encode()).hexdigest()
    users = (
        "# users.auth.php (written by Quaero's benchmarks/real_wiki_setup.py)\n"
        "# login:passwordhash:Real Name:email:groups,comma,separated\n"
        f"{ADMIN_USER}:{digest}:Wiki Administrator:admin@example.org:admin,user\n"
    )
    _write(DOKUWIKI_CONF / "local.php", LOCAL_PHP, owner="root", mode=0o644)
    _write(ACL_DIR / "users.auth.php", users, owner="www-data", mode=0o600)
    _write(ACL_DIR / "acl.auth.php", ACL_PHP, owner="www-data", mode=0o600)


def _write(path: Path, text: str, *, owner: str, mode: int) -> None:
    path.write_text(text, encoding="utf-8")
    shutil.chown(path, owner, "root" if owner == "root" else None)
    path.chmod(mode)


# ----- pages -----


@dataclass(frozen=True)
class WikiPage:
    id: str  # DokuWiki page id, e.g. "engineering:infra:dns"
    title: str
    codeword: str  # appears on this page only

    @property
    def file(self) -> Path:
        return DATA / "pages" / (self.id.replace(":", "/") + ".txt")


# id -> title, the pages it links to (ids; "ns:" is a namespace's start page), "*" marks a missing page
SITE: dict[str, tuple[str, tuple[str, ...]]] = {
    "start": ("Welcome to the team wiki", ()),  # links to every page, built below
    "about": ("About this wiki", ("glossary", "faq", "handbook:code_of_conduct")),
    "glossary": ("Glossary", ("engineering:deployment", "engineering:infra:dns", "*glossary_archive")),
    "faq": ("Frequently asked questions", ("handbook:vacation_policy", "support:escalation", "about")),
    "handbook:start": ("Employee handbook", ()),
    "handbook:onboarding": ("Onboarding checklist", ("handbook:equipment", "handbook:security_basics", "faq")),
    "handbook:vacation_policy": ("Vacation policy", ("handbook:remote_work", "*handbook:parental_leave")),
    "handbook:expenses": ("Travel and expenses", ("handbook:equipment", "projects:harbor")),
    "handbook:remote_work": ("Working remotely", ("handbook:equipment", "handbook:security_basics")),
    "handbook:equipment": ("Laptops and equipment", ("handbook:security_basics", "engineering:infra:networking")),
    "handbook:security_basics": ("Security basics", ("engineering:oncall", "*handbook:password_manager")),
    "handbook:code_of_conduct": ("Code of conduct", ("about", "handbook:onboarding")),
    "engineering:start": ("Engineering", ()),
    "engineering:code_review": ("Code review guidelines", ("engineering:style_guide", "engineering:testing")),
    "engineering:deployment": ("Deploying to production", ("engineering:release_process", "engineering:infra:")),
    "engineering:oncall": ("On-call rotation", ("engineering:incident_response", "support:escalation")),
    "engineering:incident_response": ("Incident response", ("engineering:oncall", "engineering:infra:monitoring")),
    "engineering:testing": ("Testing strategy", ("engineering:code_review", "*engineering:load_testing")),
    "engineering:style_guide": ("Python style guide", ("engineering:code_review",)),
    "engineering:release_process": ("Release process", ("engineering:deployment", "projects:lighthouse")),
    "engineering:infra:start": ("Infrastructure", ()),
    "engineering:infra:networking": ("Office and VPN networking", ("engineering:infra:dns", "handbook:remote_work")),
    "engineering:infra:backups": ("Backups and restores", ("engineering:infra:databases", "*engineering:infra:tapes")),
    "engineering:infra:monitoring": ("Monitoring and alerts", ("engineering:oncall", "engineering:infra:databases")),
    "engineering:infra:dns": ("DNS zones", ("engineering:infra:networking", "*engineering:infra:kubernetes")),
    "engineering:infra:databases": ("Database servers", ("engineering:infra:backups", "projects:compass")),
    "projects:start": ("Projects", ()),
    "projects:lighthouse": ("Project Lighthouse", ("projects:beacon", "meetings:2024-02-12", "*projects:zephyr")),
    "projects:harbor": ("Project Harbor", ("projects:anchor", "engineering:infra:databases")),
    "projects:compass": ("Project Compass", ("projects:lighthouse", "meetings:2024-03-11")),
    "projects:beacon": ("Project Beacon", ("projects:lighthouse", "support:known_issues")),
    "projects:anchor": ("Project Anchor", ("projects:harbor", "engineering:release_process")),
    "meetings:start": ("Meeting notes", ()),
    "meetings:2024-01-15": ("Team meeting 2024-01-15", ("meetings:2024-02-12", "projects:lighthouse")),
    "meetings:2024-02-12": ("Team meeting 2024-02-12", ("meetings:2024-01-15", "meetings:2024-03-11")),
    "meetings:2024-03-11": ("Team meeting 2024-03-11", ("meetings:2024-02-12", "meetings:2024-04-08")),
    "meetings:2024-04-08": ("Team meeting 2024-04-08", ("meetings:2024-03-11", "*meetings:2024-05-13")),
    "support:start": ("Customer support", ()),
    "support:escalation": ("Escalation paths", ("engineering:oncall", "support:known_issues")),
    "support:known_issues": ("Known issues", ("projects:beacon", "support:customer_faq")),
    "support:customer_faq": ("Customer FAQ", ("support:known_issues", "faq")),
}
DELETED_PAGE = "support:customer_faq"  # removed before the "deleted page" crawl
RECENT = {"meetings:2024-04-08", "projects:beacon", "support:known_issues"}  # edited in the last days
EDITED_TWICE = {"start", "handbook:onboarding", "engineering:deployment", "engineering:infra:dns", "projects:harbor",
                "meetings:2024-03-11", "support:escalation", "projects:beacon"}  # fmt: skip
DAY = 86_400
MISSING = sorted({link[1:] for _title, links in SITE.values() for link in links if link.startswith("*")})

ADJECTIVES = [
    "amber",
    "brisk",
    "cobalt",
    "dusky",
    "eager",
    "frosty",
    "gentle",
    "hollow",
    "ivory",
    "jolly",
    "keen",
    "lucid",
    "mellow",
    "nimble",
]
ANIMALS = [
    "falcon",
    "otter",
    "heron",
    "badger",
    "lynx",
    "marten",
    "osprey",
    "puffin",
    "raven",
    "stoat",
    "tern",
    "vole",
    "walrus",
    "yak",
]

SENTENCES = {
    "": [
        "This wiki is where the team writes down how things are done, so nobody has to ask twice.",
        "Pages are grouped in namespaces; the start page of each namespace lists its pages.",
        "If something here is out of date, fix it: every member of the team may edit every page.",
        "Questions that come up more than twice belong in the FAQ rather than in a chat thread.",
    ],
    "handbook": [
        "New colleagues get a buddy for their first month who answers the questions this page does not.",
        "Requests go through the HR portal; your manager approves them within two working days.",
        "Receipts must be uploaded within thirty days, otherwise accounting cannot reimburse them.",
        "The office is open from seven in the morning to eight in the evening on working days.",
        "Laptops are encrypted and enrolled in device management before they are handed out.",
        "Report a lost badge or laptop to the security desk immediately, also outside office hours.",
    ],
    "engineering": [
        "Every change is reviewed by at least one other engineer before it is merged into main.",
        "The pipeline runs the unit tests, the linters and the integration suite on every push.",
        "Deployments happen between ten and four on working days, never on a Friday afternoon.",
        "When an alert fires, the person on call acknowledges it within fifteen minutes.",
        "Post-mortems are blameless and are published on this wiki within a week of the incident.",
        "Feature flags let us ship code dark and switch it on for a few customers first.",
    ],
    "infra": [
        "The primary database runs on two replicas in different racks with streaming replication.",
        "Nightly backups are kept for thirty days; monthly snapshots are kept for a year.",
        "Internal names resolve under corp.example.org; public ones are managed by the hosting provider.",
        "Grafana dashboards show latency, error rates and saturation for every production service.",
        "The VPN uses WireGuard; ask the infrastructure team for a key with your laptop's serial number.",
        "Restores are rehearsed every quarter on a copy of the production data set.",
    ],
    "projects": [
        "The project's goal for this quarter is a public beta with the three pilot customers.",
        "Status is reported in the Monday meeting; blockers are raised as soon as they are known.",
        "The design document lists the alternatives we considered and why we chose this one.",
        "Milestones slip by a week when the integration partner's sandbox is unavailable.",
        "The budget covers two engineers full time and a designer for half of the quarter.",
    ],
    "meetings": [
        "Attendees: Ana, Bram, Chen, Dara, Eli; notes taken by whoever arrived last.",
        "Action items from the previous meeting were reviewed; two of them remain open.",
        "The team agreed to move the retrospective to Thursday so that everyone can attend.",
        "Hiring: two candidates are in the final round, decisions are expected next week.",
        "The release train for next month was confirmed with no changes to the schedule.",
    ],
    "support": [
        "Tickets are answered within four working hours; urgent ones within thirty minutes.",
        "First-line support handles account questions; anything about data goes to second line.",
        "Known issues are linked from the status page so that customers can follow them.",
        "When in doubt, escalate: a ticket escalated too early costs less than one escalated too late.",
        "Refunds above five hundred euros need the approval of the support lead.",
    ],
}


def _namespace_key(page_id: str) -> str:
    if page_id.startswith("engineering:infra:"):
        return "infra"
    return page_id.split(":", 1)[0] if ":" in page_id else ""


def _link(target: str, titles: dict[str, str]) -> str:
    missing = target.startswith("*")
    target = target.lstrip("*")
    if missing:
        return f"[[{target}]]"
    page = target + "start" if target.endswith(":") else target
    return f"[[{target}|{titles[page]}]]"


def pages() -> list[WikiPage]:
    """The wiki's pages with their codewords (the same every run)."""
    found = []
    for number, page_id in enumerate(SITE):
        word = (
            f"{ADJECTIVES[number % len(ADJECTIVES)]}{ANIMALS[(number * 3 + number // 14) % len(ANIMALS)]}{number:02d}"
        )
        found.append(WikiPage(page_id, SITE[page_id][0], word))
    return found


def page_text(page: WikiPage, every: list[WikiPage]) -> str:
    """The page's DokuWiki markup: a heading, two sections of prose, a list of related pages."""
    titles = {p.id: p.title for p in every}
    rng = random.Random(page.id)
    pool = SENTENCES[_namespace_key(page.id)]
    namespace = page.id.rpartition(":")[0]
    lines = [f"====== {page.title} ======", ""]
    lines.append(" ".join(rng.sample(pool, 3)) + f" Codeword for this page: {page.codeword}.")
    lines.append("")
    if page.id == "start" or page.id.endswith(":start"):
        members = [p for p in every if p.id != page.id and p.id.rpartition(":")[0].startswith(namespace)]
        if page.id == "start":
            members = [p for p in every if p.id != "start"]
        lines += ["===== Pages =====", ""]
        lines += [f"  * [[{p.id}|{p.title}]]" for p in members]
        if page.id == "start":
            lines += [f"  * [[{missing}]] (not written yet)" for missing in MISSING[:2]]
        lines.append("")
    lines += ["===== Details =====", "", " ".join(rng.sample(pool, min(4, len(pool)))), ""]
    if namespace == "meetings":
        lines += [
            "^ Item ^ Owner ^ Due ^",
            "| Update the roadmap | Ana | Friday |",
            "| Book the room | Eli | Monday |",
            "",
        ]
    if page.id.startswith("engineering:"):
        lines += ["<code bash>", f"make deploy ENV=staging TICKET={page.codeword.upper()}", "</code>", ""]
    links = SITE[page.id][1]
    if links:
        lines += ["===== See also =====", ""]
        lines += [f"  * {_link(target, titles)}" for target in links]
        lines.append("")
    if namespace:
        start = namespace + ":start"
        if start != page.id:
            lines.append(f"Back to [[{namespace}:|{titles[start]}]] or the [[:start|wiki's start page]].")
    return "\n".join(lines) + "\n"


def write_pages() -> list[WikiPage]:
    """Replace every page with :func:`pages` and clear what DokuWiki derived from the old ones.

    Each page gets a history as if edited in the wiki (attic copies, its changelog, the wiki's
    recent changes): most were last edited weeks ago, :data:`RECENT` a day or two ago (DokuWiki marks
    pages edited within ``indexdelay``, 5 days, ``noindex,nofollow``), and :data:`EDITED_TWICE` have
    an older revision too (``rev=`` and ``do=diff`` links on their "Old revisions" page). The search
    index is built, so backlinks and the search work."""
    every = pages()
    for name in ("pages", "meta", "attic", "cache", "index", "locks", "tmp"):
        folder = DATA / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(mode=0o755)
    now = int(time.time())
    changes: list[str] = []
    for number, page in enumerate(every):
        text = page_text(page, every)
        last = now - DAY * (1 + number % 2 if page.id in RECENT else 20 + number)
        revisions = [(last, text)]
        if page.id in EDITED_TWICE:
            older = text.split("===== See also =====")[0].rstrip() + "\n"
            revisions.insert(0, (last - DAY * 9, older))
        lines = []
        previous = 0
        for position, (date, body) in enumerate(revisions):
            kind, summary = ("C", "created") if position == 0 else ("E", "links to related pages")
            lines.append(f"{date}\t127.0.0.1\t{kind}\t{page.id}\t{ADMIN_USER}\t{summary}\t\t{len(body) - previous}\n")
            previous = len(body)
            attic = DATA / "attic" / f"{page.id.replace(':', '/')}.{date}.txt.gz"
            attic.parent.mkdir(parents=True, exist_ok=True)
            attic.write_bytes(gzip.compress(body.encode()))
        changes += lines
        changelog = DATA / "meta" / (page.id.replace(":", "/") + ".changes")
        changelog.parent.mkdir(parents=True, exist_ok=True)
        changelog.write_text("".join(lines), encoding="utf-8")
        page.file.parent.mkdir(parents=True, exist_ok=True)
        page.file.write_text(text, encoding="utf-8")
        os.utime(page.file, (last, last))
    (DATA / "meta" / "_dokuwiki.changes").write_text("".join(sorted(changes, key=lambda line: int(line.split()[0]))))
    subprocess.run(["chown", "-R", "www-data:root", str(DATA)], check=True)
    # DokuWiki's own indexer, as the web server's user (its PHP warnings about HTTP_HOST are harmless on the CLI)
    indexer = ["runuser", "-u", "www-data", "--", "php", "/usr/share/dokuwiki/bin/indexer.php", "-q"]
    indexed = subprocess.run(indexer, capture_output=True, text=True)
    if indexed.returncode != 0:
        raise RuntimeError(f"DokuWiki's indexer failed: {indexed.stderr[-2000:]}")
    return every


def delete_page(page_id: str) -> None:
    """Remove a page's file (as if deleted on disk); DokuWiki then shows "This topic does not exist yet"."""
    (DATA / "pages" / (page_id.replace(":", "/") + ".txt")).unlink()


# ----- Apache -----


def free_port(preferred: int) -> int:
    for port in (preferred, *range(preferred + 1, preferred + 50)):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {preferred} on")


APACHE_CONF = """# A private Apache for Quaero's benchmarks/real_wiki.py
ServerRoot "/etc/apache2"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {work}/apache2.pid
DefaultRuntimeDir {work}
Mutex file:{work} default
User www-data
Group www-data
ErrorLog {work}/error.log
LogLevel warn
{modules}
TypesConfig /etc/mime.types
DirectoryIndex index.php index.html
LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{{User-Agent}}i\\"" combined
CustomLog {work}/access.log combined
<FilesMatch ".+\\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>
php_admin_value session.save_path "{work}/sessions"
DocumentRoot /usr/share/dokuwiki
Include /etc/dokuwiki/apache.conf
"""
MODULES = ("mpm_prefork", "authz_core", "authz_host", "access_compat", "alias", "dir", "mime", "rewrite", "env")


class Apache:
    """Apache serving DokuWiki at ``http://127.0.0.1:PORT/dokuwiki/``, in the foreground, started and
    stopped by us; its logs and PHP sessions live in ``work``."""

    def __init__(self, work: Path, port: int) -> None:
        self.work = work
        self.port = port
        self.sessions = work / "sessions"
        self.access_log = work / "access.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/dokuwiki/"

    def start(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.work.chmod(0o755)
        self.sessions.mkdir(exist_ok=True)
        shutil.chown(self.sessions, "www-data", "www-data")
        self.sessions.chmod(0o700)
        lines = [f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so" for name in MODULES]
        lines.append(f"LoadModule php_module {APACHE_MODULES}/libphp8.2.so")
        conf = self.work / "apache2.conf"
        conf.write_text(APACHE_CONF.format(port=self.port, work=self.work, modules="\n".join(lines)))
        self.process = subprocess.Popen(
            ["/usr/sbin/apache2", "-f", str(conf), "-D", "FOREGROUND"],
            stdout=subprocess.DEVNULL,
            stderr=(self.work / "apache-stderr.log").open("wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Apache stopped: {(self.work / 'apache-stderr.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Apache did not start listening within 20 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group we started: Apache and its children
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def requests_logged(self) -> int:
        try:
            with self.access_log.open("rb") as log:
                return sum(1 for _ in log)
        except FileNotFoundError:
            return 0


def kill_sessions(apache: Apache) -> int:
    """Log every user out server-side; returns how many PHP session files were deleted."""
    removed = 0
    for session in apache.sessions.glob("sess_*"):
        session.unlink()
        removed += 1
    for salt in (DATA / "meta").glob("_htcookiesalt*"):
        salt.unlink()  # DokuWiki makes a new one: every auth cookie stops decrypting
    return removed


def wiki_edits(since: float) -> list[str]:
    """Changes recorded in the wiki's changelog from ``since`` on (a crawl must make none), as
    "TYPE page: summary"; TYPE is DokuWiki's: C created, E edited, e minor edit, D deleted, R reverted."""
    try:
        lines = (DATA / "meta" / "_dokuwiki.changes").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    edits = []
    for line in lines:
        fields = line.split("\t")
        if len(fields) > 5 and int(fields[0]) >= int(since):
            edits.append(f"{fields[2]} {fields[3]}: {fields[5]}")
    return edits
