"""HTML -> Markdown, element by element: pipe tables, code blocks and their language, inline code,
nested lists, absolute links, inline formatting and escaping, blocks inside inline elements, images."""

from __future__ import annotations

import pytest

from tests.markdown_support import _markdown


def test_tables_become_pipe_tables() -> None:
    html = """<table><caption>Limits</caption>
      <tr><td>Name</td><td>Value</td><td>Note</td></tr>
      <tr><td>pages</td><td colspan="2">100 <br>per job</td></tr>
      <tr><td>depth</td><td><p>2</p><p>levels</p></td><td>a|b</td></tr>
      <tr><td>empty</td></tr></table>"""
    assert _markdown(html) == (
        "*Limits*\n\n"
        "| Name | Value | Note |\n"
        "| --- | --- | --- |\n"
        "| pages | 100 per job | |\n"
        "| depth | 2 levels | a\\|b |\n"
        "| empty |  |  |\n"
    )


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<pre class="language-rust">x</pre>', "rust"),
        ('<pre><code class="hljs language-python">x</code></pre>', "python"),
        ('<pre class="lang-js">x</pre>', "js"),
        ('<div class="highlight-console notranslate"><div class="highlight"><pre>x</pre></div></div>', "console"),
        ('<div class="highlight-default"><div class="highlight"><pre>x</pre></div></div>', ""),
        ("<pre>x</pre>", ""),
    ],
)
def test_code_block_language_comes_from_its_classes(html: str, language: str) -> None:
    assert _markdown(html) == f"```{language}\nx\n```\n"


def test_code_blocks_are_verbatim() -> None:
    html = """<pre><span class="k">def</span> <span class="nf">f</span>(a_b):


    return a_b * 2  # &lt;tag&gt; &amp; _x_
</pre>"""
    assert _markdown(html) == "```\ndef f(a_b):\n\n\n    return a_b * 2  # <tag> & _x_\n```\n"


def test_code_fences_outgrow_backticks_and_br_breaks_lines() -> None:
    assert _markdown("<pre>Use ```python to start.</pre>") == "````\nUse ```python to start.\n````\n"
    assert _markdown("<pre><code>a();<br>b();</code></pre>") == "```\na();\nb();\n```\n"


def test_inline_code_holds_backticks() -> None:
    html = "<p>Type <code>x`y</code>, <code>`z</code> and <code>a_b*c</code>.</p>"
    assert _markdown(html) == "Type ``x`y``, `` `z `` and `a_b*c`.\n"


def test_nested_lists() -> None:
    html = """<ul>
      <li>First
        <ol start="3"><li>three</li><li>four<ul><li>deep</li></ul></li></ol>
      </li>
      <li><p>Para one</p><p>Para two</p></li>
      <ul><li>stray nested list</li></ul>
      <li> </li>
    </ul>"""
    assert _markdown(html) == (
        "- First\n\n  3. three\n  4. four\n     - deep\n\n- Para one\n\n  Para two\n\n- stray nested list\n"
    )


def test_links_are_absolute_and_meaningful() -> None:
    html = """<p><a href="../api/index.html">API</a>, <a href="/root">root</a>, <a href="#part">part</a>,
      <a href="https://example.org/x?a=1&amp;b=2">spec</a>, <a href="mailto:help@acme.test">mail</a>,
      <a href="javascript:void(0)">Menu</a>, <a href="/empty"> </a>, <a href="/logo"><img src="l.png" alt="Logo"></a>,
      <a href="/a b(1)">odd</a>, <a>no href</a>.</p>"""
    assert _markdown(html) == (
        "[API](https://docs.acme.test/docs/api/index.html), [root](https://docs.acme.test/root), "
        "[part](https://docs.acme.test/docs/guide/install.html#part), [spec](https://example.org/x?a=1&b=2), "
        "[mail](mailto:help@acme.test), Menu, , , [odd](https://docs.acme.test/a%20b(1)), no href.\n"
    )


def test_base_href_decides_where_relative_links_point() -> None:
    html = '<html><head><base href="/v2/"></head><body><p><a href="page.html">page</a></p></body></html>'
    assert _markdown(html) == "[page](https://docs.acme.test/v2/page.html)\n"


def test_inline_formatting_and_escaping() -> None:
    html = """<p>Hello<b>world</b> and <i> spaced </i>end. <del>old</del> <strong><em>both</em></strong>
      5 * 3 = snake_case; use &lt;div&gt; &amp; &copy; &#8212; caf&eacute;<br>next&nbsp;line<br></p>
      <blockquote><p>Quoted</p><p>Twice</p></blockquote><hr><p>inter\u00adnational\u200b</p>"""
    assert _markdown(html) == (
        "Hello**world** and *spaced* end. ~~old~~ ***both*** 5 \\* 3 = snake\\_case; use \\<div> & © — café\\\n"
        "next line\n\n"
        "> Quoted\n"
        ">\n"
        "> Twice\n\n"
        "---\n\n"
        "international\n"
    )


def test_blocks_inside_inline_elements() -> None:
    html = """<a href="/card"><div><h3>Card title</h3><p>Card text</p></div></a>
      <span><p>First</p><p>Second</p></span>"""
    assert _markdown(html) == "[Card title Card text](https://docs.acme.test/card)\n\nFirst\n\nSecond\n"


def test_images_are_dropped() -> None:
    assert (
        _markdown(
            '<p>Before <img src="a.png" alt="A diagram"> after</p><figure><img src="b.png">'
            "<figcaption>Figure 1</figcaption></figure>"
        )
        == "Before after\n\n*Figure 1*\n"
    )
