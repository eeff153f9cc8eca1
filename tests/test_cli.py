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
        "documents",
        "duration_s",
        "crawl_s",
    }
    assert summary["status"] == "completed"
    assert summary["pages_completed"] == 3 and summary["pages_failed"] == 0 and summary["documents"] == 3
    assert summary["duration_s"] >= summary["crawl_s"] > 0  # wall time includes the browser's start
    assert "pending" in result.stderr  # progress goes to stderr, never into the JSON

    listed = json.loads(cli("documents", "list", "--json", data_dir=data_dir).stdout)
    assert len(listed) == summary["documents"]
    assert set(listed[0]) == {"id", "url", "title", "job_id", "chars", "updated_at"}
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


def test_bad_definitions_exit_2_naming_file_field_value_and_expectation(tmp_path, data_dir):
    bad_regex = write_definition(
        tmp_path / "bad.toml", 'id = "x"\nname = "X"\nstart_urls = ["https://a.example/"]\ninclude_patterns = ["[a-"]\n'
    )
    result = cli("run", str(bad_regex), data_dir=data_dir)
    assert result.returncode == 2
    assert str(bad_regex) in result.stderr and "include_patterns[0]" in result.stderr and "'[a-'" in result.stderr
    assert "Traceback" not in result.stderr

    syntax = write_definition(tmp_path / "syntax.toml", 'id = "x"\nname = "X\nstart_urls = []\n')
    result = cli("definitions", "import", str(syntax), data_dir=data_dir)
    assert result.returncode == 2 and "line 2" in result.stderr and "Traceback" not in result.stderr

    bad_json = write_definition(tmp_path / "bad.json", '{"id": "x",\n "name": "X",\n "start_urls": ["ftp://a/"]}')
    result = cli("definitions", "import", str(bad_json), data_dir=data_dir)
    assert result.returncode == 2 and "start_urls[0]" in result.stderr and "http" in result.stderr
    # Nothing was stored from the refused files.
    assert json.loads(cli("definitions", "list", "--json", data_dir=data_dir).stdout) == []

    assert cli("run", "no-such-definition", data_dir=data_dir).returncode == 2
    assert cli("jobs", "show", "ffffffff", data_dir=data_dir).returncode == 2
    assert cli("documents", "show", "12345", data_dir=data_dir).returncode == 2


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
    hyphen = json.loads(cli("documents", "search", "zebra-striped", "--json", data_dir=data_dir).stdout)
    assert [h["url"] for h in hyphen] == [fresh_site.url("/docs/getting-started")]

    doc_id = str(hits[0]["id"])
    markdown = cli("documents", "show", doc_id, data_dir=data_dir).stdout
    assert markdown.startswith("# The Guide")

    out = tmp_path / "export"
    result = cli("documents", "export", str(out), data_dir=data_dir)
    assert result.returncode == 0
    files = sorted(out.glob("*.md"))
    assert len(files) == 3
    guide = next(f for f in files if "guide" in f.name).read_text()
    assert guide.startswith("---\nurl: ")
    assert f'url: "{fresh_site.url("/docs/guide")}"' in guide and 'title: "The Guide"' in guide and "crawled: " in guide
    assert "# The Guide" in guide


def test_version_and_help(data_dir):
    result = cli("--version", data_dir=data_dir)
    assert result.returncode == 0 and result.stdout.startswith("quaero-desktop ")
    assert cli("frobnicate", data_dir=data_dir).returncode == 2
