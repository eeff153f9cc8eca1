"""Exporting documents: a Markdown vault (Obsidian, Logseq) or one JSON Lines file.

Markdown: one file per document at its vault path (``services/vault_layout.py``) with YAML
front matter, links between exported documents rewritten as relative links to their files.
A manifest (``.quaero-export.json``) records which file holds which document, so exporting
into the same folder again updates it in place: a changed document's file is rewritten, an
unchanged one is left alone (its modification time too), a new one is added, and the file of
a document that is no longer in the knowledge base is removed. Files the export did not
write are never touched. Every file is written to a temporary name and renamed, the manifest
last, so an interrupted or cancelled export leaves whole files and a manifest that matches.

Nothing secret leaves in an export: the credentials URLs carry (``?token=…``, a password) are
masked in every text it writes — bodies and their links, front matter, JSON fields, the manifest —
and in file names (``domain/secret_urls.py``). Links between exported documents are rewritten
from the stored URLs first, so they still lead to their files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from quaero_desktop.domain.document import Document, DocumentFilter
from quaero_desktop.domain.errors import QuaeroError
from quaero_desktop.domain.secret_urls import mask_url_text, masked_values
from quaero_desktop.files import atomic_writer, write_text_atomically
from quaero_desktop.services.export_formats import JSONL_NAME, MANIFEST_NAME, ExportFormat
from quaero_desktop.services.vault_layout import assign_paths, rewrite_links
from quaero_desktop.store import aliases_repo, documents_repo
from quaero_desktop.store.database import Database


class ExportCancelled(QuaeroError):
    """The user stopped the export; what was written so far is whole and recorded."""


@dataclass
class ExportResult:
    directory: Path
    files: list[Path] = field(default_factory=list)  # the exported documents' files (or the one JSONL file)
    written: int = 0  # documents whose file was created or changed
    unchanged: int = 0  # documents whose file was already up to date
    removed: int = 0  # files of documents no longer in the knowledge base

    @property
    def exported(self) -> int:
        return self.written + self.unchanged


Progress = Callable[[int, int], None]  # (documents done, documents in the export)


def export_documents(
    database: Database,
    directory: str | Path,
    *,
    fmt: ExportFormat = "markdown",
    where: DocumentFilter | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ExportResult:
    target = Path(directory)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuaeroError(f"cannot create export directory {target}: {exc.strerror or exc}") from None
    if fmt == "jsonl":
        return _export_jsonl(database, target, where, progress, cancelled)
    return _export_vault(database, target, where, progress, cancelled)


def _export_vault(
    database: Database,
    target: Path,
    where: DocumentFilter | None,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> ExportResult:
    manifest = _read_manifest(target)
    result = ExportResult(directory=target)
    with database.read() as conn:
        # A file's name comes from its URL: from the masked one, so no token is in a name.
        chosen = [(d.id, mask_url_text(d.url)) for d in documents_repo.list_summaries(conn, where=where)]
        existing = documents_repo.all_urls(conn)
        # Files of documents that are still stored keep their path; the others go (below).
        kept = {doc_id: entry["path"] for doc_id, entry in manifest.items() if doc_id in existing}
        paths = assign_paths(chosen, kept)
        placed = {**kept, **paths}
        path_by_url = {existing[doc_id]: path for doc_id, path in placed.items()}
        aliases = aliases_repo.aliases_of(conn, list(placed))
        for doc_id, urls in aliases.items():  # a link to another URL of a document leads to its file too
            path_by_url.update(dict.fromkeys((url for url in urls if url not in path_by_url), placed[doc_id]))
        entries = {doc_id: entry for doc_id, entry in manifest.items() if doc_id in existing}
        try:
            for position, document in enumerate(documents_repo.iter_documents(conn, where=where), start=1):
                if cancelled():
                    raise ExportCancelled(f"export cancelled after {position - 1} of {len(chosen)} documents")
                relative = paths[document.id]
                document = replace(document, aliases=aliases.get(document.id, ()))
                text = render_markdown(document, rewrite_links(document.markdown, relative, path_by_url.get))
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                path = target / relative
                previous = entries.get(document.id)
                if previous is not None and previous.get("sha256") == digest and path.is_file():
                    result.unchanged += 1
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_text_atomically(path, text)
                    result.written += 1
                entries[document.id] = {"path": relative, "url": mask_url_text(document.url), "sha256": digest}
                result.files.append(path)
                if progress is not None:
                    progress(position, len(chosen))
        finally:
            result.removed = _remove_gone(target, manifest, existing)
            _write_manifest(target, entries)
    return result


def _remove_gone(target: Path, manifest: dict[int, dict[str, str]], existing: dict[int, str]) -> int:
    removed = 0
    for doc_id, entry in manifest.items():
        if doc_id in existing:
            continue
        path = target / entry["path"]
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
            _remove_empty_folders(path.parent, target)
    return removed


def _remove_empty_folders(folder: Path, top: Path) -> None:
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
        folder = folder.parent


def _export_jsonl(
    database: Database,
    target: Path,
    where: DocumentFilter | None,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> ExportResult:
    path = target / JSONL_NAME
    result = ExportResult(directory=target, files=[path])
    with atomic_writer(path) as handle, database.read() as conn:
        total = documents_repo.count(conn, where=where)
        for position, document in enumerate(documents_repo.iter_documents(conn, where=where), start=1):
            if cancelled():
                raise ExportCancelled(f"export cancelled after {position - 1} of {total} documents")
            document = replace(document, aliases=aliases_repo.aliases_of(conn, [document.id]).get(document.id, ()))
            handle.write(json.dumps(masked_values(document_record(document)), ensure_ascii=False) + "\n")
            result.written += 1
            if progress is not None:
                progress(position, total)
    return result


def document_record(document: Document) -> dict[str, object]:
    """A document as one JSON object (the JSONL export's lines, written with its strings masked)."""
    return {
        "id": document.id,
        "url": document.url,
        "title": document.title,
        "source": document.definition_id,
        "sources": list(document.sources),
        "aliases": list(document.aliases),
        "job_id": document.job_id,
        "description": document.description,
        "language": document.language,
        "crawled": document.last_crawled_at.isoformat(),
        "first_crawled": document.first_crawled_at.isoformat(),
        "updated": document.updated_at.isoformat(),
        "markdown": document.markdown,
    }


def render_markdown(document: Document, body: str | None = None) -> str:
    """Markdown with YAML front matter (values JSON-quoted, which is valid YAML), the credentials of
    its URLs masked in both."""
    front: dict[str, object] = {
        "url": document.url,
        "title": document.title,
        "crawled": document.last_crawled_at.isoformat(timespec="seconds"),
        "first_crawled": document.first_crawled_at.isoformat(timespec="seconds"),
        "updated": document.updated_at.isoformat(timespec="seconds"),
    }
    if document.definition_id:
        front["source"] = document.definition_id  # the last crawl's; sources: every one that crawled it
    if document.sources:
        front["sources"] = list(document.sources)
    if document.aliases:
        front["aliases"] = list(document.aliases)  # other URLs that showed its text (stored once)
    if document.description:
        front["description"] = document.description
    if document.language:
        front["language"] = document.language
    front["quaero_id"] = document.id
    lines = [
        "---",
        *(f"{key}: {json.dumps(masked_values(value), ensure_ascii=False)}" for key, value in front.items()),
        "---",
        "",
    ]
    text = mask_url_text(document.markdown if body is None else body)
    return "\n".join(lines) + (text if text.endswith("\n") else text + "\n")


def _read_manifest(target: Path) -> dict[int, dict[str, str]]:
    """The files an earlier export wrote here; {} for a new folder (or an unreadable manifest:
    its files are then left alone and the documents written again at the same paths)."""
    try:
        data = json.loads((target / MANIFEST_NAME).read_text(encoding="utf-8"))
        entries = data["documents"]
        return {
            int(doc_id): {"path": str(entry["path"]), "url": str(entry["url"]), "sha256": str(entry["sha256"])}
            for doc_id, entry in entries.items()
            if _inside(target, str(entry["path"]))
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _inside(target: Path, relative: str) -> bool:
    """A manifest path may only name a file below the export folder (never ../ or an absolute path)."""
    resolved = (target / relative).resolve()
    return target.resolve() in resolved.parents and relative.endswith(".md")


def _write_manifest(target: Path, entries: dict[int, dict[str, str]]) -> None:
    data = {
        "about": "Written by Quaero Desktop's export: which file holds which document. Keep it to update in place.",
        "version": 1,
        "documents": {str(doc_id): entry for doc_id, entry in sorted(entries.items())},
    }
    write_text_atomically(target / MANIFEST_NAME, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
