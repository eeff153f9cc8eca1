"""The pure rules behind the crawl's account: login forms and the login watch, robots directives, soft
404s, noise groups and the account's words (no network, no store)."""

from __future__ import annotations

import asyncio
from collections import Counter

from quaero_desktop.crawler.converted_page import NO_RULES
from quaero_desktop.crawler.fetched import FetchedPage, NonHtmlResponse
from quaero_desktop.crawler.login_form import LoginMarkers, login_evidence
from quaero_desktop.crawler.page_directives import robots_directives
from quaero_desktop.crawler.render_check import Difference
from quaero_desktop.crawler.urls import UrlFilter
from quaero_desktop.domain.job import Progress, SkipReason
from quaero_desktop.domain.url_noise import noise_groups
from quaero_desktop.engine.run.login_watch import LoginWatch, looks_like_login
from quaero_desktop.engine.run.not_found_pages import NotFoundPages, is_same_page, kind_of, probe_url
from quaero_desktop.engine.run.page_verdicts import LoginLost, NotStored

WIKI = "http://wiki.test/doku.php?id="
FORM = '<form><input name="u"><input name="p" type="password"><button>Log in</button></form>'


def _page(url: str, html: str, status: int = 200, final_url: str | None = None) -> FetchedPage:
    return FetchedPage(url, final_url or url, status, "text/html", "", "", "", "", False, [], html)


def _body(text: str, extra: str = "") -> str:
    return f"<html><body><nav>Home About</nav><main><p>{text}</p>{extra}</main></body></html>"


def test_a_login_form_is_one_password_field_that_is_not_for_a_new_password() -> None:
    assert login_evidence(_body("Sign in", FORM)).form
    assert login_evidence(_body("Sign in", FORM.replace('type="password"', "TYPE=PASSWORD"))).form
    change = '<input type="password" name="old"><input type="password" name="new"><input type="password" name="again">'
    assert not login_evidence(_body("Change your password", change)).form  # a profile page: content
    assert not login_evidence(_body("Register", '<input type="password" autocomplete="new-password">')).form
    assert not login_evidence(_body("No form here")).form
    long_page = _body("word " * 500, FORM)
    assert login_evidence(long_page).words_beside == 400  # counted up to the cap: a page with a login box
    assert login_evidence(_body("Permission denied. You are not logged in.", FORM)).words_beside == 7


def test_markers_decide_for_the_definition() -> None:
    logged_in = _body("Hello", '<div id="user-menu">alice</div>')
    markers = LoginMarkers(logged_in="#user-menu")
    assert login_evidence(logged_in, markers).logged_out is False
    assert login_evidence(_body("Hello"), markers).logged_out is True
    assert login_evidence(_body("Hi", FORM), LoginMarkers(logged_out="form input[type=password]")).logged_out is True
    assert login_evidence(_body("Hi"), None).logged_out is None


def test_sign_in_urls_are_told_apart() -> None:
    for url in ("https://a.test/login", "https://a.test/users/sign_in?next=/", "https://a.test/x?do=login"):
        assert looks_like_login(url), url
    for url in ("https://a.test/blog/logins-explained", "https://a.test/catalog", "https://login.a.test/"):
        assert not looks_like_login(url), url


def _watch(auth_id: str | None, probe_answers: dict[str, object], asked: list[str]) -> LoginWatch:
    async def probe(url: str) -> object:
        asked.append(url)
        return probe_answers[url]

    return LoginWatch(
        auth_id=auth_id, markers=LoginMarkers(), start_url=WIKI + "start", probe=probe, normalise=lambda url: url
    )


def test_the_watch_asks_the_start_page_before_it_calls_a_login_expired() -> None:
    asked: list[str] = []
    start_ok = _page(WIKI + "start", _body("Welcome to the wiki"))
    watch = _watch("wiki", {WIKI + "start": start_ok}, asked)
    verdict = asyncio.run(watch.assess(WIKI + "private", _page(WIKI + "private", _body("Enter your password", FORM))))
    assert isinstance(verdict, NotStored) and verdict.reason == SkipReason.LOGIN_FORM  # only that page wants a login
    assert asked == [WIKI + "start"] and watch.lost is None

    asked.clear()
    lost_start = _page(WIKI + "start", _body("You are not logged in", FORM))
    watch = _watch("wiki", {WIKI + "start": lost_start}, asked)
    verdict = asyncio.run(watch.assess(WIKI + "howto", _page(WIKI + "howto", _body("Not logged in", FORM))))
    assert isinstance(verdict, LoginLost) and verdict.message.startswith("the login 'wiki' has expired — capture")
    assert "shows a login form" in verdict.message
    later = asyncio.run(watch.assess(WIKI + "faq", _page(WIKI + "faq", _body("fine"))))
    assert isinstance(later, LoginLost)  # every page after the loss waits too

    redirected = _page(WIKI + "howto", "<p>Sign in</p>", final_url="http://wiki.test/login?next=/howto")
    watch = _watch("wiki", {WIKI + "start": lost_start}, [])
    assert isinstance(asyncio.run(watch.assess(WIKI + "howto", redirected)), LoginLost)
    refused = NonHtmlResponse(WIKI + "file", WIKI + "file", 401, "application/pdf")
    watch = _watch("wiki", {WIKI + "start": start_ok}, [])
    assert asyncio.run(watch.assess(WIKI + "file", refused)) is refused  # a refusal of this page only


