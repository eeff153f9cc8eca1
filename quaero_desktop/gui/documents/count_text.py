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
    quoted = quoted_query(query, 40)
    if count == 0:
        return f"No matches for {quoted}"
    if count >= SEARCH_LIMIT:
        return f"First {count:,} matches for {quoted}"
    return f"{count:,} match{'es' if count != 1 else ''} for {quoted}"


def no_matches_text(query: str) -> str:
    """What the empty results list says for a query that found nothing."""
    return f"No matches for {quoted_query(query)}\nTry other or fewer words."


def quoted_query(query: str, longest: int | None = None) -> str:
    """The query in quotes, cut to ``longest`` characters with "…"; a query that is one "phrase" brings
    its own quotes (another pair read ""event loop"")."""
    shown = query.strip()
    if _is_one_phrase(shown):
        return shown if longest is None or len(shown) <= longest else shown[: longest - 2] + "…" + shown[-1]
    if longest is not None and len(shown) > longest:
        shown = shown[: longest - 1] + "…"
    return f"“{shown}”"


def _is_one_phrase(text: str) -> bool:
    return len(text) >= 2 and text[0] in '"“' and text[-1] in '"”' and '"' not in text[1:-1]
