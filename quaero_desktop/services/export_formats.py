"""The exports' formats and the names of the files they write, apart from the exports themselves
(services/document_export.py): the command line's parser needs them on every start, the store only
when something is exported."""

from __future__ import annotations

from typing import Literal

ExportFormat = Literal["markdown", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("markdown", "jsonl")
MANIFEST_NAME = ".quaero-export.json"
JSONL_NAME = "quaero-documents.jsonl"

__all__ = ["EXPORT_FORMATS", "JSONL_NAME", "MANIFEST_NAME", "ExportFormat"]
