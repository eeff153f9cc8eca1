"""The command line's start-up imports, and Python's cyclic garbage collector.

Importing the program's modules makes some hundred thousand objects that live as long as the process
(modules, classes, functions). The collector runs every 700 new container objects and walks the young
ones again each time; later, each full pass walks them all again, though none of them is garbage. So a
block of the command line that only imports (``startup_imports``) runs with the collector paused, then
freezes what the process holds (``gc.freeze``: never walked again; still freed when no longer referred
to, as every object is) and lets the collector resume. Measured in one process, the store's then the
engine's imports, then 200,000 small lists made (12 alternating runs each, medians): 411 ms as before,
399 ms with the collector only paused, 323 ms paused and frozen (the lists 86 -> 38 ms: the passes they
cause no longer walk the modules).

Only for a process that has made nothing else yet that may end in a reference cycle: a frozen cycle is
never collected. The window's process freezes before its first widget (``cli/main.py``), never later.
And only in the program's own process (``this_process_is_the_program``: ``main()`` called without
arguments, as the console script, ``python -m`` and the packaged launcher call it): a caller of
``main([...])`` in its own process (the tests) keeps its objects in the collector's reach.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_program = False  # whether this process is the program itself (see the module's docstring)


def this_process_is_the_program() -> None:
    """The program's entry: its start-up imports may be frozen from now on."""
    global _program
    _program = True


@contextmanager
def startup_imports() -> Iterator[None]:
    """The collector paused for the block (imports only), what the process holds frozen after it; in
    the program's own process only (elsewhere the block runs as it is)."""
    if not _program:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
