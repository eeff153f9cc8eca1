"""HTML -> Markdown of a page's main content.

lxml parses the page and removes what is not content (scripts, hidden elements, cookie banners,
navigation, the page's header and footer, sidebars) and picks the main content; the maintained,
Rust-backed ``html-to-markdown`` library then writes it as Markdown (a few ms for a 50 KB page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final
from urllib.parse import urljoin

import html_to_markdown as markdown_writer
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import _Element, _ElementUnicodeResult

from quaero_desktop.crawler.content_choice import ChosenText, chosen_paragraphs, drop_links_unless_index
from quaero_desktop.crawler.converted_page import NO_RULES, ContentRules, ConvertedPage
from quaero_desktop.crawler.doc_chrome import drop_doc_navigation, tidy_doc_chrome, title_heading
from quaero_desktop.crawler.html_tree import parse_html, remove_element
from quaero_desktop.crawler.markdown_elements import SHOWN_MARK, keep_app_content, prepare_elements
from quaero_desktop.crawler.marked_content import keep_plainly_marked

# Not "head" itself: libxml2 puts HTML5 elements that come before any <body> into <head>.
_JUNK_TAGS: Final = frozenset(
    [
        "title",
        "base",
        "meta",
        "link",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "canvas",
        "iframe",
        "object",
        "embed",
        "input",
        "select",
        "textarea",
    ]
)
_CHROME_TAGS: Final = frozenset({"nav", "aside", "footer"})
_CHROME_ROLES: Final = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
# Never removed for their attributes: some sites mark these while a banner shows.
_PROTECTED_TAGS: Final = frozenset({"body", "main"})
_DISPLAY_NONE: Final = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# Searched in "class id": banners of common consent tools and themes, not class="cookie-recipe".
_CONSENT_MARKER: Final = re.compile(
    r"cookies?[-_]?(?:banner|bar|consent|notice|law|popup|modal|dialog|message|overlay|warning|disclaimer|alert)"
    r"|consent|gdpr|onetrust|cookiebot|didomi|usercentrics|iubenda|cc[-_](?:window|banner)",
    re.IGNORECASE,
)
# Text of heading permalinks such as Sphinx's <a class="headerlink" href="#x">¶</a>.
_PERMALINK_MARKS: Final = frozenset({"¶", "§", "#", "🔗"})
_HEADINGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")
_WHITESPACE: Final = re.compile(r"[ \t\n\r\f\xa0]+")
_INVISIBLE: Final = re.compile("[\xad\u200b]")  # soft hyphen, zero-width space
_TITLE_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>])")
_SPHINX_LANGUAGE_CLASS: Final = re.compile(r"highlight-(\S+)")
# Links without a target, to a script or without text (a cheap test of the href first: most have no ":").
_DEAD_LINKS: Final = etree.XPath(
    "descendant::a[not(normalize-space(@href))"
    " or contains(@href, ':')"
    " and starts-with(translate(normalize-space(@href), 'JAVASCRIPT', 'javascript'), 'javascript:')"
    " or not(normalize-space(translate(string(.), '\u00ad\u200b', '')))]"
)
_EMPTY_ITEMS: Final = etree.XPath("descendant::li[not(normalize-space(translate(string(.), '\u00ad\u200b', '')))]")
_CODE_ANCESTOR: Final = "ancestor-or-self::*[self::pre or self::code or self::kbd or self::samp]"
# Text outside code holding a "<"; a tail belongs to its element's parent, hence the two tests.
_TEXT_WITH_LT: Final = etree.XPath(
    f"descendant::text()[contains(., '<') and not(parent::*/{_CODE_ANCESTOR})]",
)
_LITERAL_LT: Final = "\ue000"  # stands for a "<" in text while the writer runs; written as "\\<"
# Elements worth asking _is_hidden_or_banner / _is_page_chrome about; most elements have no attributes. A link
# to a place on the page is asked about when its text may hold a permalink's mark (not each of a manual's
# hundreds of links to its own sections).
_MAY_BE_HIDDEN: Final = etree.XPath(
    "/*/descendant::*[@hidden or @style or @aria-hidden or self::a[starts-with(@href, '#')]["
    + " or ".join(f"contains(., '{mark}')" for mark in sorted(_PERMALINK_MARKS))
    + "]]"
)
# With a consent marker among the page's classes and ids, every element that has one is asked about too.
_MAY_BE_HIDDEN_OR_BANNER: Final = etree.XPath("/*/descendant::*[@hidden or @style or @aria-hidden or @class or @id]")
_CLASSES_AND_IDS: Final = etree.XPath("/descendant::*/@class | /descendant::*/@id", smart_strings=False)
_MAY_BE_CHROME_TAGS: Final = frozenset({"nav", "aside", "footer", "header", "form"})
_BREADCRUMB_ATTRIBUTES: Final = ("class", "id", "aria-label")
_BREADCRUMB: Final = "breadcrumb"
_ARIA_LABELS: Final = etree.XPath("/descendant::*/@aria-label", smart_strings=False)
_SHOWN_PARTS: Final = etree.XPath(f"/descendant::*[@{SHOWN_MARK}]")
_FIRST_MAIN: Final = etree.XPath("/descendant::*[self::main or @role='main'][1]")
_OUTER_ARTICLES: Final = etree.XPath("/descendant::article[not(ancestor::article)]")
APP_VIEW_PARTS: Final = 8
"""Parts an app shows on demand (panels, buttons kept as text) left after the page's chrome went, from which
a page is an application's view rather than an article (news pages have a "Read more" or two)."""
_MAX_NESTING: Final = 100  # deeper elements are written as plain text
_TOO_DEEP: Final = etree.XPath("*/" * _MAX_NESTING + "*")  # compiled once, not per page


