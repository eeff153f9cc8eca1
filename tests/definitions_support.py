"""Shared by the job definition tests (tests/test_definitions.py, tests/test_definition_files.py):
a minimal valid definition with fields changed, and one with every field away from its default."""

from __future__ import annotations

from quaero_desktop.domain.definition import JobDefinition

MINIMAL = {"id": "team-wiki", "name": "Team wiki", "start_urls": ["https://wiki.example.com/start"]}
SOURCE = "defs/team-wiki.toml"


def build(**overrides: object) -> JobDefinition:
    """A definition from MINIMAL with ``overrides`` applied (a value of ... removes the field)."""
    data = {**MINIMAL, **overrides}
    return JobDefinition.from_mapping({k: v for k, v in data.items() if v is not ...}, SOURCE)


def full_definition() -> JobDefinition:
    """A definition with every field away from its default, including awkward characters."""
    return JobDefinition(
        id="team-wiki-2", name='Équipe "wiki" \\ notes', description="Line one\nline two",
        start_urls=("https://wiki.example.com/start", "http://docs.example.com:8080/a?b=c#d"),
        include_patterns=(r"/wiki/\d+", "(?i)docs"), exclude_patterns=("logout", r"/admin\b", '"quoted"'),
        max_depth=7, max_pages=5000, concurrency=16, follow_links=False, same_domain=False,
        use_default_excludes=False, auth_id="wiki.sso_2-x", schedule="*/15 9-17 * * mon-fri",
        timeout="1h30m", enabled=False, auto_start=True, keep_hash_routes=False, render="http",
        stay_under_start_path=True, request_delay="250ms", obey_robots_txt=False, user_agent="TeamBot/2 (+ops)",
        headers=(("Accept-Language", "fr"), ("X-Team", "docs")), proxy="socks5://127.0.0.1:1080",
        obey_noindex=False, obey_nofollow=False, obey_canonical=False, logged_in_selector="#user-menu > a[href]",
        logged_out_selector='form[action*="login"], input[type="password"]', content_selector="main > article",
        exclude_selectors=(".comments", 'aside[data-kind="ad"]'),
    )  # fmt: skip
