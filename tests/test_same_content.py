"""Nothing stored twice: a page that shows the text of a stored document (identical, or near-identical)
is that document's alias, and a link that only scrolls a hash-routed page to a heading is the page.

The crawls here read over HTTP (render = "http"); test_same_content_browser.py crawls the test site's
hash-routed docs app in the browser."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import UTC, datetime

import anyio
import pytest
from mcp import Client

from quaero_desktop.cli.main import main
from quaero_desktop.crawler.anchor_links import heading_anchor_links
from quaero_desktop.crawler.page_likeness import NEAR_SIMILARITY, outline_key, shingles, similarity
from quaero_desktop.domain.document import PageContent
from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason
from quaero_desktop.engine.run.same_content import Likeness, SameContent
from quaero_desktop.mcp_server.server import build_server
from quaero_desktop.store import documents_repo, jobs_repo
from tests.conftest import crawl, make_definition

WORDS = ("keeper", "wrote", "down", "wind", "sea", "sky", "and", "every", "ship", "that", "passed", "island")


def _text(count: int, *, changed: int | None = None) -> str:
    words = [WORDS[i % len(WORDS)] + str(i) for i in range(count)]
    if changed is not None:
        words[changed] = "changed"
    return " ".join(words)


def test_near_identical_means_the_same_outline_and_all_but_a_few_words():
    # One word changed in the middle of a text: resemblance (n - 5) / (n + 1).
    for count, near in ((60, False), (110, False), (130, True), (400, True)):
        alike = similarity(shingles(_text(count)), shingles(_text(count, changed=count // 2)))
        assert (alike >= NEAR_SIMILARITY) is near, (count, alike)
    assert similarity(shingles("Status: open."), shingles("Status: closed.")) < 0.5  # a short page
    assert similarity(shingles("one two"), shingles("One, two!")) == 1.0  # fewer than three words
    assert outline_key(["Guide", "Install"]) == outline_key(["guide", "  Install "])
    assert outline_key(["GET /pets/{petId}"]) != outline_key(["DELETE /pets/{petId}"])
    assert outline_key([]) == outline_key([""]) == ""


def test_a_hash_route_query_naming_one_of_the_pages_headings_is_an_anchor():
    html = '<h1 id="guide">Guide</h1><h2 id="install">Install</h2><h3 class="x" id=\'set%20up\'>Set up</h3><p id="p">'
    page = "http://x/docs/#/guide"
    links = [
        "http://x/docs/#/guide?id=install",  # an anchor
        "http://x/docs/#/guide?id=set%20up",  # an anchor (escaped)
        "http://x/docs/#/guide?anchor=install",  # any parameter name
        "http://x/docs/#/guide?id=p",  # not a heading's id
        "http://x/docs/#/guide?id=install&lang=de",  # two parameters: the app's own
        "http://x/docs/#/api?id=install",  # another route
        "http://x/other/#/guide?id=install",  # another page
        "http://x/docs/?id=install",  # a query the server reads
    ]
    assert heading_anchor_links(page, links, html) == set(links[:3])
    # The variant of a route is read as its route; the app's home route is the page without a fragment.
    assert heading_anchor_links("http://x/docs/#/guide?id=install", links[:1], html) == set(links[:1])
    assert heading_anchor_links("http://x/docs/", ["http://x/docs/#/?id=guide"], html) == {"http://x/docs/#/?id=guide"}
    assert heading_anchor_links(page, ["http://x/docs/#/guide?id=install"], "<p>no headings</p>") == set()


def _children(app, job, prefix):
    return {c.url.removeprefix(prefix): c for c in app.jobs.children(job.id)}


def _same_site_crawl(app, site):
    definition = make_definition([site.url("/same/")], include_patterns=["/same/"], max_depth=2, render="http")
    return crawl(app, definition)


def test_identical_and_near_identical_pages_are_stored_once_and_the_others_kept_apart(store_app, fresh_site):
    app = store_app
    site = fresh_site
    job = _same_site_crawl(app, site)
    assert job.status == JobStatus.COMPLETED, job.error
    prefix = site.url("/same/")
    stored = {d.url.removeprefix(prefix): d for d in app.documents.list(job_id=job.id)}
    # Alike but different: two API operations (96% alike, other headings), two short tickets, an article
    # with a comment (82% alike) — each a document of its own.
    assert set(stored) == {
        "",
        "article",
        "article-with-comments",
        "ops/get-pet",
        "ops/delete-pet",
        "status-open",
        "status-closed",
        "notice",
    }
    assert set(stored["article"].aliases) == {site.url("/same/article?ref=sidebar"), site.url("/same/article/print")}
    assert stored["notice"].aliases == (site.url("/same/notice-copy"),)
    assert all(not d.aliases for name, d in stored.items() if name not in ("article", "notice"))

    children = _children(app, job, prefix)
    for name, same_as in (("article?ref=sidebar", "article"), ("article/print", "article"), ("notice-copy", "notice")):
        child = children[name]
        assert (child.status, child.result, child.reason) == (
            JobStatus.COMPLETED,
            PageResult.DUPLICATE,
            SkipReason.SAME_CONTENT,
        )
        assert child.note is not None and child.note.startswith(f"same as {prefix}{same_as}")
    assert "alike" in (children["article/print"].note or "")  # near-identical: how alike it was
    assert "alike" not in (children["article?ref=sidebar"].note or "")

    progress = job.progress
    assert (progress.completed, progress.failed, progress.duplicates, job.document_count) == (11, 0, 3, 8)
    assert dict(progress.skipped_by) == {"same_content": 3}
    assert progress.account_text == "duplicates: same content as a stored page 3"

    # An alias finds its document; the document lists its aliases.
    document = app.documents.get_by_url(site.url("/same/article?ref=sidebar"))
    assert document.url == site.url("/same/article") and len(document.aliases) == 2
    assert app.documents.get(document.id).aliases == document.aliases


def test_the_outputs_name_the_aliases(app, fresh_site, tmp_path):
    site = fresh_site
    job = _same_site_crawl(app, site)
    article = site.url("/same/article")
    alias = site.url("/same/article?ref=sidebar")

    def run_json(*args: str) -> object:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["--data-dir", str(app.data_dir), *args]) == 0
        return json.loads(out.getvalue())

    shown = run_json("documents", "show", alias, "--json")
    assert shown["url"] == article and alias in shown["aliases"] and "Lighthouse" in shown["markdown"]
    listed = {d["url"]: d for d in run_json("documents", "list", "--json")}
    assert alias in listed[article]["aliases"] and listed[site.url("/same/")]["aliases"] == []
    hits = run_json("documents", "search", "barnacles OR painter", "--json")
    assert [hit["aliases"] for hit in hits if hit["url"] == article] == [sorted(listed[article]["aliases"])]
    children = {c["url"]: c for c in run_json("jobs", "show", job.id, "--json")["children"]}
    assert children[alias]["same_as"] == article and "aliases" not in children[alias]
    assert set(children[article]["aliases"]) == {alias, site.url("/same/article/print")}
    assert children[site.url("/same/ops/get-pet")]["aliases"] == []

    async def scenario() -> tuple[str, dict]:
        async with Client(build_server(app)) as client:
            read = await client.call_tool("read_document", {"url": alias})
            found = await client.call_tool("search", {"query": "painter"})
            text = "".join(block.text for block in read.content if block.type == "text")
            return text, found.structured_content or {}

    text, found = anyio.run(scenario)
    front = text.split("---\n", 2)[1]
    assert f'url: "{article}"' in front and "\naliases:\n  - " in front and f'  - "{alias}"\n' in front
    (hit,) = [hit for hit in found["results"] if hit["url"] == article]
    assert alias in hit["aliases"]

    # Exports name them too: a JSON line's "aliases", a vault file's front matter.
    exported = tmp_path / "jsonl"
    app.documents.export(exported, fmt="jsonl")
    lines = {line["url"]: line for line in map(json.loads, (exported / "quaero-documents.jsonl").open())}
    assert set(lines[article]["aliases"]) == {alias, site.url("/same/article/print")}
    assert lines[site.url("/same/ops/get-pet")]["aliases"] == []
    app.documents.export(tmp_path / "vault")
    fronts = [path.read_text().split("---\n", 2)[1] for path in (tmp_path / "vault").rglob("*.md")]
    (article_front,) = [front for front in fronts if f'url: "{article}"' in front]
    assert f"aliases: {json.dumps(sorted(lines[article]['aliases']))}" in article_front
    assert sum("aliases:" in front for front in fronts) == 2  # the article and the notice
    # A link to an alias leads to its document's file (the notice links its copy).
    (notice,) = [p for p in (tmp_path / "vault").rglob("*.md") if f'url: "{site.url("/same/notice")}"' in p.read_text()]
    assert f"[Notice]({notice.name})" in notice.read_text().split("---\n", 2)[2]


def test_the_read_document_tool_says_how_long_its_pages_are(app):
    async def scenario() -> str:
        async with Client(build_server(app)) as client:
            (tool,) = [tool for tool in (await client.list_tools()).tools if tool.name == "read_document"]
            return tool.description or ""

    description = anyio.run(scenario)
    assert "aliases" in description and "{" not in description and "characters" in description


def test_a_re_crawl_stores_nothing_twice_and_keeps_the_aliases(store_app, fresh_site, store_url):
    app = store_app
    site = fresh_site
    first = _same_site_crawl(app, site)
    site.change_page("/same/article")  # the article and its ?ref= variant change; the print version does not
    again = _same_site_crawl(app, site)
    assert again.status == JobStatus.COMPLETED, again.error
    assert (again.document_count, again.progress.duplicates) == (first.document_count, 3)
    assert app.documents.count() == 8
    article = app.documents.get_by_url(site.url("/same/article"))
    assert "Revision 1 of this page." in article.markdown
    assert set(article.aliases) == {site.url("/same/article?ref=sidebar"), site.url("/same/article/print")}
    children = _children(app, again, site.url("/same/"))
    assert children["article"].result == PageResult.DOCUMENT
    # Still near-identical: the print version lacks the revision's five words and has its own three.
    assert children["article/print"].reason == SkipReason.SAME_CONTENT
    # The first crawl's pages still say which document they were the same as, and what was the same as theirs.
    for job in (first, again):
        out = io.StringIO()
        with redirect_stdout(out):
            store = ["--database-url", store_url] if store_url else []
            assert main(["--data-dir", str(app.data_dir), *store, "jobs", "show", job.id, "--json"]) == 0
        shown = {child["url"]: child for child in json.loads(out.getvalue())["children"]}
        assert shown[site.url("/same/notice-copy")]["same_as"] == site.url("/same/notice"), job.id
        assert shown[site.url("/same/notice")]["aliases"] == [site.url("/same/notice-copy")], job.id


def test_a_document_stored_twice_before_is_folded_into_the_one_this_crawl_stored(store_app, fresh_site):
    app = store_app
    site = fresh_site
    first = _same_site_crawl(app, site)
    notice = app.documents.get_by_url(site.url("/same/notice"))
    copy_url = site.url("/same/notice-copy")
    with app.database.write() as conn:  # what a crawl before aliases existed left: the same text twice
        content = PageContent(url=copy_url, title=notice.title, markdown=notice.markdown, content_hash="x")
        documents_repo.store_page(conn, content, job_id=first.id, definition_id="test-crawl", now=datetime.now(UTC))
    assert app.documents.count() == 9
    again = _same_site_crawl(app, site)
    assert again.status == JobStatus.COMPLETED, again.error
    assert app.documents.count() == 8
    assert app.documents.get_by_url(copy_url).id == notice.id
    child = _children(app, again, site.url("/same/"))["notice-copy"]
    assert (child.result, child.reason) == (PageResult.DUPLICATE, SkipReason.SAME_CONTENT)
    assert again.document_count == first.document_count


def test_calendar_months_and_short_pages_are_never_taken_for_each_other(app, fresh_site):
    site = fresh_site
    definition = make_definition(
        [site.url("/calendar/2026/01")], include_patterns=["/calendar/"], max_depth=2, render="http"
    )
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    months = {d.url.removeprefix(site.url("/calendar/")) for d in app.documents.list(job_id=job.id)}
    assert months == {"2025/11", "2025/12", "2026/01", "2026/02", "2026/03"}
    assert job.progress.duplicates == 0


def test_many_pages_of_one_outline_are_compared_by_their_sketches(store_database):
    database = store_database
    """A site whose pages share a title and headings: candidates come from the sketches, not a scan."""
    index = SameContent("job", None)
    texts = {n: _text(300) + f" page{n} " + " ".join(f"own{n}w{i}" for i in range(60)) for n in range(12)}
    now = datetime.now(UTC)
    with database.write() as conn:
        jobs_repo.create_parent(
            conn, job_id="job", name="A", definition_id=None, config={}, metadata={}, owner_pid=1, now=now
        )
        for n, text in texts.items():
            content = PageContent(
                url=f"http://x/{n}", title="App", markdown=text, content_hash=f"h{n}", outline_key="o"
            )
            stored = documents_repo.store_page(conn, content, job_id="job", definition_id=None, now=now)
            index.add(stored.document_id, f"h{n}", "o")
        near_copy = texts[7].replace("own7w30", "edited")
        found, keys = index.find(conn, "http://x/new", Likeness("other", "o", near_copy))
        assert found is not None and found.url == "http://x/7" and 0.95 <= found.similarity < 1.0 and keys
        assert index.find(conn, "http://x/new", Likeness("other", "o", _text(400)))[0] is None
        assert index.find(conn, "http://x/7", Likeness("h7", "o", texts[7]))[0] is None  # its own document


@pytest.mark.gui
def test_the_job_windows_pages_table_says_which_page_a_duplicate_is_the_same_as(app, fresh_site, qapp):
    from quaero_desktop.gui.job_detail.child_rows import ChildColumn
    from quaero_desktop.gui.job_detail.job_header import JobHeader
    from quaero_desktop.gui.job_detail.pages_tab import PagesTab, read_rows
    from tests.job_detail_support import _column

    site = fresh_site
    job = _same_site_crawl(app, site)
    tab = PagesTab(app, job.id)
    tab.model.reset(read_rows(app, job.id))
    notes = dict(zip(_column(tab.model, ChildColumn.URL), _column(tab.model, ChildColumn.NOTE), strict=True))
    assert notes[site.url("/same/notice-copy")].startswith(f"same as {site.url('/same/notice')}")
    assert notes[site.url("/same/article/print")].startswith(f"same as {site.url('/same/article')} (9")
    # The header's account counts them as duplicates, not as documents.
    header = JobHeader()
    header.show_job(app.jobs.get(job.id))
    assert header.account_label.text() == "Not stored: duplicates: same content as a stored page 3"
    assert header.documents_label.text() == "8"
