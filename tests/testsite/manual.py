"""A generated manual as DocBook and AsciiDoc write it: XHTML pages that start with an XML declaration.

lxml refuses a ``str`` that carries an encoding declaration; crawlers that parse the decoded text
lose every such page. ``/manual/`` links three chapters: one served as text/html, one declaring
ISO-8859-1 (and encoded so, with no charset in the header), one served as application/xhtml+xml.
"""

from __future__ import annotations

import re

from .behaviours import not_found
from .core import Request, Response, Route, route

XHTML_TYPE = "application/xhtml+xml"

CHAPTERS = {
    "index.html": ("The Harbour Manual", "tidal almanac", ("ch01.html", "ch02.html", "appendix.xhtml")),
    "ch01.html": ("Chapter 1. Moorings", "brass sextant", ("index.html", "ch02.html")),
    "ch02.html": ("Chapter 2. Köln Charts", "lantern cartographer", ("index.html", "appendix.xhtml")),
    "appendix.xhtml": ("Appendix A. Signals", "copper astrolabe", ("index.html",)),
}
LATIN1_PAGE = "ch02.html"  # declares and uses ISO-8859-1


def _xhtml(name: str) -> tuple[str, str]:
    title, phrase, links = CHAPTERS[name]
    encoding = "ISO-8859-1" if name == LATIN1_PAGE else "UTF-8"
    items = "".join(f'<li><a href="{href}">{CHAPTERS[href][0]}</a></li>' for href in links)
    text = (
        f'<?xml version="1.0" encoding="{encoding}" standalone="no"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>'
        f"{title}</title>"
        '<meta name="generator" content="DocBook XSL Stylesheets" /><link rel="icon" href="data:," /></head>'
        f'<body><div class="chapter"><div class="titlepage"><h1 class="title">{title}</h1></div>'
        f"<p>This part of the manual keeps the {phrase} in its place. "
        "Every vessel entering the harbour reads it before her lines are made fast.</p>"
        f'<ul class="toc">{items}</ul></div></body></html>'
    )
    return text, encoding


def manual_page(req: Request, match: re.Match[str]) -> Response:
    name = match[1] or "index.html"
    if name not in CHAPTERS:
        return not_found(req)
    text, encoding = _xhtml(name)
    if name.endswith(".xhtml"):
        return Response(200, text.encode("utf-8"), XHTML_TYPE)
    if encoding == "UTF-8":
        return Response(200, text.encode("utf-8"), "text/html; charset=utf-8")
    return Response(200, text.encode("latin-1"), "text/html")  # the declaration alone names the charset


ROUTES: list[Route] = [route(r"/manual/([\w.]*)", manual_page)]
