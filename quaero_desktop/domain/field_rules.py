"""The small rules every definition field check is made of (definition.py, request_fields.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BOOL_EXPECTED = "true or false (without quotes)"

Check = Callable[[object], Any]  # returns the normalised value or raises Invalid


class Invalid(Exception):
    """A value broke a rule; ``index`` is set when it is an item of a list field."""

    def __init__(self, expected: str, index: int | None = None, item: object = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.index = index
        self.item = item


def string_of(value: object, expected: str) -> str:
    if not isinstance(value, str):
        raise Invalid(expected)
    return value


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(BOOL_EXPECTED)
    return value
