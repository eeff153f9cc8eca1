"""Reading, searching and exporting stored documents."""

from __future__ import annotations

import builtins
import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from quaero_desktop.domain.document import Document, DocumentSummary, SearchHit
from quaero_desktop.domain.errors import NotFoundError, QuaeroError
from quaero_desktop.store import documents_repo
from quaero_desktop.store.database import Database

_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


class DocumentsService:
    # Signatures below the ``list`` method say ``builtins.list``: in the class body, ``list`` is that method.

    def __init__(self, database: Database) -> None:
        self._database = database

    def list(self, *, job_id: str | None = None, limit: int | None = None, offset: int = 0) -> list[DocumentSummary]:
        with self._database.read() as conn:
            return documents_repo.list_summaries(conn, job_id=job_id, limit=limit, offset=offset)

    def count(self, *, job_id: str | None = None) -> int:
        with self._database.read() as conn:
            return documents_repo.count(conn, job_id=job_id)

    def search(self, text: str, *, limit: int = 20, mark: tuple[str, str] = ("[", "]")) -> builtins.list[SearchHit]:
        with self._database.read() as conn:
            return documents_repo.search(conn, text, limit=limit, mark=mark)

    def get(self, document_id: int) -> Document:
        with self._database.read() as conn:
            document = documents_repo.get(conn, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id} (see: documents list)")
        return document

    def export(
        self,
        directory: str | Path,
        *,
        ids: Sequence[int] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> builtins.list[Path]:
        """Write one Markdown file with front matter per document; returns the files written.

        Each file is written to a temporary name and renamed, so an interrupted export
        never leaves a half-written document behind.
        """
        target = Path(directory)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QuaeroError(f"cannot create export directory {target}: {exc.strerror or exc}") from None
        written: list[Path] = []
        with self._database.read() as conn:
            for document in documents_repo.iter_documents(conn, ids):
                path = target / export_filename(document)
                _write_atomically(path, render_export(document))
                written.append(path)
                if progress is not None:
                    progress(len(written))
        return written


def export_filename(document: Document) -> str:
    """A stable, readable, unique file name: the id keeps names unique, the slug makes them readable."""
    slug = _SLUG_CHARS.sub("-", (document.title or document.url).lower()).strip("-")[:60].strip("-")
    return f"{document.id:05d}-{slug or 'page'}.md"


def render_export(document: Document) -> str:
    """Markdown with YAML front matter (values JSON-quoted, which is valid YAML)."""
    front = {
        "url": document.url,
        "title": document.title,
        "crawled": document.last_crawled_at.isoformat(timespec="seconds"),
        "first_crawled": document.first_crawled_at.isoformat(timespec="seconds"),
    }
    if document.description:
        front["description"] = document.description
    if document.language:
        front["language"] = document.language
    lines = ["---", *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()), "---", ""]
    body = document.markdown if document.markdown.endswith("\n") else document.markdown + "\n"
    return "\n".join(lines) + body


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
