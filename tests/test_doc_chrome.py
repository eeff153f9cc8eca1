"""Manuals' chrome out of the Markdown (doc_chrome.py): pages hand-written in the shape of what
documentation generators emit (Texinfo, Sphinx, DocBook, gtk-doc, Doxygen, SQLite's docs) — prev/next/up
bars, link bars and breadcrumbs out, headings in place with levels that do not jump, the title not
repeated as text."""

from __future__ import annotations

import re
from itertools import pairwise

from lxml import html
from lxml.etree import _Element

from quaero_desktop.crawler.doc_chrome import tidy_doc_chrome, title_heading
from quaero_desktop.crawler.markdown import html_to_markdown

_URL = "https://manual.example/doc/page.html"


_TOPICS = ("patterns", "actions", "start conditions", "the input buffer", "the default rule", "options", "tables")


def _text(n: int) -> str:
    """Two paragraphs of their own (the extractor leaves out a paragraph the page repeats)."""
    topic = _TOPICS[n % len(_TOPICS)]
    return (
        f"<p>This part, number {n}, explains {topic} in detail: how the scanner reads {topic} from its input,"
        f" what it does when {topic} are missing, and which options change the way {topic} work.</p>"
        f"<p>Examples of {topic} follow in part {n}; each shows a small scanner and the output it writes, so the"
        f" effect of {topic} on the generated program can be read directly from the listing.</p>"
    )


def _element_text(element: _Element | None) -> str:
    assert element is not None
    return "".join(element.itertext())


def _convert(body: str, title: str = "Actions (The Manual)") -> tuple[str, str]:
    page = html_to_markdown(f"<html><head><title>{title}</title></head><body>{body}</body></html>", _URL)
    return page.markdown, page.title


def _heading_levels(markdown: str) -> list[int]:
    levels, in_code = [], False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and (match := re.match(r"(#{1,6}) ", line)):
            levels.append(len(match.group(1)))
    return levels


def _assert_no_jumps(markdown: str) -> None:
    levels = _heading_levels(markdown)
    assert levels.count(1) == 1, markdown
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), levels


def test_texinfo_node_header_and_heading_levels() -> None:
    header = (
        '<div class="header"><p>Next: <a href="Generated-Scanner.html" accesskey="n" rel="next">The Generated'
        ' Scanner</a>, Previous: <a href="Matching.html" accesskey="p" rel="prev">How the Input Is Matched</a>,'
        ' Up: <a href="index.html" accesskey="u" rel="up">flex</a> &nbsp; [<a href="index.html#SEC_Contents"'
        ' title="Table of contents" rel="contents">Contents</a>][<a href="Indices.html" title="Index"'
        ' rel="index">Index</a>]</p></div><hr>'
    )
    body = f'<div class="section" id="Actions">{header}<h4 class="section">8 Actions</h4>{_text(1)}<hr>{header}</div>'
    markdown, _title = _convert(body)
    assert "Next:" not in markdown and "Previous" not in markdown and "[Index]" not in markdown, markdown
    assert "---" not in markdown, markdown
    assert markdown.startswith("# Actions (The Manual)\n"), markdown
    _assert_no_jumps(markdown)


def test_heading_levels_follow_nesting_under_the_title() -> None:
    """Texinfo's H1 title then H4 sections, SQLite's sections all H1: H2 first, no level skipped."""
    content = html.fromstring(
        "<div><h4>8 Actions</h4><p>a</p><h5>8.1 Rules</h5><h1>9 Scanner</h1><h3>9.1 Input</h3><h6>x</h6>"
        "<h2>10</h2></div>"
    )
    tidy_doc_chrome(content, "Actions (The Manual)")
    assert [heading.tag for heading in content.iter("h1", "h2", "h3", "h4", "h5", "h6")] == [
        *("h2", "h3", "h2", "h3", "h4", "h3"),
    ]


def test_the_title_of_a_page_with_h1_sections() -> None:
    page = html.fromstring("<html><body><h1>Acme</h1><h1>Release notes</h1><p>text</p></body></html>")
    assert title_heading(page, "Release notes | Acme") is not None
    assert _element_text(title_heading(page, "Release notes | Acme")) == "Release notes"
    sections = html.fromstring("<html><body><h1>1. Overview</h1><p>a</p><h1>2. Syntax</h1></body></html>")
    assert title_heading(sections, "SELECT") is None
    single = html.fromstring("<html><body><h1>Install</h1><p>a</p></body></html>")
    assert _element_text(title_heading(single, "Acme docs")) == "Install"


