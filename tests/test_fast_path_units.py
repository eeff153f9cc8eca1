"""The HTTP fast path's pure parts: the login's cookies as the browser would send them, the signals
that send a page to the browser, the host check's comparison, and reading a page from its HTML."""

from __future__ import annotations

import time
import urllib.request

from quaero_desktop.crawler.fetched import Validators
from quaero_desktop.crawler.http.cookie_jar import cookie_jar, from_jar_cookie
from quaero_desktop.crawler.http.fetcher import decode_html
from quaero_desktop.crawler.http.html_page import read_html
from quaero_desktop.crawler.js_signals import EMPTY_SHELL, js_signals
from quaero_desktop.crawler.render_check import FIRST_SAMPLES, SAMPLE_EVERY, RenderDecisions, compare
from quaero_desktop.domain.credential import Cookie


def _sent(jar, url: str) -> dict[str, str]:
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    header = request.get_header("Cookie") or ""
    return dict(part.split("=", 1) for part in header.split("; ") if part)


def test_cookies_go_where_the_browser_would_send_them():
    now = time.time()
    jar = cookie_jar(
        [
            Cookie("host", "1", "wiki.example.com"),  # host-only: exactly this host
            Cookie("dom", "2", "example.com", host_only=False),  # .example.com: subdomains too
            Cookie("sec", "3", "wiki.example.com", secure=True),  # https only
            Cookie("docs", "4", "wiki.example.com", path="/docs"),  # under /docs only
            Cookie("old", "5", "wiki.example.com", expires=now - 10),  # expired: never sent
            Cookie("later", "6", "wiki.example.com", expires=now + 3600),
            Cookie("local", "7", "localhost"),  # a host name without a dot
            Cookie("__Host-x", "8", "wiki.example.com"),  # the prefix makes it Secure
        ]
    )
    assert _sent(jar, "http://wiki.example.com/") == {"host": "1", "dom": "2", "later": "6"}
    assert _sent(jar, "https://wiki.example.com/docs/a") == {
        "host": "1", "dom": "2", "sec": "3", "docs": "4", "later": "6", "__Host-x": "8"
    }  # fmt: skip
    assert _sent(jar, "http://wiki.example.com/docsx") == {"host": "1", "dom": "2", "later": "6"}
    assert _sent(jar, "http://a.wiki.example.com/") == {"dom": "2"}  # host-only stays on its host
    assert _sent(jar, "http://example.com/") == {"dom": "2"}
    assert _sent(jar, "http://other.org/") == {}
    assert _sent(jar, "http://localhost:8080/") == {"local": "7"}
    assert _sent(jar, "http://127.0.0.1/") == {}
    kept = {c.name: from_jar_cookie(c) for c in jar}
    assert kept["local"].domain == "localhost" and kept["local"].host_only
    assert kept["dom"].domain == "example.com" and not kept["dom"].host_only


def test_validators_make_the_request_conditional():
    assert Validators('"abc"', "Mon, 01 Jan 2026 00:00:00 GMT").headers() == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Mon, 01 Jan 2026 00:00:00 GMT",
    }
    assert not Validators()


def test_signals_that_send_a_page_to_the_browser():
    text = "<p>" + "Plenty of server-rendered text here. " * 20 + "</p>"
    assert js_signals(f"<html><body><main>{text}</main></body></html>").needs_browser is None
    assert js_signals('<body><div id="root"></div><script src="/app.js"></script></body>').needs_browser == EMPTY_SHELL
    noscript = f"<body>{text}<noscript>Please enable JavaScript to use this app.</noscript><script></script></body>"
    assert "noscript" in (js_signals(noscript).needs_browser or "")
    assert "little text" in (
        js_signals(
            "<body><p>Hello there, reader, and welcome to this short page.</p><script>x()</script></body>"
        ).needs_browser
        or ""
    )
    assert "frames" in (js_signals(f'<body>{text}<iframe src="/inner"></iframe></body>').needs_browser or "")
    custom = f"<body>{text}<lantern-card></lantern-card><script>define()</script></body>"
    assert "custom elements" in (js_signals(custom).needs_browser or "")
    shadow = f'<body>{text}<div><template shadowrootmode="open"><p>x</p></template></div></body>'
    assert "shadow" in (js_signals(shadow).needs_browser or "")
    next_page = f'<body><div id="__next">{text}</div><script id="__NEXT_DATA__">{{}}</script><script></script></body>'
    server_rendered = js_signals(next_page)  # checked, not forced
    assert (server_rendered.needs_browser, server_rendered.framework) == (None, True)


