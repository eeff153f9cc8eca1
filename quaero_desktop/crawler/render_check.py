"""Auto mode's rule: which pages a crawl reads over HTTP, which in the browser, and when a kind of
page (or a whole host) stops trusting its HTML (docs/architecture.md, "HTTP fast path").

1. A page whose HTML shows it needs scripts (``js_signals.py``) is rendered in the browser,
   from the very bytes the HTTP fetch got (nothing is fetched twice).
2. Every other page is read from its HTML — except **samples**, which are also rendered in the
   browser and compared. Only a page with scripts (or anything else that could change its text once
   loaded: ``JsSignals.scripted``) is ever a sample, as the browser shows a script-free page's HTML as
   it is; of those: the first ``FIRST_SAMPLES`` pages of each host, the first page of each
   **kind** (``page_kind``: the host and the URL's directory, ``/docs/api/`` for
   ``/docs/api/widgets.html``), then one in ``SAMPLE_EVERY`` of the host's pages (one in
   ``FRAMEWORK_SAMPLE_EVERY`` for pages a JavaScript framework marks). A site whose every page is a
   directory of its own (``/2024/05/12/a-post/``) is no reason to render them all: past
   ``FREE_KIND_SAMPLES`` kinds, a new kind is sampled only while the host's samples stay under one
   in ``KIND_SAMPLE_SHARE`` of its pages (else its next page is). Nor is a new kind's first page a
   sample when its HTML clearly holds its content (``TEXT_CAP`` visible characters) and it runs the
   same scripts (``JsSignals.alike_key``) as ``ALIKE_AFTER`` of its host's samples, none of which
   differed: those samples vouch for its kind, whose pages wait for their checks like the pages of
   theirs, and a sample with those scripts that differs switches the kinds it vouched for along with
   its own (a documentation site runs one set of scripts in every section: the Python manual's 15
   directories took 15 samples of one set, Chromium rendering them as the crawl began). The
   one-in-``SAMPLE_EVERY`` samples go on for every page (one in ``VOUCHED_SAMPLE_EVERY`` for pages
   whose scripts are vouched for). The sample's stored version is the browser's when they differ, so
   it loses nothing.
3. The two versions **differ** when the rendered page links somewhere in the crawl's scope that
   the HTML does not — not to the page itself, nor to a page the crawl knows already (a session's
   "recently visited" list differs from one request to the next and adds nothing to find; nor to
   one of the page's anchors) — or when its text has at least ``MIN_EXTRA_WORDS`` words that the
   HTML's text lacks and those are ``MIN_EXTRA_SHARE`` of its words or ``MANY_EXTRA_WORDS``.
   A sample the browser ends on another URL (a ``<meta http-equiv=refresh>`` stub, a script's
   redirect) is a redirect, not a difference.
4. A sample that differs **switches its kind to the browser** for the rest of the crawl: the pages
   of its directory on its host, nothing else (a site's one script-built page does not send its
   other pages there). Once ``KINDS_BEFORE_HOST`` kinds of a host have differed, the **whole host**
   switches. The job's log says which page, which kind, and why.

The state is per crawl and lives on the engine's loop (no locking needed).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from quaero_desktop.crawler.anchor_links import heading_anchor_links
from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.urls import hash_route

FIRST_SAMPLES: Final = 3
ALIKE_AFTER: Final = 3
FREE_KIND_SAMPLES: Final = 10
KIND_SAMPLE_SHARE: Final = 10
SAMPLE_EVERY: Final = 50
FRAMEWORK_SAMPLE_EVERY: Final = 10
# Pages running scripts that ALIKE_AFTER clean samples vouch for: half as often (the Python manual's
# 527 pages took 10 such samples, each a render of ~0.3 s of CPU, and none differed).
VOUCHED_SAMPLE_EVERY: Final = 2 * SAMPLE_EVERY
# Kinds of a host whose samples differed before the whole host goes to the browser: by then most of
# its pages likely need it, and sampling each new kind would cost more than rendering them all.
KINDS_BEFORE_HOST: Final = 3
# A text difference smaller than this is chrome or a detail (a copy button's label, a version
# switcher, a script-filled date), not a page that needs the browser: 25 words and a tenth of the
# page, or 500 words whatever the page's length. A generated manual's page with 205 of its 2,819 words
# only in the browser (7 %) sent all 758 pages of the site to the browser (issue 20). 48 pages of five
# Debian manuals: Sphinx, DocBook, AsciiDoc, Texinfo differ by no word; Doxygen's by its script-built
# menu (4 words, up to 17 % of a short page: hence the floor); Texinfo's redirect stubs by a whole page.
MIN_EXTRA_WORDS: Final = 25
MIN_EXTRA_SHARE: Final = 0.10
MANY_EXTRA_WORDS: Final = 500

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Difference:
    """How a rendered page differs from its HTML (for the log)."""

    missing_links: tuple[str, ...]
    extra_words: int
    words: int

    def without_own_links(self, own_urls: Iterable[str], html: str) -> Difference | None:
        """The difference once links to the page itself no longer count (None: nothing is left).

        ``own_urls``: the page's names, normalised (as requested, after redirects, as rendered);
        ``html``: the rendered page. A link to the page or one of its anchors finds nothing new: a
        Sphinx page's self-link that only its scripts write switched a whole 500-page site (issue 20)."""
        own = set(own_urls)
        for link in self.missing_links:
            base, hash_mark, fragment = link.partition("#")
            if hash_mark and not hash_route(fragment) and base in own:  # an anchor, if normalising kept one
                own.add(link)
        for url in list(own):  # a hash-routed page's heading anchors (#/guide?id=install)
            own |= heading_anchor_links(url, self.missing_links, html)
        return self.without_links(own)

    def without_links(self, links: set[str]) -> Difference | None:
        """The difference once the browser-only ``links`` no longer count (None: nothing is left)."""
        missing = tuple(link for link in self.missing_links if link not in links)
        if not missing and not self.extra_words:
            return None
        return Difference(missing, self.extra_words, self.words)

    def describe(self) -> str:
        parts = []
        if self.missing_links:
            shown = ", ".join(self.missing_links[:2])
            more = f" and {len(self.missing_links) - 2} more" if len(self.missing_links) > 2 else ""
            parts.append(f"{len(self.missing_links)} link(s) only the browser shows ({shown}{more})")
        if self.extra_words:
            parts.append(f"{self.extra_words} of its {self.words} words only the browser shows")
        return "; ".join(parts)


