"""/secret-links/: pages whose addresses and links carry credentials in their query (issue 21, item 3).

A crawl started at ``START_PATH`` (the start URL holds ``?token=…&api_key=…&sessionid=…``) stores
the start page and ``/secret-links/next?…`` under URLs holding the secrets; the start page's body
has them in Markdown links (relative and absolute), in a bare URL in its text and in a link
inside a code sample. Every secret value contains ``SECRET_MARK``: no answer or export may.
"""

from __future__ import annotations

import re

from .core import Request, Response, Route, html_response, route
from .layout import esc, page

SECRET_MARK = "s3cr3t"
TOKEN, API_KEY, SESSION_ID = "tok-s3cr3t-41", "key-s3cr3t-42", "sid-s3cr3t-43"
SECRET_QUERY = f"token={TOKEN}&api_key={API_KEY}&sessionid={SESSION_ID}"
MASKED_QUERY = "token=***&api_key=***&sessionid=***"
START_PATH = f"/secret-links/?{SECRET_QUERY}"
NEXT_PATH = f"/secret-links/next?{SECRET_QUERY}&page=2"
PHRASE = "ptarmigan lantern"  # on the start page only
FEED = f"https://feeds.example.com/harbour?{SECRET_QUERY}"  # in the start page's text, not a link


def start_page(req: Request, match: re.Match[str]) -> Response:
    absolute = f"{req.state.base_url}/secret-links/next?access_token={TOKEN}&apikey={API_KEY}&page=3"
    main = (
        "<h1>Secret links</h1>\n"
        f"<p>The {PHRASE} page links on with its visitor's credentials, as a careless portal does.</p>\n"
        f'<p>Go to <a href="{esc(NEXT_PATH)}">the next page</a> or '
        f'<a href="{esc(absolute)}">the third page</a>.</p>\n'
        f"<p>Reader feed: paste {esc(FEED)} into your reader.</p>\n"
        f"<pre><code>curl '{esc(FEED)}'</code></pre>\n"
    )
    return html_response(page("Secret links", main))


def next_page(req: Request, match: re.Match[str]) -> Response:
    main = (
        "<h1>Secret links, next</h1>\n<p>The page after the lantern, reached with the token in its address.</p>\n"
        f'<p><a href="{esc(START_PATH)}">Back</a></p>\n'
    )
    return html_response(page("Secret links, next", main))


ROUTES: list[Route] = [route(r"/secret-links/", start_page), route(r"/secret-links/next", next_page)]
