"""/apiref/: an API reference rendered by JavaScript, as Swagger UI, Redoc and home-made portals draw one.

One HTML page whose script fetches the API's description (/apiref/openapi.json) and renders every
operation: a collapsible header (a ``<button>`` holding the method badge, the path and the summary),
then the description, the parameters, the responses with their codes ("404 Not found") and JSON
samples drawn as rows of elements, behind tabs ("Response samples: 200 | 404"). Each tag is drawn the
way one kind of app draws it, so no rule fits one app only:

* ``boats`` as Swagger UI: a collapsed operation's body is not in the DOM; its deep link expands it.
  The sample is a ``<pre>`` whose lines are ``<span class="token-line">`` without line breaks.
* ``crews`` as Redoc: every body is in the DOM; a response's details hide behind its button (``200 OK``
  in the button), the samples are ARIA tabs with hidden panels and a JSON tree of ``ul``/``li`` rows.
* ``harbours`` as a home-made portal: accordions without ARIA (``display: none`` bodies), a
  ``<details>`` for the request body, tabs that are plain buttons, code rows with line numbers.

Routes, as Redoc's: ``#/tag/NAME`` scrolls to a tag, ``#/operations/ID`` expands and scrolls to an
operation; every route renders the whole reference. A sidebar menu (method badge glued to its label),
"Authorize" (opens a hidden dialog), "Try it out", "Copy", "Expand all" buttons are not content.
See README.md.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from .core import Request, Response, Route, html_response, json_response, route
from .layout import document

SPEC_DELAY_S = 0.08  # the API description arrives after the page


@dataclass(frozen=True)
class Operation:
    id: str
    tag: str
    method: str
    path: str
    summary: str
    description: str  # holds a phrase no other page has
    responses: tuple[tuple[str, str], ...]  # (code, reason)
    sample: dict[str, object]  # the first response's JSON sample


def _error(code: int, message: str) -> dict[str, object]:
    return {"code": code, "message": message}


_BOAT = {"boatId": 7, "name": "Gull", "length": 9.5, "moored": True, "crew": ["Ada", "Brann"]}
_CREW = {"crewId": 3, "name": "Night shift", "members": [{"name": "Ada", "role": "skipper"}], "boatId": None}
_TIDES = {"high": "06:12", "low": "12:30"}
_HARBOUR = {"harbourId": "kelp-bay", "berths": 40, "tides": _TIDES}

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "listBoats", "boats", "GET", "/boats", "List boats",
        "Returns every boat moored in the harbour, newest first: a barnacle ledger of hulls.",
        (("200", "OK"), ("401", "Unauthorized")), {"boats": [_BOAT], "total": 1},
    ),
    Operation(
        "createBoat", "boats", "POST", "/boats", "Register a boat",
        "Registers a new boat with its name and length; the harbour master stamps a saltwater passport.",
        (("201", "Created"), ("400", "Bad request"), ("409", "Conflict")), _BOAT,
    ),
    Operation(
        "getBoat", "boats", "GET", "/boats/{boatId}", "Get a boat",
        "Returns one boat by its id, with the crew aboard and its mooring like a lighthouse almanac.",
        (("200", "OK"), ("404", "Not found")), _BOAT,
    ),
    Operation(
        "deleteBoat", "boats", "DELETE", "/boats/{boatId}", "Remove a boat",
        "Removes a boat that left for good; its berth turns into a driftwood vacancy at once.",
        (("204", "No content"), ("404", "Not found")), {"boatId": 7, "removed": True},
    ),
    Operation(
        "listCrews", "crews", "GET", "/crews", "List crews",
        "Returns the crews on the roster, each with its members and a whistling cormorant schedule.",
        (("200", "OK"), ("401", "Unauthorized")), {"crews": [_CREW]},
    ),
    Operation(
        "getCrew", "crews", "GET", "/crews/{crewId}", "Get a crew",
        "Returns one crew by its id, members in order of rank, written in a tarnished logbook.",
        (("200", "OK"), ("404", "Not found")), _CREW,
    ),
    Operation(
        "updateCrew", "crews", "PUT", "/crews/{crewId}", "Replace a crew",
        "Replaces a crew's name and members at once, like a brass porthole swapped in the dock.",
        (("200", "OK"), ("400", "Bad request"), ("404", "Not found")), _CREW,
    ),
    Operation(
        "assignCrew", "crews", "PATCH", "/crews/{crewId}/boat", "Assign a crew to a boat",
        "Puts a crew aboard a boat; a crew sails one boat at a time under a velvet spinnaker.",
        (("200", "OK"), ("404", "Not found"), ("422", "Unprocessable entity")), {**_CREW, "boatId": 7},
    ),
    Operation(
        "listHarbours", "harbours", "GET", "/harbours", "List harbours",
        "Returns every harbour of the coast with its berths, charted by a patient pelican survey.",
        (("200", "OK"),), {"harbours": [_HARBOUR]},
    ),
    Operation(
        "getTides", "harbours", "GET", "/harbours/{harbourId}/tides", "Get the tide table",
        "Returns today's high and low tides, as read from the copper tide gauge on the pier.",
        (("200", "OK"), ("404", "Not found")), _TIDES,
    ),
    Operation(
        "bookBerth", "harbours", "POST", "/harbours/{harbourId}/berths", "Book a berth",
        "Books a free berth for a boat for some nights; the quay keeps an amber lantern lit for it.",
        (("201", "Created"), ("409", "Conflict")), {"berthId": 12, "harbourId": "kelp-bay", "nights": 3},
    ),
    Operation(
        "cancelBerth", "harbours", "DELETE", "/harbours/{harbourId}/berths/{berthId}", "Cancel a berth booking",
        "Cancels a booking before the boat arrives, and the mooring ropes coil back onto the granite bollard.",
        (("204", "No content"), ("404", "Not found")), {"berthId": 12, "cancelled": True},
    ),
)  # fmt: skip
TAGS: dict[str, str] = {
    "boats": "Boats moored in the harbour.",
    "crews": "The crews who sail them.",
    "harbours": "Harbours along the coast, their tides and berths.",
}
# In the crews and harbours tags every operation's body is in the DOM on every route; a boats
# operation's body only on its own deep link (#/operations/ID), as Swagger UI renders them.
BODY_ON_EVERY_ROUTE = frozenset(op.id for op in OPERATIONS if op.tag != "boats")
PHRASE = "quayside reference"  # on every route, in the introduction


def _sample(op: Operation, code: str) -> dict[str, object]:
    return op.sample if code == op.responses[0][0] else _error(int(code), f"{dict(op.responses)[code]}.")


def spec() -> dict[str, object]:
    """The API's description as the page's script reads it."""
    return {
        "title": "Harbour API",
        "version": "1.4.0",
        "intro": f"The {PHRASE} of the Harbour API: boats, crews and harbours.",
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "operations": [
            {
                "id": op.id,
                "tag": op.tag,
                "method": op.method,
                "path": op.path,
                "summary": op.summary,
                "description": op.description,
                "parameters": re.findall(r"\{(\w+)\}", op.path),
                "responses": [{"code": c, "reason": r, "sample": _sample(op, c)} for c, r in op.responses],
            }
            for op in OPERATIONS
        ],
    }


_SCRIPT = r"""
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;');
let SPEC = null;
function route() {
  const m = location.hash.match(/^#\/(tag|operations)\/([\w-]+)/);
  return m ? {kind: m[1], name: m[2]} : {kind: '', name: ''};
}
// Swagger UI: a pre whose lines are spans (display: block), no line breaks between them.
function tokenLines(value) {
  return '<pre class="microlight"><code class="language-json">' + JSON.stringify(value, null, 2).split('\n')
    .map((line) => `<span class="token-line">${esc(line)}</span>`).join('') + '</code></pre>';
}
// Redoc: a JSON tree, one list item per property.
function jsonTree(value, last) {
  const comma = last ? '' : '<span class="token punctuation">,</span>';
  if (value === null || typeof value !== 'object') {
    const kind = typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'boolean';
    return `<span class="token ${kind}">${esc(JSON.stringify(value))}</span>${comma}`;
  }
  const array = Array.isArray(value);
  const entries = array ? value.map((v, i) => [null, v]) : Object.entries(value);
  const items = entries.map(([key, v], i) => '<li><div class="hoverable">'
    + (key === null ? '' : `<span class="property token string">"${esc(key)}"</span>: `)
    + jsonTree(v, i === entries.length - 1) + '</div></li>').join('');
  return '<button class="collapser" aria-label="collapse"></button>'
    + `<span class="token punctuation">${array ? '[' : '{'}</span><span class="ellipsis"></span>`
    + `<ul class="${array ? 'array' : 'obj'} collapsible">${items}</ul>`
    + `<span class="token punctuation">${array ? ']' : '}'}</span>${comma}`;
}
// A home-made viewer: one div per line, a line number in front.
function numberedLines(value) {
  return '<div class="code-viewer" data-lang="json">' + JSON.stringify(value, null, 2).split('\n')
    .map((line, i) => `<div class="code-row"><span class="gutter">${i + 1}</span>`
      + `<span class="code-text" style="white-space: pre">${esc(line)}</span></div>`).join('') + '</div>';
}
function parameters(op) {
  if (!op.parameters.length) return '';
  const rows = op.parameters.map((p) => `<tr><td class="parameter__name">${p}<span class="required">*</span></td>`
    + '<td>integer (path)</td></tr>').join('');
  return `<h4>Parameters</h4><table class="parameters"><tbody>${rows}</tbody></table>`;
}
function swaggerOp(op, open) {
  let html = `<div class="opblock opblock-${op.method.toLowerCase()}${open ? ' is-open' : ''}" id="operations-${op.id}">`
    + '<div class="opblock-summary">'
    + `<button class="opblock-summary-control" aria-expanded="${open}">`
    + `<span class="opblock-summary-method">${op.method}</span>`
    + `<span class="opblock-summary-path"><a class="nostyle" href="#/operations/${op.id}"><span>${esc(op.path)}</span></a></span>`
    + `<div class="opblock-summary-description">${esc(op.summary)}</div></button>`
    + '<button class="copy-to-clipboard" title="Copy to clipboard"><svg><title>Copy</title></svg></button>'
    + '<button class="authorization__btn" aria-label="authorization button unlocked"><svg></svg></button></div>';
  if (open) {
    const rows = op.responses.map((r) => `<tr class="response"><td class="response-col_status">${r.code}</td>`
      + `<td class="response-col_description"><div class="markdown"><p>${esc(r.reason)}</p></div>`
      + `<div class="highlight-code">${tokenLines(r.sample)}</div></td></tr>`).join('');
    html += `<div class="opblock-body"><div class="opblock-description-wrapper"><div class="markdown"><p>${esc(op.description)}</p></div></div>`
      + '<div class="opblock-section-header"><button class="btn try-out__btn">Try it out</button></div>'
      + parameters(op)
      + '<div class="responses-wrapper"><h4>Responses</h4><table class="responses-table"><thead><tr class="responses-header">'
      + `<td class="col_header">Code</td><td class="col_header">Description</td></tr></thead><tbody>${rows}</tbody></table></div></div>`;
  }
  return html + '</div>';
}
function redocOp(op, open) {
  const responses = op.responses.map((r) => `<button class="response-title ${r.code < 300 ? 'success' : 'error'}" `
    + `aria-expanded="${open}"><svg></svg><strong>${r.code} </strong><div><p>${esc(r.reason)}</p></div></button>`
    + `<div class="response-detail"${open ? '' : ' hidden'}><p>Response schema: application/json</p></div>`).join('');
  const tabs = op.responses.map((r, i) => `<li role="tab" id="tab-${op.id}-${r.code}" aria-controls="panel-${op.id}-${r.code}" `
    + `aria-selected="${i === 0}" class="tab-${r.code < 300 ? 'success' : 'error'}">${r.code}</li>`).join('');
  const panels = op.responses.map((r, i) => `<div role="tabpanel" id="panel-${op.id}-${r.code}"${i === 0 ? '' : ' hidden'}>`
    + '<div class="json-sample-toolbar"><button>Copy</button><button>Expand all</button><button>Collapse all</button></div>'
    + `<div class="redoc-json"><code>${jsonTree(r.sample, true)}</code></div></div>`).join('');
  return `<div class="operation" id="operation/${op.id}" data-section-id="operation/${op.id}"><div class="middle-panel">`
    + `<h2><a class="share-link" href="#/operations/${op.id}"></a>${esc(op.summary)}</h2>`
    + `<div class="endpoint-wrapper"><button class="endpoint" aria-expanded="false"><span class="http-verb ${op.method.toLowerCase()}">`
    + `${op.method.toLowerCase()}</span><span class="endpoint-path">${esc(op.path)}</span><svg></svg></button>`
    + '<div class="servers" hidden><div class="server-item"><p>Production server</p><div>https://api.harbour.test/v1</div></div></div></div>'
    + `<div class="markdown"><p>${esc(op.description)}</p></div>` + parameters(op)
    + `<h3>Responses</h3><div class="responses">${responses}</div></div>`
    + '<div class="right-panel"><h3>Response samples</h3>'
    + `<div class="tabs"><ul class="tab-list" role="tablist">${tabs}</ul>${panels}</div></div></div>`;
}
function portalOp(op, open) {
  const shown = (yes) => yes ? '' : ' style="display: none"';
  const tabs = op.responses.map((r, i) => `<button type="button" class="tab${i === 0 ? ' active' : ''}">${r.code} ${esc(r.reason)}</button>`).join('');
  const panels = op.responses.map((r, i) => `<div class="tab-panel"${shown(i === 0)}>${numberedLines(r.sample)}</div>`).join('');
  const body = op.method === 'POST'
    ? '<details class="request-body"><summary>Request body</summary><p>Send the booking as JSON, nights at least 1.</p></details>' : '';
  return `<div class="endpoint-card" id="${op.id}"><button type="button" class="card-header">`
    + `<span class="badge badge-${op.method.toLowerCase()}">${op.method}</span><code class="route">${esc(op.path)}</code>`
    + `<span class="card-summary">${esc(op.summary)}</span></button>`
    + `<div class="card-body"${shown(open)}><p>${esc(op.description)}</p>${parameters(op)}${body}`
    + `<h4>Responses</h4><div class="tab-buttons">${tabs}</div>${panels}</div></div>`;
}
const DRAW = {boats: swaggerOp, crews: redocOp, harbours: portalOp};
function render() {
  const current = route();
  const menu = SPEC.tags.map((t) => `<li><a href="#/tag/${t.name}">${t.name}</a><ul>`
    + SPEC.operations.filter((op) => op.tag === t.name).map((op) => `<li><a href="#/operations/${op.id}">`
      + `<span class="operation-type ${op.method.toLowerCase()}">${op.method.toLowerCase()}</span>`
      + `<span class="menu-label">${esc(op.summary)}</span></a></li>`).join('') + '</ul></li>').join('');
  let html = `<div class="menu-content" role="navigation"><input type="search" placeholder="Search..."><ul role="menu">${menu}</ul></div>`
    + '<div class="api-content"><div class="api-info">'
    + `<h1>${esc(SPEC.title)} <span class="version">(${SPEC.version})</span></h1><p>${esc(SPEC.intro)}</p>`
    + '<button class="download-button">Download</button> '
    + '<button class="btn authorize" aria-haspopup="dialog" aria-controls="auth-dialog">Authorize</button></div>';
  for (const tag of SPEC.tags) {
    html += `<section class="tag-section" id="tag/${tag.name}"><h2><a class="share-link" href="#/tag/${tag.name}"></a>${tag.name}</h2>`
      + `<p>${esc(tag.description)}</p>`;
    for (const op of SPEC.operations.filter((o) => o.tag === tag.name)) {
      html += DRAW[tag.name](op, current.kind === 'operations' && current.name === op.id);
    }
    html += '</section>';
  }
  html += '</div><div class="modal" role="dialog" id="auth-dialog" hidden><h3>Available authorizations</h3>'
    + '<p>Paste your harbour key.</p><button>Close</button></div>';
  document.getElementById('redoc-container').innerHTML = html;
  const target = document.getElementById(current.kind === 'tag' ? `tag/${current.name}` : `operation/${current.name}`)
    || document.getElementById(`operations-${current.name}`) || document.getElementById(current.name);
  if (current.name && target) target.scrollIntoView();
}
window.addEventListener('hashchange', () => SPEC && render());
fetch('/apiref/openapi.json').then((r) => r.json()).then((data) => { SPEC = data; render(); });
"""  # noqa: E501 (the script's markup reads best one element a line)


def api_reference(_req: Request, _: re.Match[str]) -> Response:
    """The reference's one HTML page: an empty container its script fills."""
    body = f'<div id="redoc-container"></div>\n<script>{_SCRIPT}</script>'
    return html_response(document("Harbour API", body))


def api_spec(_req: Request, _: re.Match[str]) -> Response:
    time.sleep(SPEC_DELAY_S)
    return json_response(spec())


ROUTES: list[Route] = [
    route(r"/apiref/", api_reference),
    route(r"/apiref/openapi\.json", api_spec),
]