def compare(
    http_text: str, http_links: Iterable[str], browser_text: str, browser_links: Iterable[str]
) -> Difference | None:
    """None when the HTML holds what the browser shows (rule 3), else what it lacks. The links are
    the pages' links in the crawl's scope, normalised as the crawl names pages."""
    known = set(http_links)
    missing = tuple(dict.fromkeys(link for link in browser_links if link not in known))
    http_words = Counter(word.lower() for word in _WORD.findall(http_text))
    browser_words = Counter(word.lower() for word in _WORD.findall(browser_text))
    extra = sum((browser_words - http_words).values())
    total = sum(browser_words.values())
    too_many_words = extra >= MIN_EXTRA_WORDS and (extra >= MIN_EXTRA_SHARE * total or extra >= MANY_EXTRA_WORDS)
    if not missing and not too_many_words:
        return None
    return Difference(missing, extra if too_many_words else 0, total)


Check = asyncio.Future[FetchedPage | None]
"""A sample's check in the browser: the rendered page when it differs from its HTML, else None."""


@dataclass(frozen=True)
class HostChecks:
    """The checks still open, when a page was read over HTTP, that may send it to the browser.

    The first samples are checked without holding the crawl up (its next level can start); a page
    read meanwhile is stored from its HTML and, should one of these checks find that pages like it
    differ in the browser, read again in the browser (``own``: its own check, whose rendered page is
    then used). ``goes_to_browser`` says, once the checks came back, whether the page's kind (or its
    host) switched; without it, any check that differed counts."""

    checks: tuple[Check, ...]
    own: Check | None = None
    goes_to_browser: Callable[[], bool] | None = None

    async def rendered_instead(self) -> tuple[bool, FetchedPage | None]:
        """(whether the page must be read in the browser, the rendered page when its own check has it)."""
        results = await asyncio.gather(*self.checks, return_exceptions=True)
        if self.goes_to_browser is not None:
            differs = self.goes_to_browser()
        else:
            differs = any(result is not None and not isinstance(result, BaseException) for result in results)
        own = None
        if self.own is not None and self.own.done() and not self.own.cancelled() and self.own.exception() is None:
            own = self.own.result()
        return differs, own


