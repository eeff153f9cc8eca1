"""URL normalisation and the crawl's link filter."""

from __future__ import annotations

import random
import re

import pytest

from quaero_desktop.crawler.urls import TRACKING_PARAMETERS, UrlFilter, host_of, normalise_url, site_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the fragment goes
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/a?b=1#", "https://example.com/a?b=1"),
        # scheme and host are lower-cased, path and query are not
        ("HTTPS://WWW.Example.COM/Path/To?Q=Value", "https://www.example.com/Path/To?Q=Value"),
        # user info goes
        ("https://user:secret@example.com/", "https://example.com/"),
        # default ports go, others stay
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com:/a", "https://example.com/a"),
        # empty path, dot segments, slashes
        ("https://example.com", "https://example.com/"),
        ("https://example.com?a=1", "https://example.com/?a=1"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/a/b/.", "https://example.com/a/b/"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a/%2E%2E/b", "https://example.com/b"),
        ("https://example.com/.well-known/a.b", "https://example.com/.well-known/a.b"),
        ("https://example.com/docs/", "https://example.com/docs/"),
        ("https://example.com/docs", "https://example.com/docs"),
        ("https://example.com//a//b", "https://example.com//a//b"),
        # surrounding whitespace
        ("  https://example.com/a \n", "https://example.com/a"),
        # percent-encoding: upper-case escapes, unreserved characters decoded, the rest encoded
        ("https://example.com/a%2fb%3a", "https://example.com/a%2Fb%3A"),
        ("https://example.com/%7Euser/%41%2d", "https://example.com/~user/A-"),
        ("https://example.com/a b?q=c d", "https://example.com/a%20b?q=c%20d"),
        ("https://example.com/café?q=ü", "https://example.com/caf%C3%A9?q=%C3%BC"),
        ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/a?x=%2f&y=a+b&z=%2B", "https://example.com/a?x=%2F&y=a+b&z=%2B"),
        ('https://example.com/a"<>', "https://example.com/a%22%3C%3E"),
        # international host names become punycode; IPv6 literals stay bracketed
        ("https://Bücher.example/", "https://xn--bcher-kva.example/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://[0:0::1]/", "http://[::1]/"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.com/p?utm_source=news&utm_medium=mail&UTM_Campaign=x&Utm_Term=y", "https://e.com/p"),
        ("https://e.com/p?id=7&utm_content=x&page=2", "https://e.com/p?id=7&page=2"),
        ("https://e.com/p?utm%5Fsource=x&a=1", "https://e.com/p?a=1"),
        ("https://e.com/p?FBCLID=x&a=1", "https://e.com/p?a=1"),
        # kept: other names in their order, repeats, blank values, bare names
        ("https://e.com/p?b=2&a=1&b=3", "https://e.com/p?b=2&a=1&b=3"),
        ("https://e.com/p?a=&b=1", "https://e.com/p?a=&b=1"),
        ("https://e.com/p?flag&b=1", "https://e.com/p?flag&b=1"),
        ("https://e.com/p?utm=1&xutm_source=2&ref=3&gclid_x=4", "https://e.com/p?utm=1&xutm_source=2&ref=3&gclid_x=4"),
        # empty pieces go; no parameter left, no "?"
        ("https://e.com/p?a=1&&b=2&", "https://e.com/p?a=1&b=2"),
        ("https://e.com/p?", "https://e.com/p"),
        ("https://e.com/p?&", "https://e.com/p"),
    ],
)
def test_tracking_parameters_are_removed(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_every_listed_tracking_parameter_is_removed() -> None:
    query = "&".join(f"{name}=x" for name in sorted(TRACKING_PARAMETERS))
    assert normalise_url(f"https://e.com/p?{query}&id=1") == "https://e.com/p?id=1"


@pytest.mark.parametrize(
    "url",
    [
        "mailto:someone@example.com",
        "javascript:void(0)",
        "JavaScript:alert(1)",
        "tel:+441234567",
        "data:text/html,<p>hi</p>",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "blob:https://example.com/5f1c",
        "about:blank",
        "",
        "   ",
        "//example.com/no-scheme",
        "/relative/without/base",
        "https://",
        "http:///path",
        "https://example.com:99999/",
        "https://example.com:http/",
        "http://[::1/",
        "https://exa mple.com/",
        "https://example.com/\ud800",
    ],
)
def test_not_crawlable_urls_give_none(url: str) -> None:
    assert normalise_url(url) is None


_PAGE = "https://example.com/docs/guide/page.html?x=1#top"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("other.html", "https://example.com/docs/guide/other.html"),
        ("./other.html", "https://example.com/docs/guide/other.html"),
        ("../api/", "https://example.com/docs/api/"),
        ("../../../../up", "https://example.com/up"),
        ("/root", "https://example.com/root"),
        ("?q=2", "https://example.com/docs/guide/page.html?q=2"),
        ("#frag", "https://example.com/docs/guide/page.html?x=1"),
        ("", "https://example.com/docs/guide/page.html?x=1"),
        ("//cdn.example.org/lib.js", "https://cdn.example.org/lib.js"),
        ("HTTP://Other.example/", "http://other.example/"),
        (" a b.html ", "https://example.com/docs/guide/a%20b.html"),
        ("other.html?utm_source=x#s", "https://example.com/docs/guide/other.html"),
        ("mailto:x@example.com", None),
        ("javascript:go()", None),
    ],
)
def test_links_resolve_against_the_base(link: str, expected: str | None) -> None:
    assert normalise_url(link, _PAGE) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://example.com/caf%c3%a9", "https://example.com/café"),
        ("HTTPS://EXAMPLE.com:443/a/./b?utm_source=x#f", "https://example.com/a/b"),
        ("https://example.com/%7euser", "https://example.com/~user"),
        ("https://example.com/a%20b", "https://example.com/a b"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_one_page_written_two_ways_gives_one_url(first: str, second: str) -> None:
    assert normalise_url(first) == normalise_url(second)


def test_normalising_never_raises_and_is_idempotent() -> None:
    """A property test on random URL-ish strings from a seeded generator: the same cases every run."""
    generator = random.Random(20240601)
    alphabet = "aZ09-._~:/?#[]@!$&'()*+,;=% \t\nü日\x00"
    prefixes = ["http://", "https://", "HTTP://a.B:", "https://x.org/", "//", "", "mailto:"]
    for _ in range(3000):
        text = generator.choice(prefixes) + "".join(generator.choices(alphabet, k=generator.randint(0, 25)))
        base = generator.choice([None, "https://example.com/a/b?c#d"])
        for keep_hash_routes in (True, False):
            result = normalise_url(text, base, keep_hash_routes=keep_hash_routes)
            if result is not None:
                assert result.startswith(("http://", "https://"))
                assert normalise_url(result, keep_hash_routes=keep_hash_routes) == result, text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # a hash route names a page of a single-page app: kept
        ("https://example.com/app/#/users/7", "https://example.com/app/#/users/7"),
        ("https://example.com/app#!/inbox", "https://example.com/app#!/inbox"),
        ("https://example.com/app#!inbox?tab=2", "https://example.com/app#!inbox?tab=2"),
        ("https://example.com/app/?utm_source=x#/a b", "https://example.com/app/#/a%20b"),
        ("https://example.com/app/#/%7euser", "https://example.com/app/#/~user"),
        # the app's home route is the page itself
        ("https://example.com/app/#/", "https://example.com/app/"),
        ("https://example.com/app/#!", "https://example.com/app/"),
        ("https://example.com/app/#!/", "https://example.com/app/"),
        # any other fragment is a place on the page: dropped
        ("https://example.com/app/#section-2", "https://example.com/app/"),
        ("https://example.com/app/#", "https://example.com/app/"),
        ("https://example.com/app/#top/of/page", "https://example.com/app/"),
    ],
)
def test_hash_routes_are_part_of_a_page_and_other_fragments_are_not(url: str, expected: str) -> None:
    assert normalise_url(url) == expected
    assert normalise_url(expected) == expected
    assert normalise_url(url, keep_hash_routes=False) == expected.partition("#")[0]


