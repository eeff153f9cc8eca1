"""The login area: sign-in form, server-side sessions, private pages, logout, /whoami."""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import quote

from .behaviours import error_page, not_found
from .core import SESSION_COOKIE, Handler, Request, Response, Route, html_response, redirect, route
from .layout import esc, link_list, page

PASSWORD = "correct horse"
DEFAULT_NEXT = "/private/"
REPORTS = (1, 2, 3)
PRIVATE_NAV = (("/private/", "Private Home"),)
LOGOUT_COOKIE = f"{SESSION_COOKIE}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"


def _safe_next(target: str) -> str:
    """Only local absolute paths may be redirect targets after sign-in."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return DEFAULT_NEXT


def _login_form(next_path: str, error: str = "") -> Response:
    error_html = f'<p class="error" role="alert">{esc(error)}</p>\n' if error else ""
    main = (
        f"<h1>Login</h1>\n{error_html}"
        '<form method="post" action="/login">\n'
        f'<input type="hidden" name="next" value="{esc(next_path)}">\n'
        '<label>Username <input type="text" name="username" autocomplete="username"></label>\n'
        '<label>Password <input type="password" name="password" autocomplete="current-password"></label>\n'
        '<button type="submit">Sign in</button>\n</form>'
    )
    return html_response(page("Login", main))


def login(req: Request, _: re.Match[str]) -> Response:
    """GET shows the form; POST checks the password, starts a session and redirects (303)."""
    if req.method != "POST":
        return _login_form(_safe_next(req.query.get("next", DEFAULT_NEXT)))
    next_path = _safe_next(req.form.get("next", DEFAULT_NEXT))
    username = req.form.get("username", "").strip()
    if not username or req.form.get("password") != PASSWORD:
        return _login_form(next_path, "Invalid username or password")
    token = req.state.create_session(username)
    cookie = f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
    return redirect(next_path, 303, [("Set-Cookie", cookie)])


def logout(req: Request, _: re.Match[str]) -> Response:
    """Ends the server-side session, clears the cookie and goes home (HEAD changes nothing)."""
    if req.method == "GET":
        req.state.end_session(req.session_token)
    return redirect("/", 302, [("Set-Cookie", LOGOUT_COOKIE)])


def whoami(req: Request, _: re.Match[str]) -> Response:
    """Tells whether the request carries a valid session."""
    user = req.user
    status = f"Signed in as {esc(user)}" if user else "Not signed in"
    return html_response(page("Who Am I", f"<h1>Who Am I</h1>\n<p>{status}</p>"))


def _private_page(req: Request, title: str, body: str) -> Response:
    main = f'<h1>{esc(title)}</h1>\n<p class="signed-in">Signed in as {esc(req.user or "")}</p>\n{body}'
    return html_response(page(title, main, nav=PRIVATE_NAV, brand_href="/private/"))


def requires_session(handler: Handler) -> Handler:
    """Without a valid session, redirect (302) to /login?next=<path>."""

    @wraps(handler)
    def wrapper(req: Request, match: re.Match[str]) -> Response:
        if req.user is None:
            return redirect("/login?next=" + quote(req.path, safe="/"), 302)
        return handler(req, match)

    return wrapper


@requires_session
def private_index(req: Request, _: re.Match[str]) -> Response:
    """Links to the reports, the admin page and logout."""
    links = [(f"/private/report-{n}", f"Report {n}") for n in REPORTS]
    links += [("/private/admin/settings", "Admin settings"), ("/account/logout", "Sign out")]
    body = f"<p>Welcome to the lavender vault index.</p>\n{link_list(links)}"
    return _private_page(req, "Private Area", body)


@requires_session
def private_report(req: Request, match: re.Match[str]) -> Response:
    """One report per number in REPORTS; other numbers are 404."""
    number = int(match[1])
    if number not in REPORTS:
        return not_found(req)
    body = f'<p>The secret-garden-{number} figures are in.</p>\n<p><a href="/private/">All reports</a></p>'
    return _private_page(req, f"Private Report {number}", body)


@requires_session
def admin_settings(req: Request, _: re.Match[str]) -> Response:
    """A page crawlers are usually told to exclude (/admin)."""
    body = '<p>Handle the obsidian switchboard with care.</p>\n<p><a href="/private/">Back</a></p>'
    return _private_page(req, "Admin Settings", body)


@requires_session
def staff_only(req: Request, _: re.Match[str]) -> Response:
    """403 for every signed-in user: a section the account cannot see (the login itself still works)."""
    return error_page(403, "Forbidden", "Staff only: your account cannot see this page.")


@requires_session
def private_unknown(req: Request, _: re.Match[str]) -> Response:
    """Unknown private paths: login redirect without a session, 404 with one."""
    return not_found(req)


def api_forbidden(req: Request, _: re.Match[str]) -> Response:
    """403 without a session (no redirect), a page with one."""
    if req.user is None:
        return error_page(403, "Forbidden", "Sign in to see this page.")
    return _private_page(req, "Private API Forbidden", "<p>The tangerine drawbridge is down for you.</p>")


def api_unauthorized(req: Request, _: re.Match[str]) -> Response:
    """401 without a session (no redirect), a page with one."""
    if req.user is None:
        response = error_page(401, "Unauthorized", "Sign in to see this page.")
        response.headers.append(("WWW-Authenticate", 'Cookie realm="testsite"'))
        return response
    return _private_page(req, "Private API Unauthorized", "<p>The saffron portcullis is open for you.</p>")


ROUTES: list[Route] = [
    route(r"/login", login, ("GET", "HEAD", "POST")),
    route(r"/account/logout", logout),
    route(r"/whoami", whoami),
    route(r"/private/api-forbidden", api_forbidden),
    route(r"/private/api-unauthorized", api_unauthorized),
    route(r"/private/", private_index),
    route(r"/private/report-(\d+)", private_report),
    route(r"/private/admin/settings", admin_settings),
    route(r"/private/staff-only", staff_only),
    route(r"/private/.*", private_unknown),
]
