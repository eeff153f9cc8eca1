"""Which of a page's text is its content — chosen by a well-kept extractor, kept in the page's own markup.

trafilatura (maintained, measured best of the open-source article extractors on the benchmarks we use)
reads the page and gives the text it takes for the content, as plain paragraphs: it knows boilerplate
(related-article lists, share bars, comment threads, "most popular" boxes) better than a few rules
can. Its output loses what a knowledge base needs (headings as headings, code blocks and their
language, tables, in-article links), so it only *chooses*: its paragraphs are placed, in order, on the
page's own text (crawler/text_alignment.py), and the page's text nodes that they do not cover (half their
words) are dropped from its own tree, which the Markdown writer then converts with the rest of its
structure intact. A code listing is kept or dropped whole, a heading or a term is kept with the text
after it; short blocks that are all links, elements left empty and headings left bare then go.

Not used (markdown.py keeps the page's own content root instead) when trafilatura finds next to nothing
(``MIN_WORDS``), or when the page's marked content is an index of links it cut short
(``ChosenText.is_index_of_links``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Final

from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import remove_element, text_of
from quaero_desktop.crawler.text_alignment import Words, align
from quaero_desktop.crawler.text_segments import HEADINGS, Segment, segments, texts_by_heading

MIN_WORDS: Final = 20
"""Below this many words chosen, the page's own content root is used whole."""
COVERED: Final = 0.5
"""Share of a text node's words that must be covered for it to stay."""
INDEX_LEFT_OUT: Final = 0.5
"""Share of the page's marked main content the extractor must leave out for it to be judged an index."""
INDEX_LINK_SHARE: Final = 0.8
"""Share of link text in what the extractor left out of the page's marked content, from which it is an index."""
LINK_ONLY_WORDS: Final = 20
"""A block of at most this many words that are all link text is navigation ("Read more", a headline)."""

_WORD: Final = re.compile(r"\w+", re.UNICODE)
_KEEP_EMPTY: Final = frozenset({"br", "hr", "img", "td", "th"})  # a row with text keeps its grid
_LINK_ONLY_CANDIDATES: Final = ("p", "li", "div", "span", "dd", "dt", "h2", "h3", "h4", "h5", "h6")


def chosen_paragraphs(html: str, url: str = "") -> list[Words] | None:
    """The paragraphs the extractor takes for the page's content, as lower-case words; None when it
    takes next to nothing (the caller then keeps the page's own content root)."""
    import trafilatura  # imported when a page is first converted: commands that convert nothing never pay for it

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its per-page notes are not ours to show
    text = trafilatura.extract(html, url=url or None, include_comments=False, include_tables=True, fast=True)
    if not text:
        return None
    paragraphs = [words for line in text.split("\n") if (words := _words(line))]
    if sum(len(words) for words in paragraphs) < MIN_WORDS:
        return None
    return paragraphs


class ChosenText:
    """The chosen paragraphs placed on ``root``'s text, once: read by ``is_index_of_links`` and ``keep``."""

    def __init__(self, root: _Element, paragraphs: Sequence[Words]) -> None:
        self.root = root
        self.chosen_words = sum(len(paragraph) for paragraph in paragraphs)
        self.segments = segments(root)
        spans: list[tuple[int, int]] = []  # each segment's words in the stream
        stream: Words = []
        for segment in self.segments:
            start = len(stream)
            stream.extend(_words(segment.text))
            spans.append((start, len(stream)))
        covered = align(stream, paragraphs)
        self.words_of = [end - start for start, end in spans]
        self.covered_of = [sum(covered[start:end]) for start, end in spans]

    def is_index_of_links(self, marked: _Element) -> bool:
        """Whether ``marked`` (the page's marked main content, inside the root) is an index the extractor cut
        short: it chose under half of its words, and what it left out is link text that follows the chosen
        introduction (a manual's chapter page: an introduction, then the list of its sections). A news
        article's share bars and related lists also sit before the story; its comments link nowhere."""
        inside = set(marked.iter())
        words = left_out = linked = before = 0
        chosen_yet = False
        for index, segment in enumerate(self.segments):
            element = segment.element
            if element not in inside or (segment.is_tail and element is marked) or not self.words_of[index]:
                continue
            words += self.words_of[index]
            missed = self.words_of[index] - self.covered_of[index]
            left_out += missed
            linked += missed if segment.around.link is not None and segment.around.link in inside else 0
            if not chosen_yet and self.covered_of[index]:
                chosen_yet = True
            elif not chosen_yet and segment.around.heading is None:
                before += missed  # an index leaves nothing out before its introduction but its title
        if words < self.chosen_words:
            return False  # an empty main a script fills, an ad slot: no judge of the choice
        return left_out > INDEX_LEFT_OUT * words and linked >= INDEX_LINK_SHARE * left_out and before <= 0.1 * left_out

    def keep(self) -> str | None:
        """Drop from the root (in place) the text the chosen paragraphs do not cover, then what is left empty.

        Returns the title: the last H1 before the content (the site's name in a header H1 comes before the
        article's own), whose text the extractor leaves out of the content."""
        segments, words_of, covered_of = self.segments, self.words_of, self.covered_of
        keep = [words_of[i] > 0 and covered_of[i] >= COVERED * words_of[i] for i in range(len(segments))]
        _keep_listings_whole(segments, words_of, covered_of, keep)
        _keep_headings_of_kept_text(segments, words_of, keep)
        title = _title_before(segments, keep)
        kept_blocks = {segment.around.block for i, segment in enumerate(segments) if keep[i]}
        for i, segment in enumerate(segments):
            if keep[i] or not segment.text.strip():
                continue
            if words_of[i] == 0 and segment.around.block in kept_blocks:
                continue  # punctuation beside kept words ("“", ")")
            if segment.is_tail:
                segment.element.tail = " "
            else:
                segment.element.text = ""
        _drop_link_only_blocks(self.root)
        _drop_empty(self.root)
        _drop_bare_headings(self.root)
        return title


