"""Is the crawl still logged in? Every page is looked at before it is stored (docs/architecture.md,
"A lost login").

A login form is never stored as a document, whatever its URL or status. In a crawl with a login, a
page that shows one (or that answers 401/403, or sends the crawl to a sign-in URL) may mean the
session ended: the watch then asks the crawl's first start URL again (the *probe*: the page the user
chose to start from, so it is always the same page). If the probe now shows the signs too, the login has
expired: the crawl stops, resumable once the login is captured again, and nothing of what the site
now shows is stored. If the probe still works, only this page wanted a login: a login form is
skipped, a refusal fails the page as "authentication required" (a section the account cannot see).

A definition's markers (``logged_in_selector`` / ``logged_out_selector``) decide on their own for a
page that answered: no probe, and a page with a password field that the markers call logged in is
content (a profile page).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from quaero_desktop.crawler.fetched import FetchedPage, NonHtmlResponse
from quaero_desktop.crawler.login_form import LoginEvidence, LoginMarkers, login_evidence, may_show_login
from quaero_desktop.domain.job import SkipReason
from quaero_desktop.engine.run.page_verdicts import Disallowed, FetchOutcome, LoginLost, NotStored

FORM_PAGE_WORDS: Final = 150
"""A page with a login form and fewer words than this outside forms and chrome is the form (crawls
without a login skip it); a longer one is content with a login box in its margin."""
PROBE_TRUSTED_S: Final = 15.0
"""After a probe found the login working, pages showing a form within this time are judged without a new probe."""

Probe = Callable[[str], Awaitable[object]]  # fetches a URL the way the crawl's pages are fetched
_LOGIN_PATH: Final = re.compile(
    r"/(?:log-?in|sign-?in|sign_in|log-?on|auth(?:enticate)?|sso|oauth2?|authorize|session/new|users/sign_in)"
    r"(?:[/.?]|$)"
    r"|[?&](?:do|action)=(?:log-?in|sign-?in)\b",
    re.IGNORECASE,
)


def looks_like_login(url: str) -> bool:
    """Does the URL look like a sign-in page (/login, /signin, /sso, /oauth, ?do=login ...)?"""
    rest = url.split("://", 1)[-1]
    return bool(_LOGIN_PATH.search(rest[rest.find("/") :] if "/" in rest else "/"))


@dataclass(frozen=True)
class _Signs:
    """Why a page suggests its reader is logged out (``why`` None: it does not)."""

    why: str | None = None
    decisive: bool = False  # the definition's markers said so: no probe needed
    form: bool = False  # the page shows a login form (skipped even if the login still works)


class LoginWatch:
    """The login checks of one run (state on the engine's loop)."""

    def __init__(
        self,
        *,
        auth_id: str | None,
        markers: LoginMarkers,
        start_url: str,
        probe: Probe,
        normalise: Callable[[str], str | None],
    ) -> None:
        self._auth_id = auth_id
        self._markers = markers
        self._start_url = start_url
        self._probe = probe
        self._normalise = normalise
        self._lost: str | None = None
        self._working_at = -PROBE_TRUSTED_S  # when a probe last found the login working (monotonic)
        self._lock = asyncio.Lock()

    @property
    def lost(self) -> str | None:
        """The message once the login was found expired (None while it works)."""
        return self._lost

    async def assess(
        self, url: str, outcome: FetchOutcome | Disallowed
    ) -> FetchOutcome | Disallowed | NotStored | LoginLost:
        """``outcome`` as the crawl should record it: unchanged, a login form not stored, or the login lost."""
        if self._lost is not None:
            return LoginLost(self._lost)
        if not isinstance(outcome, (FetchedPage, NonHtmlResponse)):
            return outcome
        evidence = await _evidence(outcome, self._markers if self._auth_id else None)
        if self._auth_id is None:
            if isinstance(outcome, FetchedPage) and _is_form_page(outcome, evidence):
                return _login_form(outcome, "not stored: the page is a login form")
            return outcome
        if isinstance(outcome, FetchedPage) and evidence.form and looks_like_login(url) and evidence.logged_out is None:
            return _login_form(outcome, "not stored: the page is a login form")  # the sign-in page itself: no sign
        signs = self._signs(url, outcome, evidence)
        if signs.why is None:
            return outcome
        if signs.decisive or await self._login_gone(url):
            self._lost = (
                f"the login '{self._auth_id}' has expired — capture it again, then resume the job ({url} {signs.why})"
            )
            return LoginLost(self._lost)
        if signs.form and isinstance(outcome, FetchedPage):
            return _login_form(outcome, "not stored: the page shows a login form (the crawl's login works elsewhere)")
        return outcome  # a refusal of this page only: recorded as "authentication required"

    def _signs(self, url: str, outcome: FetchedPage | NonHtmlResponse, evidence: LoginEvidence) -> _Signs:
        status = outcome.status or 0
        if status in (401, 403):
            return _Signs(f"answered HTTP {status}")
        final = self._normalise(outcome.final_url) or outcome.final_url
        if final != url and looks_like_login(final) and not looks_like_login(url):
            return _Signs(f"was sent to the sign-in page {final}")
        if not isinstance(outcome, FetchedPage) or status >= 400:
            return _Signs()
        if evidence.logged_out is not None:  # the definition's markers decide
            return (
                _Signs("shows the definition's logged-out marker", decisive=True) if evidence.logged_out else _Signs()
            )
        if evidence.form:
            return _Signs("shows a login form", form=True)
        return _Signs()

    async def _login_gone(self, url: str) -> bool:
        """Ask the probe page (one probe at a time; a recent success is trusted for a while)."""
        async with self._lock:
            if self._lost is not None:
                return True
            if time.monotonic() - self._working_at < PROBE_TRUSTED_S:
                return False
            target = self._start_url
            if target == url:
                return True  # the start page itself shows the signs
            answer = await self._probe(target)
            if not isinstance(answer, (FetchedPage, NonHtmlResponse)):  # could not ask: judge the page alone
                return False
            evidence = await _evidence(answer, self._markers)
            if self._signs(target, answer, evidence).why is not None:
                return True
            self._working_at = time.monotonic()
            return False


async def _evidence(outcome: FetchedPage | NonHtmlResponse, markers: LoginMarkers | None) -> LoginEvidence:
    if not isinstance(outcome, FetchedPage) or not may_show_login(outcome.html, markers):
        return LoginEvidence()
    return await asyncio.to_thread(login_evidence, outcome.html, markers)


def _is_form_page(page: FetchedPage, evidence: LoginEvidence) -> bool:
    return (page.status or 200) < 400 and evidence.form and evidence.words_beside < FORM_PAGE_WORDS


def _login_form(page: FetchedPage, note: str) -> NotStored:
    return NotStored(page, SkipReason.LOGIN_FORM, note)
