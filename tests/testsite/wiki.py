"""A wiki behind a login, as DokuWiki serves one (``/wiki/doku.php?id=PAGE``): what a crawl of a real
wiki meets, in a few pages (issue 17; benchmarks/real_wiki.py checks the real DokuWiki).

* Reading needs the test site's session (``/login``). Without one, every URL answers **200** at the
  same address with "Permission Denied … You are currently not logged in!" and a login form
  (``noindex,nofollow``) — an expired session looks like that.
* A page links its wiki pages (``wikilink1``), a page that does not exist (``wikilink2``,
  ``rel="nofollow"``), and its actions — edit, old revisions, backlinks, recent changes, media
  manager, sitemap, profile, admin, log out — all ``rel="nofollow"``; action pages (``&do=…``) say
  ``noindex,nofollow``; a page says ``index,follow`` and names ``doku.php?id=PAGE`` as canonical.
* The header's "Trace" lists the session's last visited pages (it changes with every request), and
  every answer sets a cookie, so a browser asks for a page again itself and sees another trace.
* A page that does not exist answers **200** "This topic does not exist yet", one removed with
  ``site.remove_wiki_page(id)`` **200** "This page does not exist anymore" (both ``noindex,follow``):
  soft 404s. The start page names the wiki's root ``/wiki/`` as canonical; the root redirects back.
"""

from __future__ import annotations

import re
from html import escape

from .core import Request, Response, Route, html_response, redirect, route

WIKI_PATH = "/wiki/doku.php"

# id -> (title, phrase, linked page ids)
PAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "start": ("Team Wiki", "heron timetable", ("guide", "howto", "faq", "team:start")),
    "guide": ("Writing Guide", "vermilion quill", ("start", "howto")),
    "howto": ("How To Deploy", "granite pipeline", ("start", "guide", "faq")),
    "faq": ("Questions", "puzzled lynx", ("start", "team:start")),
    "team:start": ("The Team", "rowing octet", ("start", "team:oncall")),
    "team:oncall": ("On Call", "midnight pager", ("team:start",)),
}
MISSING_LINK = "roadmap"  # linked from every page as a page that does not exist yet
ACTIONS = ("edit", "revisions", "backlink")  # page tools
SITE_ACTIONS = ("recent", "media", "index")  # site tools
NOT_FOUND_TEXT = "This topic does not exist yet"


def _href(page_id: str, action: str = "", **extra: str) -> str:
    query = f"id={page_id}" + (f"&amp;do={action}" if action else "")
    query += "".join(f"&amp;{key}={value}" for key, value in extra.items())
    return f"{WIKI_PATH}?{query}"


def _document(req: Request, page_id: str, *, title: str, robots: str, main: str, logged_in: bool) -> str:
    # Like DokuWiki: the start page names the wiki's root as canonical, and the root redirects back to it.
    target = "/wiki/" if page_id == "start" else f"{WIKI_PATH}?id={page_id}"
    canonical = f'<link rel="canonical" href="{req.state.base_url}{target}"/>' if robots == "index,follow" else ""
    if logged_in:
        user_tools = (
            f'<li class="user">Logged in as: <bdi>{escape(req.user or "")}</bdi></li>'
            f'<li><a href="{_href(page_id, "profile")}" rel="nofollow">Update Profile</a></li>'
            f'<li><a href="{_href(page_id, "admin")}" rel="nofollow">Admin</a></li>'
            f'<li><a href="{_href(page_id, "logout", sectok="c0ffee")}" rel="nofollow">Log Out</a></li>'
        )
    else:
        user_tools = f'<li><a href="{_href(page_id, "login")}" rel="nofollow">Log In</a></li>'
    site_tools = "".join(
        f'<li><a href="{_href(page_id, action)}" rel="nofollow">{action.title()}</a></li>' for action in SITE_ACTIONS
    )
    shown = logged_in and robots == "index,follow"  # like DokuWiki: only pages that exist, shown, join the trace
    trace = " • ".join(
        f'<bdi><a href="{WIKI_PATH}?id={visited}" class="breadcrumbs">{visited.rsplit(":", 1)[-1]}</a></bdi>'
        for visited in req.state.wiki_trace(req.session_token, page_id if shown else None)
    )
    # Like DokuWiki: a page that exists says when it changed last; the login form and a missing page say nothing.
    doc_info = f"{escape(page_id.replace(':', '/'))}.txt · Last modified: 2026/11/02 10:00" if shown else ""
    page_tools = "".join(
        f'<li><a href="{_href(page_id, action)}" rel="nofollow">{action.title()}</a></li>' for action in ACTIONS
    )
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8" />\n'
        f"<title>{escape(page_id)} [Team Wiki]</title>\n"
        f'<meta name="generator" content="DokuWiki"/>\n<meta name="robots" content="{robots}"/>\n{canonical}\n'
        '<link rel="icon" href="data:,">\n</head>\n<body>\n<div id="dokuwiki__site">\n'
        f'<header id="dokuwiki__header"><h1 class="logo"><a href="{WIKI_PATH}?id=start">Team Wiki</a></h1>\n'
        f'<div id="dokuwiki__usertools"><ul>{user_tools}</ul></div>\n'
        f'<div id="dokuwiki__sitetools"><ul>{site_tools}</ul></div>\n'
        f'<div class="breadcrumbs"><div class="trace"><span class="bchead">Trace:</span> {trace}</div></div>\n'
        f'</header>\n<main id="dokuwiki__content"><div class="pageId"><span>{escape(page_id)}</span></div>\n'
        f'<div class="page group">\n{main}\n</div>\n'
        f'<div class="docInfo">{doc_info}</div>\n'
        f'</main>\n<nav id="dokuwiki__pagetools"><ul>{page_tools}</ul></nav>\n'
        '<footer id="dokuwiki__footer"><div class="license">Licensed CC BY-SA 4.0</div></footer>\n</div>\n'
        "</body>\n</html>\n"
    )


