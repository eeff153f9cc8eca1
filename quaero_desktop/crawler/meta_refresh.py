"""A page whose HTML sends the browser on to another URL (``<meta http-equiv="refresh"
content="0; url=other.html">``): a redirect written in HTML, as GNU Texinfo's node stubs are.

A browser follows it and shows the other page; read over HTTP, the stub shows its few words. Auto
mode follows it like a redirect (its target is one of the page's links) and never takes "the
browser shows a whole other page" for a page that needs the browser (``render_check.py``).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urldefrag, urljoin

MAX_DELAY_S: Final = 10
"""A refresh later than this is a page that reloads itself now and then, not a redirect."""
_HEAD_CHARS: Final = 65_536  # where to look when the page has no </head> (the tag belongs in the head)

_META: Final = re.compile(r"<meta\b[^>]*\bhttp-equiv\s*=\s*[\"']?refresh\b[^>]*>", re.IGNORECASE)
_CONTENT: Final = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_DELAY_AND_URL: Final = re.compile(r"^\s*(\d+)(?:\.\d*)?\s*(?:[;,]\s*(?:url\s*=\s*)?[\"']?([^\"']*)[\"']?)?", re.I)


def refresh_target(html: str, base_url: str) -> str | None:
    """The URL the page's meta refresh sends the browser to, when it does so within ``MAX_DELAY_S``
    and to another page (not to itself, nor to one of its own anchors); else None."""
    end = html.find("</head")
    head = html[: end if end >= 0 else _HEAD_CHARS]
    if "refresh" not in head.lower():
        return None
    meta = _META.search(head)
    if meta is None:
        return None
    content = _CONTENT.search(meta.group(0))
    if content is None:
        return None
    found = _DELAY_AND_URL.match(next(group for group in content.groups() if group is not None))
    if found is None or int(found.group(1)) > MAX_DELAY_S or not (found.group(2) or "").strip():
        return None
    target: str = urljoin(base_url, str(found.group(2)).strip())
    if not target.startswith(("http://", "https://")) or urldefrag(target)[0] == urldefrag(base_url)[0]:
        return None
    return target
