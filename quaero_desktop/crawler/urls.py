"""URL normalisation and the crawl's link filter.

Pure functions on strings, called for every link of every page: one normalised string
per page is what the frontier dedupes on and what documents are stored under.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

TRACKING_PARAMETERS: Final = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "ref_src",
    }
)
"""Query parameter names (compared case-insensitively) that only track the visitor.
Any name starting with "utm_" is dropped as well."""

DEFAULT_EXCLUDE_PATTERNS: Final[tuple[str, ...]] = (
    # joined forms, also inside longer names: /logout, /Account/LogOff, doLogout, SignOut.aspx
    r"(?i)logout|logoff|signout",
    # separated forms as whole words: /log-out, ?action=log_out, /users/sign_out, /log-off
    r"(?i)(?<![a-z0-9])(?:log[-_](?:out|off)|sign[-_]out)(?![a-z0-9])",
    # ending a session: /session/end, /sessions/destroy, /end-session, /connect/endsession
    r"(?i)(?<![a-z0-9])sessions?/(?:end|destroy|delete|terminate)(?![a-z0-9])",
    r"(?i)(?<![a-z0-9])(?:end|destroy|terminate)[-_]?session(?![a-z0-9])",
)
"""Regexes for links that would end the crawl's login session, searched in a URL's
path and query (never its host)."""

SITE_CHANGING_PATTERNS: Final[tuple[str, ...]] = (
    # A link that carries a CSRF token performs an action: that is what the token is for
    # (DokuWiki's sectok, WordPress's _wpnonce, Rails' authenticity_token, Django's csrfmiddlewaretoken).
    r"(?i)[?&;](?:sectok|_wpnonce|authenticity_token|csrfmiddlewaretoken|_?csrf[\w-]*|_?xsrf[\w-]*)=",
    # An action that changes the site, asked for in the query (?do=revert, ?action=rollback...).
    r"(?i)[?&;](?:do|action|act|op|cmd|task)=(?:revert|rollback|undo|delete|undelete|purge|restore|remove|"
    r"trash|untrash|watch|unwatch|subscribe|unsubscribe|lock|unlock|protect|unprotect|markpatrolled|"
    r"approve|reject|block|unblock|move|rename|publish|unpublish)(?![\w-])",
)
"""Regexes for links that would change the site when a crawler follows them: a crawl logged in as
an editor or administrator must never revert, delete or approve anything (a wiki crawl that followed
its revisions pages restored old revisions of eight pages). Searched like the logout patterns."""

PROBE_TOKEN: Final = "quaeroprobe"
"""Starts the made-up name in a URL a crawl asks for to learn a site's "not found" page (a soft 404,
engine/run/not_found_pages.py): such a URL is never a page of a crawl, wherever a site echoes it back."""
_PROBE_URL: Final = re.compile(PROBE_TOKEN + "[0-9a-f]{12}")

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# A percent escape, or one character that may not appear raw in a path or query.
_ESCAPE_OR_UNSAFE: Final = re.compile(r"%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]")
_HOST_NAME: Final = re.compile(r"[a-z0-9\-._~!$&'()*+,;=%]+")
_HOME_ROUTES: Final = frozenset({"/", "!", "!/"})


def normalise_url(url: str, base: str | None = None, *, keep_hash_routes: bool = True) -> str | None:
    """The canonical form of ``url`` (resolved against ``base``), or None if it is not
    a crawlable http(s) URL. Never raises; normalising twice changes nothing.

    The fragment is dropped, unless ``keep_hash_routes`` and it is a hash route of a
    single-page app (``#/path`` or ``#!path``): then it names a page of its own. The
    app's home route (``#/``, ``#!``, ``#!/``) is the page without a fragment."""
    url = url.strip()
    absolute = _ABSOLUTE.fullmatch(url)
    if absolute is not None:
        base_scheme = _scheme_of(base) if base and not base.isspace() else ""  # (a blank base is none)
        if base_scheme is not None:
            same_scheme = base_scheme == absolute.group(1)
            return _normalised_absolute(_without_plain_fragment(url, keep_hash_routes), same_scheme, keep_hash_routes)
    try:
        return _normalise(url, base, keep_hash_routes)
    except ValueError:  # bad port, bad IPv6 literal, unencodable host (UnicodeError) ...
        return None


# An http(s) URL with a host, without a tab or line break (urljoin drops them: "http://\t/x" has no host).
_ABSOLUTE: Final = re.compile(r"(https?)://[^/?#\t\n\r][^\t\n\r]*")
_NORMALISED_KEPT: Final = 16_384  # a site's menus link the same pages from every page


@lru_cache(maxsize=_NORMALISED_KEPT)
def _normalised_absolute(url: str, same_scheme: bool, keep_hash_routes: bool) -> str | None:
    """``normalise_url`` of an absolute ``url`` (``_ABSOLUTE``), resolved against a base of the same scheme
    or not (all that urljoin takes of the base then: the same scheme rewrites ``url`` as urlparse reads
    it). Every page of a site links its menus' pages again: each is normalised once."""
    scheme = url.partition(":")[0]
    try:
        return _normalise(url, f"{scheme}:" if same_scheme else None, keep_hash_routes)
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _scheme_of(base: str) -> str | None:
    """The scheme urljoin reads in ``base`` (lower-cased; "" for none), None when ``base`` is no URL."""
    try:
        return urlsplit(base.strip()).scheme
    except ValueError:
        return None


def _without_plain_fragment(url: str, keep_hash_routes: bool) -> str:
    """``url`` without its fragment when normalising drops it anyway (it is no hash route kept)."""
    before, mark, fragment = url.partition("#")
    return url if mark and keep_hash_routes and fragment.startswith(("/", "!")) else before


def host_of(url: str) -> str:
    """The lower-cased host name of a normalised URL, without port."""
    return urlsplit(url).hostname or ""


def site_of(url: str) -> str:
    """The site a normalised URL is on, as a browser's origin: ``scheme://host[:port]``, the port only when
    it is not the scheme's default ("https://docs.example.com", "http://127.0.0.1:8000"). Another scheme
    or another port is another server, so another site."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal, bracketed as in a URL
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a port: no site a crawl could reach
        port = None
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def hash_route(fragment: str) -> str:
    """``fragment`` (without "#") if it is a hash route ("/..." or "!..."), else ""."""
    if not fragment.startswith(("/", "!")) or fragment in _HOME_ROUTES:
        return ""
    return _fix_escapes(fragment)


def _normalise(url: str, base: str | None, keep_hash_routes: bool) -> str | None:
    parts = urlsplit(urljoin(base.strip(), url) if base else url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    host = _host(parts.hostname or "")
    if host is None:
        return None
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _remove_dot_segments(_fix_escapes(parts.path)) or "/"
    query = _strip_tracking(_fix_escapes(parts.query))
    route = hash_route(parts.fragment) if keep_hash_routes else ""
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "") + (f"#{route}" if route else "")


def _host(hostname: str) -> str | None:
    """The host as it appears in a normalised URL (punycode, IPv6 in brackets), or None."""
    if ":" in hostname:
        return f"[{ipaddress.IPv6Address(hostname).compressed}]"
    if not hostname.isascii():
        hostname = hostname.encode("idna").decode("ascii").lower()
    return hostname if _HOST_NAME.fullmatch(hostname) else None


def _fix_escapes(component: str) -> str:
    """Upper-case percent escapes, decode escaped unreserved characters and escape
    characters that may not appear raw (UTF-8), so one resource has one spelling."""
    return _ESCAPE_OR_UNSAFE.sub(_fix_escape, component)


def _fix_escape(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) == 3:  # "%xx"; a lone character is never three long
        char = chr(int(text[1:], 16))
        return char if char in _UNRESERVED else text.upper()
    return quote(text, safe="")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal for an absolute path: "/a/./b/../c" -> "/a/c"."""
    if "." not in path:
        return path
    segments = path.split("/")[1:]
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")  # "/a/b/.." is the directory "/a/"
    return "/" + "/".join(kept)


def _strip_tracking(query: str) -> str:
    """The query without tracking parameters and empty pieces, other parameters in order."""
    if not query:
        return ""
    kept = []
    for parameter in query.split("&"):
        name = parameter.partition("=")[0].lower()
        if parameter and not name.startswith("utm_") and name not in TRACKING_PARAMETERS:
            kept.append(parameter)
    return "&".join(kept)


_VERDICTS_KEPT: Final = 65_536  # a UrlFilter's verdicts kept (URLs of one crawl; all forgotten when full)


class UrlFilter:
    """Decides which discovered links a crawl may follow.

    Judges links found on pages only: the engine always crawls the start URLs
    themselves. Patterns are regexes searched in the full normalised URL.
    """

    def __init__(
        self,
        start_urls: Sequence[str],
        include_patterns: Sequence[str] = (),
        exclude_patterns: Sequence[str] = (),
        same_domain: bool = True,
        use_default_excludes: bool = True,
        stay_under_start_path: bool = False,
    ) -> None:
        """Raises ValueError if a start URL is not an http(s) URL with a host."""
        self._includes = tuple(re.compile(pattern) for pattern in include_patterns)
        self._excludes = tuple(re.compile(pattern) for pattern in exclude_patterns)
        self._default_excludes = (
            tuple(re.compile(pattern) for pattern in DEFAULT_EXCLUDE_PATTERNS) if use_default_excludes else ()
        )
        self._site_changing = (
            tuple(re.compile(pattern) for pattern in SITE_CHANGING_PATTERNS) if use_default_excludes else ()
        )
        self._same_domain = same_domain
        self._sites = frozenset(site for url in start_urls for site in _start_sites(url))  # same_domain
        # stay_under_start_path: each start URL's folder, as "scheme://host[:port]/folder/"
        self._folders = tuple(dict.fromkeys(start_folder(url) for url in start_urls)) if stay_under_start_path else ()
        self._verdicts: dict[str, str | None] = {}  # rejection's, by URL: every page links a site's menus again

    def rejection(self, url: str) -> str | None:
        """None if the normalised ``url`` may be crawled, else a short reason why not."""
        try:
            return self._verdicts[url]
        except KeyError:
            pass
        if len(self._verdicts) >= _VERDICTS_KEPT:
            self._verdicts.clear()
        verdict = self._verdicts[url] = self._judged(url)
        return verdict

    def _judged(self, url: str) -> str | None:
        for pattern in self._excludes:
            if pattern.search(url):
                return f"excluded by pattern '{pattern.pattern}'"
        if _PROBE_URL.search(url):
            return "a check of the site's not-found page, not a page"
        if self._default_excludes:
            parts = urlsplit(url)
            path_and_query = f"{parts.path}?{parts.query}" if parts.query else parts.path
            if any(pattern.search(path_and_query) for pattern in self._default_excludes):
                return "looks like a logout link"
            if any(pattern.search(path_and_query) for pattern in self._site_changing):
                return "looks like a link that changes the site (an action, or a link with a CSRF token)"
        if self._same_domain:
            site = site_of(url)
            if site not in self._sites:
                return f"other site: {site}"
        if self._folders and not any(url.startswith(folder) for folder in self._folders):
            return f"not under the start URL's folder ({', '.join(urlsplit(f).path for f in self._folders)})"
        if self._includes and not any(pattern.search(url) for pattern in self._includes):
            return "matches no include pattern"
        return None

    def acceptance(self, url: str) -> str:
        """Why a ``url`` that ``rejection`` lets through is kept (the pattern tester says so)."""
        matched = next((pattern.pattern for pattern in self._includes if pattern.search(url)), None)
        why = [f"matches the include pattern '{matched}'" if matched else "no include patterns: every URL in scope"]
        if self._same_domain:
            why.append("on a start URL's site")
        if self._folders:
            why.append("under a start URL's folder")
        return "kept: " + ", ".join(why)

    def allows(self, url: str) -> bool:
        """True if the normalised ``url`` may be crawled."""
        return self.rejection(url) is None


def start_folder(url: str) -> str:
    """The folder a start URL is in, with its origin: ".../signals/" for ".../signals/" and ".../signals/x.html"."""
    normalised = normalise_url(url, keep_hash_routes=False)
    if normalised is None:
        raise ValueError(f"not an http(s) URL with a host: {url!r}")
    parts = urlsplit(normalised)
    folder = parts.path[: parts.path.rfind("/") + 1] or "/"
    return f"{parts.scheme}://{parts.netloc}{folder}"


def _start_sites(url: str) -> tuple[str, ...]:
    """The sites a start URL keeps a crawl on: its own, and for ``http://host/`` also ``https://host/``.
    A site served over HTTP sends its visitors on to HTTPS, and a browser upgrades on its own (HSTS):
    that is the same site, served securely. The other way, and other ports, are other sites."""
    normalised = normalise_url(url)
    if normalised is None:
        raise ValueError(f"not an http(s) URL with a host: {url!r}")
    site = site_of(normalised)
    parts = urlsplit(normalised)
    if parts.scheme == "http" and parts.port is None:  # (normalised: a default port is left out)
        return site, site_of(urlunsplit(parts._replace(scheme="https")))
    return (site,)
