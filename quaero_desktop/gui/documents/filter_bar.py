"""The Documents view's source and site menus (narrow the list and the search to one of each) and
its order (best match, newest, title, site).

The menus are the same filters as ``source:`` and ``site:`` in the search box (both apply when
both are given) and as ``--source`` on the command line; the order is ``--sort``. Each source and
site says how many documents it holds, and with words in the search box how many of them match.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from quaero_desktop.domain.document import DocumentFilter, DocumentOrder, SearchFacets

ALL_SOURCES = "All sources"
ALL_SITES = "All sites"
ORDER_NAMES = {
    DocumentOrder.RELEVANCE: "Best match",
    DocumentOrder.NEWEST: "Newest",
    DocumentOrder.TITLE: "Title",
    DocumentOrder.SITE: "Site",
}


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
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.order_combo = QComboBox(self)
        self.order_combo.setToolTip(
            "The order of the results: best match first (newest first with no words), newest change first, "
            "by title or by site (the same as --sort on the command line)"
        )
        for order, name in ORDER_NAMES.items():
            self.order_combo.addItem(f"Sort: {name}", order.value)
        self.order_combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.source_combo)
        layout.addWidget(self.site_combo)
        layout.addWidget(self.order_combo)
        self._names: dict[str, str] = {}  # source id -> its menu label without a count
        self._facets: SearchFacets | None = None  # the shown search's counts, put back when the menus refill
        self.set_options([], [])

    def set_options(self, sources: list[tuple[str, str, int]], sites: list[tuple[str, int]]) -> None:
        """Fill the menus: sources as (id, name, documents), sites as (host, documents). The choice is
        kept when it is still offered, and quietly (no ``changed``) when nothing else changed."""
        chosen_source, chosen_site = self.source_combo.currentData(), self.site_combo.currentData()
        for combo in (self.source_combo, self.site_combo):
            combo.blockSignals(True)
            combo.clear()
        self.source_combo.addItem(ALL_SOURCES, None)
        self._names = {
            source_id: name if name == source_id else f"{name} ({source_id})" for source_id, name, _ in sources
        }
        for source_id, _name, count in sources:
            self.source_combo.addItem(f"{self._names[source_id]} · {count:,}", source_id)
        self.site_combo.addItem(ALL_SITES, None)
        for host, count in sites:
            self.site_combo.addItem(f"{host} · {count:,}", host)
        source_index = max(self.source_combo.findData(chosen_source), 0) if chosen_source else 0
        site_index = max(self.site_combo.findData(chosen_site), 0) if chosen_site else 0
        self.source_combo.setCurrentIndex(source_index)
        self.site_combo.setCurrentIndex(site_index)
        if self._facets is not None:
            self.show_counts(self._facets)
        for combo in (self.source_combo, self.site_combo):
            combo.blockSignals(False)
        if (self.source_combo.currentData(), self.site_combo.currentData()) != (chosen_source, chosen_site):
            self.changed.emit()  # a chosen source or site is gone: show everything again

    def show_counts(self, facets: SearchFacets) -> None:
        """Put the search's counts in the menus (a source or site it does not reach: 0). The choices and
        their order stay, so a count changing under the pointer never moves an item."""
        self._facets = facets
        by_source, by_site = dict(facets.sources), dict(facets.sites)
        for index in range(1, self.source_combo.count()):
            source_id = self.source_combo.itemData(index)
            self.source_combo.setItemText(
                index, f"{self._names.get(source_id, source_id)} · {by_source.get(source_id, 0):,}"
            )
        for index in range(1, self.site_combo.count()):
            host = self.site_combo.itemData(index)
            self.site_combo.setItemText(index, f"{host} · {by_site.get(host, 0):,}")

    def current_order(self) -> DocumentOrder:
        return DocumentOrder(self.order_combo.currentData() or DocumentOrder.RELEVANCE.value)

    def choose_order(self, order: DocumentOrder) -> None:
        self.order_combo.setCurrentIndex(max(self.order_combo.findData(order.value), 0))

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
