"""Auto mode decides per kind of page, not per host (issue 20): which pages a sample that differs
sends to the browser, when a host falls back to the browser as a whole, and redirect stubs."""

from __future__ import annotations

import asyncio

from quaero_desktop.crawler.meta_refresh import refresh_target
from quaero_desktop.crawler.render_check import (
    ALIKE_AFTER,
    FIRST_SAMPLES,
    FREE_KIND_SAMPLES,
    KIND_SAMPLE_SHARE,
    KINDS_BEFORE_HOST,
    SAMPLE_EVERY,
    VOUCHED_SAMPLE_EVERY,
    Check,
    RenderDecisions,
    compare,
    page_kind,
)

WORDS = " ".join(f"word{i}" for i in range(300))


def test_a_kind_is_the_host_and_the_directory():
    assert page_kind("https://Docs.Example/api/v2/widgets.html?x=1#top") == "https://docs.example/api/v2/"
    assert page_kind("https://docs.example/api/v2/") == "https://docs.example/api/v2/"
    assert page_kind("https://docs.example") == "https://docs.example/"


def test_differences_in_chrome_self_links_or_below_the_threshold_switch_nothing():
    page = "https://a/docs/download.html"
    copy_buttons = compare(WORDS, [page], WORDS + " Copy Copied to clipboard", [page])
    assert copy_buttons is None
    self_link = compare(WORDS, [], WORDS, [page, page + "#section"])
    assert self_link is not None and self_link.without_own_links([page], "") is None
    known = compare(WORDS, [], WORDS, ["https://a/docs/seen.html"])
    assert known is not None and known.without_links({"https://a/docs/seen.html"}) is None
    decisions = RenderDecisions()
    assert decisions.browser_reason(page) is None  # nothing above switched anything


def test_a_page_that_differs_sends_its_kind_to_the_browser_not_its_host():
    decisions = RenderDecisions()
    line = decisions.switch_to_browser("https://a.example/app/board.html", "it builds its board by script")
    assert line == (
        "switched the pages under https://a.example/app/ to the browser for the rest of the crawl: "
        "it builds its board by script"
    )
    assert decisions.browser_reason("https://a.example/app/other.html") == "it builds its board by script"
    assert decisions.browser_reason("https://a.example/docs/intro.html") is None  # static pages stay on HTTP
    assert decisions.browser_reason("https://a.example/app/deeper/x.html") is None  # another directory
    assert decisions.switch_to_browser("https://a.example/app/again.html", "again") is None  # said once


def test_every_kind_is_sampled_first_then_one_in_n_of_its_host():
    decisions = RenderDecisions()
    docs = [decisions.sample(f"https://a.example/docs/{i}.html", framework=False) for i in range(2 * SAMPLE_EVERY)]
    assert docs[:FIRST_SAMPLES] == [True] * FIRST_SAMPLES and sum(docs) == FIRST_SAMPLES + 2
    # A section met later is sampled from its first page: a script-built section found late is caught.
    assert decisions.in_first_samples("https://a.example/app/1.html")
    assert decisions.sample("https://a.example/app/1.html", framework=False)
    assert not decisions.in_first_samples("https://a.example/app/2.html")
    assert not decisions.sample("https://a.example/app/2.html", framework=False)
    decisions.switch_to_browser("https://a.example/app/1.html", "why")
    # A kind that switched does not stop the sampling of the others.
    assert decisions.sample("https://a.example/api/1.html", framework=False)


def test_after_several_kinds_differ_the_whole_host_goes_to_the_browser():
    decisions = RenderDecisions()
    lines = [
        decisions.switch_to_browser(f"https://a.example/s{i}/p.html", f"why {i}") for i in range(KINDS_BEFORE_HOST)
    ]
    assert all(line is not None and line.startswith("switched the pages under") for line in lines[:-1])
    assert lines[-1] is not None and lines[-1].startswith(
        f"switched the host to the browser for the rest of the crawl ({KINDS_BEFORE_HOST} kinds of its pages differ"
    )
    assert "https://a.example/s0/" in lines[-1] and lines[-1].endswith(f"why {KINDS_BEFORE_HOST - 1}")
    assert decisions.browser_reason("https://a.example/elsewhere/x.html") is not None
    assert decisions.browser_reason("https://b.example/s0/p.html") is None  # another host decides on its own
    assert decisions.switch_to_browser("https://a.example/more/p.html", "more") is None


def test_a_page_waits_only_for_the_checks_that_may_send_it_to_the_browser():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        decisions = RenderDecisions()
        app_check: Check = loop.create_future()
        decisions.sample("https://a.example/app/1.html", framework=False)
        decisions.add_first_check("https://a.example/app/1.html", app_check)
        assert decisions.open_checks("https://a.example/docs/1.html") is None  # another kind: nothing to wait for
        waiting = decisions.open_checks("https://a.example/app/2.html")
        assert waiting is not None and waiting.checks == (app_check,)
        decisions.switch_to_browser("https://a.example/app/1.html", "why")
        app_check.set_result(None)
        assert await waiting.rendered_instead() == (True, None)  # its kind switched: read it again
        assert decisions.unfinished_checks() == []

    asyncio.run(scenario())


