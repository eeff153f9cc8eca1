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


# --- what an application shows: controls, collapsed panels, tabs, code drawn as rows ---


def test_a_collapsible_header_button_is_one_line_and_its_collapsed_panel_is_kept() -> None:
    html = """<div><button aria-expanded="false"><span class="method">GET</span><span class="path">/boats</span>
      <div class="summary">List boats</div></button><div hidden><p>Returns every boat.</p></div></div>"""
    assert _markdown(html) == "GET /boats — List boats\n\nReturns every boat.\n"


def test_a_response_code_in_a_button_is_kept_beside_its_description() -> None:
    html = '<div><button class="response-title"><strong>404 </strong><div><p>Not found</p></div></button></div>'
    assert _markdown(html) == "**404** Not found\n"


def test_buttons_that_are_actions_menus_dialogs_or_form_controls_are_not_content() -> None:
    html = """<p>Text here.</p><button>Copy</button><button>Try it out</button>
      <button title="Copy to clipboard"><svg><title>copy</title></svg></button>
      <button class="navbar-toggler" aria-expanded="false">Toggle navigation</button>
      <button aria-haspopup="dialog" aria-controls="d">Authorize</button>
      <div role="dialog" id="d" hidden><p>Dialog</p></div>
      <button type="submit">Save all of these changes</button>
      <form><input name="q"><button>Search the whole site now</button></form>"""
    assert _markdown(html) == "Text here.\n"


def test_details_keep_their_summary_and_collapsed_content() -> None:
    assert _markdown("<details><summary>Request body</summary><p>Send JSON.</p></details>") == (
        "**Request body**\n\nSend JSON.\n"
    )


def test_aria_tabs_show_every_panel_under_its_tab_label() -> None:
    html = """<div role="tablist"><button role="tab" aria-selected="true" aria-controls="p1" id="t1">Python</button>
      <button role="tab" aria-selected="false" aria-controls="p2" id="t2">Shell</button></div>
      <div role="tabpanel" id="p1"><pre>print(1)</pre></div>
      <div role="tabpanel" id="p2" hidden><pre>echo 1</pre></div>"""
    assert _markdown(html) == "**Python**\n\n```\nprint(1)\n```\n\n**Shell**\n\n```\necho 1\n```\n"


def test_buttons_acting_as_tabs_without_aria_show_every_panel_under_its_label() -> None:
    html = """<div><div class="tabs"><button class="tab active">200 OK</button>
      <button class="tab">404 Not found</button></div>
      <div class="panel"><p>The boat.</p></div><div class="panel" style="display:none"><p>No such boat.</p></div></div>
      <div><div class="tabs"><button class="tab active">201 Created</button></div>
      <div class="panel"><p>Booked.</p></div></div>"""
    assert _markdown(html) == (
        "**200 OK**\n\nThe boat.\n\n**404 Not found**\n\nNo such boat.\n\n**201 Created**\n\nBooked.\n"
    )


def test_an_accordion_without_aria_keeps_its_question_and_hidden_answer() -> None:
    html = """<div class="faq"><button class="question">How do I reset the gauge?</button>
      <div style="display: none"><p>Hold the dial.</p></div></div>"""
    assert _markdown(html) == "How do I reset the gauge?\n\nHold the dial.\n"


def test_hidden_menus_and_hidden_blocks_no_control_shows_stay_out() -> None:
    html = """<p>Intro.</p><button aria-expanded="false" aria-controls="m">Products</button>
      <ul id="m" hidden><li><a href="/a">Alpha</a></li><li><a href="/b">Beta</a></li></ul>
      <div hidden><p>Kept hidden.</p></div><div class="dropdown-menu" style="display:none"><p>Menu text.</p></div>"""
    assert _markdown(html) == "Intro.\n"


@pytest.mark.parametrize(
    ("html", "code"),
    [
        (  # rows of a home-made viewer, each with its line number
            '<div class="code-viewer" data-lang="json"><div class="code-row"><span class="gutter">1</span>'
            '<span>{</span></div><div class="code-row"><span class="gutter">2</span><span>  "a": 1</span></div>'
            '<div class="code-row"><span class="gutter">3</span><span>}</span></div></div>',
            '```json\n{\n  "a": 1\n}\n```\n',
        ),
        (  # a pre whose lines are spans, without line breaks between them
            '<pre><code class="language-yaml"><span class="token-line">a: 1</span>'
            '<span class="token-line">b: 2</span></code></pre>',
            "```yaml\na: 1\nb: 2\n```\n",
        ),
        (  # a JSON tree of lists (Redoc); its numbers are the sample's, not line numbers
            '<div class="redoc-json"><code><span class="token punctuation">{</span><ul class="obj collapsible">'
            '<li><div class="hoverable"><span class="property token string">"id"</span>: <span class="token number">'
            '7</span><span class="token punctuation">,</span></div></li><li><div class="hoverable"><span class='
            '"property token string">"tags"</span>: <span class="token punctuation">[</span><ul class="array"><li>'
            '<div><span class="token number">1</span><span>,</span></div></li><li><div><span class="token number">'
            '2</span></div></li></ul><span class="token punctuation">]</span></div></li></ul>'
            '<span class="token punctuation">}</span></code></div>',
            '```json\n{\n  "id": 7,\n  "tags": [\n    1,\n    2\n  ]\n}\n```\n',
        ),
        (  # Pygments' table of line numbers beside the code
            '<div class="highlight-python"><table class="highlighttable"><tr><td class="linenos">'
            '<div class="linenodiv"><pre>1\n2</pre></div></td><td class="code"><div class="highlight">'
            "<pre>a = 1\nb = 2</pre></div></td></tr></table></div>",
            "```python\na = 1\nb = 2\n```\n",
        ),
    ],
)
def test_code_drawn_as_rows_is_one_fenced_block_without_line_numbers(html: str, code: str) -> None:
    assert _markdown(html) == code


def test_a_table_holding_code_samples_becomes_blocks_each_row_led_by_its_short_cells() -> None:
    html = """<table class="responses"><thead><tr><th>Code</th><th>Description</th></tr></thead><tbody>
      <tr><td>200</td><td><div><p>OK</p></div><pre><code class="language-json">{\n  "id": 7\n}</code></pre></td></tr>
      <tr><td>404</td><td><p>Not found</p></td></tr></tbody></table>"""
    assert _markdown(html) == '200 OK\n\n```json\n{\n  "id": 7\n}\n```\n\n404 Not found\n'


def test_a_badge_and_its_label_do_not_glue() -> None:
    html = '<p><span class="badge">GET</span><span class="label">List boats</span>, '
    html += '<code>/boats</code><span class="summary">Boats</span></p>'
    assert _markdown(html) == "GET List boats, `/boats` Boats\n"
