"""Which links a crawl follows: its definition's filters and limits, and what pages say of their own links
(rel="nofollow", robots noindex/nofollow, rel="canonical"). The editor's pattern tester asks the same rule."""

from __future__ import annotations

from dataclasses import dataclass

from quaero_desktop.crawler.fetched import FetchedPage
from quaero_desktop.crawler.page_directives import NOFOLLOW, NOINDEX
from quaero_desktop.crawler.urls import UrlFilter, normalise_url
from quaero_desktop.domain.definition import JobDefinition


@dataclass(frozen=True)
class ScopeVerdict:
    kept: bool
    normalised: str | None  # the URL as the crawl names it (None: not crawlable)
    reason: str


@dataclass(frozen=True)
class CrawlScope:
    """The parts of a definition that decide which links a crawl follows."""

    url_filter: UrlFilter
    follow_links: bool
    max_depth: int
    max_pages: int
    keep_hash_routes: bool = True
    obey_nofollow: bool = True  # rel="nofollow" links and the links of nofollow pages are not followed
    obey_noindex: bool = True
    obey_canonical: bool = True

    def normalise(self, url: str, base: str | None = None) -> str | None:
        """``url`` as this crawl names pages (hash routes kept or not, as the definition says)."""
        return normalise_url(url, base, keep_hash_routes=self.keep_hash_routes)

    @classmethod
    def from_definition(cls, definition: JobDefinition) -> CrawlScope:
        return cls(
            url_filter=UrlFilter(
                definition.start_urls,
                definition.include_patterns,
                definition.exclude_patterns,
                same_domain=definition.same_domain,
                use_default_excludes=definition.use_default_excludes,
                stay_under_start_path=definition.stay_under_start_path,
            ),
            follow_links=definition.follow_links,
            max_depth=definition.max_depth,
            max_pages=definition.max_pages,
            keep_hash_routes=definition.keep_hash_routes,
            obey_nofollow=definition.obey_nofollow,
            obey_noindex=definition.obey_noindex,
            obey_canonical=definition.obey_canonical,
        )

    def explain(self, url: str, start_urls: tuple[str, ...] = ()) -> ScopeVerdict:
        """Whether a crawl of this scope keeps ``url`` and why: the crawl's own rule (the pattern tester)."""
        normalised = self.normalise(url.strip())
        if normalised is None:
            return ScopeVerdict(False, None, "not a crawlable address (an http:// or https:// URL with a host)")
        if normalised in {self.normalise(start) for start in start_urls}:
            return ScopeVerdict(True, normalised, "a start URL: always crawled")
        if not self.follow_links:
            return ScopeVerdict(False, normalised, "links are not followed (follow_links is off)")
        reason = self.url_filter.rejection(normalised)
        if reason is not None:
            return ScopeVerdict(False, normalised, reason)
        return ScopeVerdict(True, normalised, self.url_filter.acceptance(normalised))

    def follows_redirect(self, url: str) -> bool:
        """Whether a page's redirect to ``url`` is followed: the target is a page the crawl's filters allow
        (on its site, when it keeps to it). The engine checks where a page landed the same way, so a target
        this refuses is one the crawl would not store anyway: the HTTP path does not ask for it."""
        normalised = self.normalise(url)
        return normalised is not None and self.url_filter.allows(normalised)

    def links_in_scope(self, links: list[str] | tuple[str, ...], base_url: str) -> list[str]:
        """Normalised, in-scope, de-duplicated links, in page order (whatever the depth)."""
        if not self.follow_links:
            return []
        return self.in_scope(links, base_url)

    def followed_in_scope(self, normalised: list[str]) -> list[str]:
        """Of a page's ``normalised`` links (``all_links``), those the crawl follows (``links_in_scope``)."""
        if not self.follow_links:
            return []
        return [url for url in normalised if self.url_filter.allows(url)]

    def in_scope(self, links: list[str] | tuple[str, ...], base_url: str) -> list[str]:
        """Normalised, de-duplicated links the crawl's filters allow, in page order (depth aside)."""
        return [url for url in self.all_links(links, base_url) if self.url_filter.allows(url)]

    def followed_links(self, page: FetchedPage) -> list[str]:
        """The page's links the crawl may follow: none from a nofollow page, no rel="nofollow" link
        (unless the definition ignores nofollow)."""
        if not self.obey_nofollow:
            return [*page.links, *page.nofollow_links]
        return [] if NOFOLLOW in page.robots else page.links

    def noindex(self, page: FetchedPage) -> bool:
        """The page asks not to be indexed (and the definition obeys it)."""
        return self.obey_noindex and NOINDEX in page.robots

    def canonical_elsewhere(self, page: FetchedPage, final_url: str) -> str | None:
        """The page's canonical URL when it names another page of the crawl's scope (None: store this one)."""
        if not self.obey_canonical or not page.canonical:
            return None
        canonical = self.normalise(page.canonical, page.final_url)
        if canonical is None or canonical == final_url or not self.url_filter.allows(canonical):
            return None
        return canonical

    def all_links(self, links: list[str] | tuple[str, ...], base_url: str) -> list[str]:
        """Every link of a page as the crawl names pages (normalised, de-duplicated, page order)."""
        seen: dict[str, None] = {}
        for link in links:
            url = self.normalise(link, base_url)
            if url is not None:
                seen[url] = None
        return list(seen)
