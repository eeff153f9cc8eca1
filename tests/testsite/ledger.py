"""An app that paints its frame first and loads its data afterwards (/app/ledger/).

Every view of the Harbour Ledger paints the same frame while its script boots, before the load
event: a skip link, a heading, and a ``<main aria-busy="true">`` holding a "Loading…" skeleton.
Its data comes afterwards from ``/app/api/ledger?view=NAME``, the way each view's variant says:

* ``""`` (the start page): the request starts after the first paint (scheduled through a
  ``MessageChannel``, as React runs effects) and is answered after 250 ms;
* ``tides``: the request starts at once and its headers come at once, its body 400 ms later
  (data arriving late);
* ``cargo``: the first answer is a 503; the app tries again 1.1 s later (a timer longer than the
  ones the crawler waits for);
* ``manifest``: the data is fetched by a Web Worker, which hands it over in a message;
* ``stuck`` (not linked): the request never ends, so the view never gets past its frame.

Once the data is there the view replaces the skeleton with the data's heading, text and links
(the start page links the three other views, each view links a static leaf) and clears aria-busy.
See README.md for the phrases.
"""

from __future__ import annotations

import json
import re
import time

from .behaviours import not_found
from .core import Request, Response, Route, html_response, json_response, route
from .layout import document, esc

DATA_DELAY_S = 0.25  # the start page's data (and the worker's)
LATE_BODY_S = 0.4  # tides: the body's second half this long after the headers
RETRY_AFTER_MS = 1100  # cargo: the app's pause before its second request
STUCK_S = 30.0  # stuck: how long the server holds the request before giving up on it (far past any wait)

VIEWS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "": (
        "Harbour Ledger",
        "Every entry smells of brine and cinnamon.",
        [("/app/ledger/tides", "Tides"), ("/app/ledger/cargo", "Cargo"), ("/app/ledger/manifest", "Manifest")],
    ),
    "tides": ("Tide Tables", "The spring tide lifts the rusty anchor.", [("/app/ledger/leaf/tides", "Onwards")]),
    "cargo": ("Cargo Hold", "Forty barrels of saffron under the deck.", [("/app/ledger/leaf/cargo", "Onwards")]),
    "manifest": ("Manifest", "A parrot named Quartermaster signs it.", [("/app/ledger/leaf/manifest", "Onwards")]),
    "stuck": ("Stuck", "This text never arrives.", []),
}
LEAVES = ("tides", "cargo", "manifest")

# What a crawl from /app/ledger/ (include /app/ledger/) must store, with its phrases.
CRAWL_FROM_LEDGER: dict[str, tuple[str, ...]] = {
    **{f"/app/ledger/{name}": (VIEWS[name][1],) for name in ("", "tides", "cargo", "manifest")},
    **{f"/app/ledger/leaf/{name}": (f"ledgerleaf-{name}",) for name in LEAVES},
}

_FRAME = (
    '<a class="skip" href="#ledger">Skip to the ledger</a>'
    "<header><h1>Harbour Ledger</h1></header>"
    '<main id="ledger" aria-busy="true"><div class="skeleton-row">Loading…</div></main>'
)

_BOOT = """const app = document.getElementById('app');
app.innerHTML = __FRAME__;
const view = location.pathname.replace(/^\\/app\\/ledger\\/?/, '');
const show = (data) => {
  const main = document.getElementById('ledger');
  const links = data.links.map(([href, label]) => `<li><a href="${href}">${label}</a></li>`).join('');
  main.innerHTML = `<h2>${data.title}</h2><p>${data.text}</p><ul>${links}</ul>`;
  main.removeAttribute('aria-busy');
};
const request = (attempt) => fetch(`/app/api/ledger?view=${view}&attempt=${attempt}`).then((response) => {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
});
const load = (attempt) => request(attempt).then(show, () => setTimeout(() => load(attempt + 1), __RETRY__));
if (view === 'tides') {
  load(1);
} else if (view === 'manifest') {
  const worker = new Worker('/app/ledger-worker.js');
  worker.onmessage = (event) => show(event.data);
  worker.postMessage(view);
} else {
  const channel = new MessageChannel();  // after the first paint, the way React runs effects
  channel.port1.onmessage = () => load(1);
  requestAnimationFrame(() => channel.port2.postMessage(null));
}"""

_WORKER = """onmessage = (event) => {
  fetch('/app/api/ledger?view=' + event.data + '&attempt=1')
    .then((response) => response.json())
    .then((data) => postMessage(data));
};"""


def ledger_page(req: Request, match: re.Match[str]) -> Response:
    """A view of the ledger: the frame's markup comes from the script, the data afterwards."""
    if match[1] not in VIEWS:
        return not_found(req)
    script = _BOOT.replace("__FRAME__", json.dumps(_FRAME)).replace("__RETRY__", str(RETRY_AFTER_MS))
    return html_response(document("Harbour Ledger", f'<div id="app"></div>\n<script>\n{script}\n</script>'))


def ledger_worker(_req: Request, _: re.Match[str]) -> Response:
    return Response(200, _WORKER.encode("utf-8"), "text/javascript; charset=utf-8")


def ledger_api(req: Request, _: re.Match[str]) -> Response:
    """A view's data, late in the view's own way (see the module's docstring)."""
    name = req.query.get("view", "")
    if name not in VIEWS:
        return Response(404, b'{"error": "no such view"}', "application/json; charset=utf-8")
    if name == "stuck":
        time.sleep(STUCK_S)
        return Response(504, b'{"error": "gave up"}', "application/json; charset=utf-8")
    if name == "cargo" and req.query.get("attempt") == "1":
        return Response(503, b'{"error": "busy"}', "application/json; charset=utf-8")
    title, text, links = VIEWS[name]
    response = json_response({"title": title, "text": text, "links": links})
    if name == "tides":
        response.body_delay_s = LATE_BODY_S
    elif name != "cargo":
        time.sleep(DATA_DELAY_S)
    return response


def ledger_leaf(req: Request, match: re.Match[str]) -> Response:
    """A static page a ledger view links to: reaching it proves the view's data was read."""
    name = match[1]
    if name not in LEAVES:
        return not_found(req)
    body = f"<main><h1>Ledger leaf {esc(name)}</h1><p>Reached ledgerleaf-{esc(name)} from the data.</p></main>"
    return html_response(document(f"Ledger leaf {name}", body))


ROUTES: list[Route] = [
    route(r"/app/ledger/([a-z]*)", ledger_page),
    route(r"/app/ledger/leaf/([a-z]+)", ledger_leaf),
    route(r"/app/ledger-worker\.js", ledger_worker),
    route(r"/app/api/ledger", ledger_api),
]
