"""URLs cut to a readable length wherever text about a page is shown, logged or stored as an error.

A hostile page can link to a URL of 100,000 characters: a failed page's error and its warning copied it
whole into the error column and twice onto stderr (issue 21). Text keeps every URL up to ``MAX_SHOWN``
characters; a longer one keeps its start and says how long it was. The page's own URL (the key it
is crawled and stored under) is never cut: only what is said about it.
"""

from __future__ import annotations

import re

MAX_SHOWN = 300  # characters of a URL shown before it is cut
_KEPT = 200  # of a cut URL: its start (scheme, host and path, usually)
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,15}://\S{%d,}" % (MAX_SHOWN - 8))  # noqa: UP031 (a bound in a pattern)


def short_url(url: str) -> str:
    """``url``, or its first characters and its length when it is longer than MAX_SHOWN."""
    if len(url) <= MAX_SHOWN:
        return url
    return f"{url[:_KEPT]}… ({len(url):,} characters)"


def shorten_urls(text: str) -> str:
    """``text`` with every URL longer than MAX_SHOWN cut (see ``short_url``); anything else as it was."""
    if len(text) <= MAX_SHOWN:
        return text
    return _URL.sub(_cut, text)


def _cut(found: re.Match[str]) -> str:
    url = found.group(0)
    bare = url.rstrip(".,:;)]'\"")  # the sentence's punctuation after the URL stays
    return short_url(bare) + url[len(bare) :]
