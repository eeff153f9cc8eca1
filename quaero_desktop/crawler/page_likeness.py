"""Whether two pages say the same thing: the measures a crawl stores a page once by (engine/run/same_content.py).

* **Identical**: the same Markdown once relative times and view counters are masked — the
  document's ``content_hash``, computed for change detection already.
* **Near-identical**: the same *outline* (the title and the H1-H3 headings, ``outline_key``) and a
  resemblance of at least ``NEAR_SIMILARITY``: the Jaccard index of the two texts' sets of word
  3-shingles (every run of three words, lower-cased). Pages whose headings differ are never
  near-identical: two API operations or two calendar months name themselves in their headings,
  while what varies between two addresses of one page (a date, a counter, a widget's pick)
  is running text.

One word changed in the middle of a text changes three of its shingles and adds three: a page of
n words keeps a resemblance of about (n - 5) / (n + 1), so at 0.95 it must have some 120 words
before one changed word leaves it near-identical, 240 for two: a short page is near-identical to
nothing but itself.

A sketch (the ``SKETCH_KEYS`` smallest shingle hashes) finds the candidates among many pages with
one outline: two texts with a resemblance of 0.95 share at least one of them but with a
probability of about 1e-5; a candidate is then measured on its whole text.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from collections.abc import Sequence
from typing import Final

NEAR_SIMILARITY: Final = 0.95
SHINGLE_WORDS: Final = 3
SKETCH_KEYS: Final = 4
_WORD: Final = re.compile(r"\w+")
_MASK: Final = (1 << 64) - 1
# Odd 64-bit multipliers: a shingle's hash mixes its three words' CRCs (stable across processes).
_FIRST: Final = 0x9E3779B97F4A7C15
_SECOND: Final = 0xC2B2AE3D27D4EB4F
_THIRD: Final = 0x165667B19E3779F9


def outline_key(headings: Sequence[str]) -> str:
    """16 hex digits naming a page's outline (its title, then its H1-H3 texts); "" for a page without one."""
    parts = [" ".join(heading.lower().split()) for heading in headings]
    if not any(parts):
        return ""
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=8).hexdigest()


def shingles(text: str) -> frozenset[int]:
    """The hashes of the text's word 3-shingles (of all its words, when it has fewer than three)."""
    hashes = [zlib.crc32(word.encode("utf-8")) for word in _WORD.findall(text.lower())]
    if len(hashes) < SHINGLE_WORDS:
        return frozenset({_combine(*hashes, 0, 0, 0)}) if hashes else frozenset()
    return frozenset(map(_combine, hashes, hashes[1:], hashes[2:]))


def _combine(first: int, second: int, third: int, *_: int) -> int:
    mixed = (first * _FIRST ^ second * _SECOND ^ third * _THIRD) & _MASK
    return (mixed ^ (mixed >> 29)) * _SECOND & _MASK


def sketch(hashes: frozenset[int]) -> tuple[int, ...]:
    """The ``SKETCH_KEYS`` smallest shingle hashes: near-identical texts share one of them."""
    return tuple(heapq.nsmallest(SKETCH_KEYS, hashes))


def similarity(first: frozenset[int], second: frozenset[int]) -> float:
    """The Jaccard index of two shingle sets (1.0 for two empty ones)."""
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)
