"""What a page's conversion to Markdown takes and gives: a definition's ``ContentRules`` in, a
``ConvertedPage`` out. Apart from the converter (markdown.py) because the crawl's process names
these while its conversion workers convert (conversion_pool.py): it loads no Markdown writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from quaero_desktop.crawler.text_digest import TextDigest


@dataclass(frozen=True)
class ConvertedPage:
    """A page as Markdown. ``markdown`` starts with "# <title>" when there is a title and ends
    with one newline ("" for a page without text). ``title``: the main content's first H1,
    else the page's first H1, else its <title>, else "". ``headings``: the title, then the
    main content's H1-H3 texts, in order. ``digest``: what the store derives from the Markdown, when the
    conversion's worker computed it beside (conversion_pool.py); not part of the page's value."""

    markdown: str
    title: str
    headings: tuple[str, ...]
    digest: TextDigest | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ContentRules:
    """A definition's own say over what a page's content is (CSS selectors, checked when it was loaded).

    ``content_selector``: the content root (its first match; the page's own choice when nothing matches).
    ``exclude_selectors``: removed before anything else is decided."""

    content_selector: str = ""
    exclude_selectors: tuple[str, ...] = ()


NO_RULES: Final = ContentRules()
