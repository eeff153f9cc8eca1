"""Main content, measured against the best extractors: Quaero's stored Markdown beside trafilatura,
readability-lxml and all visible text, on real pages with a ground truth, in one run (issue 19, item 1).

Sets (each optional; give at least one):

* ``--aeb DIR``: a checkout of scrapinghub/article-extraction-benchmark (181 real news and blog
  pages, ``html/*.html.gz``, ``ground-truth.json``). Scored with the benchmark's own
  ``evaluate.py`` (4-word shingles, precision/recall/F1 averaged over pages).
* ``--mozilla DIR``: a checkout of mozilla/readability; its ``test/test-pages/*/source.html`` with
  the text of ``expected.html`` as the truth — a second set that Quaero's rules were not tuned on.
* ``--docs``: generated manuals from Debian's -doc packages (installed with apt-get when missing):
  Sphinx (python3.11-doc), DocBook (postgresql-doc-15), AsciiDoc (git-doc), Texinfo (flex-doc),
  Doxygen (libsdl2-doc); the truth is the text of the generator's own content element, and
  Quaero's Markdown is also checked for structure a knowledge base needs: headings, fenced code
  (with its language where the HTML names one), tables and in-article links.

Quaero's text is its stored Markdown below the title line (the truth is the article's body, the
headline apart), with the markup stripped (link targets, image references, fence lines, escapes).
``--baseline REV`` adds Quaero as it was at REV (the package at REV, in a child
process). Prints, per set, P/R/F1 and the median milliseconds per page of each extractor, then the
``--worst`` pages where Quaero does worst.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/extraction.py --aeb DIR [--mozilla DIR] [--docs] [--baseline REV]
        [--pages-per-manual 40] [--worst 5]

Not part of the test suite (it needs the public data sets and takes a minute or two).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from types import ModuleType

from lxml import etree
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
if os.environ.get("QUAERO_EXTRACTION_TREE"):  # a child measuring another commit's package
    sys.path.insert(0, os.environ["QUAERO_EXTRACTION_TREE"])
else:
    sys.path.insert(0, str(ROOT))

from quaero_desktop.crawler.markdown import html_to_markdown  # noqa: E402


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: str
    truth: str
    truth_html: str = ""  # the content element's HTML (docs sets): what the structure checks count


@dataclass
class Scores:
    texts: dict[str, str] = field(default_factory=dict)
    millis: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Manual:
    name: str
    package: str
    folder: str
    pattern: str
    content: str  # XPath of the generator's content element(s): the truth
    drop: str = ""  # XPath, under the content, of what is not content (navigation, anchors' ¶)


MANUALS = (
    Manual(
        "sphinx",
        "python3.11-doc",
        "/usr/share/doc/python3.11/html",
        "library/*.html",
        "//div[@role='main']",
        ".//a[contains(@class, 'headerlink')]",
    ),
    Manual(
        "docbook",
        "postgresql-doc-15",
        "/usr/share/doc/postgresql-doc-15/html",
        "*.html",
        "//body",
        ".//div[@class='navheader'] | .//div[@class='navfooter']",
    ),
    Manual("asciidoc", "git-doc", "/usr/share/doc/git-doc", "git-*.html", "//body", ".//div[@id='footer']"),
    Manual("texinfo", "flex-doc", "/usr/share/doc/flex-doc/html", "*.html", "//body", ".//div[@class='header']"),
    Manual(
        "doxygen",
        "libsdl2-doc",
        "/usr/share/doc/libsdl2-doc/html",
        "*.html",
        "//div[@class='header'] | //div[@class='contents']",
        ".//div[@class='ttc'] | .//div[@class='summary']",
    ),
)


def strip_markdown(markdown: str) -> str:
    """The stored Markdown's text: link targets, image references and fence lines are markup."""
    markdown = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    markdown = re.sub(r"\]\((?:[^()]|\([^)]*\))*\)", "]", markdown)
    markdown = re.sub(r"<(https?://[^>]+)>", r"\1", markdown)
    markdown = re.sub(r"^\s*(```|~~~).*$", "", markdown, flags=re.MULTILINE)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", markdown)  # "SDL\_Color" is one word


def visible_text(html: str) -> str:
    document = lxml_html.document_fromstring(html)
    for element in document.xpath("//script | //style | //noscript | //template"):
        element.drop_tree()
    return str(document.text_content())


def quaero(html: str, url: str) -> str:
    """The stored document's text below its title line: the benchmarks' truth is the article's body (the
    headline apart), and the other extractors' text leaves the title out too."""
    markdown = html_to_markdown(html, url).markdown
    body = markdown.split("\n", 1)[1] if markdown.startswith("# ") and "\n" in markdown else markdown
    return strip_markdown(body)


def trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def readability_text(html: str, url: str) -> str:
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    return str(lxml_html.fragment_fromstring(summary, create_parent="div").text_content())


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "quaero": quaero,
    "trafilatura": trafilatura_text,
    "readability": readability_text,
    "visible text": lambda html, _url: visible_text(html),
}