def test_only_a_page_with_something_that_could_change_its_text_is_sampled_in_the_browser():
    text = "<p>" + "Plenty of server-rendered text here. " * 20 + "</p>"
    assert not js_signals(f"<html><head><style>p {{}}</style></head><body>{text}</body></html>").scripted
    assert not js_signals(f"<body>{text}<p>Click on = here, or ignore it</p></body>").scripted
    for runs in (
        f"<body>{text}<script src='/docs.js'></script></body>",
        f'<body onload="document.body.textContent = 1">{text}</body>',
        f'<body>{text}<img src="x.png" onerror="this.after(1)"></body>',
        f'<?xml-stylesheet type="text/xsl" href="page.xsl"?><body>{text}</body>',
        f"<body>{text}<noscript>Old browser</noscript></body>",
    ):
        assert js_signals(runs).scripted, runs
    decisions = RenderDecisions()
    plain = [decisions.sample(f"https://a.example/p{i}", framework=False, scripted=False) for i in range(3)]
    assert plain == [False, False, False]
    # The host's first page that could differ is still among its first samples.
    assert decisions.in_first_samples("https://a.example/scripted")
    assert decisions.sample("https://a.example/scripted", framework=False, scripted=True)


def test_a_rendered_page_differs_when_it_links_further_or_says_much_more():
    words = " ".join(f"word{i}" for i in range(100))
    assert compare(words, ["https://a/x"], words + " tiny", ["https://a/x"]) is None
    more_links = compare(words, ["https://a/x"], words, ["https://a/x", "https://a/y"])
    assert more_links is not None and more_links.missing_links == ("https://a/y",)
    extra = " ".join(f"new{i}" for i in range(30))
    more_text = compare(words, [], words + " " + extra, [])
    assert more_text is not None and more_text.extra_words == 30 and "30 of its 130 words" in more_text.describe()


def test_each_host_is_sampled_then_checked_now_and_then_and_switches_once():
    decisions = RenderDecisions()
    sampled = [decisions.sample("https://a.example/p", framework=False) for _ in range(2 * SAMPLE_EVERY)]
    assert sampled[:FIRST_SAMPLES] == [True] * FIRST_SAMPLES
    assert sum(sampled) == FIRST_SAMPLES + 2
    assert decisions.sample("https://b.example/p", framework=False)  # another host starts its own sample
    assert decisions.switch_to_browser("https://a.example/q", "why")
    assert not decisions.switch_to_browser("https://a.example/r", "again")
    assert decisions.browser_reason("https://a.example/other") == "why"
    assert decisions.browser_reason("https://b.example/") is None


def test_a_page_is_read_from_its_html_as_the_browser_reads_it():
    html = (
        '<html lang="de"><head><title> Seite  eins </title><base href="/docs/">'
        '<meta name="Description" content="About it"><link rel="Canonical" href="eins">'
        '</head><body><a href="zwei">2</a><a href="#top">top</a><map><area href="/drei"></map>'
        '<input type="PASSWORD"></body></html>'
    )
    page = read_html(html, "https://x.example/a", "https://x.example/b/c", 200, "text/html")
    assert (page.title, page.description, page.language) == ("Seite eins", "About it", "de")
    assert page.canonical == "https://x.example/docs/eins"
    assert page.links == ["https://x.example/docs/zwei", "https://x.example/docs/#top", "https://x.example/drei"]
    assert page.has_password_field and page.rendered_by == "http"
    assert decode_html("caf\xe9".encode("latin-1"), "iso-8859-1") == "café"
    assert decode_html(b'<meta charset="windows-1252"><p>\x93q\x94', None).endswith("\u201cq\u201d")


def test_small_text_differences_do_not_count():
    """Chrome or a detail (under a tenth of the page and under 500 words) is no reason to use the browser."""
    page = " ".join(f"word{i}" for i in range(2819))
    assert compare(page, [], page + " " + " ".join(f"new{i}" for i in range(205)), []) is None  # 7 % (issue 20)
    short = " ".join(f"word{i}" for i in range(100))
    assert compare(short, [], short + " " + " ".join(f"new{i}" for i in range(20)), []) is None  # under 25 words
    tenth = compare(short, [], short + " " + " ".join(f"new{i}" for i in range(25)), [])
    assert tenth is not None and tenth.extra_words == 25  # a fifth of a short page
    long_page = " ".join(f"word{i}" for i in range(6000))
    much = compare(long_page, [], long_page + " " + " ".join(f"new{i}" for i in range(500)), [])
    assert much is not None and much.extra_words == 500  # 8 % of a long page, but a section's worth of words


def test_links_to_the_page_itself_or_its_anchors_do_not_count():
    page = "https://a/docs/download.html"
    difference = compare("", [], "", [page, "https://a/docs/other.html"])
    assert difference is not None
    left = difference.without_own_links([page], "")
    assert left is not None and left.missing_links == ("https://a/docs/other.html",)
    assert difference.without_own_links(["https://a/docs/download"], "") == difference  # another URL, another page
    self_only = compare("", [], "", [page, page + "#top"])
    assert self_only is not None and self_only.without_own_links([page], "") is None
    # A hash-routed app: its own heading's anchor is the page; another route is another page.
    app = "https://a/app/#/guide"
    routed = compare("", [], "", [app + "?id=install", "https://a/app/#/api"])
    assert routed is not None
    left = routed.without_own_links([app], '<h2 id="install">Install</h2>')
    assert left is not None and left.missing_links == ("https://a/app/#/api",)
