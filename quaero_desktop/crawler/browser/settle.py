"""The scripts a crawl tab runs in its pages: wait until a page has rendered, then read it.

``SETTLE_INIT_JS`` runs in every frame before the page's own scripts (a context init script)
and keeps count of the work that can still change the document: fetch/XHR requests in flight,
short timers and animation-frame callbacks not yet run (``setTimeout``/``requestAnimationFrame``
chains are followed for a few generations, so an animation or a polling loop is not waited for),
and the time of the last DOM change (a MutationObserver, also inside shadow roots). Requests for
script chunks (``import()``) and frames are watched from Python (``request_watch.py``): a page
cannot see them start.

``READ_JS`` waits until nothing is pending and the DOM has been quiet for ``quietMs`` (counted
from the last change after the load event, so a page where nothing happens after ``load`` pays
nothing), bounded by ``maxMs``; then it reads the title, metadata, links and HTML in the same
round trip. Pages with open shadow roots or frames are serialised as the reader sees them (the
composed tree: shadow content in place, slots filled, same-origin frames inlined); cross-origin
frames are left out and listed.

docs/architecture.md ("JavaScript applications") records the timings and how they were measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from quaero_desktop.crawler.app_shell import APP_ROOT_CSS, HIDDEN_TEXT_TAGS, SCRIPT_CSS, TEXT_CAP
from quaero_desktop.crawler.fetched import MAX_HTML_BYTES, MAX_HTML_ELEMENTS
from quaero_desktop.crawler.half_loaded import (
    BUSY_CSS,
    LOADING_TEXT,
    LOADING_XPATH,
    PLACEHOLDER_CLASS,
    PLACEHOLDER_CSS,
)

TIMER_HORIZON_MS = 1000
"""Timers due within this are awaited; longer ones (polls, session keep-alives) are not."""
MAX_GENERATION = 4
"""A timer or frame callback scheduled by a counted one is counted up to this depth of chaining."""
POLL_MS = 10
"""How often the waiting page checks its state."""
LOADING_POLL_MS = 50
"""How often a page that is quiet but shows a loading indicator is checked again."""


def _fill(script: str, **values: object) -> str:
    """``script`` with each ``__NAME__`` replaced by ``values[NAME]`` (numbers as is, the rest as JSON)."""
    for name, value in values.items():
        text = str(value) if isinstance(value, int) else json.dumps(value)
        script = script.replace(f"__{name}__", text)
    return script


@dataclass(frozen=True)
class SettleTimings:
    """How long a page may take to render. Measured choices: docs/architecture.md."""

    quiet_ms: float = 120.0  # no DOM change and nothing pending for this long: rendered
    max_ms: float = 5000.0  # never wait longer after the load event (endless polling, streams)
    empty_wait_ms: float = 8000.0  # the one longer wait for a page that rendered (nearly) empty


SETTLE_INIT_JS = _fill(
    r"""(() => {
  if (window.__quaeroState) return;
  const HORIZON = __HORIZON__, MAX_GENERATION = __GENERATIONS__;
  const BUSY = __BUSY__, PLACEHOLDERS = __PLACEHOLDERS__, LOADING_XPATH = __LOADING_XPATH__;
  const PLACEHOLDER_WORD = new RegExp(__PLACEHOLDER_WORD__, 'i'), PLACEHOLDER_CAMEL = new RegExp(__PLACEHOLDER_CAMEL__);
  const LOADING_TEXT = new RegExp(__LOADING_TEXT__, 'i');
  const realSetTimeout = window.setTimeout.bind(window);
  const realClearTimeout = window.clearTimeout.bind(window);
  const realClearInterval = window.clearInterval.bind(window);
  const realRaf = window.requestAnimationFrame ? window.requestAnimationFrame.bind(window) : null;
  const realCancelRaf = window.cancelAnimationFrame ? window.cancelAnimationFrame.bind(window) : null;
  const now = () => performance.timeOrigin + performance.now();
  const state = { activity: 0, grew: 0, loadedAt: 0, net: 0, timers: new Set(), frames: new Set(), generation: 0 };
  const touch = () => { state.activity = now(); };
  Object.defineProperty(window, '__quaeroState', { value: state });

  // Runs a counted callback one generation deeper, so chains of timers end up uncounted.
  const counted = (generation, callback, self, args) => {
    const outer = state.generation;
    state.generation = generation;
    try { return callback.apply(self, args); } finally { state.generation = outer; touch(); }
  };
  window.setTimeout = function setTimeout(handler, delay, ...args) {
    const generation = state.generation + 1;
    if (typeof handler !== 'function' || (Number(delay) || 0) > HORIZON || generation > MAX_GENERATION) {
      return realSetTimeout(handler, delay, ...args);
    }
    const id = realSetTimeout(() => { state.timers.delete(id); counted(generation, handler, window, args); }, delay);
    state.timers.add(id);
    return id;
  };
  window.clearTimeout = function clearTimeout(id) { state.timers.delete(id); return realClearTimeout(id); };
  window.clearInterval = function clearInterval(id) { state.timers.delete(id); return realClearInterval(id); };
  if (realRaf) {
    window.requestAnimationFrame = function requestAnimationFrame(callback) {
      const generation = state.generation + 1;
      if (typeof callback !== 'function' || generation > MAX_GENERATION) return realRaf(callback);
      const id = realRaf((time) => { state.frames.delete(id); counted(generation, callback, window, [time]); });
      state.frames.add(id);
      return id;
    };
    window.cancelAnimationFrame = function cancelAnimationFrame(id) {
      state.frames.delete(id);
      return realCancelRaf(id);
    };
  }

  const done = () => { state.net--; touch(); };
  const originalFetch = window.fetch;
  if (originalFetch) {
    window.fetch = function fetch(...args) {
      state.net++;
      return originalFetch.apply(this, args).finally(done);
    };
  }
  // A response's body can arrive long after its headers (which settle fetch's promise): reading it counts too.
  if (window.Response) {
    for (const name of ['json', 'text', 'arrayBuffer', 'blob', 'formData']) {
      const read = Response.prototype[name];
      if (typeof read !== 'function') continue;
      Response.prototype[name] = function (...args) {
        state.net++;
        return read.apply(this, args).finally(done);
      };
    }
  }
  const originalSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function send(...args) {
    state.net++;
    this.addEventListener('loadend', done, { once: true });
    return originalSend.apply(this, args);
  };

  // DOM changes count from the load event on (only those can follow it): watching the parser
  // build the page would cost every page a record per insertion for nothing.
  const observed = { childList: true, subtree: true, characterData: true };
  const observer = new MutationObserver((records) => {
    touch();
    if (records.some((r) => r.addedNodes.length > r.removedNodes.length)) state.grew = state.activity;
  });
  const roots = [];
  const originalAttachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(...args) {
    const root = originalAttachShadow.apply(this, args);
    if (state.loadedAt) { observer.observe(root, observed); touch(); } else roots.push(root);
    return root;
  };
  window.addEventListener('load', () => {
    state.loadedAt = now();
    observer.observe(document, observed);
    for (const root of roots.splice(0)) observer.observe(root, observed);
  }, { once: true, capture: true });

  // What is pending in this window and its same-origin frames, and when anything last changed.
  const survey = (win, into) => {
    let doc;
    try { doc = win.document; } catch (_) { return into; }  // a cross-origin frame: left out
    const s = win.__quaeroState;
    if (doc.readyState !== 'complete') into.pending++;
    if (s) {
      into.pending += s.net + s.timers.size + s.frames.size;
      into.requests += s.net;
      into.activity = Math.max(into.activity, s.activity);
      into.grew = Math.max(into.grew, s.grew);
    }
    for (let i = 0; i < win.frames.length; i++) survey(win.frames[i], into);
    return into;
  };
  // The loading indicator a document (or a same-origin frame) shows, named; '' when none (half_loaded.py).
  const shown = (el) => (el.checkVisibility
    ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
    : el.getClientRects().length > 0);
  const placeholderClass = (token) => PLACEHOLDER_WORD.test(token) || PLACEHOLDER_CAMEL.test(token);
  const indicator = (win) => {
    let doc;
    try { doc = win.document; } catch (_) { return ''; }
    for (const el of doc.querySelectorAll(BUSY)) {
      if (shown(el)) return el.matches('[aria-busy="true" i]') ? 'a region marked aria-busy' : 'a progress bar';
    }
    for (const el of doc.querySelectorAll(PLACEHOLDERS)) {
      const token = el.localName === 'img' ? null : Array.from(el.classList).find(placeholderClass);
      if (token && shown(el)) return `a placeholder (class ${token})`;
    }
    const texts = doc.evaluate(LOADING_XPATH, doc, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    for (let i = 0; i < texts.snapshotLength; i++) {
      const text = texts.snapshotItem(i).data.trim().replace(/\s+/g, ' ');
      const parent = texts.snapshotItem(i).parentElement;
      if (LOADING_TEXT.test(text) && parent && shown(parent)) return `"${text}"`;
    }
    for (let i = 0; i < win.frames.length; i++) {
      const found = indicator(win.frames[i]);
      if (found) return found;
    }
    return '';
  };
  // Resolves once the page has rendered: nothing pending, no DOM change for quietMs (counted from
  // the last change after the load event (since = 'load') or after this call (since = 'call')) and
  // no loading indicator shown. With changeMs, it first waits up to that long for anything to change.
  const settle = ({ quietMs, maxMs, since, changeMs }) => new Promise((resolve) => {
    const started = now();
    const check = () => {
      const t = now();
      const { pending, requests, activity, grew } = survey(window, { pending: 0, requests: 0, activity: 0, grew: 0 });
      const floor = since === 'call' ? started : state.loadedAt;
      const quietSince = activity > floor ? activity : (since === 'call' ? started : -Infinity);
      const changed = !changeMs || activity > started || t - started >= changeMs;
      const waited = t - started;
      if (waited >= maxMs) {
        const growing = grew > floor && t - grew < quietMs;
        resolve({ waitedMs: waited, timedOut: true, pending, requests, growing, indicator: indicator(window) });
      } else if (changed && pending === 0 && t - quietSince >= quietMs) {
        if (!indicator(window)) resolve({ waitedMs: waited, timedOut: false });
        else realSetTimeout(check, __LOADING_POLL__);  // quiet, but still saying it is loading
      } else realSetTimeout(check, __POLL__);
    };
    check();
  });
  Object.defineProperty(window, '__quaeroSettle', { value: settle });
})();""",
    HORIZON=TIMER_HORIZON_MS,
    GENERATIONS=MAX_GENERATION,
    POLL=POLL_MS,
    LOADING_POLL=LOADING_POLL_MS,
    BUSY=BUSY_CSS,
    PLACEHOLDERS=PLACEHOLDER_CSS,
    PLACEHOLDER_WORD=PLACEHOLDER_CLASS[0],
    PLACEHOLDER_CAMEL=PLACEHOLDER_CLASS[1],
    LOADING_XPATH=LOADING_XPATH,
    LOADING_TEXT=LOADING_TEXT,
)


# One round trip: settle, then read everything the crawl needs (composed tree where needed).
READ_JS = _fill(
    """async (options) => {
  const settled = window.__quaeroSettle
    ? await window.__quaeroSettle(options)
    : { waitedMs: 0, timedOut: false, pending: 0 };
  // The page's bounds (fetched.MAX_HTML_ELEMENTS, MAX_HTML_BYTES) before the DOM is read, for a DOM its
  // scripts built: the element count first (an element is at least 7 characters of HTML, "<b></b>", so
  // it also bounds the HTML's size without building it), the HTML's length below.
  const MAX_CHARS = __MAX__;
  const elements = document.getElementsByTagName('*').length;
  if (elements > __MAX_ELEMENTS__) return { tooManyElements: true, settled };
  if (elements * 7 > MAX_CHARS) return { tooLarge: true, settled };
  const HIDDEN = new Set(__HIDDEN__);
  const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param',
                        'source', 'track', 'wbr']);
  const TEXT_CAP = __CAP__;
  const isFrame = (el) => el.localName === 'iframe' || el.localName === 'frame';
  const inShadow = (el) => el.getRootNode() instanceof ShadowRoot;
  // The children a reader sees: shadow content instead of light children, slots filled.
  const composedChildren = (node) => {
    if (node.nodeType !== 1) return node.childNodes;
    if (node.shadowRoot) return node.shadowRoot.childNodes;
    if (node.localName === 'slot' && inShadow(node)) return node.assignedNodes({ flatten: true });
    return node.childNodes;
  };
  const frameBody = (el) => {
    try { const doc = el.contentDocument; return doc && doc.body ? doc.body : null; } catch (_) { return null; }
  };
  // Visible non-whitespace characters under node (composed, frames included), up to TEXT_CAP.
  const visibleChars = (node) => {
    let count = 0;
    const walk = (n) => {
      if (count >= TEXT_CAP) return;
      if (n.nodeType === 3) { count += n.data.replace(/\\s+/g, '').length; return; }
      if (n.nodeType !== 1 && n.nodeType !== 11) return;
      if (n.nodeType === 1 && HIDDEN.has(n.localName)) return;
      if (n.nodeType === 1 && isFrame(n)) { const body = frameBody(n); if (body) walk(body); return; }
      for (const child of composedChildren(n)) walk(child);
    };
    walk(node);
    return Math.min(count, TEXT_CAP);
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width * box.height > 0;
  };
  const hasShadowRoot = (root) => {
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) return true;
    return false;
  };
  const composed = !!document.querySelector('iframe, frame') || hasShadowRoot(document);
  const links = [];
  const nofollow = [];  // links marked rel="nofollow"
  const collect = (a) => {
    if (typeof a.href !== 'string') return;
    (a.relList && a.relList.contains('nofollow') ? nofollow : links).push(a.href);
  };
  const leftOut = [];
  let html;
  if (!composed) {
    for (const a of document.querySelectorAll('a[href], area[href]')) collect(a);
    html = document.documentElement.outerHTML;
  } else {
    const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\\u00a0': '&nbsp;' };
    const escText = (s) => s.replace(/[&<>\\u00a0]/g, (c) => ENTITIES[c]);
    const escAttr = (s) => s.replace(/[&"\\u00a0]/g, (c) => ENTITIES[c]);
    const out = [];
    const write = (node, inFrame) => {
      if (node.nodeType === 3) { out.push(escText(node.data)); return; }
      if (node.nodeType === 11) { for (const child of node.childNodes) write(child, inFrame); return; }
      if (node.nodeType !== 1) return;
      const tag = node.localName;
      if (HIDDEN.has(tag)) return;
      if (tag === 'slot' && inShadow(node)) {
        for (const child of composedChildren(node)) write(child, inFrame);
        return;
      }
      if (isFrame(node)) {
        const body = frameBody(node);
        if (body) {
          out.push('<section data-quaero-frame="', escAttr(node.getAttribute('src') || ''), '">');
          for (const child of composedChildren(body)) write(child, true);
          out.push('</section>');
        } else if (/^https?:/i.test(node.src) && shown(node)) {
          leftOut.push(node.src);  // a cross-origin frame a reader sees (not a hidden tracker)
        }
        return;
      }
      if ((tag === 'a' || tag === 'area') && node.hasAttribute('href')) collect(node);
      const name = inFrame && tag === 'main' ? 'div' : tag;  // a frame's <main> is not the page's
      out.push('<', name);
      for (const attribute of node.attributes) out.push(' ', attribute.name, '="', escAttr(attribute.value), '"');
      out.push('>');
      if (VOID.has(tag)) return;
      for (const child of composedChildren(node)) write(child, inFrame);
      out.push('</', name, '>');
    };
    write(document.documentElement, false);
    html = '<!DOCTYPE html>' + out.join('');
  }
  if (html.length > MAX_CHARS) return { tooLarge: true, settled };  // never sent to the crawl
  const scriptCount = document.querySelectorAll(__SCRIPTS__).length;
  const appRoot = scriptCount ? document.querySelector(__ROOTS__) : null;
  if (settled.timedOut) {  // how much content its content region shows (half_loaded.py)
    const region = document.querySelector('main, [role="main" i]') || appRoot || document.body;
    settled.contentChars = region ? visibleChars(region) : 0;
  }
  const attr = (selector, name) => {
    const el = document.querySelector(selector);
    return el ? (el.getAttribute(name) || '') : '';
  };
  const canonical = document.querySelector('link[rel~="canonical" i][href]');
  return {
    title: document.title || '',
    description: attr('meta[name="description" i]', 'content'),
    canonical: canonical ? canonical.href : '',
    language: document.documentElement.getAttribute('lang') || '',
    contentType: document.contentType || '',
    hasPasswordField: !!document.querySelector('input[type="password" i]'),
    links,
    nofollowLinks: nofollow,
    robots: Array.from(document.querySelectorAll('meta[name="robots" i][content]'), (m) => m.getAttribute('content')),
    html,
    leftOutFrames: leftOut,
    shell: {
      textChars: scriptCount && document.body ? visibleChars(document.body) : 0,
      scriptCount,
      appRootTextChars: appRoot ? visibleChars(appRoot) : null,
    },
    settled,
  };
}""",
    HIDDEN=list(HIDDEN_TEXT_TAGS),
    CAP=TEXT_CAP,
    SCRIPTS=SCRIPT_CSS,
    ROOTS=APP_ROOT_CSS,
    MAX=MAX_HTML_BYTES,
    MAX_ELEMENTS=MAX_HTML_ELEMENTS,
)
