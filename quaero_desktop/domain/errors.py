"""Errors the user can act on. Every message names what was wrong and what to do."""

from __future__ import annotations


class QuaeroError(Exception):
    """Base for errors shown to the user as they are (no traceback)."""


class ValidationError(QuaeroError):
    """Bad input: names the source (file), the field, the value and what is expected.

    ``source`` is a file path or a label such as "definition 'team-wiki'";
    ``field`` may be empty for whole-file problems (syntax errors).
    """

    def __init__(self, source: str, field: str, value: object, expected: str, *, line: int | None = None) -> None:
        self.source = source
        self.field = field
        self.value = value
        self.expected = expected
        self.line = line
        super().__init__(self._message())

    def _message(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            shown = _show(self.value)
            return f"{where}: field '{self.field}' = {shown}: {self.expected}"
        return f"{where}: {self.expected}"


class NotFoundError(QuaeroError):
    """A definition, job or document the user named does not exist."""


class ConflictError(QuaeroError):
    """The action cannot be taken in the current state (e.g. resuming a completed job)."""


def _show(value: object) -> str:
    text = repr(value)
    if len(text) > 120:
        text = text[:117] + "..."
    return text