def test_sections_running_the_scripts_of_clean_samples_are_not_sampled_but_follow_them():
    """A documentation site runs one set of scripts in every section: once ``ALIKE_AFTER`` samples ran
    them, a new section's pages are no samples; they wait for those samples' checks and go to the
    browser with the first of them that differs. Pages without the key are sampled as before."""

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        decisions = RenderDecisions()
        checks = []
        for number in range(ALIKE_AFTER):
            url = f"https://a.example/s{number}/1.html"
            assert decisions.in_first_samples(url, "sphinx")
            assert decisions.sample(url, framework=False, alike_key="sphinx")
            check: Check = loop.create_future()
            decisions.add_first_check(url, check, "sphinx")
            checks.append(check)
        assert not decisions.in_first_samples("https://a.example/library/os.html", "sphinx")
        assert not decisions.sample("https://a.example/library/os.html", framework=False, alike_key="sphinx")
        assert decisions.sample("https://a.example/blog/1.html", framework=False, alike_key="other scripts")
        waiting = decisions.open_checks("https://a.example/library/sys.html", alike_key="sphinx")
        assert waiting is not None and set(waiting.checks) == set(checks)
        line = decisions.switch_to_browser("https://a.example/s1/1.html", "a script adds text", "sphinx")
        assert line is not None and "https://a.example/library/" in line
        checks[1].set_result(None)
        for check in checks[::2]:
            check.set_result(None)
        assert await waiting.rendered_instead() == (True, None)  # stored from its HTML meanwhile: read again
        assert decisions.browser_reason("https://a.example/library/re.html") == "a script adds text"
        # Those scripts differed once: a new section running them is sampled again.
        assert decisions.sample("https://a.example/howto/1.html", framework=False, alike_key="sphinx")

    asyncio.run(scenario())


def test_pages_whose_scripts_are_vouched_for_are_sampled_half_as_often():
    decisions = RenderDecisions()
    for number in range(ALIKE_AFTER):
        assert decisions.sample(f"https://a.example/s{number}/1.html", framework=False, alike_key="sphinx")
    pages = 4 * SAMPLE_EVERY
    vouched = [
        decisions.sample(f"https://a.example/library/{i}.html", framework=False, alike_key="sphinx")
        for i in range(pages)
    ]
    assert sum(vouched) == pages // VOUCHED_SAMPLE_EVERY
    other = RenderDecisions()
    unknown = [other.sample(f"https://b.example/library/{i}.html", framework=False) for i in range(pages)]
    assert sum(unknown) == FIRST_SAMPLES + pages // SAMPLE_EVERY


def test_a_meta_refresh_stub_is_a_redirect():
    stub = (
        '<html><head><meta http-equiv="Content-Type" content="text/html"><!-- ' + "x" * 3000 + " -->"
        '<meta http-equiv="Refresh" content="0; url=Multiple-Input-Buffers.html#Scanning-Strings"></head>'
        '<body><p>The node you are looking for is at <a href="Multiple-Input-Buffers.html">it</a>.</p></body></html>'
    )
    base = "https://a.example/flex/Scanning-Strings.html"
    assert refresh_target(stub, base) == "https://a.example/flex/Multiple-Input-Buffers.html#Scanning-Strings"
    assert (
        refresh_target("<head><meta http-equiv=refresh content='3;URL=\"/b\"'></head>", base) == "https://a.example/b"
    )
    assert refresh_target('<head><meta http-equiv="refresh" content="300"></head>', base) is None  # reloads itself
    assert refresh_target('<head><meta http-equiv="refresh" content="600; url=/b"></head>', base) is None  # later
    assert refresh_target('<head><meta http-equiv="refresh" content="0; url=#top"></head>', base) is None  # itself
    assert refresh_target(f"<head><title>t</title></head><body>{WORDS}</body>", base) is None


def test_a_site_whose_every_page_is_a_directory_is_not_all_rendered():
    decisions = RenderDecisions()
    sampled = [decisions.sample(f"https://blog.example/2024/05/post-{i}/", framework=False) for i in range(1000)]
    assert all(sampled[:FREE_KIND_SAMPLES]) and not sampled[FREE_KIND_SAMPLES]  # the first kinds, then a budget
    assert sum(sampled) <= FIRST_SAMPLES + FREE_KIND_SAMPLES + 1000 // KIND_SAMPLE_SHARE + 1
    assert sum(sampled[500:]) >= 500 // KIND_SAMPLE_SHARE - 1  # still one in ten, not one in fifty