def _options(base_url: str) -> markdown_writer.ConversionOptions:
    return markdown_writer.ConversionOptions(
        heading_style="atx",
        bullets="-",
        code_block_style="backticks",
        skip_images=True,
        extract_metadata=False,
        autolinks=False,
        hidden_content="drop",
        escape_asterisks=True,
        escape_underscores=True,
        newline_style="backslash",
        compact_tables=True,
        preprocessing=markdown_writer.PreprocessingOptions(enabled=False),  # cleaned with lxml above
        base_url=base_url or None,
    )


def html_to_markdown(html: str, url: str = "", rules: ContentRules = NO_RULES) -> ConvertedPage:
    """The main content of ``html`` as Markdown; relative links are resolved against
    ``url`` (or the page's <base href>)."""
    document = parse_html(html)
    if document is None:  # not even text
        return ConvertedPage("", "", ())
    document_title = _plain_text(document.find("head/title"))
    base_url = _base_url(document, url)

    for selector in rules.exclude_selectors:
        _remove_all(_select_elements(_css(selector), document), lambda _element: True)
    chosen = _select_elements(_css(rules.content_selector), document) if rules.content_selector else []
    shown = keep_app_content(document)  # buttons' text, collapsed panels and tabs (markdown_elements.py)
    etree.strip_elements(document, *_JUNK_TAGS, with_tail=False)
    names = _names(document)  # of the page's classes and ids
    _remove_all(_select_elements(_may_be_hidden(names), document), _is_hidden_or_banner)
    page_h1 = title_heading(document, document_title)  # may sit in the page header, about to be removed
    _remove_all(_may_be_chrome(document, _may_name_breadcrumbs(document, names)), _is_page_chrome)
    drop_doc_navigation(document)  # manuals' prev/next bars, link bars, breadcrumbs (doc_chrome.py)
    if chosen and _in_tree(chosen[0], document):
        content, chosen_title = chosen[0], None
    elif shown and len(_select_elements(_SHOWN_PARTS, document)) >= APP_VIEW_PARTS:  # 0: no part marked
        # An application's view (an API reference's operations, tabs, panels): article extractors take
        # its headers, buttons and samples for boilerplate, so the page's own content root is kept whole.
        content, chosen_title = _content_root(document), None
    else:
        content, chosen_title = _chosen_content(document, url)
    if page_h1 is None:  # the page's H1s, if any, are its sections: the <title> titles it (doc_chrome.py)
        content_h1 = chosen_title = None
    else:
        content_h1 = title_heading(content, document_title)
    title = _plain_text(content_h1) or chosen_title or _plain_text(page_h1) or document_title
    if content_h1 is not None:
        remove_element(content_h1)  # it becomes the document's first line
    tidy_doc_chrome(content, title)  # the title repeated as text, heading levels (doc_chrome.py)
    for titled in content.iterdescendants(*_HEADINGS):  # a heading, not a link to itself
        for anchor in titled.iter("a"):
            if anchor.get("href", "").startswith("#"):
                anchor.tag = "span"
    for too_deep in _select_elements(_TOO_DEEP, content):  # absurd nesting: kept, as plain text
        etree.strip_tags(too_deep, "*")
        too_deep.tag = "p"
    _prepare_for_writer(content)

    headings = tuple(text for heading in content.iter("h1", "h2", "h3") if (text := _plain_text(heading)))
    content.tag = "div"  # the converter writes the element's content, not a <body> or <main> wrapper
    written = markdown_writer.convert(etree.tostring(content, encoding="unicode", method="html"), _options(base_url))
    # None only for output formats without text; _options always asks for Markdown.
    assert written.content is not None, "html-to-markdown returned no Markdown"
    markdown = _tidy(written.content.replace(_LITERAL_LT, "\\<"))
    if title:
        heading = "# " + _TITLE_SPECIAL.sub(r"\\\1", title)
        markdown = f"{heading}\n\n{markdown}" if markdown else f"{heading}\n"
        headings = (title, *headings)
    return ConvertedPage(markdown, title, headings)


