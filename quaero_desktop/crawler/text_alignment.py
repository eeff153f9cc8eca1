"""Placing chosen paragraphs on a page's own text: which of the page's words are the extractor's choice.

Each chosen paragraph is placed at its best occurrence in the page's word stream (3-word shingles in
order, gaps allowed), preferring the occurrence nearest the text placed so far — a teaser or a repeated
caption elsewhere on the page does not take the article's place.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Final

Words = list[str]

SHINGLE: Final = 3
PROBE: Final = 8
"""Shingles of a paragraph tried at each of its possible starts before the likeliest are walked whole."""
PROBED_STARTS: Final = 4
MAX_GAP: Final = 40
"""Words the page may have between two shingles of one chosen paragraph (inline asides, ads)."""


def align(stream: Words, paragraphs: Sequence[Words]) -> list[bool]:
    """Which positions of the page's word ``stream`` the ``paragraphs`` are, each placed once, in order."""
    index: dict[tuple[str, ...], list[int]] = {}
    for position in range(len(stream) - SHINGLE + 1):
        index.setdefault(tuple(stream[position : position + SHINGLE]), []).append(position)
    covered = [False] * len(stream)
    placed: list[int] = []  # where the chosen text sits so far: the article's region
    cursor = 0
    for paragraph in paragraphs:
        if len(paragraph) < SHINGLE:
            cursor = _place_short(stream, paragraph, cursor, covered)
            continue
        shingles = [tuple(paragraph[i : i + SHINGLE]) for i in range(len(paragraph) - SHINGLE + 1)]
        best = _next_in_order(stream, index, paragraph, shingles, cursor)
        if best is None:
            best = _best_placement(index, shingles, cursor, placed[len(placed) // 2] if placed else cursor)
        if best is None:
            continue
        for hit in best:
            for position in range(hit, hit + SHINGLE):
                covered[position] = True
        placed.extend(best)
        placed.sort()
        cursor = max(cursor, best[-1] + SHINGLE)
    return covered


def _next_in_order(
    stream: Words,
    index: dict[tuple[str, ...], list[int]],
    paragraph: Words,
    shingles: list[tuple[str, ...]],
    cursor: int,
) -> list[int] | None:
    """The paragraph word for word right after the text placed so far (how most paragraphs follow one
    another): no other placement can be nearer, so none is searched for."""
    positions = index.get(shingles[0], [])
    found = bisect.bisect_left(positions, cursor)
    if found == len(positions) or positions[found] - cursor > MAX_GAP:
        return None
    start = positions[found]
    if stream[start : start + len(paragraph)] != paragraph:
        return None
    return list(range(start, start + len(shingles)))


def _best_placement(
    index: dict[tuple[str, ...], list[int]], shingles: list[tuple[str, ...]], cursor: int, centre: int
) -> list[int] | None:
    """The paragraph's shingles' best occurrence: most of them in order, nearest the text placed so far."""
    starts: set[int] = set()
    for shingle in shingles[:8]:
        positions = index.get(shingle, [])
        for anchor in (cursor, centre, 0):
            found = bisect.bisect_left(positions, anchor)
            starts.update(positions[found : found + 4])
    # Each start is tried on the paragraph's first shingles; only the likeliest are walked whole (a
    # paragraph repeated nowhere else has one start, a common phrase may have dozens).
    head = shingles[:PROBE]
    probed = [(len(_walk(index, head, start)), start) for start in starts]
    likely = sorted((found, start) for found, start in probed if found >= 0.4 * len(head))[-PROBED_STARTS:]
    best: list[int] | None = None
    best_key: tuple[bool, int, int] | None = None
    for _found, start in likely:
        hits = _walk(index, shingles, start)
        if len(hits) < max(1, 0.4 * len(shingles)):
            continue
        nearness = -abs(start - centre) if start < cursor else -abs(start - cursor) // 4
        key = (len(hits) >= 0.8 * len(shingles), nearness, len(hits))
        if best_key is None or key > best_key:
            best, best_key = hits, key
    return best


def _walk(index: dict[tuple[str, ...], list[int]], shingles: list[tuple[str, ...]], start: int) -> list[int]:
    """The positions of ``shingles`` found in order from ``start``, each within MAX_GAP of the last."""
    position, hits = start, []
    for shingle in shingles:
        positions = index.get(shingle, [])
        found = bisect.bisect_left(positions, position)
        if found < len(positions) and positions[found] - position <= MAX_GAP:
            hits.append(positions[found])
            position = positions[found] + 1
    return hits


def _place_short(stream: Words, paragraph: Words, cursor: int, covered: list[bool]) -> int:
    """A paragraph of one or two words: its next occurrence shortly after the cursor."""
    for position in range(cursor, min(len(stream), cursor + 200) - len(paragraph) + 1):
        if stream[position : position + len(paragraph)] == paragraph:
            for i in range(position, position + len(paragraph)):
                covered[i] = True
            return position + len(paragraph)
    return cursor
