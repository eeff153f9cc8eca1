"""Read and write job definition files (TOML or JSON); every failure is a ValidationError."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w

from .definition import JobDefinition
from .errors import ValidationError

DefinitionFormat = Literal["toml", "json"]

_EXTENSIONS: dict[str, DefinitionFormat] = {".toml": "toml", ".json": "json"}
_TOO_DEEP = "{fmt} syntax error: brackets nested too deeply"
_TOML_POSITION = re.compile(r"\s*\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$")
_JSON_TYPE_NAMES: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "null",
}


def export_format(path: str | os.PathLike[str]) -> DefinitionFormat:
    """The format to write ``path`` in: JSON for a .json name, TOML otherwise."""
    return "json" if Path(path).suffix.lower() == ".json" else "toml"


def detect_format(path: str | os.PathLike[str], text: str | None = None) -> DefinitionFormat:
    """The format of ``path``: by extension (.toml, .json, any case), else sniffed from its text.

    Sniffing reads "json" if the text starts with "{" (after whitespace), else "toml".
    ``text`` is the file's content when the caller has it; otherwise the file is read.
    """
    by_extension = _EXTENSIONS.get(Path(path).suffix.lower())
    if by_extension is not None:
        return by_extension
    content = _read_text(path) if text is None else text
    return "json" if content.lstrip().startswith("{") else "toml"


def load_definition_file(path: str | os.PathLike[str]) -> JobDefinition:
    """Read, parse and validate a definition file; errors name the file (and line, if known)."""
    text = _read_text(path)
    return parse_definition_text(text, detect_format(path, text), str(path))


def parse_definition_text(text: str, fmt: DefinitionFormat, source: str) -> JobDefinition:
    """Parse ``text`` as ``fmt`` and validate it; ``source`` names it in errors."""
    data = _parse_toml(text, source) if fmt == "toml" else _parse_json(text, source)
    return JobDefinition.from_mapping(data, source)


def dump_definition(definition: JobDefinition, fmt: DefinitionFormat) -> str:
    """The definition as TOML or JSON text (2-space indent, trailing newline) that loads back equal."""
    if fmt == "toml":
        return tomli_w.dumps(definition.to_mapping())
    return json.dumps(definition.to_mapping(), indent=2, ensure_ascii=False) + "\n"


def _read_text(path: str | os.PathLike[str]) -> str:
    """The file's text (UTF-8, a leading byte-order mark ignored)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValidationError(str(path), "", None, f"cannot read file: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(str(path), "", None, f"cannot read file: it is not UTF-8 text ({exc.reason})") from None


def _parse_toml(text: str, source: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, line = _split_toml_position(str(exc), text)
        raise ValidationError(source, "", None, f"TOML syntax error: {reason}", line=line) from None
    except RecursionError:
        raise ValidationError(source, "", None, _TOO_DEEP.format(fmt="TOML")) from None


def _split_toml_position(message: str, text: str) -> tuple[str, int | None]:
    """tomllib's "reason (at line N, column M)" -> ("reason (column M)", N); end of document -> last line."""
    position = _TOML_POSITION.search(message)
    if position is None:
        return message, None
    reason = message[: position.start()]
    if position["line"] is None:
        return f"{reason} (at end of file)", len(text.splitlines()) or 1
    return f"{reason} (column {position['column']})", int(position["line"])


def _parse_json(text: str, source: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        expected = f"JSON syntax error: {exc.msg} (column {exc.colno})"
        raise ValidationError(source, "", None, expected, line=exc.lineno) from None
    except RecursionError:
        raise ValidationError(source, "", None, _TOO_DEEP.format(fmt="JSON")) from None
    if not isinstance(data, dict):
        found = _JSON_TYPE_NAMES[type(data)]
        expected = f'a JSON object such as {{"id": "team-wiki", ...}} at the top level, not {found}'
        raise ValidationError(source, "", None, expected)
    return data
