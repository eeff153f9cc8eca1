"""Soft 404s: pages that answer 200 but are the site's "not found" page (docs/architecture.md,
"What a site says about its pages").

Learned per *kind of URL* (``kind_of``: a wiki's ``doku.php?id=…`` is one kind, ``/docs/….html``
another), the first time a short page of that kind is about to be stored: the crawl asks for a URL of
the same kind that cannot exist (``probe_url``: the longest query value, or a name under the first
folder, made up). A real 404 (the common case) means the kind has no soft
404s and costs nothing more. A 200 page is the kind's "not found" template: a later page of that
kind whose text holds the template's text (``CONTAINED``) and little else (``EXTRA``), the words
of either URL aside, is that page too — provided the crawl has met a page of that kind that is *not*
like the template: a search page echoing its query (``/search?q=kept``) answers a made-up query with
the same page, and all its pages look alike; a wiki's real pages do not look like its "not found"
page. Start URLs are never taken for one (the user asked for them).

A page with a stored document may come back as a *variant* of the "not found" page (DokuWiki says
"This page does not exist anymore" for a deleted page, "This topic does not exist yet" for one that
never was): it is gone when it reads much more like the template (``LIKE_TEMPLATE``, and
``CLOSER`` times more) than like its stored self, and is short.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from quaero_desktop.crawler.converted_page import ContentRules
from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.urls import PROBE_TOKEN

MAX_WORDS: Final = 400
"""Pages with more words than this are never compared (a "not found" page is short): no probe for them."""
CONTAINED: Final = 0.9
"""Share of the template's words a page must hold to be the "not found" page."""
EXTRA: Final = 0.15
"""Words a page may have beyond the template, as a share of the template's words."""

LIKE_TEMPLATE: Final = 0.2
"""Word overlap (Jaccard) with the template above which a stored page's new text may be a variant of it."""
CLOSER: Final = 2.0
"""How many times closer to the template than to its stored text a page must read to be gone."""

_WORD: Final = re.compile(r"\w+", re.UNICODE)
_LINK_TARGET: Final = re.compile(r"\]\([^)]*\)")  # a Markdown link's URL: not words of the page
Probe = Callable[[str], Awaitable[object]]

_Template = Counter[str]


class NotFoundPages:
    """The "not found" templates of one run, by kind of URL (probed once each, on the engine's loop)."""

    def __init__(
        self,
        probe: Probe,
        start_urls: Iterable[str],
        normalise: Callable[[str], str | None],
        *,
        rules: ContentRules,
    ) -> None:
        self._probe = probe
        self._rules = rules  # the crawl's content rules: the template is read as its pages are
        self._starts = set(start_urls)
        self._normalise = normalise
        self._templates: dict[tuple[str, ...], asyncio.Task[_Template | None]] = {}
        self._real_pages: Counter[tuple[str, ...]] = Counter()  # pages of each kind unlike its template

    async def matches(self, url: str, markdown: str, stored: Callable[[], Awaitable[str]] | None = None) -> bool:
        """Is the page at ``url`` (its Markdown) the site's "not found" page? ``stored``: the text of the
        document stored for ``url`` (asked only when needed), when there is one."""
        key = kind_of(url)
        learned = self._templates.get(key)
        if learned is not None and learned.done() and not learned.cancelled() and learned.result() is None:
            return False  # this kind answers a made-up URL with a real 404: nothing to compare (the common case)
        words = _words(markdown) - _words(url)
        if sum(words.values()) > MAX_WORDS:
            self._real_pages[key] += 1
            return False
        template = await self._template(key, url)
        if not template:
            return False
        if is_same_page(words, template):
            # A stored page proves the kind has real pages; a page met first needs another one.
            return url not in self._starts and (stored is not None or self._real_pages[key] > 0)
        if stored is not None and reads_like_template(words, template, _words(await stored()) - _words(url)):
            return url not in self._starts
        self._real_pages[key] += 1
        return False

    def saw_page(self, url: str) -> None:
        """A page of ``url``'s kind was met that is real content (a stored page, unchanged)."""
        self._real_pages[kind_of(url)] += 1

    async def _template(self, key: tuple[str, ...], url: str) -> _Template | None:
        task = self._templates.get(key)
        if task is None or task.cancelled():
            task = self._templates[key] = asyncio.ensure_future(self._learn(probe_url(url)))
        return await asyncio.shield(task)

    async def _learn(self, probe_url: str) -> _Template | None:
        answer = await self._probe(probe_url)
        if not isinstance(answer, FetchedPage) or answer.status != 200:
            return None  # a real 404 (or no answer): this kind of URL has no soft 404s
        if self._normalise(answer.final_url) != self._normalise(probe_url):
            return None  # sent elsewhere (home, a search): pages sent there are duplicates already
        markdown = await asyncio.to_thread(_markdown, answer, self._rules)
        return _words(markdown) - _words(probe_url)

    def close(self) -> None:
        for task in self._templates.values():
            task.cancel()


