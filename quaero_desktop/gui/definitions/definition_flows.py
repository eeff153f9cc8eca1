"""What the Definitions view does with the store: save, import, export, delete (each a coroutine).

The flows pattern of gui/jobs/job_flows.py: built from the context alone, they never touch a
widget and return what happened; the view shows it. Every store or file access runs in a
thread; every question goes through ``context.dialogs``. Nothing is stored half-way: a
definition is validated completely before it is saved, and replacing a stored definition with
a new one (same id) is asked first.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.definition_io import DefinitionFormat, load_definition_file
from quaero_desktop.domain.errors import NotFoundError, ValidationError
from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.context import GuiContext

DEFINITION_FILTER = "Definitions (*.toml *.json);;All files (*)"
EXPORT_FILTER = "TOML (*.toml);;JSON (*.json)"


def export_format(path: Path) -> tuple[Path, DefinitionFormat]:
    """The format chosen by the file's extension (.json -> JSON, else TOML; no extension gets .toml)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return path, "json"
    if suffix == "":
        path = path.with_suffix(".toml")
    return path, "toml"


class DefinitionFlows:
    def __init__(self, context: GuiContext) -> None:
        self._context = context

    async def save(self, definition: JobDefinition, *, replacing: bool) -> bool:
        """Store the form's definition; a new one whose id is taken replaces it only if the user agrees."""
        if not replacing and not await self._may_replace(definition):
            return False
        await in_thread(self._context.app.definitions.save, definition)
        return True

    async def import_file(self) -> tuple[JobDefinition, Path] | None:
        """Pick a TOML/JSON file and store it; a refused file is explained (file, field, value)."""
        path = await self._context.dialogs.open_file("Import a definition", DEFINITION_FILTER)
        if path is None:
            return None
        try:
            definition = await in_thread(load_definition_file, path)
            if not await self._may_replace(definition):
                return None
            definition, _created = await in_thread(self._context.app.definitions.import_file, path)
        except ValidationError as exc:
            self._context.dialogs.error("Cannot import the definition", str(exc))
            return None
        return definition, path

    async def export(self, definition: JobDefinition) -> Path | None:
        """Write a stored definition to a file; the extension (.toml or .json) picks the format."""
        chosen = await self._context.dialogs.save_file("Export the definition", f"{definition.id}.toml", EXPORT_FILTER)
        if chosen is None:
            return None
        path, fmt = export_format(Path(chosen))
        try:
            text = await in_thread(self._context.app.definitions.export, definition.id, fmt)
            await in_thread(lambda: path.write_text(text, encoding="utf-8"))
        except OSError as exc:
            self._context.dialogs.error("Cannot export the definition", f"{path}: {exc.strerror or exc}")
            return None
        return path

    async def delete(self, definition: JobDefinition) -> bool:
        """Delete a stored definition after asking; jobs run from it and their documents stay."""
        question = (
            f"Delete the definition “{definition.name}” ({definition.id})?\n"
            "Jobs already run from it and their documents are kept."
        )
        if not await self._context.dialogs.confirm("Delete definition", question, ok="Delete"):
            return False
        # Already gone (deleted from the command line): the row goes too.
        with contextlib.suppress(NotFoundError):
            await in_thread(self._context.app.definitions.delete, definition.id)
        return True

    async def stored(self, definition_id: str) -> JobDefinition | None:
        """The stored definition with this id, None when there is none (deleted, or never stored)."""
        return await in_thread(self._stored, definition_id)

    async def _may_replace(self, definition: JobDefinition) -> bool:
        """True when no definition has this id yet, or the user agrees to replace it."""
        existing = await in_thread(self._stored, definition.id)
        if existing is None:
            return True
        question = (
            f"A definition with the ID “{definition.id}” is already stored (“{existing.name}”).\n"
            f"Replace it with “{definition.name}”?"
        )
        return await self._context.dialogs.confirm("Replace definition?", question, ok="Replace")

    def _stored(self, definition_id: str) -> JobDefinition | None:
        try:
            return self._context.app.definitions.get(definition_id)
        except NotFoundError:
            return None