def test_sphinx_bars_and_a_second_h1() -> None:
    bars = (
        '<div class="bar"><a href="../index.html">Home</a> | <a href="../contents.html">Table of contents</a>'
        ' | <a href="../genindex.html">Index</a> | <a href="../py-modindex.html">Modules</a></div>'
        '<p class="nav"><a href="intro.html">« previous</a> | <a href="../index.html">up</a> |'
        ' <a href="tutorial.html">next »</a></p>'
    )
    body = (
        f'{bars}<div class="body" role="main"><section><h1>quaero — Crawl pages</h1>{_text(2)}'
        f"<section><h2>Usage</h2>{_text(3)}</section></section>"
        f"<section><h1>quaero.support — Helpers for tests</h1>{_text(4)}<h3>Fixtures</h3>{_text(5)}</section>"
        f"</div>{bars}"
    )
    markdown, title = _convert(body, "quaero — Crawl pages — Quaero 1.0 documentation")
    assert title == "quaero — Crawl pages"
    assert "Table of contents" not in markdown and "previous" not in markdown and "Modules" not in markdown
    assert "## quaero.support — Helpers for tests" in markdown, markdown
    assert "### Fixtures" in markdown, markdown
    _assert_no_jumps(markdown)


def test_docbook_navigation_tables() -> None:
    header = (
        '<div class="navheader"><table width="100%"><tr><th colspan="3" align="center">9.23. Subqueries</th></tr>'
        '<tr><td><a accesskey="p" href="window.html">Prev</a> </td><th>Chapter 9. Functions</th>'
        '<td><a accesskey="n" href="compare.html">Next</a></td></tr></table><hr></div>'
    )
    footer = (
        '<div class="navfooter"><hr><table width="100%"><tr><td><a accesskey="p" href="window.html">Prev</a></td>'
        '<td><a accesskey="u" href="functions.html">Up</a></td><td><a accesskey="n" href="compare.html">Next</a>'
        '</td></tr><tr><td>9.22. Window Functions </td><td><a accesskey="h" href="index.html">Home</a></td>'
        "<td> 9.24. Row Comparisons</td></tr></table></div>"
    )
    body = f'<div class="chapter">{header}<div class="sect1"><h2 class="title">9.23. Subqueries</h2>{_text(6)}'
    body += "<h3>9.23.1. EXISTS</h3>"
    markdown, _title = _convert(body + f"{_text(7)}</div>{footer}</div>", "9.23. Subqueries")
    assert "Prev" not in markdown and "Home" not in markdown and "Window Functions" not in markdown, markdown
    assert markdown.startswith("# 9.23. Subqueries\n"), markdown
    _assert_no_jumps(markdown)


def test_icon_navigation_of_gtk_doc() -> None:
    icons = "".join(
        f'<td><a accesskey="{key}" href="{page}.html"><img src="{key}.png" alt="{alt}"></a></td>'
        for key, page, alt in (
            ("h", "index", "Home"),
            ("u", "utils", "Up"),
            ("p", "random", "Prev"),
            ("n", "misc", "Next"),
        )
    )
    body = (
        f'<table class="navigation"><tr><td class="shortcuts"><a href="#">Top</a> | <a href="#desc">Description</a>'
        f'</td>{icons}</tr></table><div class="refentry"><h2>Hook Functions</h2>{_text(8)}</div>'
    )
    markdown, _title = _convert(body, "Hook Functions: The Reference Manual")
    assert "Top" not in markdown and "Description" not in markdown, markdown


def test_breadcrumb_with_the_current_page() -> None:
    crumbs = '<p class="path"><a href="/">Docs</a> » <a href="/lib/">Library</a> » <a href="/lib/json/">json</a></p>'
    body = f'<div class="document">{crumbs}<h2>json</h2>{_text(9)}{crumbs}</div>'
    markdown, _title = _convert(body, "json — The Manual")
    assert "Library" not in markdown and "»" not in markdown, markdown


def test_sections_all_h1_keep_their_place_and_the_title_block_goes() -> None:
    body = (
        '<div class="menu"><ul><li><a href="index.html">Home</a></li><li><a href="about.html">About</a></li></ul></div>'
        f'<div class="fancy"><div class="fancy_title">SELECT</div><h1 id="overview"><span>1. </span>Overview</h1>'
        f"{_text(10)}<h1>2. Simple Select Processing</h1>{_text(11)}<h2>2.1. Where</h2>{_text(12)}</div>"
    )
    markdown, title = _convert(body, "SELECT")
    assert title == "SELECT"
    assert markdown.startswith("# SELECT\n\n"), markdown
    assert "\nSELECT\n" not in markdown and "\n# 1. Overview" not in markdown, markdown
    assert "\n## 1. Overview\n" in markdown and "\n## 2. Simple Select Processing\n" in markdown, markdown
    _assert_no_jumps(markdown)


def test_a_site_name_h1_before_the_article_h1_is_not_the_title() -> None:
    body = f"<div><h1>Acme</h1></div><div class='article'><h1>Release notes</h1>{_text(13)}</div>"
    markdown, title = _convert(body, "Release notes | Acme")
    assert title == "Release notes" and markdown.startswith("# Release notes\n"), markdown


def test_content_links_and_numbered_data_stay() -> None:
    body = (
        f"<h2>See also</h2>{_text(16)}<p>Read <a href='next.html'>next</a> steps in"
        " <a href='up.html'>the setup guide</a>"
        " before you start the crawl and change the rules of the definition.</p>"
        "<pre>1 apple\n2 pear\n3 plum</pre>"
    )
    markdown, _title = _convert(body)
    assert "the setup guide" in markdown and "1 apple\n2 pear\n3 plum" in markdown, markdown
