"""Manuals of documentation generators, converted page by page: is what is not content out? (issue 19, item 1)

Documentation generators (Sphinx, Texinfo, Doxygen, AsciiDoc, DocBook, gtk-doc, the SQLite docs'
own) ship real HTML in Debian packages. For each manual installed here, ``PAGES`` pages are
sampled deterministically (every n-th file of the sorted list), converted with ``html_to_markdown``
and checked:

* ``nav``: no line of prev/next/up navigation ("Next: … Previous: … Up: …", "« previous | up | next »",
  "Prev  Up  Home  Next");
* ``crumbs``: no breadcrumb or link bar (a line of three links or more and nothing but separators
  between them: "Home | Contents | Index", "Docs » Library » json");
* ``h1``: one H1 only (the title);
* ``jump``: heading levels never go down by more than one (H1 then H3 is a jump);
* ``fence``: every listing of the page (``pre``, a listing drawn as rows of lines) whose text is in the
  Markdown is in a fenced block there;
* ``lineno``: no fenced block whose lines start with consecutive line numbers.

Prints a table per set (tuning: the manuals the rules were written against; held-out: manuals they
were not), the failing pages with the first offending line, and the median conversion time per page.
``--without-rules`` converts with doc_chrome.py's rules switched off (the "before" figures).

    .venv/bin/python benchmarks/docs_generators.py [--set tuning|held-out|all] [--only NAME,...] [--pages 30]
        [--without-rules] [--compare] [--show N]

``--compare`` also times each page with the rules off, just before the same page with them on (both
under the same load on a shared machine).

Manuals missing here are listed and skipped (``apt-get install sqlite3-doc sphinx-doc m4-doc libxml2-doc
libglib2.0-doc libclipper-doc``). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import re
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quaero_desktop.crawler import markdown
from quaero_desktop.crawler.html_tree import parse_html


@dataclass(frozen=True)
class Manual:
    name: str
    generator: str
    folder: str
    pattern: str  # glob under folder
    set: str  # "tuning" or "held-out"


MANUALS = [
    Manual("python3.11", "Sphinx", "/usr/share/doc/python3.11/html", "**/*.html", "tuning"),
    Manual("flex", "Texinfo", "/usr/share/doc/flex-doc/html", "*.html", "tuning"),
    Manual("sdl2", "Doxygen", "/usr/share/doc/libsdl2-doc/html", "**/*.html", "tuning"),
    Manual("sdl2-listings", "Doxygen", "/usr/share/doc/libsdl2-doc/html", "**/*_8h_source.html", "tuning"),
    Manual("sqlite", "SQLite", "/usr/share/doc/sqlite3", "**/*.html", "tuning"),
    Manual("git", "AsciiDoc", "/usr/share/doc/git-doc", "*.html", "tuning"),
    Manual("postgresql", "DocBook", "/usr/share/doc/postgresql-doc-15/html", "*.html", "tuning"),
    Manual("sphinx", "Sphinx", "/usr/share/doc/sphinx-doc/html", "**/*.html", "held-out"),
    Manual("m4", "Texinfo", "/usr/share/doc/m4", "**/*.html", "held-out"),
    Manual("clipper", "Doxygen", "/usr/share/doc/libclipper-dev/html", "**/*.html", "held-out"),
    Manual("clipper-listings", "Doxygen", "/usr/share/doc/libclipper-dev/html", "**/*_source.html", "held-out"),
    Manual("glib", "gtk-doc", "/usr/share/doc/libglib2.0-doc/glib", "*.html", "held-out"),
    Manual("libxml2", "libxml2", "/usr/share/doc/libxml2-doc/html", "*.html", "held-out"),
]
CHECKS = ("nav", "crumbs", "h1", "jump", "fence", "lineno")

_NAV_WORDS = r"(?:next|previous|prev|up|home|top|contents|index|back)"
# "Next: X, Previous: Y, Up: Z" (Texinfo), "Prev Up Home Next", "« previous | up | next »".
_NAV_LABELLED = re.compile(r"^\W*(?:next|previous|prev|up)\s*:", re.IGNORECASE)
_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_SEPARATORS = re.compile(r"^[\s|»«›\u2039>/:,.·•→←\-\[\]()]*$")
_LINE_NUMBER = re.compile(r"^\s*(\d+)(?:\s|$)")
_WORD = re.compile(r"\w+")


@dataclass
class Result:
    manual: Manual
    pages: int = 0
    failures: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {check: [] for check in CHECKS})
    times: list[float] = field(default_factory=list)
    times_without: list[float] = field(default_factory=list)


def sample(manual: Manual, count: int) -> list[Path]:
    folder = Path(manual.folder)
    files = sorted(
        path
        for pattern in (manual.pattern, manual.pattern + ".gz")
        for path in folder.glob(pattern)
        if path.is_file() and not (manual.pattern.startswith("**/*.") and path.name.endswith("_source.html"))
    )
    if len(files) <= count:
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def read(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path) as compressed:
            return compressed.read().decode("utf-8", "replace")
    raw = path.read_bytes()
    return raw.decode("utf-8", "replace")


_FENCE = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+)?(`{3,}|~{3,})")  # a fence may open a list item


def split_fences(text: str) -> tuple[list[str], list[list[str]]]:
    """The Markdown's lines outside fenced code, and each fenced block's lines (a fence closes only with
    a fence of its own kind at least as long: a four-backtick block may hold three)."""
    prose: list[str] = []
    blocks: list[list[str]] = []
    fence = ""
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if not fence:
            if match:
                fence = match.group(1)
                blocks.append([])
            else:
                prose.append(line)
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not line.strip("`~ \t"):
            fence = ""
        else:
            blocks[-1].append(line)
    return prose, blocks


def is_nav_line(line: str) -> bool:
    if _NAV_LABELLED.match(line):
        return True
    texts = [match.group(1).strip(" «»\u2039›<>←→").lower() for match in _LINK.finditer(line)]
    words = [text for text in texts if re.fullmatch(_NAV_WORDS, text)]
    return len(words) >= 2 and len(_LINK.sub("", line).split()) <= 6


def is_link_bar(line: str, page: str) -> bool:
    links = [match.group(0) for match in _LINK.finditer(line) if f"]({page}#" not in match.group(0)]
    stripped = line.lstrip("-*0123456789. ")
    return len(links) >= 3 and _SEPARATORS.match(_LINK.sub("", stripped)) is not None and "|" in line + "»›>/"


def listings(html: str) -> list[str]:
    """The first line of text (a few words at least) of each listing of the page."""
    document = parse_html(html)
    if document is None:
        return []
    found = []
    for element in document.xpath("//pre | //div[contains(concat(' ', @class, ' '), ' fragment ')]"):
        if element.xpath("ancestor::pre | ancestor::div[contains(concat(' ', @class, ' '), ' fragment ')]"):
            continue
        text = "".join(element.itertext())
        for line in text.split("\n"):
            line = _LINE_NUMBER.sub("", line).strip()
            if len(_WORD.findall(line)) >= 3:
                found.append(line)
                break
    return found


def normalized(line: str) -> str:
    """A line without Markdown's escapes and code marks, a leading line number, runs of spaces."""
    return " ".join(_LINE_NUMBER.sub("", line.replace("\\", "").replace("`", "")).split())


