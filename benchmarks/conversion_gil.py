"""The window's thread while a crawl converts pages (issue 20, item 5): in threads of the window's process
(``InThreadConversions``, as before the pool) or in the pool's worker processes (``ConversionPool``).

Converts ``--pages`` pages of the Python manual as Debian ships it (python3.11-doc), ``--concurrency`` at
a time as a crawl's workers would, alternately each way, ``--rounds`` times. Meanwhile a thread of this
process sleeps 5 ms at a time, as the window's thread waits for its next event, and notes how late it
wakes (it needs the GIL, and a core on a loaded machine). Reported: wall time, this process's CPU (what
competes with the window for the GIL), the wake-up delay's median, 99th percentile and worst, and the
total of the delays over 10 ms.

    .venv/bin/python benchmarks/conversion_gil.py [--pages 80] [--rounds 3] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.wakeup_ticker import Ticker  # noqa: E402
from quaero_desktop.crawler.conversion_pool import ConversionPool, Conversions, InThreadConversions  # noqa: E402
from quaero_desktop.crawler.converted_page import NO_RULES  # noqa: E402

MANUAL = Path("/usr/share/doc/python3.11/html/library")


def _delays(late: dict[str, float]) -> str:
    return (
        f"wake-up delay p50 {late['p50']:5.1f} / p99 {late['p99']:5.1f} / max {late['max']:4.0f} ms, "
        f">10 ms {late['over_10ms_s']:5.2f} s"
    )


async def convert_all(conversions: Conversions, pages: list[tuple[str, str]], concurrency: int) -> None:
    slots = asyncio.Semaphore(concurrency)

    async def one(html: str, url: str) -> None:
        async with slots:
            await conversions.convert(html, url, NO_RULES)

    await asyncio.gather(*(one(html, url) for html, url in pages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    files = sorted(MANUAL.glob("*.html"))[: args.pages]
    if not files:
        raise SystemExit(f"no pages in {MANUAL}: install python3.11-doc")
    pages = [(file.read_text(encoding="utf-8"), f"http://127.0.0.1/{file.name}") for file in files]
    pool = ConversionPool()
    asyncio.run(pool.convert(*pages[0], NO_RULES))  # started, as during a crawl
    try:
        for number in range(1, args.rounds + 1):
            for name, conversions in (("in threads", InThreadConversions()), ("in the pool", pool)):
                pool.close()  # nothing kept from the last round (a closed pool starts again)
                ticker = Ticker()
                began, cpu = time.perf_counter(), time.process_time()
                asyncio.run(convert_all(conversions, pages, args.concurrency))
                wall, cpu = time.perf_counter() - began, time.process_time() - cpu
                print(
                    f"round {number} {name:<11}: {len(pages)} pages in {wall:5.2f} s, this process's CPU {cpu:5.2f} s; "
                    + _delays(ticker.stop()),
                    flush=True,
                )
    finally:
        pool.close()


if __name__ == "__main__":
    main()