def _chosen_content(document: _Element, url: str) -> tuple[_Element, str | None]:
    """The page's content and its title: the text the extractor chooses, kept in the page's own markup
    (content_choice.py); the page's semantic content root when the extractor finds next to nothing, or
    without asking it when the page marks its content plainly (marked_content.py).
    The extractor reads the page as cleaned so far (no scripts, styles, hidden parts, navigation): less to
    parse, and no chrome to mistake for content."""
    marked = _content_root(document)
    body = document.find("body")
    root = body if body is not None else document
    if keep_plainly_marked(marked, root):  # nothing for the extractor to find (marked_content.py)
        drop_links_unless_index(marked)  # "Read more", a list of related pages: as after the extractor
        return marked, None
    paragraphs = chosen_paragraphs(etree.tostring(document, encoding="unicode", method="html"), url)
    if paragraphs is None:
        return marked, None
    chosen = ChosenText(root, paragraphs)
    if marked is not root and chosen.is_index_of_links(marked):
        return marked, None  # the extractor cut a list of the page's sections off its introduction
    return root, chosen.keep()


def _prepare_for_writer(content: _Element) -> None:
    """Small fixes the writer does not make: links that lead nowhere become their text, empty list
    items go, Sphinx code blocks keep their language, and a "<" in text stays text; code drawn as
    rows becomes one block and items side by side do not glue (markdown_elements.py)."""
    prepare_elements(content)
    for anchor in _select_elements(_DEAD_LINKS, content):
        _unwrap(anchor)
    for item in _select_elements(_EMPTY_ITEMS, content):
        remove_element(item)
    for pre in content.iter("pre"):
        classes = " ".join(filter(None, [pre.get("class"), *(c.get("class") for c in pre.iter("code"))]))
        if "language-" not in classes and "lang-" not in classes:
            for ancestor in pre.iterancestors():
                match = _SPHINX_LANGUAGE_CLASS.search(ancestor.get("class") or "")
                if match and match.group(1) not in ("default", "none", "text"):
                    pre.set("class", f"language-{match.group(1)}")
                    break
    for text in _select_texts(_TEXT_WITH_LT, content):
        owner = text.getparent()  # the element whose text or tail this is
        assert owner is not None, "an XPath text node always has an owner element"
        if text.is_text:
            owner.text = text.replace("<", _LITERAL_LT)
        else:
            owner.tail = text.replace("<", _LITERAL_LT)


