"""A page that marks its content plainly (a manual's ``main``, nothing in it that reads as boilerplate) is
converted from that content whole, without the extractor: what the extractor used to drop from manuals
(a list of the names a section gives, the spaces of a console listing) stays; a page whose marked content
holds a share bar or a related list is still pruned by the extractor; a manual's general index keeps its
entries."""

from __future__ import annotations

from quaero_desktop.crawler.html_tree import parse_html
from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.crawler.marked_content import is_plainly_marked

_INTRO = (
    "<p>The development mode adds runtime checks that are too expensive to be enabled by default. It should "
    "not be more verbose than the default if the code is correct; new warnings are only emitted when an "
    "issue is detected, so that the program keeps running as it did while its author learns about it.</p>"
)
_WARNINGS = (
    "<p>It shows these warnings by default:</p><ul>"
    '<li><p><a class="reference internal" href="exceptions.html#DeprecationWarning"><code>DeprecationWarning</code>'
    "</a></p></li>"
    '<li><p><a class="reference internal" href="exceptions.html#ImportWarning"><code>ImportWarning</code></a></p></li>'
    '<li><p><a class="reference internal" href="exceptions.html#ResourceWarning"><code>ResourceWarning</code></a>'
    "</p></li></ul>"
)
_LISTING = (
    '<div class="highlight-shell-session"><div class="highlight"><pre><span></span><span class="gp">$ </span>'
    'python3<span class="w"> </span>-X<span class="w"> </span>dev<span class="w"> </span>script.py<span class="w">'
    " </span>README.txt\n</pre></div></div>"
    "<p>Run this way, the script warns about the file it left open, at the line that opened it.</p>"
)
_SHARE_BAR = '<div class="share-bar"><p>Share this page with your friends on every network you use today</p></div>'


def _page(main: str) -> str:
    return (
        "<html><head><title>Python Development Mode</title></head><body>"
        '<div class="sidebar"><a href="index.html">Contents</a></div>'
        f'<div role="main"><h1>Python Development Mode</h1>{main}</div></body></html>'
    )


def test_a_manual_page_keeps_its_list_of_names_and_the_spaces_of_its_listing():
    markdown = html_to_markdown(
        _page(_INTRO + _WARNINGS + _LISTING), "http://docs.example/library/devmode.html"
    ).markdown
    assert markdown.startswith("# Python Development Mode\n")
    for name in ("DeprecationWarning", "ImportWarning", "ResourceWarning"):
        assert f"[`{name}`](http://docs.example/library/exceptions.html#{name})" in markdown
    assert "$ python3 -X dev script.py README.txt" in markdown
    assert "at the line that opened it" in markdown


def test_a_page_with_boilerplate_in_its_marked_content_is_still_pruned():
    markdown = html_to_markdown(
        _page(_INTRO + _SHARE_BAR + _LISTING + _INTRO.replace("development", "debug")), "http://docs.example/a.html"
    ).markdown
    assert "Share this page" not in markdown
    assert "too expensive to be enabled" in markdown


def test_a_manuals_general_index_keeps_its_entries():
    letters = '<table class="indextable"><tr><td><a href="#A">A</a></td><td><a href="#B">B</a></td></tr></table>'
    entries = "".join(
        f'<li>{name}<ul><li><a href="library/{name}.html#{name}">{name} (built-in function)</a></li>'
        f'<li><a href="reference/{name}.html">statement of the language</a></li></ul></li>'
        for name in ("abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray")
    )
    entries_table = f'<table class="indextable"><tr><td><ul>{entries}</ul></td></tr></table>'
    index = f'<h1 id="index-a">Index - A</h1>{letters}{entries_table}'
    markdown = html_to_markdown(_page(index), "http://docs.example/genindex-A.html").markdown
    assert "[abs (built-in function)](http://docs.example/library/abs.html#abs)" in markdown
    assert "[bytearray (built-in function)](http://docs.example/library/bytearray.html#bytearray)" in markdown


def _judged(main: str) -> bool:
    document = parse_html(_page(main))
    assert document is not None
    body = document.find("body")
    assert body is not None
    marked = body.find("div[@role='main']")
    assert marked is not None
    return is_plainly_marked(marked, body)


def test_what_makes_a_page_plainly_marked():
    assert _judged(_INTRO + _WARNINGS + _LISTING)
    assert not _judged("<p>A stub of a page, a few words only.</p>")  # too few words: the extractor decides
    links = "".join(f'<li><a href="p{i}.html">Chapter {i} of the manual and its sections</a></li>' for i in range(30))
    assert _judged(_INTRO + f"<ul>{links}</ul>")  # a manual's index of its chapters: kept whole
    assert not _judged(_INTRO + _SHARE_BAR + _LISTING)
    assert not _judged(_INTRO + '<div id="related-stories"><p>Another story</p></div>' + _LISTING)
    assert not _judged(_INTRO + '<p style="display:none">Hidden</p>' + _LISTING)
