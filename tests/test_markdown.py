"""HTML -> Markdown of a page's main content: what is content and what is around it (navigation,
banners, hidden and noise elements), the title and headings, tidy output, and odd or broken HTML.
How each element is written (tables, code, lists, links, inline formatting):
test_markdown_elements.py."""

from __future__ import annotations

import random
import re

import pytest

from quaero_desktop.crawler.converted_page import ConvertedPage
from quaero_desktop.crawler.markdown import html_to_markdown
from tests.markdown_support import _URL, _markdown

_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Install — Acme Docs</title>
<link rel="stylesheet" href="/css/site.css">
<script>window.dataLayer = []; document.write("<p>from a script</p>");</script>
<style>.sidebar { width: 20em }</style>
</head>
<body class="docs cookie-consent-given">
<div id="onetrust-consent-sdk"><div class="ot-banner"><h2>We value your privacy</h2>
  <p>We use cookies to improve your experience.</p><button>Accept all</button></div></div>
<header class="site-header">
  <a class="logo" href="/"><img src="/logo.svg" alt="Acme logo"> Acme Docs</a>
  <nav><ul><li><a href="/docs/">Docs</a></li><li><a href="/blog/">Blog</a></li></ul></nav>
  <form role="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form>
</header>
<div class="layout">
  <aside class="sidebar"><h3>Guide</h3><ul><li><a href="intro.html">Intro</a></li>
    <li><a href="install.html">Install</a></li></ul></aside>
  <main>
    <nav aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/docs/">Docs</a></nav>
    <article class="doc">
      <h1 id="install">Install <a class="headerlink" href="#install" title="Permalink">¶</a></h1>
      <p>Acme needs <strong>Python&nbsp;3.11</strong> or <em>newer</em>. Read the
         <a href="../faq.html#python">FAQ</a> first.   Then run <code>pip install acme_tool</code>.</p>
      <h2 id="steps"><a href="#steps">Steps</a></h2>
      <ol>
        <li>Download the archive.</li>
        <li>Install it:
          <ul><li>on Linux with <code>make install</code></li><li>on <b>Windows</b> with the installer</li></ul>
        </li>
        <li>Check the version.</li>
      </ol>
      <pre><code class="language-python">import acme

if acme.ready():
    print("ready &amp; *set*")</code></pre>
      <h2 id="options">Options</h2>
      <table>
        <thead><tr><th>Option</th><th>Meaning</th></tr></thead>
        <tbody>
          <tr><td><code>--quiet</code></td><td>Print nothing | almost</td></tr>
          <tr><td><code>--jobs N</code></td><td>Run <em>N</em> jobs</td></tr>
        </tbody>
      </table>
      <div class="admonition note" role="note"><p>See <a href="/docs/api/#config">the API</a> &amp; more.</p></div>
      <p style="display:none">Hidden text</p>
      <footer class="doc-footer"><a href="https://github.com/acme/edit">Edit this page</a></footer>
    </article>
  </main>
</div>
<footer class="site-footer"><p>© 2024 Acme Inc.</p><a href="/privacy">Privacy</a></footer>
<div class="cookie-banner">This site uses cookies. <a href="/cookies">Learn more</a></div>
</body></html>
"""

_DOCS_MARKDOWN = """# Install

