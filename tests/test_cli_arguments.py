"""No traceback for any argument (issue 21, item 6): every command's arguments, found in the parser
itself, get out-of-range, wrong-type and wrong-kind-of-path values; each is refused with exit 2 and
a message naming the argument and what it takes, or handled (exit 0). A new option is walked too.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quaero_desktop.cli.arguments import DatabaseUrl, DirectoryPath, OutputFile, WholeNumber
from quaero_desktop.cli.main import build_parser, main
from quaero_desktop.domain.document import PageContent
from quaero_desktop.paths import DATA_DIR_ENV
from quaero_desktop.store import documents_repo
from tests.conftest import cli

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
HUGE = "99999999999999999999"  # more than SQLite (and a port, and a socket) can hold


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    subcommands = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not subcommands and words:
        yield words
    for action in subcommands:
        for name, subparser in action.choices.items():
            yield from _commands(subparser, (*words, name))


def _parser_of(words: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = build_parser()
    for word in words:
        (subcommands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
        parser = subcommands.choices[word]
    return parser


def _takes_a_value(action: argparse.Action) -> bool:
    return action.nargs != 0 and not isinstance(action, argparse._HelpAction | argparse._VersionAction)


COMMANDS = list(_commands(build_parser()))
# Commands that run until stopped or download: a free-text value would start them, so every argument
# they take needs a checked type (quaero_desktop/cli/arguments.py).
LONG_RUNNING = {("demo",), ("mcp",), ("install-browser",)}
KEYRING_COMMANDS = {words for words in COMMANDS if words[0] in ("auth", "team-key")}  # they reach the OS keyring


def _bad_values(action: argparse.Action, paths: dict[str, Path]) -> list[tuple[str, str]]:
    """(value, what the refusal must say) for ``action``; "" for a value that may also be handled."""
    kind = action.type
    if isinstance(kind, WholeNumber):
        allowed = f"from {kind.minimum} to {kind.maximum}"
        return [(str(kind.minimum - 1), allowed), (str(kind.maximum + 1), allowed)] + [
            (value, allowed) for value in (HUGE, "abc", "1.5")
        ]
    if isinstance(kind, DirectoryPath):
        return [(str(paths["file"]), "is a file"), (str(paths["file"] / "below"), "cannot be created")]
    if isinstance(kind, OutputFile):
        return [(str(paths["dir"]), "is a directory"), (str(paths["dir"] / "missing" / "x.toml"), "does not exist")]
    if isinstance(kind, DatabaseUrl):  # the password never shown: the refusal masks it
        return [
            ("abc", "'abc' is not a PostgreSQL URL"),
            ("mysql://me:pw-x@db.example.com/q", "'mysql://me:***@db.example.com/q' is not a PostgreSQL URL"),
            (
                "postgresql+psycopg://me:pw-x@db.example.com:5432",
                "'postgresql+psycopg://me:***@db.example.com:5432' names no database",
            ),
        ]
    if action.choices:
        return [("abc", "invalid choice")]
    # Free text (ids, URLs, names, queries) or a converter of its own: refused or handled, never a traceback.
    return [(value, "") for value in ("-1", HUGE, "abc", str(paths["file"]), str(paths["dir"]))]


def _argv(words: tuple[str, ...], parser: argparse.ArgumentParser, tested: argparse.Action, value: str) -> list[str]:
    argv = list(words)
    for action in parser._actions:
        if action.option_strings or not _takes_a_value(action):
            continue
        # Other positionals get the value too when it is free text (a command never starts on made-up
        # names); else a plain word, so that parsing reaches the tested one.
        argv.append(value if action is tested or (tested.type is None and not tested.choices) else "abc")
    if tested.option_strings:
        argv += [tested.option_strings[-1], value]
    return argv


def _walk(words: tuple[str, ...], tmp_path: Path, capsys, monkeypatch) -> list[str]:
    data_dir = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    paths = {"file": tmp_path / "a-file.txt", "dir": tmp_path / "a-directory"}
    paths["file"].write_text("not what any argument wants\n", encoding="utf-8")
    paths["dir"].mkdir()
    parser = _parser_of(words)
    walked = []
    for action in [action for action in parser._actions if _takes_a_value(action)]:
        name = action.option_strings[-1] if action.option_strings else action.metavar or action.dest
        for value, refusal in _bad_values(action, paths):
            if not refusal and words in LONG_RUNNING:
                pytest.fail(f"{' '.join(words)} {name} takes any text: give it a checked type (cli/arguments.py)")
            argv = _argv(words, parser, action, value)
            try:
                code = main(argv)
            except SystemExit as exit:
                code = exit.code
            out, err = capsys.readouterr()
            shown = f"quaero-desktop {' '.join(argv)}: exit {code}\n{err}"
            assert "Traceback" not in err + out, shown
            if refusal:
                assert code == 2 and f"argument {name}:" in err and refusal in err, shown
            else:
                assert code in (0, 2), shown
                assert code == 0 or err.startswith(("error: ", "usage: ")), shown
            walked.append(f"{' '.join(words)} {name}={value}")
    return walked


@pytest.mark.parametrize(
    "words",
    [pytest.param(words, id=" ".join(words)) for words in COMMANDS if words not in KEYRING_COMMANDS],
)
def test_every_argument_is_refused_with_its_range_or_handled(words, tmp_path, capsys, monkeypatch):
    walked = _walk(words, tmp_path, capsys, monkeypatch)
    assert any("--data-dir=" in case for case in walked)  # every command takes it


@pytest.mark.keyring
@pytest.mark.parametrize("words", [pytest.param(words, id=" ".join(words)) for words in sorted(KEYRING_COMMANDS)])
def test_every_login_argument_is_refused_or_handled(words, tmp_path, capsys, monkeypatch):
    _walk(words, tmp_path, capsys, monkeypatch)


def test_the_walk_covers_the_arguments_of_the_issue():
    """The cases issue 21 found, by their converters: a walk that lost them would pass on nothing."""
    kinds = {
        (words, action.option_strings[-1] if action.option_strings else action.dest): type(action.type).__name__
        for words in COMMANDS
        for action in _parser_of(words)._actions
        if isinstance(action.type, WholeNumber | DirectoryPath | OutputFile)
    }
    assert kinds[(("documents", "search"), "--limit")] == "WholeNumber"
    assert kinds[(("demo",), "--port")] == "WholeNumber"
    assert kinds[(("documents", "export"), "dir")] == "DirectoryPath"
    assert kinds[(("definitions", "export"), "file")] == "OutputFile"
    assert all(kinds[(words, "--data-dir")] == "DirectoryPath" for words in COMMANDS)


def test_a_data_directory_from_the_environment_is_checked_too(tmp_path, capsys, monkeypatch):
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(a_file))
    assert main(["documents", "list"]) == 2
    assert capsys.readouterr().err == (
        f"error: {DATA_DIR_ENV}={a_file} is a file; give a directory for the data (it is created when missing)\n"
    )


def test_a_document_id_beyond_what_sqlite_holds_is_bad_input(data_dir):
    shown = cli("documents", "show", HUGE, data_dir=data_dir)
    assert shown.returncode == 2 and "Traceback" not in shown.stderr
    assert f"DOC: field 'id' = '{HUGE}': a document id from 1 to 9223372036854775807, or its URL" in shown.stderr


@pytest.mark.keyring
def test_deleting_a_login_that_does_not_exist_exits_2_as_every_not_found(data_dir):
    deleted = cli("auth", "delete", "nope", data_dir=data_dir)
    assert deleted.returncode == 2, deleted.stderr
    assert deleted.stderr.startswith("error: no saved credential 'nope'")


def test_export_progress_is_whole_lines_when_piped(app, data_dir, tmp_path):
    with app.database.write() as conn:
        for n in range(150):
            page = PageContent(
                url=f"https://w.example/{n}", title=f"Page {n}", markdown=f"page {n}", content_hash=str(n)
            )
            documents_repo.upsert(conn, page, job_id=None, definition_id="w", now=NOW)
    exported = cli("documents", "export", str(tmp_path / "vault"), data_dir=data_dir)
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == "exported 100/150\nexported 150/150\n"  # no carriage returns, ends with a newline
    jsonl = cli("documents", "export", str(tmp_path / "lines"), "--format", "jsonl", data_dir=data_dir)
    assert jsonl.stderr.endswith("exported 150/150\n") and "\r" not in jsonl.stderr
    assert len((tmp_path / "lines" / "quaero-documents.jsonl").read_text(encoding="utf-8").splitlines()) == 150
    json.loads((tmp_path / "vault" / ".quaero-export.json").read_text(encoding="utf-8"))