def test_without_a_login_a_page_that_is_only_a_form_is_not_stored_but_a_page_with_a_login_box_is() -> None:
    watch = _watch(None, {}, [])
    form_page = _page(WIKI + "a", _body("Permission denied. Log in below.", FORM))
    assert isinstance(asyncio.run(watch.assess(WIKI + "a", form_page)), NotStored)
    article = _page(WIKI + "b", _body("A long article. " * 60, FORM))
    assert asyncio.run(watch.assess(WIKI + "b", article)) is article


def test_robots_directives_are_the_ones_for_every_robot() -> None:
    assert robots_directives(["noindex, nofollow"]) == {"noindex", "nofollow"}
    assert robots_directives(["NONE"]) == {"noindex", "nofollow"}
    assert robots_directives(["index,follow", "googlebot: noindex", "unavailable_after: 1 Jan 2030"]) == set()
    assert robots_directives(["noarchive\nnoindex"]) == {"noindex"}


def test_a_soft_404_is_the_template_and_little_else_and_needs_a_real_page_of_its_kind() -> None:
    template = Counter(["this", "topic", "does", "not", "exist", "yet", "create", "it"])
    assert is_same_page(Counter(["this", "topic", "does", "not", "exist", "yet", "create", "it"]), template)
    assert not is_same_page(Counter(["this", "topic", "is", "about", "boats", "and", "harbours"]), template)
    longer = template + Counter(["a", "real", "page", "with", "much", "more", "to", "say", "about", "it"])
    assert not is_same_page(longer, template)

    assert kind_of(WIKI + "guide") == kind_of(WIKI + "other") != kind_of("http://wiki.test/doku.php?q=x")
    probe = probe_url(WIKI + "guide")
    assert probe.startswith(WIKI + "quaeroprobe") and probe != probe_url(WIKI + "guide")  # made up each time
    assert probe_url("http://docs.test/a/b/c.html").startswith("http://docs.test/a/quaeroprobe")
    assert probe_url("http://docs.test/a/b/c.html").endswith(".html")
    assert kind_of("http://docs.test/a/x/b.html") == kind_of("http://docs.test/a/y/c.html")  # one site, one answer
    assert kind_of("http://docs.test/a/b.html") != kind_of("http://docs.test/c/b.html") != kind_of("http://d.test/c/")

    not_found = "<html><body><main><h1>This topic does not exist yet</h1><p>Create it.</p></main></body></html>"
    probes: list[str] = []

    async def probe(url: str) -> object:
        probes.append(url)
        return _page(url, not_found)

    async def scenario() -> tuple[bool, bool, bool]:
        pages = NotFoundPages(probe, [WIKI + "start"], normalise=lambda url: url, rules=NO_RULES)
        echo_first = await pages.matches(WIKI + "gone", "# This topic does not exist yet\n\nCreate it.\n")
        real = await pages.matches(WIKI + "boats", "# Boats\n\nA page about the harbour's boats.\n")
        gone = await pages.matches(WIKI + "gone", "# This topic does not exist yet\n\nCreate it.\n")
        return echo_first, real, gone

    assert asyncio.run(scenario()) == (False, False, True)  # a soft 404 once a real page of its kind was seen
    assert len(probes) == 1  # one check per kind of URL


def test_noise_groups_actions_and_variants_never_content_keys() -> None:
    pages = [WIKI + f"p{i}" for i in range(20)]
    actions = [f"{url}&do={action}" for url in pages for action in ("edit", "revisions")]
    sorts = [f"http://wiki.test/list?page={n}&sort=name" for n in range(10)]
    (do, sort) = noise_groups([*pages, *actions, *sorts], [WIKI + "start"])
    assert (do.label, do.documents, do.of, do.exclude_pattern) == ("do=", 40, 70, "[?&]do=")
    assert do.text == "40 of 70 documents come from URLs with do="
    assert sort.label == "sort=" and UrlFilter([WIKI + "start"], (), (sort.exclude_pattern,)).rejection(sorts[0])
    assert noise_groups(pages) == []  # ?id= names the pages themselves
    assert noise_groups(actions, [WIKI + "x&do=edit"])[0].label != "do="  # never a pattern that excludes a start URL


def test_a_difference_without_the_links_the_crawl_knows_may_be_none() -> None:
    difference = Difference(("http://a.test/x", "http://a.test/y"), 0, 10)
    assert difference.without_links({"http://a.test/x", "http://a.test/y"}) is None
    assert difference.without_links({"http://a.test/x"}) == Difference(("http://a.test/y",), 0, 10)
    assert Difference((), 30, 100).without_links({"http://a.test/x"}) == Difference((), 30, 100)


def test_the_account_names_every_reason() -> None:
    progress = Progress(
        completed=10,
        failed=1,
        skipped=5,
        duplicates=2,
        skipped_by=(("canonical", 2), ("login_form", 1), ("noindex", 3), ("not_html", 1)),
    )
    assert progress.account_text == (
        "skipped: noindex 3, login form 1, not HTML 1; duplicates: canonical URL crawled instead 2"
    )
    assert progress.skipped_by_dict() == {"noindex": 3, "canonical": 2, "login_form": 1, "not_html": 1}
    assert Progress().account_text == ""