def test_hash_route_links_resolve_against_a_routed_page() -> None:
    page = "https://example.com/app/#/alpha"
    assert normalise_url("#/beta", page) == "https://example.com/app/#/beta"
    assert normalise_url("#notes", page) == "https://example.com/app/"
    assert normalise_url("../other", page) == "https://example.com/other"
    assert normalise_url("#/beta", page, keep_hash_routes=False) == "https://example.com/app/"


def test_host_of() -> None:
    assert host_of("https://docs.example.com:8443/x") == "docs.example.com"
    assert host_of("https://docs.example.com/") == "docs.example.com"


# -- UrlFilter -----------------------------------------------------------------------

_START = ["https://docs.example.com/start"]


def test_rejection_reasons_come_in_order() -> None:
    url = "https://other.example/logout/admin"
    everything = UrlFilter(_START, include_patterns=["/docs/"], exclude_patterns=["/nothing", "/admin"])
    assert everything.rejection(url) == "excluded by pattern '/admin'"
    no_excludes = UrlFilter(_START, include_patterns=["/docs/"])
    assert no_excludes.rejection(url) == "looks like a logout link"
    no_default_excludes = UrlFilter(_START, include_patterns=["/docs/"], use_default_excludes=False)
    assert no_default_excludes.rejection(url) == "other site: https://other.example"
    any_host = UrlFilter(_START, include_patterns=["/docs/"], use_default_excludes=False, same_domain=False)
    assert any_host.rejection(url) == "matches no include pattern"
    nothing = UrlFilter(_START, use_default_excludes=False, same_domain=False)
    assert nothing.rejection(url) is None
    assert nothing.allows(url)


