"""Is this rendered page still loading its data (an app that painted its frame, not its content)?

Apps paint their frame first (a heading, a skip link, navigation) and fetch their data afterwards.
The settle script (browser/settle.py) waits while the page shows it is loading:

* a **loading indicator** is shown: an element marked ``aria-busy="true"``, an indeterminate
  progress bar (``role="progressbar"`` without ``aria-valuenow``, ``<progress>`` without a value),
  a skeleton or spinner (a class such as ``skeleton-row``, ``spinner``, ``is-loading``), or a
  text that reads "Loading…" / "Please wait…";
* a **request** the page started is still open (fetch/XHR, the reading of a response's body,
  a script chunk, a frame's document);
* its **content grows** (elements are being added).

``incomplete_reason`` is the verdict once the wait is over: a page whose content could not be
confirmed within the bound is *rendered incomplete* (stored with a note, tried once more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from quaero_desktop.crawler.app_shell import MIN_APP_ROOT_TEXT

BUSY_CSS: Final = '[aria-busy="true" i], [role~="progressbar" i]:not([aria-valuenow]), progress:not([value])'
"""Elements that say the page is busy: aria-busy, an indeterminate progress bar."""
PLACEHOLDER_WORDS: Final = ("skeleton", "shimmer", "spinner", "loader", "loading")
PLACEHOLDER_CSS: Final = ", ".join(f'[class*="{word}" i]' for word in PLACEHOLDER_WORDS)
"""Candidates for a placeholder by class name; a class token must then name one (PLACEHOLDER_CLASS)."""
PLACEHOLDER_CLASS: Final = (
    rf"(?:^|[-_])(?:{'|'.join(PLACEHOLDER_WORDS)})(?:$|[-_])",  # "skeleton-row", "is-loading" (not "lazyloading")
    rf"(?:^|[a-z0-9])(?:{'|'.join(w.capitalize() for w in PLACEHOLDER_WORDS)})(?:$|[-_A-Z])",  # "MuiSkeleton-root"
)
"""A class token naming a placeholder: the first pattern ignores case, the second (CamelCase) does not."""
LOADING_XPATH: Final = "//text()[{}]".format(
    " or ".join(
        f"starts-with(translate(normalize-space(.), 'LOADINGPLESWT', 'loadingpleswt'), '{start}')"
        for start in ("loading", "please wait")
    )
)
"""Text nodes worth testing against LOADING_TEXT (found natively, so a long page costs little)."""
LOADING_TEXT: Final = r"^(?:loading|please wait)\b[^.…]{0,30}(?:…|\.\.\.)$"
"""A text that says the content is on its way: "Loading…", "Loading entries...", "Please wait…"
(the ellipsis is required: a heading "Loading" in a manual is content)."""

MIN_CONTENT_CHARS: Final = MIN_APP_ROOT_TEXT
"""A content region (main, else the app root, else the body) showing fewer visible characters is empty."""


@dataclass(frozen=True)
class LoadingSignals:
    """What the page showed when the wait for it ended."""

    timed_out: bool  # it never settled within the bound
    indicator: str = ""  # the loading indicator still shown ("" none): "a region marked aria-busy", '"Loading…"'...
    growing: bool = False  # elements were still being added when the bound ran out
    requests: int = 0  # the page's own requests still open (fetch/XHR and their bodies, chunks, frames)
    content_chars: int | None = None  # visible characters of its content region, counted when timed out


def incomplete_reason(signals: LoadingSignals) -> str | None:
    """Why the page's content could not be confirmed, or None when it was.

    A loading indicator still shown, content still growing at the bound, or a request still open
    while the content region is empty. A page that never went quiet but shows its content (a ticking
    clock, a long poll beside the content) is confirmed."""
    if signals.indicator:
        return f"{signals.indicator} still shown"
    if not signals.timed_out:
        return None
    if signals.growing:
        return "content still being added"
    if signals.requests and (signals.content_chars or 0) < MIN_CONTENT_CHARS:
        requests = "a request" if signals.requests == 1 else f"{signals.requests} requests"
        return f"{requests} still loading, no content yet"
    return None
