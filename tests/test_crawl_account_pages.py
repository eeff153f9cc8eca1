"""Every page a crawl meets is accounted for: stored, skipped with its reason, or failed with an error a
person can read — and the site's own signals (noindex, nofollow, canonical) are obeyed and counted.

render = "http" here, so these run without a browser (the guard fails a test that launches one);
test_crawl_account_browser.py crawls the same pages in auto and browser mode."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest

from quaero_desktop.cli.main import main
from quaero_desktop.crawler.http import html_page
from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.definition_io import load_definition_file
from quaero_desktop.domain.errors import ValidationError
from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason
from tests.conftest import crawl, make_definition
from tests.testsite.manual import CHAPTERS


def _run_json(app, definition_path) -> tuple[int, dict]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(["--data-dir", str(app.data_dir), "run", str(definition_path), "--json"])
    return code, json.loads(out.getvalue())


def _accounted(job) -> None:
    """The account adds up: every page is completed (document, skipped, duplicate or gone) or failed."""
    progress = job.progress
    assert job.status == JobStatus.COMPLETED, job.error
    assert progress.pending == progress.running == progress.cancelled == 0
    assert progress.completed + progress.failed == progress.total


def test_a_manual_whose_pages_start_with_an_xml_declaration_is_stored_whole(app, fresh_site, tmp_path):
    site = fresh_site
    definition = tmp_path / "manual.toml"
    definition.write_text(
        f'id = "manual"\nname = "Manual"\nstart_urls = ["{site.url("/manual/index.html")}"]\n'
        'include_patterns = ["/manual/"]\nrender = "http"\n',
        encoding="utf-8",
    )
    code, summary = _run_json(app, definition)
    assert code == 0 and summary["status"] == "completed"
    assert (summary["documents"], summary["pages_total"], summary["pages_cancelled"]) == (4, 4, 0)
    stored = {d.url.rsplit("/", 1)[1]: app.documents.get(d.id) for d in app.documents.list()}
    assert set(stored) == set(CHAPTERS)
    for name, (title, phrase, _links) in CHAPTERS.items():
        assert stored[name].title == title and phrase in stored[name].markdown
    assert "Köln" in stored["ch02.html"].title  # declared ISO-8859-1, no charset in the header
    _accounted(app.jobs.get(summary["job_id"]))


def test_noindex_nofollow_and_canonical_are_obeyed_and_each_counted(app, fresh_site):
    site = fresh_site
    job = crawl(app, make_definition([site.url("/tags/")], include_patterns=["/tags/"], max_depth=2, render="http"))
    _accounted(job)
    stored = {d.url.removeprefix(site.url("/tags/")) for d in app.documents.list(job_id=job.id)}
    loop = stored & {"loop-a", "loop-b"}
    assert len(loop) == 1  # two pages naming each other: one is stored, never neither
    assert stored - loop == {"", "behind-noindex", "nofollow-page", "article", "canonical-only", "googlebot-only"}
    assert site.hits("/tags/behind-nofollow") == 0 and site.hits("/tags/rel-nofollow-target") == 0
    assert site.hits("/tags/canonical-only") == 1  # claimed for the variant that named it, fetched once

    children = {c.url.removeprefix(site.url("/tags/")): c for c in app.jobs.children(job.id)}
    for name in ("noindex", "header-noindex"):
        assert (children[name].result, children[name].reason) == (PageResult.SKIPPED, SkipReason.NOINDEX)
        assert "noindex" in (children[name].note or "")
    for name in ("article?sort=asc", "article?print=1", "variant?v=1"):
        assert (children[name].result, children[name].reason) == (PageResult.DUPLICATE, SkipReason.CANONICAL)
    assert dict(job.progress.skipped_by) == {"noindex": 2, "canonical": 4}  # the variants and one of the loop
    assert (job.progress.skipped, job.progress.duplicates) == (2, 4)
    assert job.progress.account_text == "skipped: noindex 2; duplicates: canonical URL crawled instead 4"

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert main(["--data-dir", str(app.data_dir), "jobs", "show", job.id, "--json"]) == 0
    shown = json.loads(out.getvalue())
    assert shown["skipped_by"] == {"canonical": 4, "noindex": 2}
    assert {c["url"]: c["reason"] for c in shown["children"]}[site.url("/tags/noindex")] == "noindex"


def test_each_signal_can_be_ignored_by_the_definition(app, fresh_site):
    site = fresh_site
    definition = make_definition(
        [site.url("/tags/")],
        include_patterns=["/tags/"],
        max_depth=2,
        render="http",
        obey_noindex=False,
        obey_nofollow=False,
        obey_canonical=False,
    )
    job = crawl(app, definition)
    _accounted(job)
    stored = {d.url.removeprefix(site.url("/tags/")) for d in app.documents.list(job_id=job.id)}
    assert {"noindex", "header-noindex", "behind-nofollow", "rel-nofollow-target", "loop-a", "loop-b"} <= stored
    assert {"article?sort=asc", "article?print=1", "variant?v=1"} <= stored
    assert "canonical-only" not in stored  # nobody links it; only obeying canonical URLs finds it
    assert job.progress.skipped_by == ()


def test_breadcrumbs_relative_times_and_view_counts_do_not_make_a_page_changed(app, fresh_site):
    site = fresh_site
    definition = make_definition([site.url("/tags/live")], max_depth=0, render="http")
    first = crawl(app, definition)
    stored = app.documents.get_by_url(site.url("/tags/live"))
    assert "ticking abacus" in stored.markdown and "You are here" not in stored.markdown
    second = crawl(app, definition)  # new bytes, new counts: the same page
    assert (first.progress.new, second.progress.unchanged, second.progress.changed) == (1, 1, 0)
    assert app.documents.get_by_url(site.url("/tags/live")).updated_at == stored.updated_at
    site.change_page("/tags/live")
    third = crawl(app, definition)
    assert third.progress.changed == 1 and "Revision 1" in app.documents.get_by_url(site.url("/tags/live")).markdown


def test_an_error_nobody_planned_for_fails_that_page_with_its_text_and_the_crawl_goes_on(
    app, fresh_site, monkeypatch, caplog
):
    site = fresh_site
    real = html_page.js_signals_of_tree

    def breaks_on_chapter_one(html: str, document):
        if "brass sextant" in html:
            raise ValueError("a parser met something it did not expect")
        return real(html, document)

    monkeypatch.setattr(html_page, "js_signals_of_tree", breaks_on_chapter_one)
    job = crawl(app, make_definition([site.url("/manual/index.html")], include_patterns=["/manual/"], render="http"))
    _accounted(job)
    (failed,) = [c for c in app.jobs.children(job.id) if c.status == JobStatus.FAILED]
    assert failed.url == site.url("/manual/ch01.html")
    assert failed.error == "could not read the page (ValueError: a parser met something it did not expect)"
    assert job.document_count == 3
    assert any(record.exc_info and "ch01.html" in record.getMessage() for record in caplog.records)  # -v: traceback


@pytest.mark.parametrize("obey", [True, False])
def test_the_definition_fields_round_trip_through_a_file(obey, tmp_path):
    path = tmp_path / "d.toml"
    path.write_text(
        'id = "d"\nname = "D"\nstart_urls = ["https://wiki.example.com/"]\n'
        f"obey_noindex = {str(obey).lower()}\nobey_nofollow = {str(obey).lower()}\n"
        f"obey_canonical = {str(obey).lower()}\nlogged_in_selector = '#user-menu'\n",
        encoding="utf-8",
    )
    definition = load_definition_file(path)
    assert (definition.obey_noindex, definition.obey_nofollow, definition.obey_canonical) == (obey, obey, obey)
    assert definition.logged_in_selector == "#user-menu" and definition.logged_out_selector == ""
    with pytest.raises(ValidationError) as caught:
        JobDefinition.from_mapping({**definition.to_mapping(), "logged_out_selector": "form[action="}, "the file")
    assert (caught.value.field, caught.value.value) == ("logged_out_selector", "form[action=")
    assert "a CSS selector, such as" in str(caught.value) and "does not parse" in str(caught.value)