def _page_body(page_id: str) -> str:
    title, phrase, links = PAGES[page_id]
    items = "".join(
        f'<li><a href="{WIKI_PATH}?id={link}" class="wikilink1" title="{link}">{PAGES[link][0]}</a></li>'
        for link in links
    )
    return (
        f'<h1>{escape(title)}</h1>\n<div class="level1"><p>This page keeps the {phrase} of the team. '
        "Everyone may read it once signed in; edits go through the usual review.</p>\n"
        f"<ul>{items}</ul>\n<p>Still to write: "
        f'<a href="{WIKI_PATH}?id={MISSING_LINK}" class="wikilink2" title="{MISSING_LINK}" rel="nofollow">'
        "the roadmap</a>.</p></div>"
    )


_LOGIN_FORM = (
    '<h1>Permission Denied</h1>\n<div class="level1"><p>Sorry, you don&#039;t have enough rights to continue.'
    "</p></div>\n"
    '<h1>Login</h1>\n<div class="level1"><p>You are currently not logged in! Enter your authentication credentials '
    "below to log in. You need to have cookies enabled to log in.</p></div>\n"
    '<form id="dw__login" action="/login" method="post"><fieldset><legend>Log In</legend>'
    '<label>Username <input name="username" type="text"></label>'
    '<label>Password <input name="password" type="password"></label>'
    '<button type="submit">Log In</button></fieldset></form>'
)
_REMOVED = (
    '<h1>This page does not exist anymore</h1>\n<div class="level1"><p>You&#039;ve followed a link to a page that no '
    "longer exists. You can check the list of old revisions to see when and why it was deleted, access old "
    "revisions or restore it.</p></div>"
)
_NOT_FOUND = (
    f'<h1>{NOT_FOUND_TEXT}</h1>\n<div class="level1"><p>You&#039;ve followed a link to a topic that doesn&#039;t '
    "exist yet. If permissions allow, you may create it by clicking on “Create this page”.</p></div>"
)


def wiki(req: Request, _: re.Match[str]) -> Response:
    page_id = req.query.get("id", "start") or "start"
    action = req.query.get("do", "")
    cookie = [("Set-Cookie", f"wiki_visits={req.state.wiki_visit()}; Path=/wiki/; HttpOnly")]
    if req.user is None:  # (asked after wiki_visit: an expiry due now applies to this request)
        text = _document(req, page_id, title="Login", robots="noindex,nofollow", main=_LOGIN_FORM, logged_in=False)
        return html_response(text, headers=cookie)
    if action:
        main = f"<h1>{escape(action.title())}: {escape(page_id)}</h1>\n<p>The {escape(action)} view of this page.</p>"
        robots = "noindex,nofollow"
    elif page_id in PAGES and not req.state.wiki_removed(page_id):
        main, robots = _page_body(page_id), "index,follow"
    elif page_id in PAGES:  # deleted: another text than a page that never was
        main, robots = _REMOVED, "noindex,follow"
    else:
        main, robots = _NOT_FOUND, "noindex,follow"
    return html_response(
        _document(req, page_id, title=page_id, robots=robots, main=main, logged_in=True), headers=cookie
    )


def wiki_root(_req: Request, _: re.Match[str]) -> Response:
    return redirect(f"{WIKI_PATH}?id=start", 302)


ROUTES: list[Route] = [route(re.escape(WIKI_PATH), wiki), route("/wiki/", wiki_root)]