def _keep_listings_whole(segments: list[Segment], words_of: list[int], covered_of: list[int], keep: list[bool]) -> None:
    """A code listing is kept or dropped whole: the extractor's text of code differs from the page's in
    escapes and symbols (``"\\bar"``), so some of its tokens are never covered, and a listing with a
    hole in it is wrong where a paragraph missing a word is only shorter."""
    listings: dict[_Element, list[int]] = {}  # the element itself: lxml's proxies keep no stable id()
    for index, segment in enumerate(segments):
        if segment.around.listing is not None:
            listings.setdefault(segment.around.listing, []).append(index)
    for members in listings.values():
        words = sum(words_of[i] for i in members)
        kept = words > 0 and sum(covered_of[i] for i in members) >= COVERED * words
        for i in members:
            keep[i] = kept


def _keep_headings_of_kept_text(segments: list[Segment], words_of: list[int], keep: list[bool]) -> None:
    """A heading, or a definition's term, is kept when the text right after it is: extractors often leave them
    out of their text (a manual's numbered section titles), and a knowledge base needs them in place."""
    heading_of = [segment.around.label for segment in segments]
    following: int | None = None  # the next segment with words outside any heading, walking backwards
    for index in range(len(segments) - 1, -1, -1):
        if heading_of[index] is None:
            if words_of[index]:
                following = index
            continue
        if following is not None and keep[following]:
            keep[index] = True


def _title_before(segments: list[Segment], keep: list[bool]) -> str | None:
    """The text of the last H1 that starts before the first kept text node (None: no such heading)."""
    first_kept = next((i for i, kept in enumerate(keep) if kept), len(segments))
    title = None
    for segment in segments[: first_kept + 1]:
        heading = segment.around.heading
        if heading is not None and heading.tag == "h1" and (text := " ".join(text_of(heading).split())):
            title = text
    return title


def _drop_link_only_blocks(root: _Element) -> None:
    """Short blocks that are all links to other pages go: "Read more", a related headline, a menu item
    the extractor let through. A link to a place on the same page (a heading's own anchor) is text.
    (An index page whose list of links is its content never gets here: see ``ChosenText.is_index_of_links``.)"""
    for block, _words in link_only_blocks(root):
        if block.getparent() is not None:
            remove_element(block)


def drop_links_unless_index(root: _Element) -> None:
    """The short blocks that are all links (``link_only_blocks``) out of ``root``, unless they hold half its
    words or more: then they are its content (an index, a manual's contents) and stay, as the extractor's
    choice kept them (``ChosenText.is_index_of_links``). Then the headings left bare go."""
    blocks = link_only_blocks(root)
    if not blocks:
        return  # nothing to remove, so no heading left bare
    linked = sum(words for _block, words in blocks)
    # Whether the root has more than twice as many words: counted up to there, not its whole text.
    if next(islice(_WORD.finditer(text_of(root)), 2 * linked, None), None) is None:
        return
    for block, _words in blocks:
        if block.getparent() is not None:
            remove_element(block)
    if blocks:
        _drop_bare_headings(root)


