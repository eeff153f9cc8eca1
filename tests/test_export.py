"""The Markdown vault export: paths, front matter, links, and exporting again into the same folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from quaero_desktop.domain.document import DocumentFilter, PageContent
from quaero_desktop.services.document_export import MANIFEST_NAME, ExportCancelled
from quaero_desktop.services.vault_layout import assign_paths, natural_path
from quaero_desktop.store import documents_repo
from quaero_desktop.store.schema import documents

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://wiki.example.com/docs/guide.html", "wiki.example.com/docs/guide.md"),
        ("https://wiki.example.com/", "wiki.example.com/index.md"),
        ("https://wiki.example.com/docs/", "wiki.example.com/docs/index.md"),
        ("http://127.0.0.1:8765/a%20b/list?page=2&sort=asc", "127.0.0.1-8765/a b/list--page-2-sort-asc.md"),
        ("https://h.example/CON", "h.example/CON_.md"),  # a name Windows reserves
        ("https://h.example/what:is*this?", "h.example/what-is-this.md"),
    ],
)
def test_one_folder_per_host_and_path(url, path):
    assert natural_path(url) == path


def test_paths_that_differ_only_in_case_get_the_id_and_kept_paths_stay():
    assert assign_paths([(1, "https://h.example/Docs"), (2, "https://h.example/docs")], {}) == {
        1: "h.example/Docs.md",
        2: "h.example/docs-2.md",
    }
    assert assign_paths([(2, "https://h.example/docs")], {2: "h.example/old-name.md"}) == {2: "h.example/old-name.md"}


def _store(app, pages):
    ids = {}
    with app.database.write() as conn:
        for n, (url, markdown) in enumerate(pages):
            page = PageContent(url=url, title=url.rsplit("/", 1)[1], markdown=markdown, content_hash=markdown)
            ids[url], _ = documents_repo.upsert(conn, page, job_id=None, definition_id="s", now=NOW + timedelta(n))
    return ids


def test_exporting_again_updates_in_place_and_removes_what_is_gone(app, tmp_path):
    ids = _store(
        app,
        [
            ("https://a.example/one", "# One\n\nSee [two](https://a.example/two#part) and [out](https://b.example/x)."),
            ("https://a.example/two", "# Two\n\nBack to [one](https://a.example/one)."),
            ("https://a.example/three", "# Three"),
        ],
    )
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "my-notes.md").write_text("mine", encoding="utf-8")  # the user's own file
    first = app.documents.export(vault)
    assert (first.written, first.unchanged, first.removed) == (3, 0, 0)
    one = (vault / "a.example" / "one.md").read_text(encoding="utf-8")
    assert "[two](two.md#part)" in one and "[out](https://b.example/x)" in one
    assert (
        one.startswith('---\nurl: "https://a.example/one"\ntitle: "one"\n')
        and f"quaero_id: {ids['https://a.example/one']}" in one
    )
    two_mtime = (vault / "a.example" / "two.md").stat().st_mtime_ns

    # The first document changes, the third is deleted from the knowledge base.
    with app.database.write() as conn:
        page = PageContent(url="https://a.example/one", title="one", markdown="# One, edited", content_hash="new")
        documents_repo.upsert(conn, page, job_id=None, definition_id="s", now=NOW)
        conn.execute(documents.delete().where(documents.c.id == ids["https://a.example/three"]))
    second = app.documents.export(vault)
    assert (second.written, second.unchanged, second.removed) == (1, 1, 1)
    assert (vault / "a.example" / "one.md").read_text(encoding="utf-8").endswith("# One, edited\n")
    assert (vault / "a.example" / "two.md").stat().st_mtime_ns == two_mtime  # untouched
    assert not (vault / "a.example" / "three.md").exists()
    assert (vault / "my-notes.md").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in vault.rglob("*.md")) == ["my-notes.md", "one.md", "two.md"]
    assert not list(vault.rglob(".export-*"))  # no temporary file left

    # Exporting part of the knowledge base keeps the other files and their entries.
    third = app.documents.export(vault, where=DocumentFilter(ids=(ids["https://a.example/two"],)))
    assert (third.written, third.unchanged, third.removed) == (0, 1, 0)
    assert len(json.loads((vault / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"]) == 2


def test_a_manifest_never_makes_the_export_touch_files_outside_the_folder(app, tmp_path):
    _store(app, [("https://a.example/one", "# One")])
    outside = tmp_path / "outside.md"
    outside.write_text("keep me", encoding="utf-8")
    vault = tmp_path / "vault"
    vault.mkdir()
    forged = {"documents": {"999": {"path": "../outside.md", "url": "https://x", "sha256": "0"}}}
    (vault / MANIFEST_NAME).write_text(json.dumps(forged), encoding="utf-8")
    result = app.documents.export(vault)
    assert result.removed == 0 and outside.read_text(encoding="utf-8") == "keep me"


def test_a_cancelled_export_leaves_whole_files_and_a_matching_manifest(app, tmp_path):
    _store(app, [(f"https://a.example/p{n}", f"# Page {n}") for n in range(5)])
    done: list[int] = []
    with pytest.raises(ExportCancelled, match="after 2 of 5"):
        app.documents.export(tmp_path, progress=lambda d, _t: done.append(d), cancelled=lambda: len(done) >= 2)
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"]
    assert sorted(entry["path"] for entry in manifest.values()) == ["a.example/p0.md", "a.example/p1.md"]
    assert len(list(tmp_path.rglob("*.md"))) == 2
