"""What masking the credentials in URLs costs a document on its way out (issue 21, item 3).

Every answer, export and printed document now goes through ``domain/secret_urls.mask_url_text``.
This times it, interleaved round by round, on Markdown of 1 MB and 4 MB (link-heavy: a link or a
bare URL every line, one in ten with ``?token=``; the same with no secret-looking name; and plain
text without any ``=`` or ``@``), and on inputs made to defeat a careless pattern (one unbroken run of
``https://`` repeated, ``](`` repeated, a word of letters): the 4 MB / 1 MB ratio should stay near 4
(linear). Beside it, the read_document page of the 1 MB document without and with masking.

    .venv/bin/python benchmarks/secret_masking.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quaero_desktop.domain.document import Document
from quaero_desktop.domain.secret_urls import mask_url_text
from quaero_desktop.mcp_server.answers import document_pages, document_text

MB = 1_000_000


def _links(size: int) -> str:
    lines = []
    n = 0
    while sum(map(len, lines)) < size:
        n += 1
        query = f"?token=t{n:08x}&page={n}" if n % 10 == 0 else f"?page={n}&sort=asc"
        if n % 3:
            lines.append(f"See [section {n}](https://docs.example.com/guide/part-{n}{query}) for the details.\n")
        else:
            lines.append(f"The feed https://feeds.example.com/{n}{query} updates every hour, {n} items.\n")
    return "".join(lines)[:size]


def _plain(size: int) -> str:
    return ("The keeper's log records the lamp, the weather and every ship that passes the point.\n" * (size // 80))[
        :size
    ]


INPUTS: dict[str, Callable[[int], str]] = {
    "links": _links,
    "links, no secret": lambda size: _links(size).replace("?token=", "?topic="),
    "no = or @": _plain,
    "https:// run": lambda size: ("https://a.example/=" * (size // 19 + 1))[:size],
    "]( run": lambda size: ("](x=" * (size // 4 + 1))[:size],
    "one word": lambda size: ("a" * size) + "=b@c",
}


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    texts = {(name, size): make(size) for name, make in INPUTS.items() for size in (MB, 4 * MB)}
    now = datetime.now(UTC)
    document = Document(
        id=1, url="https://docs.example.com/", title="Guide", markdown=texts[("links", MB)], description="",
        canonical_url="", language="en", final_url="", http_status=200, content_hash="", job_id=None,
        definition_id=None, first_crawled_at=now, last_crawled_at=now, updated_at=now,
    )  # fmt: skip
    times: dict[str, list[float]] = {}
    for _ in range(rounds):  # interleaved: each round times every case once
        for (name, size), text in texts.items():
            times.setdefault(f"{name} {size // MB} MB", []).append(_seconds(lambda t=text: mask_url_text(t)))
        times.setdefault("read_document page, unmasked", []).append(
            _seconds(lambda: document_pages(document.markdown)[0])
        )
        times.setdefault("read_document page, masked", []).append(_seconds(lambda: document_text(document, 1)))
    medians = {case: statistics.median(values) for case, values in times.items()}
    print(f"median of {rounds} rounds")
    for case, seconds in medians.items():
        print(f"  {case:<32} {seconds * 1000:8.1f} ms")
    print("4 MB / 1 MB (linear: about 4)")
    for name in INPUTS:
        print(f"  {name:<32} {medians[f'{name} 4 MB'] / medians[f'{name} 1 MB']:8.2f}")
    masked = medians["read_document page, masked"]
    unmasked = medians["read_document page, unmasked"]
    print(f"read_document page of 1 MB: {unmasked * 1000:.1f} ms -> {masked * 1000:.1f} ms")


if __name__ == "__main__":
    main()
