"""Does a page need a browser? Cheap signals on the HTML a server sent, before any script ran.

A page needs the browser when its content or links can only exist once scripts run, or when what
the browser shows is more than its HTML says:

* an **empty application shell** (``app_shell.py``, the same decision the browser path uses for
  "rendered empty"): an empty ``#root``/``#app``/``#__next``/``#__nuxt``... or next to no text
  beside scripts;
* **little text beside scripts**: fewer than ``LITTLE_TEXT`` visible characters on a page that
  runs scripts;
* a ``<noscript>`` that asks for JavaScript ("enable JavaScript", "requires JavaScript");
* **frames** (the browser path inlines same-origin frames), **declarative shadow roots** and
  **custom elements** on a page with scripts (web components render themselves).

Framework markers (``__NEXT_DATA__``, ``data-reactroot``, ``ng-version``, ``window.__NUXT__``,
``data-server-rendered``, ``data-svelte``...) do not make a page need the browser by themselves
(server-rendered pages carry them and have their content), but they make it worth checking: the
per-host verification (``render_check.py``) samples such pages more often.

A page with none of what could change its text once loaded (no script, inline event handler, frame,
shadow root, ``<noscript>`` or XSLT stylesheet: ``scripted`` False) shows in a browser exactly what
its HTML says: auto mode never renders it to compare (a static site starts no browser at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from lxml.etree import _Element

from quaero_desktop.crawler.app_shell import (
    HIDDEN_TEXT_TAGS,
    TEXT_CAP,
    ShellSignals,
    is_empty_shell,
    signals_from_document,
)
from quaero_desktop.crawler.html_tree import parse_html

EMPTY_SHELL: Final = "an empty app shell in its HTML"
LITTLE_TEXT: Final = 200
"""A page with scripts and fewer visible characters than this is read in the browser."""

_NOSCRIPT_ASKS: Final = re.compile(
    r"(enable|turn on|requires?|needs?|activate|allow)\b[^.]{0,40}\bjava\s*script"
    r"|java\s*script\b[^.]{0,40}\b(required|disabled|enabled|needed)",
    re.IGNORECASE,
)
_FRAMEWORK_MARKERS: Final = re.compile(
    r"__NEXT_DATA__|window\.__NUXT__|data-reactroot|data-react-helmet|ng-version=|data-server-rendered"
    r"|data-svelte|data-v-app|__remixContext|data-astro-cid|id=\"___gatsby\"|data-turbo",
)
_CUSTOM_TAG: Final = re.compile(r"<([a-z][a-z0-9]*-[a-z0-9-]*)[\s>/]", re.IGNORECASE)


@dataclass(frozen=True)
class JsSignals:
    """``needs_browser``: why the page must be rendered (None: its HTML has its content).
    ``framework``: a JavaScript framework marks the page (check it more often).
    ``scripted``: something in it could make a browser show other text than its HTML (False: nothing
    could, so comparing it with the browser's version would find no difference).
    ``text_chars``: the visible characters of its HTML's body, counted up to ``TEXT_CAP`` (0: not read).
    ``script_set``: which scripts it runs, a digest of their addresses and inline texts ("": not read;
    the HTTP path reads it, html_page.py)."""

    needs_browser: str | None
    framework: bool
    scripted: bool = True
    text_chars: int = 0
    script_set: str = ""

    @property
    def alike_key(self) -> str:
        """What pages that behave alike in a browser share (render_check.py): the scripts they run, for
        a page whose HTML clearly holds its content (``TEXT_CAP`` visible characters: no shell its
        scripts fill); "" for any other page."""
        return self.script_set if self.text_chars >= TEXT_CAP else ""


_MAY_NEED_BROWSER: Final = re.compile(r"<script|<noscript|<iframe|<frame|shadowroot", re.IGNORECASE)
# What else runs or transforms a document without a <script> element: inline event handlers
# (<body onload=...>, <img onerror=...>) and an XSLT stylesheet (<?xml-stylesheet?>).
_RUNS_WITHOUT_SCRIPT_TAG: Final = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=|<\?xml-stylesheet", re.IGNORECASE)


def js_signals(html: str) -> JsSignals:
    """The signals of a page's HTML (parsed here when it may need the browser)."""
    return js_signals_of_tree(html, lambda: parse_html(html))


def js_signals_of_tree(html: str, document: Callable[[], _Element | None]) -> JsSignals:
    """The signals of ``html``, read from its tree (``document``: ``parse_html(html)``, or the tree a
    caller parsed already and is done reading: it is changed, hidden elements removed). The tree is
    asked for only when the page may need the browser."""
    if not _MAY_NEED_BROWSER.search(html):  # no scripts, frames or shadow roots: nothing to look for
        return JsSignals(None, False, scripted=bool(_RUNS_WITHOUT_SCRIPT_TAG.search(html)))
    framework = bool(_FRAMEWORK_MARKERS.search(html))
    root = document()
    if root is None:
        return JsSignals(None, framework)
    needs_browser, text_chars = _needs_browser(html, root)
    return JsSignals(needs_browser, framework, text_chars=text_chars)


def _needs_browser(html: str, root: _Element) -> tuple[str | None, int]:
    """Why the page needs the browser (None: it does not), and its visible characters (``TEXT_CAP`` at most)."""
    noscript_asks = frames = shadow_root = False
    # One walk over the few elements these are read from (an XPath each walked the whole tree).
    for element in root.iter("noscript", "iframe", "frame", "template"):
        if element.tag == "noscript":
            noscript_asks = noscript_asks or bool(
                _NOSCRIPT_ASKS.search(" ".join(str(text) for text in element.itertext()))
            )
        elif element.tag == "template":
            shadow_root = (
                shadow_root or element.get("shadowrootmode") is not None or element.get("shadowroot") is not None
            )
        else:
            frames = frames or element.get("src") is not None
    shell = signals_from_document(root, html)  # last: it removes hidden elements
    return _reason(html, shell, noscript_asks, frames, shadow_root), shell.text_chars


def _reason(html: str, shell: ShellSignals, noscript_asks: bool, frames: bool, shadow_root: bool) -> str | None:
    if is_empty_shell(shell):
        return EMPTY_SHELL
    if noscript_asks:
        return "a <noscript> asking for JavaScript"
    if frames:
        return "frames (their content is part of the page)"
    if shadow_root:
        return "a declarative shadow root"
    if shell.script_count == 0:
        return None
    if shell.text_chars < LITTLE_TEXT:
        return f"scripts beside little text ({shell.text_chars} characters)"
    custom = {match.lower() for match in _CUSTOM_TAG.findall(html) if not match.lower().startswith("font-")}
    if custom:
        return f"custom elements (<{sorted(custom)[0]}>) rendered by its scripts"
    return None


__all__ = ["EMPTY_SHELL", "HIDDEN_TEXT_TAGS", "JsSignals", "js_signals", "js_signals_of_tree"]
