"""The content's choice (crawler/content_choice.py) on small pages shaped like the real ones it was measured
on: what the extractor leaves out that a knowledge base keeps, and what it lets through that goes."""

from __future__ import annotations

import re

from quaero_desktop.crawler.content_choice import ChosenText
from quaero_desktop.crawler.html_tree import parse_html
from quaero_desktop.crawler.markdown import html_to_markdown

STORY = (
    "<p>The harbour master opened the new pilot station on Tuesday, after two winters of building on the "
    "old coal quay beside the lifeboat slipway.</p>"
    "<p>Pilots will now board inbound ships from the station's own launch, which saves an hour on every "
    "arrival at low water and keeps the channel clear for the ferries.</p>"
    "<p>The old station, a wooden hut on the north pier, will become a small museum of the port's "
    "history, with charts and logbooks lent by local families.</p>"
)


def _page(body: str, title: str = "Pilot station opens") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def test_a_listing_is_kept_whole_though_the_extractor_reads_its_escapes_differently() -> None:
    code = (
        '<pre><span>print</span>(json.dumps(<span>"</span><span>\\"</span>foo<span>\\b</span><span>ar"</span>))</pre>'
    )
    page = html_to_markdown(_page(f'<div role="main"><h1>JSON</h1>{STORY}{code}{STORY}</div>'), "http://x/json")
    assert 'print(json.dumps("\\"foo\\bar"))' in page.markdown, page.markdown


def test_section_headings_and_terms_stay_with_the_text_after_them() -> None:
    # A Texinfo-like chapter: the extractor's text leaves every heading and the term out.
    body = (
        f'<div class="chapter"><h2 class="chapter">5 Format of the Input File</h2>{STORY}'
        '<h4 class="subsection">5.1.1 Boarding</h4><p>Every pilot climbs a rope ladder from the launch to the '
        "ship's deck, which the crew rig on the side away from the wind, and signs the log on the bridge.</p>"
        "</div>"
    )
    markdown = html_to_markdown(_page(body, "Format (the Harbour manual)"), "http://x/Format.html").markdown
    assert "\n## 5 Format of the Input File\n" in markdown and "\n### 5.1.1 Boarding\n" in markdown, markdown


def test_a_term_stays_with_its_definition() -> None:
    body = f"<div>{STORY}<dl><dt>Launch</dt><dd>{STORY}</dd></dl></div>"
    document = parse_html(_page(body))
    assert document is not None
    root = document.find("body")
    assert root is not None
    # As the extractor chose: the paragraphs, the definition, not its term.
    paragraphs = [re.findall(r"\w+", text.lower()) for text in re.sub("<[^>]+>", "\n", STORY).split("\n")]
    ChosenText(root, [words for words in paragraphs + paragraphs if words]).keep()
    assert "Launch" in "".join(root.itertext())


def test_link_only_blocks_and_the_headings_left_bare_go() -> None:
    # As the extractor let a "Most popular" box through (ranked headlines) and a menu of script toggles.
    popular = "".join(f'<li><a href="/news/{n}">Headline number {n} about the harbour</a></li>' for n in range(4))
    body = (
        f'<ul><li><a href="#">Menu</a></li></ul><article><h1>Pilot station opens</h1>{STORY}'
        f"<h2>Most popular</h2><ol>{popular}</ol></article>"
    )
    document = parse_html(_page(body))
    assert document is not None
    root = document.find("body")
    assert root is not None
    chosen = [words for text in ("menu", *(p for p in STORY.split("</p>") if p), "most popular") for words in [text]]
    paragraphs = [re.findall(r"\w+", re.sub("<[^>]+>", " ", text).lower()) for text in chosen]
    paragraphs += [["headline", "number", str(n), "about", "the", "harbour"] for n in range(4)]
    ChosenText(root, [words for words in paragraphs if words]).keep()
    kept = " ".join("".join(root.itertext()).split())
    assert "museum of the port" in kept
    assert "Headline number" not in kept and "Most popular" not in kept and "Menu" not in kept, kept


def test_an_index_page_keeps_its_list_of_sections() -> None:
    sections = "".join(
        f'<li><a href="mod{n}.html">mod{n} — Module number {n} of the chapter</a><ul>'
        f'<li><a href="mod{n}.html#usage">Usage of module {n}</a></li></ul></li>'
        for n in range(12)
    )
    body = (
        '<div class="sphinxsidebar" role="navigation"><a href="index.html">Contents</a></div>'
        '<div role="main"><h1>Internet Protocols and Support</h1>'
        "<p>The modules described in this chapter implement internet protocols and support for related "
        "technology. They are all implemented in Python. Here is an overview:</p>"
        f'<div class="toctree-wrapper"><ul>{sections}</ul></div></div>'
    )
    markdown = html_to_markdown(_page(body, "Internet Protocols and Support"), "http://x/internet.html").markdown
    assert "Here is an overview:" in markdown
    assert all(f"mod{n} — Module number {n}" in markdown for n in range(12)), markdown
