"""What an API reference app shows is stored (real Chromium, the test site's /apiref/).

The app renders every operation behind a collapsible ``<button>`` header (method badge, path, summary),
its body with the description, parameters and responses ("404 Not found"), JSON samples drawn as rows of
elements behind tabs, in three kinds of markup (Swagger UI, Redoc, a home-made portal). A crawl must store
every operation's method, path, summary, description and response codes, each badge apart from its label,
each JSON sample as one fenced block, and none of the app's controls ("Try it out", "Copy").
"""

from __future__ import annotations

import json
import re

import pytest

from quaero_desktop.app import App
from quaero_desktop.domain.document import Document
from quaero_desktop.domain.job import JobStatus
from tests.conftest import crawl, make_definition
from tests.testsite import TestSite
from tests.testsite.api_reference import BODY_ON_EVERY_ROUTE, OPERATIONS, PHRASE, Operation

pytestmark = pytest.mark.browser

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_FENCED = re.compile(r"^```[a-z]*\n(.*?)\n```$", re.MULTILINE | re.DOTALL)
# What the app shows that is a control, not content.
NOISE = ("Try it out", "Copy", "Expand all", "Collapse all", "Authorize", "Available authorizations", "Download")


def plain(markdown: str) -> str:
    """The Markdown's text as a reader sees it: links as their text, no emphasis or code marks."""
    text = _LINK.sub(r"\1", markdown).replace("**", "").replace("`", "").replace("\\", "")
    return " ".join(text.split())


def samples(markdown: str) -> list[object]:
    """Every fenced block that holds JSON, parsed."""
    found = []
    for block in _FENCED.findall(markdown):
        try:
            found.append(json.loads(block))
        except ValueError:
            continue
    return found


def stored(app: App, job_id: str, site: TestSite) -> dict[str, Document]:
    """The job's documents by route (path and fragment), each also under its aliases."""
    documents: dict[str, Document] = {}
    for listed in app.documents.list(job_id=job_id):
        document = app.documents.get(listed.id)
        for url in (document.url, *document.aliases):
            documents[url.removeprefix(site.base_url)] = document
    return documents


def operation_document(documents: dict[str, Document], op: Operation) -> Document:
    """Where the operation's body is stored: the start page, or (for an operation whose body the app
    renders only when it is opened) its deep link."""
    route = "/apiref/" if op.id in BODY_ON_EVERY_ROUTE else f"/apiref/#/operations/{op.id}"
    assert route in documents, f"{route} not stored"
    return documents[route]


def test_an_api_reference_app_stores_every_operation_with_its_responses_and_samples(app, fresh_site):
    site = fresh_site
    definition = make_definition([site.url("/apiref/")], include_patterns=["/apiref/"], max_depth=1)
    job = crawl(app, definition)
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.progress.failed == 0
    documents = stored(app, job.id, site)
    start = documents["/apiref/"].markdown
    assert PHRASE in start

    problems: list[str] = []
    for op in OPERATIONS:
        # Every operation's header is on the start page, collapsed or not: the badge apart from its path.
        header = re.compile(rf"(?i)(?<!\w){op.method}\s+{re.escape(op.path)}(?![\w/])")
        if not header.search(plain(start)) or op.summary not in plain(start):
            problems.append(f"{op.id}: header not on the start page")
        if op.tag == "boats" and f"{op.method} {op.path} — {op.summary}" not in plain(start):
            problems.append(f"{op.id}: the header is not one line")
        markdown = operation_document(documents, op).markdown
        text = plain(markdown)
        if op.description not in text:
            problems.append(f"{op.id}: no description")
        for code, reason in op.responses:
            if not re.search(rf"(?<!\w){code}\s+{re.escape(reason)}(?!\w)", text):
                problems.append(f"{op.id}: no response {code} {reason}")
        if op.sample not in samples(markdown):
            problems.append(f"{op.id}: the JSON sample is not one fenced block")
    assert not problems, "\n".join(problems)

    for document in {id(d): d for d in documents.values()}.values():
        text = plain(document.markdown)
        assert not re.search(r"(?i)(?<!\w)(get|post|put|patch|delete)(/|[A-Z][a-z])", text), document.url  # glued
        assert not [noise for noise in NOISE if re.search(rf"(?<!\w){noise}(?!\w)", text)], document.url