@lru_cache(maxsize=64)
def _css(selector: str) -> CSSSelector:
    """A compiled CSS selector (a definition's were checked when it was loaded)."""
    return CSSSelector(selector)


def _in_tree(element: _Element, document: _Element) -> bool:
    """Whether ``element`` is still in ``document`` (cleaning may have removed what a selector chose)."""
    return element is document or any(ancestor is document for ancestor in element.iterancestors())


def _select_elements(query: etree.XPath | str, context: _Element) -> list[_Element]:
    """The elements an element-selecting XPath ``query`` finds under ``context``.

    lxml types every XPath result as any XPath value (a number, a string, a list of nodes...);
    the queries given here select elements only, so the list is checked and narrowed to them."""
    found = query(context) if isinstance(query, etree.XPath) else context.xpath(query)
    assert isinstance(found, list), f"XPath {query!r} selects no nodes"
    return [node for node in found if isinstance(node, _Element)]


def _select_texts(query: etree.XPath, context: _Element) -> list[_ElementUnicodeResult]:
    """The text nodes a text()-selecting XPath ``query`` finds under ``context``: strings that
    know their owner element (lxml's "smart strings", on by default)."""
    found = query(context)
    assert isinstance(found, list), f"XPath {query!r} selects no nodes"
    return [node for node in found if isinstance(node, _ElementUnicodeResult)]


def _unwrap(element: _Element) -> None:
    """Replace the element by its content."""
    element.tag = "span"
    element.attrib.clear()


def _tidy(markdown: str) -> str:
    """No trailing spaces or repeated blank lines outside code blocks, one final newline."""
    lines: list[str] = []
    in_code = False
    for line in _INVISIBLE.sub("", markdown).split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            line = line.rstrip()
            if not line and (not lines or not lines[-1]):
                continue
            if line and not line.startswith(">") and lines and lines[-1].startswith(">"):
                lines.append("")  # else the line would continue the quote
        lines.append(line)
    text = "\n".join(lines).strip("\n")
    return f"{text}\n" if text else ""


def _plain_text(element: _Element | None) -> str:
    """The element's text on one line, whitespace collapsed; "" for None."""
    # lxml's stubs allow bytes for documents parsed without an encoding; ours always give str.
    text = "".join(part for part in element.itertext() if isinstance(part, str)) if element is not None else ""
    return _WHITESPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _base_url(document: _Element, url: str) -> str:
    """``url`` resolved against the page's <base href>, if it has one."""
    base = document.find("head/base[@href]")
    try:
        return urljoin(url, base.get("href", "").strip()) if base is not None else url
    except ValueError:  # e.g. a malformed IPv6 host
        return url


def _remove_all(candidates: list[_Element], should_remove: Callable[[_Element], bool]) -> None:
    """Remove the candidates that ``should_remove`` selects (XPath narrows them down first: fast)."""
    for element in [element for element in candidates if should_remove(element)]:
        if element.getparent() is not None:
            remove_element(element)