def _vouched_for(host: _Host, alike_key: str) -> bool:
    """Whether pages of ``alike_key`` were sampled ``ALIKE_AFTER`` times on ``host`` and none differed."""
    return bool(alike_key) and alike_key not in host.differed and host.sampled[alike_key] >= ALIKE_AFTER


def page_kind(url: str) -> str:
    """The kind of page a URL names, as auto mode switches pages to the browser: its host and its
    directory (``https://a.example/docs/api/`` for ``https://a.example/docs/api/x.html?v=2``). Known
    from the URL alone, so a page of a switched kind goes straight to the browser, read once."""
    parts = urlsplit(url)
    directory = parts.path[: parts.path.rfind("/") + 1] or "/"
    return f"{parts.scheme}://{parts.netloc}".lower() + directory


@dataclass
class _Host:
    pages: int = 0  # pages read over HTTP so far (sampled or not)
    browser_reason: str | None = None  # set once the whole host switched to the browser
    samples: int = 0  # pages sampled so far
    kinds_seen: set[str] = field(default_factory=set)  # kinds one of whose pages was sampled
    switched: dict[str, str] = field(default_factory=dict)  # kind -> why its pages go to the browser
    checks: dict[str, list[Check]] = field(default_factory=dict)  # kind -> its background checks
    # Pages that behave alike (JsSignals.alike_key): the samples taken of them, their background checks,
    # the kinds whose first sample they stand for, and the keys of samples that differed.
    sampled: Counter[str] = field(default_factory=Counter)
    alike_checks: dict[str, list[Check]] = field(default_factory=dict)
    vouched: dict[str, set[str]] = field(default_factory=dict)
    differed: set[str] = field(default_factory=set)


