"""The command line contract: commands, JSON fields, messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli, write_definition

DEFINITION = """
id = "docs"
name = "Test site docs"
start_urls = ["{start}"]
include_patterns = ["/docs/"]
max_depth = 1
concurrency = 3
"""


def _docs_definition(tmp_path: Path, site) -> Path:
    return write_definition(tmp_path / "docs.toml", DEFINITION.format(start=site.url("/docs/guide")))


@pytest.mark.browser
def test_run_json_summary_and_exit_code(tmp_path, data_dir, fresh_site):
    result = cli("run", str(_docs_definition(tmp_path, fresh_site)), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {
        "job_id",
        "status",
        "pages_completed",
        "pages_failed",
        "pages_rendered_empty",
        "pages_rendered_incomplete",
        "pages_new",
        "pages_changed",
        "pages_unchanged",
        "pages_gone",
        "documents",
        "duration_s",
        "crawl_s",
        "error",
        "stopped_by",
        "urls_left",
        "pages_total",
        "pages_skipped",
        "pages_duplicate",
        "pages_cancelled",
        "pages_pending",
        "skipped_by",
        "noise",
    }
    assert summary["status"] == "completed" and summary["error"] is None
    assert (summary["pages_total"], summary["skipped_by"], summary["noise"]) == (3, {}, [])
    assert summary["pages_completed"] == 3 and summary["pages_failed"] == 0 and summary["documents"] == 3
    assert summary["duration_s"] >= summary["crawl_s"] > 0  # wall time includes the browser's start
    assert "pending" in result.stderr  # progress goes to stderr, never into the JSON

    listed = json.loads(cli("documents", "list", "--json", data_dir=data_dir).stdout)
    assert len(listed) == summary["documents"]
    assert set(listed[0]) == {"id", "url", "title", "job_id", "chars", "updated_at", "gone", "aliases", "sources"}
    assert {d["job_id"] for d in listed} == {summary["job_id"]}
    assert fresh_site.url("/docs/moved-target") not in {d["url"] for d in listed}

    jobs = json.loads(cli("jobs", "list", "--json", data_dir=data_dir).stdout)
    assert [j["job_id"] for j in jobs] == [summary["job_id"]]
    assert jobs[0]["progress"]["completed"] == 3 and jobs[0]["documents"] == 3
    shown = json.loads(cli("jobs", "show", summary["job_id"][:6], "--json", data_dir=data_dir).stdout)
    assert shown["metadata"] == {"job_definition_id": "docs", "trigger": "manual"}
    assert len(shown["children"]) == 3
    text = cli("jobs", "show", summary["job_id"], data_dir=data_dir).stdout
    assert "0 pending, 0 running, 3 completed, 0 failed" in text


@pytest.mark.browser
def test_failed_crawl_exits_1(tmp_path, data_dir):
    path = write_definition(
        tmp_path / "dead.toml", 'id = "dead"\nname = "Dead"\nstart_urls = ["http://127.0.0.1:9/"]\n'
    )
    result = cli("run", str(path), "--json", data_dir=data_dir)
    assert result.returncode == 1
    assert json.loads(result.stdout)["status"] == "failed"
    assert "start URL unreachable" in result.stderr


def test_bad_definitions_exit_2_naming_file_field_value_and_expectation(tmp_path, data_dir, capsys):
    where = ("--data-dir", str(data_dir))
    bad_regex = write_definition(
        tmp_path / "bad.toml", 'id = "x"\nname = "X"\nstart_urls = ["https://a.example/"]\ninclude_patterns = ["[a-"]\n'
    )
    code, _, err = _main(capsys, "run", str(bad_regex), *where)
    assert code == 2
    assert str(bad_regex) in err and "include_patterns[0]" in err and "'[a-'" in err

    syntax = write_definition(tmp_path / "syntax.toml", 'id = "x"\nname = "X\nstart_urls = []\n')
    code, _, err = _main(capsys, "definitions", "import", str(syntax), *where)
    assert code == 2 and "line 2" in err

    bad_json = write_definition(tmp_path / "bad.json", '{"id": "x",\n "name": "X",\n "start_urls": ["ftp://a/"]}')
    code, _, err = _main(capsys, "definitions", "import", str(bad_json), *where)
    assert code == 2 and "start_urls[0]" in err and "http" in err
    # Nothing was stored from the refused files.
    assert json.loads(_main(capsys, "definitions", "list", "--json", *where)[1]) == []

    assert _main(capsys, "run", "no-such-definition", *where)[0] == 2
    assert _main(capsys, "jobs", "show", "ffffffff", *where)[0] == 2
    assert _main(capsys, "documents", "show", "12345", *where)[0] == 2

    # The same contract from the installed entry point, in a process of its own: no traceback.
    result = cli("run", str(bad_regex), data_dir=data_dir)
    assert result.returncode == 2 and "include_patterns[0]" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.browser
def test_definitions_import_list_export_delete_and_run_by_id(tmp_path, data_dir, fresh_site):
    path = _docs_definition(tmp_path, fresh_site)
    result = cli("definitions", "import", str(path), data_dir=data_dir)
    assert result.returncode == 0 and "imported definition 'docs'" in result.stdout
    again = cli("definitions", "import", str(path), data_dir=data_dir)
    assert "replaced" in again.stdout
    listed = json.loads(cli("definitions", "list", "--json", data_dir=data_dir).stdout)
    assert [d["id"] for d in listed] == ["docs"] and listed[0]["max_depth"] == 1
    exported = cli("definitions", "export", "docs", data_dir=data_dir).stdout
    assert 'id = "docs"' in exported and "include_patterns" in exported
    json_path = tmp_path / "out.json"
    assert cli("definitions", "export", "docs", str(json_path), data_dir=data_dir).returncode == 0
    assert json.loads(json_path.read_text())["name"] == "Test site docs"

    run = cli("run", "docs", "--json", data_dir=data_dir)
    assert run.returncode == 0 and json.loads(run.stdout)["documents"] == 3

    assert cli("definitions", "delete", "docs", data_dir=data_dir).returncode == 0
    assert cli("definitions", "delete", "docs", data_dir=data_dir).returncode == 2


@pytest.mark.browser
def test_search_show_and_export(tmp_path, data_dir, fresh_site):
    assert cli("run", str(_docs_definition(tmp_path, fresh_site)), data_dir=data_dir).returncode == 0
    hits = json.loads(cli("documents", "search", "marzipan", "--json", data_dir=data_dir).stdout)
    assert [h["url"] for h in hits] == [fresh_site.url("/docs/guide")]
    assert "marzipan" in hits[0]["snippet"].lower()
    # What users type: hyphens, quotes, operators and stray punctuation never cause an error.
    for query in [
        "zebra-striped",
        '"quartz tortoise"',
        "flamingo OR",
        "AND (",
        "'",
        '"unbalanced',
        "*",
        "NEAR(",
        "a:b",
    ]:
        result = cli("documents", "search", query, "--json", data_dir=data_dir)
        assert result.returncode == 0, (query, result.stderr)
        json.loads(result.stdout)
    long_query = cli("documents", "search", "marzipan " * 3000, "--json", data_dir=data_dir)  # cut, and said
    assert json.loads(long_query.stdout)[0]["url"] == fresh_site.url("/docs/guide")
    assert "note: The query is 27,000 characters long: only its first 2,000" in long_query.stderr
    hyphen = json.loads(cli("documents", "search", "zebra-striped", "--json", data_dir=data_dir).stdout)
    assert [h["url"] for h in hyphen] == [fresh_site.url("/docs/getting-started")]

    doc_id = str(hits[0]["id"])
    markdown = cli("documents", "show", doc_id, data_dir=data_dir).stdout
    assert markdown.startswith("# The Guide")

    out = tmp_path / "export"
    result = cli("documents", "export", str(out), data_dir=data_dir)
    assert result.returncode == 0
    files = sorted(out.rglob("*.md"))  # one folder per host and path: 127.0.0.1-PORT/docs/guide.md
    assert len(files) == 3
    assert all(f.parent.name == "docs" and f.parent.parent.parent == out for f in files)
    guide = next(f for f in files if "guide" in f.name).read_text()
    assert guide.startswith("---\nurl: ")
    assert f'url: "{fresh_site.url("/docs/guide")}"' in guide and 'title: "The Guide"' in guide and "crawled: " in guide
    assert "# The Guide" in guide


def test_version_and_help(data_dir, capsys):
    code, out, _ = _main(capsys, "--version")
    assert code == 0 and out.startswith("quaero-desktop ")
    assert _main(capsys, "frobnicate", "--data-dir", str(data_dir))[0] == 2


def _stored_documents(data_dir: Path) -> None:
    """Documents of two definitions, stored directly (no crawl)."""
    from datetime import UTC, datetime

    from quaero_desktop.domain.document import PageContent
    from quaero_desktop.store import documents_repo, open_database

    database = open_database(data_dir)
    with database.write() as conn:
        for n, (url, source, when) in enumerate(
            [
                ("https://wiki.example.com/fog", "wiki", datetime(2026, 10, 1, tzinfo=UTC)),
                ("https://wiki.example.com/lamp", "wiki", datetime(2026, 11, 20, tzinfo=UTC)),
                ("https://docs.example.org/fog", "docs", datetime(2026, 11, 21, tzinfo=UTC)),
            ]
        ):
            title = url.rsplit("/", 1)[1].capitalize()
            markdown = f"# {title}\n\nThe {title.lower()} of {source}: see [fog](https://wiki.example.com/fog)."
            page = PageContent(url=url, title=title, markdown=markdown, content_hash=str(n))
            documents_repo.upsert(conn, page, job_id=None, definition_id=source, now=when)
    database.dispose()


def _main(capsys, *args: str) -> tuple[int, str, str]:
    """The command line in this process (the same parser and handlers; no interpreter start-up)."""
    from quaero_desktop.cli.main import main

    try:
        code = main(list(args))
    except SystemExit as exit_:  # --help and argparse errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_source_filters_formats_and_the_syntax_help(tmp_path, data_dir, capsys):
    _stored_documents(data_dir)
    where = ("--data-dir", str(data_dir))
    code, out, _ = _main(capsys, "documents", "list", "--json", "--source", "wiki", *where)
    assert [d["url"] for d in json.loads(out)] == ["https://wiki.example.com/fog", "https://wiki.example.com/lamp"]
    code, out, _ = _main(capsys, "documents", "search", "fog", "--source", "docs", "--json", *where)
    hits = json.loads(out)
    assert [(h["url"], h["source"]) for h in hits] == [("https://docs.example.org/fog", "docs")]
    assert "[fog]" in hits[0]["snippet"].lower() and hits[0]["crawled"].startswith("2026-11-21")
    code, _, err = _main(capsys, "documents", "search", "fog", "--source", "nope", *where)
    assert code == 2 and "no source 'nope'" in err

    code, helped, _ = _main(capsys, "documents", "search", "--help")
    for piece in ('"fog signal"', "fog OR mist", "-horn", "sign*", "site:example.com", "title:keeper", "source:"):
        assert piece in helped

    vault = tmp_path / "vault"
    code, out, err = _main(
        capsys, "documents", "export", str(vault), "--source", "wiki", "--since", "2026-11-01", *where
    )
    assert code == 0, err
    assert sorted(str(p.relative_to(vault)) for p in vault.rglob("*.md")) == ["wiki.example.com/lamp.md"]
    assert "(1 new or changed, 0 unchanged)" in out
    code, out, _ = _main(capsys, "documents", "export", str(vault), *where)  # everything, into the same folder
    assert "wrote 3 document(s)" in out and "(3 new or changed, 0 unchanged)" in out  # lamp's link now leads to a file
    lamp = (vault / "wiki.example.com" / "lamp.md").read_text(encoding="utf-8")
    assert lamp.startswith('---\nurl: "https://wiki.example.com/lamp"\ntitle: "Lamp"\n') and 'source: "wiki"' in lamp
    assert "see [fog](fog.md)" in lamp  # a link to an exported page leads to its file
    docs_fog = (vault / "docs.example.org" / "fog.md").read_text(encoding="utf-8")
    assert "see [fog](../wiki.example.com/fog.md)" in docs_fog

    code, out, _ = _main(capsys, "documents", "export", str(tmp_path / "lines"), "--format", "jsonl", *where)
    lines = (tmp_path / "lines" / "quaero-documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert code == 0 and [json.loads(line)["source"] for line in lines] == ["wiki", "wiki", "docs"]
    assert set(json.loads(lines[0])) >= {"id", "url", "title", "markdown", "crawled", "updated", "source"}
    code, _, err = _main(capsys, "documents", "export", str(vault), "--since", "last tuesday", *where)
    assert code == 2 and "'last tuesday' is not a date" in err
