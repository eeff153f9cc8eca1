"""Job definitions as the CLI and the window use them (no SQL above this layer)."""

from __future__ import annotations

from pathlib import Path

from quaero_desktop.domain.definition import JobDefinition
from quaero_desktop.domain.definition_io import DefinitionFormat, dump_definition, load_definition_file
from quaero_desktop.domain.errors import NotFoundError
from quaero_desktop.store import definitions_repo
from quaero_desktop.store.database import Database
from quaero_desktop.store.definitions_repo import DefinitionRecord
from quaero_desktop.store.schema import utc_now

DEFINITION_SUFFIXES = (".toml", ".json")


class DefinitionsService:
    def __init__(self, database: Database) -> None:
        self._database = database

    def list(self) -> list[DefinitionRecord]:
        with self._database.read() as conn:
            return definitions_repo.list_all(conn)

    def get(self, definition_id: str) -> JobDefinition:
        with self._database.read() as conn:
            record = definitions_repo.get(conn, definition_id)
        if record is None:
            raise NotFoundError(f"no stored definition with id '{definition_id}' (see: definitions list)")
        return record.definition

    def save(self, definition: JobDefinition) -> bool:
        """Store ``definition`` (replacing one with the same id); True when it was new."""
        with self._database.write() as conn:
            return definitions_repo.save(conn, definition, utc_now())

    def import_file(self, path: str | Path) -> tuple[JobDefinition, bool]:
        """Validate a TOML/JSON file completely, then store it: nothing is stored from a bad file."""
        definition = load_definition_file(path)
        return definition, self.save(definition)

    def export(self, definition_id: str, fmt: DefinitionFormat = "toml") -> str:
        return dump_definition(self.get(definition_id), fmt)

    def delete(self, definition_id: str) -> None:
        with self._database.write() as conn:
            if not definitions_repo.delete_one(conn, definition_id):
                raise NotFoundError(f"no stored definition with id '{definition_id}' (see: definitions list)")

    def resolve(self, reference: str) -> JobDefinition:
        """A definition file path (.toml/.json, or any existing file) or a stored definition id."""
        path = Path(reference)
        if path.suffix.lower() in DEFINITION_SUFFIXES or path.is_file():
            if not path.exists():
                raise NotFoundError(f"{reference}: no such file")
            return load_definition_file(path)
        return self.get(reference)
