"""What an event loop's tasks are waiting on, for the log when stopping one hangs."""

from __future__ import annotations

import asyncio


def waiting_tasks(loop: asyncio.AbstractEventLoop) -> str:
    """One line per task of ``loop`` (running on another thread): its name and where it waits."""

    async def describe() -> str:
        lines = []
        for task in asyncio.all_tasks(loop):
            frames = task.get_stack(limit=8)
            where = " <- ".join(f"{f.f_code.co_name}:{f.f_lineno}" for f in reversed(frames))
            lines.append(f"  {task.get_name()}: {where or 'not started'}")
        return "\n".join(lines)

    try:
        return asyncio.run_coroutine_threadsafe(describe(), loop).result(5)
    except Exception:  # the loop itself is stuck
        return "  (the engine's loop does not answer)"