def link_only_blocks(root: _Element) -> list[tuple[_Element, int]]:
    """The outermost short blocks under ``root`` (``root`` too) whose words are all the text of links to
    other pages, with their words. A block's words are read until there are too many; only a block holding a
    link is read, innermost first: one around a block with too many words has too many too, and is not read."""
    candidates = []
    holders = _holding_links(root)
    too_long: set[_Element] = set()
    for block in reversed([block for block in root.iter(*_LINK_ONLY_CANDIDATES) if block in holders]):
        if block in too_long:
            continue
        words = _words_up_to(block.itertext(), LINK_ONLY_WORDS)
        if words is None:
            _mark_up_to(block, root, too_long)
            continue
        if words and _linked_words(block) >= words:
            candidates.append((block, words))
    candidates.reverse()  # in document order
    chosen = {block for block, _words in candidates}
    return [(block, words) for block, words in candidates if not any(up in chosen for up in block.iterancestors())]


def _holding_links(root: _Element) -> set[_Element]:
    """The elements under ``root`` (``root`` too) that hold an ``a``: each marked once, from the links up
    (asking each block for a link walked a page's outer blocks level by level)."""
    holders: set[_Element] = set()
    for anchor in root.iter("a"):
        _mark_up_to(anchor, root, holders)
    return holders


def _mark_up_to(element: _Element, root: _Element, marked: set[_Element]) -> None:
    """Add ``element``'s ancestors up to ``root`` to ``marked``, stopping at the first marked already (the
    elements above it are, when ``marked`` is only ever added to this way)."""
    for up in element.iterancestors():
        if up in marked:
            return
        marked.add(up)
        if up is root:
            return


def _words_up_to(texts: Iterable[object], most: int) -> int | None:
    """The words of ``texts`` (each piece counted on its own), None past ``most``."""
    words = 0
    for text in texts:
        if isinstance(text, str):
            words += len(_WORD.findall(text))
            if words > most:
                return None
    return words


def _linked_words(block: _Element) -> int:
    """The words of ``block`` inside links to other pages (a link inside a link counted once); a link to a
    place on the same page ("#section") is text, the links inside it are links."""
    linked = 0
    for anchor in block.iter("a"):
        if not _is_link(anchor) or any(_is_link(up) for up in _ancestors_within(anchor, block) if up.tag == "a"):
            continue
        linked += _words_up_to(anchor.itertext(), LINK_ONLY_WORDS) or 0  # not its own tail
    return linked


def _ancestors_within(element: _Element, block: _Element) -> Iterator[_Element]:
    for up in element.iterancestors():
        if up is block:
            return
        yield up


def _is_link(anchor: _Element) -> bool:
    href = (anchor.get("href") or "").strip()
    return not (href.startswith("#") and len(href) > 1)  # "#" alone: a script's toggle


def _post_order(root: _Element) -> list[_Element]:
    """``root`` and every node under it, each after its children."""
    ordered: list[_Element] = []
    stack: list[tuple[_Element, bool]] = [(root, False)]
    while stack:
        element, children_done = stack.pop()
        if children_done:
            ordered.append(element)
            continue
        stack.append((element, True))
        stack.extend((child, False) for child in element)
    return ordered


def _drop_bare_headings(root: _Element) -> None:
    """A heading with no text under it before the next heading of its level or above goes: the title of a
    "Most popular" list whose links went, a "Related" box's."""
    headings = [element for element in root.iter(*HEADINGS) if element.getparent() is not None]
    if not headings:
        return
    level_of = {heading: int(str(heading.tag)[1]) for heading in headings}
    under: dict[_Element, int] = dict.fromkeys(headings, 0)  # words under each heading
    open_headings: list[_Element] = []
    for node, text in texts_by_heading(root):
        if node is not None:  # a heading's own text: it closes the headings of its level and below
            open_headings = [h for h in open_headings if level_of[h] < level_of[node] and h is not node]
            if node not in open_headings:
                open_headings.append(node)
            continue
        if open_headings:
            words = len(_WORD.findall(text))
            for heading in open_headings:
                under[heading] += words
    for heading, words in under.items():
        if not words and heading.getparent() is not None:
            remove_element(heading)


def _drop_empty(root: _Element) -> None:
    """Elements left without text go, innermost first (images and rules stay: the writer skips them)."""
    has_text: dict[_Element, bool] = {}
    for element in _post_order(root):  # children first: whether each holds text, counted once
        markup: object = element.tag  # a comment's text is not the page's
        own = (element.text or "") if isinstance(markup, str) else ""
        has_text[element] = bool(own.strip()) or any(
            has_text[child] or bool((child.tail or "").strip()) for child in element
        )
    for element in reversed(list(root.iterdescendants())):
        if element.tag in _KEEP_EMPTY or element.getparent() is None or has_text[element]:
            continue
        if element.text and len(element) == 0:
            # Its whitespace stays where it was: the space between two words a highlighter wrapped
            # (``<span class="n">expr</span><span class="o"> </span><span class="n">body</span>``).
            element.tail = element.text + (element.tail or "")
        remove_element(element)


def _words(text: str) -> Words:
    return [word.lower() for word in _WORD.findall(text)]