def _is_hidden_or_banner(element: _Element) -> bool:
    """Hidden elements, cookie and consent banners, heading permalinks."""
    get = element.get
    if get("hidden") is not None or _DISPLAY_NONE.search(get("style") or ""):
        return element.tag not in _PROTECTED_TAGS
    if element.tag == "a" and (element.text or "").strip() in _PERMALINK_MARKS and get("href", "").startswith("#"):
        return True
    if get("aria-hidden") == "true" or _CONSENT_MARKER.search(f"{get('class') or ''} {get('id') or ''}"):
        # A modal banner can make a page hide everything else with aria-hidden.
        return element.tag not in _PROTECTED_TAGS and not _wraps_page_content(element)
    return False


def _names(document: _Element) -> str:
    """The page's distinct class and id values, joined by spaces: a few hundred read at once, not each of a
    page's thousands of classed elements one by one. (No mark looked for in them holds a space, so one
    found in the joined names is in one of them.)"""
    names = _CLASSES_AND_IDS(document)
    assert isinstance(names, list), "attribute values"
    return " ".join({name for name in names if isinstance(name, str)})


def _may_be_hidden(names: str) -> etree.XPath:
    """Which elements to ask ``_is_hidden_or_banner`` about: those a class or an id alone can make a banner
    only when one of the page's ``names`` is a consent marker (most pages have none)."""
    return _MAY_BE_HIDDEN_OR_BANNER if _CONSENT_MARKER.search(names) else _MAY_BE_HIDDEN


def _may_name_breadcrumbs(document: _Element, names: str) -> bool:
    """Whether an element's class, id or aria-label may say "breadcrumb": ``names`` (read before hidden parts
    went: removing elements adds no name) or an aria-label does."""
    if _BREADCRUMB in names.lower():
        return True
    labels = _ARIA_LABELS(document)
    assert isinstance(labels, list), "attribute values"
    return any(isinstance(label, str) and _BREADCRUMB in label.lower() for label in labels)


def _may_be_chrome(document: _Element, breadcrumbs: bool = True) -> list[_Element]:
    """The elements worth asking ``_is_page_chrome`` about, in document order: chrome's tags, a role, a
    breadcrumb's mark (looked for only when the page may have one: ``breadcrumbs``). A walk in Python: an
    XPath lower-casing three attributes of every element took 4x longer."""
    found = []
    for element in document.iter(etree.Element):
        if element is document:
            continue
        if element.tag in _MAY_BE_CHROME_TAGS or element.get("role") is not None:
            found.append(element)
            continue
        if not breadcrumbs:
            continue
        for name in _BREADCRUMB_ATTRIBUTES:
            value = element.get(name)
            if value is not None and _BREADCRUMB in value.lower():
                found.append(element)
                break
    return found


def _is_page_chrome(element: _Element) -> bool:
    """Navigation, sidebars, the page's header and footer, forms around no content."""
    tag = element.tag
    if tag in _CHROME_TAGS:
        return True
    if tag == "header":  # an article's own header holds its title and lead: content
        return next(element.iterancestors("main", "article"), None) is None
    if tag == "form":  # ASP.NET and SharePoint wrap the whole page in one form
        return not _wraps_page_content(element)
    roles = element.get("role")
    if roles is not None and not _CHROME_ROLES.isdisjoint(roles.split()):
        return True
    # Breadcrumbs ("Home › Docs › Page", a session's "Trace" of recently visited pages): navigation by
    # every theme's naming, and they change with the reader, not with the page.
    marks = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('aria-label') or ''}".lower()
    return "breadcrumb" in marks and not _wraps_page_content(element)


def _wraps_page_content(element: _Element) -> bool:
    """True if the element holds a main, an article or an H1: the page, not a banner."""
    return next(element.iter("main", "article", "h1"), None) is not None


def _content_root(document: _Element) -> _Element:
    """The first main or [role=main]; else the only top-level article; else body."""
    mains = _select_elements(_FIRST_MAIN, document)
    if mains:
        return mains[0]
    articles = _select_elements(_OUTER_ARTICLES, document)
    if len(articles) == 1:
        return articles[0]
    body = document.find("body")
    return body if body is not None else document