def check(html: str, text: str, page: str) -> dict[str, str]:
    """Each failing check and the first line showing it."""
    failed: dict[str, str] = {}
    prose, blocks = split_fences(text)
    for line in prose:
        if "nav" not in failed and is_nav_line(line):
            failed["nav"] = line
        if "crumbs" not in failed and not line.lstrip().startswith(("- ", "* ", "|")) and is_link_bar(line, page):
            failed["crumbs"] = line
    h1s = [line for line in prose if line.startswith("# ")]
    if len(h1s) > 1:
        failed["h1"] = h1s[1]
    level = 0
    for line in prose:
        match = re.match(r"^(#{1,6}) ", line)
        if match:
            if len(match.group(1)) > level + 1:
                failed.setdefault("jump", f"H{level} then {line}")
            level = len(match.group(1))
    in_prose = {normalized(line) for line in prose}
    for first in listings(html):
        if normalized(first) in in_prose:
            failed.setdefault("fence", first)
    for block in blocks:
        numbers = [int(match.group(1)) for line in block if (match := _LINE_NUMBER.match(line))]
        if len(block) >= 3 and len(numbers) >= 0.8 * len(block):
            consecutive = sum(1 for a, b in pairwise(numbers) if b == a + 1)
            if consecutive >= 0.6 * (len(numbers) - 1):
                failed.setdefault("lineno", block[0])
    return failed


