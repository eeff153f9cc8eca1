"""A hit's snippet: the passage where most of the query's words meet, found in one pass over the marks."""

from __future__ import annotations

from datetime import UTC, datetime

from quaero_desktop.domain.document import PageContent
from quaero_desktop.store import documents_repo, search_repo
from quaero_desktop.store.snippets import MARK_END, MARK_START, passage


def marked(word: str) -> str:
    return f"{MARK_START}{word}{MARK_END}"


def shown(text: str) -> str:
    return text.replace(MARK_START, "[").replace(MARK_END, "]")


def test_the_passage_is_where_the_most_different_words_meet():
    filler = " ".join(f"w{n}" for n in range(300))
    text = (
        f"{marked('fog')} {filler} {marked('fog')} {filler} a {marked('fog')} then the {marked('horn')} sounds {filler}"
    )
    snippet = shown(passage(text, words=16))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "a [fog] then the [horn] sounds" in snippet  # both words, not the first match alone


def test_a_short_text_is_shown_whole_and_without_marks_the_opening():
    assert shown(passage(f"The {marked('keeper')} lights the lamp.", words=16)) == "The [keeper] lights the lamp."
    assert passage("No match here at all, only words.", words=4) == "No match here at…"


def test_a_passage_never_ends_inside_a_marked_phrase():
    text = "one two " + marked("fog horn signal station keeper") + " after"
    snippet = passage(text, words=4)
    assert snippet.count(MARK_START) == snippet.count(MARK_END) == 1


def test_many_matches_in_a_long_text_are_handled_in_one_pass():
    # 200,000 words, every tenth a match of one of 30 words: FTS5's snippet() scored each match against every other
    words = [marked(f"t{n % 30}") if n % 10 == 0 else f"w{n}" for n in range(200_000)]
    words[150_000:150_030] = [marked(f"t{n}") for n in range(16)] + [f"x{n}" for n in range(14)]
    snippet = shown(passage(" ".join(words), words=16))
    assert "[t0] [t1] [t2]" in snippet  # the one place where 16 different words meet


def test_underscores_are_text_and_markdown_syntax_goes(database):
    """Code keeps its underscores, an escaped one is the character itself; emphasis, code marks,
    headings and pipes go ("Lib/http/__init__.py" was shown as "Lib/http/ init .py")."""
    markdown = "# The http package\n\nIn `Lib/http/__init__.py`: **status** of \\*args, snake\\_case | a | table |.\n"
    with database.write() as conn:
        documents_repo.upsert(
            conn,
            PageContent(url="https://docs.example/http", title="http", markdown=markdown, content_hash="1"),
            job_id=None,
            definition_id=None,
            now=datetime(2026, 12, 1, tzinfo=UTC),
        )
    with database.read() as conn:
        (hit,) = search_repo.search(conn, "package init status", mark=("<", ">"))
    assert "Lib/http/__<init>__.py" in hit.snippet
    assert "<status> of *args, snake_case a table" in hit.snippet
    assert hit.snippet.startswith("The http <package>")