def test_first_matching_exclude_pattern_is_named() -> None:
    url_filter = UrlFilter(_START, exclude_patterns=[r"\.pdf$", "/private/", "secret"])
    assert url_filter.rejection("https://docs.example.com/private/secret") == "excluded by pattern '/private/'"
    assert not url_filter.allows("https://docs.example.com/a.pdf")
    assert url_filter.allows("https://docs.example.com/a.pdf.html")


def test_same_domain_allows_exactly_the_start_sites() -> None:
    url_filter = UrlFilter(
        ["HTTPS://Docs.Example.COM:443/start", "https://wiki.example.com/", "http://127.0.0.1:8123/"]
    )
    assert url_filter.allows("https://docs.example.com/x")
    assert url_filter.allows("https://wiki.example.com/page")
    assert url_filter.allows("http://127.0.0.1:8123/docs/")
    assert url_filter.rejection("https://example.com/") == "other site: https://example.com"
    assert url_filter.rejection("https://www.docs.example.com/") == "other site: https://www.docs.example.com"
    # Another scheme or another port is another server: another site, as a browser's origin has it.
    assert url_filter.rejection("http://docs.example.com/x") == "other site: http://docs.example.com"
    assert url_filter.rejection("https://docs.example.com:8443/x") == "other site: https://docs.example.com:8443"
    assert url_filter.rejection("http://127.0.0.1:8000/docs/") == "other site: http://127.0.0.1:8000"
    assert url_filter.rejection("https://127.0.0.1:8123/") == "other site: https://127.0.0.1:8123"
    assert url_filter.rejection("http://127.0.0.1/") == "other site: http://127.0.0.1"
    assert UrlFilter(_START, same_domain=False).allows("https://example.org/")
    assert UrlFilter(_START, same_domain=False).allows("https://docs.example.com:8443/")


def test_a_site_on_http_is_also_itself_upgraded_to_https() -> None:
    url_filter = UrlFilter(["http://docs.example.com/start", "http://[::1]/", "http://wiki.example.com:8080/"])
    assert url_filter.allows("http://docs.example.com:80/x")  # HTTP's own port: the same URL
    assert url_filter.allows("https://docs.example.com/x")  # where such a site sends its visitors
    assert url_filter.allows("https://[::1]/x")
    assert url_filter.rejection("https://docs.example.com:8443/") == "other site: https://docs.example.com:8443"
    assert url_filter.rejection("https://wiki.example.com:8080/") == "other site: https://wiki.example.com:8080"
    assert url_filter.rejection("https://wiki.example.com/") == "other site: https://wiki.example.com"


