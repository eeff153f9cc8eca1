"""JavaScript applications under /app/: pages whose content and links exist only once scripts ran.

Each page renders the way single-page apps do while they boot: by a timer after the load event,
in an animation frame, from a slowly served code-split chunk (``import()``), inside an open
shadow root (script-attached and declarative), inside a same-origin frame, and by hash route.
None of them has content or links in its HTML except the frames page's outer text; each links to
a static leaf (/app/leaf/NAME), so a crawl that read the rendered page follows that link.
/app/never is an app that never renders. See README.md for the routes and phrases.
"""

from __future__ import annotations

import json
import re
import time

from .behaviours import not_found
from .core import Request, Response, Route, html_response, json_response, route
from .layout import document, esc

CHUNK_DELAY_S = 0.3  # the code-split chunk arrives this long after the page asked for it
ROUTE_API_DELAY_S = 0.08  # each hash route's data
APP_PAGES = ("timer", "raf", "chunk", "shadow", "frame", "hash/")
LEAVES = ("timer", "raf", "chunk", "shadow", "declarative", "frame", "hash")
HASH_ROUTES = ("#/alpha", "#/beta", "#!/gamma")  # besides the app's home route (#/ or none)

# What a crawl from /app/ (max_depth 3, include /app/) must store: each page with the text only its
# rendered view has. The hash routes are pages of their own; #notes is not.
CRAWL_FROM_INDEX: dict[str, tuple[str, ...]] = {
    "/app/": ("cobalt weathervane",),
    "/app/timer": ("Timer View", "midnight sundial"),
    "/app/raf": ("origami heron",),
    "/app/chunk": ("drowsy pelican",),
    "/app/shadow": ("stained mosaic", "woven tapestry", "frosted aquarium"),
    "/app/frame": ("mahogany moulding", "framed nightingale"),
    "/app/hash/": ("quilted meridian",),
    "/app/hash/#/alpha": ("alpine marmot",),
    "/app/hash/#/beta": ("gilded abacus",),
    "/app/hash/#!/gamma": ("bashful comet",),
    **{f"/app/leaf/{name}": (f"appleaf-{name}",) for name in LEAVES},
}

# Renders the app's content into #app: "html" is trusted markup written by these pages.
_RENDER = "const app = document.getElementById('app');"


def _app_page(title: str, script: str, *, body: str = '<div id="app"></div>', module: bool = False) -> Response:
    kind = ' type="module"' if module else ""
    return html_response(document(title, f"{body}\n<script{kind}>\n{script}\n</script>"))


def index(_req: Request, _: re.Match[str]) -> Response:
    """The app's start page, rendered by a timer 30 ms after the load event."""
    links = "".join(f'<li><a href="/app/{name}">{name.rstrip("/")}</a></li>' for name in APP_PAGES)
    html = f"<h1>Lantern App</h1><p>The cobalt weathervane turns towards every view.</p><ul>{links}</ul>"
    script = f"""{_RENDER}
window.addEventListener('load', () => {{
  setTimeout(() => {{ app.innerHTML = {json.dumps(html)}; }}, 30);
}});"""
    return _app_page("Lantern App", script)


def timer_page(_req: Request, _: re.Match[str]) -> Response:
    """Two chained timers after load: the heading at 20 ms, the article and its link 150 ms later."""
    script = f"""{_RENDER}
window.addEventListener('load', () => {{
  setTimeout(() => {{
    app.innerHTML = '<h1>Timer View</h1>';
    setTimeout(() => {{
      app.insertAdjacentHTML('beforeend',
        '<p>At the midnight sundial the shadow points home.</p><a href="/app/leaf/timer">Onwards</a>');
    }}, 150);
  }}, 20);
}});"""
    return _app_page("Timer View", script)


def raf_page(_req: Request, _: re.Match[str]) -> Response:
    """Rendered in the second animation frame after load (the double-rAF idiom)."""
    script = f"""{_RENDER}
window.addEventListener('load', () => {{
  requestAnimationFrame(() => requestAnimationFrame(() => {{
    app.innerHTML = '<h1>Frame View</h1><p>An origami heron unfolds one frame at a time.</p>'
      + '<a href="/app/leaf/raf">Onwards</a>';
  }}));
}});"""
    return _app_page("Frame View", script)


def chunk_page(_req: Request, _: re.Match[str]) -> Response:
    """After the first frame, imports its view from a chunk the server sends after 300 ms."""
    script = f"""{_RENDER}
window.addEventListener('load', () => {{
  requestAnimationFrame(() => {{
    import('/app/chunks/view.js').then((view) => view.render(app));
  }});
}});"""
    return _app_page("Chunk View", script, module=True)


def chunk_module(_req: Request, _: re.Match[str]) -> Response:
    """The code-split chunk of /app/chunk (slow on purpose)."""
    time.sleep(CHUNK_DELAY_S)
    source = """export function render(app) {
  app.innerHTML = '<h1>Chunk View</h1><p>The drowsy pelican arrived in a late chunk.</p>'
    + '<a href="/app/leaf/chunk">Onwards</a>';
}
"""
    return Response(200, source.encode("utf-8"), "text/javascript; charset=utf-8")


