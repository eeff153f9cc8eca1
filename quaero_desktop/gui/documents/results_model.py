"""The Documents view's result list: every document (newest first) or the hits of a search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from quaero_desktop.domain.document import DocumentSummary, SearchHit

# The service puts these around every matched word of a snippet: control characters that a
# page's text never holds, so no Markdown or HTML in a snippet can be taken for a mark.
MARK = ("\u0002", "\u0003")

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # ResultRow
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 2  # (plain text, [(start, length), ...] of the matched words)


@dataclass(frozen=True)
class ResultRow:
    id: int
    url: str
    title: str
    snippet: str = ""  # with MARK around matched words; empty when listing
    updated_at: datetime | None = None
    chars: int | None = None
    gone: bool = False  # the page answered 404/410 at the last crawl (the document is kept)

    @classmethod
    def from_summary(cls, summary: DocumentSummary) -> ResultRow:
        return cls(
            id=summary.id,
            url=summary.url,
            title=summary.title,
            updated_at=summary.updated_at,
            chars=summary.chars,
            gone=summary.gone,
        )

    @classmethod
    def from_hit(cls, hit: SearchHit) -> ResultRow:
        return cls(id=hit.id, url=hit.url, title=hit.title, snippet=hit.snippet, gone=hit.gone)

    @property
    def display_title(self) -> str:
        title = self.title.strip() or self.url
        return f"{title} (gone)" if self.gone else title


def split_marked(snippet: str, mark: tuple[str, str] = MARK) -> tuple[str, list[tuple[int, int]]]:
    """The snippet as plain text and the (start, length) of each marked word in it.

    The text is never parsed as markup: it is drawn as plain text with the marked ranges
    formatted, so nothing a page contains can inject formatting or links into the list.
    """
    opening, closing = mark
    text: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in snippet:
        if char == opening:
            start = length
        elif char == closing:
            if start is not None and length > start:
                ranges.append((start, length - start))
            start = None
        else:
            text.append(char)
            length += 1
    if start is not None and length > start:  # a mark the snippet cut short
        ranges.append((start, length - start))
    return "".join(text), ranges


def newest_first(summaries: Sequence[DocumentSummary]) -> list[ResultRow]:
    ordered = sorted(summaries, key=lambda s: (s.updated_at, s.id), reverse=True)
    return [ResultRow.from_summary(summary) for summary in ordered]


class ResultsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ResultRow] = []
        self._position: dict[int, int] = {}  # document id -> row
        self._searching = False

    # ----- Qt model interface -----

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display_title
        if role == ROW_ROLE:
            return row
        if role == SNIPPET_ROLE:
            return split_marked(row.snippet)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.gone:
                return f"{row.url}\nGone: the page answered 404/410 at the last crawl. Kept here, left out of searches."
            return row.url
        return None

    # ----- updates -----

    @property
    def searching(self) -> bool:
        """True when the rows are search hits (with snippets), False when listing every document."""
        return self._searching

    def set_rows(self, rows: list[ResultRow], *, searching: bool) -> None:
        """Show ``rows``; new documents on top of an unchanged list are inserted, not reset.

        A crawl adds documents while the user reads the list: inserting keeps the
        selection and what the user was looking at.
        """
        old_ids = [row.id for row in self._rows]
        new_ids = [row.id for row in rows]
        added = len(rows) - len(self._rows)
        if searching == self._searching and new_ids == old_ids:
            changed = [i for i, (old, new) in enumerate(zip(self._rows, rows, strict=True)) if old != new]
            self._rows = list(rows)
            self._reindex()
            for position in changed:
                self.dataChanged.emit(self.index(position), self.index(position))
        elif searching == self._searching and added > 0 and new_ids[added:] == old_ids and self._rows == rows[added:]:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._rows = list(rows)
            self._reindex()
            self.endInsertRows()
        else:
            self.beginResetModel()
            self._rows = list(rows)
            self._reindex()
            self._searching = searching
            self.endResetModel()

    # ----- reading -----

    def row(self, position: int) -> ResultRow:
        return self._rows[position]

    def rows(self) -> list[ResultRow]:
        return list(self._rows)

    def position_of(self, document_id: int | None) -> int | None:
        return None if document_id is None else self._position.get(document_id)

    def positions(self, document_ids: list[int]) -> list[int]:
        return [p for document_id in document_ids if (p := self._position.get(document_id)) is not None]

    def _reindex(self) -> None:
        self._position = {row.id: position for position, row in enumerate(self._rows)}