def test_the_site_of_a_url_is_its_origin() -> None:
    assert site_of("https://docs.example.com:8443/x") == "https://docs.example.com:8443"
    assert site_of("https://docs.example.com/") == "https://docs.example.com"
    assert site_of("http://docs.example.com/") == "http://docs.example.com"
    assert site_of("http://docs.example.com:80/") == "http://docs.example.com"
    assert site_of("http://docs.example.com:443/") == "http://docs.example.com:443"  # not HTTP's own port
    assert site_of("http://[::1]:8000/") == "http://[::1]:8000"
    assert site_of("https://[::1]/") == "https://[::1]"


def test_include_patterns_are_searched_in_the_full_url() -> None:
    url_filter = UrlFilter(_START, include_patterns=[r"^https://docs\.example\.com/(guide|api)/", "[?&]lang=en"])
    assert url_filter.allows("https://docs.example.com/guide/intro")
    assert url_filter.allows("https://docs.example.com/blog/post?lang=en")
    assert url_filter.rejection("https://docs.example.com/blog/post") == "matches no include pattern"


@pytest.mark.parametrize(
    "path",
    [
        "/logout",
        "/LOGOUT",
        "/auth/logout?next=/",
        "/Account/LogOff",
        "/users/sign_out",
        "/log-out",
        "/log_out",
        "/sign-out",
        "/signout",
        "/_layouts/15/SignOut.aspx",
        "/wp-login.php?action=logout",
        "/index.php?action=log_out&x=1",
        "/api/doLogout",
        "/log-off",
        "/session/end",
        "/sessions/destroy",
        "/oauth2/end_session",
        "/connect/endsession",
        "/end-session?id=1",
    ],
)
def test_default_excludes_catch_logout_links(path: str) -> None:
    url = f"https://docs.example.com{path}"
    assert UrlFilter(_START).rejection(url) == "looks like a logout link"
    assert UrlFilter(_START, use_default_excludes=False).allows(url)


@pytest.mark.parametrize(
    "path",
    [
        "/doku.php?id=start&do=revert&rev=1796593341&sectok=d450265de36a",
        "/doku.php?id=start&rev=1796593341&do=revert",
        "/index.php?title=Main&action=rollback&from=Ann&token=abc",
        "/index.php?title=Main&action=delete",
        "/wp-admin/post.php?post=7&action=trash&_wpnonce=1a2b3c",
        "/posts/7?authenticity_token=xyz",
        "/node/7?op=Unpublish",
        "/items/7?csrf_token=q",
    ],
)
def test_default_excludes_catch_links_that_change_the_site(path: str) -> None:
    url = f"https://wiki.example.com{path}"
    assert UrlFilter(_START).rejection(url).startswith("looks like a link that changes the site")
    assert UrlFilter(_START, use_default_excludes=False, same_domain=False).allows(url)


@pytest.mark.parametrize(
    "path",
    ["/docs/how-to-delete-a-branch", "/doku.php?id=wiki:revert_guide", "/index.php?title=Deletion_policy",
     "/search?q=delete", "/doku.php?id=start&do=revisions", "/api/tokens"],
)  # fmt: skip
def test_words_of_actions_in_page_names_are_not_actions(path: str) -> None:
    assert UrlFilter(["https://wiki.example.com/"]).allows(f"https://wiki.example.com{path}")


@pytest.mark.parametrize(
    "path",
    [
        "/blog/outdoor",
        "/catalog-offers",
        "/catalog/offers",
        "/login",
        "/sign-up",
        "/backlog-offline",
        "/docs/sessions/endpoints",
        "/docs/session-management",
        "/sessions",
    ],
)
def test_default_excludes_let_ordinary_pages_through(path: str) -> None:
    assert UrlFilter(_START).allows(f"https://docs.example.com{path}")


def test_default_excludes_ignore_the_host() -> None:
    url_filter = UrlFilter(["https://signout.example.com/"])
    assert url_filter.allows("https://signout.example.com/docs/")


def test_a_start_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("not an http(s) URL with a host: 'ftp://example.com/'")):
        UrlFilter(["ftp://example.com/"])