def run(manual: Manual, count: int, *, compare: bool) -> Result | None:
    pages = sample(manual, count)
    if not pages:
        return None
    result = Result(manual)
    for path in pages:
        html = read(path)
        if compare:  # the same page without the rules, just before: both times under the same load
            with rules_off():
                started = time.perf_counter()
                markdown.html_to_markdown(html, "http://docs.example/" + path.name)
                result.times_without.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        page = "http://docs.example/" + path.name
        converted = markdown.html_to_markdown(html, page)
        result.times.append((time.perf_counter() - started) * 1000)
        result.pages += 1
        for name, line in check(html, converted.markdown, page).items():
            result.failures[name].append((str(path.relative_to(manual.folder)), line))
    return result


@contextlib.contextmanager
def rules_off() -> Iterator[None]:
    """doc_chrome.py's hooks in markdown.py switched off: the conversion as it was before them."""
    saved = (markdown.drop_doc_navigation, markdown.tidy_doc_chrome, markdown.title_heading)
    markdown.drop_doc_navigation = lambda _document: None
    markdown.tidy_doc_chrome = lambda _content, _title: None
    markdown.title_heading = lambda root, _title: next(  # the first H1 with text, as before
        (heading for heading in root.iter("h1") if "".join(heading.itertext()).strip()), None
    )
    try:
        yield
    finally:
        markdown.drop_doc_navigation, markdown.tidy_doc_chrome, markdown.title_heading = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=("tuning", "held-out", "all"), default="all")
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--without-rules", action="store_true", help="switch doc_chrome.py's rules off")
    parser.add_argument("--only", default="", help="manuals to run, comma-separated names")
    parser.add_argument("--compare", action="store_true", help="also time each page without the rules")
    parser.add_argument("--show", type=int, default=3, help="failing pages listed per manual and check")
    arguments = parser.parse_args()
    switched_off = contextlib.ExitStack()  # held until the end: the rules stay off for the whole run
    if arguments.without_rules:
        switched_off.enter_context(rules_off())
    markdown.html_to_markdown("<p>warm-up: imports trafilatura</p>" * 20)
    failures = 0
    for set_name in ("tuning", "held-out"):
        if arguments.set not in (set_name, "all"):
            continue
        print(f"\n## {set_name} set" + (" (rules off)" if arguments.without_rules else ""))
        print(f"| manual | generator | pages | {' | '.join(CHECKS)} | median ms |")
        print("|---" * (len(CHECKS) + 4) + "|")
        results = []
        all_times: list[float] = []
        all_without: list[float] = []
        for manual in MANUALS:
            if manual.set != set_name or (arguments.only and manual.name not in arguments.only.split(",")):
                continue
            result = run(manual, arguments.pages, compare=arguments.compare and not arguments.without_rules)
            if result is None:
                print(f"| {manual.name} | {manual.generator} | not installed ({manual.folder}) |")
                continue
            results.append(result)
            all_times.extend(result.times)
            all_without.extend(result.times_without)
            counts = " | ".join(str(len(result.failures[name])) for name in CHECKS)
            milliseconds = f"{statistics.median(result.times):.1f}"
            if result.times_without:
                milliseconds += f" (without: {statistics.median(result.times_without):.1f})"
            print(f"| {manual.name} | {manual.generator} | {result.pages} | {counts} | {milliseconds} |")
        if all_times:
            print(f"\nmedian {statistics.median(all_times):.1f} ms per page over {len(all_times)} pages", end="")
            print(f"; without the rules {statistics.median(all_without):.1f} ms" if all_without else "")
        for result in results:
            for name in CHECKS:
                for page, line in result.failures[name][: arguments.show]:
                    failures += 1
                    print(f"  {result.manual.name} {name}: {page}: {line[:150]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
