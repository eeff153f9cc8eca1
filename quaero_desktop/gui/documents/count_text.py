"""What the Documents view says beside its search box: how many documents or matches it shows."""

from __future__ import annotations

from quaero_desktop.domain.document import DocumentOrder

SEARCH_LIMIT = 200  # the window shows the best 200 matches (a search reaches every document)
_LISTED_AS = {DocumentOrder.TITLE: "by title", DocumentOrder.SITE: "by site"}


def count_text(
    query: str, count: int, *, searching: bool, total: int | None = None, order: DocumentOrder = DocumentOrder.RELEVANCE
) -> str:
    """'12 documents', 'Newest 5,000 of 9,000 documents', 'First 5,000 of 9,000 documents by title',
    '1 match for “fog”', 'First 200 matches for “fog”'."""
    if not searching:
        if total is not None and total > count:
            if order in _LISTED_AS:
                return f"First {count:,} of {total:,} documents {_LISTED_AS[order]}"
            return f"Newest {count:,} of {total:,} documents"
        return f"{count:,} document{'s' if count != 1 else ''}" if count else "No documents"
    shown = query.strip()
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    # A query that is one "phrase" brings its own quotes: another pair would read ""event loop"".
    quoted = shown if _is_one_phrase(query.strip()) else f"“{shown}”"
    if count == 0:
        return f"No matches for {quoted}"
    if count >= SEARCH_LIMIT:
        return f"First {count:,} matches for {quoted}"
    return f"{count:,} match{'es' if count != 1 else ''} for {quoted}"


def _is_one_phrase(text: str) -> bool:
    return len(text) >= 2 and text[0] in '"“' and text[-1] in '"”' and '"' not in text[1:-1]