@dataclass
class RenderDecisions:
    """Per host of one crawl: how many pages were read, and which kinds (or the whole host) switched."""

    _hosts: dict[str, _Host] = field(default_factory=dict)

    def browser_reason(self, url: str) -> str | None:
        """Why this URL's page goes to the browser now: its host or its kind switched (None: neither)."""
        host = self._host(url)
        return host.browser_reason or host.switched.get(page_kind(url))

    def sample(self, url: str, *, framework: bool, scripted: bool = True, alike_key: str = "") -> bool:
        """Count a page read from its HTML; True when it is one to check in the browser too.

        A page nothing in which could change its text (``scripted`` False: js_signals.py) is never a
        sample, nor counted among its host's pages: a browser shows its HTML, and rendering it would
        start Chromium (hundreds of MB) to find no difference. ``alike_key``: ``JsSignals.alike_key``."""
        if not scripted:
            return False
        host = self._host(url)
        kind = page_kind(url)
        first = self._first_sample(host, kind, alike_key)
        vouched = _vouched_for(host, alike_key)
        if not first and kind not in host.kinds_seen and vouched:
            host.vouched.setdefault(alike_key, set()).add(kind)
        host.pages += 1
        every = FRAMEWORK_SAMPLE_EVERY if framework else VOUCHED_SAMPLE_EVERY if vouched else SAMPLE_EVERY
        if not first and host.pages % every != 0:
            return False
        host.samples += 1
        host.kinds_seen.add(kind)
        if alike_key:
            host.sampled[alike_key] += 1
        return True

    def in_first_samples(self, url: str, alike_key: str = "") -> bool:
        """Whether the next page of this URL is among its host's first ``FIRST_SAMPLES`` or its
        kind's first sample (checked in the background, ``add_first_check``)."""
        return self._first_sample(self._host(url), page_kind(url), alike_key)

    @staticmethod
    def _first_sample(host: _Host, kind: str, alike_key: str) -> bool:
        if host.pages < FIRST_SAMPLES:
            return True
        if kind in host.kinds_seen or _vouched_for(host, alike_key):
            return False
        return len(host.kinds_seen) < FREE_KIND_SAMPLES or host.samples * KIND_SAMPLE_SHARE < host.pages

    def add_first_check(self, url: str, check: Check, alike_key: str = "") -> None:
        host = self._host(url)
        host.checks.setdefault(page_kind(url), []).append(check)
        if alike_key:
            host.alike_checks.setdefault(alike_key, []).append(check)

    def open_checks(self, url: str, own: Check | None = None, alike_key: str = "") -> HostChecks | None:
        """What a page read now over HTTP must wait for: the open checks of its kind (of its host once
        one more kind differing would switch it; of the pages that vouch for its kind), or None when no
        check may send it to the browser."""
        host = self._host(url)
        kind = page_kind(url)
        waiting_on = [check for check in host.checks.get(kind, ()) if not check.done()]
        if alike_key and kind in host.vouched.get(alike_key, ()):
            waiting_on += [check for check in host.alike_checks.get(alike_key, ()) if not check.done()]
        if len(host.switched) >= KINDS_BEFORE_HOST - 1:
            waiting_on = [check for checks in host.checks.values() for check in checks if not check.done()]
        if own is not None and own not in waiting_on:
            waiting_on.append(own)
        if not waiting_on and self.browser_reason(url) is None:
            return None
        return HostChecks(tuple(dict.fromkeys(waiting_on)), own, lambda: self.browser_reason(url) is not None)

    def unfinished_checks(self) -> list[Check]:
        """The background checks still running (a crawl that ends cancels them)."""
        return [
            check for host in self._hosts.values() for checks in host.checks.values() for check in checks
            if not check.done()
        ]  # fmt: skip

    def switch_to_browser(self, url: str, reason: str, alike_key: str = "") -> str | None:
        """Pages like ``url``'s differ in the browser (``reason``): its kind goes there from now on, with
        the kinds its scripts (``alike_key``) vouched for, and its whole host once ``KINDS_BEFORE_HOST``
        kinds did; new kinds running those scripts are sampled again. The line for the job's log, the
        first time (None when they already went to the browser)."""
        host = self._host(url)
        kind = page_kind(url)
        along: list[str] = []
        if alike_key:
            host.differed.add(alike_key)
            along = sorted(host.vouched.pop(alike_key, set()) - {kind} - set(host.switched))
        if host.browser_reason is not None or (kind in host.switched and not along):
            return None
        for switched in (kind, *along):
            host.switched.setdefault(switched, reason)
        if len(host.switched) < KINDS_BEFORE_HOST:
            also = f" (and under {', '.join(along)}, whose pages run the same scripts)" if along else ""
            return f"switched the pages under {kind}{also} to the browser for the rest of the crawl: {reason}"
        kinds = ", ".join(host.switched)
        host.browser_reason = f"{len(host.switched)} kinds of its pages differ in the browser ({kinds})"
        return f"switched the host to the browser for the rest of the crawl ({host.browser_reason}): {reason}"

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        return self._hosts.setdefault(f"{parts.scheme}://{parts.netloc}".lower(), _Host())
