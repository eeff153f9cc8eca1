"""A document belongs to every source that crawled it: two definitions crawl overlapping pages of the
test site for real (render = "http": no browser), and each keeps its own count, search, export and
MCP answer; deleting one's documents keeps those the other holds. And the store's migration of a
revision-0010 file, whose documents each had one source."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta

import anyio
from alembic import command
from alembic.config import Config
from mcp import Client

from quaero_desktop.cli.main import main
from quaero_desktop.domain.document import DocumentFilter, PageContent
from quaero_desktop.domain.job import PageChange
from quaero_desktop.mcp_server.server import build_server
from quaero_desktop.store import document_sources_repo, documents_repo, jobs_repo, search_repo
from quaero_desktop.store.migrate import MIGRATIONS_DIR, current_revision, head_revision
from tests.conftest import crawl, make_definition

# The handbook: the home page and its links (no retry waits); docs: the three docs pages and one
# month of the calendar, which the handbook does not reach.
HANDBOOK = {
    "/",
    "/docs/getting-started",
    "/docs/guide",
    "/docs/reference",
    "/js-page",
    "/docs/moved-target",
    "/calendar/2026/01",
    "/search?q=kept",
}
DOCS = {"/docs/getting-started", "/docs/guide", "/docs/reference", "/calendar/2026/03"}
SHARED = HANDBOOK & DOCS


def _crawl_both(app, site):
    handbook = make_definition(
        [site.url("/")],
        id="handbook",
        name="Handbook",
        max_depth=1,
        exclude_patterns=["/slow", "/flaky", "/error-500"],
        render="http",
    )
    docs = make_definition(
        [site.url("/docs/guide"), site.url("/calendar/2026/03")],
        id="docs",
        name="Docs",
        max_depth=1,
        include_patterns=["/docs/", "/calendar/2026/03$"],
        render="http",
    )
    app.definitions.save(handbook)
    app.definitions.save(docs)
    return crawl(app, handbook), crawl(app, docs)


def _urls(site, paths):
    return {site.url(path) for path in paths}


def test_two_sources_crawling_the_same_pages_each_hold_them(app, fresh_site, tmp_path):
    site = fresh_site
    first, second = _crawl_both(app, site)
    # The second crawl found the shared pages unchanged: it keeps them, counts them, and they stay the first's.
    assert second.document_count == len(DOCS) and second.progress.unchanged == len(SHARED)
    children = {child.url: child for child in app.jobs.children(second.id)}
    assert children[site.url("/docs/guide")].change == PageChange.UNCHANGED
    assert app.documents.count() == len(HANDBOOK | DOCS)

    overview = {source.id: source for source in app.sources.list()}
    assert (overview["handbook"].documents, overview["docs"].documents) == (len(HANDBOOK), len(DOCS))
    for source, paths in (("handbook", HANDBOOK), ("docs", DOCS)):
        listed = app.documents.list(where=DocumentFilter(sources=(source,)))
        assert {d.url for d in listed} == _urls(site, paths)
        assert app.documents.count(where=DocumentFilter(sources=(source,))) == len(paths)
    # Each job's documents, though the second source crawled three of the first's last.
    assert {d.url for d in app.documents.list(job_id=first.id)} == _urls(site, HANDBOOK)
    assert {d.url for d in app.documents.list(job_id=second.id)} == _urls(site, DOCS)

    reference = app.documents.get_by_url(site.url("/docs/reference"))
    assert reference.sources == ("handbook", "docs") and reference.definition_id == "docs"
    for query in ("source:handbook quartz tortoise almanac", "source:docs quartz tortoise almanac"):
        hits = app.documents.search(query)
        assert [hit.url for hit in hits] == [reference.url] and hits[0].sources == ("handbook", "docs")
    assert app.documents.search("-source:docs quartz tortoise almanac") == []
    assert [hit.url for hit in app.documents.search("source:handbook copper kettle orchestra")] == [site.url("/")]
    assert app.documents.search("source:docs copper kettle orchestra") == []
    assert {hit.url for hit in app.documents.search("source:docs", limit=50)} == _urls(site, DOCS)
    assert len(app.documents.search("-source:docs", limit=50)) == len(HANDBOOK - DOCS)
    with app.database.read() as conn:  # a menu's source and a typed one combine: both must hold
        both = search_repo.search(conn, "source:handbook almanac", where=DocumentFilter(sources=("docs",)))
    assert [hit.url for hit in both] == [reference.url]

    exported = app.documents.export(tmp_path / "jsonl", fmt="jsonl", where=DocumentFilter(sources=("docs",)))
    assert exported.written == len(DOCS)
    lines = [json.loads(line) for line in (tmp_path / "jsonl" / "quaero-documents.jsonl").read_text().splitlines()]
    assert {line["url"] for line in lines} == _urls(site, DOCS)
    assert {line["url"]: line["sources"] for line in lines}[reference.url] == ["handbook", "docs"]
    assert {line["url"]: line["sources"] for line in lines}[site.url("/calendar/2026/03")] == ["docs"]
    app.documents.export(tmp_path / "vault", where=DocumentFilter(sources=("handbook",)))
    vault = sorted((tmp_path / "vault").rglob("*.md"))
    assert len(vault) == len(HANDBOOK)
    assert any('sources: ["handbook", "docs"]' in path.read_text() for path in vault)

    async def scenario() -> None:
        async with Client(build_server(app)) as client:
            result = await client.call_tool("list_sources", {})
            sources = {source["id"]: source for source in result.structured_content["sources"]}
            assert (sources["handbook"]["documents"], sources["docs"]["documents"]) == (len(HANDBOOK), len(DOCS))
            for source in ("handbook", "docs"):
                result = await client.call_tool("search", {"query": "quartz tortoise almanac", "source": source})
                (hit,) = result.structured_content["results"]
                assert (hit["source"], hit["sources"]) == ("docs", ["handbook", "docs"])
            result = await client.call_tool("read_document", {"id": reference.id})
            text = "".join(block.text for block in result.content if block.type == "text")
            assert 'sources: ["handbook", "docs"]' in text

    anyio.run(scenario)

    # The command line's JSON: each source lists it, and every answer names both sources.
    for source, paths in (("handbook", HANDBOOK), ("docs", DOCS)):
        listed = {d["url"]: d for d in _run_json(app, "documents", "list", "--source", source, "--json")}
        assert set(listed) == _urls(site, paths)
        assert listed[reference.url]["sources"] == ["handbook", "docs"]
    (hit,) = _run_json(app, "documents", "search", "quartz tortoise almanac", "--source", "handbook", "--json")
    assert (hit["source"], hit["sources"]) == ("docs", ["handbook", "docs"])
    shown = _run_json(app, "documents", "show", str(reference.id), "--json")
    assert (shown["source"], shown["sources"]) == ("docs", ["handbook", "docs"])


def _run_json(app, *args: str) -> object:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--data-dir", str(app.data_dir), *args]) == 0
    return json.loads(out.getvalue())


def test_deleting_one_sources_documents_keeps_those_the_other_holds(app, fresh_site):
    site = fresh_site
    first, second = _crawl_both(app, site)
    app.jobs.delete(second.id, with_documents=True)
    # Only the docs source's own page went; the shared ones are the handbook's alone now.
    assert {d.url for d in app.documents.list()} == _urls(site, HANDBOOK)
    overview = {source.id: source.documents for source in app.sources.list()}
    assert overview == {"handbook": len(HANDBOOK), "docs": 0}
    assert app.documents.search("source:docs quartz tortoise almanac") == []
    reference = app.documents.get_by_url(site.url("/docs/reference"))
    assert (reference.sources, reference.definition_id, reference.job_id) == (("handbook",), "handbook", first.id)
    assert [hit.id for hit in app.documents.search("source:handbook quartz tortoise almanac")] == [reference.id]

    again = crawl(app, app.definitions.get("docs"))  # crawled again, they are the docs source's too
    assert again.document_count == len(DOCS)
    assert app.documents.get(reference.id).sources == ("handbook", "docs")
    app.jobs.delete(first.id, with_documents=True)
    assert {d.url for d in app.documents.list()} == _urls(site, DOCS)
    assert {source.id: source.documents for source in app.sources.list()} == {"handbook": 0, "docs": len(DOCS)}


NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_deleting_a_jobs_documents_also_deletes_those_of_no_source(store_database):
    database = store_database
    with database.write() as conn:
        jobs_repo.create_parent(
            conn, job_id="j1", name="J", definition_id=None, config={}, metadata={}, owner_pid=1, now=NOW
        )
        lone, _ = documents_repo.upsert(
            conn,
            PageContent(url="https://a.example/x", title="X", markdown="x"),
            job_id="j1",
            definition_id=None,
            now=NOW,
        )
        jobs_repo.delete_parent(conn, "j1", with_documents=True)
        assert documents_repo.get(conn, lone) is None


def test_the_migration_makes_each_documents_source_its_first_link(database):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.write() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    when = NOW.isoformat(timespec="microseconds")
    with database.write() as conn:  # a store as 0010 left it: each document with one source
        conn.exec_driver_sql(
            "INSERT INTO jobs (id, type, definition_id, name, status, config_json, metadata_json, created_at,"
            " document_count, attempts, auth_failed, cancel_requested) VALUES"
            " ('old-job', 'parent', 'wiki', 'Wiki', 'completed', '{}', '{}', ?, 2, 0, 0, 0)",
            (when,),
        )
        for n, source in ((1, "wiki"), (2, "wiki"), (3, "manual"), (4, None)):
            conn.exec_driver_sql(
                "INSERT INTO documents (url, title, markdown, description, canonical_url, language, final_url,"
                " content_hash, job_id, definition_id, first_crawled_at, last_crawled_at, updated_at, host_key)"
                " VALUES (?, ?, ?, '', '', '', '', ?, ?, ?, ?, ?, ?, 'example.w')",
                (
                    f"https://w.example/{n}",
                    f"Page {n}",
                    f"lantern number{n}",
                    str(n),
                    "old-job" if source == "wiki" else None,
                    source,
                    when,
                    when,
                    when,
                ),
            )
    with database.write() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert current_revision(database) == head_revision()
    with database.read() as conn:
        links = conn.exec_driver_sql(
            "SELECT d.url, s.definition_id, s.job_id, s.first_crawled_at, s.last_crawled_at"
            " FROM document_sources s JOIN documents d ON d.id = s.document_id ORDER BY d.url"
        ).all()
        assert [tuple(row) for row in links] == [
            ("https://w.example/1", "wiki", "old-job", when, when),
            ("https://w.example/2", "wiki", "old-job", when, when),
            ("https://w.example/3", "manual", None, when, when),
        ]
        assert {hit.url for hit in search_repo.search(conn, "source:wiki lantern")} == {
            "https://w.example/1",
            "https://w.example/2",
        }
        assert document_sources_repo.source_ids(conn) == {"wiki", "manual"}
    later = NOW + timedelta(days=1)
    with database.write() as conn:  # another source crawls a migrated document: both hold it
        jobs_repo.create_parent(
            conn, job_id="new-job", name="M", definition_id="manual", config={}, metadata={}, owner_pid=1, now=later
        )
        page = PageContent(url="https://w.example/1", title="Page 1", markdown="lantern number1", content_hash="1")
        stored = documents_repo.store_page(conn, page, job_id="new-job", definition_id="manual", now=later)
        assert stored.new_for_job and stored.change == PageChange.UNCHANGED
        assert documents_repo.get(conn, stored.document_id).sources == ("wiki", "manual")
        # The full-text triggers survived the migration: a changed page is found by its new words.
        documents_repo.store_page(
            conn,
            PageContent(url="https://w.example/2", title="Page 2", markdown="beacon", content_hash="2b"),
            job_id="new-job",
            definition_id="manual",
            now=later,
        )
        assert [hit.url for hit in search_repo.search(conn, "source:wiki beacon")] == ["https://w.example/2"]
