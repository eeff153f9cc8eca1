"""Every reader of a page parses what servers really send: an XML declaration first (DocBook and
AsciiDoc XHTML), any bytes at all (a property test), and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quaero_desktop.crawler.app_shell import signals_from_html
from quaero_desktop.crawler.html_tree import parse_html
from quaero_desktop.crawler.http.fetcher import decode_html
from quaero_desktop.crawler.http.html_page import read_html
from quaero_desktop.crawler.js_signals import js_signals
from quaero_desktop.crawler.login_form import LoginMarkers, login_evidence
from quaero_desktop.crawler.markdown import html_to_markdown
from quaero_desktop.crawler.page_directives import robots_directives
from quaero_desktop.engine.run.not_found_pages import kind_of

URL = "http://docs.example.com/manual/ch01.html"
MARKERS = LoginMarkers(logged_in="#user-menu", logged_out="form.login, input[type=password]")


def _docbook_page(encoding: str, body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}" standalone="no"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter 1. Getting Started</title>'
        '<meta name="robots" content="index, follow" /><link rel="next" href="ch02.html" /></head>'
        f'<body><div class="chapter"><h1>Chapter 1. Getting Started</h1><p>{body}</p>'
        '<p><a href="ch02.html">Next</a> <a href="sect1.html" rel="nofollow">Section</a></p></div></body></html>'
    )


def test_pages_with_an_xml_declaration_are_read_on_every_path() -> None:
    for encoding in ("UTF-8", "ISO-8859-1", "utf-16", "no-such-encoding"):
        html = _docbook_page(encoding, "Grüße aus Köln — the quick start")
        page = read_html(html, URL, URL, 200, "application/xhtml+xml")
        assert page.title == "Chapter 1. Getting Started"
        assert page.links == ["http://docs.example.com/manual/ch02.html"]
        assert page.nofollow_links == ("http://docs.example.com/manual/sect1.html",)
        assert js_signals(html).needs_browser is None  # no scripts: read from its HTML
        assert signals_from_html(html).text_chars > 20
        converted = html_to_markdown(html, URL)
        assert converted.title == "Chapter 1. Getting Started"
        assert "Grüße aus Köln — the quick start" in converted.markdown
        assert login_evidence(html, MARKERS).logged_out is True  # no #user-menu: the markers say logged out


def test_the_bytes_of_a_page_decode_by_the_header_then_its_meta_then_its_xml_declaration_then_utf8() -> None:
    latin = _docbook_page("ISO-8859-1", "caf\u00e9").encode("latin-1")
    assert "café" in decode_html(latin, None)  # the XML declaration says latin-1
    assert "café" in decode_html(latin.replace(b"<head>", b'<head><meta charset="latin-1">'), "bogus")
    utf8 = _docbook_page("UTF-8", "caf\u00e9").encode("utf-8")
    assert "café" in decode_html(utf8, None) and "café" in decode_html(utf8, "utf-8")
    assert "café" in decode_html(b"<p>caf\xc3\xa9</p>", None)


def test_nothing_to_parse_gives_no_tree_and_control_characters_are_dropped() -> None:
    assert parse_html("") is None and parse_html(" \n ") is None and parse_html("<?xml version='1.0'?>") is None
    root = parse_html("<p>a\x00b\x0cc</p>")
    assert root is not None and "".join(root.itertext()) == "abc"


_markup = st.lists(
    st.one_of(
        st.sampled_from(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                "<!DOCTYPE html>",
                "<html>",
                "<head>",
                "<title>",
                "</title>",
                '<meta name="robots" content="noindex">',
                '<meta charset="latin-1">',
                '<link rel="canonical" href="http://[::1">',
                '<base href="javascript:x">',
                '<a href="../a b" rel="nofollow">',
                "</a>",
                '<input type="password">',
                '<input type=PASSWORD autocomplete="new-password">',
                "<form>",
                "</form>",
                "<script>",
                "</script>",
                "<noscript>enable JavaScript</noscript>",
                '<div id="app">',
                "<main>",
                "<h1>",
                "<pre>",
                "<template shadowrootmode=open>",
                "<iframe src=x>",
                "<p>",
                "&amp;",
                "&#0;",
                "<",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=2000), charset=st.sampled_from([None, "utf-8", "latin-1", "utf-16", "bogus"]))
def test_any_bytes_are_read_by_every_parser_without_an_error(raw: bytes, charset: str | None) -> None:
    _read_everywhere(decode_html(raw, charset))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=_markup)
def test_any_markup_is_read_by_every_parser_without_an_error(html: str) -> None:
    _read_everywhere(html)


def _read_everywhere(html: str) -> None:
    page = read_html(html, URL, URL, 200, "text/html", "noindex\ngooglebot: nofollow")
    assert "noindex" in page.robots
    js_signals(html)
    signals_from_html(html)
    converted = html_to_markdown(html, URL)
    assert converted.markdown == "" or converted.markdown.endswith("\n")
    login_evidence(html)
    login_evidence(html, MARKERS)
    robots_directives([html])
    kind_of(URL + "?" + html[:50])