def shadow_page(_req: Request, _: re.Match[str]) -> Response:
    """A web component that attaches an open shadow root 40 ms after it connects (with a slot for a
    light-DOM note), and a declarative shadow root in the HTML itself."""
    body = (
        '<div id="app"><lantern-card><span slot="note">A woven tapestry hangs in the light.</span></lantern-card>\n'
        '<div class="declared"><template shadowrootmode="open"><p>Behind glass, a frosted aquarium glows.</p>'
        '<a href="/app/leaf/declarative">Declared onwards</a></template></div></div>'
    )
    script = """customElements.define('lantern-card', class extends HTMLElement {
  connectedCallback() {
    setTimeout(() => {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<h1>Shadow View</h1><p>The stained mosaic lives in a shadow root.</p>'
        + '<slot name="note"></slot><p><a href="/app/leaf/shadow">Onwards</a></p>';
    }, 40);
  }
});"""
    return _app_page("Shadow View", script, body=body)


def frame_page(req: Request, _: re.Match[str]) -> Response:
    """Static text around two frames: a same-origin one (rendered by its own timer) and a cross-origin one."""
    foreign = req.state.other_base_url + "/app/frame-foreign"
    body = (
        "<main><h1>Frames View</h1><p>Around the frames runs a mahogany moulding.</p>\n"
        '<iframe src="/app/frame-inner" title="Inner"></iframe>\n'
        f'<iframe src="{esc(foreign)}" title="Foreign"></iframe></main>'
    )
    return html_response(document("Frames View", body))


def frame_inner(_req: Request, _: re.Match[str]) -> Response:
    """The same-origin frame of /app/frame: renders 50 ms after its own load event."""
    script = f"""{_RENDER}
window.addEventListener('load', () => {{
  setTimeout(() => {{
    app.innerHTML = '<main><h2>Inside The Frame</h2><p>A framed nightingale sings inside.</p>'
      + '<a href="/app/leaf/frame">Onwards</a></main>';
  }}, 50);
}});"""
    return _app_page("Inner Frame", script)


def frame_foreign(_req: Request, _: re.Match[str]) -> Response:
    """The cross-origin frame of /app/frame (served as http://localhost:PORT): never part of the stored page."""
    body = '<p>Smuggled marmalade from another origin.</p><a href="/app/leaf/foreign">Foreign link</a>'
    return html_response(document("Foreign Frame", body))


ROUTE_CONTENT = {
    "": ("Hash App", "The quilted meridian greets every route.", ["#/alpha", "#/beta", "#!/gamma", "#notes"]),
    "alpha": ("Alpha Route", "An alpine marmot guards this route.", ["#/beta", "/app/leaf/hash"]),
    "beta": ("Beta Route", "A gilded abacus counts the routes.", ["#/"]),
    "gamma": ("Gamma Route", "A bashful comet passes by.", ["#/alpha"]),
}


def hash_app(_req: Request, _: re.Match[str]) -> Response:
    """A hash-routed app: the route (#/name or #!/name) picks the view, whose data comes from the API."""
    script = f"""{_RENDER}
const show = () => {{
  const name = location.hash.replace(/^#!?\\/?/, '');
  fetch('/app/api/route?name=' + encodeURIComponent(name))
    .then((response) => response.json())
    .then((view) => {{
      const links = view.links.map((href) => `<li><a href="${{href}}">${{href}}</a></li>`).join('');
      app.innerHTML = `<h1>${{view.title}}</h1><p>${{view.text}}</p><ul>${{links}}</ul>`;
    }});
}};
window.addEventListener('hashchange', show);
show();"""
    return _app_page("Hash App", script)


def route_api(req: Request, _: re.Match[str]) -> Response:
    """The data of one hash route, after 80 ms; unknown routes get 404."""
    time.sleep(ROUTE_API_DELAY_S)
    content = ROUTE_CONTENT.get(req.query.get("name", ""))
    if content is None:
        return Response(404, b'{"error": "no such route"}', "application/json; charset=utf-8")
    title, text, links = content
    return json_response({"title": title, "text": text, "links": links})


def never_page(_req: Request, _: re.Match[str]) -> Response:
    """An app that never renders: an empty root and a script that fails to boot."""
    script = "window.bootFailed = true; // the bundle never mounts the app"
    return _app_page("Never Rendered", script, body='<div id="root"></div>')


def leaf(req: Request, match: re.Match[str]) -> Response:
    """A static page a JS view links to; reaching it proves the crawl followed the rendered link."""
    name = match[1]
    if name not in LEAVES:
        return not_found(req)
    body = f"<main><h1>Leaf {esc(name)}</h1><p>Reached appleaf-{esc(name)} by a rendered link.</p></main>"
    return html_response(document(f"Leaf {name}", body))


ROUTES: list[Route] = [
    route(r"/app/", index),
    route(r"/app/timer", timer_page),
    route(r"/app/raf", raf_page),
    route(r"/app/chunk", chunk_page),
    route(r"/app/chunks/view\.js", chunk_module),
    route(r"/app/shadow", shadow_page),
    route(r"/app/frame", frame_page),
    route(r"/app/frame-inner", frame_inner),
    route(r"/app/frame-foreign", frame_foreign),
    route(r"/app/hash/", hash_app),
    route(r"/app/api/route", route_api),
    route(r"/app/never", never_page),
    route(r"/app/leaf/([a-z]+)", leaf),
]