def _markdown(page: FetchedPage, rules: ContentRules) -> str:
    """The probe's answer as Markdown, in this process (once per kind of URL that answers a made-up URL).

    The converter loads here, off the event loop: a crawl's pages convert in its worker processes
    (conversion_pool.py), and most sites answer a probe with a real 404, so most crawls never load it."""
    from quaero_desktop.crawler.markdown import html_to_markdown

    return html_to_markdown(page.html, page.final_url, rules).markdown


def is_same_page(words: Counter[str], template: Counter[str]) -> bool:
    """Does a page of ``words`` hold the template's text, and little else?"""
    size = sum(template.values())
    if not size:
        return False
    shared = sum((words & template).values())
    extra = sum((words - template).values())
    return shared >= CONTAINED * size and extra <= EXTRA * size


def reads_like_template(words: Counter[str], template: Counter[str], stored: Counter[str]) -> bool:
    """A stored page's new ``words`` read as a variant of the "not found" template, not as itself."""
    if sum(words.values()) > 2 * sum(template.values()):
        return False
    like_template = _jaccard(words, template)
    return like_template >= LIKE_TEMPLATE and like_template >= CLOSER * _jaccard(words, stored)


def _jaccard(first: Counter[str], second: Counter[str]) -> float:
    union = sum((first | second).values())
    return sum((first & second).values()) / union if union else 0.0


def kind_of(url: str) -> tuple[str, ...]:
    """The kind of URL whose pages share a "not found" page: for a URL with a query, the script and its
    keys (``doku.php`` + ``id``: the application there decides); else the host's first folder and the
    extension (``/wiki/…``, ``/docs/….html``: a site answers its missing paths alike, and a handful of
    probes per site is all it costs)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if query:
        return (parts.scheme, parts.netloc, parts.path, *sorted({key for key, _ in query}))
    return (parts.scheme, parts.netloc, _first_folder(parts.path), _extension(parts.path))


def probe_url(url: str) -> str:
    """A URL of ``url``'s kind that cannot exist: the longest query value, else the name under the first
    folder, a made-up word."""
    parts = urlsplit(url)
    token = PROBE_TOKEN + secrets.token_hex(6)  # one word: it takes no word away from a template
    query = parse_qsl(parts.query, keep_blank_values=True)
    if query:
        longest = max(range(len(query)), key=lambda i: len(query[i][1]))
        probe_query = [(k, token if i == longest else v) for i, (k, v) in enumerate(query)]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(probe_query), ""))
    path = f"{_first_folder(parts.path)}{token}{_extension(parts.path)}"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _first_folder(path: str) -> str:
    """ "/wiki/" for /wiki/a/b, "/" for /page.html."""
    segments = path.split("/")
    return f"/{segments[1]}/" if len(segments) > 2 and segments[1] else "/"


def _extension(path: str) -> str:
    last = path.rpartition("/")[2]
    return last[last.rfind(".") :] if "." in last else ""


def _words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in _WORD.findall(_LINK_TARGET.sub("]", text)))
