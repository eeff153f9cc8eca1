"""Does a page show a login form, or say that its reader is logged out? Read from the page's HTML.

A **login form** is a page's one password field that is not for a new password: a sign-in box has
one; a registration form (password and its confirmation), a password change (old, new, again) or a
field marked ``autocomplete="new-password"`` is something a logged-in reader may well be shown.
``words_beside`` counts the words of the page's content outside forms and page chrome (nav, header,
footer, aside): a page that is little more than the form is the form; a long page with a login box
in its margin is content (crawls without a login store it).

A definition may name its own markers (``logged_in_selector``, ``logged_out_selector``: CSS): then
they decide, and the password field is not asked (a profile page with one is content).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import parse_html

if TYPE_CHECKING:
    from lxml.cssselect import CSSSelector

WORDS_CAP: Final = 400
"""Counting words beside the form stops here: the decision only needs to know there are many."""

_MAY_HAVE_PASSWORD: Final = re.compile(r"""type\s*=\s*["']?\s*password""", re.IGNORECASE)
_WORD: Final = re.compile(r"\w+", re.UNICODE)
_NOT_CONTENT: Final = ("form", "nav", "header", "footer", "aside", "script", "style", "noscript", "template", "head")


@dataclass(frozen=True)
class LoginMarkers:
    """A definition's CSS selectors telling a logged-in page from a logged-out one ("" for none)."""

    logged_in: str = ""
    logged_out: str = ""

    def __bool__(self) -> bool:
        return bool(self.logged_in or self.logged_out)


@dataclass(frozen=True)
class LoginEvidence:
    """What a page says about its reader's login.

    ``form``: it shows a login form. ``words_beside``: words of its content outside forms and chrome
    (capped at WORDS_CAP). ``logged_out``: what the definition's markers say (None without markers)."""

    form: bool = False
    words_beside: int = 0
    logged_out: bool | None = None


NO_EVIDENCE: Final = LoginEvidence()


def may_show_login(html: str, markers: LoginMarkers | None = None) -> bool:
    """False when ``html`` surely says nothing of a login (no markers to ask, no password field): no parse needed."""
    return bool(markers) or (_may_say_password(html) and _MAY_HAVE_PASSWORD.search(html) is not None)


def _may_say_password(html: str) -> bool:
    """Whether ``html`` may match ``_MAY_HAVE_PASSWORD``, asked first because it is cheaper (a manual's
    100 KB page: 0.6 ms, the case-blind regex 1.6, on the crawl's loop for every page). Of the characters
    the regex takes for a letter of "password", only the long s (U+017F) does not lower-case to it
    (checked over all of Unicode)."""
    return "password" in html.lower() or "\u017f" in html


def login_evidence(html: str, markers: LoginMarkers | None = None) -> LoginEvidence:
    """What ``html`` says about its reader's login (parsed only when it may say something)."""
    if not may_show_login(html, markers):
        return NO_EVIDENCE
    root = parse_html(html)
    if root is None:
        return LoginEvidence(logged_out=None if not markers else _logged_out(None, markers))
    form = _has_login_form(root)
    logged_out = _logged_out(root, markers) if markers else None
    return LoginEvidence(form=form, words_beside=_words_beside_forms(root) if form else 0, logged_out=logged_out)


def _has_login_form(root: _Element) -> bool:
    fields = [
        field
        for field in root.iter("input")
        if (field.get("type") or "").strip().lower() == "password"
        and "new-password" not in (field.get("autocomplete") or "").lower()
    ]
    return len(fields) == 1


def _words_beside_forms(root: _Element) -> int:
    body = root.find("body")
    if body is None:
        return 0
    count = 0
    stack = [body]  # elements whose own text counts (none inside forms or chrome); a tail counts with its parent
    while stack:
        element = stack.pop()
        count += len(_WORD.findall(element.text or ""))
        for child in element:
            count += len(_WORD.findall(child.tail or ""))
            if child.tag not in _NOT_CONTENT:  # parse_html leaves no comments: every tag is a name
                stack.append(child)
        if count >= WORDS_CAP:
            return WORDS_CAP
    return count


def _logged_out(root: _Element | None, markers: LoginMarkers) -> bool:
    """The markers' verdict: the logged-out marker is shown, or the logged-in one is missing."""
    if root is None:
        return bool(markers.logged_in)
    if markers.logged_out and _selector(markers.logged_out)(root):
        return True
    return bool(markers.logged_in) and not _selector(markers.logged_in)(root)


@lru_cache(maxsize=32)
def _selector(css: str) -> CSSSelector:
    """A compiled selector (a definition's selectors were checked when it was loaded)."""
    from lxml.cssselect import CSSSelector  # only for a definition's login markers: most crawls name none

    return CSSSelector(css)
