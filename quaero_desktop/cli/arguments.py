"""The command line's checked argument types: whole numbers in a range and paths of the right kind.

Each is an argparse ``type``: a bad value is a usage error (exit 2) that argparse prefixes with the
argument's name ("argument --limit: ..."), and the message says what is allowed, so no argument
reaches a command as something that fails later with a traceback. tests/test_cli_arguments.py
walks every command's arguments with these types' bad values.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from quaero_desktop.domain.database_url import database_url_problem

SQLITE_MAX_INTEGER = 2**63 - 1  # the largest id SQLite stores; larger numbers cannot name anything


@dataclass(frozen=True)
class WholeNumber:
    """A whole number from ``minimum`` to ``maximum`` (``note`` says what a value means, if needed)."""

    minimum: int
    maximum: int
    note: str = ""

    @property
    def allowed(self) -> str:
        return f"a whole number from {self.minimum} to {self.maximum}{self.note}"

    def __call__(self, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number; give {self.allowed}") from None
        if not self.minimum <= value <= self.maximum:
            raise argparse.ArgumentTypeError(f"{text} is out of range; give {self.allowed}")
        return value


@dataclass(frozen=True)
class DirectoryPath:
    """A directory that exists or can be created (its nearest existing parent is a writable directory)."""

    purpose: str = "a directory"

    def __call__(self, text: str) -> str:
        path = Path(text).expanduser()
        if path.exists():
            if not path.is_dir():
                raise argparse.ArgumentTypeError(f"{text} is a file; give {self.purpose} (it is created when missing)")
            return text
        parent = _nearest_existing(path.absolute())
        if not parent.is_dir():
            raise argparse.ArgumentTypeError(f"{text} cannot be created: {parent} is a file; give {self.purpose}")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(
                f"{text} cannot be created: no permission to write in {parent}; give {self.purpose}"
            )
        return text


@dataclass(frozen=True)
class OutputFile:
    """A file to write: not a directory, and in a directory that exists."""

    purpose: str = "a file name"

    def __call__(self, text: str) -> str:
        path = Path(text).expanduser()
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text} is a directory; give {self.purpose}")
        if not path.absolute().parent.is_dir():
            raise argparse.ArgumentTypeError(
                f"{text}: the directory {path.absolute().parent} does not exist; give {self.purpose}"
            )
        return text


@dataclass(frozen=True)
class DatabaseUrl:
    """A store's URL: ``postgresql+psycopg://ROLE@HOST:PORT/DATABASE`` (or ``sqlite:///FILE``). Checked for its
    form only (the server is asked when the store opens); a refusal shows it with the password masked."""

    def __call__(self, text: str) -> str:
        problem = database_url_problem(text)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return text.strip()


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def problem_with(check: DirectoryPath | OutputFile | DatabaseUrl, text: str) -> str | None:
    """Why ``check`` refuses ``text`` (None: it does not), for a value that comes from elsewhere (the environment)."""
    try:
        check(text)
    except argparse.ArgumentTypeError as exc:
        return str(exc)
    return None