def load_evaluate(aeb: Path) -> ModuleType:
    """The benchmark's own scoring script."""
    spec = importlib.util.spec_from_file_location("aeb_evaluate", aeb / "evaluate.py")
    assert spec is not None and spec.loader is not None, f"no evaluate.py in {aeb}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def aeb_pages(aeb: Path) -> list[Page]:
    truth = json.loads((aeb / "ground-truth.json").read_text())
    pages = []
    for key, item in sorted(truth.items()):
        html = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        pages.append(Page(key, item["url"], html, item.get("articleBody") or ""))
    return pages


def mozilla_pages(checkout: Path) -> list[Page]:
    pages = []
    for folder in sorted((checkout / "test" / "test-pages").iterdir()):
        source, expected = folder / "source.html", folder / "expected.html"
        if source.exists() and expected.exists():
            truth = visible_text(expected.read_text(errors="replace"))
            pages.append(Page(folder.name, "http://fakehost/test/page.html", source.read_text(errors="replace"), truth))
    return pages


def manual_pages(manual: Manual, count: int) -> list[Page]:
    """``count`` pages of the manual, spread evenly over its files in name order (the same every run)."""
    folder = Path(manual.folder)
    if not folder.exists():
        subprocess.run(["apt-get", "install", "-y", "-qq", manual.package], check=True, capture_output=True)
    files = sorted(folder.glob(manual.pattern))
    step = max(1, len(files) // count)
    pages = []
    for path in files[::step][:count]:
        # Decoded already: the XML declaration (DocBook's, AsciiDoc's) would only make lxml refuse the text.
        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", path.read_bytes().decode("utf-8", "replace"))
        document = lxml_html.document_fromstring(html)
        parts = document.xpath(manual.content)
        for part in parts:
            for dropped in part.xpath(manual.drop) if manual.drop else []:
                dropped.drop_tree()
        for element in document.xpath("//script | //style"):
            element.drop_tree()
        truth = "\n".join(str(part.text_content()) for part in parts)
        truth_html = "".join(etree.tostring(part, encoding="unicode") for part in parts)
        if len(truth.split()) >= 20:
            url = f"http://docs.example/{manual.name}/{path.relative_to(folder)}"
            pages.append(Page(f"{manual.name}/{path.relative_to(folder)}", url, html, truth, truth_html))
    return pages


def run_extractor(extract: Callable[[str, str], str], pages: list[Page]) -> Scores:
    scores = Scores()
    for page in pages:
        started = time.perf_counter()
        try:
            text = extract(page.html, page.url)
        except Exception as error:  # one page's failure scores as nothing extracted, said aloud
            print(f"  {page.key}: {type(error).__name__}: {error}", file=sys.stderr)
            text = ""
        scores.millis.append((time.perf_counter() - started) * 1000)
        scores.texts[page.key] = text
    return scores


def baseline_scores(rev: str, pages: list[Page]) -> Scores:
    """Quaero's text at ``rev``: the package as committed there, converting in a child process."""
    archive = subprocess.run(["git", "archive", rev, "quaero_desktop"], cwd=ROOT, capture_output=True, check=True)
    with tempfile.TemporaryDirectory(prefix="quaero-extraction-") as tmp:
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        pages_file = Path(tmp) / "pages.json"
        pages_file.write_text(json.dumps([[page.key, page.url, page.html] for page in pages]))
        env = {**os.environ, "QUAERO_EXTRACTION_TREE": tmp}
        command = [sys.executable, __file__, "--child", str(pages_file)]
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    texts, millis = json.loads(output)
    return Scores(texts, millis)


def child(pages_file: Path) -> None:
    texts: dict[str, str] = {}
    millis: list[float] = []
    for key, url, html in json.loads(pages_file.read_text()):
        started = time.perf_counter()
        texts[key] = quaero(html, url)
        millis.append((time.perf_counter() - started) * 1000)
    print(json.dumps([texts, millis]))


def structure(pages: list[Page]) -> str:
    """What of the content's structure Quaero's Markdown keeps, against the generator's HTML: its headings
    as heading lines, its listings inside fenced blocks (with a language where the HTML names one), its
    tables as pipe tables, its links to other pages as links."""
    wanted = {"headings": 0, "code blocks": 0, "code with language": 0, "tables": 0, "links": 0}
    kept = dict.fromkeys(wanted, 0)
    for page in pages:
        content = lxml_html.fragment_fromstring(page.truth_html, create_parent="div")
        markdown = html_to_markdown(page.html, page.url).markdown
        heading_lines = {_plain(line.lstrip("#")) for line in markdown.splitlines() if re.match(r"#{1,6} ", line)}
        for heading in content.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6"):
            if text := _plain(heading.text_content()):
                wanted["headings"] += 1
                kept["headings"] += any(text in line or line in text for line in heading_lines if line)
        fenced = re.findall(r"^```(\S*)\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)
        for pre in content.xpath(".//pre"):
            lines = [line for line in pre.text_content().splitlines() if line.strip()]
            if not lines:
                continue
            first = _plain(lines[0])
            found = [info for info, body in fenced if first in _plain(body)]
            wanted["code blocks"] += 1
            kept["code blocks"] += bool(found)
            if _names_language(pre):
                wanted["code with language"] += 1
                kept["code with language"] += any(found)
        wanted["tables"] += len(content.xpath(".//table[not(ancestor::table)][count(.//tr) > 1]"))
        kept["tables"] += len(re.findall(r"^\|(?: *:?-+:? *\|)+$", markdown, flags=re.MULTILINE))
        wanted["links"] += len(content.xpath(".//a[@href and not(starts-with(@href, '#'))][normalize-space()]"))
        kept["links"] += len(re.findall(r"\]\((?:https?|mailto):", markdown))
    return ", ".join(f"{name} {min(kept[name], wanted[name])}/{wanted[name]}" for name in wanted)


def _plain(text: str) -> str:
    """Words only, lower case: a heading's or a line's text whatever its markup and escapes."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _names_language(pre: etree._Element) -> bool:
    classes = " ".join(
        (element.get("class") or "") for element in [pre, *pre.iterancestors(), *pre.iter("code")][:6]
    ).lower()
    return bool(re.search(r"(?:language|lang|highlight)-(?!default|none|text)\w", classes))


def report(
    name: str, pages: list[Page], evaluate: ModuleType, results: dict[str, Scores], worst: int, docs: bool
) -> dict[str, object]:
    truth = {page.key: {"articleBody": page.truth} for page in pages}
    print(f"\n{name}: {len(pages)} pages")
    print(f"  {'extractor':<22} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8}")
    figures: dict[str, object] = {}
    for extractor, scores in results.items():
        prediction = {key: {"articleBody": text} for key, text in scores.texts.items()}
        metrics = evaluate.evaluate(truth, prediction, 10)
        median = statistics.median(scores.millis)
        print(
            f"  {extractor:<22} {metrics['precision']:6.3f} {metrics['recall']:6.3f} {metrics['f1']:6.3f} {median:8.1f}"
        )
        figures[extractor] = {
            "precision": round(metrics["precision"], 4),
            "recall": round(metrics["recall"], 4),
            "f1": round(metrics["f1"], 4),
            "median_ms": round(median, 2),
        }
    quaero_texts = results["quaero"].texts
    per_page = []
    for page in pages:
        tp, fp, fn = evaluate.string_shingle_matching(page.truth, quaero_texts[page.key])
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_page.append((f1, precision, recall, page.key))
    print(f"  Quaero's {worst} worst pages (F1, P, R):")
    for f1, precision, recall, key in sorted(per_page)[:worst]:
        print(f"    {f1:.3f} {precision:.3f} {recall:.3f}  {key}")
    if docs:
        print(f"  structure kept by Quaero: {structure(pages)}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aeb", type=Path, help="a checkout of scrapinghub/article-extraction-benchmark")
    parser.add_argument("--mozilla", type=Path, help="a checkout of mozilla/readability (its test pages)")
    parser.add_argument("--docs", action="store_true", help="generated manuals from Debian's -doc packages")
    parser.add_argument("--pages-per-manual", type=int, default=40)
    parser.add_argument("--baseline", metavar="REV", help="also Quaero as it was at REV")
    parser.add_argument("--worst", type=int, default=5)
    parser.add_argument("--only", help="extractors to run, comma-separated (default: all; quaero always)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if not (args.aeb or args.mozilla or args.docs):
        parser.error("give at least one set: --aeb DIR, --mozilla DIR or --docs")
    if args.aeb is None:
        parser.error("--aeb DIR is needed for its scoring script (evaluate.py) even when scoring other sets")
    evaluate = load_evaluate(args.aeb)
    sets: list[tuple[str, list[Page], bool]] = [("article-extraction-benchmark", aeb_pages(args.aeb), False)]
    if args.mozilla:
        sets.append(("mozilla readability test pages (held out)", mozilla_pages(args.mozilla), False))
    if args.docs:
        sets.extend(
            (f"{manual.name} ({manual.package})", manual_pages(manual, args.pages_per_manual), True)
            for manual in MANUALS
        )
    figures: dict[str, object] = {}
    for name, pages, docs in sets:
        chosen = {"quaero", *args.only.split(",")} if args.only else set(EXTRACTORS)
        results = {name: run_extractor(extract, pages) for name, extract in EXTRACTORS.items() if name in chosen}
        if args.baseline:
            results[f"quaero at {args.baseline}"] = baseline_scores(args.baseline, pages)
        figures[name] = report(name, pages, evaluate, results, args.worst, docs)
    print("\n" + json.dumps(figures))


if __name__ == "__main__":
    main()
