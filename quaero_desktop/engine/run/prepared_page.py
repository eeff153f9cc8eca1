"""From a fetched page to what gets stored: Markdown, metadata and the links to follow.

CPU work: the conversion runs in the engine's worker processes (crawler/conversion_pool.py); the links
are picked here, from what the fetch parsed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from quaero_desktop.crawler.anchor_links import heading_anchor_links
from quaero_desktop.crawler.conversion_pool import Conversions
from quaero_desktop.crawler.converted_page import NO_RULES, ContentRules, ConvertedPage
from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.page_likeness import outline_key
from quaero_desktop.crawler.scope import CrawlScope
from quaero_desktop.crawler.text_digest import text_digest
from quaero_desktop.domain.definition import JobDefinition, RenderMode
from quaero_desktop.domain.document import FetchRecord, PageContent


@dataclass(frozen=True)
class PreparedPage:
    content: PageContent
    links: list[str]  # to enqueue (in scope, within the depth)
    record: FetchRecord  # kept with the document for the next crawl (validators, hash, every link)
    links_beyond_depth: list[str] = field(default_factory=list)  # in scope, but one level past max_depth


def content_rules(definition: JobDefinition) -> ContentRules:
    """The definition's say over what of a page is stored: every conversion of its crawl uses them (the
    stored page, auto mode's comparison of HTML and browser, the soft-404 template), and so does the
    editor's preview (services/page_preview.py)."""
    return ContentRules(definition.content_selector, definition.exclude_selectors)


def stored_source_hash(source_hash: str, rules: ContentRules) -> str:
    """A page's source hash as its document keeps it: the bytes' hash, then a mark of the content rules
    it was converted with ("+" and 16 hex digits; none without rules, as before rules existed). The same
    bytes converted with other rules are not the same stored page: a re-crawl after the rules changed
    converts it again (``converted_with`` keeps the 304 from answering for it)."""
    if not source_hash or rules == NO_RULES:
        return source_hash
    text = json.dumps([rules.content_selector, list(rules.exclude_selectors)])
    return f"{source_hash}+{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def converted_with(stored_hash: str, rules: ContentRules) -> bool:
    """Whether a document whose source hash is ``stored_hash`` was converted with ``rules``."""
    body_hash = stored_hash.partition("+")[0]
    return stored_source_hash(body_hash, rules) == stored_hash


async def prepare_page(
    conversions: Conversions,
    fetched: FetchedPage,
    final_url: str,
    scope: CrawlScope,
    depth: int,
    rules: ContentRules,
) -> PreparedPage:
    """Convert ``fetched`` to Markdown with the crawl's content ``rules`` (in ``conversions``: the engine's
    worker processes) and pick the links to enqueue."""
    converted = await conversions.convert(fetched.html, fetched.final_url, rules)
    return _prepared(fetched, converted, final_url, scope, depth, rules)


def _prepared(
    fetched: FetchedPage, converted: ConvertedPage, final_url: str, scope: CrawlScope, depth: int, rules: ContentRules
) -> PreparedPage:
    digest = converted.digest or text_digest(converted.markdown)  # (the engine's pool computed it)
    content = PageContent(
        url=final_url,
        title=converted.title or fetched.title,
        markdown=converted.markdown,
        description=fetched.description,
        canonical_url=fetched.canonical,
        language=fetched.language,
        final_url=fetched.final_url,
        http_status=fetched.status,
        content_hash=digest.content_hash,
        outline_key=outline_key(converted.headings),
        link_share=digest.link_share,
    )
    followed = scope.followed_links(fetched)
    every_link = scope.all_links(followed, fetched.final_url)
    # Links that only scroll this page to one of its headings (#/page?id=heading) are the page itself.
    anchors = heading_anchor_links(final_url, every_link, fetched.html)
    read_from_html = fetched.rendered_by == RenderMode.HTTP
    # A page the browser rendered is always rendered again: its HTML (and a 304 for it) says
    # nothing of what its scripts fetch. So only a page read from its HTML keeps validators and hash.
    record = FetchRecord(
        etag=fetched.etag if read_from_html else "",
        last_modified=fetched.last_modified if read_from_html else "",
        source_hash=stored_source_hash(fetched.source_hash, rules) if read_from_html else "",
        links=tuple(link for link in every_link if link not in anchors),
    )
    links = [link for link in scope.followed_in_scope(every_link) if link not in anchors]
    if depth < scope.max_depth:
        return PreparedPage(content=content, links=links, record=record)
    return PreparedPage(content=content, links=[], record=record, links_beyond_depth=links)