Acme needs **Python 3.11** or *newer*. Read the [FAQ](https://docs.acme.test/docs/faq.html#python) first. \
Then run `pip install acme_tool`.

## Steps

1. Download the archive.
2. Install it:
   - on Linux with `make install`
   - on **Windows** with the installer
3. Check the version.

```python
import acme

if acme.ready():
    print("ready & *set*")
```

## Options

| Option | Meaning |
| --- | --- |
| `--quiet` | Print nothing \\| almost |
| `--jobs N` | Run *N* jobs |

See [the API](https://docs.acme.test/docs/api/#config) & more.
"""


def _assert_tidy(markdown: str) -> None:
    """Ends with one newline; outside code blocks no trailing spaces and no two blank lines."""
    assert markdown == "" or (markdown.endswith("\n") and not markdown.endswith("\n\n"))
    lines, fence = [], ""
    for line in markdown.split("\n"):
        unquoted = line.lstrip(" >")
        if fence:  # code is verbatim
            fence = "" if unquoted == fence else fence
        elif unquoted.startswith("```"):
            fence = unquoted[: len(unquoted) - len(unquoted.lstrip("`"))]
            lines.append("CODE")
        else:
            lines.append(line)
    assert "\n\n\n" not in "\n".join(lines)
    assert all(line == line.rstrip() for line in lines)


def test_docs_page_becomes_its_main_content() -> None:
    page = html_to_markdown(_DOCS_PAGE, _URL)
    assert page.markdown == _DOCS_MARKDOWN
    assert page.title == "Install"
    assert page.headings == ("Install", "Steps", "Options")


@pytest.mark.parametrize(
    "chrome_text",
    [
        "We value your privacy",
        "Accept all",
        "Acme Docs",
        "Blog",
        "Search",
        "Intro",
        "Home",
        "Edit this page",
        "© 2024",
        "Privacy",
        "uses cookies",
        "from a script",
        "sidebar",
        "Hidden text",
        "¶",
        "logo",
    ],
)
def test_docs_page_drops_everything_around_the_content(chrome_text: str) -> None:
    assert chrome_text not in _markdown(_DOCS_PAGE)


def test_output_is_tidy() -> None:
    _assert_tidy(markdown := _markdown(_DOCS_PAGE))
    assert not re.search(r"(?<!\\)<[A-Za-z/!]|&[a-z]+;|\xa0", markdown)


def test_h1_in_the_page_header_is_the_title() -> None:
    html = """<html><head><title>Tab title</title></head><body>
      <header class="banner"><h1>Release notes</h1><nav><a href="/">Home</a></nav></header>
      <main><p>Version 2 is out.</p></main></body></html>"""
    page = html_to_markdown(html, _URL)
    assert page == ConvertedPage("# Release notes\n\nVersion 2 is out.\n", "Release notes", ("Release notes",))


def test_without_h1_the_title_element_is_the_heading() -> None:
    html = "<html><head><title>  Team   wiki:\n Home </title></head><body><p>Welcome!</p></body></html>"
    page = html_to_markdown(html, _URL)
    assert page == ConvertedPage("# Team wiki: Home\n\nWelcome!\n", "Team wiki: Home", ("Team wiki: Home",))


def test_without_any_title_there_is_no_heading_line() -> None:
    page = html_to_markdown("<p>Just <i>text</i>.</p>", _URL)
    assert page == ConvertedPage("Just *text*.\n", "", ())


def test_the_main_h1_is_not_repeated_and_comes_first() -> None:
    html = """<body><header><h1>Site name</h1></header><main>
      <p class="eyebrow">Guides</p><h1>Deploying</h1><p>Text.</p><h2>Next</h2></main></body>"""
    page = html_to_markdown(html, _URL)
    assert page.markdown == "# Deploying\n\nGuides\n\nText.\n\n## Next\n"
    assert page.headings == ("Deploying", "Next")


def test_title_special_characters_are_escaped_in_the_heading_only() -> None:
    page = html_to_markdown("<title>The *best* snake_case guide</title><p>x</p>", _URL)
    assert page == ConvertedPage(
        "# The \\*best\\* snake\\_case guide\n\nx\n", "The *best* snake_case guide", ("The *best* snake_case guide",)
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<div>Outside</div><main><p>In main</p></main><main><p>Second main</p></main>", "In main\n"),
        ('<div>Outside</div><div role="main"><p>In role main</p></div>', "In role main\n"),
        (
            "<p>Outside</p><article><p>The article</p><article><p>A comment</p></article></article>",
            "The article\n\nA comment\n",
        ),
        ("<p>Intro</p><article><p>One</p></article><article><p>Two</p></article>", "Intro\n\nOne\n\nTwo\n"),
    ],
)
def test_main_content_is_main_then_a_single_article_then_body(body: str, expected: str) -> None:
    assert _markdown(f"<html><body>{body}</body></html>") == expected


def test_an_articles_own_header_is_content() -> None:
    html = """<body><header><a href="/">Blog</a></header><article>
      <header><h1>Post</h1><p class="lede">The lead.</p></header><p>Body.</p><footer>Share</footer>
    </article></body>"""
    assert _markdown(html) == "# Post\n\nThe lead.\n\nBody.\n"


@pytest.mark.parametrize(
    "noise",
    [
        '<div id="CybotCookiebotDialog"><p>NOISE</p></div>',
        '<div class="cc-window cc-banner"><p>NOISE</p></div>',
        '<section class="gdpr-popup"><p>NOISE</p></section>',
        '<div class="js-cookie-notice"><p>NOISE</p></div>',
        '<div id="cookieConsent"><p>NOISE</p></div>',
        '<div role="navigation"><p>NOISE</p></div>',
        '<div role="banner"><p>NOISE</p></div>',
        '<div role="contentinfo"><p>NOISE</p></div>',
        '<div role="search"><p>NOISE</p></div>',
        '<div role="complementary"><p>NOISE</p></div>',
        "<nav><p>NOISE</p></nav>",
        "<aside><p>NOISE</p></aside>",
        "<footer><p>NOISE</p></footer>",
        "<div hidden><p>NOISE</p></div>",
        '<div aria-hidden="true"><p>NOISE</p></div>',
        '<div style="color: red; DISPLAY : none"><p>NOISE</p></div>',
        "<noscript><p>NOISE</p></noscript>",
        "<template><p>NOISE</p></template>",
        "<svg><text>NOISE</text></svg>",
        "<form action='/login'><label>NOISE</label><input name=user><button>NOISE</button></form>",
        "<select><option>NOISE</option></select><textarea>NOISE</textarea>",
        "<iframe src='/ad'>NOISE</iframe><object>NOISE</object><canvas>NOISE</canvas>",
    ],
)
def test_noise_is_dropped(noise: str) -> None:
    assert _markdown(f"<body><main><p>Kept.</p>{noise}<p>Also kept.</p></main></body>") == "Kept.\n\nAlso kept.\n"


@pytest.mark.parametrize(
    "html",
    [
        '<body><article class="recipe cookie-recipe"><p>Bake the cookies.</p></article></body>',
        '<body class="cookie-consent-shown"><main><p>Bake the cookies.</p></main></body>',
        # a modal banner made the page hide everything else
        '<body><div id="app" aria-hidden="true"><main><p>Bake the cookies.</p></main></div>'
        '<div class="consent-dialog"><p>Cookies?</p></div></body>',
        # ASP.NET and SharePoint pages sit in one big form
        '<body><form id="aspnetForm"><input type="hidden" name="__VIEWSTATE"><div id="content">'
        "<h1>Team site</h1><p>Bake the cookies.</p></div></form></body>",
    ],
)
def test_content_that_only_looks_like_noise_is_kept(html: str) -> None:
    assert "Bake the cookies." in _markdown(html)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<html><head><title></title></head><body></body></html>",
        "<!-- only a comment -->",
        "<script>x()</script>",
    ],
)
def test_pages_without_text_give_empty_markdown(html: str) -> None:
    assert html_to_markdown(html) == ConvertedPage("", "", ())


def test_html5_elements_before_body_are_not_lost() -> None:
    # libxml2 puts unknown (HTML5) elements met before <body> into <head>
    page = html_to_markdown("<title>T</title><header><h1>Heading</h1></header><main><p>Text</p></main>")
    assert page.markdown == "# Heading\n\nText\n"


def test_xml_declaration_and_odd_characters() -> None:
    html = '<?xml version="1.0" encoding="iso-8859-1"?><html><body><h1>Été</h1><p>a \ud800 b</p></body></html>'
    assert _markdown(html) == "# Été\n\na ? b\n"


def test_deep_nesting_does_not_fail() -> None:
    html = "<div>" * 400 + "deep" + "</div>" * 400 + "<ul><li>" * 200 + "list" + "<p>after</p>"
    markdown = _markdown(html)
    assert markdown.startswith("deep\n\n- - - ")
    assert "after" in markdown.rsplit("- ", 1)[1]


def test_random_tag_soup_never_fails_and_stays_tidy() -> None:
    """Random, mostly broken HTML from a seeded generator: the same cases every run (hypothesis feeds every
    parser arbitrary bytes and markup in test_page_parsers.py)."""
    generator = random.Random(20240601)
    tags = [
        "p",
        "div",
        "span",
        "a",
        "b",
        "em",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "td",
        "h1",
        "h2",
        "header",
        "nav",
        "main",
        "form",
        "br",
        "img",
        "blockquote",
    ]
    attributes = [
        "",
        " hidden",
        ' class="cookie-banner"',
        ' role="main"',
        ' href="#x"',
        ' href="http://[::1"',
        ' href="../a b"',
        ' colspan="²"',
        ' start="7"',
        ' class="language-py"',
        ' aria-hidden="true"',
    ]
    texts = ["word", " ", "¶", "a*b_c", "<", "&amp;", "&nbsp;", "\u200b", "\x00", "\ud800", "|", "日本", "\n\n"]
    for _ in range(1000):
        pieces = []
        for _ in range(generator.randint(0, 30)):
            kind = generator.random()
            if kind < 0.4:
                pieces.append(f"<{generator.choice(tags)}{generator.choice(attributes)}>")
            elif kind < 0.6:
                pieces.append(f"</{generator.choice(tags)}>")
            else:
                pieces.append(generator.choice(texts))
        _assert_tidy(html_to_markdown("".join(pieces), generator.choice(["", _URL, "http://[::1"])).markdown)
