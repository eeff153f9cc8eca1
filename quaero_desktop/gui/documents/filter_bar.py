"""The Documents view's source and site menus: narrow the list and the search to one of each.

The menus are the same filters as ``source:`` and ``site:`` in the search box (both apply when
both are given) and as ``--source`` on the command line.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from quaero_desktop.domain.document import DocumentFilter

ALL_SOURCES = "All sources"
ALL_SITES = "All sites"


class FilterBar(QWidget):
    changed = Signal()  # the user chose another source or site

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_combo = QComboBox(self)
        self.source_combo.setToolTip("Only documents of this definition (the same as source:ID in the search box)")
        self.site_combo = QComboBox(self)
        self.site_combo.setToolTip("Only documents from this site (the same as site:HOST in the search box)")
        for combo in (self.source_combo, self.site_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.source_combo)
        layout.addWidget(self.site_combo)
        self.set_options([], [])

    def set_options(self, sources: list[tuple[str, str, int]], sites: list[tuple[str, int]]) -> None:
        """Fill the menus: sources as (id, name, documents), sites as (host, documents). The choice is
        kept when it is still offered, and quietly (no ``changed``) when nothing else changed."""
        chosen_source, chosen_site = self.source_combo.currentData(), self.site_combo.currentData()
        for combo in (self.source_combo, self.site_combo):
            combo.blockSignals(True)
            combo.clear()
        self.source_combo.addItem(ALL_SOURCES, None)
        for source_id, name, count in sources:
            label = name if name == source_id else f"{name} ({source_id})"
            self.source_combo.addItem(f"{label} · {count:,}", source_id)
        self.site_combo.addItem(ALL_SITES, None)
        for host, count in sites:
            self.site_combo.addItem(f"{host} · {count:,}", host)
        source_index = max(self.source_combo.findData(chosen_source), 0) if chosen_source else 0
        site_index = max(self.site_combo.findData(chosen_site), 0) if chosen_site else 0
        self.source_combo.setCurrentIndex(source_index)
        self.site_combo.setCurrentIndex(site_index)
        for combo in (self.source_combo, self.site_combo):
            combo.blockSignals(False)
        if (self.source_combo.currentData(), self.site_combo.currentData()) != (chosen_source, chosen_site):
            self.changed.emit()  # a chosen source or site is gone: show everything again

    def choose(self, *, source: str | None = None, site: str | None = None) -> None:
        """Select a source and/or a site (None: all)."""
        if source is not None or self.source_combo.currentData() is not None:
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(source), 0) if source else 0)
        if site is not None or self.site_combo.currentData() is not None:
            self.site_combo.setCurrentIndex(max(self.site_combo.findData(site), 0) if site else 0)

    @property
    def is_narrowed(self) -> bool:
        return self.source_combo.currentData() is not None or self.site_combo.currentData() is not None

    def current_filter(self) -> DocumentFilter:
        source, site = self.source_combo.currentData(), self.site_combo.currentData()
        return DocumentFilter(sources=(source,) if source else (), sites=(site,) if site else ())
