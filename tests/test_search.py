"""Search syntax and ranking over a real SQLite file: what a user types, what they get, in what order."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quaero_desktop.domain.document import DocumentFilter, PageContent
from quaero_desktop.domain.search_syntax import MAX_QUERY_CHARS, MAX_QUERY_WORDS, SearchQuery, Term, parse_query
from quaero_desktop.store import documents_repo, open_database, search_repo
from quaero_desktop.store.search_query import to_fts, to_fts_query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

# url, title, markdown, source
CORPUS = [
    ("https://wiki.example.com/ref/5", "Reference card", "The code UNIQUE-DOC-5 is on this card.", "wiki"),
    ("https://wiki.example.com/ref/51", "Reference card", "The code UNIQUE-DOC-51 is on this card.", "wiki"),
    ("https://wiki.example.com/ref/52", "Reference card", "The code UNIQUE-DOC-52 is on this card.", "wiki"),
    (
        "https://wiki.example.com/keeper",
        "Lighthouse keeper",
        "Duties of a keeper: the lamp, the log, the fog horn.",
        "wiki",
    ),
    ("https://docs.example.com/fog", "Fog signals", "A fog signal sounds in fog. The keeper starts it.", "docs"),
    ("https://docs.example.com/weather", "Weather", "Mist and fog in the morning, a gale by night.", "docs"),
    ("https://other.org/signals", "Signal flags", "Flags and lamps signal ships; no horn here.", "other"),
    ("https://other.org/sign", "Sign posts", "A sign shows the way to the keeper's cottage.", "other"),
]


def store_corpus(conn) -> None:
    """CORPUS in the store, each document a minute newer than the one before (the later, the newer)."""
    for n, (url, title, markdown, source) in enumerate(CORPUS):
        documents_repo.upsert(
            conn,
            PageContent(url=url, title=title, markdown=markdown, content_hash=str(n)),
            job_id=None,
            definition_id=source,
            now=NOW + timedelta(minutes=n),
        )


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("search"))
    with db.write() as conn:
        store_corpus(conn)
    yield db
    db.dispose()


def urls(database, text: str, *, as_you_type: bool = False, where: DocumentFilter | None = None) -> list[str]:
    with database.read() as conn:
        hits = search_repo.search(conn, text, as_you_type=as_you_type, where=where, limit=50)
    return [hit.url.split("//", 1)[1] for hit in hits]


# ----- the syntax -----


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("fog signal", SearchQuery(clauses=((Term(("fog",)),), (Term(("signal",)),)))),
        ('"fog signal"', SearchQuery(clauses=((Term(("fog", "signal")),),))),
        ("fog OR mist", SearchQuery(clauses=((Term(("fog",)), Term(("mist",))),))),
        ("fog or mist", SearchQuery(clauses=((Term(("fog",)),), (Term(("or",)),), (Term(("mist",)),)))),
        ("OR fog", SearchQuery(clauses=((Term(("OR",)),), (Term(("fog",)),)))),
        ("-horn keeper", SearchQuery(clauses=((Term(("keeper",)),),), excluded=(Term(("horn",)),))),
        ("sign*", SearchQuery(clauses=((Term(("sign",), prefix=True),),))),
        ("zebra-striped", SearchQuery(clauses=((Term(("zebra", "striped")),),))),
        ("title:keeper", SearchQuery(clauses=((Term(("keeper",), title_only=True),),))),
        (
            "site:https://Wiki.Example.com/docs fog",
            SearchQuery(clauses=((Term(("fog",)),),), sites=("wiki.example.com",)),
        ),
        (
            "source:wiki -source:docs -site:other.org",
            SearchQuery(sources=("wiki",), excluded_sources=("docs",), excluded_sites=("other.org",)),
        ),
        ("site:a.org OR site:b.org", SearchQuery(sites=("a.org", "b.org"))),
        ("site: title:", SearchQuery(clauses=((Term(("site",)),), (Term(("title",)),)))),
        ("a:b NEAR(c AND", SearchQuery(clauses=((Term(("a", "b")),), (Term(("NEAR", "c")),), (Term(("AND",)),)))),
        ('"unbalanced quote', SearchQuery(clauses=((Term(("unbalanced", "quote")),),))),
        ("*** () - --", SearchQuery()),
    ],
)
def test_the_syntax_reads_what_users_type(typed, expected):
    assert parse_query(typed) == expected


def test_while_typing_the_last_word_is_a_prefix_from_three_letters():
    assert parse_query("fog sig", as_you_type=True).clauses[-1] == (Term(("sig",), prefix=True),)
    assert parse_query("fog si", as_you_type=True).clauses[-1] == (Term(("si",)),)  # too short to expand
    assert parse_query("fog sig ", as_you_type=True).clauses[-1] == (Term(("sig",)),)  # a space: the word is done
    assert parse_query('"fog sig"', as_you_type=True).clauses[-1] == (Term(("fog", "sig")),)
    assert parse_query("fog sig").clauses[-1] == (Term(("sig",)),)  # the CLI and MCP take whole words


@pytest.mark.parametrize(
    ("typed", "match"),
    [
        ("fog", '"fog"'),
        ("zebra-striped flamingo", '"zebra striped" AND "flamingo"'),
        ("a OR b c", '("a" OR "b") AND "c"'),
        (
            'keeper -horn -"fog signal"',  # left out in every form
            '("keeper") NOT (("horn" OR "horns" OR "horned" OR "horning") OR ("fog signal" OR "fog signals" OR '
            '"fog signaled" OR "fog signaling" OR "fog signalled" OR "fog signalling"))',
        ),
        ("title:keeper sign*", 'title : "keeper" AND "sign"*'),
        ("site:x.org", None),
    ],
)
def test_queries_become_quoted_fts_expressions(typed, match):
    assert to_fts_query(typed, prefix_last=False) == match


# ----- what comes back, and in what order -----


def test_an_exact_term_ranks_above_prefix_matches(database):
    """The reported bug: UNIQUE-DOC-5 listed UNIQUE-DOC-51 first, because the last word was always
    searched as a prefix (5 -> 5*) and bm25 scores a prefix hit like an exact one."""
    assert urls(database, "UNIQUE-DOC-5") == ["wiki.example.com/ref/5"]
    assert urls(database, "UNIQUE-DOC-5*")[0] == "wiki.example.com/ref/5"
    assert sorted(urls(database, "UNIQUE-DOC-5*")[1:]) == ["wiki.example.com/ref/51", "wiki.example.com/ref/52"]
    assert urls(database, "sign*")[0] == "other.org/sign"  # "sign" itself before signal, signals
    assert urls(database, "keep", as_you_type=True)[0].endswith("keeper")  # typing: keep -> keeper


def test_title_matches_weigh_more_than_body_matches(database):
    # "keeper" is in the body of three documents and the title of one: that one comes first.
    assert urls(database, "keeper")[0] == "wiki.example.com/keeper"
    assert urls(database, "fog")[0] == "docs.example.com/fog"


def test_each_operator_and_filter(database):
    assert urls(database, "fog signal") == ["docs.example.com/fog"]
    assert sorted(urls(database, "mist OR gale")) == ["docs.example.com/weather"]
    assert sorted(urls(database, "horn OR flags")) == ["other.org/signals", "wiki.example.com/keeper"]
    assert sorted(urls(database, "keeper -horn")) == ["docs.example.com/fog", "other.org/sign"]
    assert urls(database, '"fog horn"') == ["wiki.example.com/keeper"]
    assert sorted(urls(database, "title:signal")) == ["docs.example.com/fog", "other.org/signals"]
    assert sorted(urls(database, "fog site:example.com")) == [
        "docs.example.com/fog",
        "docs.example.com/weather",
        "wiki.example.com/keeper",
    ]
    assert urls(database, "fog site:docs.example.com -title:weather") == ["docs.example.com/fog"]
    assert urls(database, "keeper source:other") == ["other.org/sign"]
    assert urls(database, "keeper -site:example.com") == ["other.org/sign"]
    assert urls(database, "site:example.co") == []  # a host, not a text prefix


def test_a_query_with_only_filters_lists_newest_first_with_an_opening_snippet(database):
    found = urls(database, "source:other")
    assert found == ["other.org/sign", "other.org/signals"]
    assert urls(database, "-fog source:docs") == []
    assert urls(database, "-keeper site:other.org") == ["other.org/signals"]
    with database.read() as conn:
        (hit, *_) = search_repo.search(conn, "site:other.org")
    assert hit.snippet.startswith("A sign shows the way")


def test_filters_from_elsewhere_combine_with_the_querys_own(database):
    docs_only = DocumentFilter(sources=("docs",))
    assert sorted(urls(database, "fog", where=docs_only)) == ["docs.example.com/fog", "docs.example.com/weather"]
    assert urls(database, "fog source:wiki", where=docs_only) == []  # both must hold
    assert urls(database, "fog site:example.com", where=DocumentFilter(sites=("wiki.example.com",))) == [
        "wiki.example.com/keeper"
    ]


def test_snippets_mark_the_matched_words(database):
    with database.read() as conn:
        (hit,) = search_repo.search(conn, '"fog horn" lamp', mark=("<", ">"))
    assert "<fog horn>" in hit.snippet and "<lamp>" in hit.snippet
    assert hit.last_crawled_at is not None and hit.definition_id == "wiki"


# ----- never an FTS5 syntax error -----

_SYNTAX_PIECES = st.sampled_from(
    ['"', "*", "-", "(", ")", ":", "OR", "AND", "NOT", "NEAR", "^", "+", "{", "}", "site:", "title:", "source:", " "]
)
_TEXT = st.lists(st.one_of(_SYNTAX_PIECES, st.text(max_size=6)), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, as_you_type=st.booleans())
def test_no_text_ever_raises_an_error(database, text, as_you_type):
    with database.read() as conn:
        search_repo.search(conn, text, as_you_type=as_you_type)
    fts = to_fts(parse_query(text, as_you_type=as_you_type))
    probe = sqlite3.connect(":memory:")
    probe.execute("CREATE VIRTUAL TABLE t USING fts5(title, markdown)")
    for expression in (fts.match, fts.exact, fts.excluded):
        if expression is not None:
            probe.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()


# ----- long queries: bounded, and said -----


def test_a_long_query_searches_its_first_words_and_says_so(database):
    filler = " ".join(f"nothing{n}" for n in range(5000))  # 5,000 words no document has, after the first ones
    query = parse_query(f"fog keeper {filler}")
    assert sum(len(term.words) for term in query.positive_terms()) == MAX_QUERY_WORDS
    assert "first" in query.cut and "characters" in query.cut  # what was searched, in words for the user
    assert parse_query("fog keeper").cut == ""
    with database.read() as conn:
        assert search_repo.search(conn, f"fog keeper {filler}") == []  # 30 filler words are within the bound
        repeated = search_repo.search(conn, "fog keeper " + "fog " * 5000)  # the same word again counts once
    assert sorted(hit.url for hit in repeated) == ["https://docs.example.com/fog", "https://wiki.example.com/keeper"]


@settings(max_examples=60, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(st.one_of(_SYNTAX_PIECES, st.text(max_size=12)), min_size=0, max_size=3000).map(" ".join),
    as_you_type=st.booleans(),
)
def test_any_text_parses_within_the_bounds(text, as_you_type):
    query = parse_query(text, as_you_type=as_you_type)
    words = sum(len(term.words) for term in (*query.positive_terms(), *query.excluded))
    assert words + len(query.sites) + len(query.excluded_sites) + len(query.sources) + len(query.excluded_sources) <= (
        MAX_QUERY_WORDS
    )
    if len(text) > MAX_QUERY_CHARS:
        assert query.cut
